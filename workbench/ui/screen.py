"""The review screen as a pure view model: what one reviewer sees, and every action they take.

:func:`review_screen` builds a :class:`ReviewScreen` — plain strings and rows — from the
pipeline's values for the segment a :class:`ReviewSession` points at; the actions below
(open, move, save, approve, reject, comment, add a term, propagate it, find and replace,
preview and revert a revision) call the pipeline and return the next session and screen.
Nothing here imports Gradio: :mod:`workbench.ui.app` only turns a screen into component
updates, so every handler is tested by calling these functions.

Each session keeps its own translation memory (loaded when it opens a document): reviewers
in two browsers never share one object.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from workbench import pipeline
from workbench.align.beads import Evidence
from workbench.errors import ConflictError, InputError, JobCancelledError, WorkbenchError
from workbench.qa.final import HIGH_RISK, LOW_RISK
from workbench.tm import correction_from_edit

LIST_WINDOW = 24  # segment-list rows shown around the current one
LIST_CELL_CHARS = 90
MAX_SUGGESTIONS = 9  # Ctrl+1 … Ctrl+9
MIN_TERM_CHARS = 2  # a one-character change is a typo fixed, not a term to propagate
EVIDENCE_CHARS = 300  # an official link's evidence, cut there
SNIPPET_CHARS = 12  # context shown either side of a term change or a found text
STATE_WORDS = {"new": "not reviewed", "edited": "edited", "approved": "approved", "rejected": "rejected"}
MOVES = ("next", "previous", "pending")


@dataclass
class ReviewSession:
    """What one browser tab is looking at (kept in ``gr.State``: one per browser session)."""

    doc_id: str | None = None
    filter: str = "all"
    order: str = "document"
    segment_ids: list[int] = field(default_factory=list)  # visible segments, in order, after the filter
    index: int = 0
    base_revision: int = 0  # the revision the editor was loaded from
    memory: object | None = None  # this session's translation memory
    pending: tuple[str, ...] = ()  # problems the reviewer is asked to confirm before approving
    offers: tuple = ()  # term-propagation offers waiting for the reviewer's yes
    offer_words: tuple[str, str] = ("", "")  # (old, new) of those offers

    @property
    def segment_id(self) -> int | None:
        """The segment in the editor, if any."""
        return self.segment_ids[self.index] if self.segment_ids else None


@dataclass(frozen=True)
class ListRow:
    """One line of the compact segment list."""

    segment_id: int
    number: int  # position in the document, from 1
    state: str
    state_word: str
    risk_word: str
    english: str
    final: str
    current: bool


@dataclass(frozen=True)
class Suggestion:
    """Something the reviewer can insert with Ctrl+N: official wording, a memory match, a term, the MT."""

    number: int
    kind: str  # official | memory | term | mt
    text: str
    label: str
    detail: str = ""
    span: tuple[int, int] | None = None  # the English characters an official clause covers
    source_url: str | None = None  # where the official document was published
    evidence: str = ""  # why the official sentence was linked, in one line
    newer: bool = False  # a newer version of the official document exists


@dataclass(frozen=True)
class HistoryRow:
    """One revision in the history list."""

    number: int
    label: str


@dataclass(frozen=True)
class ReviewScreen:
    """Everything the review screen shows, as strings and rows built from the pipeline."""

    message: str = ""
    message_kind: str = "ok"  # ok | warn | error
    doc_id: str | None = None
    title: str = ""
    approved: int = 0
    reviewed: int = 0
    total: int = 0
    rows: tuple[ListRow, ...] = ()
    list_words: str = ""
    segment_id: int | None = None
    header: str = ""
    state: str = ""
    english: str = ""
    term_spans: tuple[tuple[int, int], ...] = ()
    mt: str = ""
    mt_words: str = ""
    mt_tooltip: str = ""
    mt_terms: tuple[tuple[str, str], ...] = ()  # (official term, how the decoder got it in)
    suggestions: tuple[Suggestion, ...] = ()
    final: str = ""
    base_revision: int = 0
    qa_lines: tuple[str, ...] = ()
    risk_words: str = ""
    confirm: tuple[str, ...] = ()
    terms: tuple = ()  # the glossary terms of the English (pipeline.segment_terms' TermHit)
    comments: tuple = ()  # the segment's thread, oldest first (pipeline.comments' Comment)
    history: tuple[HistoryRow, ...] = ()
    preview: object | None = None  # a revision picked in the history (pipeline.revision_preview)
    offers: tuple[str, ...] = ()  # one line per segment a term change would be applied to
    found: tuple = ()  # find-and-replace hits (pipeline.find_in_document's FoundText)

    @property
    def has_segment(self) -> bool:
        """Whether a segment is in the editor."""
        return self.segment_id is not None


# --- building the screen ----------------------------------------------------------------------------

def review_screen(resources: pipeline.Resources, session: ReviewSession, *, final: str | None = None,
                  message: str = "", kind: str = "ok", preview: int | None = None,
                  found: Sequence = ()) -> ReviewScreen:
    """The screen for ``session``: its document, list window and current segment.

    ``final`` keeps the reviewer's own text in the editor (after a refused save, or while
    asking to confirm); ``preview`` is a revision picked in the history.
    """
    base = ReviewScreen(message=message, message_kind=kind, found=tuple(found))
    if session.doc_id is None:
        return base
    # Only the rows on screen are read (a 2,000-segment document is never loaded whole for one click);
    # the document's counts come from the store's summary.
    summary = next((d for d in pipeline.list_documents(resources.store) if d.id == session.doc_id), None)
    if summary is None:
        return dataclasses.replace(base, message=f"document {session.doc_id} is no longer in the store",
                                   message_kind="error")
    base = dataclasses.replace(base, doc_id=session.doc_id, title=summary.title, approved=summary.approved,
                               reviewed=summary.reviewed, total=summary.segments)
    visible_ids = session.segment_ids
    if not visible_ids:
        return dataclasses.replace(base, list_words="No segment matches this filter.")
    index = min(session.index, len(visible_ids) - 1)
    start = max(0, min(index - LIST_WINDOW // 3, len(visible_ids) - LIST_WINDOW))
    window = [pipeline.open_segment(resources.store, i) for i in visible_ids[start:start + LIST_WINDOW]]
    by_id = {row.segment.id: row for row in window}
    rows = tuple(_list_row(row, current=row.segment.id == visible_ids[index]) for row in window)
    filtered = len(visible_ids) != summary.segments
    list_words = (f"{start + 1}–{start + len(window)} of {len(visible_ids)} shown"
                  + (f" ({summary.segments} in the document)" if filtered else ""))
    row = by_id[visible_ids[index]]
    session.base_revision = row.review.revision
    matches = pipeline.memory_matches(session.memory, row)
    draft, _origin = pipeline.suggested_draft(row, matches)
    final_text = draft if final is None else final
    terms = _terms(resources, row.segment.text)
    history = pipeline.revisions(resources.store, row.segment.id)
    qa_lines, risk_words = _qa(resources, row, final_text)
    mt_words, mt_tooltip = _confidence(row)
    return dataclasses.replace(
        base, rows=rows, list_words=list_words, segment_id=row.segment.id,
        header=(f"Segment {row.segment.position + 1} of {summary.segments}"
                + (f" ({index + 1} of {len(visible_ids)} shown)" if filtered else "")),
        state=row.review.state, english=row.segment.text,
        term_spans=tuple((t.start, t.end) for t in terms), mt=row.mt.text if row.mt else "",
        mt_words=mt_words, mt_tooltip=mt_tooltip, mt_terms=_forced_terms(row), suggestions=_suggestions(row, matches, terms, resources),
        final=final_text, base_revision=row.review.revision, qa_lines=qa_lines, risk_words=risk_words,
        confirm=session.pending, terms=terms, comments=_comments(resources, row.segment.id),
        history=tuple(HistoryRow(h.number, _history_label(h)) for h in reversed(history)),
        preview=_preview(resources, row.segment.id, preview) if preview else None,
        offers=tuple(_offer_line(resources, offer, *session.offer_words) for offer in session.offers))


def live_qa(resources: pipeline.Resources, session: ReviewSession, final: str) -> ReviewScreen:
    """QA and risk of ``final`` for the segment in the editor, and nothing else (run on every debounced keystroke)."""
    if session.segment_id is None:
        return ReviewScreen()
    row = pipeline.open_segment(resources.store, session.segment_id)
    qa_lines, risk_words = _qa(resources, row, final)
    return ReviewScreen(doc_id=session.doc_id, segment_id=row.segment.id, state=row.review.state, final=final,
                        qa_lines=qa_lines, risk_words=risk_words, confirm=session.pending)


def _list_row(row: pipeline.SegmentView, *, current: bool) -> ListRow:
    risk = pipeline.segment_risk(row)
    # The same levels as the final's risk in words (workbench.qa.final).
    risk_word = "" if risk is None else ("high" if risk.score >= HIGH_RISK else "medium" if risk.score >= LOW_RISK
                                         else "low")
    return ListRow(row.segment.id, row.segment.position + 1, row.review.state, STATE_WORDS[row.review.state],
                   risk_word, _cut(row.segment.text), _cut(row.review.text if row.review.revision else ""),
                   current)


def _offer_line(resources: pipeline.Resources, offer, old: str, new: str) -> str:
    """``#5: …context old → new context… (2×)``: where a term change would land, not the whole sentence."""
    first = offer.occurrences[0] if offer.occurrences else None
    start, end = (first.start, first.end) if first else (0, 0)
    before = offer.text[max(0, start - SNIPPET_CHARS):start]
    after = offer.text[end:end + SNIPPET_CHARS]
    position = pipeline.open_segment(resources.store, int(offer.segment_id)).segment.position + 1
    return (f"#{position}: …{before}[{old} → {new}]{after}… "
            f"({len(offer.occurrences)}×)")


