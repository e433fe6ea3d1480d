"""The review workbench as a Gradio Blocks app: a thin shell over :mod:`workbench.pipeline`.

Layout first, then handlers. The start tab takes an article (pasted or uploaded); the review
tab is one screen — a compact segment list beside the current segment's English, MT,
numbered suggestions, the final editor, its live QA and the approve button — with the
glossary, history, comments and find-and-replace below it; the reading tab shows the whole
article in Chinese and downloads it. What the screen shows is a
:class:`~workbench.ui.screen.ReviewScreen` built by :mod:`workbench.ui.screen`; the handlers
here only turn it into component updates. Per-session state is a :class:`ReviewSession` in
``gr.State`` (with its own translation memory); the reviewer's name and the open document
also live in the browser (``gr.BrowserState``), so a reload comes back to the same place.

Who does something is decided by the server, never by the client: every handler is wired
through :meth:`_Handlers.event`, which checks the API parameters against the handler's types
and, for a handler whose first parameter is ``actor``, passes the request's
:class:`~workbench.users.Actor` (the login; without logins, the name typed in the reviewer
box of this browser session). No handler takes a reviewer name from its inputs.
"""

from __future__ import annotations

import inspect
import threading
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from workbench import pipeline
from workbench.errors import WorkbenchError
from workbench.ui import render, screen
from workbench.ui.screen import ReviewScreen, ReviewSession
from workbench.ui.search_panel import build_search_panel
from workbench.users import Actor, Directory

IMPORT_SUFFIXES = (".jsonl", ".json")
STAGE_LABELS = {"segment": "Segmenting", "translate": "Translating", "align": "Finding official wording",
                "store": "Saving"}
