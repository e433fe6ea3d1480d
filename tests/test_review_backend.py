"""The post-editing screen's back end: QA on the final, approval confirmations, history, terms, deliverables."""

from __future__ import annotations

import pytest

from workbench import pipeline
from workbench.errors import InputError
from workbench.pipeline import Resources
from workbench.settings import Settings

ENGLISH = ("China will review and approve applications for the export of controlled items, "
           "with 24 percent tariffs on June 9, 2025.")
OFFICIAL = "中方将依法审批符合条件的管制物项出口申请。"


@pytest.fixture
def resources(sample_store):
    """What the UI opens once: settings, the sample store, no corpus and no translator."""
    return Resources(Settings.resolve(), sample_store, None)


# --- QA on the final Chinese -------------------------------------------------------------------------

def test_final_qa_checks_the_final_not_the_mt(resources):
    gibberish = pipeline.final_qa(resources, ENGLISH, "机器译文", official=OFFICIAL)
    assert [f.check for f in gibberish.flags] == ["number", "number", "term", "length"]
    assert gibberish.risk_words == ("high risk: 2 numbers missing, term 管制物项 missing, length off, "
                                    "0% similar to the official wording")
    assert gibberish.errors == (
        "'24 percent' (source chars 84–94) is not in the translation (looked for 24%)",
        "'June 9, 2025' (source chars 106–118) is not in the translation (looked for 2025-06-09)",
        "'controlled items' is an official term (OFFICIAL-BILINGUAL); the translation should contain 管制物项")
    assert gibberish.risk == pytest.approx(0.98656)

    fixed = pipeline.final_qa(resources, ENGLISH, "中方将依法审批符合条件的管制物项出口申请，2025年6月9日起征收24%关税。")
    assert fixed.flags == () and fixed.errors == ()
    assert (fixed.risk, fixed.risk_words) == (0.0, "low risk")


def test_final_qa_names_warnings_without_making_them_errors(resources):
    qa = pipeline.final_qa(resources, "Talks were held in London.", "会谈在伦敦举行,双方。")
    assert [f.check for f in qa.flags] == ["punctuation"] and qa.errors == ()
    assert qa.risk_words == "low risk: punctuation"
    assert pipeline.final_qa(resources, "Talks were held.", "").risk_words == "high risk: empty"


def test_final_qa_sees_a_term_added_after_the_term_base_was_loaded(resources):
    assert pipeline.final_qa(resources, "The fentanyl tariff stays.", "芬太尼关税保留。").flags == ()
    pipeline.add_term(resources.store, en="fentanyl tariff", zh="芬太尼相关关税", added_by="li",
                      attestation="XINHUA", source="Xinhua, 2025-03-04")
    qa = pipeline.final_qa(resources, "The fentanyl tariff stays.", "芬太尼关税保留。")
    assert qa.risk_words == "high risk: term 芬太尼相关关税 missing"


def test_error_level_checks_are_the_ones_that_change_the_meaning():
    from workbench.qa.registry import CHECKS

    assert {name for name, spec in CHECKS.items() if spec.level == "error"} == {
        "empty", "number", "term", "untranslated", "repetition"}


# --- approving needs a confirmation when the final still has problems -----------------------------

def test_approving_untouched_flagged_mt_names_every_problem(resources):
    row = pipeline.open_document(resources.store, "doc-sample").rows[0]  # MT 机器译文0, an official term
    qa = pipeline.final_qa(resources, row.segment.text, row.mt.text)
    assert pipeline.approval_problems(row, row.mt.text, qa) == (
        "the final is the untouched machine translation and has 3 QA flags",
        "'0' in the translation is not in the source",
        "'controlled items' is an official term (OFFICIAL-BILINGUAL); the translation should contain 管制物项")


def test_an_edited_final_needs_confirming_only_for_errors(resources):
    first, _, third = pipeline.open_document(resources.store, "doc-sample").rows
    good = "中方将依法审批符合条件的管制物项出口申请。"
    assert pipeline.approval_problems(first, good, pipeline.final_qa(resources, first.segment.text, good)) == ()
    warned = "中方将依法审批符合条件的管制物项出口申请,"  # half-width comma: a warning only
    assert pipeline.approval_problems(first, warned, pipeline.final_qa(resources, first.segment.text, warned)) == ()
    dateless = "会谈在伦敦举行。"
    assert pipeline.approval_problems(third, dateless, pipeline.final_qa(resources, third.segment.text, dateless)) == (
        "'June 9 and 10' (source chars 29–42) is not in the translation (looked for --06-09, --06-10)",)


