"""The one door: from an English article to a reviewable document, every review action, every CLI job.

The UI and the CLI call only this module: plain functions over dataclasses. Each CLI command
parses its arguments, receives the :class:`~workbench.settings.Settings` its entry point
resolved, calls one function here and prints what it returns; the UI opens one
:class:`Resources` (store, corpus, translator, search index) at start and calls the
functions here for every read and action. Term enforcement is wired once
(:func:`translate_with_terms`). Processing an article runs
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
from workbench.errors import InputError, JobCancelledError, ModelUnavailableError
from workbench.export.writer import SINGLE_FILE_FORMATS
from workbench.ingest import (
    DEFAULT_MAX_BYTES,
    MAX_SEGMENT_CHARS,
    MAX_SEGMENTS,
    SUPPORTED_SUFFIXES,
    CleanText,
    article_title,
    check_pasted_size,
    clean_text,
    control_character,
    detect_format,
    split_long_sentence,
)
from workbench.jsonl import iter_records
from workbench.segment import DEFAULT_SEGMENTER, segment_text
from workbench.settings import DEFAULT_EMBEDDER, Settings
from workbench.store import REJECT_CATEGORIES as REJECT_CATEGORIES  # the screen's choices for a rejection
from workbench.store import (
    Comment,
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
DOWNLOAD_FORMATS = SINGLE_FILE_FORMATS  # the export formats that write one file
TITLE_CHARS = 100
# What the UI accepts as an uploaded article: the ingest stage's own limits.
UPLOAD_SUFFIXES = SUPPORTED_SUFFIXES
MAX_UPLOAD_BYTES = DEFAULT_MAX_BYTES
# Translation flags that describe how MT was made rather than a problem with it.
INFO_FLAGS = frozenset({"cached", "passthrough", "split"})
TERM_FLAG = "term:"  # term:<Chinese>:<how>, the translator's record of an enforced term


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
    def enforced_terms(self) -> tuple[tuple[str, str], ...]:
        """``(term, how)`` for each official term the decoder was made to render (empty without MT)."""
        if self.mt is None:
            return ()
        return tuple((t["zh"], t["how"]) for t in (self.mt.options or {}).get("enforced_terms", ()))

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


def load_translator_or_none(settings: Settings, *, store: Store | None = None, **options):
    """``(translator, None)`` for ``settings``' model, backend and device, or ``(None, reason)`` when it cannot be loaded.

    With ``store``, translations are cached in the store's database; ``options`` are
    :class:`~workbench.translate.DecodingOptions` fields.
    """
    from workbench.translate import TranslationCache, load_translator

    try:
        cache = TranslationCache(store) if store is not None else None
        return load_translator(settings.model, settings.backend, models_dir=settings.models_dir,
                               device=settings.device, cache=cache, **options), None
    except ModelUnavailableError as err:
        return None, str(err)


class ProcessResult(str):
    """The id of a processed article, and whether it was already stored (``reopened``) rather than processed now.

    A ``str`` (the document id itself), so every caller that only wants the id keeps using it as one.
    """

    reopened: bool

    def __new__(cls, doc_id: str, *, reopened: bool = False) -> ProcessResult:
        result = super().__new__(cls, doc_id)
        result.reopened = reopened
        return result

    @property
    def doc_id(self) -> str:
        """The document id as a plain string."""
        return str(self)

    @property
    def notice(self) -> str | None:
        """What to tell the reviewer when the article was already here; None when it was processed now."""
        return "this article was already here: opened it, with its reviews" if self.reopened else None


def process_article(article: str | CleanText, *, store: Store, translator=None, corpus: OfficialCorpus | None,
                    progress: ProgressFn | None = None, title: str | None = None, termbase=None,
                    should_stop: Callable[[], bool] | None = None, max_segments: int = MAX_SEGMENTS,
                    max_segment_chars: int = MAX_SEGMENT_CHARS, actor: str | None = None) -> ProcessResult:
    """Clean, segment, translate, align and store an article; returns the document id (a :class:`ProcessResult`).

    ``article`` is pasted text (its format is detected; over the upload limit it is refused)
    or an already cleaned upload. An article already in the store is not processed again:
    its id is returned, marked ``reopened``. The document's title is the article's headline. The official terms of ``termbase`` (default: the shipped glossary and
    the store's user terms) are enforced in the MT. Sentences longer than
    ``max_segment_chars`` are split; an article of more than ``max_segments`` segments is
    refused. ``should_stop()`` is asked between stages and translation batches: when it says
    so, :class:`~workbench.errors.JobCancelledError` is raised and nothing is stored.
    ``actor`` is recorded in the audit trail as who imported it.
    """
    def report(stage: str, done: int, total: int) -> None:
        if should_stop is not None and should_stop():
            raise JobCancelledError("processing was cancelled; nothing was stored")
        if progress is not None:
            progress(stage, done, total)

    if not isinstance(article, CleanText):
        check_pasted_size(article or "")
    clean = article if isinstance(article, CleanText) else clean_text(article or "", source_format=detect_format(article or ""))
    doc_id = document_id_for(clean.text)
    if store.has_document(doc_id):
        return ProcessResult(doc_id, reopened=True)
    segments = bounded_segments(segment_text(clean.text, "en"), max_segments=max_segments,
                                max_segment_chars=max_segment_chars)
    report("segment", len(segments), len(segments))
    sources = [s.text for s in segments]

    translations: list[NewTranslation] = []
    if translator is not None:
        if termbase is None:
            from workbench.terms import TermBase

            termbase = TermBase.load(db=store)
        results = translate_with_terms(translator, sources, termbase,
                                       progress=lambda done, total: report("translate", done, total))
        problems = qa_flags([(r.source, r.text) for r in results], termbase=termbase)
        translations = [_new_translation(i, t, problems[i]) for i, t in enumerate(results)]
        translations = _with_adequacy(sources, translations)

    links: list[NewLink] = []
    if corpus is not None:
        report("align", 0, len(segments))
        from workbench.align import align_news

        mt_texts = [t.text for t in translations] if translations else None
        links = _new_links(align_news(sources, corpus, mt=mt_texts), corpus)
        report("align", len(segments), len(segments))
    signature = str(run_signature(translator=translator, corpus=corpus, termbase=termbase))
    links = [dataclasses.replace(link, run_signature=signature) for link in links]

    store.add_document(NewDocument(
        id=doc_id,
        title=title or article_title(clean, max_chars=TITLE_CHARS),
        source_text=clean.text,
        source_format=clean.source_format,
        segments=[NewSegment(s.index, s.text, s.paragraph, s.start, s.end) for s in segments],
        translations=translations,
        links=links,
        metadata={"dropped_duplicates": clean.dropped_duplicates, **({"date": clean.date} if clean.date else {})},
        run_signature=signature,
    ))
    if actor:
        store.record_event(actor, "import article", doc_id, {"segments": len(segments),
                                                             "format": clean.source_format})
    if progress is not None:
        progress("store", len(segments), len(segments))
    return ProcessResult(doc_id)


def bounded_segments(segments: Sequence, *, max_segments: int = MAX_SEGMENTS,
                     max_segment_chars: int = MAX_SEGMENT_CHARS) -> list:
    """``segments`` with every sentence over ``max_segment_chars`` split, renumbered; too many are refused."""
    from workbench.segment import Segment

    out = []
    for seg in segments:
        spans = split_long_sentence(seg.text, max_segment_chars) if len(seg.text) > max_segment_chars else [
            (0, len(seg.text))]
        for start, end in spans:
            out.append(Segment(len(out), seg.text[start:end], seg.paragraph, seg.start + start, seg.start + end))
        if len(out) > max_segments:
            raise InputError(f"the article has more than {max_segments:,} segments, the limit for one document; "
                             "split it into several articles")
    return out


def run_signature(*, translator=None, corpus: OfficialCorpus | None = None, termbase=None):
    """The :class:`~workbench.signature.RunSignature` of processing an article with these parts.

    The glossary is a hash of the term base's terms (user terms included); the news
    aligner's weights a hash of its thresholds; MT the translator's identity.
    """
    from workbench import __version__
    from workbench.signature import RunSignature, short_hash

    weights = None
    if corpus is not None:
        from workbench.align import news

        weights = short_hash(repr(value) for value in (news.DEFAULT_NEWS_WEIGHTS.signature(), news.MAX_TARGETS,
                                                       news.TOP_DOCUMENTS, news.PARALLEL_SHARE, news.PARALLEL_ORDER))
    glossary = None if termbase is None else short_hash(
        "\t".join(str(part) for part in (t.en, t.zh, t.attestation, t.valid_from, t.valid_to))
        for t in termbase.terms)
    return RunSignature(segmenter=f"{DEFAULT_SEGMENTER}-en", segmenter_version=__version__, workbench=__version__,
                        aligner="news" if corpus is not None else None, aligner_weights=weights,
                        embedder=_news_embedder_name() if corpus is not None else None,
                        glossary=glossary, mt=translator.identity if translator is not None else None)


def _news_embedder_name() -> str | None:
    """The sentence encoder news linking used, when its meaning signal counts."""
    from workbench.align import news

    return DEFAULT_EMBEDDER if news.DEFAULT_NEWS_WEIGHTS.meaning else None


def _new_translation(position: int, t, problems: tuple[dict, ...]) -> NewTranslation:
    # The translator's own problem flags (repetition, term-missing) are superseded by the QA checks,
    # which test the same and more; its informational flags (cached, split, ...) are kept.
    made = tuple(f for f in (t.flags or ()) if f in INFO_FLAGS)
    # How each official term got into the output (decoded, n-best, prefix, …): evidence the reviewer sees.
    enforced = [dict(zip(("zh", "how"), f.removeprefix(TERM_FLAG).rsplit(":", 1), strict=True))
                for f in (t.flags or ()) if f.startswith(TERM_FLAG)]
    options = {**(t.options or {}), **({"enforced_terms": enforced} if enforced else {})}
    return NewTranslation(position, t.text, origin="mt", model=t.model, model_revision=t.revision,
                          backend=t.backend, options=options, score=t.score, flags=made + problems)


def _with_adequacy(sources: Sequence[str], translations: list[NewTranslation]) -> list[NewTranslation]:
    """Each MT with the cosine of its English and itself in the cross-lingual space
    (``options["adequacy"]``, a reference-free quality signal the risk score reads); unchanged
    when the encoder cannot be loaded."""
    from workbench.align import shared_embedder
    from workbench.qa.risk import adequacy_scores

    embedder = shared_embedder()
    if embedder is None or not translations:
        return translations
    scores = adequacy_scores(embedder, [sources[t.position] for t in translations], [t.text for t in translations])
    return [t if score is None else dataclasses.replace(t, options={**t.options, "adequacy": score})
            for t, score in zip(translations, scores)]


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
    """How likely the segment's MT needs work (:class:`workbench.qa.risk.Risk`); None without MT."""
    from workbench.qa import QAFlag
    from workbench.qa.risk import assess_risk

    if row.mt is None:
        return None
    flags = [QAFlag(**flag) for flag in row.flags if isinstance(flag, dict)]
    return assess_risk(row.mt.text, flags=flags, confidence=row.mt.score,
                       official=row.official.text if row.official else None,
                       adequacy=(row.mt.options or {}).get("adequacy"))


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


def remember_approval(memory, row: SegmentView, zh: str) -> None:
    """Add a segment's just-approved final to a session's memory, so the next sentence can use it."""
    from workbench.tm import MemoryEntry

    if memory is not None:
        memory.add(MemoryEntry(row.segment.text, zh, str(row.segment.id), row.segment.document_id))


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
                citation: dict | None = None, reason: str | None = None, category: str | None = None,
                confirmed: Sequence[str] = ()) -> Review:
    """Apply one reviewer action to a segment and store it as a new revision.

    * ``edit``: save ``text`` as the final Chinese (state ``edited``).
    * ``accept_mt``: take the machine translation as the final Chinese.
    * ``use_official``: take the official wording of link ``link_id`` (default: the best), with its citation.
    * ``insert_official``: save ``text`` found elsewhere in the corpus with its ``citation`` (needs ``doc_id``).
    * ``approve`` / ``reject``: save ``text`` (default: the current final text) with that state.
    * ``revert``: bring back the text of revision ``revision`` (as a new revision; history is kept).

    ``base_revision`` is the revision the reviewer was looking at; if the segment has moved on
    since, :class:`~workbench.errors.ConflictError` says who changed it and to what. A final
    text with a control character other than tab and newline is refused (every export format
    must carry the same text); ``reason`` is kept with a rejection, and ``category`` (one of
    :data:`REJECT_CATEGORIES`) says what kind of error it was. ``confirmed`` are the problems
    (:func:`approval_problems`) the reviewer approved over: they are kept as the approval's reason.
    """
    if action not in ACTIONS:
        raise InputError(f"unknown review action {action!r}; use one of {', '.join(ACTIONS)}")
    if category is not None and action != "reject":
        raise InputError(f"a category says why a translation was rejected; {action!r} takes none")
    if confirmed and action != "approve":
        raise InputError(f"confirmed problems go with an approval; {action!r} takes none")
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
    final = check_final_text(final)
    said = (reason or "").strip()
    if confirmed:
        said = "; ".join(filter(None, ["approved over: " + "; ".join(p.strip() for p in confirmed), said]))
    return store.save_review(segment_id, text=final, state=state, reviewer=reviewer, base_revision=base_revision,
                             action=action, citation=citation, reason=said or None, category=category)


