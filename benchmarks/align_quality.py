"""Alignment quality and speed on the gold sets beside the project (../shared/align-data).

Prints, for MAC-Dev (Chinese→English, with the machine translations shipped there), the
no-counterpart construction (30% of MAC-Dev's Chinese removed, judged per English sentence)
and the Bible (English→Chinese, verse-merged scoring):

1. the default aligner's figures and wall times, next to Bertalign's published figures;
2. the ablation: each signal removed in turn, on every data set, with wall times;
3. with ``--encoders``, each cross-lingual encoder that loads here (use-m, e5-small) compared
   on MAC-Dev: the probe (the right English sentence closest within ±6 of each gold 1-1 pair),
   the seconds to encode MAC-Dev's sentences cold, and the MAC-Dev and no-counterpart figures;
4. the Bible's accuracy against time as more of it is encoded (``encode_budget``), every run
   cold (a fresh use-m encoder, WordLlama's vectors forgotten) so encoding is paid in full,
   the budget that meets the target in the least time, and the time ratio when the length doubles.

Each data set is one function of an aligner factory (:data:`DATA_SETS`); a new data set (a
look-up set) is one more entry there and becomes a column of the ablation table.
Run: ``.venv/bin/python benchmarks/align_quality.py [--quick | --curve | --encoders]`` (``--quick`` skips the
Bible, its curve and doubling; ``--curve`` prints only the curve and doubling); it skips with a
message when the data is absent.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "align-data"

from workbench.align import ParallelAligner, shared_embedder  # noqa: E402
from workbench.align.beads import parse_beads, swap_sides  # noqa: E402
from workbench.align.evaluate import drop_counterparts, merge_within_units, score_documents  # noqa: E402
from workbench.align.signals import DEFAULT_WEIGHTS  # noqa: E402
from workbench.dictionary import load_dictionary  # noqa: E402
from workbench.embeddings import (  # noqa: E402
    Embedder,
    EmbedderUnavailable,
    UseMultilingual,
    load_embedder,
    load_sentence_embedder,
)
from workbench.settings import Settings, use_cache_dir  # noqa: E402

TARGETS = {"MAC-Dev": 0.92, "Bible": 0.98, "no counterpart": 0.90}
BERTALIGN = {"MAC-Dev": (0.911, 0.998), "Bible": (0.979, 1.0)}
BIBLE_SECONDS = 10.0

AlignerFactory = Callable[..., ParallelAligner]  # keyword gaps → a configured aligner


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def _mac_documents():
    folder = DATA / "mac-dev"
    for gold_file in sorted((folder / "gold").glob("*.align")):
        name = gold_file.stem
        yield (name, _lines(folder / "zh" / f"{name}.zh"), _lines(folder / "en" / f"{name}.en"),
               _lines(folder / "zh" / f"{name}.zh-mt-en"), parse_beads(_lines(gold_file)))


def mac_dev(make: AlignerFactory) -> tuple[dict[str, float], float]:
    """Scores and seconds for the six MAC-Dev documents."""
    aligner = make(gaps=False)
    pairs, seconds = [], 0.0
    for _name, zh, en, mt, gold in _mac_documents():
        start = time.perf_counter()
        beads = aligner.align(zh, en, src_lang="zh", tgt_lang="en", mt=mt, evidence=False)
        seconds += time.perf_counter() - start
        pairs.append((beads, gold))
    return score_documents(pairs), seconds


def no_counterpart(make: AlignerFactory) -> tuple[dict[str, float], float]:
    """The news test: the Chinese of about 30% of MAC-Dev's beads removed, judged per English sentence."""
    aligner = make(gaps=True)
    pairs, seconds = [], 0.0
    for name, zh, en, mt, gold in _mac_documents():
        zh, gold, mt = drop_counterparts(zh, gold, share=0.3, seed=int(name), mt=mt)
        start = time.perf_counter()
        beads = aligner.align(zh, en, src_lang="zh", tgt_lang="en", mt=mt, evidence=False)
        seconds += time.perf_counter() - start
        pairs.append((swap_sides(beads), swap_sides(gold)))
    return score_documents(pairs), seconds


def bible(make: AlignerFactory, lines: int | None = None) -> tuple[dict[str, float], float]:
    """Scores and seconds for the Bible pair, or for its first ``lines`` English lines and their Chinese."""
    folder = DATA / "bible"
    en, zh, mt = _lines(folder / "en" / "001.en"), _lines(folder / "zh" / "001.zh"), _lines(folder / "en" / "001.en-mt-zh")
    gold = parse_beads(_lines(folder / "gold" / "001.align"))
    if lines is not None:
        gold = [b for b in gold if b.src and b.src[-1] < lines]
        en_end = max(i for b in gold for i in b.src) + 1
        zh_end = max(j for b in gold for j in b.tgt) + 1
        en, mt, zh = en[:en_end], mt[:en_end], zh[:zh_end]
    aligner = make(gaps=False)
    start = time.perf_counter()
    beads = aligner.align(en, zh, src_lang="en", tgt_lang="zh", mt=mt, evidence=False)
    seconds = time.perf_counter() - start
    merged = merge_within_units(beads, _lines(folder / "en.verse"), _lines(folder / "zh.verse"))
    return score_documents([(merged, gold)]), seconds