# --- rejecting with a category, approving over confirmed problems -------------------------------------

def test_rejection_keeps_its_category_and_reason_in_history_and_audit(sample_store):
    segment = pipeline.open_document(sample_store, "doc-sample").rows[0].segment.id
    pipeline.save_review(sample_store, segment, action="reject", reviewer="li", base_revision=0, text="机器译文0",
                         reason="管制物项, not 受控物品", category="terminology")
    (revision,) = pipeline.revisions(sample_store, segment)
    assert (revision.state, revision.reason, revision.category) == ("rejected", "管制物项, not 受控物品", "terminology")
    (event,) = [e for e in pipeline.audit_trail(sample_store, "doc-sample") if e.action == "reject"]
    assert event.detail == {"state": "rejected", "text": "机器译文0", "reason": "管制物项, not 受控物品",
                            "category": "terminology"}
    assert pipeline.audit_rows([event])[0][-2:] == ["管制物项, not 受控物品", '{"category": "terminology"}']
    assert pipeline.REJECT_CATEGORIES == ("accuracy", "terminology", "fluency", "style", "locale")


@pytest.mark.parametrize(("action", "category", "message"), [
    ("reject", "spelling", "unknown rejection category 'spelling'; use one of accuracy, terminology"),
    ("approve", "style", "a category says why a translation was rejected; 'approve' takes none"),
])
def test_a_category_outside_the_list_or_on_another_action_is_refused(sample_store, action, category, message):
    segment = pipeline.open_document(sample_store, "doc-sample").rows[0].segment.id
    with pytest.raises(InputError, match=message):
        pipeline.save_review(sample_store, segment, action=action, reviewer="li", base_revision=0, category=category)
    assert pipeline.revisions(sample_store, segment) == []


def test_an_approval_over_confirmed_problems_records_them(resources):
    row = pipeline.open_document(resources.store, "doc-sample").rows[0]
    problems = pipeline.approval_problems(row, row.mt.text, pipeline.final_qa(resources, row.segment.text, row.mt.text))
    pipeline.save_review(resources.store, row.segment.id, action="approve", reviewer="li", base_revision=0,
                         text=row.mt.text, confirmed=problems[:2])
    (revision,) = pipeline.revisions(resources.store, row.segment.id)
    assert (revision.state, revision.reason) == ("approved", "approved over: the final is the untouched machine "
                                                 "translation and has 3 QA flags; '0' in the translation is not in "
                                                 "the source")


# --- readable numbers -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("score", "percent", "word"), [
    (-0.05, 95, "high"), (-0.3567, 70, "high"), (-0.5, 61, "medium"), (-0.9163, 40, "medium"), (-1.0, 37, "low"),
    (-7.21, 0, "low"), (0.2, 100, "high")])
def test_mt_confidence_is_a_percentage_and_a_word_with_the_raw_score_in_the_tooltip(sample_store, score, percent,
                                                                                   word):
    from dataclasses import replace

    mt = replace(sample_store.translations("doc-sample")[1], score=score)
    confidence = pipeline.mt_confidence(mt)
    assert (confidence.percent, confidence.word, confidence.raw) == (percent, word, score)
    assert confidence.tooltip == (f"{word} confidence: the model gave its tokens {percent}% on average "
                                  f"(average log-probability {score:.2f})")


def test_mt_confidence_without_a_score_says_so(sample_store):
    from dataclasses import replace

    imported = replace(sample_store.translations("doc-sample")[1], score=None, origin="import")
    assert pipeline.mt_confidence(imported) == pipeline.mt_confidence(None).__class__(
        0, "unknown", None, "no model score for this import translation")
    assert pipeline.mt_confidence(None).tooltip == "no machine translation"


# --- the glossary panel ----------------------------------------------------------------------------------

