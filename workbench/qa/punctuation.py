"""Punctuation check: full-width punctuation in Chinese, balanced pairs, titles in 《》.

Official Chinese texts use full-width ，；：？！（）。 next to Chinese characters (the marks and
the rule of :mod:`workbench.text.zh`, which the output tidier and the corpus matcher share), close every
quotation mark and bracket they open, and put the titles of laws, regulations and
agreements in 《》 (《中华人民共和国出口管制法》).
"""

from __future__ import annotations

import re

from workbench.qa.flags import QAFlag
from workbench.text.zh import CJK, DOUBLED_MARKS, HALF_TO_FULL, half_width_marks

_PAIRS = {"“": "”", "‘": "’", "《": "》", "（": "）", "(": ")", "【": "】", "「": "」", "『": "』", "〈": "〉"}
_CLOSERS = {close: open_ for open_, close in _PAIRS.items()}
# English titles of laws and agreements: capitalised words ending in (or led by) a title word.
_TITLE_WORD = r"(?:Law|Laws|Regulations?|Provisions|Measures|Rules|Agreement|Convention|Treaty|Act|Joint Statement)"
# Words that end a title ("Foreign Trade Law"); Measures and Rules only lead one ("Measures for ..."),
# since "Control Measures" in running text is no title.
_TITLE_END = r"(?:Law|Laws|Regulations?|Provisions|Agreement|Convention|Treaty|Act|Joint Statement)"
TITLE_WORDS = re.compile(rf"\b{_TITLE_WORD}\b")
# Capitalised words that open sentences rather than titles ("Under the Export Control Law").
_OPENER = (r"(?:Under|The|In|On|At|By|For|With|From|To|As|According|Pursuant|And|Of|A|An|This|That|These|Those"
           r"|Its|Their|Such)\b")
_CAP = rf"(?:(?!{_OPENER})[A-Z][\w'’.-]*)"
_LINK = r"(?:\s+(?:of|on|the|and|for|in|to|against)\b)*\s+"
_EN_TITLE = re.compile(rf"\b{_CAP}(?:{_LINK}{_CAP})*?\s+{_TITLE_END}\b(?:{_LINK}{_CAP})*"
                       rf"|\b{_TITLE_WORD}(?:\s+(?:of|on|for)(?:\s+the)?)\s+{_CAP}(?:{_LINK}{_CAP})*")


def check_punctuation(source: str, translation: str, *, titles: bool = True) -> list[QAFlag]:
    """Half-width marks between Chinese, doubled marks, unbalanced pairs and (``titles``) law
    or agreement titles named in the source but not in 《》 in the translation."""
    flags = []
    for i in half_width_marks(translation):
        mark = translation[i]
        flags.append(QAFlag("punctuation", f"half-width '{mark}' next to Chinese; use '{HALF_TO_FULL[mark]}'",
                            i, i + 1))
    for m in DOUBLED_MARKS.finditer(translation):
        flags.append(QAFlag("punctuation", f"'{m.group()}' repeats a punctuation mark; keep one",
                            m.start(), m.end()))
    flags += _unbalanced(translation)
    if titles:
        flags += _titles_without_book_marks(source, translation)
    return flags


def _unbalanced(text: str) -> list[QAFlag]:
    flags, stack = [], []
    for i, ch in enumerate(text):
        if ch == "’" and _between_letters(text, i):
            continue  # an apostrophe (China’s), not a closing quotation mark
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSERS:
            if stack and stack[-1][0] == _CLOSERS[ch]:
                stack.pop()
            else:
                flags.append(QAFlag("punctuation", f"'{ch}' closes nothing; add its '{_CLOSERS[ch]}' or remove it",
                                    i, i + 1))
    for ch, i in stack:
        flags.append(QAFlag("punctuation", f"'{ch}' is never closed; add '{_PAIRS[ch]}'", i, i + 1))
    straight = [i for i, ch in enumerate(text) if ch == '"']
    if len(straight) % 2:
        flags.append(QAFlag("punctuation", "odd number of '\"'; close the quotation (and prefer “”)",
                            straight[-1], straight[-1] + 1))
    return flags


def _between_letters(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isascii() and text[i - 1].isalpha() and text[i + 1].isalpha()


def _titles_without_book_marks(source: str, translation: str) -> list[QAFlag]:
    titles = list(dict.fromkeys(m.group().strip() for m in _EN_TITLE.finditer(source)))
    if not titles or not CJK.search(translation):
        return []
    book_titles = len(re.findall(r"《[^《》]+》", translation))
    if book_titles >= len(titles):
        return []
    return [QAFlag("punctuation", f"the source names {len(titles)} law or agreement title(s) "
                                  f"({'; '.join(titles)}) but the translation has {book_titles} in 《》; "
                                  "put each Chinese title in 《》")]
