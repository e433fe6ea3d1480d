"""The review workbench as a Gradio Blocks app: a thin shell over :mod:`workbench.pipeline`.

Layout first, then handlers. The start tab takes an article (pasted or uploaded); the review
tab shows a page of the segment grid and an editor for one segment at a time. Per-session
state is a :class:`ReviewSession` in ``gr.State``; the reviewer's name and the open document
also live in the browser (``gr.BrowserState``), so a reload comes back to the same place.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from workbench import pipeline
from workbench.errors import ConflictError, InputError, WorkbenchError
from workbench.ui import render
from workbench.ui.search_panel import build_search_panel

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
    login: str | None = None  # the authenticated user, when the app requires login
    filter: str = "all"
    order: str = "document"
    segment_ids: list[int] = field(default_factory=list)  # visible segments, in order, after the filter
    index: int = 0
    base_revision: int = 0  # the revision the editor was loaded from

    @property
    def segment_id(self) -> int | None:
        """The segment in the editor, if any."""
        return self.segment_ids[self.index] if self.segment_ids else None


def build_app(resources: pipeline.Resources, *, auth_enabled: bool = False) -> gr.Blocks:
    """The review workbench UI over ``resources``."""
    handlers = _Handlers(resources)
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
                    process = gr.Button("Translate and align", variant="primary", elem_id="process")
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

        handlers.screen = _Screen(session, remembered, progress_html, page_info, grid, segment_header, english, mt,
                                  flags, official, memory, final, diff, revisions, status, reviewer, documents, store_info,
                                  tabs)
        screen = handlers.screen.review_outputs()

        app.load(handlers.on_load, inputs=[remembered], outputs=[reviewer, documents, store_info, tabs, *screen]).then(
            handlers.restore_reviewer, inputs=[remembered_name], outputs=[reviewer])
        process.click(handlers.process, inputs=[source, upload, session, remembered],
                      outputs=[documents, store_info, tabs, *screen])
        open_button.click(handlers.open, inputs=[documents, session, remembered], outputs=[tabs, *screen])
        filter_choice.change(handlers.set_view, inputs=[filter_choice, order_choice, session, remembered],
                             outputs=screen)
        order_choice.change(handlers.set_view, inputs=[filter_choice, order_choice, session, remembered],
                            outputs=screen)
        grid.select(handlers.select_row, inputs=[session, remembered], outputs=screen)
        for button, step in ((prev_button, -1), (next_button, 1), (page_prev, -PAGE_SIZE), (page_next, PAGE_SIZE)):
            button.click(handlers.mover(step), inputs=[session, remembered], outputs=screen)
        for button, action, then_next in ((accept_mt, "accept_mt", False), (use_official, "use_official", False),
                                         (save, "edit", False), (reject, "reject", False),
                                         (approve_next, "approve", True), (revert, "revert", False)):
            button.click(handlers.actor(action, then_next), inputs=[final, revisions, reviewer, session, remembered],
                         outputs=screen)
        final.input(handlers.live_diff, inputs=[final, session], outputs=[diff])
        reviewer.change(handlers.remember_reviewer, inputs=[reviewer], outputs=[remembered_name])
        search_panel.on_insert(handlers.insert_official, inputs=[final, reviewer, session, remembered], outputs=screen)
        download_button.click(handlers.export, inputs=[download_format, approved_only, session],
                              outputs=[download_file, status])
        import_button.click(handlers.import_jsonl, inputs=[import_file, session, remembered], outputs=screen)
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

    def __init__(self, resources: pipeline.Resources):
        self.res = resources
        self.screen: _Screen | None = None  # set once the layout exists
        self.memory = None  # the translation memory, rebuilt whenever a document is opened

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
        remembered = remembered or {}
        user = getattr(request, "username", None)
        # Without a login name, leave the box alone: restore_reviewer fills it, or the reviewer is typing.
        out = {self.screen.reviewer: user if user else gr.skip(), **self._documents_update()}
        session = ReviewSession(login=user)
        # A link with ?doc=ID opens that document; otherwise the one this browser had open.
        doc_id = request.query_params.get("doc") or remembered.get("doc_id")
        if doc_id and pipeline.has_document(self.res.store, doc_id):
            session = self._open(doc_id, session, remembered.get("segment_id"))
            out[self.screen.tabs] = gr.Tabs(selected="review")
        out.update(self._render(session, remembered))
        return out

    def process(self, text: str, upload: str | None, session: ReviewSession, remembered: dict,
                progress=gr.Progress()) -> dict:  # noqa: B008 - Gradio injects the tracker through this default
        """Segment, translate, align and store the pasted or uploaded article, then open it."""
        def report(stage: str, done: int, total: int) -> None:
            progress((done, total), desc=STAGE_LABELS.get(stage, stage), unit="segments")

        try:
            article = pipeline.read_upload(upload) if upload else (text or "")
            self.res.refresh_corpus()
            doc_id = pipeline.process_article(article, store=self.res.store, translator=self.res.translator,
                                              corpus=self.res.corpus, progress=report,
                                              termbase=self.res.termbase())
        except WorkbenchError as err:
            return self._render(session, remembered, str(err), "error")
        session = self._open(doc_id, dataclasses.replace(session, filter="all"))
        note = f"{len(session.segment_ids)} segments ready for review."
        return {**self._documents_update(doc_id), self.screen.tabs: gr.Tabs(selected="review"),
                **self._render(session, remembered, note)}

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

    def actor(self, action: str, then_next: bool):
        """A handler that applies a review action to the segment in the editor."""
        def act(final: str, revision: int | None, reviewer: str, session: ReviewSession, remembered: dict,
                request: gr.Request) -> dict:
            text = final if action in ("edit", "approve", "reject") else None
            # The login name, when there is one, is who saves: the name box cannot override it.
            name = getattr(request, "username", None) or reviewer
            return self._apply(action, session, remembered, name, final, text=text, revision=revision,
                               then_next=then_next)
        return act

    def insert_official(self, text: str, citation: dict, final: str, reviewer: str, session: ReviewSession,
                        remembered: dict) -> dict:
        """Save a sentence found by corpus search as the final Chinese, with its citation."""
        return self._apply("insert_official", session, remembered, reviewer, final, text=text, citation=citation)

    def _apply(self, action: str, session: ReviewSession, remembered: dict, reviewer: str, final: str, *,
               text: str | None = None, revision: int | None = None, citation: dict | None = None,
               then_next: bool = False) -> dict:
        if session.segment_id is None:
            return self._render(session, remembered, "Open a document first.", "warn")
        try:
            review = pipeline.save_review(
                self.res.store, session.segment_id, action=action, reviewer=session.login or reviewer,
                base_revision=session.base_revision, text=text, revision=revision, citation=citation)
        except ConflictError as err:
            # Keep the reviewer's own text in the editor; the message shows the other version.
            # The editor is now based on their revision, so saving again is a deliberate choice.
            note = (f"{err} Your text is still in the editor: save again to replace theirs "
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

    def remember_reviewer(self, reviewer: str) -> str:
        """Keep the reviewer's name in this browser."""
        return reviewer

    def export(self, fmt: str, approved_only: bool, session: ReviewSession):
        """Export the open document's reviewed segments to a file the browser downloads."""
        if session.doc_id is None:
            return None, render.message("warn", "Open a document first.")
        try:
            result = pipeline.export_document(self.res.store, session.doc_id, fmt,
                                              output_dir=self.res.settings.output_dir, approved_only=approved_only)
        except WorkbenchError as err:
            return None, render.message("warn", str(err))
        return str(result.path), render.message("ok", f"Exported {result.records} segment(s) as {fmt}.")

    def import_jsonl(self, path: str | None, session: ReviewSession, remembered: dict) -> dict:
        """Attach batch translations from a JSONL file to the open document."""
        if session.doc_id is None or not path:
            return self._render(session, remembered, "Open a document and choose a JSONL file first.", "warn")
        file = Path(path)
        if file.suffix.lower() not in IMPORT_SUFFIXES or file.stat().st_size > pipeline.MAX_UPLOAD_BYTES:
            return self._render(session, remembered, f"{file.name}: upload a .jsonl file under "
                                f"{pipeline.MAX_UPLOAD_BYTES // 1_000_000} MB", "error")
        try:
            with file.open(encoding="utf-8") as lines:
                imported, unmatched = pipeline.import_translations(self.res.store, session.doc_id, lines)
        except (WorkbenchError, UnicodeDecodeError) as err:
            return self._render(session, remembered, f"{file.name}: {err}", "error")
        return self._render(session, remembered, f"Imported {imported} translation(s); {unmatched} line(s) "
                            "matched no sentence of this document.")

    # --- helpers --------------------------------------------------------------------------------------

    def _documents_update(self, selected: str | None = None) -> dict:
        listed = pipeline.list_documents(self.res.store)
        choices = [(f"{d.title} · {d.approved}/{d.segments} approved · {d.imported_at[:10]}", d.id) for d in listed]
        info = f"<div>{len(listed)} document(s) in the store; choose one to reopen it.</div>"
        return {self.screen.documents: gr.Dropdown(choices=choices, value=selected), self.screen.store_info: info}


def _cut(value: str, limit: int = GRID_CELL_CHARS) -> str:
    return value if len(value) <= limit else value[:limit - 1] + "…"