def check_final_text(text: str) -> str:
    """``text`` with Windows line ends made plain; refuses any other control character but tab and newline."""
    text = text.replace("\r\n", "\n")
    found = control_character(text)
    if found is not None:
        index, char = found
        raise InputError(f"the final Chinese contains the control character U+{ord(char):04X} at position "
                         f"{index + 1}; delete it (only tab and newline are allowed) and save again")
    return text


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
    old = store.revision(segment_id, revision)
    return old.text, "edited" if old.state == "approved" else old.state, old.citation


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

def export_document(store: Store, document_id: str, fmt: str, *, output_dir, approved_only: bool = True):
    """Write one document's reviewed segments to a new file in the export folder ``output_dir`` (``ExportResult``).

    ``fmt`` is a single-file format (``jsonl``, ``tmx``, ``xliff``, ``parquet``); the file is
    named after the document's date and title (``2025-06-27-china-and-us-….tmx``), with ``-2``,
    ``-3``… when that name is taken, so earlier downloads are never overwritten.
    """
    from workbench.export import FORMATS, export_records
    from workbench.export.deliverable import export_stem, unused_path
    from workbench.export.paths import output_root
    from workbench.export.source import records_from_store

    if fmt not in DOWNLOAD_FORMATS:
        raise InputError(f"unknown download format {fmt!r}; choose one of {', '.join(DOWNLOAD_FORMATS)}")
    name = unused_path(output_root(output_dir), export_stem(store.document(document_id)), FORMATS[fmt].suffix).name
    return export_records(records_from_store(store, [document_id]), fmt, name,
                          output_dir=output_dir, states=["approved"] if approved_only else None,
                          documents=[document_id])


