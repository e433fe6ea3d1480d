"""Numbers, percentages and dates in English and Chinese, reduced to comparable values.

An English sentence and its official Chinese wording write the same quantity differently:
``24 percent`` / ``24%``, ``May 14, 2025`` / ``2025年5月14日``, ``June 9 and 10`` /
``6月9日至10日``, ``No. 14257`` / ``第14257号``, ``1.2 billion`` / ``12亿``. Each mention found
in a text carries canonical ``values`` so that two mentions agree when their values do:

- plain numbers: the decimal value without separators (``"14257"``, ``"1200000000"``, ``"1.5"``);
- percentages: the number followed by ``%`` (``"24%"``);
- dates: ISO ``YYYY-MM-DD``, or ``--MM-DD`` when the year is not written, ``YYYY-MM`` for a month.

:func:`matching_values` compares two lists of mentions; a full date also matches the same day
written without a year. Alignment uses this as one of its signals and QA checks reuse it to
flag numbers that went missing in translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from workbench.text.zh import FULLWIDTH_DIGITS

__all__ = ["NumberMention", "extract_numbers_en", "extract_numbers_zh", "matching_values", "loose_values"]


@dataclass(frozen=True)
class NumberMention:
    """One number, percentage or date found in a text, with its canonical values."""

    text: str
    start: int
    end: int
    kind: str  # "number", "percent" or "date"
    values: tuple[str, ...]

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output."""
        return {"text": self.text, "start": self.start, "end": self.end, "kind": self.kind,
                "values": list(self.values)}


# --- shared helpers ---------------------------------------------------------------------------

def _canonical_number(value: Decimal) -> str:
    """``Decimal('1.20E+9')`` → ``"1200000000"``; ``Decimal('1.50')`` → ``"1.5"``."""
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None


def loose_values(mention: NumberMention) -> set[str]:
    """The values of ``mention`` plus, for dated days, the same day without its year."""
    out = set(mention.values)
    for value in mention.values:
        if mention.kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            out.add("--" + value[5:])
    return out


def matching_values(left: list[NumberMention], right: list[NumberMention]) -> set[str]:
    """Values written on both sides (a ``YYYY-MM-DD`` date also matches its ``--MM-DD`` form)."""
    left_values = set().union(*(loose_values(m) for m in left)) if left else set()
    right_values = set().union(*(loose_values(m) for m in right)) if right else set()
    return left_values & right_values


def _remove_overlaps(mentions: list[NumberMention]) -> list[NumberMention]:
    """Keep the longest mention where several overlap (a date beats the day number inside it)."""
    kept: list[NumberMention] = []
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if kept and m.start < kept[-1].end:
            continue
        kept.append(m)
    return kept


# --- English ----------------------------------------------------------------------------------

_MONTHS = {name: i for i, names in enumerate([
    (), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
    ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
    ("october", "oct"), ("november", "nov"), ("december", "dec")]) for name in names}
_MONTH_RE = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY_RE = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_EN_DATE = re.compile(
    rf"\b{_MONTH_RE}\s+{_DAY_RE}(?:\s*(?:-|–|to|and|through)\s*(?P<day2>\d{{1,2}})(?:st|nd|rd|th)?)?"
    r"(?:,?\s+(?P<year>\d{4}))?\b", re.IGNORECASE)
_EN_MONTH_YEAR = re.compile(rf"\b{_MONTH_RE}\s+(?P<year>\d{{4}})\b", re.IGNORECASE)
_SCALES_EN = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_NUMBER = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"(?:\s*(?P<scale>thousand|million|billion|trillion|bn|mn)\b)?"
    r"(?:(?:\s*|-)(?P<percent>%|percent\b|per\s+cent\b|percentage\s+points?\b))?", re.IGNORECASE)
