"""Translation memory: reuse approved translations, and spread a reviewer's term fix.

Approved segments form the memory. For a new English segment, :meth:`TranslationMemory.lookup`
returns the exact match (to be filled in, marked as memory, not approved) and fuzzy matches
(character-level similarity of at least 75%, by rapidfuzz's normalised Levenshtein) with the
words that differ as ``(start, end)`` spans, not markup, so the UI decides how to show them.
:func:`pick_suggestion` ranks the sources: official wording first, then an exact memory
match, then the machine translation. :func:`propagate_term` offers a reviewer's correction
of a term to every other segment of the document whose text has the same term.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from workbench.errors import InputError
from workbench.export.records import ExportRecord
from workbench.store import Store

FUZZY_THRESHOLD = 75.0
# Latin words, numbers and single CJK characters or punctuation marks: the units a diff shows.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:['’.,-][A-Za-z0-9]+)*|\S")
# Equal runs shorter than this between two changes belong to one correction (受控物品 → 管制物项).
_MIN_SEPARATING_RUN = 2


@dataclass(frozen=True)
class MemoryEntry:
    """An approved English → Chinese pair and where it comes from."""

    en: str
    zh: str
    segment_id: str = ""
    document_id: str = ""


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of a text, and those characters."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class MemoryMatch:
    """A memory entry found for a segment.

    ``similarity`` is in percent (100 for an exact match). ``changed`` are the words of the
    new segment that are not in the entry's English; ``memory_changed`` those of the entry's
    English that are not in the new segment.
    """

    entry: MemoryEntry
    similarity: float
    exact: bool
    changed: tuple[Span, ...] = ()
    memory_changed: tuple[Span, ...] = ()


def _normalise(text: str) -> str:
    return " ".join(text.split())


class TranslationMemory:
    """Approved pairs, looked up by their English side."""

    def __init__(self, entries: Iterable[MemoryEntry]):
        # Later entries win: a re-approved sentence replaces its older translation.
        self._by_source: dict[str, MemoryEntry] = {}
        self._keys: list[str] = []
        for entry in entries:
            self.add(entry)

    @classmethod
    def from_records(cls, records: Iterable[ExportRecord]) -> TranslationMemory:
        """The memory of the approved records, the most recently saved winning on duplicates."""
        approved = sorted((r for r in records if r.state == "approved"), key=lambda r: r.updated_at)
        return cls(MemoryEntry(r.en, r.zh, r.id, r.document_id) for r in approved)

    @classmethod
    def from_store(cls, store) -> TranslationMemory:
        """The memory of every approved segment in a :class:`workbench.store.Store`."""
        from workbench.export.source import records_from_store

        return cls.from_records(records_from_store(store))

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, entry: MemoryEntry) -> None:
        """Keep a newly approved pair, replacing an older translation of the same English."""
        key = _normalise(entry.en)
        if not key or not entry.zh.strip():
            return
        if key not in self._by_source:
            self._keys.append(key)
        self._by_source[key] = entry

    def lookup(self, en: str, *, threshold: float = FUZZY_THRESHOLD, limit: int = 3) -> list[MemoryMatch]:
        """Matches for ``en``, best first: the exact one (if any), then fuzzy ones ≥ ``threshold``%."""
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        key = _normalise(en)
        if not key:
            return []
        found = process.extract(key, self._keys, scorer=Levenshtein.normalized_similarity,
                                score_cutoff=threshold / 100, limit=limit)
        matches = []
        for source, score, _index in found:
            entry = self._by_source[source]
            if source == key:
                matches.append(MemoryMatch(entry, 100.0, exact=True))
            else:
                changed, memory_changed = word_diff(en, entry.en)
                matches.append(MemoryMatch(entry, round(score * 100, 1), False, changed, memory_changed))
        return sorted(matches, key=lambda m: (not m.exact, -m.similarity))


def word_diff(new: str, old: str) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """The words of ``new`` not in ``old``, and of ``old`` not in ``new`` (Levenshtein over words)."""
    from rapidfuzz.distance import Levenshtein

    new_tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(new)]
    old_tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(old)]
    ops = Levenshtein.opcodes([t[2] for t in new_tokens], [t[2] for t in old_tokens])
    in_new: list[Span] = []
    in_old: list[Span] = []
    # Adjacent edits (a replace next to an insert) are one changed phrase: "rare earth" vs "controlled".
    for is_change, group in groupby(ops, key=lambda op: op.tag != "equal"):
        if not is_change:
            continue
        group = list(group)
        src = new_tokens[group[0].src_start:group[-1].src_end]
        dest = old_tokens[group[0].dest_start:group[-1].dest_end]
        if src:
            in_new.append(_span(new, src))
        if dest:
            in_old.append(_span(old, dest))
    return tuple(in_new), tuple(in_old)


def _span(text: str, tokens: list[tuple[int, int, str]]) -> Span:
    start, end = tokens[0][0], tokens[-1][1]
    return Span(start, end, text[start:end])


@dataclass(frozen=True)
class Suggestion:
    """What to put in a segment's editor, where it comes from, and fuzzy matches to offer.

    ``origin`` is ``official``, ``memory`` (an exact match: filled in, still to be
    approved), ``mt`` or ``none``. ``offers`` are fuzzy memory matches, shown, never filled in.
    """

    text: str
    origin: str
    similarity: float | None = None
    offers: tuple[MemoryMatch, ...] = ()


def pick_suggestion(*, official: str | None, memory: Sequence[MemoryMatch], mt: str | None) -> Suggestion:
    """Rank the sources for one segment: official wording, then exact memory, then MT.

    Official wording outranks the memory because it is what the ministry published; the
    memory only holds what reviewers approved before.
    """
    offers = tuple(m for m in memory if not m.exact)
    exact = next((m for m in memory if m.exact), None)
    if official and official.strip():
        return Suggestion(official, "official", offers=offers)
    if exact is not None:
        return Suggestion(exact.entry.zh, "memory", 100.0, offers)
    if mt and mt.strip():
        return Suggestion(mt, "mt", offers=offers)
    return Suggestion("", "none", offers=offers)


@dataclass(frozen=True)
class TermOffer:
    """A proposed term replacement in one segment: where the term occurs and the new text."""

    segment_id: str
    text: str
    proposed: str
    occurrences: tuple[Span, ...]


def propagate_term(old: str, new: str, segments: Iterable[tuple[str, str]], *,
                   exclude: str | None = None) -> list[TermOffer]:
    """Offer ``old`` → ``new`` in every segment ``(id, text)`` whose text contains ``old``.

    ``exclude`` is the segment the reviewer corrected. Matching is by substring: Chinese
    has no spaces between words, so a term is found wherever its characters occur.
    """
    if not old.strip():
        raise InputError("the term to replace is empty; select the wrong wording in the MT first")
    if old == new:
        return []
    offers = []
    for segment_id, text in segments:
        if segment_id == exclude:
            continue
        spans = tuple(Span(m.start(), m.end(), old) for m in re.finditer(re.escape(old), text))
        if spans:
            offers.append(TermOffer(segment_id, text, text.replace(old, new), spans))
    return offers


def correction_from_edit(before: str, after: str) -> tuple[str, str] | None:
    """The one term a reviewer changed, as ``(old, new)``, or None when the edit is not one change.

    Character changes separated by fewer than two unchanged characters count as one
    correction (受控物品 → 管制物项 shares 物 in the middle).
    """
    from rapidfuzz.distance import Levenshtein

    changes = [op for op in Levenshtein.opcodes(before, after) if op.tag != "equal"]
    if not changes:
        return None
    for previous, following in zip(changes, changes[1:], strict=False):
        if following.src_start - previous.src_end >= _MIN_SEPARATING_RUN:
            return None
    first, last = changes[0], changes[-1]
    old, new = before[first.src_start:last.src_end], after[first.dest_start:last.dest_end]
    return (old, new) if old else None


def char_diff(before: str, after: str) -> list[tuple[str, str]]:
    """A character-level diff as ``(op, text)`` runs; op is ``equal``, ``insert`` or ``delete``.

    A replacement is reported as a deletion followed by an insertion. Uses RapidFuzz's
    Levenshtein opcodes (a minimal edit script, fast on long sentences).
    """
    from rapidfuzz.distance import Levenshtein

    runs: list[tuple[str, str]] = []
    for op in Levenshtein.opcodes(before, after):
        if op.tag in ("delete", "replace"):
            runs.append(("delete", before[op.src_start:op.src_end]))
        if op.tag in ("insert", "replace"):
            runs.append(("insert", after[op.dest_start:op.dest_end]))
        if op.tag == "equal":
            runs.append(("equal", before[op.src_start:op.src_end]))
    return runs


@dataclass(frozen=True)
class RevisionPreview:
    """A revision as the history panel previews it: full text, who, when, what, and its diff to the current text."""

    text: str
    reviewer: str
    created_at: str
    action: str
    state: str
    reason: str | None
    category: str | None
    diff: list[tuple[str, str]]
    number: int = 0  # the revision's number


def revision_preview(store: Store, segment_id: int, revision: int) -> RevisionPreview:
    """Revision ``revision`` of a segment with :func:`char_diff` from its text to the current final text."""
    old = store.revision(segment_id, revision)
    return RevisionPreview(old.text, old.reviewer, old.created_at, old.action, old.state, old.reason, old.category,
                           char_diff(old.text, store.review(segment_id).text), old.number)


@dataclass(frozen=True)
class FoundText:
    """Where a search hit a segment's text: the segment, its position in the document, its text and the spans."""

    segment_id: int
    position: int
    text: str
    spans: tuple[tuple[int, int], ...]


def search_pattern(needle: str, *, case: bool = True, regex: bool = False) -> re.Pattern:
    """``needle`` as a compiled pattern (literal unless ``regex``); an empty needle or a bad expression is refused."""
    if not needle:
        raise InputError("nothing to find; type the text to look for")
    try:
        return re.compile(needle if regex else re.escape(needle), 0 if case else re.IGNORECASE)
    except re.error as err:
        raise InputError(f"{needle!r} is not a valid regular expression ({err}); fix it or untick 'regex'") from None


def find_spans(pattern: re.Pattern, text: str) -> tuple[tuple[int, int], ...]:
    """The ``(start, end)`` of every non-empty match of ``pattern`` in ``text``."""
    return tuple((m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start())


def replace_all(pattern: re.Pattern, replacement: str, text: str, *, regex: bool = False) -> str:
    """``text`` with every match replaced; with ``regex`` the replacement may name groups (``\\1``, ``\\g<name>``)."""
    try:
        return pattern.sub(replacement if regex else lambda _: replacement, text)
    except (re.error, IndexError) as err:
        raise InputError(f"the replacement {replacement!r} names a group the expression lacks ({err}); "
                         "fix the replacement") from None