def reading_view(store: Store, document_id: str):
    """The translated article by paragraph (``ReadingView``): approved finals, other sentences marked not approved."""
    from workbench.export.deliverable import reading_view as view

    return view(store, document_id)


def export_deliverable(store: Store, document_id: str, fmt: str, *, output_dir):
    """Write the translated article as ``txt``, ``docx`` or ``bilingual`` (English | Chinese table) and return its path.

    Named after the document's date and title (``2025-06-27-….zh.docx``, ``….en-zh.docx``);
    unapproved sentences are marked in the file.
    """
    from workbench.export.deliverable import export_deliverable as export

    return export(store, document_id, fmt, output_dir=output_dir)


# --- diffs ----------------------------------------------------------------------------------------------

def char_diff(before: str, after: str) -> list[tuple[str, str]]:
    """A character-level diff as ``(op, text)`` runs; op is ``equal``, ``insert`` or ``delete``.

    A replacement is reported as a deletion followed by an insertion. Uses RapidFuzz's
    Levenshtein opcodes (a minimal edit script, fast on long sentences).
    """
    from workbench.tm import char_diff as diff

    return diff(before, after)


def revision_preview(store: Store, segment_id: int, revision: int):
    """One revision of a segment in full (``RevisionPreview``), with its diff to the current final text."""
    from workbench.tm import revision_preview as preview

    return preview(store, segment_id, revision)


# --- what a run works with, opened from its settings -----------------------------------------------

@dataclass
class Resources:
    """The store, corpus, term base and (optional) translator one run works with, opened once.

    The UI keeps one for its lifetime; each CLI command opens what it needs through the
    ``open_*`` functions below. Nothing here reads the environment: everything comes from
    the :class:`~workbench.settings.Settings` the entry point resolved.
    """

    settings: Settings
    store: Store
    corpus: OfficialCorpus | None
    translator: object | None = None  # workbench.translate.Translator
    translator_notice: str | None = None  # why there is no translator
    search_index: object | None = None  # workbench.corpus_search.SearchIndex

    def refresh_corpus(self) -> None:
        """Take in documents added to the corpus folder since the last look, and index them."""
        if self.corpus is not None and self.corpus.refresh() and self.search_index is not None:
            self.search_index.sync(self.corpus)

    def current_search_index(self) -> object | None:
        """The search index, brought up to date with the corpus folder first."""
        self.refresh_corpus()
        return self.search_index

    def termbase(self):
        """The glossary of the corpus folder plus the user terms of the store.

        Loaded once and reused until a user term is added (loading takes a fifth of a second;
        live QA asks for it on every keystroke).
        """
        from workbench.terms import TermBase

        if self.store is None:
            return open_termbase(self.settings)
        version = self.store.user_terms_version()
        cached = getattr(self, "_termbase_cache", None)
        if cached is None or cached[0] != version:
            cached = (version, TermBase.load(self.settings.glossary, db=self.store))
            self._termbase_cache = cached
        return cached[1]


