"""The review workbench as a Gradio Blocks app: a thin shell over :mod:`workbench.pipeline`.

Layout first, then handlers. The start tab takes an article (pasted or uploaded); the review
tab shows a page of the segment grid and an editor for one segment at a time. Per-session
state is a :class:`ReviewSession` in ``gr.State``; the reviewer's name and the open document
also live in the browser (``gr.BrowserState``), so a reload comes back to the same place.

Who does something is decided by the server, never by the client: every handler is wired
through :meth:`_Handlers.event`, which checks the API parameters against the handler's types
and, for a handler whose first parameter is ``actor``, passes the request's
:class:`~workbench.users.Actor` (the login; without logins, the name typed in the reviewer
box of this browser session). No handler takes a reviewer name from its inputs.
"""

from __future__ import annotations

import dataclasses
import inspect
import threading
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from workbench import pipeline
from workbench.errors import ConflictError, InputError, JobCancelledError, WorkbenchError
from workbench.ui import render
from workbench.ui.search_panel import build_search_panel
from workbench.users import Actor, Directory

PAGE_SIZE = 50
GRID_HEADERS = ["#", "state", "English", "MT", "official Chinese", "final Chinese"]
GRID_CELL_CHARS = 160  # long sentences are cut in the grid; the editor shows them whole
IMPORT_SUFFIXES = (".jsonl", ".json")
STAGE_LABELS = {"segment": "Segmenting", "translate": "Translating", "align": "Finding official wording",
                "store": "Saving"}


@dataclass
class ReviewSession:
    """What one browser tab is looking at."""

    doc_id: str | None = None
    filter: str = "all"
    order: str = "document"
    segment_ids: list[int] = field(default_factory=list)  # visible segments, in order, after the filter
    index: int = 0
    base_revision: int = 0  # the revision the editor was loaded from

    @property
    def segment_id(self) -> int | None:
        """The segment in the editor, if any."""
        return self.segment_ids[self.index] if self.segment_ids else None