def bible_characters(lines: int | None = None) -> int:
    """Characters of both sides of the Bible pair (or of its first ``lines`` English lines' share)."""
    folder = DATA / "bible"
    en, zh = _lines(folder / "en" / "001.en"), _lines(folder / "zh" / "001.zh")
    if lines is None:
        return sum(map(len, en)) + sum(map(len, zh))
    gold = [b for b in parse_beads(_lines(folder / "gold" / "001.align")) if b.src and b.src[-1] < lines]
    en_end = max(i for b in gold for i in b.src) + 1
    zh_end = max(j for b in gold for j in b.tgt) + 1
    return sum(map(len, en[:en_end])) + sum(map(len, zh[:zh_end]))


# Data set → (function of an aligner factory, the score it is judged by). A look-up set joins here.
DATA_SETS: dict[str, tuple[Callable[[AlignerFactory], tuple[dict[str, float], float]], str]] = {
    "MAC-Dev": (mac_dev, "strict_f1"),
    "no counterpart": (no_counterpart, "none_f1"),
    "Bible": (bible, "strict_f1"),
}

# The look-up dev set and the demo article in news mode (benchmarks/lookup_quality.py).
sys.path.insert(0, str(ROOT / "benchmarks"))
from lookup_quality import TARGET_TOP1, lookup_data_set, news_data_set  # noqa: E402

DATA_SETS["look-up dev"] = (lookup_data_set, "top1")
DATA_SETS["news demo"] = (news_data_set, "statements")
TARGETS.update({"look-up dev": TARGET_TOP1, "news demo": 1.0})

# Variant → what differs from the default aligner (weights replaced, or no cross-lingual encoder).
ABLATIONS: dict[str, dict[str, float]] = {
    "all signals": {},
    "− meaning (use-m)": {"meaning": 0.0},
    "− mt n-grams": {"mt": 0.0},
    "− mt-meaning (WordLlama)": {"mt_meaning": 0.0},
    "− dictionary": {"dictionary": 0.0},
    "− numbers": {"numbers": 0.0},
    "− length": {"length": 0.0},
    "− quotes": {"quote": 0.0},
}


def factory(embedder: Embedder | None, **changes: float) -> AlignerFactory:
    """Aligners with ``embedder`` and the default weights changed by ``changes``."""
    weights = replace(DEFAULT_WEIGHTS, **changes)

    def make(*, gaps: bool) -> ParallelAligner:
        return ParallelAligner(mt_source="file", gaps=gaps, weights=weights, embedder=embedder)

    return make


def fresh_encoder() -> Embedder:
    """A use-m encoder of its own with empty caches, and WordLlama's vectors forgotten, so a run
    pays for every sentence it encodes."""
    mt_meaning = load_sentence_embedder()
    if mt_meaning is not None:
        mt_meaning.forget()
    return UseMultilingual()