DELIVERABLE_FORMATS = (("Chinese text (.txt)", "txt"), ("Chinese Word document (.docx)", "docx"),
                       ("bilingual table (.docx)", "bilingual"))


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
        with gr.Row(equal_height=True, elem_id="topbar"):
            gr.HTML("<div class='wb-app-title'>English → Chinese review workbench "
                    "<span class='wb-keys'>press ? for the keys</span></div>")
            reviewer = gr.Textbox(show_label=False, placeholder="your name (recorded with every save)",
                                  elem_id="reviewer", max_lines=1, interactive=not auth_enabled, scale=0,
                                  min_width=220, container=False)
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
                with gr.Row(elem_id="review-bar", equal_height=True):
                    progress_html = gr.HTML(elem_id="doc-progress")
                    filter_choice = gr.Dropdown(
                        [("show all", "all"), ("not yet reviewed", "unreviewed"), ("has official wording", "official"),
                         ("has QA flags", "flagged")], value="all", show_label=False, elem_id="filter", scale=0,
                        min_width=170, container=False)
                    order_choice = gr.Dropdown([("document order", "document"), ("riskiest first", "risk")],
                                               value="document", show_label=False, elem_id="order", scale=0,
                                               min_width=150, container=False)
                with gr.Row(elem_id="review-main"):
                    with gr.Column(scale=2, min_width=300, elem_id="list-column"):
                        segment_list = gr.HTML(elem_id="segment-list")
                    with gr.Column(scale=5, elem_id="editor-column"):
                        with gr.Row(equal_height=False):
                            with gr.Column(scale=1, min_width=260):
                                english = gr.HTML(elem_id="english")
                                mt = gr.HTML(elem_id="mt")
                            with gr.Column(scale=1, min_width=260):
                                suggestions = gr.HTML(elem_id="suggestions")
                        final = gr.Textbox(label="Final Chinese", lines=3, max_lines=4, elem_id="final")
                        qa = gr.HTML(elem_id="qa")
                        with gr.Row(elem_id="actions"):
                            prev_button = gr.Button("◀", elem_id="prev", size="sm", min_width=40, scale=0)
                            next_button = gr.Button("▶", elem_id="next", size="sm", min_width=40, scale=0)
                            save = gr.Button("Save", elem_id="save", size="sm", min_width=70, scale=0)
                            reject_category = gr.Dropdown(
                                [("error category…", ""), *((c, c) for c in pipeline.REJECT_CATEGORIES)], value="",
                                show_label=False, elem_id="reject-category", container=False, min_width=150,
                                scale=0)
                            reject_reason = gr.Textbox(show_label=False, placeholder="reason for rejecting",
                                                       max_lines=1, elem_id="reject-reason", container=False,
                                                       min_width=140, scale=1)
                            reject = gr.Button("Reject", elem_id="reject", variant="stop", size="sm", min_width=70,
                                               scale=0)
                            approve_next = gr.Button("Approve and next (Ctrl+Enter)", elem_id="approve-next",
                                                     variant="primary", size="sm", min_width=200, scale=0)
                # Hidden controls the keyboard script and the list's rows press.
                jump_to = gr.Textbox(visible="hidden", elem_id="jump-to")
                jump_go = gr.Button(visible="hidden", elem_id="jump-to-go")
                pending_button = gr.Button(visible="hidden", elem_id="next-pending")
                qa_go = gr.Button(visible="hidden", elem_id="qa-check-go")
                with gr.Row():
                    with gr.Column(scale=1):
                        gr.HTML('<div class="wb-section">Glossary of this sentence</div>')
                        glossary = gr.HTML(elem_id="glossary")
                        with gr.Row():
                            term_en = gr.Textbox(label="English term (select it in the English)", max_lines=1,
                                                 elem_id="term-en")
                            term_zh = gr.Textbox(label="Chinese (select it in the final)", max_lines=1,
                                                 elem_id="term-zh")
                        add_term_button = gr.Button("Add term", elem_id="add-term", size="sm")
                        gr.HTML('<div class="wb-section">Change a rendering everywhere in this document</div>')
                        with gr.Row():
                            offer_old = gr.Textbox(label="from", max_lines=1, elem_id="offer-old")
                            offer_new = gr.Textbox(label="to", max_lines=1, elem_id="offer-new")
                        offer_button = gr.Button("Find the segments", elem_id="offer-find", size="sm")
                        offers = gr.HTML(elem_id="offers")
                        apply_offers = gr.Button("Apply to those segments", elem_id="offer-apply", size="sm")
                    with gr.Column(scale=1):
                        gr.HTML('<div class="wb-section">History</div>')
                        with gr.Row():
                            revisions = gr.Dropdown(show_label=False, choices=[], elem_id="revisions", scale=3,
                                                    container=False)
                            revert = gr.Button("Revert to this revision", elem_id="revert", size="sm", scale=1)
                        preview = gr.HTML(elem_id="preview")
                        gr.HTML('<div class="wb-section">Comments</div>')
                        comments = gr.HTML(elem_id="comments")
                        with gr.Row():
                            comment_text = gr.Textbox(show_label=False, placeholder="add a comment", max_lines=2,
                                                      elem_id="comment-text", scale=3, container=False)
                            comment_button = gr.Button("Comment", elem_id="comment", size="sm", scale=1)
                with gr.Group(elem_classes="find-replace"):  # a Group repeats its elem_id on two elements
                    gr.HTML('<div class="wb-section">Find and replace in the document\'s finals (Ctrl+H)</div>')
                    with gr.Row():
                        find_text = gr.Textbox(show_label=False, placeholder="find", max_lines=1, elem_id="find-text",
                                               container=False)
                        replace_text = gr.Textbox(show_label=False, placeholder="replace with", max_lines=1,
                                                  elem_id="replace-text", container=False)
                        find_regex = gr.Checkbox(label="regular expression", elem_id="find-regex", scale=0,
                                                 min_width=170, container=False)
                        find_button = gr.Button("Find", elem_id="find", size="sm", scale=0, min_width=70)
                        replace_button = gr.Button("Replace all", elem_id="replace", size="sm", scale=0,
                                                   min_width=110)
                    found = gr.HTML(elem_id="found")
                with gr.Accordion("Search the official corpus and insert a sentence with its citation", open=False):
                    search_panel = build_search_panel(resources.current_search_index)
                with gr.Accordion("Export the reviewed segments (JSONL, TMX, XLIFF …)", open=False), gr.Row():
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

            with gr.Tab("Reading view", id="reading", elem_id="reading-tab") as reading_tab:
                with gr.Row():
                    reading_button = gr.Button("Show the article in Chinese", elem_id="reading-show", scale=0,
                                               min_width=220)
                    deliverable_format = gr.Radio(DELIVERABLE_FORMATS, value="docx", show_label=False,
                                                  elem_id="deliverable-format", scale=2)
                    deliverable_button = gr.Button("Download", elem_id="deliverable", scale=0, min_width=120)
                # Hidden until there is a file: an empty drop zone above the article reads as an upload box.
                deliverable_file = gr.File(label="Deliverable", interactive=False, elem_id="deliverable-file",
                                           visible=False)
                reading = gr.HTML(elem_id="reading")

        handlers.screen = _Screen(session, remembered, progress_html, segment_list, english, mt, suggestions, final,
                                  qa, revisions, preview, glossary, comments, offers, found, status, reviewer,
                                  documents, store_info, tabs)
        handlers.offer_new_box, handlers.comment_box = offer_new, comment_text
        shown = handlers.screen.review_outputs()

        app.load(event(handlers.on_load), inputs=[remembered],
                 outputs=[reviewer, documents, store_info, tabs, *shown]).then(
            event(handlers.restore_reviewer), inputs=[remembered_name], outputs=[reviewer])
        # One article at a time, so reviewers' saves keep their own workers; its owner can cancel it.
        processing = process.click(event(handlers.process), inputs=[source, upload, session, remembered],
                                   outputs=[documents, store_info, tabs, *shown], concurrency_limit=1,
                                   concurrency_id="process", show_progress_on=[status])
        cancel_process.click(event(handlers.cancel_processing), outputs=[status], cancels=[processing],
                             concurrency_limit=None)
        open_button.click(event(handlers.open), inputs=[documents, session, remembered], outputs=[tabs, *shown])
        for choice in (filter_choice, order_choice):
            choice.change(event(handlers.set_view), inputs=[filter_choice, order_choice, session, remembered],
                          outputs=shown)
        jump_go.click(event(handlers.jump), inputs=[jump_to, session, remembered], outputs=shown,
                      show_progress="hidden")
        for button, where in ((prev_button, "previous"), (next_button, "next"), (pending_button, "pending")):
            button.click(event(handlers.mover(where)), inputs=[session, remembered], outputs=shown,
                         show_progress="hidden")
        handlers.reject_boxes = (reject_reason, reject_category)
        for button, action, then_next in ((save, "edit", False), (reject, "reject", False),
                                          (approve_next, "approve", True), (revert, "revert", False)):
            button.click(event(handlers.reviewer_action(action, then_next)),
                         inputs=[final, revisions, reject_reason, reject_category, session, remembered],
                         outputs=[*shown, *handlers.reject_boxes] if action == "reject" else shown,
                         show_progress="hidden")
        # The page script presses this once typing pauses (debounced), not on every keystroke.
        qa_go.click(event(handlers.live_qa), inputs=[final, session], outputs=[qa], trigger_mode="always_last",
                    show_progress="hidden")
        revisions.input(event(handlers.preview), inputs=[revisions, final, session], outputs=[preview],
                        show_progress="hidden")
        add_term_button.click(event(handlers.add_term), inputs=[term_en, term_zh, final, session, remembered],
                              outputs=[*shown, offer_new])
        offer_button.click(event(handlers.find_offers), inputs=[offer_old, offer_new, final, session, remembered],
                           outputs=shown)
        apply_offers.click(event(handlers.apply_offers), inputs=[session, remembered], outputs=shown)
        comment_button.click(event(handlers.comment), inputs=[comment_text, final, session, remembered],
                             outputs=[*shown, comment_text])
        find_button.click(event(handlers.find), inputs=[find_text, find_regex, final, session, remembered],
                          outputs=shown)
        replace_button.click(event(handlers.replace), inputs=[find_text, replace_text, find_regex, session, remembered],
                             outputs=shown)
        reviewer.change(event(handlers.remember_reviewer), inputs=[reviewer], outputs=[remembered_name],
                        concurrency_limit=None)
        search_panel.insert_button.click(event(handlers.insert_official),
                                         inputs=[search_panel.selected, final, session, remembered], outputs=shown)
        download_button.click(event(handlers.export), inputs=[download_format, approved_only, session],
                              outputs=[download_file, status])
        import_button.click(event(handlers.import_jsonl), inputs=[import_file, session, remembered], outputs=shown)
        audit_button.click(event(handlers.audit_table), inputs=[session], outputs=[audit_table, status])
        audit_csv_button.click(event(handlers.audit_csv), inputs=[session], outputs=[audit_file, status])
        for trigger in (reading_button.click, reading_tab.select):
            trigger(event(handlers.reading_view), inputs=[session], outputs=[reading, status])
        deliverable_button.click(event(handlers.deliverable), inputs=[deliverable_format, session],
                                 outputs=[deliverable_file, status])
    return app


