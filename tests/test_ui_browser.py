"""The review UI in headless Chromium: review the demo article, two reviewers, hostile text.

Each test starts ``python app.py`` on a free local port with a temporary database.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from pathlib import Path

import pytest

from tests.conftest import DEMO_ARTICLE, ROOT
from workbench.store import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OFFICIAL_QUOTE = "中方将依法审批符合条件的管制物项出口申请"
OFFICIAL_TITLE = "商务部新闻发言人就中美伦敦框架有关情况答记者问"
PROCESS_TIMEOUT_MS = 180_000
STEP_TIMEOUT_MS = 20_000


@pytest.fixture
def expect():
    return pytest.importorskip("playwright.sync_api").expect


def open_page(browser, url: str, reviewer: str):
    """A page in a fresh browser context (its own storage: one reviewer), with the name filled in."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(url)
    page.locator("#store-info", has_text="in the store").wait_for(state="attached")  # the page's load event has run
    page.locator("#reviewer input").fill(reviewer)
    return page


def paste_and_process(page, text: str) -> float:
    """Paste an article, press the button, wait until the first segment is in the editor; returns seconds."""
    page.locator("#source-text textarea").fill(text)
    started = time.monotonic()
    page.locator("#process").click()
    page.locator("#english", has_text="Segment 1 of").wait_for(timeout=PROCESS_TIMEOUT_MS)
    return time.monotonic() - started


def list_row(page, text: str):
    """The segment list's row containing ``text``."""
    return page.locator("#segment-list tr[data-segment]", has_text=text).first


def english(page) -> str:
    """The English sentence in the editor."""
    return page.locator("#english .wb-english").inner_text()


def show(page, choice: str) -> None:
    """Pick ``choice`` in the segment filter."""
    page.locator("#filter input").click()
    page.get_by_role("option", name=choice, exact=True).click()


def test_review_the_demo_article_with_the_keyboard_and_reload(browser, start_app, tiny_model, artifacts_dir, expect):
    app = start_app(model=tiny_model)
    page = open_page(browser, app.url, "Ana Reviewer")
    seconds = paste_and_process(page, DEMO_ARTICLE.read_text(encoding="utf-8"))
    print(f"\npaste to reviewable document: {seconds:.1f}s")
    expect(page.locator("#offline-banner")).to_be_hidden()
    expect(page.locator("#mt .wb-mt")).not_to_have_text("")  # the tiny model's output is there

    # The MOFCOM quote's segment carries the official wording and names its document.
    show(page, "has official wording")
    list_row(page, "In an official statement").click()
    official = page.locator("#suggestions")
    expect(official).to_contain_text(OFFICIAL_QUOTE)
    expect(official).to_contain_text(OFFICIAL_TITLE)
    page.locator("#english", has_text="controlled items").wait_for()
    sentence = english(page)

    # Back to all segments: the editor stays on this one.
    show(page, "show all")
    with Store(app.db, read_only=True) as store:
        total = len(store.segments(store.list_documents()[0].id))
    expect(page.locator("#segment-list")).to_contain_text(f"of {total} shown")
    expect(page.locator("#english .wb-english")).to_have_text(sentence)

    # Edit the final Chinese, then approve with the keyboard (Ctrl+Enter = approve and next).
    edited = f"{OFFICIAL_QUOTE}。（审校：依法）"
    final = page.locator("#final textarea")
    final.fill(edited)
    final.press("Control+Enter")
    expect(page.locator("#status")).to_contain_text("Saved revision 1 (approved)")
    expect(page.locator("#english .wb-english")).not_to_have_text(sentence)  # moved on to the next segment
    page.keyboard.press("Alt+ArrowUp")  # and back
    expect(page.locator("#english .wb-english")).to_have_text(sentence)

    # After a reload the edit and its state are still there, the editor on the same segment.
    page.reload()
    page.locator("#english", has_text="Segment").wait_for()
    expect(page.locator("#reviewer input")).to_have_value("Ana Reviewer")  # the browser remembers the name
    expect(page.locator("#english .wb-english")).to_have_text(sentence)
    expect(page.locator("#segment-list tr.wb-current")).to_contain_text("approved")
    expect(page.locator("#final textarea")).to_have_value(edited)
    expect(page.locator("#english")).to_contain_text("approved")
    expect(page.locator("#revisions input")).to_have_value(re.compile("Ana Reviewer"))
    expect(page.locator("#doc-progress")).to_contain_text("1 / ")
    page.screenshot(path=str(artifacts_dir / "review-demo-article.png"), full_page=True)

    # The approved segment can be downloaded.
    page.get_by_role("button", name="Export the reviewed segments").click()
    page.locator("#export").click()
    expect(page.locator("#status")).to_contain_text("Exported 1 segment(s) as jsonl")
    with page.expect_download() as download:
        page.locator("#download-file a").first.click()
    exported = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert exported["translation"]["zh"] == edited

    # Riskiest first keeps the editor on its segment and shows the risk in words.
    page.locator("#order input").click()
    page.get_by_role("option", name="riskiest first").click()
    expect(page.locator("#qa")).to_contain_text("risk")
    expect(page.locator("#final textarea")).to_have_value(edited)

    with Store(app.db, read_only=True) as store:
        doc = store.list_documents()[0]
        history = [r for s in store.segments(doc.id) for r in store.revisions(s.id)]
    assert [(r.text, r.state, r.reviewer, r.action) for r in history] == [
        (edited, "approved", "Ana Reviewer", "approve")]
    page.context.close()