_UNIT_WORDS = {w: n for n, w in enumerate([
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}
_TENS_WORDS = {w: 10 * n for n, w in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], start=2)}
_SCALE_WORDS = {"hundred": 100, **_SCALES_EN}
_NUMBER_WORD = "|".join([*_UNIT_WORDS, *_TENS_WORDS, *_SCALE_WORDS])
# A run of number words: "two thousand six hundred and thirty", "twenty-five", "forty and six".
_EN_WORD_RUN = re.compile(rf"\b(?:{_NUMBER_WORD})(?:(?:\s+and\s+|\s+|-)(?:{_NUMBER_WORD}))*\b", re.IGNORECASE)
_RUN_PART = re.compile(rf"(?P<word>{_NUMBER_WORD})|(?P<and>\band\b)", re.IGNORECASE)
_AMBIGUOUS_ALONE = {"one", "zero"}  # "no one", "the one": a number only inside a longer run


def _word_numbers(run: str, offset: int) -> list[NumberMention]:
    """The numbers written out in ``run``, a match of :data:`_EN_WORD_RUN`.

    ``and`` joins only where English uses it inside one number: after a scale word ("two
    hundred and five") and between tens and units ("forty and six thousand", the old form);
    elsewhere ("between two and three") it separates two numbers.
    """
    parts = list(_RUN_PART.finditer(run))
    groups: list[list[re.Match]] = [[]]
    for k, part in enumerate(parts):
        if part.group("and"):
            prev = parts[k - 1].group().lower()
            nxt = parts[k + 1].group().lower() if k + 1 < len(parts) else ""
            joins = prev in _SCALE_WORDS or (prev in _TENS_WORDS and 0 < _UNIT_WORDS.get(nxt, 0) < 10)
            if not joins:
                groups.append([])
            continue
        groups[-1].append(part)
    mentions = []
    for words in groups:
        if not words or (len(words) == 1 and words[0].group().lower() in _AMBIGUOUS_ALONE):
            continue
        value = _word_value([w.group().lower() for w in words])
        start, end = words[0].start(), words[-1].end()
        mentions.append(NumberMention(run[start:end], offset + start, offset + end, "number", (str(value),)))
    return mentions


def _word_value(words: list[str]) -> int:
    """``["two", "thousand", "six", "hundred", "thirty"]`` → 2630."""
    total = current = 0
    for word in words:
        if word in _UNIT_WORDS or word in _TENS_WORDS:
            current += _UNIT_WORDS.get(word, 0) + _TENS_WORDS.get(word, 0)
        elif word == "hundred":
            current = (current or 1) * 100
        else:
            total += (current or 1) * _SCALE_WORDS[word]
            current = 0
    return total + current


def extract_numbers_en(text: str) -> list[NumberMention]:
    """Numbers, percentages and dates in English ``text``, left to right."""
    mentions: list[NumberMention] = []
    for m in _EN_DATE.finditer(text):
        if m.group("month").islower():
            continue  # "may 5" is a modal verb before a number, not a date
        month = _MONTHS[m.group("month").lower()]
        days = [int(m.group("day"))] + ([int(m.group("day2"))] if m.group("day2") else [])
        if not all(1 <= d <= 31 for d in days):
            continue
        prefix = m.group("year") if m.group("year") else "-"
        values = tuple(f"{prefix}-{month:02d}-{d:02d}" for d in days)
        mentions.append(NumberMention(m.group(), m.start(), m.end(), "date", values))
    for m in _EN_MONTH_YEAR.finditer(text):
        month = _MONTHS[m.group("month").lower()]
        mentions.append(NumberMention(m.group(), m.start(), m.end(), "date", (f"{m.group('year')}-{month:02d}",)))
    for m in _EN_NUMBER.finditer(text):
        value = _decimal(m.group("num"))
        if value is None:
            continue
        scale = (m.group("scale") or "").lower()
        scale = {"bn": "billion", "mn": "million"}.get(scale, scale)
        if scale:
            value *= _SCALES_EN[scale]
        number = _canonical_number(value)
        if m.group("percent"):
            mentions.append(NumberMention(m.group(), m.start(), m.end(), "percent", (number + "%",)))
        else:
            mentions.append(NumberMention(m.group().rstrip(), m.start(), m.start() + len(m.group().rstrip()),
                                          "number", (number,)))
    for m in _EN_WORD_RUN.finditer(text):
        mentions.extend(_word_numbers(m.group(), m.start()))
    return _remove_overlaps(mentions)