def _offline_banner(reason: str | None) -> str:
    return ('<div class="wb-banner"><b>Machine translation is unavailable.</b> '
            f"{render.text(reason or '')} You can still review: use the official wording, import translations "
            "from a JSONL file, or type the Chinese yourself.</div>")


@dataclass(frozen=True)
class _Screen:
    """The components a :class:`~workbench.ui.screen.ReviewScreen` is shown in, by name."""

    session: gr.State
    remembered: gr.BrowserState
    progress: gr.HTML
    segment_list: gr.HTML
    english: gr.HTML
    mt: gr.HTML
    suggestions: gr.HTML
    final: gr.Textbox
    qa: gr.HTML
    revisions: gr.Dropdown
    preview: gr.HTML
    glossary: gr.HTML
    comments: gr.HTML
    offers: gr.HTML
    found: gr.HTML
    status: gr.HTML
    reviewer: gr.Textbox
    documents: gr.Dropdown
    store_info: gr.HTML
    tabs: gr.Tabs

    def review_outputs(self) -> list:
        """The components every review handler may update."""
        return [self.session, self.remembered, self.progress, self.segment_list, self.english, self.mt,
                self.suggestions, self.final, self.qa, self.revisions, self.preview, self.glossary, self.comments,
                self.offers, self.found, self.status]

    def updates(self, session: ReviewSession, view: ReviewScreen, remembered: dict | None) -> dict:
        """``view`` as Gradio updates of these components (the adapter: no logic, only placement)."""
        remembered = {**(remembered or {}), "doc_id": session.doc_id, "segment_id": view.segment_id}
        html = render.screen_html(view)
        return {
            self.session: session, self.remembered: remembered, self.final: view.final,
            self.revisions: gr.Dropdown(choices=[(h.label, h.number) for h in view.history],
                                        value=view.history[0].number if view.history else None),
            **{getattr(self, name): panel for name, panel in html.items()},
        }