def use_settings(settings: Settings) -> Settings:
    """Apply the process-wide choices of ``settings``: its cache folder keeps the sentence
    vectors and the dictionary between runs (:func:`~workbench.settings.use_cache_dir`). The
    entry points call this once. Returns ``settings``."""
    from workbench.settings import use_cache_dir

    use_cache_dir(settings.cache_dir)
    return settings


def open_store(settings: Settings, *, read_only: bool = False) -> Store:
    """The review store of ``settings.db`` (created and migrated unless ``read_only``)."""
    return Store(settings.db, read_only=read_only)


def open_corpus(settings: Settings) -> OfficialCorpus:
    """The official corpus of ``settings.corpus_dir``."""
    return OfficialCorpus.load(settings.corpus_dir)


def open_termbase(settings: Settings, *, glossary: str | None = None, user_terms: bool = True):
    """The term base: ``glossary`` (default: the corpus folder's) plus the stored user terms."""
    from workbench.terms import TermBase

    return TermBase.load(glossary or settings.glossary, db=settings.db, user_terms=user_terms)


def open_resources(settings: Settings, *, mt: bool = True) -> Resources:
    """Everything the review UI needs; without ``mt`` (or when the model cannot be had) no translator."""
    from workbench.corpus_search import SearchIndex

    use_settings(settings)
    store = open_store(settings)
    corpus = open_corpus(settings)
    if mt:
        translator, notice = load_translator_or_none(settings, store=store)
    else:
        translator, notice = None, "It was switched off for this session (--no-mt)."
    return Resources(settings, store, corpus, translator, notice, SearchIndex.build(corpus))


def translate_with_terms(translator, texts: Sequence[str], termbase=None, *,
                         progress: Callable[[int, int], None] | None = None, errors: str = "raise") -> list:
    """Translate ``texts``, enforcing the official terms ``termbase`` finds in each (None: no enforcement).

    The one place term enforcement is wired: articles, batch jobs and look-ups all come here.
    Each required term carries its English and the glossary's unofficial renderings to avoid;
    ``errors="collect"`` leaves a failed batch's exception in its segments' slots.
    """
    from workbench.translate.constraints import required_terms

    required = required_terms(termbase, texts) if termbase is not None else None
    return translator.translate(list(texts), progress=progress, required_terms=required, errors=errors)


# --- command-line jobs: each CLI command is a thin shell over one of these ------------------------------

def read_article_file(path: str, *, lang: str = "en", max_bytes: int | None = None, keep_duplicates: bool = False,
                      split_semicolons: bool = False, segmenter: str | None = None):
    """Clean and segment an article file; returns ``(segments, dropped_duplicate_paragraphs)``."""
    from workbench.ingest import DEFAULT_MAX_BYTES, read_article

    article = read_article(path, max_bytes=max_bytes or DEFAULT_MAX_BYTES, keep_duplicates=keep_duplicates)
    options = {"segmenter": segmenter} if segmenter else {}
    return segment_text(article.text, lang, split_semicolons=split_semicolons, **options), article.dropped_duplicates


def decode_upload(data: bytes, name: str) -> str:
    """Uploaded bytes as text; another encoding or binary data is named in one line, as for articles."""
    from workbench.ingest import decode_bytes

    return decode_bytes(data, name)


def read_upload(path: str):
    """An uploaded article file, cleaned (:class:`~workbench.ingest.CleanText`)."""
    from workbench.ingest import read_article

    return read_article(path)


@dataclass(frozen=True)
class BatchJob:
    """What ``workbench translate`` found to do and did: segments in scope, already done, the run's result."""

    total: int
    pending: int
    output: object  # pathlib.Path
    result: object | None  # workbench.translate.batch.BatchResult; None when nothing was pending
    seconds: float = 0.0


