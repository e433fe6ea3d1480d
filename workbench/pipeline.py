"""From an English article to a reviewable document, and every review action on it.

The UI and the CLI call only this module: plain functions over dataclasses, with the store,
the translator and the corpus passed in. Processing an article runs
clean → segment → translate → align → store; the document is written in one transaction at
the end, so a failure on the way leaves nothing half-stored. Without a translator (the model
cannot be loaded) everything still works: segments simply have no MT, and the reviewer
works from official wording, imported translations or by typing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from workbench.corpus import OfficialCorpus
from workbench.errors import InputError, ModelUnavailableError
from workbench.ingest import CleanText, clean_text, detect_format
from workbench.jsonl import iter_records
from workbench.segment import segment_text
from workbench.store import (
    DocumentRecord,
    LinkRecord,
    NewDocument,
    NewLink,
    NewSegment,
    NewTranslation,
    Review,
    SegmentRecord,
    Store,
    TranslationRecord,
)

# progress(stage, done, total); stages: "segment", "translate", "align", "store"
ProgressFn = Callable[[str, int, int], None]
ACTIONS = ("edit", "accept_mt", "use_official", "insert_official", "approve", "reject", "revert")
FILTERS = ("all", "unreviewed", "official", "flagged")
ORDERS = ("document", "risk")
DOWNLOAD_FORMATS = ("jsonl", "tmx", "xliff", "parquet")  # the single-file export formats
TITLE_CHARS = 100
# Translation flags that describe how MT was made rather than a problem with it.
INFO_FLAGS = frozenset({"cached", "passthrough", "split"})


@dataclass(frozen=True)
class SegmentView:
    """Everything the review view shows for one segment."""

    segment: SegmentRecord
    mt: TranslationRecord | None
    links: tuple[LinkRecord, ...]
    review: Review

    @property
    def official(self) -> LinkRecord | None:
        """The best official wording for the segment, if any."""
        return self.links[0] if self.links else None

    @property
    def flags(self) -> tuple:
        """QA flags of the machine translation: problems only, not how it was made (empty without MT)."""
        return tuple(f for f in self.mt.flags if not (isinstance(f, str) and f in INFO_FLAGS)) if self.mt else ()



@dataclass(frozen=True)
class DocumentView:
    """A stored document opened for review."""

    document: DocumentRecord
    rows: tuple[SegmentView, ...]

    @property
    def approved(self) -> int:
        """How many segments are approved."""
        return sum(row.review.state == "approved" for row in self.rows)


# --- processing ----------------------------------------------------------------------------------

def document_id_for(text: str) -> str:
    """The id of an article: a hash of its cleaned text, so pasting it twice reopens it."""
    return "doc-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def load_translator_or_none(model: str | None = None, backend: str | None = None, *, store: Store | None = None):
    """``(translator, None)``, or ``(None, reason)`` when the model cannot be loaded.

    With ``store``, translations are cached in the store's database file.
    """
    from workbench.translate import TranslationCache, load_translator

    try:
        cache = TranslationCache(store.path) if store is not None else None
        return load_translator(model=model, backend=backend, cache=cache), None
    except ModelUnavailableError as err:
        return None, str(err)


def process_article(article: str | CleanText, *, store: Store, translator=None, corpus: OfficialCorpus | None,
                    progress: ProgressFn | None = None, title: str | None = None) -> str:
    """Clean, segment, translate, align and store an article; returns the document id.

    ``article`` is pasted text (its format is detected) or an already cleaned upload. An
    article already in the store is not processed again: its id is returned.
    """
    report = progress or (lambda stage, done, total: None)
    clean = article if isinstance(article, CleanText) else clean_text(article or "", source_format=detect_format(article or ""))
    doc_id = document_id_for(clean.text)
    if store.has_document(doc_id):
        return doc_id
    segments = segment_text(clean.text, "en")
    report("segment", len(segments), len(segments))
    sources = [s.text for s in segments]

    translations: list[NewTranslation] = []
    if translator is not None:
        from workbench.terms import TermBase

        termbase = TermBase.load()
        results = translator.translate(sources, progress=lambda done, total: report("translate", done, total),
                                       required_terms=termbase.required_for(sources))
        problems = qa_flags([(r.source, r.text) for r in results], termbase=termbase)
        translations = [_new_translation(i, t, problems[i]) for i, t in enumerate(results)]

    links: list[NewLink] = []
    if corpus is not None:
        report("align", 0, len(segments))
        from workbench.align import align_news

        mt_texts = [t.text for t in translations] if translations else None
        links = _new_links(align_news(sources, corpus, mt=mt_texts), corpus)
        report("align", len(segments), len(segments))

    store.add_document(NewDocument(
        id=doc_id,
        title=title or clean.title or _title_from(clean),
        source_text=clean.text,
        source_format=clean.source_format,
        segments=[NewSegment(s.index, s.text, s.paragraph, s.start, s.end) for s in segments],
        translations=translations,
        links=links,
        metadata={"dropped_duplicates": clean.dropped_duplicates},
    ))
    report("store", len(segments), len(segments))
    return doc_id


def _title_from(clean: CleanText) -> str:
    first = clean.paragraphs[0]
    return first if len(first) <= TITLE_CHARS else first[:TITLE_CHARS - 1].rstrip() + "…"


def _new_translation(position: int, t, problems: tuple[dict, ...]) -> NewTranslation:
    # The translator's own problem flags (repetition, term-missing) are superseded by the QA checks,
    # which test the same and more; its informational flags (cached, split, ...) are kept.
    made = tuple(f for f in (t.flags or ()) if f in INFO_FLAGS)
    return NewTranslation(position, t.text, origin="mt", model=t.model, model_revision=t.revision,
                          backend=t.backend, options=dict(t.options or {}), score=t.score, flags=made + problems)


def qa_flags(pairs: Sequence[tuple[str, str]], *, termbase=None) -> list[tuple[dict, ...]]:
    """QA flags (``check``, ``message``, ``start``, ``end``) for each ``(source, translation)`` of one document."""
    from workbench.qa import check_document

    found = check_document([(str(i), source, text) for i, (source, text) in enumerate(pairs)], termbase=termbase)
    return [tuple(flag.to_dict() for flag in found[str(i)]) for i in range(len(pairs))]


def _new_links(news_links: Iterable, corpus: OfficialCorpus) -> list[NewLink]:
    """Store-ready links: one per (English sentence, official match); unmatched sentences get none."""
    out = []
    for link in news_links:
        if not link.doc_id or not link.tgt_text:
            continue
        version = corpus.latest_version(link.doc_id, "zh") if (link.doc_id, "zh") in corpus else None
        evidence = link.evidence.to_dict() if hasattr(link.evidence, "to_dict") else dict(link.evidence or {})
        for position in link.src:
            out.append(NewLink(position, link.tgt_text, float(link.score), link.doc_id, version,
                               tuple(link.tgt), link.quote, evidence))
    return out


# --- reading ---------------------------------------------------------------------------------------

def open_document(store: Store, document_id: str) -> DocumentView:
    """A stored document with MT, official wording and the current review of every segment."""
    document = store.document(document_id)
    mt = store.translations(document_id)
    links = store.links(document_id)
    reviews = store.reviews(document_id)
    rows = tuple(SegmentView(seg, mt.get(seg.id), tuple(links.get(seg.id, ())), reviews[seg.id])
                 for seg in store.segments(document_id))
    return DocumentView(document, rows)


def open_segment(store: Store, segment_id: int) -> SegmentView:
    """One segment as :func:`open_document` shows it, read fresh from the store."""
    return SegmentView(store.segment(segment_id), store.translation(segment_id),
                       tuple(store.segment_links(segment_id)), store.review(segment_id))


def segment_risk(row: SegmentView):
    """How likely the segment's MT needs work (:class:`workbench.risk.Risk`); None without MT."""
    from workbench.qa import QAFlag
    from workbench.risk import assess_risk

    if row.mt is None:
        return None
    flags = [QAFlag(**flag) for flag in row.flags if isinstance(flag, dict)]
    return assess_risk(row.mt.text, flags=flags, confidence=row.mt.score,
                       official=row.official.text if row.official else None)