def test_segment_terms_give_span_chinese_and_attestation_and_never_call_unverified_official(resources):
    english = "China will review applications for the export of controlled items and rare earths."
    hits = pipeline.segment_terms(resources, english)
    assert [(h.en, h.zh, h.attestation, h.official, english[h.start:h.end]) for h in hits] == [
        ("applications for the export of controlled items", "管制物项出口申请", "MEDIA-EN", False,
         "applications for the export of controlled items"),
        ("controlled items", "管制物项", "OFFICIAL-BILINGUAL", True, "controlled items"),
        ("rare earths", "稀土", "UNVERIFIED", False, "rare earths")]
    assert hits[1].source.startswith("OFFICIAL-BILINGUAL: Export Control Law Art.2")
    assert hits[1].added_by is None


def test_a_reviewers_term_appears_with_who_and_when_and_is_not_official(resources):
    pipeline.add_term(resources.store, en="range of sanctions", zh="一系列限制性措施", added_by="li")
    (hit,) = pipeline.segment_terms(resources, "It cancels a range of sanctions.")
    assert (hit.en, hit.zh, hit.attestation, hit.official, hit.source, hit.added_by) == (
        "range of sanctions", "一系列限制性措施", "USER", False, "", "li")
    assert hit.added_at.startswith("20") and (hit.start, hit.end) == (13, 31)


# --- history that shows ----------------------------------------------------------------------------------

def test_revision_preview_shows_the_full_revision_and_its_diff_to_the_current_text(sample_store):
    segment = pipeline.open_document(sample_store, "doc-sample").rows[0].segment.id
    pipeline.save_review(sample_store, segment, action="edit", reviewer="li", base_revision=0,
                         text="中方将审批受控物品出口申请。")
    pipeline.save_review(sample_store, segment, action="reject", reviewer="wang", base_revision=1,
                         reason="the official term", category="terminology")
    pipeline.save_review(sample_store, segment, action="edit", reviewer="li", base_revision=2,
                         text="中方将依法审批管制物项出口申请。")
    first = pipeline.revision_preview(sample_store, segment, 1)
    assert (first.number, first.text, first.reviewer, first.action, first.state, first.reason, first.category) == (
        1, "中方将审批受控物品出口申请。", "li", "edit", "edited", None, None)
    assert first.diff == [("equal", "中方将"), ("insert", "依法"), ("equal", "审批"), ("delete", "受控"),
                          ("insert", "管制"), ("equal", "物"), ("delete", "品"), ("insert", "项"), ("equal", "出口申请。")]
    assert first.created_at == pipeline.revisions(sample_store, segment)[0].created_at
    second = pipeline.revision_preview(sample_store, segment, 2)
    assert (second.reviewer, second.state, second.reason, second.category) == (
        "wang", "rejected", "the official term", "terminology")
    assert pipeline.revision_preview(sample_store, segment, 3).diff == [("equal", "中方将依法审批管制物项出口申请。")]
    with pytest.raises(InputError, match=f"segment {segment} has no revision 7; pick one of: 1, 2, 3"):
        pipeline.revision_preview(sample_store, segment, 7)


# --- comments ---------------------------------------------------------------------------------------------

def test_a_segment_has_a_comment_thread_oldest_first(sample_store):
    first, second, _ = (row.segment.id for row in pipeline.open_document(sample_store, "doc-sample").rows)
    one = pipeline.add_comment(sample_store, first, author="li", text="  Is 管制物项 right here?  ")
    pipeline.add_comment(sample_store, first, author="wang", text="Yes: Export Control Law, Art. 2.\nKeep it.")
    assert [(c.segment_id, c.author, c.text) for c in pipeline.comments(sample_store, first)] == [
        (first, "li", "Is 管制物项 right here?"), (first, "wang", "Yes: Export Control Law, Art. 2.\nKeep it.")]
    assert one.id and one.created_at.startswith("20")
    assert pipeline.comments(sample_store, second) == []


@pytest.mark.parametrize(("author", "text", "message"), [
    ("li", "   ", "the comment is empty; type what you want to say"),
    ("", "a note", "no author given for the comment"),
    ("li", "bad\x00byte", "control character U\\+0000"),
])
def test_an_empty_comment_or_one_without_author_is_refused(sample_store, author, text, message):
    segment = pipeline.open_document(sample_store, "doc-sample").rows[0].segment.id
    with pytest.raises(InputError, match=message):
        pipeline.add_comment(sample_store, segment, author=author, text=text)
    assert pipeline.comments(sample_store, segment) == []


