"""Text checks around the model: what to skip, how to tidy its output, when it ran away.

Pure functions on strings, reusable by QA and the UI: :func:`normalize_zh_punctuation`
turns the half-width or doubled punctuation MarianMT often emits into the full-width forms
of official Chinese text; :func:`is_passthrough` says which segments hold nothing to
translate; :func:`looks_runaway` flags output far longer than its source predicts or
repeating itself.
"""

from __future__ import annotations

import re
import unicodedata

from workbench.text.zh import CJK_CHARS, DOUBLED_MARKS, full_width_punctuation

__all__ = ["normalize_zh_punctuation", "is_passthrough", "looks_runaway"]

_FULL_PUNCT = "，。、；：？！…—“”‘’（）《》【】"
_CJK_OR_FULL = f"[{CJK_CHARS}{re.escape(_FULL_PUNCT)}]"

_SPACE_BETWEEN_CJK = re.compile(rf"(?<={_CJK_OR_FULL})\s+|\s+(?={_CJK_OR_FULL})")
_STRAIGHT_QUOTES = re.compile(rf'"([^"]*[{CJK_CHARS}][^"]*)"')


def normalize_zh_punctuation(text: str) -> str:
    """Full-width Chinese punctuation in machine output: ``美国,中国.`` → ``美国，中国。``.

    Only marks next to Chinese characters change, by the rule the corpus matcher and the QA
    check share (:func:`workbench.text.zh.half_width_marks`), so numbers (``1,000``, ``1.5``)
    and embedded Latin text keep theirs; spaces next to Chinese are dropped, doubled marks
    collapse, and straight quotes around Chinese become “”.
    Idempotent: normalising twice changes nothing more.
    """
    text = text.strip()
    # Each rule can expose work for another (a dropped space puts a comma next to Chinese),
    # so apply them until nothing changes; a few rounds always suffice.
    for _ in range(8):
        before = text
        text = _SPACE_BETWEEN_CJK.sub("", text)
        text = _STRAIGHT_QUOTES.sub(r"“\1”", text)
        text = full_width_punctuation(text)
        text = DOUBLED_MARKS.sub(r"\1", text)
        if text == before:
            break
    return text


def is_passthrough(text: str) -> bool:
    """True when ``text`` has no letters at all (empty, punctuation, symbols, bare numbers).

    Such segments are copied, not sent to the model: it would only invent words for them.
    """
    return not any(unicodedata.category(ch).startswith("L") for ch in text)


def looks_runaway(source_tokens: int, output_tokens: list[str] | list[int], *, max_ratio: float = 2.0,
                  slack: int = 10, ngram: int = 4, max_repeats: int = 3) -> bool:
    """True when output is far longer than the source predicts or repeats an n-gram.

    ``max_ratio``/``slack``: more than ``max_ratio × source_tokens + slack`` output tokens
    is runaway. An ``ngram``-token sequence occurring ``max_repeats`` times or more is too.
    """
    if len(output_tokens) > max_ratio * source_tokens + slack:
        return True
    counts: dict[tuple, int] = {}
    for i in range(len(output_tokens) - ngram + 1):
        key = tuple(output_tokens[i:i + ngram])
        counts[key] = counts.get(key, 0) + 1
        if counts[key] >= max_repeats:
            return True
    return False