def order_rows(rows: Sequence[SegmentView], order: str = "document") -> list[SegmentView]:
    """Rows in document order, or riskiest first (``risk``); rows without MT count as riskiest."""
    if order not in ORDERS:
        raise InputError(f"unknown order {order!r}; use one of {', '.join(ORDERS)}")
    if order == "document":
        return list(rows)
    scores = [segment_risk(row) for row in rows]
    return [row for _, row in sorted(zip(scores, rows), key=lambda pair: -(pair[0].score if pair[0] else 1.0))]


def load_memory(store: Store):
    """The translation memory of every approved segment in the store (:class:`workbench.tm.TranslationMemory`)."""
    from workbench.tm import TranslationMemory

    return TranslationMemory.from_store(store)


def memory_matches(memory, row: SegmentView) -> list:
    """Exact and fuzzy memory matches for a segment, best first, its own approved text excluded."""
    if memory is None:
        return []
    return [m for m in memory.lookup(row.segment.text) if m.entry.segment_id != str(row.segment.id)]


def suggested_draft(row: SegmentView, matches: Sequence) -> tuple[str, str]:
    """What the editor starts from, and where it comes from (``review``, ``memory``, ``mt`` or ``none``).

    A saved review always wins; then an exact memory match (filled in, not approved), then
    the MT. Official wording is offered beside the editor, one click away, rather than filled in.
    """
    from workbench.tm import pick_suggestion

    if row.review.revision:
        return row.review.text, "review"
    suggestion = pick_suggestion(official=None, memory=matches, mt=row.mt.text if row.mt else None)
    return suggestion.text, suggestion.origin


