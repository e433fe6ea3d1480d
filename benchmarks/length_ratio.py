"""How long a sentence's official Chinese runs against its English: the figure the MT length cap is set on.

    python benchmarks/length_ratio.py

Aligns each bilingual document of the shipped corpus (``corpora/official/*.en.txt`` with its
``.zh.txt``) in parallel mode without MT, keeps the one-to-one pairs the aligner is sure of
(score ≥ 0.15, English of at least 30 characters), and prints the distribution of
non-space Chinese characters per non-space English character. The largest ratio, rounded up,
is :data:`workbench.translate.backend.ZH_CHARS_PER_EN_CHAR_MAX`: the translator turns it into
output tokens per source token with its own tokenizer (see ``TranslatorBackend.length_ratio``).
Characters, not tokens, because the figure must hold for any MarianMT tokenizer.
"""

from __future__ import annotations

import math
import statistics
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIN_SCORE = 0.15
MIN_ENGLISH_CHARS = 30


def sentence_ratios() -> list[tuple[float, str, str]]:
    """``(zh chars / en chars, en, zh)`` for every confident one-to-one pair of the shipped bilingual documents."""
    from workbench.pipeline import align_files
    from workbench.settings import Settings

    found = []
    for english in sorted((ROOT / "corpora" / "official").glob("*.en.txt")):
        chinese = english.with_name(english.name.replace(".en.txt", ".zh.txt"))
        if not chinese.is_file():
            continue
        run = align_files(Settings(), str(english), str(chinese), mode="parallel", use_mt=False)
        for record in run.records:
            if len(record["src"]) != 1 or len(record["tgt"]) != 1 or record["score"] < MIN_SCORE:
                continue
            en, zh = "".join(record["src_text"].split()), "".join(record["tgt_text"].split())
            if len(en) >= MIN_ENGLISH_CHARS and ":" not in record["src_text"][:12]:  # skip header lines
                found.append((len(zh) / len(en), record["src_text"], record["tgt_text"]))
    return found


def main() -> int:
    ratios = sentence_ratios()
    values = sorted(r for r, _, _ in ratios)
    quantile = lambda q: values[min(len(values) - 1, round(q * (len(values) - 1)))]  # noqa: E731
    print(f"{len(values)} one-to-one sentence pairs; Chinese chars per English char: median {statistics.median(values):.3f}, "
          f"p95 {quantile(.95):.3f}, p99 {quantile(.99):.3f}, max {values[-1]:.3f}")
    top = max(ratios)
    print(f"largest: {top[0]:.3f}\n  {top[1]}\n  {top[2]}")
    print(f"ZH_CHARS_PER_EN_CHAR_MAX = {math.ceil(values[-1] * 100) / 100}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