def translate_files(settings: Settings, inputs: Sequence[str], output: str, *, column: str = "text",
                    shard: str | None = None, terms: bool = True, progress_bar=None, ray: str | None = None,
                    actors: int | None = None, cpus_per_actor: int | None = None, shard_format: str = "jsonl",
                    **options) -> BatchJob:
    """Translate every segment of ``inputs`` into ``output``, resumably.

    ``options`` are :class:`~workbench.translate.DecodingOptions` fields (beam, batch_size, …);
    ``progress_bar(total)`` returns a context manager with ``update(n)`` (e.g. tqdm).
    Without ``ray`` one process writes the JSONL file ``output``; with ``ray`` (``"local"``:
    a Ray started on this machine; ``auto`` or ``ray://…``: a cluster) Ray Data writes shards
    into the folder ``output``, ``actors`` translators of ``cpus_per_actor`` cores each.
    """
    import time
    from contextlib import nullcontext
    from pathlib import Path

    from workbench.translate import load_translator
    from workbench.translate.backend import DecodingOptions
    from workbench.translate.batch import (
        completed_ids,
        in_shard,
        parse_shard,
        read_inputs,
        translate_to_jsonl,
        window_size,
    )

    part = parse_shard(shard) if shard else None
    if ray is not None:
        from workbench.translate.distributed import require_ray

        require_ray()  # before reading anything: a missing Ray is one line
    segments = read_inputs(inputs, column)
    if part:
        segments = [s for s in segments if in_shard(s.id, *part)]
    target = Path(output)
    decoding = DecodingOptions.from_options(**options)
    if ray is not None:
        from workbench.translate.distributed import done_ids, translate_on_ray

        finished = set().union(*done_ids(target).values()) if target.is_dir() else set()
        pending = len(segments) - len(finished & {s.id for s in segments})
        if pending == 0:
            return BatchJob(len(segments), 0, target, None)
        make = _batch_translate_factory(settings, decoding, terms, cpus_per_actor or 1)
        started = time.monotonic()
        with (progress_bar(pending) if progress_bar else nullcontext()) as bar:
            result = translate_on_ray(segments, target, make, window=window_size(decoding.batch_size),
                                      address=None if ray == "local" else ray, actors=actors,
                                      cpus_per_actor=cpus_per_actor or 1, fmt=shard_format,
                                      on_shard=bar.update if bar else None)
        return BatchJob(len(segments), pending, target, result, time.monotonic() - started)
    pending = len(segments) - len(completed_ids(target) & {s.id for s in segments})
    if pending == 0:
        return BatchJob(len(segments), 0, target, None)
    translator = load_translator(settings.model, settings.backend, models_dir=settings.models_dir,
                                 device=settings.device, **decoding.to_dict())
    termbase = open_termbase(settings) if terms else None
    started = time.monotonic()
    with (progress_bar(pending) if progress_bar else nullcontext()) as bar:
        result = translate_to_jsonl(segments, target,
                                    lambda texts: translate_with_terms(translator, texts, termbase, errors="collect"),
                                    window=window_size(decoding.batch_size), on_batch=bar.update if bar else None)
    return BatchJob(len(segments), pending, target, result, time.monotonic() - started)


def _batch_translate_factory(settings: Settings, decoding, terms: bool, threads: int) -> Callable:
    """What each Ray actor calls once: loads the translator and term base, returns ``translate(texts)``.

    The same translator, options, term base and wiring as the single-process path, so both give the same text.
    """
    termbase = open_termbase(settings) if terms else None

    def make_translate() -> Callable:
        from workbench.translate import load_translator

        translator = load_translator(settings.model, settings.backend, models_dir=settings.models_dir,
                                     device=settings.device, threads=threads, **decoding.to_dict())
        return lambda texts: translate_with_terms(translator, texts, termbase, errors="collect")

    return make_translate


def evaluate_translations(hypotheses_path: str, references_path: str) -> list:
    """BLEU (``tokenize=zh``) and chrF of a hypothesis file against a reference file, with signatures."""
    from workbench.translate.evaluate import read_lines, score_corpus

    return score_corpus(read_lines(hypotheses_path, ("translation",)),
                        read_lines(references_path, ("reference", "translation", "text")))


def machine_translations(settings: Settings | None, sentences: Sequence[str], *, src_lang: str = "en",
                         tgt_lang: str = "zh") -> tuple[list[str] | None, str, str | None]:
    """MT for the aligner's signal: ``(translations, mt_source, notice)``; no MT when ``settings`` is None.

    ``mt_source`` names where the MT came from for the alignment signature (``none`` or the
    translator's model); ``notice`` says why there is none, for the user.
    """
    if settings is None or not sentences:
        return None, "none", None
    if (src_lang, tgt_lang) != ("en", "zh"):
        return None, "none", f"no MT engine for {src_lang}→{tgt_lang}; aligning without MT (give --mt FILE to use MT)"
    try:
        translator, notice = load_translator_or_none(settings)
    except ImportError:
        return None, "none", "the translation engine is not installed; aligning without MT"
    if translator is None:
        return None, "none", f"{notice} — aligning without MT"
    source = translator.backend.source  # the model and its revision: a changed model is a changed signature
    return [t.text for t in translator.translate(list(sentences))], f"engine:{source.id}@{source.revision}", None


@dataclass(frozen=True)
class AlignmentRun:
    """What ``workbench align`` produced: beads (parallel files) or links (an article), and what to tell the user."""

    beads: list | None
    records: list[dict]
    notes: tuple[str, ...]
    signature: str


def align_files(settings: Settings, src: str, tgt: str | None = None, *, mode: str = "auto", src_lang: str = "en",
                tgt_lang: str = "zh", presplit: bool = False, mt_file: str | None = None, use_mt: bool = True,
                gaps: bool = False, reference: str = "auto", evidence: bool = True,
                embedder: str | None = DEFAULT_EMBEDDER) -> AlignmentRun:
    """Align a document with its translation (``tgt`` given), or an article with the official corpus.

    ``evidence`` off, parallel beads carry ids and scores only (what the beads format prints):
    building every bead's evidence costs seconds on a book-length pair.

    Modes: ``parallel`` (in order: against ``tgt``, or against corpus document ``reference``),
    ``news`` (each sentence and quote against the corpus) and ``auto`` (parallel when ``tgt``
    is given; for an article, news unless it reads as a translation of one document).
    ``embedder`` is the cross-lingual encoder of parallel mode with ``tgt`` (a registry name or
    ``st:MODEL``; None: lexical signals only); news linking always uses the default one.
    """
    from workbench.align import align_article, align_parallel, join_sentences, parallel_signature
    from workbench.align.mt import read_lines, read_mt_file

    if mt_file and not use_mt:
        raise InputError("--mt and --no-mt contradict each other; give one of them")
    if tgt is not None and mode == "news":
        raise InputError("news mode links an article against the corpus; drop TGT or use --mode parallel")
    if tgt is None and embedder != DEFAULT_EMBEDDER:
        raise InputError(f"--embedder chooses the encoder of parallel mode with SRC and TGT; an article is "
                         f"linked with {DEFAULT_EMBEDDER}, so drop --embedder or give TGT")

    def sentences(path: str, lang: str) -> list[str]:
        return read_lines(path) if presplit else [s.text for s in read_article_file(path, lang=lang)[0]]

    src_sentences = sentences(src, src_lang if tgt is not None else "en")
    notes: list[str] = []
    if mt_file:
        mt, mt_source = read_mt_file(mt_file, len(src_sentences)), "file"
    else:
        mt, mt_source, notice = machine_translations(settings if use_mt else None, src_sentences,
                                                     src_lang=src_lang if tgt is not None else "en",
                                                     tgt_lang=tgt_lang if tgt is not None else "zh")
        notes += [notice] if notice else []
    if tgt is not None:
        tgt_sentences = sentences(tgt, tgt_lang)
        beads = align_parallel(src_sentences, tgt_sentences, src_lang=src_lang, tgt_lang=tgt_lang, mt=mt, gaps=gaps,
                               evidence=evidence, embedder=embedder)
        signature = str(parallel_signature(mt_source=mt_source, gaps=gaps, embedder=embedder))
        records = [{**bead.to_dict(), "src_text": join_sentences(src_sentences, bead.src, src_lang),
                    "tgt_text": join_sentences(tgt_sentences, bead.tgt, tgt_lang), "signature": signature}
                   for bead in beads]
        return AlignmentRun(beads, records, tuple(notes), signature)
    corpus = open_corpus(settings)
    links, parallel_doc = align_article(src_sentences, corpus, mt=mt, reference=reference, mode=mode)
    if parallel_doc is not None and mode == "auto":
        notes.append(f"the article reads as a translation of {parallel_doc}; aligned in parallel mode")
    signature = str(parallel_signature(mt_source=mt_source, gaps=False)) if parallel_doc else f"news|mt:{mt_source}"
    return AlignmentRun(None, [link.to_dict() for link in links], tuple(notes), signature)


