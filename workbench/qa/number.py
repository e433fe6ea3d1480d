"""Number check: every number written in digits in the source appears in the translation.

Values are compared in canonical form (:mod:`workbench.numbers`), so ``24 percent`` is
found as ``24%``, ``1.2 billion`` as ``12亿``, ``14,257`` as ``14257``, ``June 9 and 10`` as
``6月9日至10日`` and ``May 14, 2025`` as ``2025年5月14日``. Numbers spelt out in English
("the two sides") are left alone: Chinese often renders them idiomatically (双方).
"""

from __future__ import annotations

import re

from workbench.numbers import NumberMention, extract_numbers_en, extract_numbers_zh, loose_values
from workbench.qa.flags import QAFlag

_POINTS = re.compile(r"\s*个?百分点")
_ORDINAL = re.compile(r"第([一二三四五六七八九])(?![十百千万亿])")


def check_numbers(source: str, translation: str) -> list[QAFlag]:
    """Flags for source numbers missing from the translation and digits the translation adds."""
    en_mentions = [m for m in extract_numbers_en(source) if any(ch.isdigit() for ch in m.text)]
    zh_mentions = extract_numbers_zh(translation)
    zh_values = set().union(*(_zh_values(m, translation) for m in zh_mentions))
    # 第一条 (Article 1): single-character ordinals, which the extractor leaves alone (一些, 一致).
    zh_values |= {str("一二三四五六七八九".index(ch) + 1) for ch in _ORDINAL.findall(translation)}
    en_values = set().union(*(loose_values(m) for m in en_mentions))
    flags = []
    for mention in en_mentions:
        missing = [v for v in mention.values if v not in zh_values]
        if missing:
            flags.append(QAFlag("number", f"'{mention.text}' (source chars {mention.start}–{mention.end}) is not "
                                          f"in the translation (looked for {', '.join(missing)})"))
    for mention in zh_mentions:
        if any(ch.isdigit() for ch in mention.text) and not _zh_values(mention, translation) & en_values:
            flags.append(QAFlag("number", f"'{mention.text}' in the translation is not in the source",
                                mention.start, mention.end))
    return flags


def _zh_values(mention: NumberMention, text: str) -> set[str]:
    """Values of a Chinese mention; ``24个百分点`` also counts as ``24%`` (percentage points)."""
    values = loose_values(mention)
    if mention.kind == "number" and _POINTS.match(text, mention.end):
        values |= {f"{v}%" for v in mention.values}
    return values
