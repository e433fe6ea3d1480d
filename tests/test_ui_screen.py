"""The review screen's view model: every state and action, without a browser."""

from __future__ import annotations

import dataclasses

import pytest

from tests.fixtures.store import SAMPLE_SENTENCES, sample_document
from workbench.pipeline import Resources
from workbench.settings import Settings
from workbench.store import NewLink
from workbench.ui import render, screen
from workbench.users import Actor

ANA = Actor("ana")
QUOTE_ZH = "中方将依法审批符合条件的管制物项出口申请。"
CLAUSE_SPAN = (0, 42)  # "China will review and approve applications"


@pytest.fixture
def resources(store):
    """The sample document, its first sentence linked for a clause only (the link's evidence has a span)."""
    doc = sample_document()
    doc = dataclasses.replace(doc, links=[NewLink(0, QUOTE_ZH, 0.91, "mofcom-2025-06-27-london-framework", "abc123",
                                                  (3,), evidence={"span": list(CLAUSE_SPAN)})])
    store.add_document(doc)
    return Resources(Settings.resolve(), store, None)


@pytest.fixture
def session(resources):
    return screen.open_document(resources, screen.ReviewSession(), "doc-sample")


def test_without_a_document_the_screen_is_empty(resources):
    shown = screen.review_screen(resources, screen.ReviewSession())
    assert shown == screen.ReviewScreen()
    assert not shown.has_segment and render.english_panel(shown) == "" and render.qa_panel(shown) == ""


def test_an_opened_document_shows_the_list_the_segment_and_numbered_suggestions(resources, session):
    shown = screen.review_screen(resources, session)
    assert (shown.title, shown.total, shown.approved, shown.header) == ("Sample", 3, 0, "Segment 1 of 3")
    assert [(r.number, r.state_word, r.current) for r in shown.rows] == [
        (1, "not reviewed", True), (2, "not reviewed", False), (3, "not reviewed", False)]
    assert shown.list_words == "1–3 of 3 shown"
    assert shown.english == SAMPLE_SENTENCES[0] and shown.mt == "机器译文0" and shown.final == "机器译文0"
    assert [(s.number, s.kind, s.text, s.span) for s in shown.suggestions] == [
        (1, "official", QUOTE_ZH, CLAUSE_SPAN), (2, "term", "管制物项出口申请", (30, 77)),
        (3, "term", "管制物项", (61, 77)), (4, "mt", "机器译文0", None)]
    assert [(t.en, t.zh, t.official) for t in shown.terms] == [
        ("applications for the export of controlled items", "管制物项出口申请", False),
        ("controlled items", "管制物项", True)]
    assert shown.suggestions[0].detail == "for “China will review and approve applications” · score 0.91"
    # The clause the official wording covers is underlined in the English, and the list marks the current row.
    english = render.english_panel(shown)
    assert ('<span class="wb-clause" title="official wording: suggestion 1">China will review and approve </span>'
            '<span class="wb-clause" title="official wording: suggestion 1"><mark class="wb-term">applications</mark>'
            '</span><mark class="wb-term"> for the export of controlled items</mark>.') in english
    assert render.segment_list(shown).count('id="wb-current-row"') == 1
    assert 'data-insert="1" data-text="中方将依法审批符合条件的管制物项出口申请。"' in render.suggestions_panel(shown)


def test_qa_and_risk_describe_the_final_not_the_mt(resources, session):
    mt_shown = screen.review_screen(resources, session)
    assert any("should contain 管制物项" in line for line in mt_shown.qa_lines)
    assert mt_shown.risk_words.startswith("high risk")
    fixed = screen.review_screen(resources, session, final=QUOTE_ZH)
    assert not any("管制物项" in line for line in fixed.qa_lines)
    assert fixed.final == QUOTE_ZH


def test_moving_jumping_and_the_next_pending_segment(resources, session):
    assert screen.move(resources, session, "next").index == 1
    assert screen.move(resources, session, "previous").index == 0  # stays at the first
    last = screen.jump(session, session.segment_ids[2])
    assert screen.move(resources, last, "next").index == 2  # stays at the last
    assert screen.jump(session, 999_999).index == 0  # a segment not shown changes nothing
    approved = screen.act(resources, screen.jump(session, session.segment_ids[1]), ANA, "approve",
                          "美国将取消一系列限制性措施。").session
    assert approved.index == 1
    # From segment 1 the next pending one skips the approved segment 2.
    assert screen.move(resources, dataclasses.replace(approved, index=0), "pending").index == 2
    with pytest.raises(screen.InputError, match="unknown move 'sideways'"):
        screen.move(resources, session, "sideways")


def test_a_filter_keeps_the_editor_on_its_segment_when_shown(resources, session):
    official = screen.set_view(resources, session, "official", "document")
    shown = screen.review_screen(resources, official)
    assert shown.list_words == "1–1 of 1 shown (3 in the document)" and shown.header == "Segment 1 of 3 (1 of 1 shown)"
    back = screen.set_view(resources, official, "all", "document")
    assert back.segment_id == session.segment_id


