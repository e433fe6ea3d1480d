"""Sentence segmentation for English and Chinese, with offsets into the cleaned text.

Rules rather than a statistical model: news and official texts are formal, and the cases
that matter (U.S., No. 18, 1.5%, quotes closing after the full stop, half-width
punctuation in stored Chinese texts) are decided exactly and tested. Segments never cross
a line break, every segment keeps its paragraph index and ``[start, end)`` offsets, and the
text between two segments is whitespace only, so the cleaned text can be rebuilt.
The pysbd package is registered as a second segmenter (:data:`SEGMENTERS`): on the shipped
English the two agree sentence for sentence, and the tests hold the rules to that.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from functools import lru_cache

from workbench.text.zh import CJK_CHARS

__all__ = ["DEFAULT_SEGMENTER", "SEGMENTERS", "Segment", "rebuild_text", "segment_text"]

DEFAULT_SEGMENTER = "rules"  # a name in :data:`SEGMENTERS`


@dataclass(frozen=True)
class Segment:
    """One sentence (or headline, or list item) of a text."""

    index: int
    text: str
    paragraph: int
    start: int
    end: int

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output: ``index``, ``text``, ``paragraph``, ``start``, ``end``."""
        return asdict(self)


def segment_text(text: str, lang: str = "en", *, split_semicolons: bool = False,
                 segmenter: str = DEFAULT_SEGMENTER) -> list[Segment]:
    """Split ``text`` into sentences; ``lang`` is ``en`` or ``zh`` (Simplified or Traditional).

    ``segmenter`` names where sentence boundaries come from (:data:`SEGMENTERS`): ``rules``
    (this module's, the default) or ``pysbd``. Paragraphs, offsets and the whitespace-only
    gaps are the same whichever finds the boundaries.
    """
    from workbench.errors import InputError

    if lang not in ("en", "zh"):
        raise InputError(f"unsupported language {lang!r} for segmentation; use 'en' or 'zh'")
    if segmenter not in SEGMENTERS:
        raise InputError(f"unknown segmenter {segmenter!r}; use one of {', '.join(SEGMENTERS)}")
    boundaries = SEGMENTERS[segmenter]
    segments: list[Segment] = []
    for paragraph, (p_start, p_end) in enumerate(_paragraph_spans(text)):
        line = text[p_start:p_end]
        cuts = [0, *boundaries(line, lang, split_semicolons), len(line)]
        for a, b in zip(cuts, cuts[1:]):
            start, end = _strip_span(line, a, b)
            if start < end:
                segments.append(Segment(len(segments), line[start:end], paragraph, p_start + start, p_start + end))
    return segments


def rebuild_text(text: str, segments: list[Segment]) -> str:
    """``text`` rebuilt from its segments and the whitespace between them.

    Raises ``ValueError`` when a segment's text is not ``text[start:end]``, segments overlap
    or go backwards, or a gap (before the first, between two, after the last) holds anything
    but whitespace: a dropped sentence cannot be rebuilt away.
    """
    out = []
    prev = 0
    for seg in segments:
        if seg.start < prev or text[seg.start:seg.end] != seg.text:
            raise ValueError(f"segment {seg.index} is not text[{seg.start}:{seg.end}] after offset {prev}")
        gap = text[prev:seg.start]
        if gap.strip():
            raise ValueError(f"text[{prev}:{seg.start}] before segment {seg.index} is not whitespace: {gap!r}")
        out.append(gap)
        out.append(seg.text)
        prev = seg.end
    if text[prev:].strip():
        raise ValueError(f"text[{prev}:] after the last segment is not whitespace: {text[prev:]!r}")
    out.append(text[prev:])
    return "".join(out)


_LINE_BREAK = re.compile(r"[\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+")


