"""A Gradio panel to search the official corpus beside the review view (imports Gradio: UI code only).

The reviewer types Chinese or English words, picks a found sentence and inserts it as the
segment's final translation with its citation. The panel only searches and selects; what
"insert" does to a segment belongs to the review UI, which wires it with
:meth:`SearchPanel.on_insert`::

    with gr.Blocks() as app:
        ...
        panel = build_search_panel(lambda: resources.search_index)
        panel.on_insert(insert_official, inputs=[session, reviewer], outputs=[...])

where ``insert_official(text, citation, session, reviewer)`` saves ``text`` as the final
translation with ``citation`` (a dict: doc_id, lang, version, sentence_ids, title, issuer,
date, source).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from workbench import pipeline
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.corpus_search import SearchHit, SearchIndex

RESULT_HEADERS = ["#", "official sentence", "document", "date"]
ANY_LANGUAGE = "any"


@dataclass
class SearchPanel:
    """The panel's components; ``selected`` holds the chosen hit as a dict (``None`` before a pick)."""

    query: Any
    lang: Any
    date_from: Any
    date_to: Any
    search_button: Any
    results: Any
    preview: Any
    insert_button: Any
    hits: Any
    selected: Any

    def on_insert(self, fn: Callable[..., Any], inputs: Sequence[Any] = (), outputs: Sequence[Any] = ()):
        """Call ``fn(text, citation, *inputs)`` when the reviewer clicks insert; returns the Gradio event."""

        def insert(selected: dict | None, *values: Any):
            if not selected:
                raise gr.Error("Pick a sentence from the search results first.")
            return fn(selected["text"], selected["citation"], *values)

        return self.insert_button.click(insert, inputs=[self.selected, *inputs], outputs=list(outputs))


def run_search(index: SearchIndex, query: str, lang: str, date_from: str, date_to: str,
               top: int = 10) -> tuple[list[list], list[dict]]:
    """Rows for the results table and the hits behind them (dicts with a ``citation``)."""
    if not (query or "").strip():
        return [], []
    dates = []
    for label, value in (("from", date_from), ("to", date_to)):
        parsed = pipeline.parse_date(value or "")
        if (value or "").strip() and parsed is None:
            raise WorkbenchError(f"the '{label}' date {value!r} is not a date; write it as YYYY-MM-DD")
        dates.append(parsed)
    hits = pipeline.search_index(index, query, lang=None if lang == ANY_LANGUAGE else lang, date_from=dates[0],
                         date_to=dates[1], top=top)
    rows = [[rank, hit.snippet, f"{hit.title} ({hit.doc_id}.{hit.lang}, sentence {hit.sentence_index})", hit.date]
            for rank, hit in enumerate(hits, start=1)]
    return rows, [_hit_record(hit) for hit in hits]


def _hit_record(hit: SearchHit) -> dict:
    return {"text": hit.text, "citation": hit.citation(), "citation_line": hit.citation_line()}


def pick_hit(hits: list[dict], row: int | None) -> tuple[dict | None, str]:
    """The hit of results row ``row`` and its preview (the sentence and where it is from)."""
    if row is None or not 0 <= row < len(hits):
        return None, ""
    hit = hits[row]
    return hit, f"{hit['text']}\n\n*{hit['citation_line']}*"


def build_search_panel(index: SearchIndex | Callable[[], SearchIndex], *, top: int = 10) -> SearchPanel:
    """Lay out and wire the search panel inside the current ``gr.Blocks``.

    ``index`` is the search index, or a function returning it (so that the index can be
    built after the layout, or replaced when documents are added).
    """

    def current_index() -> SearchIndex:
        return index() if callable(index) else index

    def search(query: str, lang: str, date_from: str, date_to: str):
        try:
            rows, hits = run_search(current_index(), query, lang, date_from, date_to, top)
        except WorkbenchError as err:
            raise gr.Error(str(err)) from None
        return rows, hits, None, "", gr.update(interactive=False)

    def select(hits: list[dict], event: gr.SelectData):
        row = event.index[0] if isinstance(event.index, (list, tuple)) else event.index
        hit, preview = pick_hit(hits, row)
        return hit, preview, gr.update(interactive=hit is not None)

    with gr.Group(elem_classes="corpus-search"):  # a Group repeats its elem_id on two elements
        gr.Markdown("### Search the official corpus")
        with gr.Row():
            query = gr.Textbox(label="Chinese or English words", scale=4, elem_id="corpus-search-query")
            lang = gr.Radio([ANY_LANGUAGE, "zh", "en"], value=ANY_LANGUAGE, label="language", scale=1,
                            elem_id="corpus-search-lang")
        with gr.Row():
            date_from = gr.Textbox(label="from (YYYY-MM-DD)", elem_id="corpus-search-from")
            date_to = gr.Textbox(label="to (YYYY-MM-DD)", elem_id="corpus-search-to")
            search_button = gr.Button("Search", variant="secondary", elem_id="corpus-search-run")
        # Fixed widths, the sentence wrapping, so the document and date columns stay in view.
        results = gr.Dataframe(headers=RESULT_HEADERS, datatype=["number", "markdown", "str", "str"],
                               interactive=False, wrap=True, column_widths=["5%", "60%", "23%", "12%"],
                               elem_id="corpus-search-results")
        preview = gr.Markdown(elem_id="corpus-search-selected")
        insert_button = gr.Button("Insert as final translation (with citation)", interactive=False,
                                  elem_id="corpus-search-insert")
        hits = gr.State([])
        selected = gr.State(None)

    outputs = [results, hits, selected, preview, insert_button]
    search_inputs = [query, lang, date_from, date_to]
    search_button.click(search, inputs=search_inputs, outputs=outputs)
    query.submit(search, inputs=search_inputs, outputs=outputs)
    results.select(select, inputs=hits, outputs=[selected, preview, insert_button])
    return SearchPanel(query, lang, date_from, date_to, search_button, results, preview, insert_button, hits,
                       selected)
