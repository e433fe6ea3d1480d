"""Chinese text: what counts as a Chinese character, full-width punctuation, Simplified form.

One character class (:data:`CJK_CHARS`) serves every module that asks "is this Chinese?",
and one table (:data:`HALF_TO_FULL`) with one context rule (:func:`half_width_marks`) says
which half-width marks official Chinese text writes full-width: the machine-output tidier,
the corpus matcher (:func:`normalise_zh`) and the QA punctuation check all use them, so they
agree on every input.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = [
    "CJK_CHARS", "CJK", "CJK_RUN", "HALF_TO_FULL", "DOUBLED_MARKS", "FULLWIDTH_DIGITS",
    "is_cjk", "cjk_count", "half_width_marks", "full_width_punctuation", "to_simplified",
    "normalise_zh", "traditional_ratio",
]

# Chinese characters, for a regex character class (kana, hangul and punctuation excluded):
#   U+3007         〇, the ideographic zero of written dates (二〇二五年)
#   U+3400–U+4DBF  CJK Unified Ideographs Extension A
#   U+4E00–U+9FFF  CJK Unified Ideographs (the common characters)
#   U+F900–U+FAFF  CJK Compatibility Ideographs
#   U+20000–U+3FFFF the Supplementary and Tertiary Ideographic Planes: Extensions B–J and the
#                  compatibility supplement (rare characters of names and places, 𠀀 𪚥)
CJK_CHARS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff"
CJK = re.compile(f"[{CJK_CHARS}]")
CJK_RUN = re.compile(f"[{CJK_CHARS}]+")

# The half-width marks official Chinese text writes full-width. The one table every module
# uses: when a mark is changed is decided by :func:`half_width_marks`.
HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}
# A full-width mark written twice or more in a row (a model's stutter, or a typing slip).
DOUBLED_MARKS = re.compile(r"([，。、；：？！])\1+")
# Full-width digits and the marks of figures, to their ASCII forms (one character each).
FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．％，", "0123456789.%,")

_HALF = re.compile(f"[{re.escape(''.join(HALF_TO_FULL))}]")
# A half-width mark becomes full-width after one of these ...
_BEFORE_FULL = re.compile(f"[{CJK_CHARS}》”」』）】〉]")
# ... or before one of these (a full stop only after: "Inc.公司" and "U.S.表示" keep theirs).
_AFTER_FULL = re.compile(f"[{CJK_CHARS}《“「『（【〈]")


def is_cjk(ch: str) -> bool:
    """True when the single character ``ch`` is a Chinese character (see :data:`CJK_CHARS`)."""
    return bool(CJK.fullmatch(ch))


def cjk_count(text: str) -> int:
    """Number of Chinese characters in ``text``."""
    return len(CJK.findall(text))


def half_width_marks(text: str) -> list[int]:
    """Offsets of the half-width marks in ``text`` that Chinese text writes full-width, ascending.

    A mark of :data:`HALF_TO_FULL` changes when it touches Chinese: it follows a Chinese
    character or a closing bracket or quotation mark (``中国,`` ``》,``), or it precedes a
    Chinese character or an opening one (``,中国`` ``,《``). A full stop changes only after
    Chinese and not before a digit or another full stop (``1.5`` ``中国...`` keep theirs).
    Marks between digits and Latin letters (``1,000`` ``3:2`` ``Hello, world``) never touch
    Chinese, so they stay. A pair of parentheses around Chinese changes too (``a (中国) b``),
    and a parenthesis that changes takes its partner along, so pairs stay matched
    (``美国(USA)`` → ``美国（USA）``). Changed marks count as context for their
    neighbours (``中)`` ``,`` → ``中），``), which is why the rule is applied until stable.
    """
    chars = list(text)
    pending = [m.start() for m in _HALF.finditer(text)]
    changed: list[int] = []
    while pending:
        partners = _paren_partners(chars, pending)
        now = [i for i in pending if _touches_chinese(chars, i)
               or (chars[i] == "(" and i in partners and CJK.search("".join(chars[i + 1:partners[i]])))]
        now += [partners[i] for i in now if i in partners]
        if not now:
            break
        for i in set(now):
            chars[i] = HALF_TO_FULL[chars[i]]
        changed += set(now)
        pending = [i for i in pending if chars[i] in HALF_TO_FULL]
    return sorted(changed)


def _touches_chinese(chars: list[str], i: int) -> bool:
    prev = chars[i - 1] if i else ""
    nxt = chars[i + 1] if i + 1 < len(chars) else ""
    after = bool(prev) and bool(_BEFORE_FULL.match(prev))
    if chars[i] == ".":
        return after and not (nxt.isdigit() or nxt == ".")
    return after or (bool(nxt) and bool(_AFTER_FULL.match(nxt)))


def _paren_partners(chars: list[str], positions: list[int]) -> dict[int, int]:
    """Each half-width parenthesis at ``positions`` mapped to the one it pairs with."""
    partners: dict[int, int] = {}
    opened: list[int] = []
    for i in positions:
        if chars[i] == "(":
            opened.append(i)
        elif chars[i] == ")" and opened:
            j = opened.pop()
            partners[i], partners[j] = j, i
    return partners


def full_width_punctuation(text: str) -> str:
    """``text`` with the marks :func:`half_width_marks` finds written full-width; same length.

    ``美国,中国.`` → ``美国，中国。``; ``增长1.5%,达到1,000亿`` → ``增长1.5%，达到1,000亿``.
    Idempotent.
    """
    marks = half_width_marks(text)
    if not marks:
        return text
    chars = list(text)
    for i in marks:
        chars[i] = HALF_TO_FULL[chars[i]]
    return "".join(chars)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified characters (OpenCC ``t2s``, character-level, same length)."""
    converted = _t2s().convert(text)
    # t2s is one-to-one on characters in practice; keep offsets valid if it ever is not.
    return converted if len(converted) == len(text) else text


def normalise_zh(text: str) -> str:
    """Matching form of Chinese text: Simplified characters, full-width punctuation next to Chinese.

    The result has the same length as ``text`` so that offsets found in it point into the
    published text too: ``税率为34.5%,自4月10日起:`` → ``税率为34.5%，自4月10日起：``.
    """
    return full_width_punctuation(to_simplified(text))


def traditional_ratio(text: str) -> float:
    """Share of the Chinese characters of ``text`` that OpenCC changes when converting to Simplified."""
    chinese = "".join(CJK.findall(text))
    if not chinese:
        return 0.0
    simplified = to_simplified(chinese)
    return sum(a != b for a, b in zip(chinese, simplified)) / len(chinese)