def _terms(resources: pipeline.Resources, english: str) -> tuple:
    return tuple(pipeline.segment_terms(resources, english))


def _final_qa(resources: pipeline.Resources, row: pipeline.SegmentView, final: str):
    """:func:`pipeline.final_qa` of ``final`` for ``row`` (the model's confidence counts only for the untouched MT)."""
    untouched = row.mt is not None and final == row.mt.text
    return pipeline.final_qa(resources, row.segment.text, final, official=row.official.text if row.official else None,
                             confidence=row.mt.score if untouched else None)


def _qa(resources: pipeline.Resources, row: pipeline.SegmentView, final: str) -> tuple[tuple[str, ...], str]:
    """QA lines and risk in words for the text in the editor."""
    if not final.strip():
        return (), "nothing to check yet"
    qa = _final_qa(resources, row, final)
    return tuple(flag_line(f) for f in qa.flags), qa.risk_words


def flag_line(flag: object) -> str:
    """A QA flag (a stored dict or a ``QAFlag``) as ``check: message``."""
    if isinstance(flag, dict):
        return ": ".join(str(flag[k]) for k in ("check", "message") if k in flag)
    check, message = getattr(flag, "check", None), getattr(flag, "message", None)
    return f"{check}: {message}" if check else str(flag)


def _forced_terms(row: pipeline.SegmentView) -> tuple[tuple[str, str], ...]:
    """The official terms the decoder had to be made to put in (those the model wrote itself need no note)."""
    return tuple((zh, how) for zh, how in row.enforced_terms if how != "decoded")