def test_approving_the_untouched_flagged_mt_asks_first_then_stores_the_problems(resources, session, store):
    first = screen.act(resources, session, ANA, "approve", "机器译文0", then_next=True)
    assert first.session.index == 0 and store.count_revisions() == 0  # nothing saved yet
    assert first.screen.confirm[0] == "the final is the untouched machine translation and has 3 QA flags"
    assert first.screen.message == ("Approve anyway? 3 problem(s) are listed under the editor; press approve again "
                                    "to confirm.") and first.screen.message_kind == "warn"
    assert "<b>Approve anyway?</b>" in render.qa_panel(first.screen)
    second = screen.act(resources, first.session, ANA, "approve", "机器译文0", then_next=True)
    assert second.screen.message == "Saved revision 1 (approved)." and second.session.index == 1
    (revision,) = store.revisions(session.segment_id)
    assert revision.state == "approved" and revision.reason.startswith("approved over: the final is the untouched")


def test_a_changed_final_is_asked_about_again(resources, session, store):
    first = screen.act(resources, session, ANA, "approve", "机器译文0")
    again = screen.act(resources, first.session, ANA, "approve", "机器译文0 2025")
    assert again.screen.confirm != first.screen.confirm and store.count_revisions() == 0


def test_a_clean_final_is_approved_at_once(resources, session, store):
    done = screen.act(resources, session, ANA, "approve", QUOTE_ZH, then_next=True)
    assert done.screen.message == "Saved revision 1 (approved)." and done.screen.confirm == ()
    assert done.screen.approved == 1 and done.screen.rows[0].state_word == "approved"


def test_reject_keeps_the_reason_and_history_previews_and_reverts(resources, session, store):
    edited = screen.act(resources, session, ANA, "edit", "第一稿。").session
    rejected = screen.act(resources, edited, ANA, "reject", "第二稿。", reason="wrong term", category="terminology")
    assert rejected.screen.message == "Saved revision 2 (rejected)."
    assert [h.label.split(" · ")[:4] for h in rejected.screen.history] == [
        ["r2", "rejected", "ana", "reject"], ["r1", "edited", "ana", "edit"]]
    assert rejected.screen.history[0].label.endswith("wrong term")
    preview = screen.review_screen(resources, rejected.session, preview=1).preview
    assert (preview.number, preview.text, preview.reviewer, preview.action) == (1, "第一稿。", "ana", "edit")
    assert preview.diff == [("equal", "第"), ("delete", "一"), ("insert", "二"), ("equal", "稿。")]
    assert "<del class=\"wb-del\">一</del>" in render.preview_panel(screen.review_screen(resources, rejected.session,
                                                                                          preview=1))
    reverted = screen.act(resources, rejected.session, ANA, "revert", "", revision=1)
    assert reverted.screen.final == "第一稿。" and reverted.screen.message == "Saved revision 3 (edited)."


def test_a_stale_save_keeps_the_reviewers_text(resources, session):
    screen.act(resources, session, Actor("bo"), "edit", "乙稿。")
    refused = screen.act(resources, session, ANA, "edit", "甲稿。")
    assert refused.screen.message_kind == "error" and "bo" in refused.screen.message
    assert refused.screen.final == "甲稿。"


def test_a_term_correction_is_offered_to_the_other_segments_and_applied(resources, session, store):
    # Segment 3's MT also says 机器译文; correcting 机器 → 人工 in segment 1 offers it there and in segment 2.
    saved = screen.act(resources, session, ANA, "edit", "人工译文0")
    assert saved.session.offer_words == ("机器", "人工")
    assert saved.screen.offers == ("#2: …[机器 → 人工]译文1… (1×)", "#3: …[机器 → 人工]译文2… (1×)")
    assert "also appears in 2 other segment(s)" in saved.screen.message
    applied = screen.apply_offers(resources, saved.session, ANA)
    assert applied.screen.message == "Applied 机器 → 人工 in 2 segment(s)." and applied.screen.offers == ()
    assert [r.review.text for r in screen.pipeline.open_document(store, "doc-sample").rows] == [
        "人工译文0", "人工译文1", "人工译文2"]
    assert screen.apply_offers(resources, applied.session, ANA).screen.message == "No term change to apply."
    typed = screen.find_offers(resources, applied.session, "人工", "人手", "稿")
    assert typed.screen.message == "2 other segment(s) use 人工." and typed.screen.final == "稿"
    assert screen.find_offers(resources, applied.session, " ", "人手", "稿").screen.message_kind == "warn"


def test_adding_a_term_records_who_and_refuses_an_empty_one(resources, session, store):
    empty = screen.add_term(resources, session, ANA, "  ", "管制物项", "稿")
    assert empty.screen.message_kind == "warn" and empty.screen.final == "稿"
    added = screen.add_term(resources, session, ANA, "controlled items", "管制物项", "稿")
    assert added.screen.message == "Added the term controlled items = 管制物项 (user term, not official)."
    (term,) = store.user_terms()
    assert {"controlled items", "管制物项", "USER", "ana"} <= set(term)