def build_app(resources: pipeline.Resources, *, directory: Directory | None = None) -> gr.Blocks:
    """The review workbench UI over ``resources``; with ``directory``, every request acts as its login."""
    auth_enabled = directory is not None
    handlers = _Handlers(resources, directory)
    event = handlers.event
    with gr.Blocks(title="Translation review workbench") as app:
        session = gr.State(ReviewSession())
        # Two browser-side memories: where this browser was (written by every view change) and the
        # reviewer's name (written only when it is typed, so a concurrent event cannot erase it).
        remembered = gr.BrowserState({"doc_id": None, "segment_id": None}, storage_key="workbench-review")
        remembered_name = gr.BrowserState("", storage_key="workbench-reviewer")
        with gr.Row(equal_height=True):
            gr.HTML("<h2 style='margin:0'>English → Chinese review workbench</h2>")
            reviewer = gr.Textbox(label="Reviewer", placeholder="your name (recorded with every save)",
                                  elem_id="reviewer", max_lines=1, interactive=not auth_enabled, scale=0,
                                  min_width=220)
        gr.HTML(_offline_banner(resources.translator_notice), visible=resources.translator is None,
                elem_id="offline-banner")
        status = gr.HTML(elem_id="status")

        with gr.Tabs(selected="start") as tabs:
            with gr.Tab("Start", id="start"), gr.Row():
                with gr.Column(scale=3):
                    source = gr.Textbox(label="Paste an English article", lines=12, elem_id="source-text",
                                        placeholder="Paste plain text, Markdown or HTML…")
                    upload = gr.File(label="…or upload a .txt, .md or .html file", type="filepath",
                                     file_types=sorted(pipeline.UPLOAD_SUFFIXES), elem_id="upload")
                    with gr.Row():
                        process = gr.Button("Translate and align", variant="primary", elem_id="process")
                        cancel_process = gr.Button("Cancel", elem_id="cancel-process", variant="stop",
                                                   min_width=80, scale=0)
                with gr.Column(scale=2):
                    store_info = gr.HTML(elem_id="store-info")
                    documents = gr.Dropdown(label="Documents in the store", choices=[], elem_id="documents")
                    open_button = gr.Button("Open document", elem_id="open-document")

            with gr.Tab("Review", id="review"):
                progress_html = gr.HTML(elem_id="doc-progress")
                with gr.Row():
                    filter_choice = gr.Radio(
                        [("all", "all"), ("not yet reviewed", "unreviewed"), ("has official wording", "official"),
                         ("has QA flags", "flagged")], value="all", label="Show", elem_id="filter", scale=3)
                    order_choice = gr.Radio([("document order", "document"), ("riskiest first", "risk")],
                                            value="document", label="Order", elem_id="order", scale=2)
                    page_prev = gr.Button("◀ page", elem_id="page-prev", size="sm", scale=0, min_width=80)
                    page_info = gr.HTML(elem_id="page-info")
                    page_next = gr.Button("page ▶", elem_id="page-next", size="sm", scale=0, min_width=80)
                grid = gr.Dataframe(headers=GRID_HEADERS, datatype="str", interactive=False, wrap=True,
                                    max_height=360, column_widths=["4%", "9%", "27%", "20%", "20%", "20%"],
                                    elem_id="segment-grid")
                segment_header = gr.HTML(elem_id="segment-header")
                with gr.Row():
                    with gr.Column(scale=1):
                        english = gr.Textbox(label="English", interactive=False, lines=3, elem_id="english")
                        mt = gr.Textbox(label="Machine translation", interactive=False, lines=3, elem_id="mt")
                        flags = gr.HTML(elem_id="qa-flags")
                    with gr.Column(scale=1):
                        official = gr.HTML(label="Official Chinese", elem_id="official")
                        memory = gr.HTML(elem_id="memory")
                        final = gr.Textbox(label="Final Chinese (editable)", lines=3, elem_id="final")
                        diff = gr.HTML(elem_id="diff")
                with gr.Row():
                    prev_button = gr.Button("◀ previous", elem_id="prev", min_width=100)
                    accept_mt = gr.Button("Accept MT", elem_id="accept-mt", min_width=100)
                    use_official = gr.Button("Use official wording", elem_id="use-official", min_width=100)
                    save = gr.Button("Save edit", elem_id="save", min_width=100)
                    reject = gr.Button("Reject", elem_id="reject", variant="stop", min_width=100)
                    approve_next = gr.Button("Approve and next", elem_id="approve-next", variant="primary",
                                             min_width=140)
                    next_button = gr.Button("next ▶", elem_id="next", min_width=100)
                reject_reason = gr.Textbox(label="Reason for rejecting (kept in the audit trail)", max_lines=1,
                                           elem_id="reject-reason")
                gr.HTML('<div class="wb-keys">Keys: Ctrl+Enter approve and next · Alt+Down next · Alt+Up previous</div>')
                with gr.Row():
                    revisions = gr.Dropdown(label="History", choices=[], elem_id="revisions", scale=3)
                    revert = gr.Button("Revert to this revision", elem_id="revert", scale=1)
                with gr.Accordion("Search the official corpus and insert a sentence with its citation", open=False):
                    search_panel = build_search_panel(resources.current_search_index)
                with gr.Accordion("Download the reviewed segments", open=False), gr.Row():
                    download_format = gr.Radio(list(pipeline.DOWNLOAD_FORMATS), value="jsonl", label="Format",
                                               elem_id="download-format")
                    approved_only = gr.Checkbox(value=True, label="approved segments only", elem_id="approved-only")
                    download_button = gr.Button("Export", elem_id="export")
                    download_file = gr.File(label="Exported file", interactive=False, elem_id="download-file")
                with gr.Accordion("Import translations (batch JSONL: id, source, translation, model, backend, score)",
                                  open=False):
                    import_file = gr.File(label="JSONL file", type="filepath", file_types=list(IMPORT_SUFFIXES),
                                          elem_id="import-file")
                    import_button = gr.Button("Import", elem_id="import")
                with gr.Accordion("Audit trail: who did what, when (read-only)", open=False):
                    with gr.Row():
                        audit_button = gr.Button("Show the audit trail", elem_id="audit-show")
                        audit_csv_button = gr.Button("Download as CSV", elem_id="audit-csv")
                    audit_table = gr.Dataframe(headers=list(pipeline.AUDIT_COLUMNS), datatype="str",
                                               interactive=False, wrap=True, max_height=360, elem_id="audit-table")
                    audit_file = gr.File(label="Audit trail (CSV)", interactive=False, elem_id="audit-file")

        handlers.screen = _Screen(session, remembered, progress_html, page_info, grid, segment_header, english, mt,
                                  flags, official, memory, final, diff, revisions, status, reviewer, documents, store_info,
                                  tabs)
        screen = handlers.screen.review_outputs()

        app.load(event(handlers.on_load), inputs=[remembered],
                 outputs=[reviewer, documents, store_info, tabs, *screen]).then(
            event(handlers.restore_reviewer), inputs=[remembered_name], outputs=[reviewer])
        # One article at a time, so reviewers' saves keep their own workers; its owner can cancel it.
        processing = process.click(event(handlers.process), inputs=[source, upload, session, remembered],
                                   outputs=[documents, store_info, tabs, *screen], concurrency_limit=1,
                                   concurrency_id="process")
        cancel_process.click(event(handlers.cancel_processing), outputs=[status], cancels=[processing],
                             concurrency_limit=None)
        open_button.click(event(handlers.open), inputs=[documents, session, remembered], outputs=[tabs, *screen])
        filter_choice.change(event(handlers.set_view), inputs=[filter_choice, order_choice, session, remembered],
                             outputs=screen)
        order_choice.change(event(handlers.set_view), inputs=[filter_choice, order_choice, session, remembered],
                            outputs=screen)
        grid.select(event(handlers.select_row), inputs=[session, remembered], outputs=screen)
        for button, step in ((prev_button, -1), (next_button, 1), (page_prev, -PAGE_SIZE), (page_next, PAGE_SIZE)):
            button.click(event(handlers.mover(step)), inputs=[session, remembered], outputs=screen)
        for button, action, then_next in ((accept_mt, "accept_mt", False), (use_official, "use_official", False),
                                         (save, "edit", False), (reject, "reject", False),
                                         (approve_next, "approve", True), (revert, "revert", False)):
            button.click(event(handlers.reviewer_action(action, then_next)),
                         inputs=[final, revisions, reject_reason, session, remembered], outputs=screen)
        final.input(event(handlers.live_diff), inputs=[final, session], outputs=[diff])
        reviewer.change(event(handlers.remember_reviewer), inputs=[reviewer], outputs=[remembered_name],
                        concurrency_limit=None)
        search_panel.insert_button.click(event(handlers.insert_official),
                                         inputs=[search_panel.selected, final, session, remembered], outputs=screen)
        download_button.click(event(handlers.export), inputs=[download_format, approved_only, session],
                              outputs=[download_file, status])
        import_button.click(event(handlers.import_jsonl), inputs=[import_file, session, remembered], outputs=screen)
        audit_button.click(event(handlers.audit_table), inputs=[session], outputs=[audit_table, status])
        audit_csv_button.click(event(handlers.audit_csv), inputs=[session], outputs=[audit_file, status])
    return app