def _confidence(row: pipeline.SegmentView) -> tuple[str, str]:
    if row.mt is None:
        return "no machine translation", ""
    origin = f"{row.mt.origin}: {row.mt.model or 'unknown model'}"
    confidence = pipeline.mt_confidence(row.mt)
    return f"Machine translation ({origin}) · confidence {confidence.word} ({confidence.percent}%)", confidence.tooltip


def _suggestions(row: pipeline.SegmentView, matches: Sequence, terms: Sequence,
                 resources: pipeline.Resources) -> tuple[Suggestion, ...]:
    """Numbered suggestions: each distinct official sentence (with the clause it covers), memory, terms, MT."""
    found: list[Suggestion] = []
    # Clause by clause in the order of the English, then wording for the whole sentence; each text once.
    spans = {link.id: Evidence.from_dict(link.evidence).span for link in row.links}
    seen: set[str] = set()
    for link in sorted(row.links, key=lambda link: (spans[link.id] is None, (spans[link.id] or (0, 0))[0])):
        if link.text in seen:
            continue
        seen.add(link.text)
        span = spans[link.id]
        covers = f"for “{row.segment.text[span[0]:span[1]]}”" if span else "for the whole sentence"
        words, url, newer = _document_words(link, resources)
        found.append(Suggestion(0, "official", link.text, f"official · {words}", f"{covers} · score {link.score:.2f}",
                                span, url, evidence_words(link.evidence), newer))
    for match in matches:
        differing = ", ".join(s.text for s in match.memory_changed)
        detail = "exact match" if match.exact else (f"differs in: {differing}" if differing else "")
        found.append(Suggestion(0, "memory", match.entry.zh, f"memory {match.similarity:.0f}%",
                                f"approved for: {match.entry.en}" + (f" · {detail}" if detail else "")))
    for term in terms:
        found.append(Suggestion(0, "term", term.zh, f"term · {term.en}",
                                f"{'official' if term.official else term.attestation.lower()} · {term.source}",
                                (term.start, term.end)))
    if row.mt is not None and row.mt.text.strip():
        found.append(Suggestion(0, "mt", row.mt.text, "machine translation"))
    return tuple(dataclasses.replace(s, number=i) for i, s in enumerate(found[:MAX_SUGGESTIONS], start=1))


