"""The reviewer's whole loop on the demo article, at 1280×720, in headless Chromium.

One server for the module (``python app.py`` with the tiny model and a database of its own);
the test walks the loop in order, as a reviewer would, and leaves a screenshot of each
step in ``test-artifacts/``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import docx
import pytest

from tests.conftest import DEMO_ARTICLE, ROOT
from tests.fixtures.browser import _free_port, _wait_until_serving, stop_process
from workbench.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

VIEWPORT = {"width": 1280, "height": 720}
QUOTE_CLAUSE_ZH = "中方将依法审批符合条件的管制物项出口申请。"
QUOTE_ENGLISH = "In an official statement, China’s Ministry of Commerce announced"
PROCESS_TIMEOUT_MS = 180_000
STEP_TIMEOUT_MS = 20_000
ON_SCREEN = ("#english", "#mt", "#suggestions", "#final", "#qa", "#approve-next")


@pytest.fixture(scope="module")
def served(tmp_path_factory, tiny_model, _session_models_dir):
    """The app on a free port with the tiny model: ``(url, database path)``."""
    folder = tmp_path_factory.mktemp("review-loop")
    port = _free_port()
    db = folder / "review.db"
    # Module-scoped, so set up before the per-test isolation: it gets the same settings itself.
    env = {**os.environ, "WORKBENCH_DB": str(db), "WORKBENCH_MODEL": str(tiny_model),
           "WORKBENCH_OUTPUT_DIR": str(folder / "exports"), "WORKBENCH_MODELS_DIR": str(_session_models_dir),
           "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False",
           "PYTHONUNBUFFERED": "1"}
    env.pop("WORKBENCH_CONFIG", None)
    log = folder / "app.log"
    with log.open("w") as out:
        process = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--port", str(port)], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        _wait_until_serving(url, process, log)
        yield url, db
    finally:
        stop_process(process)


@pytest.fixture
def expect():
    return pytest.importorskip("playwright.sync_api").expect


def final_value(page) -> str:
    return page.locator("#final textarea").input_value()


def assert_on_one_screen(page) -> None:
    """The segment's English, MT, suggestions, editor, QA and the approve button, all without scrolling."""
    assert page.evaluate("window.scrollY") == 0
    for selector in ON_SCREEN:
        box = page.locator(selector).bounding_box()
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], (selector, box)


def open_row(page, text: str) -> None:
    """Click the segment list's row holding ``text`` and wait for the editor to load it."""
    page.locator("#segment-list tr[data-segment]", has_text=text).first.click()
    page.locator("#english", has_text=text).wait_for()


def select_in_english(page, words: str) -> None:
    """Select ``words`` in the English sentence with the mouse's result: a range, then the mouse-up."""
    page.evaluate("""(words) => {
        const box = document.querySelector('#english .wb-english');
        const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
          const at = node.textContent.indexOf(words);
          if (at >= 0) {
            const range = document.createRange();
            range.setStart(node, at);
            range.setEnd(node, at + words.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
            box.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
            return;
          }
        }
        throw new Error('not in the English: ' + words);
    }""", words)