def ablation_table(encoder: Embedder) -> None:
    """Each signal removed in turn, on every data set (score, then seconds with sentence vectors cached)."""
    names = list(DATA_SETS)
    print("\n| variant | " + " | ".join(f"{n} ({DATA_SETS[n][1]})" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for variant, changes in ABLATIONS.items():
        cells = []
        for name in names:
            run, key = DATA_SETS[name]
            scores, seconds = run(factory(encoder, **changes))
            cells.append(f"{scores[key]:.4f} ({seconds:.1f} s)")
        print(f"| {variant} | " + " | ".join(cells) + " |", flush=True)


ENCODERS = ("use-m", "e5-small")
PROBE_WINDOW = 6  # English sentences either side of the gold counterpart the probe chooses among


def encoder_table() -> None:
    """Each encoder that loads here on MAC-Dev: probe, cold encoding time, MAC-Dev and no-counterpart F1."""
    print("\n| encoder | probe (±6) | encode MAC-Dev, cold | MAC-Dev strict F1 | no-counterpart F1 |")
    print("|---|---|---|---|---|")
    documents = list(_mac_documents())
    for name in ENCODERS:
        try:
            encoder = load_embedder(name)
        except EmbedderUnavailable as exc:
            print(f"| {name} | not here: {exc} | | | |")
            continue
        start = time.perf_counter()
        vectors = [(encoder.embed(zh), encoder.embed(en)) for _name, zh, en, _mt, _gold in documents]
        seconds = time.perf_counter() - start
        hits = total = 0
        for (zh_vectors, en_vectors), (*_texts, gold) in zip(vectors, documents):
            for bead in gold:
                if len(bead.src) == len(bead.tgt) == 1:
                    i, j = bead.src[0], bead.tgt[0]
                    lo, hi = max(j - PROBE_WINDOW, 0), min(j + PROBE_WINDOW + 1, len(en_vectors))
                    hits += int(lo + int(np.argmax(en_vectors[lo:hi] @ zh_vectors[i])) == j)
                    total += 1
        sentences = sum(len(zh) + len(en) for _name, zh, en, _mt, _gold in documents)
        mac = mac_dev(factory(encoder))[0]["strict_f1"]
        gaps = no_counterpart(factory(encoder))[0]["none_f1"]
        print(f"| {name} | {hits / total:.3f} | {seconds:.1f} s ({sentences:,} sentences) | {mac:.4f} | {gaps:.4f} |",
              flush=True)


CURVE_BUDGETS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)


def bible_curve(budgets: tuple[float, ...] = CURVE_BUDGETS) -> None:
    """Bible strict F1 against seconds as ``encode_budget`` rises (more of the pair encoded), cold,
    and the budget that meets the F1 target within the time target in the least time."""
    print("\nBible: strict F1 against seconds, cold (encode_budget 0 = lexical only; "
          f"default {ParallelAligner().encode_budget})")
    print("| encode_budget | sentences encoded | strict F1 | seconds |")
    print("|---|---|---|---|")
    meets = []
    for budget in budgets:
        encoder = fresh_encoder()
        scores, seconds = bible(lambda gaps, b=budget, e=encoder: ParallelAligner(
            mt_source="file", gaps=gaps, embedder=e, encode_budget=b))
        f1 = scores["strict_f1"]
        print(f"| {budget:.2f} | {encoder.encoded:,} | {f1:.4f} | {seconds:.1f} |", flush=True)
        if f1 >= TARGETS["Bible"] and seconds <= BIBLE_SECONDS:
            meets.append((seconds, budget))
    if meets:
        seconds, budget = min(meets)
        print(f"least time meeting strict F1 ≥ {TARGETS['Bible']} in ≤ {BIBLE_SECONDS:.0f} s: "
              f"encode_budget {budget:.2f} ({seconds:.1f} s)")
    else:
        print(f"no budget meets strict F1 ≥ {TARGETS['Bible']} in ≤ {BIBLE_SECONDS:.0f} s on this run")


def doubling() -> None:
    """Time for the first half of the Bible and for the whole, default aligner, cold, best of two runs each."""
    def cold(lines: int | None) -> float:
        encoder = fresh_encoder()
        return bible(lambda gaps: ParallelAligner(mt_source="file", gaps=gaps, embedder=encoder), lines)[1]

    whole = min(cold(None) for _ in range(2))
    half = min(cold(2500) for _ in range(2))
    length_ratio = bible_characters() / bible_characters(2500)
    time_ratio = whole / half
    per_doubling = 2 ** (math.log(time_ratio) / math.log(length_ratio))
    print(f"length doubling: {half:.1f} s for the first half, {whole:.1f} s for the whole "
          f"({length_ratio:.2f}× the characters) → ×{time_ratio:.2f}, ×{per_doubling:.2f} per exact doubling "
          f"(target ≤ 2.2)")


def main() -> int:
    if not DATA.is_dir():
        print(f"skipped: {DATA} not found (the shared evaluation data is not beside this checkout)")
        return 0
    quick = "--quick" in sys.argv[1:]
    if "--encoders" in sys.argv[1:]:
        load_dictionary()
        load_sentence_embedder()
        encoder_table()
        return 0
    if "--curve" in sys.argv[1:]:
        load_dictionary()
        load_sentence_embedder()
        bible_curve()
        doubling()
        return 0
    start = time.perf_counter()
    load_dictionary()
    load_sentence_embedder()
    use_cache_dir(Settings.resolve().cache_dir)  # as the workbench's entry points do
    encoder = shared_embedder()  # vectors kept on disk by text hash
    if encoder is None:
        print("skipped: the use-m encoder cannot be loaded here")
        return 0
    print(f"dictionary and encoders ready in {time.perf_counter() - start:.1f} s (loaded once, then kept)")
    for name, (run, key) in DATA_SETS.items():
        if quick and name == "Bible":
            continue
        scores, seconds = run(factory(fresh_encoder() if name == "Bible" else encoder))
        verdict = "meets" if scores[key] >= TARGETS[name] else "below"
        bertalign = f"; Bertalign {BERTALIGN[name][0]:.3f}" if name in BERTALIGN else ""
        print(f"{name:15s} {key} {scores[key]:.4f} (target {TARGETS[name]:.2f}, {verdict}{bertalign})  "
              f"{seconds:.1f} s" + ("  (encoder cold)" if name == "Bible" else ""), flush=True)
    if quick:
        return 0
    ablation_table(encoder)
    bible_curve()
    doubling()
    return 0


if __name__ == "__main__":
    sys.exit(main())