def _document_words(link, resources: pipeline.Resources) -> tuple[str, str | None, bool]:
    """The official document's title and date, its first source URL, and whether a newer version exists."""
    corpus = resources.corpus
    if corpus is not None and link.official_doc_id and (link.official_doc_id, "zh") in corpus:
        doc = corpus.get(link.official_doc_id, "zh")
        newer = bool(link.official_doc_version) and corpus.has_newer_version(link.official_doc_id, "zh",
                                                                            link.official_doc_version)
        return f"{doc.title} · {doc.date} · {doc.issuer}", doc.source_urls[0] if doc.source_urls else None, newer
    return link.official_doc_id or "official corpus", None, False


def evidence_words(evidence: dict) -> str:
    """Why a link was made, in one line: matched terms and numbers, shared wording, the signals, other fields."""
    rest = {k: v for k, v in (evidence or {}).items() if k != "span"}
    if not rest:
        return "no evidence recorded"
    parts = []
    terms = rest.pop("terms", None) or []
    if terms:
        parts.append("terms " + ", ".join(f"{t.get('en')} = {t.get('zh')}" if isinstance(t, dict) else str(t)
                                          for t in terms))
    for key, label in (("numbers", "numbers"), ("ngrams", "shared wording")):
        values = rest.pop(key, None) or []
        if values:
            parts.append(f"{label} " + ", ".join(str(v) for v in values))
    signals = rest.pop("signals", None) or {}
    if signals:
        parts.append("signals " + ", ".join(f"{k} {v:.2f}" if isinstance(v, int | float) else f"{k} {v}"
                                            for k, v in signals.items()))
    parts.extend(f"{k} {v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)}" for k, v in rest.items())
    summary = "; ".join(parts) or "no evidence recorded"
    return summary if len(summary) <= EVIDENCE_CHARS else summary[:EVIDENCE_CHARS - 1] + "…"


def _comments(resources: pipeline.Resources, segment_id: int) -> tuple:
    return tuple(pipeline.comments(resources.store, segment_id))


def _history_label(revision) -> str:
    reason = f" · {revision.reason}" if revision.reason else ""
    category = getattr(revision, "category", None)
    return (f"r{revision.number} · {revision.state} · {revision.reviewer} · {revision.action}"
            f"{f' · {category}' if category else ''} · {revision.created_at[:16].replace('T', ' ')}{reason}")


def _preview(resources: pipeline.Resources, segment_id: int, number: int):
    """The picked revision, or None when the segment has no such revision (the list was stale)."""
    try:
        return pipeline.revision_preview(resources.store, segment_id, number)
    except InputError:
        return None


def _cut(value: str, limit: int = LIST_CELL_CHARS) -> str:
    return value if len(value) <= limit else value[:limit - 1] + "…"


# --- opening and moving -----------------------------------------------------------------------------