def filter_rows(rows: Sequence[SegmentView], kind: str = "all") -> list[SegmentView]:
    """Rows matching a filter: ``all``, ``unreviewed`` (state new), ``official`` (has wording), ``flagged``."""
    if kind not in FILTERS:
        raise InputError(f"unknown filter {kind!r}; use one of {', '.join(FILTERS)}")
    keep = {
        "all": lambda r: True,
        "unreviewed": lambda r: r.review.state == "new",
        "official": lambda r: bool(r.links),
        "flagged": lambda r: bool(r.flags),
    }[kind]
    return [r for r in rows if keep(r)]


# --- review actions ----------------------------------------------------------------------------------

def save_review(store: Store, segment_id: int, *, action: str, reviewer: str, base_revision: int,
                text: str | None = None, link_id: int | None = None, revision: int | None = None,
                citation: dict | None = None) -> Review:
    """Apply one reviewer action to a segment and store it as a new revision.

    * ``edit``: save ``text`` as the final Chinese (state ``edited``).
    * ``accept_mt``: take the machine translation as the final Chinese.
    * ``use_official``: take the official wording of link ``link_id`` (default: the best), with its citation.
    * ``insert_official``: save ``text`` found elsewhere in the corpus with its ``citation`` (needs ``doc_id``).
    * ``approve`` / ``reject``: save ``text`` (default: the current final text) with that state.
    * ``revert``: bring back the text of revision ``revision`` (as a new revision; history is kept).

    ``base_revision`` is the revision the reviewer was looking at; if the segment has moved on
    since, :class:`~workbench.errors.ConflictError` says who changed it and to what.
    """
    if action not in ACTIONS:
        raise InputError(f"unknown review action {action!r}; use one of {', '.join(ACTIONS)}")
    view = open_segment(store, segment_id)
    current = view.review
    cited = citation
    citation = current.citation
    if action == "edit":
        final, state = _required(text), "edited"
        if final != current.text:
            citation = None  # the reviewer's own words now, not the cited official text
    elif action == "accept_mt":
        if view.mt is None:
            raise InputError("this segment has no machine translation; type the translation or use the official wording")
        final, state, citation = view.mt.text, "edited", None
    elif action == "use_official":
        link = _pick_link(view, link_id)
        final, state, citation = link.text, "edited", citation_for(link)
    elif action == "insert_official":
        if not cited or not cited.get("doc_id"):
            raise InputError("official wording needs its citation (the document it comes from); pick a search result")
        final, state, citation = _required(text), "edited", dict(cited)
    elif action == "revert":
        final, state, citation = _reverted(store, segment_id, revision)
    else:  # approve / reject
        final = current.text if text is None else text
        if action == "approve" and not final.strip():
            raise InputError("cannot approve an empty translation; type or accept a translation first")
        state = "approved" if action == "approve" else "rejected"
        if text is not None and text != current.text:
            citation = None
    return store.save_review(segment_id, text=final, state=state, reviewer=reviewer, base_revision=base_revision,
                             action=action, citation=citation)