def _paragraph_spans(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the non-blank lines of ``text``; each one is a paragraph."""
    prev = 0
    for m in _LINE_BREAK.finditer(text):
        if text[prev:m.start()].strip():
            yield prev, m.start()
        prev = m.end()
    if text[prev:].strip():
        yield prev, len(text)


def _strip_span(line: str, a: int, b: int) -> tuple[int, int]:
    while a < b and line[a].isspace():
        a += 1
    while b > a and line[b - 1].isspace():
        b -= 1
    return a, b


# --- English ------------------------------------------------------------------------------------

# Abbreviations after which a full stop does not end a sentence when a capitalised word follows.
_TITLES = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "cmdr", "adm",
    "st", "jr", "sr", "rev", "hon", "pres", "amb", "sec", "messrs", "mme", "mt", "ft", "fig", "figs",
}
# Abbreviations that never end a sentence when followed by a number (No. 18, Jan. 5, Art. 2).
_BEFORE_NUMBERS = {
    "no", "nos", "art", "arts", "vol", "vols", "p", "pp", "para", "paras", "sec", "ch", "chap", "op", "ed",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "approx", "ca",
}
# Abbreviations that hardly ever end a sentence, whatever follows.
_ALWAYS = {"e.g", "i.e", "cf", "vs", "viz", "al", "approx", "incl", "esp", "ca"}
# Company suffixes and "etc." end a sentence only before a typical sentence opening.
_SUFFIXES = {"inc", "ltd", "co", "corp", "llc", "plc", "bros", "etc", "dept", "univ", "assn", "govt"}
# Capitalised words that usually open a sentence: after an acronym such as U.S. they signal a boundary.
_OPENERS = {
    "a", "an", "the", "this", "that", "these", "those", "it", "its", "he", "she", "they", "we", "i", "you",
    "his", "her", "their", "our", "in", "on", "at", "but", "and", "or", "so", "yet", "if", "when", "while",
    "after", "before", "since", "as", "however", "meanwhile", "still", "there", "here", "what", "why",
    "how", "who", "where", "some", "many", "most", "both", "no", "not", "for", "from", "with", "by", "to",
    "earlier", "later", "last", "under", "such", "one", "two", "asked", "analysts", "officials",
}
_TERMINATOR = re.compile(r"""(?:\.{3}|…|[.!?]+)[”’"'»)\]}]*""")
_NEXT_START = re.compile(r"""\s+([“‘"'«(\[]*)(\S)""")
_TOKEN_BEFORE = re.compile(r"(\S+)$")
_LIST_MARKER = re.compile(r"^\s*(\(?\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})$")


def _en_boundaries(line: str, _split_semicolons: bool = False) -> list[int]:
    cuts = []
    for m in _TERMINATOR.finditer(line):
        end = m.end()
        nxt = _NEXT_START.match(line, end)
        if nxt is None:
            continue  # end of line, or no space after (1.5%, U.S.-China, "items,”)
        after_open, first = nxt.group(1), nxt.group(2)
        if m.group().startswith(("!", "?")):
            if first.isupper() or first.isdigit() or after_open:
                cuts.append(end)
            continue
        if not (first.isupper() or first.isdigit() or after_open or not first.isalpha()):
            continue  # lowercase continuation: "etc. and", "p.m. on"
        if m.group().startswith("..") or m.group().startswith("…"):
            cuts.append(end)
            continue
        word_match = _TOKEN_BEFORE.search(line, 0, m.start())
        word = word_match.group(1) if word_match else ""
        if _is_abbreviation(word, line[:m.start()], line, nxt):
            continue
        cuts.append(end)
    return cuts


def _is_abbreviation(word: str, before: str, line: str, nxt: re.Match) -> bool:
    bare = word.lstrip("“‘\"'«([").lower()
    next_word = re.match(r"[A-Za-z0-9'’]+", line[nxt.start(2):])
    next_text = next_word.group() if next_word else ""
    opener = next_text.lower() in _OPENERS
    if not bare:
        return False
    if bare in _ALWAYS:
        return True
    if bare in _TITLES:
        return True
    if bare in _BEFORE_NUMBERS and next_text[:1].isdigit():
        return True
    if bare in _SUFFIXES:
        return not opener
    # Dotted acronyms (U.S, U.K, p.m) and single initials (J. Smith): a boundary only before a sentence opener.
    if re.fullmatch(r"(?:[a-z]\.)+[a-z]", bare) or re.fullmatch(r"[a-z]", bare):
        if _LIST_MARKER.match(before) and re.fullmatch(r"[a-z]", bare):
            return True  # "a. First item"
        return not opener
    # A list marker at the start of a line: "1. Item", "(2). Item", "iv. Item"
    return bool(_LIST_MARKER.match(before))


# --- Chinese ------------------------------------------------------------------------------------

_ZH_CLOSERS = "”’」』）)》〉】〕\"'"
_ZH_TERMINATOR = re.compile(
    rf"(?:……|\.{{6}}|…|[。！？]+|[!?]+|(?<=[{CJK_CHARS}])\.(?![0-9]))"
    rf"[{re.escape(_ZH_CLOSERS)}]*"
)
_ZH_SEMICOLON = re.compile(rf"[；;][{re.escape(_ZH_CLOSERS)}]*")


def _zh_boundaries(line: str, split_semicolons: bool = False) -> list[int]:
    cuts = [m.end() for m in _ZH_TERMINATOR.finditer(line)]
    if split_semicolons:
        cuts.extend(m.end() for m in _ZH_SEMICOLON.finditer(line))
    # A terminator directly before a comma-like mark or another closer is inside the sentence.
    kept = sorted({c for c in cuts if 0 < c < len(line) and line[c] not in "，,、：:；;。！？!?"})
    return kept


# --- Segmenter registry -------------------------------------------------------------------------

def _rule_boundaries(line: str, lang: str, split_semicolons: bool = False) -> list[int]:
    """This module's rules: English or Chinese sentence ends within one line."""
    return (_en_boundaries if lang == "en" else _zh_boundaries)(line, split_semicolons)


@lru_cache(maxsize=2)
def _pysbd_segmenter(lang: str):
    import pysbd

    return pysbd.Segmenter(language=lang, clean=False)


def _pysbd_boundaries(line: str, lang: str, split_semicolons: bool = False) -> list[int]:
    """Sentence ends found by pysbd (Golden Rules segmenter), located in ``line`` in order."""
    cuts, cursor = [], 0
    for sentence in _pysbd_segmenter(lang).segment(line):
        piece = sentence.strip()
        at = line.find(piece, cursor) if piece else -1
        if at < 0:
            continue  # pysbd altered the text: no boundary can be placed for it
        cursor = at + len(piece)
        cuts.append(cursor)
    if lang == "zh" and split_semicolons:
        cuts.extend(m.end() for m in _ZH_SEMICOLON.finditer(line))
    return sorted({c for c in cuts if 0 < c < len(line)})


# Where sentence boundaries come from, by name: (line, lang, split_semicolons) → cut offsets in the line.
SEGMENTERS: dict[str, Callable[[str, str, bool], list[int]]] = {
    "rules": _rule_boundaries,
    "pysbd": _pysbd_boundaries,
}