def test_two_reviewers_stale_save_is_refused_and_nothing_is_lost(browser, start_app, tiny_model, expect):
    app = start_app(model=tiny_model)
    ana = open_page(browser, app.url, "ana")
    paste_and_process(ana, "Officials met in London.\nBoth sides agreed to a framework.")
    with Store(app.db, read_only=True) as store:
        doc_id = store.list_documents()[0].id
    # bo reopens it from the list of stored documents.
    bo = open_page(browser, app.url, "bo")
    bo.locator("#documents input").click()
    bo.get_by_role("option", name="Officials met in London.").click()
    bo.locator("#open-document").click()
    bo.locator("#english", has_text="Segment 1 of 2").wait_for()

    ana.locator("#final textarea").fill("甲：官员在伦敦会面。")
    ana.locator("#save").click()
    expect(ana.locator("#status")).to_contain_text("Saved revision 1")

    bo.locator("#final textarea").fill("乙：官员们在伦敦举行会谈。")
    bo.locator("#save").click()
    status = bo.locator("#status")
    expect(status).to_contain_text("was saved by ana")
    expect(status).to_contain_text("甲：官员在伦敦会面。")
    expect(bo.locator("#final textarea")).to_have_value("乙：官员们在伦敦举行会谈。")  # bo's text is kept

    with Store(app.db, read_only=True) as store:
        segment = store.segments(doc_id)[0].id
        assert [r.text for r in store.revisions(segment)] == ["甲：官员在伦敦会面。"]

    # Having seen ana's text, bo saves deliberately; both versions stay in the history.
    bo.locator("#save").click()
    expect(status).to_contain_text("Saved revision 2")
    with Store(app.db, read_only=True) as store:
        assert [(r.text, r.reviewer) for r in store.revisions(segment)] == [
            ("甲：官员在伦敦会面。", "ana"), ("乙：官员们在伦敦举行会谈。", "bo")]
    ana.context.close()
    bo.context.close()


HOSTILE_ARTICLE = (
    'Officials said <script>window.__pwned = "script"</script> the deal is done.\n'
    'A second line <img src=x onerror="window.__pwned = \'img\'"> follows here.\n'
    "China’s Ministry of Commerce announced, “China will review and approve applications for the export of "
    "controlled items.”"
)
HOSTILE_CORPUS_TEXT = '<img src=z onerror="window.__pwned = \'corpus\'">'


def hostile_corpus(folder):
    """A copy of the shipped corpus whose London-framework statement carries markup in title and text."""
    shutil.copytree(ROOT / "corpora", folder)  # the glossary and dictionaries come along
    path = folder / "official" / "mofcom-2025-06-27-london-framework.zh.txt"
    raw = path.read_text(encoding="utf-8")
    raw = raw.replace(f"title: {OFFICIAL_TITLE}", f"title: {OFFICIAL_TITLE}{HOSTILE_CORPUS_TEXT}")
    raw = raw.replace(f"{OFFICIAL_QUOTE}。", f"{OFFICIAL_QUOTE}{HOSTILE_CORPUS_TEXT}。")
    path.write_text(raw, encoding="utf-8")
    return folder
HOSTILE_MT = '<img src=y onerror="window.__pwned = \'mt\'"><script>window.__pwned = "mt-script"</script>'


