"""Script checks: empty output, Traditional characters, untranslated English.

Traditional characters are found with OpenCC over the whole translation (phrase-aware, so
a character that is also correct Simplified in context is left alone). English words left
in the output are untranslated unless they are names or acronyms (EDA, WTO, U.S.): those
are written with capitals and official Chinese texts keep some of them.
"""

from __future__ import annotations

import re

from workbench.qa.flags import QAFlag
from workbench.text.zh import CJK, to_simplified

# Lower-case Latin words (with inner hyphens/apostrophes), possibly several in a row.
_LOWER_RUN = re.compile(r"(?<![A-Za-z])[a-z][a-z'’-]*[a-z](?:[\s,]+[A-Za-z][a-z'’-]*[a-z])*(?![A-Za-z])")
# Unit symbols an official text may keep in Latin letters.
_ALLOWED_LOWER = frozenset({"kg", "km", "mm", "cm", "ml", "ppm", "kw", "kwh", "mw", "gw"})


def check_empty(source: str, translation: str) -> list[QAFlag]:
    """A flag when the translation is blank although the source has words or numbers."""
    if translation.strip() or not re.search(r"\w", source):
        return []
    return [QAFlag("empty", "the translation is empty; translate the segment", 0, len(translation))]


def check_traditional(translation: str) -> list[QAFlag]:
    """One flag per run of Traditional characters, with the Simplified spelling to use."""
    simplified = to_simplified(translation)
    flags, i = [], 0
    while i < len(translation):
        if translation[i] == simplified[i]:
            i += 1
            continue
        j = i
        while j < len(translation) and translation[j] != simplified[j]:
            j += 1
        flags.append(QAFlag("script", f"Traditional '{translation[i:j]}' in Simplified output; "
                                      f"write '{simplified[i:j]}'", i, j))
        i = j
    return flags


def check_untranslated(translation: str) -> list[QAFlag]:
    """Flags for runs of lower-case English words left in a Chinese translation."""
    if not CJK.search(translation) and not re.search(r"[a-z]", translation):
        return []
    flags = []
    for m in _LOWER_RUN.finditer(translation):
        if m.group().lower() in _ALLOWED_LOWER:
            continue
        flags.append(QAFlag("untranslated", f"English '{m.group()}' left untranslated; translate it "
                                            "(names and acronyms may stay)", m.start(), m.end()))
    return flags