def citation_for(link: LinkRecord) -> dict:
    """The citation stored with official wording taken into a final translation."""
    return {"doc_id": link.official_doc_id, "version": link.official_doc_version,
            "sentence_ids": list(link.sentence_ids), "link_id": link.id}


def _required(text: str | None) -> str:
    if text is None:
        raise InputError("no text given for the edit; type the final Chinese first")
    return text


def _pick_link(view: SegmentView, link_id: int | None) -> LinkRecord:
    if not view.links:
        raise InputError("this segment has no official wording; type the translation or accept the MT")
    if link_id is None:
        return view.links[0]
    for link in view.links:
        if link.id == link_id:
            return link
    raise InputError(f"official wording {link_id} does not belong to this segment; reload the document")


def _reverted(store: Store, segment_id: int, revision: int | None) -> tuple[str, str, dict | None]:
    history = store.revisions(segment_id)
    for old in history:
        if old.number == revision:
            state = "edited" if old.state == "approved" else old.state
            return old.text, state, old.citation
    numbers = ", ".join(str(r.number) for r in history) or "none yet"
    raise InputError(f"segment {segment_id} has no revision {revision}; pick one of: {numbers}")


# --- imported translations -----------------------------------------------------------------------------

def import_translations(store: Store, document_id: str, lines: Iterable[str]) -> tuple[int, int]:
    """Attach batch-translation JSONL (``id, source, translation, model, backend, score``) to a document.

    Lines are matched to segments by their English ``source``. Returns ``(imported, unmatched)``.
    Raises :class:`InputError` naming the first malformed line.
    """
    by_source: dict[str, list[int]] = {}
    for seg in store.segments(document_id):
        by_source.setdefault(seg.text.strip(), []).append(seg.id)
    pairs: list[tuple[int, NewTranslation]] = []
    sources: list[str] = []
    unmatched = 0
    for _, record in iter_records(lines, name="import", required=("source", "translation")):
        source, translation = str(record["source"]), str(record["translation"])
        targets = by_source.get(source.strip())
        if not targets:
            unmatched += 1
            continue
        score = record.get("score")
        for segment_id in targets:
            pairs.append((segment_id, NewTranslation(
                0, translation, origin="import", model=record.get("model"), backend=record.get("backend"),
                score=float(score) if isinstance(score, int | float) else None,
                options={"import_id": record.get("id")})))
            sources.append(source)
    if pairs:
        problems = qa_flags([(src, t.text) for src, (_, t) in zip(sources, pairs)])
        store.add_translations([(segment_id, dataclasses.replace(t, flags=flags))
                                for (segment_id, t), flags in zip(pairs, problems)])
    return len(pairs), unmatched


# --- export ----------------------------------------------------------------------------------------------

def export_document(store: Store, document_id: str, fmt: str, *, approved_only: bool = True):
    """Write one document's reviewed segments to a new file in the export folder; returns the ``ExportResult``.

    ``fmt`` is a single-file format (``jsonl``, ``tmx``, ``xliff``, ``parquet``); the file is
    named after the document and the time, so earlier downloads are never overwritten.
    """
    from datetime import UTC, datetime

    from workbench.export import export_records
    from workbench.export.source import records_from_store

    if fmt not in DOWNLOAD_FORMATS:
        raise InputError(f"unknown download format {fmt!r}; choose one of {', '.join(DOWNLOAD_FORMATS)}")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return export_records(records_from_store(store, [document_id]), fmt, f"{document_id}-{stamp}",
                          states=["approved"] if approved_only else None, documents=[document_id])


# --- diffs ----------------------------------------------------------------------------------------------

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