class _Handlers:
    """Event handlers: each calls :mod:`workbench.ui.screen` and returns its screen as ``{component: update}``."""

    def __init__(self, resources: pipeline.Resources, directory: Directory | None = None):
        self.res = resources
        self.directory = directory
        self.screen: _Screen | None = None  # set once the layout exists
        self._typed_names: dict[str, str] = {}  # browser session → typed reviewer name (no logins only)
        self._stops: dict[str, threading.Event] = {}  # browser session → its running job's stop flag
        self._lock = threading.Lock()
        self.offer_new_box = None  # set once the layout exists
        self.comment_box = None
        self.reject_boxes: tuple = ()  # the reason and category boxes, cleared once a rejection is saved

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

    # --- showing a screen -----------------------------------------------------------------------------

    def _show(self, session: ReviewSession, remembered: dict | None, message: str = "", kind: str = "ok",
              **options) -> dict:
        return self.screen.updates(session, screen.review_screen(self.res, session, message=message, kind=kind,
                                                                 **options), remembered)

    def _outcome(self, outcome: screen.Outcome, remembered: dict | None) -> dict:
        return self.screen.updates(outcome.session, outcome.screen, remembered)

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
            session = screen.open_document(self.res, session, doc_id, remembered.get("segment_id"))
            out[self.screen.tabs] = gr.Tabs(selected="review")
        out.update(self._show(session, remembered))
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
            article = pipeline.read_upload(upload) if upload else text
            outcome = screen.process_article(self.res, session, actor, article, progress=report,
                                             should_stop=stop.is_set)
        except WorkbenchError as err:
            return self._show(session, remembered, str(err), "error")
        finally:
            with self._lock:
                if self._stops.get(key) is stop:
                    del self._stops[key]
        out = self._outcome(outcome, remembered)
        if outcome.session.doc_id is None or outcome.screen.message_kind != "ok":
            return out
        return {**self._documents_update(outcome.session.doc_id), self.screen.tabs: gr.Tabs(selected="review"),
                **out}

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
            return self._show(session, remembered, "Choose a document from the list first.", "warn")
        try:
            session = screen.open_document(self.res, session, doc_id)
        except WorkbenchError as err:
            return self._show(session, remembered, str(err), "error")
        return {self.screen.tabs: gr.Tabs(selected="review"), **self._show(session, remembered)}

    def set_view(self, kind: str, order: str, session: ReviewSession, remembered: dict) -> dict:
        """Show only the segments matching the filter, in the chosen order."""
        try:
            session = screen.set_view(self.res, session, kind, order)
        except WorkbenchError as err:
            return self._show(session, remembered, str(err), "warn")
        return self._show(session, remembered)

    def jump(self, segment_id: str, session: ReviewSession, remembered: dict) -> dict:
        """Load the segment whose row was clicked in the list."""
        if segment_id.strip().isdigit():
            session = screen.jump(session, int(segment_id))
        return self._show(session, remembered)

    def mover(self, where: str):
        """A handler that moves to the next, previous or next pending segment."""
        def move(session: ReviewSession, remembered: dict) -> dict:
            return self._show(screen.move(self.res, session, where), remembered)
        move.__name__ = f"move_{where}"
        return move

    def reviewer_action(self, action: str, then_next: bool):
        """A handler that applies a review action to the segment in the editor, as the request's actor."""
        def act(actor: Actor, final: str, revision: int | None, reason: str, category: str | None,
                session: ReviewSession, remembered: dict) -> dict:
            outcome = screen.act(self.res, session, actor, action, final, revision=revision, reason=reason,
                                 category=category or "", then_next=then_next)
            out = self._outcome(outcome, remembered)
            if action == "reject" and outcome.screen.message_kind == "ok":  # filed: the next reject starts afresh
                out.update({box: "" for box in self.reject_boxes})
            return out
        act.__name__ = action
        return act

    def insert_official(self, actor: Actor, selected: dict | None, final: str, session: ReviewSession,
                        remembered: dict) -> dict:
        """Save a sentence found by corpus search as the final Chinese, with its citation."""
        if not isinstance(selected, dict) or "text" not in selected:
            return self._show(session, remembered, "Pick a sentence from the search results first.", "warn",
                              final=final)
        return self._outcome(screen.act(self.res, session, actor, "insert_official", final,
                                        text=str(selected["text"]), citation=selected.get("citation")), remembered)

    def live_qa(self, final: str, session: ReviewSession) -> str:
        """QA and risk of the final as the reviewer types."""
        return render.qa_panel(screen.live_qa(self.res, session, final or ""))

    def preview(self, revision: int | None, final: str, session: ReviewSession) -> str:
        """The picked revision with its diff against the current final."""
        if revision is None:
            return ""
        return render.preview_panel(screen.review_screen(self.res, session, final=final, preview=revision))

    def add_term(self, actor: Actor, en: str, zh: str, final: str, session: ReviewSession, remembered: dict) -> dict:
        """Add a user term from the English selection; its Chinese becomes the rendering to propagate."""
        return {**self._outcome(screen.add_term(self.res, session, actor, en, zh, final), remembered),
                self.offer_new_box: zh}

    def find_offers(self, old: str, new: str, final: str, session: ReviewSession, remembered: dict) -> dict:
        """The document's other segments where ``old`` would become ``new``."""
        return self._outcome(screen.find_offers(self.res, session, old, new, final), remembered)

    def apply_offers(self, actor: Actor, session: ReviewSession, remembered: dict) -> dict:
        """Apply the offered term change, each segment a new revision."""
        return self._outcome(screen.apply_offers(self.res, session, actor), remembered)

    def comment(self, actor: Actor, text: str, final: str, session: ReviewSession, remembered: dict) -> dict:
        """Add a comment to the segment's thread."""
        out = self._outcome(screen.comment(self.res, session, actor, text, final), remembered)
        return {**out, self.comment_box: ""}

    def find(self, needle: str, regex: bool, final: str, session: ReviewSession, remembered: dict) -> dict:
        """Show the document's finals holding ``needle``."""
        return self._outcome(screen.find(self.res, session, needle, final, regex=regex), remembered)

    def replace(self, actor: Actor, needle: str, replacement: str, regex: bool, session: ReviewSession,
                remembered: dict) -> dict:
        """Replace ``needle`` in every final of the document."""
        return self._outcome(screen.replace(self.res, session, actor, needle, replacement, regex=regex), remembered)

    def reading_view(self, session: ReviewSession):
        """The whole article in Chinese: finals where approved, marked where not."""
        if session.doc_id is None:
            return "", render.message("warn", "Open a document first.")
        return render.reading_view(pipeline.reading_view(self.res.store, session.doc_id)), ""

    def deliverable(self, actor: Actor, fmt: str, session: ReviewSession):
        """The translated article as a file to download (.txt, .docx or a bilingual table)."""
        made = screen.deliverable(self.res, session, actor, fmt)
        return gr.update(value=made.path, visible=made.path is not None), render.message(made.kind, made.message)

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
            return self._show(session, remembered, "Open a document and choose a JSONL file first.", "warn")
        file = Path(path)
        if file.suffix.lower() not in IMPORT_SUFFIXES or file.stat().st_size > pipeline.MAX_UPLOAD_BYTES:
            return self._show(session, remembered, f"{file.name}: upload a .jsonl file under "
                                f"{pipeline.MAX_UPLOAD_BYTES // 1_000_000} MB", "error")
        try:
            actor.require("import")
            lines = pipeline.decode_upload(file.read_bytes(), file.name).splitlines(keepends=True)
            imported, unmatched = pipeline.import_translations(self.res.store, session.doc_id, lines)
            pipeline.record_event(self.res.store, actor.name or "anonymous", "import translations",
                                  session.doc_id, {"file": file.name, "imported": imported, "unmatched": unmatched})
        except WorkbenchError as err:
            return self._show(session, remembered, str(err), "error")
        return self._show(session, remembered, f"Imported {imported} translation(s); {unmatched} line(s) "
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