# --- find and replace across the document's finals -------------------------------------------------------

def _finals(store, doc="doc-sample"):
    return [pipeline.current_text(row) for row in pipeline.open_document(store, doc).rows]


def test_find_looks_in_saved_finals_and_else_the_mt(sample_store):
    first, second, third = (row.segment.id for row in pipeline.open_document(sample_store, "doc-sample").rows)
    pipeline.save_review(sample_store, first, action="edit", reviewer="li", base_revision=0,
                         text="中方将审批受控物品。受控物品。")
    found = pipeline.find_in_document(sample_store, "doc-sample", "受控物品")
    assert [(f.segment_id, f.position, f.text, f.spans) for f in found] == [
        (first, 0, "中方将审批受控物品。受控物品。", ((5, 9), (10, 14)))]
    assert [f.segment_id for f in pipeline.find_in_document(sample_store, "doc-sample", "机器译文")] == [second, third]
    assert [f.spans for f in pipeline.find_in_document(sample_store, "doc-sample", r"译文[12]", regex=True)] == [
        ((2, 5),), ((2, 5),)]
    pipeline.save_review(sample_store, second, action="edit", reviewer="li", base_revision=0, text="WTO rules")
    assert pipeline.find_in_document(sample_store, "doc-sample", "wto") == []
    assert [f.segment_id for f in pipeline.find_in_document(sample_store, "doc-sample", "wto", case=False)] == [second]


def test_replace_makes_one_revision_per_changed_segment_in_one_go(sample_store):
    first, second, third = (row.segment.id for row in pipeline.open_document(sample_store, "doc-sample").rows)
    pipeline.save_review(sample_store, first, action="approve", reviewer="li", base_revision=0, text="机器译文零")
    saved = pipeline.replace_in_document(sample_store, "doc-sample", "机器", "人工", reviewer="wang")
    assert [(r.segment_id, r.revision, r.text, r.state) for r in saved] == [
        (first, 2, "人工译文零", "edited"), (second, 1, "人工译文1", "edited"), (third, 1, "人工译文2", "edited")]
    last = pipeline.revisions(sample_store, first)[-1]
    assert (last.action, last.reviewer, last.reason) == ("replace", "wang", "replaced '机器' with '人工'")
    assert pipeline.replace_in_document(sample_store, "doc-sample", r"译文(\d)", r"稿\1", reviewer="wang",
                                        regex=True, segment_ids=[third])[0].text == "人工稿2"
    assert _finals(sample_store) == ["人工译文零", "人工译文1", "人工稿2"]
    assert pipeline.replace_in_document(sample_store, "doc-sample", "不在", "x", reviewer="wang") == []


def test_a_conflict_refuses_the_whole_replacement(sample_store, monkeypatch):
    from workbench.errors import ConflictError

    rows = pipeline.open_document(sample_store, "doc-sample").rows
    real = pipeline.open_document

    def stale(store, document_id):  # another reviewer saves the third segment after the document was read
        view = real(store, document_id)
        store.save_review(rows[2].segment.id, text="别人的", state="edited", reviewer="zhao", base_revision=0)
        monkeypatch.setattr(pipeline, "open_document", real)
        return view

    monkeypatch.setattr(pipeline, "open_document", stale)
    with pytest.raises(ConflictError, match="was saved by zhao"):
        pipeline.replace_in_document(sample_store, "doc-sample", "机器", "人工", reviewer="wang")
    assert _finals(sample_store) == ["机器译文0", "机器译文1", "别人的"]


@pytest.mark.parametrize(("needle", "replacement", "regex", "message"), [
    ("(", "x", True, r"'\(' is not a valid regular expression .*; fix it or untick 'regex'"),
    ("", "x", False, "nothing to find"),
    ("机器", r"\2", True, "names a group the expression lacks"),
])
def test_a_bad_search_is_one_line(sample_store, needle, replacement, regex, message):
    with pytest.raises(InputError, match=message):
        pipeline.replace_in_document(sample_store, "doc-sample", needle, replacement, reviewer="wang", regex=regex)
    assert _finals(sample_store) == ["机器译文0", "机器译文1", "机器译文2"]