def _offline_banner(reason: str | None) -> str:
    return ('<div class="wb-banner"><b>Machine translation is unavailable.</b> '
            f"{render.text(reason or '')} You can still review: use the official wording, import translations "
            "from a JSONL file, or type the Chinese yourself.</div>")


@dataclass(frozen=True)
class _Screen:
    """The components handlers update, by name."""

    session: gr.State
    remembered: gr.BrowserState
    progress: gr.HTML
    page: gr.HTML
    grid: gr.Dataframe
    header: gr.HTML
    english: gr.Textbox
    mt: gr.Textbox
    flags: gr.HTML
    official: gr.HTML
    memory: gr.HTML
    final: gr.Textbox
    diff: gr.HTML
    revisions: gr.Dropdown
    status: gr.HTML
    reviewer: gr.Textbox
    documents: gr.Dropdown
    store_info: gr.HTML
    tabs: gr.Tabs

    def review_outputs(self) -> list:
        """The components every review handler may update."""
        return [self.session, self.remembered, self.progress, self.page, self.grid, self.header, self.english,
                self.mt, self.flags, self.official, self.memory, self.final, self.diff, self.revisions, self.status]


class _Handlers:
    """Event handlers; each returns ``{component: update}`` for the review screen."""

    def __init__(self, resources: pipeline.Resources, directory: Directory | None = None):
        self.res = resources
        self.directory = directory
        self.screen: _Screen | None = None  # set once the layout exists
        self.memory = None  # the translation memory, rebuilt whenever a document is opened
        self._typed_names: dict[str, str] = {}  # browser session → typed reviewer name (no logins only)
        self._stops: dict[str, threading.Event] = {}  # browser session → its running job's stop flag
        self._lock = threading.Lock()

    # --- identity and parameters, decided here for every handler --------------------------------------

    def actor_for(self, request: gr.Request | None) -> Actor:
        """Who ``request`` acts for: its login (with the role it has now), or the typed name without logins."""
        username = getattr(request, "username", None)
        if self.directory is not None:
            actor = self.directory.actor(username) if username else None
            if actor is None:
                raise gr.Error("you are not logged in (or your user was removed); log in again")
            return actor
        if username:  # a login the server itself established (not a client's claim)
            return Actor(username)
        return Actor(self._typed_names.get(getattr(request, "session_hash", None) or "", ""))

    def event(self, handler: Callable) -> Callable:
        """``handler`` as Gradio calls it: parameters checked against its types, the actor injected.

        A handler whose first parameter is ``actor`` receives :meth:`actor_for` of the request;
        the Gradio-facing function takes a ``gr.Request`` in its place, so the actor can never
        come from the client's inputs.
        """
        signature = inspect.signature(handler)
        hints = typing.get_type_hints(handler)
        params = list(signature.parameters.values())
        wants_actor = bool(params) and params[0].name == "actor"
        inputs = params[1:] if wants_actor else params
        checked = [(i, p.name, hints.get(p.name)) for i, p in enumerate(inputs)
                   if p.default is inspect.Parameter.empty and hints.get(p.name) not in (gr.Request, gr.SelectData)]

        def call(*args, **kwargs):
            args = list(args)
            request = args.pop(0) if wants_actor else None
            for index, name, hint in checked:
                if index < len(args):
                    args[index] = _coerce(name, args[index], hint)
            if wants_actor:
                return handler(self.actor_for(request), *args, **kwargs)
            return handler(*args, **kwargs)

        special = {name: hint for name, hint in hints.items() if hint in (gr.Request, gr.SelectData)}
        if wants_actor:
            request_param = inspect.Parameter("actor_request", inspect.Parameter.POSITIONAL_OR_KEYWORD)
            call.__signature__ = signature.replace(parameters=[request_param, *inputs])
            call.__annotations__ = {"actor_request": gr.Request, **special}
        else:
            call.__signature__ = signature
            call.__annotations__ = special
        call.__name__ = call.__qualname__ = getattr(handler, "__name__", "handler")
        return call

    # --- rendering ------------------------------------------------------------------------------------

    def _render(self, session: ReviewSession, remembered: dict, note: str = "", kind: str = "ok",
                keep_final: str | None = None) -> dict:
        (session_c, remembered_c, progress_c, page_c, grid_c, header_c, english_c, mt_c, flags_c, official_c,
         memory_c, final_c, diff_c, revisions_c, status_c) = self.screen.review_outputs()
        remembered = {**(remembered or {}), "doc_id": session.doc_id, "segment_id": session.segment_id}
        out = {session_c: session, remembered_c: remembered, status_c: render.message(kind, note)}
        if session.doc_id is None:
            return out
        view = pipeline.open_document(self.res.store, session.doc_id)
        by_id = {row.segment.id: row for row in view.rows}
        visible = [by_id[i] for i in session.segment_ids]
        page = session.index // PAGE_SIZE
        rows = visible[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
        pages = max(1, -(-len(visible) // PAGE_SIZE))
        out.update({
            progress_c: render.progress_bar(view),
            page_c: f"<div>page {page + 1} of {pages} · {len(visible)} segment(s) shown</div>",
            grid_c: [[str(r.segment.position + 1), render.STATE_LABELS[r.review.state], _cut(r.segment.text),
                      _cut(r.mt.text if r.mt else ""), _cut(r.official.text if r.official else ""),
                      _cut(r.review.text)] for r in rows],
        })
        if not visible:
            out.update({header_c: "<div>No segment matches this filter.</div>", english_c: "", mt_c: "",
                        flags_c: "", official_c: "", memory_c: "", final_c: "", diff_c: "",
                        revisions_c: gr.Dropdown(choices=[], value=None)})
            return out
        row = visible[session.index]
        session.base_revision = row.review.revision
        matches = pipeline.memory_matches(self.memory, row)
        draft, origin = pipeline.suggested_draft(row, matches)
        final_text = draft if keep_final is None else keep_final
        mt_label = "Machine translation"
        if row.mt is not None:
            score = f", score {row.mt.score:.2f}" if row.mt.score is not None else ""
            mt_label = f"Machine translation ({row.mt.origin}: {row.mt.model or 'unknown model'}{score})"
        history = pipeline.revisions(self.res.store, row.segment.id)
        risk = pipeline.segment_risk(row)
        out.update({
            header_c: (f"<div><b>Segment {row.segment.position + 1} of {len(view.rows)}</b> "
                       f"({session.index + 1} of {len(visible)} shown) · {render.state_badge(row)}"
                       f"{render.risk_line(risk)}</div>"),
            english_c: row.segment.text,
            mt_c: gr.Textbox(value=row.mt.text if row.mt else "", label=mt_label),
            flags_c: render.flags_line(row),
            official_c: render.official_panel(row, self.res.corpus),
            memory_c: render.memory_panel(matches, origin),
            final_c: final_text,
            diff_c: render.diffs(row, final_text),
            revisions_c: gr.Dropdown(
                choices=[(f"r{h.number} · {h.state} · {h.reviewer} · {h.action} · {h.created_at[:19]} · "
                          f"{_cut(h.text, 40)}", h.number) for h in reversed(history)],
                value=history[-1].number if history else None),
        })
        return out

    def _open(self, doc_id: str, session: ReviewSession, segment_id: int | None = None) -> ReviewSession:
        self.memory = pipeline.load_memory(self.res.store)
        view = pipeline.open_document(self.res.store, doc_id)
        rows = pipeline.order_rows(pipeline.filter_rows(view.rows, session.filter), session.order)
        ids = [r.segment.id for r in rows]
        index = ids.index(segment_id) if segment_id in ids else 0
        return dataclasses.replace(session, doc_id=doc_id, segment_ids=ids, index=index)

    # --- events ---------------------------------------------------------------------------------------

    def on_load(self, remembered: dict, request: gr.Request) -> dict:
        """Fill in the reviewer and the document list; reopen the document this browser had open."""
        user = getattr(request, "username", None)
        # Without a login name, leave the box alone: restore_reviewer fills it, or the reviewer is typing.
        out = {self.screen.reviewer: user if user else gr.skip(), **self._documents_update()}
        session = ReviewSession()
        # A link with ?doc=ID opens that document; otherwise the one this browser had open.
        doc_id = request.query_params.get("doc") or remembered.get("doc_id")
        if doc_id and pipeline.has_document(self.res.store, doc_id):
            session = self._open(doc_id, session, remembered.get("segment_id"))
            out[self.screen.tabs] = gr.Tabs(selected="review")
        out.update(self._render(session, remembered))
        return out

    def process(self, actor: Actor, text: str, upload: str | None, session: ReviewSession, remembered: dict,
                request: gr.Request, progress=gr.Progress()) -> dict:  # noqa: B008 - Gradio injects the tracker
        """Segment, translate, align and store the pasted or uploaded article, then open it.

        It runs as this browser session's job: "Cancel" stops it between stages and batches,
        and nothing is stored.
        """
        def report(stage: str, done: int, total: int) -> None:
            progress((done, total), desc=STAGE_LABELS.get(stage, stage), unit="segments")

        stop = threading.Event()
        key = getattr(request, "session_hash", None) or ""
        with self._lock:
            self._stops[key] = stop
        try:
            actor.require("process")
            article = pipeline.read_upload(upload) if upload else text
            self.res.refresh_corpus()
            doc_id = pipeline.process_article(article, store=self.res.store, translator=self.res.translator,
                                              corpus=self.res.corpus, progress=report,
                                              termbase=self.res.termbase(), should_stop=stop.is_set,
                                              max_segments=self.res.settings.max_segments,
                                              max_segment_chars=self.res.settings.max_segment_chars,
                                              actor=actor.name or "anonymous")
        except JobCancelledError as err:
            return self._render(session, remembered, str(err), "warn")
        except WorkbenchError as err:
            return self._render(session, remembered, str(err), "error")
        finally:
            with self._lock:
                if self._stops.get(key) is stop:
                    del self._stops[key]
        session = self._open(doc_id, dataclasses.replace(session, filter="all"))
        count = len(session.segment_ids)
        note = f"{count} segment{'' if count == 1 else 's'} ready for review."
        return {**self._documents_update(doc_id), self.screen.tabs: gr.Tabs(selected="review"),
                **self._render(session, remembered, note)}

    def cancel_processing(self, request: gr.Request) -> str:
        """Stop this browser session's running article (only its own: the session is the owner)."""
        with self._lock:
            stop = self._stops.get(getattr(request, "session_hash", None) or "")
        if stop is None:
            return render.message("warn", "Nothing is being processed in this window.")
        stop.set()
        return render.message("warn", "Processing cancelled; nothing was stored.")

    def open(self, doc_id: str | None, session: ReviewSession, remembered: dict) -> dict:
        """Open the document chosen in the list."""
        if not doc_id:
            return self._render(session, remembered, "Choose a document from the list first.", "warn")
        try:
            session = self._open(doc_id, session)
        except WorkbenchError as err:
            return self._render(session, remembered, str(err), "error")
        return {self.screen.tabs: gr.Tabs(selected="review"), **self._render(session, remembered)}

    def set_view(self, kind: str, order: str, session: ReviewSession, remembered: dict) -> dict:
        """Show only the segments matching the filter, in the chosen order."""
        session = dataclasses.replace(session, filter=kind, order=order)
        if session.doc_id is None:
            return self._render(session, remembered)
        return self._render(self._open(session.doc_id, session, session.segment_id), remembered)

    def select_row(self, session: ReviewSession, remembered: dict, event: gr.SelectData) -> dict:
        """Load the clicked grid row into the editor."""
        page = session.index // PAGE_SIZE
        index = page * PAGE_SIZE + int(event.index[0])
        if 0 <= index < len(session.segment_ids):
            session = dataclasses.replace(session, index=index)
        return self._render(session, remembered)

    def mover(self, step: int):
        """A handler that moves ``step`` segments (a page when ``step`` is the page size)."""
        def move(session: ReviewSession, remembered: dict) -> dict:
            if session.segment_ids:
                target = min(max(session.index + step, 0), len(session.segment_ids) - 1)
                if abs(step) == PAGE_SIZE:
                    target = target // PAGE_SIZE * PAGE_SIZE
                session = dataclasses.replace(session, index=target)
            return self._render(session, remembered)
        return move

    def reviewer_action(self, action: str, then_next: bool):
        """A handler that applies a review action to the segment in the editor, as the request's actor."""
        def act(actor: Actor, final: str, revision: int | None, reason: str, session: ReviewSession,
                remembered: dict) -> dict:
            text = final if action in ("edit", "approve", "reject") else None
            return self._apply(actor, action, session, remembered, final, text=text, revision=revision,
                               reason=reason if action == "reject" else None, then_next=then_next)
        act.__name__ = action
        return act

    def insert_official(self, actor: Actor, selected: dict | None, final: str, session: ReviewSession,
                        remembered: dict) -> dict:
        """Save a sentence found by corpus search as the final Chinese, with its citation."""
        if not isinstance(selected, dict) or "text" not in selected:
            return self._render(session, remembered, "Pick a sentence from the search results first.", "warn")
        return self._apply(actor, "insert_official", session, remembered, final, text=str(selected["text"]),
                           citation=selected.get("citation"))

    def _apply(self, actor: Actor, action: str, session: ReviewSession, remembered: dict, final: str, *,
               text: str | None = None, revision: int | None = None, citation: dict | None = None,
               reason: str | None = None, then_next: bool = False) -> dict:
        if session.segment_id is None:
            return self._render(session, remembered, "Open a document first.", "warn")
        try:
            actor.require(action)
            review = pipeline.save_review(
                self.res.store, session.segment_id, action=action, reviewer=actor.name,
                base_revision=session.base_revision, text=text, revision=revision, citation=citation,
                reason=reason)
        except ConflictError as err:
            # Keep the reviewer's own text in the editor; the message shows the other version.
            # The editor is now based on their revision, so saving again is a deliberate choice.
            note = (f"{err}. Your text is still in the editor: save again to replace theirs "
                    "(theirs stays in the history).")
            return self._render(session, remembered, note, "error", keep_final=final)
        except InputError as err:
            return self._render(session, remembered, str(err), "warn", keep_final=final)
        except WorkbenchError as err:
            return self._render(session, remembered, str(err), "error", keep_final=final)
        note = f"Saved revision {review.revision} ({review.state})."
        if then_next and session.index + 1 < len(session.segment_ids):
            session = dataclasses.replace(session, index=session.index + 1)
        return self._render(session, remembered, note)

    def live_diff(self, final: str, session: ReviewSession) -> str:
        """Refresh the diffs while the reviewer types."""
        if session.segment_id is None:
            return ""
        return render.diffs(pipeline.open_segment(self.res.store, session.segment_id), final or "")

    def restore_reviewer(self, remembered_name: str, request: gr.Request):
        """The name this browser's reviewer typed last time (unless a login name rules)."""
        if getattr(request, "username", None) or not remembered_name:
            return gr.skip()
        return remembered_name

    def remember_reviewer(self, reviewer: str, request: gr.Request) -> str:
        """Keep the reviewer's name in this browser, and (without logins) as this session's actor."""
        if self.directory is None:
            with self._lock:
                self._typed_names[getattr(request, "session_hash", None) or ""] = reviewer.strip()
        return reviewer

    def export(self, actor: Actor, fmt: str, approved_only: bool, session: ReviewSession):
        """Export the open document's reviewed segments to a file the browser downloads."""
        if session.doc_id is None:
            return None, render.message("warn", "Open a document first.")
        try:
            actor.require("export")
            result = pipeline.export_document(self.res.store, session.doc_id, fmt,
                                              output_dir=self.res.settings.output_dir, approved_only=approved_only)
            pipeline.record_event(self.res.store, actor.name or "anonymous", "export", session.doc_id,
                                  {"format": fmt, "records": result.records, "approved_only": approved_only})
        except WorkbenchError as err:
            return None, render.message("warn", str(err))
        return str(result.path), render.message("ok", f"Exported {result.records} segment(s) as {fmt}.")

    def import_jsonl(self, actor: Actor, path: str | None, session: ReviewSession, remembered: dict) -> dict:
        """Attach batch translations from a JSONL file to the open document."""
        if session.doc_id is None or not path:
            return self._render(session, remembered, "Open a document and choose a JSONL file first.", "warn")
        file = Path(path)
        if file.suffix.lower() not in IMPORT_SUFFIXES or file.stat().st_size > pipeline.MAX_UPLOAD_BYTES:
            return self._render(session, remembered, f"{file.name}: upload a .jsonl file under "
                                f"{pipeline.MAX_UPLOAD_BYTES // 1_000_000} MB", "error")
        try:
            actor.require("import")
            lines = pipeline.decode_upload(file.read_bytes(), file.name).splitlines(keepends=True)
            imported, unmatched = pipeline.import_translations(self.res.store, session.doc_id, lines)
            pipeline.record_event(self.res.store, actor.name or "anonymous", "import translations",
                                  session.doc_id, {"file": file.name, "imported": imported, "unmatched": unmatched})
        except WorkbenchError as err:
            return self._render(session, remembered, str(err), "error")
        return self._render(session, remembered, f"Imported {imported} translation(s); {unmatched} line(s) "
                            "matched no sentence of this document.")

    def audit_table(self, session: ReviewSession):
        """The open document's audit trail as a table (read-only)."""
        if session.doc_id is None:
            return [], render.message("warn", "Open a document first.")
        try:
            rows = pipeline.audit_rows(pipeline.audit_trail(self.res.store, session.doc_id))
        except WorkbenchError as err:
            return [], render.message("warn", str(err))
        return rows, render.message("ok", f"{len(rows)} line(s) in the audit trail of this document.")

    def audit_csv(self, session: ReviewSession):
        """The open document's audit trail as a CSV file to download."""
        if session.doc_id is None:
            return None, render.message("warn", "Open a document first.")
        try:
            path = pipeline.audit_csv(self.res.store, session.doc_id, output_dir=self.res.settings.output_dir)
        except WorkbenchError as err:
            return None, render.message("warn", str(err))
        return str(path), render.message("ok", "The audit trail is ready to download.")

    # --- helpers --------------------------------------------------------------------------------------

    def _documents_update(self, selected: str | None = None) -> dict:
        listed = pipeline.list_documents(self.res.store)
        choices = [(f"{d.title} · {d.approved}/{d.segments} approved · {d.imported_at[:10]}", d.id) for d in listed]
        info = f"<div>{len(listed)} document(s) in the store; choose one to reopen it.</div>"
        return {self.screen.documents: gr.Dropdown(choices=choices, value=selected), self.screen.store_info: info}


_TYPE_WORDS = {str: "text", int: "a whole number", dict: "an object", bool: "true or false"}


def _coerce(name: str, value: object, hint: object) -> object:
    """``value`` as the handler's parameter ``name`` of type ``hint`` expects, else a one-line error."""
    union = typing.get_origin(hint) in (typing.Union, types.UnionType)
    options = typing.get_args(hint) if union else (hint,)
    kinds = [option for option in options if option in _TYPE_WORDS]
    if not kinds:
        return value
    if isinstance(value, tuple(kinds)) and not (isinstance(value, bool) and bool not in kinds):
        return value
    if value is None:
        if type(None) in options:
            return None
        if kinds[0] in (str, dict):
            return kinds[0]()
    if int in kinds and isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise gr.Error(f"parameter '{name}' must be {_TYPE_WORDS[kinds[0]]}, not {type(value).__name__}; "
                   "send it as the API page describes")


def _cut(value: str, limit: int = GRID_CELL_CHARS) -> str:
    return value if len(value) <= limit else value[:limit - 1] + "…"