def lookup_official(settings: Settings, text: str, *, top: int = 5, use_mt: bool = True) -> tuple[list, str | None]:
    """The official sentences that best render ``text``: ``(hits, notice)``."""
    from workbench.align import lookup

    corpus = open_corpus(settings)
    mt, _source, notice = machine_translations(settings if use_mt and text.strip() else None, [text])
    return lookup(text, corpus, top_k=top, mt=mt[0] if mt else None), notice


def evaluate_alignment(gold: str, pred: str, *, src_units: str | None = None, tgt_units: str | None = None) -> dict:
    """Strict/lax P/R/F1, sentence exact match and no-counterpart scores of predicted against gold beads."""
    from workbench.align.evaluate import evaluate_folders

    return evaluate_folders(gold, pred, src_units=src_units, tgt_units=tgt_units)


def qa_file(settings: Settings, path: str, *, group_by: str | None = None, glossary: str | None = None) -> tuple[list, int]:
    """QA reports for every line of a batch-translation JSONL file: ``(reports, failed_lines)``."""
    from workbench.qa.batch import qa_batch, read_batch

    segments, failed = read_batch(path, group_by=group_by)
    return qa_batch(segments, termbase=open_termbase(settings, glossary=glossary)), failed


def export_store(settings: Settings, fmt: str, output: str, *, states: Sequence[str] | None = None,
                 documents: Sequence[str] | None = None, overwrite: bool = False, check_only: bool = False):
    """Export reviewed segments of the store to ``output`` inside the export folder (``ExportResult``).

    With ``check_only`` the output path is only checked (it must lie inside the export folder).
    """
    from workbench.export import export_records
    from workbench.export.paths import confined_path
    from workbench.export.source import records_from_store

    confined_path(output, settings.output_dir)
    if check_only:
        return None
    with open_store(settings, read_only=True) as store:
        records = records_from_store(store, documents)
    return export_records(records, fmt, output, output_dir=settings.output_dir, states=states, documents=documents,
                          overwrite=overwrite)


def finetune_model(settings: Settings, *, dataset: str, output: str, base: str | None = None,
                   progress: Callable[[int, int, float], None] | None = None, **options):
    """Fine-tune on an HF export and promote the result only if not worse (``FinetuneReport``).

    ``dataset`` is a folder, or a name inside the export folder as ``workbench export`` prints it;
    ``options`` are :class:`~workbench.finetune.FinetuneConfig` fields.
    """
    from pathlib import Path

    from workbench.finetune import FinetuneConfig, finetune

    folder = Path(dataset).expanduser()
    if not folder.exists() and not folder.is_absolute():
        folder = settings.output_dir / folder
    config = FinetuneConfig(dataset=folder, base=base or settings.model, output=Path(output).expanduser(),
                            models_dir=settings.models_dir, **options)
    return finetune(config, progress)


def promoted_model(settings: Settings):
    """The promoted model folder, if any."""
    from workbench.settings import promoted_model as read_pointer

    return read_pointer(settings.models_dir)


def converted_model_for(settings: Settings, model_dir) -> object:
    """The CTranslate2 folder of a Transformers model folder, converting it if needed."""
    from workbench.finetune import convert_for_ctranslate2

    return convert_for_ctranslate2(model_dir, settings.models_dir)


# --- the official corpus ---------------------------------------------------------------------------------

def corpus_document(settings: Settings, doc_id: str, lang: str = "zh", version: str | None = None):
    """``(document, current)``: a corpus document (an earlier ``version`` if given) and its current version."""
    corpus = open_corpus(settings)
    current = corpus.get(doc_id, lang)
    return (corpus.get_version(doc_id, lang, version) if version else current), current


def _with_live_indexes(settings: Settings, work: Callable):
    """Run ``work(corpus, indexes)`` with the on-disk search index synced, so an add updates it in place."""
    from workbench.corpus_search import open_index

    corpus = open_corpus(settings)
    indexes = [open_index(corpus, settings.search_index)]
    try:
        return work(corpus, indexes)
    finally:
        for index in indexes:
            index.close()