def open_document(resources: pipeline.Resources, session: ReviewSession, doc_id: str,
                  segment_id: int | None = None) -> ReviewSession:
    """``session`` showing ``doc_id`` (through its filter and order), at ``segment_id`` when it is shown."""
    memory = session.memory if session.doc_id == doc_id else None
    if memory is None:
        memory = pipeline.load_memory(resources.store)
    view = pipeline.open_document(resources.store, doc_id)
    rows = pipeline.order_rows(pipeline.filter_rows(view.rows, session.filter), session.order)
    ids = [r.segment.id for r in rows]
    index = ids.index(segment_id) if segment_id in ids else 0
    return dataclasses.replace(session, doc_id=doc_id, segment_ids=ids, index=index, pending=(), offers=(),
                               memory=memory)


def process_article(resources: pipeline.Resources, session: ReviewSession, actor, article: object, *,
                    progress: pipeline.ProgressFn | None = None,
                    should_stop: Callable[[], bool] | None = None) -> Outcome:
    """Segment, translate, align and store ``article`` as ``actor``, then open it; an article already stored is reopened."""
    try:
        actor.require("process")
        resources.refresh_corpus()
        result = pipeline.process_article(article, store=resources.store, translator=resources.translator,
                                          corpus=resources.corpus, progress=progress,
                                          termbase=resources.termbase(), should_stop=should_stop,
                                          max_segments=resources.settings.max_segments,
                                          max_segment_chars=resources.settings.max_segment_chars,
                                          actor=actor.name or "anonymous")
    except JobCancelledError as err:
        return Outcome(session, review_screen(resources, session, message=str(err), kind="warn"))
    except WorkbenchError as err:
        return Outcome(session, review_screen(resources, session, message=str(err), kind="error"))
    session = open_document(resources, dataclasses.replace(session, filter="all"), str(result))
    count = len(session.segment_ids)
    if result.reopened:
        note = f"This article was already here: opened it, with its reviews ({count} segments)."
    else:
        note = f"{count} segment{'' if count == 1 else 's'} ready for review."
    return Outcome(session, review_screen(resources, session, message=note))


def set_view(resources: pipeline.Resources, session: ReviewSession, kind: str, order: str) -> ReviewSession:
    """Show only the segments matching ``kind``, in ``order``; the editor stays on its segment when shown."""
    session = dataclasses.replace(session, filter=kind, order=order)
    if session.doc_id is None:
        return session
    return open_document(resources, session, session.doc_id, session.segment_id)


def move(resources: pipeline.Resources, session: ReviewSession, where: str) -> ReviewSession:
    """Go to the next or previous segment, or (``pending``) the next one not reviewed or with QA flags."""
    if where not in MOVES:
        raise InputError(f"unknown move {where!r}; use one of {', '.join(MOVES)}")
    if not session.segment_ids:
        return session
    last = len(session.segment_ids) - 1
    if where == "next":
        return _at(session, min(session.index + 1, last))
    if where == "previous":
        return _at(session, max(session.index - 1, 0))
    view = pipeline.open_document(resources.store, session.doc_id)
    by_id = {row.segment.id: row for row in view.rows}
    order = session.segment_ids[session.index + 1:] + session.segment_ids[:session.index]
    for segment_id in order:
        row = by_id[segment_id]
        if row.review.state == "new" or (row.review.state != "approved" and row.flags):
            return _at(session, session.segment_ids.index(segment_id))
    return session


def jump(session: ReviewSession, segment_id: int) -> ReviewSession:
    """Go to ``segment_id`` (a row clicked in the list); a segment not shown leaves the session as it is."""
    if segment_id in session.segment_ids:
        return _at(session, session.segment_ids.index(segment_id))
    return session


def _at(session: ReviewSession, index: int) -> ReviewSession:
    return dataclasses.replace(session, index=index, pending=(), offers=())


# --- reviewer actions -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """What an action leaves: the next session and the screen to show."""

    session: ReviewSession
    screen: ReviewScreen