def test_each_session_keeps_its_own_memory(resources, session, store):
    other = screen.open_document(resources, screen.ReviewSession(), "doc-sample")
    assert other.memory is not session.memory
    assert screen.open_document(resources, session, "doc-sample").memory is session.memory  # reopening keeps it


def test_an_approval_joins_this_sessions_memory_at_once(resources, session):
    assert len(session.memory) == 0
    approved = screen.act(resources, screen.jump(session, session.segment_ids[2]), ANA, "approve", "会谈于6月9日和10日在伦敦举行。")
    assert approved.screen.message == "Saved revision 1 (approved)."
    (match,) = approved.session.memory.lookup(SAMPLE_SENTENCES[2])
    assert (match.entry.zh, match.exact, match.entry.document_id) == ("会谈于6月9日和10日在伦敦举行。", True, "doc-sample")


def test_a_memory_match_is_a_numbered_suggestion_with_its_percent(resources, store):
    store.add_document(dataclasses.replace(sample_document("doc-other"), source_text="other"))
    other = screen.open_document(resources, screen.ReviewSession(), "doc-other")
    approved = screen.act(resources, screen.jump(other, other.segment_ids[2]), ANA, "approve", "会谈于6月9日和10日在伦敦举行。")
    assert approved.screen.message == "Saved revision 1 (approved)."
    fresh = screen.open_document(resources, screen.ReviewSession(), "doc-sample")
    shown = screen.review_screen(resources, screen.jump(fresh, fresh.segment_ids[2]))
    assert [(s.kind, s.label, s.text) for s in shown.suggestions] == [
        ("memory", "memory 100%", "会谈于6月9日和10日在伦敦举行。"), ("mt", "machine translation", "机器译文2")]
    assert shown.final == "会谈于6月9日和10日在伦敦举行。"  # an exact match is filled in, not approved


def test_document_text_in_the_screen_is_escaped(resources, session):
    hostile = '<img src=x onerror="alert(1)">'
    shown = dataclasses.replace(screen.review_screen(resources, session), english=hostile, mt=hostile,
                                title=hostile, qa_lines=(hostile,))
    for html in (render.english_panel(shown), render.mt_panel(shown), render.screen_progress(shown),
                 render.qa_panel(shown), render.segment_list(shown)):
        assert "<img" not in html


def test_a_comment_thread_per_segment(resources, session):
    empty = screen.comment(resources, session, ANA, "  ", "稿")
    assert empty.screen.message_kind == "warn" and empty.screen.final == "稿"
    added = screen.comment(resources, session, ANA, "Check the term with the desk.", "稿")
    assert added.screen.message == "Comment added." and added.screen.final == "稿"
    assert [(c.author, c.text) for c in added.screen.comments] == [("ana", "Check the term with the desk.")]
    assert screen.review_screen(resources, screen.move(resources, session, "next")).comments == ()


def test_find_and_replace_across_the_documents_finals(resources, session, store):
    found = screen.find(resources, session, "译文", "稿")
    assert found.screen.message == "Found in 3 segment(s)."
    assert [(h.position, h.spans) for h in found.screen.found] == [(0, ((2, 4),)), (1, ((2, 4),)), (2, ((2, 4),))]
    assert "<mark>译文</mark>" in render.found_panel(found.screen)
    bad = screen.find(resources, session, "(", "稿", regex=True)
    assert bad.screen.message_kind == "warn"
    replaced = screen.replace(resources, session, ANA, "机器译文", "译稿")
    assert replaced.screen.message == "Replaced in 3 segment(s), each a new revision."
    assert [r.action for r in store.revisions(session.segment_ids[2])] == ["replace"]
    assert replaced.screen.final == "译稿0"


def test_the_reading_view_marks_what_is_not_approved_and_the_docx_holds_the_article(resources, session, tmp_path):
    import docx

    screen.act(resources, session, ANA, "approve", QUOTE_ZH)
    html = render.reading_view(screen.pipeline.reading_view(resources.store, "doc-sample"))
    assert f"<p lang=\"zh\">{QUOTE_ZH}" in html
    assert '<span class="wb-unapproved" title="not approved yet">机器译文1</span>' in html
    resources = dataclasses.replace(resources, settings=dataclasses.replace(resources.settings, output_dir=tmp_path))
    made = screen.deliverable(resources, session, ANA, "docx")
    assert made.kind == "ok" and made.message.endswith(".zh.docx is ready to download.")
    text = "\n".join(paragraph.text for paragraph in docx.Document(made.path).paragraphs)
    assert QUOTE_ZH in text and "机器译文1" in text
    assert screen.deliverable(resources, screen.ReviewSession(), ANA, "docx") == screen.Download(
        None, "Open a document first.", "warn")


def test_processing_an_article_twice_says_it_reopened_it(resources):
    article = "Officials met in London.\nBoth sides agreed to a framework."
    first = screen.process_article(resources, screen.ReviewSession(), ANA, article)
    assert first.screen.message == "2 segments ready for review." and first.screen.total == 2
    again = screen.process_article(resources, screen.ReviewSession(), ANA, article)
    assert again.screen.message == "This article was already here: opened it, with its reviews (2 segments)."
    assert again.session.doc_id == first.session.doc_id