# --- the document's title, and an article pasted twice ---------------------------------------------------

def test_a_document_is_titled_by_the_articles_headline_and_a_second_paste_says_it_reopened(store):
    from tests.conftest import DEMO_ARTICLE

    article = DEMO_ARTICLE.read_text(encoding="utf-8")
    first = pipeline.process_article(article, store=store, corpus=None)
    assert (first.reopened, first.notice) == (False, None)
    assert pipeline.open_document(store, first).document.title == (
        "China and U.S. Finalize Trade Agreement to Ease Export Restrictions")
    again = pipeline.process_article(article, store=store, corpus=None)
    assert again == first == again.doc_id and isinstance(again, str)
    assert (again.reopened, again.notice) == (True, "this article was already here: opened it, with its reviews")


@pytest.mark.parametrize(("article", "title"), [
    ("Trade talks resume in London\n\nBy Jane Doe\n\nOfficials met on Monday.", "Trade talks resume in London"),
    ("By Jane Doe\n\nChina And U.S. Confirm The Framework Details Agreed In London Last Month\n\nThey met.",
     "China And U.S. Confirm The Framework Details Agreed In London Last Month"),
    ("Officials met on Monday in London to discuss the framework.\n\nThey agreed.",
     "Officials met on Monday in London to discuss the framework."),
    ("June 27, 2025\n\nOfficials met.", "Officials met."),
])
def test_the_headline_is_the_first_top_paragraph_that_reads_as_one(article, title):
    from workbench.ingest import article_title, clean_text

    assert article_title(clean_text(article)) == title


# --- the deliverable -------------------------------------------------------------------------------------

APPROVED = "中方将依法审批符合条件的管制物项出口申请。"


def _approve_first(store):
    rows = pipeline.open_document(store, "doc-sample").rows
    pipeline.save_review(store, rows[0].segment.id, action="approve", reviewer="li", base_revision=0, text=APPROVED)
    pipeline.save_review(store, rows[2].segment.id, action="edit", reviewer="li", base_revision=0,
                         text="会谈于6月9日至10日在伦敦举行。")
    return rows


def test_reading_view_shows_approved_finals_and_marks_the_rest(sample_store):
    rows = _approve_first(sample_store)
    view = pipeline.reading_view(sample_store, "doc-sample")
    assert (view.title, view.date) == ("Sample", sample_store.document("doc-sample").imported_at[:10])
    assert view.paragraphs == ((
        pipeline_segment(rows[0], APPROVED, True),
        pipeline_segment(rows[1], "机器译文1", False),  # never saved: the MT
        pipeline_segment(rows[2], "会谈于6月9日至10日在伦敦举行。", False)),)  # saved, not approved
    assert not view.complete


def pipeline_segment(row, text, approved):
    from workbench.export.deliverable import ReadingSegment

    return ReadingSegment(row.segment.id, text, approved, row.segment.text)


