"""The corpus search panel: its handlers, and a reviewer using it in headless Chromium."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from tests.fixtures.browser import _free_port
from workbench.corpus import OfficialCorpus
from workbench.corpus_search import SearchIndex
from workbench.errors import WorkbenchError
from workbench.ui.search_panel import build_search_panel, pick_hit, run_search

QA_245 = "mofcom-2025-04-16-qa-245pct"
FOUND = "但倘若美方执意继续实质性侵害中方权益,中方将坚决反制,奉陪到底。"


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(OfficialCorpus.load(ROOT / "corpora"))


def test_search_rows_and_the_picked_hit_carry_the_citation(index):
    rows, hits = run_search(index, "奉陪到底", "zh", "2025-04-15", "")
    assert len(rows) == 1 and rows[0][0] == 1 and "**奉陪到底**" in rows[0][1]
    hit, preview = pick_hit(hits, 0)
    assert hit["text"] == FOUND
    citation = hit["citation"]
    assert (citation["doc_id"], citation["sentence_ids"], citation["date"]) == (QA_245, [6], "2025-04-16")
    assert citation["version"] == OfficialCorpus.load(ROOT / "corpora").latest_version(QA_245)
    assert FOUND in preview and QA_245 in preview
    assert pick_hit(hits, 5) == (None, "")


def test_empty_query_shows_nothing_and_a_bad_date_is_explained(index):
    assert run_search(index, "  ", "any", "", "") == ([], [])
    with pytest.raises(WorkbenchError, match="the 'from' date 'spring' is not a date; write it as YYYY-MM-DD"):
        run_search(index, "关税", "any", "spring", "")


@pytest.mark.browser
@pytest.mark.slow
def test_reviewer_searches_and_inserts_a_sentence_with_its_citation(browser, index):
    index_version = OfficialCorpus.load(ROOT / "corpora").latest_version(QA_245)
    gr = pytest.importorskip("gradio")
    expect = pytest.importorskip("playwright.sync_api").expect
    with gr.Blocks() as app:
        final = gr.Textbox(label="final translation", elem_id="final")
        stored_citation = gr.Textbox(label="citation", elem_id="citation")
        panel = build_search_panel(lambda: index)
        panel.on_insert(lambda text, citation: (text, json.dumps(citation, ensure_ascii=False)),
                        outputs=[final, stored_citation])
    port = _free_port()
    app.launch(server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    try:
        page = browser.new_page()
        page.set_default_timeout(20_000)
        page.goto(f"http://127.0.0.1:{port}/")
        page.locator("#corpus-search-query textarea").fill("奉陪到底")
        page.locator("#corpus-search-from textarea").fill("2025-04-15")  # one statement of two
        page.locator("#corpus-search-run").click()
        page.get_by_role("gridcell").filter(has_text="实质性侵害").first.click()
        expect(page.locator("#corpus-search-selected")).to_contain_text(QA_245)
        page.locator("#corpus-search-insert").click()
        expect(page.locator("#final textarea")).to_have_value(FOUND)
        expect(page.locator("#citation textarea")).not_to_have_value("")
        citation = json.loads(page.locator("#citation textarea").input_value())
        assert (citation["doc_id"], citation["sentence_ids"], citation["version"]) == (QA_245, [6], index_version)
        page.close()
    finally:
        app.close()