def test_hostile_article_mt_and_corpus_render_as_text_and_offline_mode_is_honest(browser, start_app, tmp_path,
                                                                               expect):
    corpus = hostile_corpus(tmp_path / "corpus")
    app = start_app(model=tmp_path / "no-such-model", env={"WORKBENCH_CORPUS": str(corpus)})  # no model to load
    page = open_page(browser, app.url, "ana")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    banner = page.locator("#offline-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Machine translation is unavailable")

    paste_and_process(page, HOSTILE_ARTICLE)
    expect(page.locator("#english .wb-english")).to_have_text(
        'Officials said <script>window.__pwned = "script"</script> the deal is done.')
    expect(list_row(page, "<img src=x onerror=")).to_be_visible()  # shown as text in the list

    # MT imported from a batch file is hostile too.
    with Store(app.db, read_only=True) as store:
        doc_id = store.list_documents()[0].id
        first = store.segments(doc_id)[0].text
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "1", "source": first, "translation": HOSTILE_MT, "model": "batch",
                                 "backend": "ctranslate2", "score": -0.3}) + "\n", encoding="utf-8")
    page.get_by_role("button", name="Import translations").click()
    page.locator("#import-file input[type=file]").set_input_files(str(batch))
    page.locator("#import").click()
    expect(page.locator("#status")).to_contain_text("Imported 1 translation")
    expect(page.locator("#mt .wb-mt")).to_have_text(HOSTILE_MT)
    expect(page.locator("#suggestions")).to_contain_text(HOSTILE_MT)  # the MT as a suggestion, as text
    page.locator("#final textarea").fill(HOSTILE_MT)
    page.locator("#save").click()
    expect(page.locator("#status")).to_contain_text("Saved revision 1")
    expect(list_row(page, "<img src=y")).to_be_visible()  # the saved final, as text in the list

    # Official wording and its document title, both carrying markup, are shown as text.
    show(page, "has official wording")
    expect(page.locator("#suggestions")).to_contain_text(f"{OFFICIAL_QUOTE}{HOSTILE_CORPUS_TEXT}")
    expect(page.locator("#suggestions")).to_contain_text(f"{OFFICIAL_TITLE}{HOSTILE_CORPUS_TEXT}")

    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x], img[src=y], img[src=z]").count() == 0
    assert dialogs == []
    page.context.close()


def test_with_credentials_the_login_name_is_the_reviewer_of_an_uploaded_page_and_a_cited_insert(browser, start_app, expect):
    app = start_app("--auth", "ana.li:s3cret", "--no-mt")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(STEP_TIMEOUT_MS)
    page.goto(app.url)
    page.get_by_label("username").fill("ana.li")
    page.get_by_label("password").fill("s3cret")
    page.get_by_role("button", name="Login").click()
    page.locator("#store-info", has_text="in the store").wait_for(state="attached")
    expect(page.locator("#reviewer input")).to_have_value("ana.li")
    expect(page.locator("#reviewer input")).to_be_disabled()
    # Upload an HTML page rather than pasting: its markup is cleaned away on the server.
    article = app.db.parent / "statement.html"
    article.write_text("<html><head><title>MOFCOM</title></head><body><p>The Ministry of Commerce issued a "
                       "statement.</p><script>window.__pwned = 1</script></body></html>", encoding="utf-8")
    page.locator("#upload input[type=file]").set_input_files(str(article))
    page.locator("#process").click()
    page.locator("#english", has_text="Segment 1 of 1").wait_for(timeout=PROCESS_TIMEOUT_MS)
    expect(page.locator("#english .wb-english")).to_have_text("The Ministry of Commerce issued a statement.")
    page.locator("#final textarea").fill("商务部发表声明。")
    page.locator("#save").click()
    expect(page.locator("#status")).to_contain_text("Saved revision 1")

    # Official wording found by searching the corpus goes in with its citation.
    page.get_by_role("button", name="Search the official corpus").click()
    page.locator("#corpus-search-query textarea").fill("奉陪到底")
    page.locator("#corpus-search-run").click()
    page.get_by_role("gridcell").filter(has_text="奉陪到底").first.click()
    page.locator("#corpus-search-insert").click()
    expect(page.locator("#status")).to_contain_text("Saved revision 2")
    expect(page.locator("#final textarea")).to_have_value(re.compile("奉陪到底"))
    with Store(app.db, read_only=True) as store:
        segment = store.segments(store.list_documents()[0].id)[0].id
        history = store.revisions(segment)
    assert [(r.reviewer, r.action) for r in history] == [("ana.li", "edit"), ("ana.li", "insert_official")]
    assert "奉陪到底" in history[1].text and history[1].citation["doc_id"].startswith("mofcom-")
    assert history[1].citation["version"] and history[1].citation["sentence_ids"]
    context.close()
