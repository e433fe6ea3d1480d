"""Shape checks: translation length against what the source predicts, and runaway repetition.

Length: official Chinese runs at about :data:`ZH_CHARS_PER_EN_CHAR` non-space characters
per English character (0.21–0.29 over the complete bilingual documents in ``corpora/``).
Single sentences vary more, so only a translation outside
[:data:`TOO_SHORT`, :data:`TOO_LONG`] times the prediction is flagged, and only for sources
long enough for the ratio to mean something.

Repetition: a unit of text repeated back to back (你好你好你好), or a long character
n-gram recurring several times, is what a decoder stuck in a loop produces.
"""

from __future__ import annotations

import re

from workbench.qa.flags import QAFlag
from workbench.text.zh import CJK_RUN

ZH_CHARS_PER_EN_CHAR = 0.25
TOO_SHORT = 0.35
TOO_LONG = 3.0
MIN_SOURCE_CHARS = 30
# A unit of 2–12 characters repeated 3+ times in a row, or one character 4+ times.
_LOOP = re.compile(r"(.{2,12}?)\1{2,}|(.)\2{3,}", re.DOTALL)
NGRAM = 8
NGRAM_REPEATS = 3


def expected_length(source: str) -> float:
    """Non-space characters the Chinese translation of ``source`` is predicted to have."""
    return len(source.strip()) * ZH_CHARS_PER_EN_CHAR


def check_length(source: str, translation: str) -> list[QAFlag]:
    """A flag when the translation is far shorter or longer than the source predicts."""
    if len(source.strip()) < MIN_SOURCE_CHARS or not translation.strip():
        return []
    expected = expected_length(source)
    actual = len("".join(translation.split()))
    ratio = actual / expected
    if ratio < TOO_SHORT:
        return [QAFlag("length", f"the translation has {actual} characters where about {expected:.0f} are "
                                 "expected; check for dropped content")]
    if ratio > TOO_LONG:
        return [QAFlag("length", f"the translation has {actual} characters where about {expected:.0f} are "
                                 "expected; check for added or repeated content")]
    return []


def check_repetition(translation: str) -> list[QAFlag]:
    """Flags for text repeated back to back and for long n-grams that keep recurring."""
    flags = []
    for m in _LOOP.finditer(translation):
        unit = m.group(1) or m.group(2)
        if not re.search(r"[^\W\d_]", unit):
            continue  # ——, ……, 000: punctuation and digits may repeat
        end = m.end()
        while end < len(translation) and end - m.end() < len(unit) and translation[end] == unit[end - m.end()]:
            end += 1  # the loop usually stops mid-unit: include the partial repeat
        flags.append(QAFlag("repetition", f"'{unit}' repeated {len(m.group()) // len(unit)} times in a row; "
                                          "the decoder looped, retranslate or edit", m.start(), end))
    if flags:
        return flags
    positions: dict[str, list[int]] = {}
    for i in range(len(translation) - NGRAM + 1):
        gram = translation[i:i + NGRAM]
        if CJK_RUN.fullmatch(gram):  # dates and figures recur legitimately (2025年8月1日)
            positions.setdefault(gram, []).append(i)
    repeated = [(g, p) for g, p in positions.items() if len(_non_overlapping(p)) >= NGRAM_REPEATS]
    if repeated:
        gram, where = max(repeated, key=lambda gp: len(gp[1]))
        flags.append(QAFlag("repetition", f"'{gram}' occurs {len(_non_overlapping(where))} times; "
                                          "check for a decoding loop", where[0], where[-1] + NGRAM))
    return flags


def _non_overlapping(starts: list[int]) -> list[int]:
    kept: list[int] = []
    for s in starts:
        if not kept or s >= kept[-1] + NGRAM:
            kept.append(s)
    return kept