# --- Chinese ----------------------------------------------------------------------------------

_ZH_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10**4, "亿": 10**8}
_ZH_NUMERAL = "〇零一二两三四五六七八九十百千万亿"
_NUM = rf"(?:\d[\d,]*(?:\.\d+)?|[{_ZH_NUMERAL}]+)"
_ZH_RANGE = r"\s*(?:至|到|-|—|～|~|和|、)\s*"
# The first day of a range may drop its 日: 6月9日至10日, 6月9至10日.
_ZH_DATE = re.compile(
    rf"(?:(?P<year>\d{{4}}|[〇零一二三四五六七八九]{{4}})年)?(?P<month>{_NUM})月"
    rf"(?:(?P<day>{_NUM})(?:[日号]|(?={_ZH_RANGE}(?:{_NUM}月)?{_NUM}[日号]))"
    rf"(?:{_ZH_RANGE}(?:(?P<month2>{_NUM})月)?(?P<day2>{_NUM})[日号])?)?")
_ZH_PERCENT = re.compile(rf"百分之(?P<pnum>{_NUM}(?:点[〇零一二两三四五六七八九]{{1,8}})?)|(?P<num>{_NUM})\s*%")
_ZH_NUMBER = re.compile(rf"(?P<num>\d[\d,]*(?:\.\d+)?)(?P<big>[万亿]+)?"
                        rf"|(?P<zh>[{_ZH_NUMERAL}]{{1,40}}(?:点[〇零一二两三四五六七八九]{{1,8}})?)")


def _zh_numeral_value(text: str) -> Decimal | None:
    """Value of a Chinese numeral (``二十四``, ``一千二百``, ``一亿两千万``, ``零点五``), digits included.

    Read as Chinese groups them: 亿 (10⁸) above 万 (10⁴) above the 千/百/十 section, so
    ``一亿两千万`` is 120,000,000 and ``一万亿`` 10¹²; a digit written after a unit with no unit
    of its own stands for the next unit down (``一万五`` 15,000, ``三百五`` 350); ``点`` starts
    decimals read digit by digit (``三点一四`` 3.14). Returns None for anything else.
    """
    if re.fullmatch(r"\d[\d,]*(?:\.\d+)?", text):
        return _decimal(text)
    whole, dot, decimals = text.partition("点")
    if dot:
        if not whole or not decimals or any(ch not in _ZH_DIGIT_CHARS for ch in decimals):
            return None
        value = _zh_numeral_value(whole)
        if value is None:
            return None
        return value + Decimal("0." + "".join(str(_ZH_DIGITS[ch]) for ch in decimals))
    if len(text) > 1 and all(ch in _ZH_DIGIT_CHARS for ch in text):
        return Decimal("".join(str(_ZH_DIGITS[ch]) for ch in text))  # 二〇二五 written digit by digit
    value = _zh_grouped(text)
    return None if value is None else Decimal(value)


_ZH_DIGIT_CHARS = "〇零一二两三四五六七八九"