def add_corpus_files(settings: Settings, paths: Sequence[str], meta, *, force: bool = False,
                     on_result: Callable | None = None) -> list:
    """Add each file as a corpus document (``meta``: :class:`~workbench.corpus_admin.Metadata`); the ``AddResult``s.

    ``on_result(result)`` is called as each file is added, so a failure later still reports the earlier ones.
    """
    from workbench.corpus_admin import add_document, read_document

    if len(paths) > 1 and (meta.id or meta.pair):
        raise InputError("--id and --pair name one document; add the files one at a time")

    def work(corpus, indexes):
        results = []
        for path in paths:
            results.append(add_document(corpus, read_document(path, meta), force=force, indexes=indexes))
            if on_result:
                on_result(results[-1])
        return results

    return _with_live_indexes(settings, work)


def import_corpus_folder(settings: Settings, folder: str, *, force: bool = False):
    """Add every document file of ``folder`` to the corpus (:class:`~workbench.corpus_admin.ImportSummary`)."""
    from workbench.corpus_admin import import_folder

    return _with_live_indexes(settings, lambda corpus, indexes: import_folder(corpus, folder, force=force,
                                                                              indexes=indexes))


def check_corpus(settings: Settings) -> list:
    """Every problem of the corpus folder (:class:`~workbench.corpus_admin.Finding`)."""
    from workbench.corpus_admin import check_corpus as check

    return check(settings.corpus_dir)


def search_corpus(settings: Settings, query: str, **filters) -> list:
    """Ranked full-text hits for ``query`` (filters: ``lang``, ``date_from``, ``date_to``, ``issuer``, ``top``)."""
    from workbench.corpus_search import open_index
    from workbench.corpus_search import search_corpus as search

    index = open_index(open_corpus(settings), settings.search_index)
    try:
        return search(index, query, **filters)
    finally:
        index.close()


def search_index(index, query: str, **filters) -> list:
    """Ranked hits for ``query`` in an open search index (the UI keeps one for its lifetime)."""
    from workbench.corpus_search import search_corpus as search

    return search(index, query, **filters)


def parse_date(value: str) -> str | None:
    """``YYYY-MM-DD`` (also ``YYYY/M/D``, ``YYYY年M月D日``) as an ISO date, or None when it is not a date."""
    from workbench.corpus_admin import parse_date as parse

    return parse(value)


# --- the review UI's reads --------------------------------------------------------------------------------

def list_documents(store: Store) -> list:
    """Every stored document, newest first, with its review progress."""
    return store.list_documents()


def has_document(store: Store, document_id: str) -> bool:
    """Whether the store holds ``document_id``."""
    return store.has_document(document_id)


def revisions(store: Store, segment_id: int) -> list:
    """The full review history of a segment, oldest first."""
    return store.revisions(segment_id)


def add_comment(store: Store, segment_id: int, *, author: str, text: str) -> Comment:
    """Add a comment to a segment's thread (kept for good, like the history); an empty one is refused."""
    text = (text or "").replace("\r\n", "\n")
    found = control_character(text)
    if found is not None:
        raise InputError(f"the comment contains the control character U+{ord(found[1]):04X} at position "
                         f"{found[0] + 1}; delete it and add the comment again")
    return store.add_comment(segment_id, author=author, text=text)


def comments(store: Store, segment_id: int) -> list[Comment]:
    """A segment's comment thread, oldest first."""
    return store.comments(segment_id)


# --- the post-editing screen: QA of the final, confirmations, readable numbers ---------------------

def final_qa(resources: Resources, english: str, final: str, *, official: str | None = None,
             confidence: float | None = None):
    """QA flags and risk of the reviewer's final Chinese (:class:`~workbench.qa.final.FinalQA`), live as they type.

    ``official`` is the aligned official wording; ``confidence`` the model's log-probability,
    only when the final is still the MT.
    """
    from workbench.qa.final import final_qa as check

    return check(resources.termbase(), english, final, official=official, confidence=confidence)


def approval_problems(row: SegmentView, final: str, qa) -> tuple[str, ...]:
    """The problems approving ``final`` needs a second confirmation for (empty: approve at once).

    ``qa`` is :func:`final_qa` of ``final``: its error-level flags, and the final being the
    segment's machine translation untouched while QA flags it.
    """
    from workbench.qa.final import approval_problems as problems

    return problems(qa, final, mt=row.mt.text if row.mt else None)


def mt_confidence(translation: TranslationRecord | None):
    """The model's confidence in a translation as 0–100 and a word, the raw score in the tooltip (``Confidence``)."""
    from workbench.qa.confidence import mt_confidence as confidence

    return confidence(translation)


def segment_terms(resources: Resources, english: str) -> list:
    """The glossary panel of a segment: each term of ``english`` (``TermHit``), its span, Chinese and attestation."""
    from workbench.qa.term_usage import term_hits

    return term_hits(resources.termbase(), english)


# --- terms: user terms and term propagation ------------------------------------------------------

def add_term(store: Store, *, en: str, zh: str, added_by: str, attestation: str = "USER", source: str = "",
             valid_from: str | None = None, valid_to: str | None = None):
    """Record a reviewer's term (``Term``) in the store; from then on it is matched and, if official, enforced."""
    from workbench.terms import add_user_term

    return add_user_term(en, zh, added_by=added_by, store=store, attestation=attestation, source=source,
                         valid_from=valid_from, valid_to=valid_to)


def term_offers(store: Store, document_id: str, old: str, new: str, *, exclude: int | None = None) -> list:
    """Where ``old`` → ``new`` applies in a document: one ``TermOffer`` per segment whose current text holds ``old``.

    A segment's current text is its saved final, else its MT; ``exclude`` is the segment the
    reviewer already corrected.
    """
    from workbench.tm import propagate_term

    texts = [(str(row.segment.id), current_text(row)) for row in open_document(store, document_id).rows]
    return propagate_term(old, new, texts, exclude=str(exclude) if exclude is not None else None)