def test_the_reviewer_loop_on_the_demo_article_at_1280_by_720(browser, served, artifacts_dir, expect):
    url, db = served
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    shots = artifacts_dir / "review-loop"
    shots.mkdir(exist_ok=True)
    page.goto(url)
    page.locator("#store-info", has_text="in the store").wait_for(state="attached")
    page.locator("#reviewer input").fill("Ana Reviewer")

    # Open: paste the article; the first segment is on one screen, its row marked in the list.
    page.locator("#source-text textarea").fill(DEMO_ARTICLE.read_text(encoding="utf-8"))
    page.locator("#process").click()
    page.locator("#english", has_text="Segment 1 of").wait_for(timeout=PROCESS_TIMEOUT_MS)
    expect(page.locator("#segment-list tr.wb-current")).to_have_count(1)
    expect(page.locator("#mt")).to_contain_text("confidence")
    assert_on_one_screen(page)
    assert page.evaluate("""() => { const seen = {};
        document.querySelectorAll('[id]').forEach(e => { if (e.id) seen[e.id] = (seen[e.id] || 0) + 1; });
        return Object.keys(seen).filter(id => seen[id] > 1); }""") == []  # every element id is unique
    page.screenshot(path=str(shots / "1-opened.png"))

    # Alt+↓ / Alt+↑ move; Ctrl+Shift+S copies the English in at the cursor; a glossary term goes in by a click.
    final = page.locator("#final textarea")
    final.press("Alt+ArrowDown")
    page.locator("#english", has_text="Segment 2 of").wait_for()
    expect(page.locator("#segment-list tr.wb-current td.wb-n")).to_have_text("2")
    final.press("Alt+ArrowUp")
    page.locator("#english", has_text="Segment 1 of").wait_for()
    first_mt = final_value(page)
    final.evaluate("box => { box.focus(); box.setSelectionRange(0, 0); }")
    final.press("Control+Shift+S")
    expect(final).to_have_value(page.locator("#english .wb-english").inner_text() + first_mt)
    final.evaluate("box => { box.focus(); box.setSelectionRange(box.value.length, box.value.length); }")
    page.locator("#glossary .wb-insert-text").first.click()
    term_zh = page.locator("#glossary .wb-insert-text").first.get_attribute("data-text")
    expect(final).to_have_value(re.compile(re.escape(first_mt + term_zh) + "$"))
    final.fill(first_mt)

    # Approving the untouched MT with its flags asks first, naming the problems; nothing is saved.
    page.locator("#final textarea").press("Control+Enter")
    expect(page.locator("#qa")).to_contain_text("Approve anyway?")
    expect(page.locator("#qa")).to_contain_text("the final is the untouched machine translation")
    page.screenshot(path=str(shots / "2-confirm.png"))
    with Store(db, read_only=True) as store:
        assert store.count_revisions() == 0

    # Ctrl+Shift+↓ goes to the next segment not yet reviewed or flagged: with nothing reviewed, the next one.
    final.press("Control+Shift+ArrowDown")
    page.locator("#english", has_text="Segment 2 of").wait_for()

    # The quote's segment: the list row brings it up; Ctrl+1 puts the clause's official wording over the
    # selected first half of the MT, and the rest of the MT stays.
    open_row(page, QUOTE_ENGLISH)
    expect(page.locator("#suggestions [data-insert='1']")).to_contain_text(QUOTE_CLAUSE_ZH)
    assert_on_one_screen(page)
    mt = final_value(page)
    qa_before = page.locator("#qa").inner_text()
    half = len(mt) // 2
    final.evaluate("(box, half) => { box.focus(); box.setSelectionRange(0, half); }", half)
    final.press("Control+1")
    expect(final).to_have_value(QUOTE_CLAUSE_ZH + mt[half:])
    expect(page.locator("#qa")).not_to_have_text(qa_before)  # live QA of the final, not of the MT
    page.screenshot(path=str(shots / "3-inserted.png"))

    # Approve with Ctrl+Enter: the rest of the gibberish MT still has errors, so it asks once; again confirms.
    final.press("Control+Enter")
    expect(page.locator("#qa")).to_contain_text("Approve anyway?")
    final.press("Control+Enter")
    expect(page.locator("#status")).to_contain_text("(approved)")
    expect(page.locator("#english")).not_to_contain_text(QUOTE_ENGLISH)

    # Reject the segment now in the editor, with a category and a reason.
    page.locator("#reject-category input").click()
    page.get_by_role("option", name="terminology").click()
    page.locator("#reject-reason input").fill("the agency's name is not the official one")
    page.locator("#reject").click()
    expect(page.locator("#status")).to_contain_text("(rejected)")
    expect(page.locator("#revisions input")).to_have_value(re.compile("^r1 · rejected · Ana Reviewer · reject · terminology"))
    expect(page.locator("#reject-reason input")).to_have_value("")  # the next rejection starts afresh

    # Add a term from a selection in the English, then apply its rendering across the document.
    open_row(page, QUOTE_ENGLISH)
    select_in_english(page, "range of sanctions")
    expect(page.locator("#term-en input")).to_have_value("range of sanctions")
    page.locator("#term-zh input").fill("一系列限制性措施")
    page.locator("#add-term").click()
    expect(page.locator("#status")).to_contain_text("Added the term range of sanctions = 一系列限制性措施")
    expect(page.locator("#offer-new input")).to_have_value("一系列限制性措施")
    page.locator("#offer-old input").fill("出口管制")
    page.locator("#offer-find").click()
    expect(page.locator("#offers")).to_contain_text("other segment(s)")
    page.screenshot(path=str(shots / "4-term-offers.png"), full_page=True)
    page.locator("#offer-apply").click()
    expect(page.locator("#status")).to_contain_text("Applied 出口管制 → 一系列限制性措施 in")

    # Find and replace with Ctrl+H (the browser's Ctrl+F is left alone): the quote's approved final changes too.
    page.locator("#final textarea").press("Control+h")
    expect(page.locator("#find-text input")).to_be_focused()
    page.locator("#find-text input").fill("依法审批")
    page.locator("#find").click()
    expect(page.locator("#found")).to_contain_text("依法审批")
    page.locator("#replace-text input").fill("依法审查")
    page.locator("#replace").click()
    expect(page.locator("#status")).to_contain_text("each a new revision")
    expect(page.locator("#final textarea")).to_have_value(QUOTE_CLAUSE_ZH.replace("审批", "审查") + mt[half:])
    page.screenshot(path=str(shots / "5-replaced.png"), full_page=True)

    # History: pick the first revision, see it with its diff, revert to it.
    page.locator("#revisions input").click()
    page.get_by_role("option", name="r1 ·").first.click()
    expect(page.locator("#preview")).to_contain_text("revision 1 · approved · Ana Reviewer · approve")
    expect(page.locator("#preview del")).to_have_text("批")  # revision 1 → the current final: 审批 became 审查
    expect(page.locator("#preview ins")).to_have_text("查")
    page.screenshot(path=str(shots / "6-preview.png"), full_page=True)
    page.locator("#revert").click()
    expect(page.locator("#status")).to_contain_text("Saved revision 3 (edited)")
    expect(page.locator("#final textarea")).to_have_value(QUOTE_CLAUSE_ZH + mt[half:])

    # Corpus search results keep their document and date columns in view.
    page.get_by_role("button", name="Search the official corpus").click()
    page.locator("#corpus-search-query textarea").fill("管制物项")
    page.locator("#corpus-search-run").click()
    date_cell = page.locator("#corpus-search-results").get_by_role("gridcell").filter(has_text="2025-").first
    date_cell.wait_for()
    box = date_cell.bounding_box()
    assert box["x"] + box["width"] <= VIEWPORT["width"], box
    page.screenshot(path=str(shots / "6b-search.png"), full_page=True)

    # The "?" overlay lists the keys.
    page.locator("#english").click()
    page.keyboard.press("?")
    expect(page.locator("#wb-help")).to_contain_text("Ctrl+Shift+S")
    page.screenshot(path=str(shots / "7-keys.png"))
    page.keyboard.press("Escape")
    expect(page.locator("#wb-help")).to_have_count(0)

    # The reading view of the whole article in Chinese, and the .docx a desk editor receives.
    page.get_by_role("tab", name="Reading view").click()
    expect(page.locator("#reading")).to_contain_text(QUOTE_CLAUSE_ZH)
    expect(page.locator("#reading .wb-unapproved").first).to_be_visible()  # not everything is approved
    page.screenshot(path=str(shots / "8-reading.png"))
    page.locator("#deliverable").click()
    expect(page.locator("#status")).to_contain_text(".zh.docx is ready to download")
    with page.expect_download() as download:
        page.locator("#deliverable-file a").first.click()
    # Named after the document's date (the day it was pasted: the text carries none) and its headline.
    assert download.value.suggested_filename.endswith(
        "-china-and-us-finalize-trade-agreement-to-ease-export-restrictions.zh.docx")
    document = docx.Document(download.value.path())
    words = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert QUOTE_CLAUSE_ZH in words

    with Store(db, read_only=True) as store:
        doc = store.list_documents()[0]
        segments = store.segments(doc.id)
        quote = next(s for s in segments if s.text.startswith(QUOTE_ENGLISH))
        history = store.revisions(quote.id)
        rejected = [r for s in segments for r in store.revisions(s.id) if r.state == "rejected"]
    assert [(r.action, r.state) for r in history] == [("approve", "approved"), ("replace", "edited"),
                                                       ("revert", "edited")]
    assert history[0].text == QUOTE_CLAUSE_ZH + mt[half:] and history[0].reviewer == "Ana Reviewer"
    assert history[-1].action == "revert" and history[-1].text == history[0].text
    assert [(r.category, r.reason) for r in rejected] == [("terminology", "the agency's name is not the official one")]
    context.close()