def _zh_grouped(text: str) -> int | None:
    """An integer numeral split at its highest 亿, then 万, each part read on its own."""
    if not text:
        return 0
    for big, factor in (("亿", 10**8), ("万", 10**4)):
        cut = text.rfind(big)
        if cut < 0:
            continue
        head = _zh_grouped(text[:cut]) if cut else 1
        tail = text[cut + 1:]
        rest = _zh_section(tail, elided=factor // 10) if tail else 0
        if head is None or rest is None:
            return None
        return head * factor + rest
    return _zh_section(text, elided=None)


def _zh_section(text: str, *, elided: int | None) -> int | None:
    """A numeral below 10,000 (``两千零五``, ``十五``, ``三百五``). ``elided`` is the unit a
    bare digit stands for when the whole part is that digit after a larger unit (``一万五``:
    the 五 after 万 is 五千); a part that holds 万 itself goes back to :func:`_zh_grouped`."""
    if "万" in text:
        value = _zh_grouped(text)
        return value if value is not None and (elided is None or value < elided * 10) else None
    if elided and len(text) == 1 and text in _ZH_DIGITS and text not in "〇零":
        return _ZH_DIGITS[text] * elided
    total, digit, last_unit = 0, None, 10**4
    for ch in text:
        if ch in _ZH_DIGITS:
            if digit:
                return None  # 二三: two digits in a row are no numeral
            digit = _ZH_DIGITS[ch]
        elif ch in _ZH_UNITS:
            unit = _ZH_UNITS[ch]
            if unit >= last_unit:
                return None  # 十百, 百千: units must fall
            total += (digit if digit else 1) * unit
            digit, last_unit = None, unit
        else:
            return None
    if digit and len(text) >= 2 and text[-2] in _ZH_UNITS and last_unit > 10:
        return total + digit * (last_unit // 10)  # 三百五: a bare digit right after 百 is 五十
    return total + (digit or 0)


def _zh_amount(digits: str, big: str | None) -> Decimal | None:
    value = _zh_numeral_value(digits)
    if value is None:
        return None
    for ch in big or "":
        value *= _ZH_BIG[ch]
    return value


def extract_numbers_zh(text: str) -> list[NumberMention]:
    """Numbers, percentages and dates in Chinese ``text`` (full-width digits accepted)."""
    text = text.translate(FULLWIDTH_DIGITS)  # same length, so offsets stay valid
    mentions: list[NumberMention] = []
    for m in _ZH_DATE.finditer(text):
        month = _zh_numeral_value(m.group("month"))
        if month is None or not 1 <= month <= 12:
            continue
        year = _zh_numeral_value(m.group("year")) if m.group("year") else None
        prefix = str(int(year)) if year is not None else "-"
        if m.group("day") is None:
            if year is None:
                continue  # "3月" alone is too vague to compare
            mentions.append(NumberMention(m.group(), m.start(), m.end(), "date", (f"{prefix}-{int(month):02d}",)))
            continue
        days = [(month, _zh_numeral_value(m.group("day")))]
        if m.group("day2"):
            month2 = _zh_numeral_value(m.group("month2")) if m.group("month2") else month
            days.append((month2, _zh_numeral_value(m.group("day2"))))
        if any(d is None or mo is None for mo, d in days):
            continue
        values = tuple(f"{prefix}-{int(mo):02d}-{int(d):02d}" for mo, d in days)
        mentions.append(NumberMention(m.group(), m.start(), m.end(), "date", values))
    for m in _ZH_PERCENT.finditer(text):
        value = _zh_numeral_value(m.group("pnum") or m.group("num"))
        if value is not None:
            mentions.append(NumberMention(m.group(), m.start(), m.end(), "percent", (_canonical_number(value) + "%",)))
    for m in _ZH_NUMBER.finditer(text):
        if m.group("zh"):
            numeral = m.group("zh")
            # A lone 一/两 is a word (一些, 两国) far more often than a quantity, and so is a
            # numeral that starts with a unit (万一, 千万).
            if numeral in ("一", "两", "十") or not (numeral[0] in _ZH_DIGITS or numeral[0] == "十"):
                continue
            value = _zh_numeral_value(numeral)
        else:
            value = _zh_amount(m.group("num"), m.group("big"))
        if value is not None:
            mentions.append(NumberMention(m.group(), m.start(), m.end(), "number", (_canonical_number(value),)))
    return _remove_overlaps(mentions)