def current_text(row: SegmentView) -> str:
    """What a segment reads as now: its saved final, else its MT (empty when it has neither)."""
    return row.review.text if row.review.revision else (row.mt.text if row.mt else "")


def find_in_document(store: Store, document_id: str, needle: str, *, case: bool = True,
                     regex: bool = False) -> list:
    """Every segment whose current text (:func:`current_text`) holds ``needle``, with the spans (``FoundText``).

    ``case=False`` ignores case; ``regex`` reads ``needle`` as a regular expression (a bad one is one line).
    """
    from workbench.tm import FoundText, find_spans, search_pattern

    pattern = search_pattern(needle, case=case, regex=regex)
    found = []
    for row in open_document(store, document_id).rows:
        text = current_text(row)
        spans = find_spans(pattern, text)
        if spans:
            found.append(FoundText(row.segment.id, row.segment.position, text, spans))
    return found


def replace_in_document(store: Store, document_id: str, needle: str, replacement: str, *, reviewer: str,
                        case: bool = True, regex: bool = False, segment_ids: Sequence[int] | None = None) -> list[Review]:
    """Replace ``needle`` in the current text of every segment that holds it (only ``segment_ids``, when given).

    Each changed segment gets one revision (action ``replace``, state ``edited``), all in one
    transaction: a segment someone saved meanwhile refuses the whole replacement
    (:class:`~workbench.errors.ConflictError`), so nothing is half-replaced.
    """
    from workbench.tm import replace_all, search_pattern

    pattern = search_pattern(needle, case=case, regex=regex)
    wanted = None if segment_ids is None else {int(i) for i in segment_ids}
    saves = []
    for row in open_document(store, document_id).rows:
        if wanted is not None and row.segment.id not in wanted:
            continue
        before = current_text(row)
        after = replace_all(pattern, replacement, before, regex=regex)
        if after != before:
            saves.append({"segment_id": row.segment.id, "text": check_final_text(after), "state": "edited",
                          "reviewer": reviewer, "base_revision": row.review.revision, "action": "replace",
                          "reason": f"replaced {needle!r} with {replacement!r}"})
    return store.save_reviews(saves)


def apply_term_offers(store: Store, offers: Sequence, *, reviewer: str) -> list[Review]:
    """Save each offer's proposed text as an edit (one new revision per segment, history kept)."""
    saved = []
    for offer in offers:
        segment_id = int(offer.segment_id)
        current = store.review(segment_id)
        saved.append(save_review(store, segment_id, action="edit", reviewer=reviewer, base_revision=current.revision,
                                 text=offer.proposed))
    return saved



# --- users, roles and the audit trail -----------------------------------------------------------------

AUDIT_COLUMNS = ("at", "actor", "action", "segment", "revision", "state", "text", "reason", "detail")


def open_directory(store: Store, quick_start: Sequence[tuple[str, str]] = ()):
    """Everyone who may log in to the UI (:class:`~workbench.users.Directory`)."""
    from workbench.users import Directory

    return Directory(store, quick_start)


def add_user(settings: Settings, name: str, role: str, password: str, *, actor: str = "command line"):
    """Create a user with a hashed password (:class:`~workbench.store.UserRecord`); recorded in the audit trail."""
    from workbench.users import check_new_user, hash_password

    check_new_user(name, role, password)
    with open_store(settings) as store:
        record = store.add_user(name, role, hash_password(password))
        store.record_event(actor, "add user", None, {"user": name, "role": role})
    return record


def list_stored_users(store: Store) -> list:
    """The users of an open store (whether the UI must require logins)."""
    return store.users()


def list_users(settings: Settings) -> list:
    """Every user and role (read-only: works on a read-only database)."""
    with open_store(settings, read_only=True) as store:
        return store.users()


def set_user_role(settings: Settings, name: str, role: str, *, actor: str = "command line") -> None:
    """Give ``name`` another role; takes effect on their next request."""
    with open_store(settings) as store:
        store.set_user_role(name, role)
        store.record_event(actor, "set role", None, {"user": name, "role": role})


def remove_user(settings: Settings, name: str, *, actor: str = "command line") -> None:
    """Remove a user; their sessions end on their next request, their history stays."""
    with open_store(settings) as store:
        store.remove_user(name)
        store.record_event(actor, "remove user", None, {"user": name})


def record_event(store: Store, actor: str, action: str, document_id: str | None = None,
                 detail: dict | None = None) -> None:
    """Append a line to the audit trail."""
    store.record_event(actor, action, document_id, detail)


def audit_trail(store: Store, document_id: str) -> list:
    """Who did what to a document, when, oldest first (:class:`~workbench.store.AuditEvent`)."""
    store.document(document_id)  # an unknown id says so
    return store.audit_trail(document_id)


def audit_rows(events: Sequence) -> list[list[str]]:
    """The audit trail as rows of :data:`AUDIT_COLUMNS` (text), for the UI's table and the CSV."""
    import json

    rows = []
    for event in events:
        detail = {k: v for k, v in event.detail.items() if k not in ("state", "text", "reason")}
        rows.append([event.at, event.actor, event.action, "" if event.segment is None else str(event.segment),
                     "" if event.revision is None else str(event.revision), event.detail.get("state", ""),
                     event.detail.get("text", ""), event.detail.get("reason", ""),
                     json.dumps(detail, ensure_ascii=False, sort_keys=True) if detail else ""])
    return rows


def audit_csv(store: Store, document_id: str, *, output_dir) -> object:
    """Write a document's audit trail as CSV (UTF-8 with BOM, so spreadsheets read the Chinese) and return its path."""
    import csv
    import io
    from datetime import UTC, datetime
    from pathlib import Path

    from workbench.text.files import atomic_write_text

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(AUDIT_COLUMNS)
    writer.writerows(audit_rows(audit_trail(store, document_id)))
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = Path(output_dir) / f"{document_id}-audit-{stamp}.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, "\ufeff" + buffer.getvalue())
    return path