def act(resources: pipeline.Resources, session: ReviewSession, actor, action: str, final: str, *,
        revision: int | None = None, reason: str = "", category: str = "", citation: dict | None = None,
        text: str | None = None, then_next: bool = False) -> Outcome:
    """Apply one review action to the segment in the editor as ``actor`` (a :class:`workbench.users.Actor`).

    Approving a final with QA errors, or the untouched MT with flags, first asks for a
    confirmation that names the problems; the next approval of the same text with the same
    problems goes through and stores them with the revision.
    """
    if session.segment_id is None:
        return Outcome(session, review_screen(resources, session, message="Open a document first.", kind="warn"))
    if text is None and action in ("edit", "approve", "reject"):
        text = final
    try:
        actor.require(action)
        extra: dict = {"reason": reason if action == "reject" else None}
        if action == "approve":
            problems = _approval_problems(resources, session.segment_id, final)
            if problems and problems != session.pending:
                session = dataclasses.replace(session, pending=problems)
                return Outcome(session, review_screen(
                    resources, session, final=final, kind="warn",
                    message=f"Approve anyway? {len(problems)} problem(s) are listed under the editor; "
                            "press approve again to confirm."))
            extra["confirmed"] = problems
        if action == "reject":
            extra["category"] = category or None
        before = pipeline.open_segment(resources.store, session.segment_id)
        review = pipeline.save_review(resources.store, session.segment_id, action=action, reviewer=actor.name,
                                      base_revision=session.base_revision, text=text, revision=revision,
                                      citation=citation, **extra)
    except ConflictError as err:
        # The editor is now based on their revision, so saving again is a deliberate choice.
        note = (f"{err}. Your text is still in the editor: save again to replace theirs "
                "(theirs stays in the history).")
        return Outcome(session, review_screen(resources, session, final=final, message=note, kind="error"))
    except InputError as err:
        return Outcome(session, review_screen(resources, session, final=final, message=str(err), kind="warn"))
    except WorkbenchError as err:
        return Outcome(session, review_screen(resources, session, final=final, message=str(err), kind="error"))
    session = dataclasses.replace(session, pending=(), offers=())
    if review.state == "approved":
        pipeline.remember_approval(session.memory, before, review.text)
    note = f"Saved revision {review.revision} ({review.state})."
    if action in ("edit", "approve"):  # the reviewer's own wording, not a revert or an insert
        session = _offer_propagation(resources, session, before, review.text)
    if session.offers:
        old, new = session.offer_words
        note += f" {old} → {new} also appears in {len(session.offers)} other segment(s): apply it there below."
    if then_next and session.index + 1 < len(session.segment_ids):
        session = dataclasses.replace(session, index=session.index + 1)
    return Outcome(session, review_screen(resources, session, message=note))


def _approval_problems(resources: pipeline.Resources, segment_id: int, final: str) -> tuple[str, ...]:
    row = pipeline.open_segment(resources.store, segment_id)
    return tuple(pipeline.approval_problems(row, final, _final_qa(resources, row, final)))


def _offer_propagation(resources: pipeline.Resources, session: ReviewSession, before: pipeline.SegmentView,
                       after: str) -> ReviewSession:
    """Offer a one-term correction (受控物品 → 管制物项) to the other segments of the document that use it."""
    earlier = pipeline.current_text(before)
    change = correction_from_edit(earlier, after) if earlier and after else None
    if change is None or len(change[0].strip()) < MIN_TERM_CHARS or not change[1].strip():
        return session
    return propose_term_change(resources, session, *change)


def propose_term_change(resources: pipeline.Resources, session: ReviewSession, old: str, new: str) -> ReviewSession:
    """``session`` holding the offers to replace ``old`` with ``new`` in the document's other segments."""
    offers = pipeline.term_offers(resources.store, session.doc_id, old, new, exclude=session.segment_id)
    return dataclasses.replace(session, offers=tuple(offers), offer_words=(old, new))


def find_offers(resources: pipeline.Resources, session: ReviewSession, old: str, new: str, final: str) -> Outcome:
    """Offer ``old`` → ``new`` (typed by the reviewer) to the document's other segments that use ``old``."""
    try:
        session = propose_term_change(resources, session, old.strip(), new.strip())
    except WorkbenchError as err:
        return Outcome(session, review_screen(resources, session, final=final, message=str(err), kind="warn"))
    return Outcome(session, review_screen(resources, session, final=final,
                                          message=f"{len(session.offers)} other segment(s) use {old.strip()}."))