def test_deliverables_are_named_after_date_and_title_and_marked_where_unapproved(sample_store, tmp_path):
    import docx

    _approve_first(sample_store)
    day = sample_store.document("doc-sample").imported_at[:10]
    txt = pipeline.export_deliverable(sample_store, "doc-sample", "txt", output_dir=tmp_path)
    assert txt.name == f"{day}-sample.zh.txt"
    assert txt.read_text(encoding="utf-8") == (
        f"Sample\n{day}\n\n〔未审定〕 marks sentences not yet approved (未经审定的句子).\n\n"
        f"{APPROVED}〔未审定〕机器译文1〔未审定〕会谈于6月9日至10日在伦敦举行。\n")

    word = pipeline.export_deliverable(sample_store, "doc-sample", "docx", output_dir=tmp_path)
    assert word.name == f"{day}-sample.zh.docx"
    opened = docx.Document(str(word))
    assert [p.text for p in opened.paragraphs] == [
        "Sample", day, "〔未审定〕 marks sentences not yet approved (未经审定的句子).",
        f"{APPROVED}〔未审定〕机器译文1〔未审定〕会谈于6月9日至10日在伦敦举行。"]
    runs = opened.paragraphs[-1].runs
    assert [(r.text, r.font.highlight_color is not None) for r in runs] == [
        (APPROVED, False), ("〔未审定〕机器译文1", True), ("〔未审定〕会谈于6月9日至10日在伦敦举行。", True)]
    assert opened.core_properties.title == "Sample"

    table = pipeline.export_deliverable(sample_store, "doc-sample", "bilingual", output_dir=tmp_path)
    assert table.name == f"{day}-sample.en-zh.docx"
    (grid,) = docx.Document(str(table)).tables
    assert [[cell.text for cell in row.cells] for row in grid.rows] == [
        ["English", "中文"],
        ["China will review and approve applications for the export of controlled items.", APPROVED],
        ["The United States will cancel a series of restrictive measures.", "〔未审定〕机器译文1"],
        ["Talks were held in London on June 9 and 10.", "〔未审定〕会谈于6月9日至10日在伦敦举行。"]]
    again = pipeline.export_deliverable(sample_store, "doc-sample", "docx", output_dir=tmp_path)
    assert again.name == f"{day}-sample-2.zh.docx"  # an earlier download is never overwritten
    with pytest.raises(InputError, match="unknown deliverable format 'pdf'; choose one of txt, docx, bilingual"):
        pipeline.export_deliverable(sample_store, "doc-sample", "pdf", output_dir=tmp_path)


def test_a_fully_approved_article_has_no_marks(sample_store, tmp_path):
    for row in pipeline.open_document(sample_store, "doc-sample").rows:
        pipeline.save_review(sample_store, row.segment.id, action="approve", reviewer="li", base_revision=0,
                             text=f"第{row.segment.position + 1}句。")
    text = pipeline.export_deliverable(sample_store, "doc-sample", "txt", output_dir=tmp_path).read_text("utf-8")
    assert text.splitlines()[2:] == ["", "第1句。第2句。第3句。"]


@pytest.mark.parametrize(("title", "stem"), [
    ("China and U.S. Finalize Trade Agreement to Ease Export Restrictions",
     "2025-06-27-china-and-us-finalize-trade-agreement-to-ease-export-restrictions"),
    ("China’s Ministry: Rare-Earth Exports «Up» 24% in 2025, and Much More Besides That Is Long",
     "2025-06-27-chinas-ministry-rare-earth-exports-up-24-in-2025-and-much-more-besides"),
    ("商务部新闻发言人答记者问", "2025-06-27-doc-0123456789ab"),
    ("2025", "2025-06-27-doc-0123456789ab"),
])
def test_export_names_are_an_ascii_slug_of_the_title_or_the_document_id(title, stem):
    from workbench.export.deliverable import export_stem
    from workbench.store import DocumentRecord

    document = DocumentRecord("doc-0123456789ab", title, "", "text", {}, "2025-06-27T08:00:00+00:00")
    assert export_stem(document) == stem


@pytest.mark.parametrize(("article", "date"), [
    ("Trade talks resume\n\nJune 27, 2025\n\nOfficials met on Monday.", "2025-06-27"),
    ("Trade talks resume\n\nBy Jane Doe, published 2025-06-27 10:00\n\nOfficials met.", "2025-06-27"),
    ("Trade talks resume\n\nOfficials met on June 9, 2025 in London.", None),  # reported, not a dateline
    ("Trade talks resume\n\nJune 2025\n\nOfficials met.", None),  # no day
])
def test_an_articles_date_comes_from_its_dateline_only(article, date):
    from workbench.ingest import clean_text

    assert clean_text(article).date == date


def test_an_uploaded_articles_date_comes_from_its_file_name_and_names_the_deliverable(store, tmp_path):
    from tests.conftest import DEMO_ARTICLE

    clean = pipeline.read_upload(str(DEMO_ARTICLE))
    assert clean.date == "2025-06-27"
    doc_id = pipeline.process_article(clean, store=store, corpus=None)
    assert pipeline.reading_view(store, doc_id).date == "2025-06-27"
    assert pipeline.export_deliverable(store, doc_id, "docx", output_dir=tmp_path).name == (
        "2025-06-27-china-and-us-finalize-trade-agreement-to-ease-export-restrictions.zh.docx")