def apply_offers(resources: pipeline.Resources, session: ReviewSession, actor) -> Outcome:
    """Apply the pending term change to every offered segment, each as a new revision."""
    if not session.offers:
        return Outcome(session, review_screen(resources, session, message="No term change to apply.", kind="warn"))
    try:
        actor.require("edit")
        saved = pipeline.apply_term_offers(resources.store, session.offers, reviewer=actor.name)
    except WorkbenchError as err:
        return Outcome(session, review_screen(resources, session, message=str(err), kind="error"))
    old, new = session.offer_words
    session = dataclasses.replace(session, offers=())
    return Outcome(session, review_screen(resources, session,
                                          message=f"Applied {old} → {new} in {len(saved)} segment(s)."))


def add_term(resources: pipeline.Resources, session: ReviewSession, actor, en: str, zh: str, final: str) -> Outcome:
    """Add a user term (who and when recorded) and offer it to the document's segments whose MT renders it otherwise."""
    en, zh = en.strip(), zh.strip()
    if not en or not zh:
        return Outcome(session, review_screen(resources, session, final=final, kind="warn",
                                              message="Select the English term and type (or select) its Chinese first."))
    try:
        actor.require("terms")
        pipeline.add_term(resources.store, en=en, zh=zh, added_by=actor.name or "anonymous")
    except WorkbenchError as err:
        return Outcome(session, review_screen(resources, session, final=final, message=str(err), kind="error"))
    return Outcome(session, review_screen(resources, session, final=final,
                                          message=f"Added the term {en} = {zh} (user term, not official)."))


def comment(resources: pipeline.Resources, session: ReviewSession, actor, text: str, final: str) -> Outcome:
    """Add a comment to the segment's thread."""
    if session.segment_id is None:
        return Outcome(session, review_screen(resources, session, final=final, kind="warn",
                                              message="Open a document first."))
    try:
        pipeline.add_comment(resources.store, session.segment_id, author=actor.name or "anonymous", text=text)
    except WorkbenchError as err:
        return Outcome(session, review_screen(resources, session, final=final, message=str(err), kind="warn"))
    return Outcome(session, review_screen(resources, session, final=final, message="Comment added."))


def find(resources: pipeline.Resources, session: ReviewSession, needle: str, final: str, *,
         regex: bool = False) -> Outcome:
    """Every final of the document holding ``needle``, as rows to review before replacing."""
    if session.doc_id is None or not needle:
        return Outcome(session, review_screen(resources, session, final=final, kind="warn",
                                              message="Open a document and type what to find."))
    try:
        hits = pipeline.find_in_document(resources.store, session.doc_id, needle, regex=regex)
    except WorkbenchError as err:
        return Outcome(session, review_screen(resources, session, final=final, message=str(err), kind="warn"))
    found = tuple(hits)
    return Outcome(session, review_screen(resources, session, final=final, found=found,
                                          message=f"Found in {len(found)} segment(s)."))


def replace(resources: pipeline.Resources, session: ReviewSession, actor, needle: str, replacement: str, *,
            regex: bool = False) -> Outcome:
    """Replace ``needle`` in every final of the document, each changed segment a new revision."""
    if session.doc_id is None or not needle:
        return Outcome(session, review_screen(resources, session, kind="warn",
                                              message="Open a document and type what to find."))
    try:
        actor.require("edit")
        saved = pipeline.replace_in_document(resources.store, session.doc_id, needle, replacement,
                                    reviewer=actor.name or "anonymous", regex=regex)
    except WorkbenchError as err:
        return Outcome(session, review_screen(resources, session, message=str(err), kind="warn"))
    return Outcome(session, review_screen(resources, session,
                                          message=f"Replaced in {len(saved)} segment(s), each a new revision."))



@dataclass(frozen=True)
class Download:
    """A file made for the browser to download, or why there is none."""

    path: str | None
    message: str
    kind: str = "ok"


def deliverable(resources: pipeline.Resources, session: ReviewSession, actor, fmt: str) -> Download:
    """The translated article as ``fmt`` (txt, docx or bilingual), named after its date and title; the export is audited."""
    if session.doc_id is None:
        return Download(None, "Open a document first.", "warn")
    try:
        actor.require("export")
        path = pipeline.export_deliverable(resources.store, session.doc_id, fmt, output_dir=resources.settings.output_dir)
        pipeline.record_event(resources.store, actor.name or "anonymous", "export", session.doc_id,
                              {"format": fmt, "file": path.name})
    except WorkbenchError as err:
        return Download(None, str(err), "warn")
    return Download(str(path), f"{path.name} is ready to download.")
