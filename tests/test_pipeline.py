"""The pipeline the UI and CLI call: processing articles and every review action."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DEMO_ARTICLE, output_dir_now
from tests.fixtures.store import sample_document
from workbench import pipeline
from workbench.errors import ConflictError, InputError
from workbench.settings import Settings


def test_article_without_model_becomes_a_reviewable_document(store):
    stages = []
    doc_id = pipeline.process_article(DEMO_ARTICLE.read_text(encoding="utf-8"), store=store, translator=None,
                                      corpus=None, progress=lambda stage, done, total: stages.append(stage))
    view = pipeline.open_document(store, doc_id)
    assert view.document.title == "China and U.S. Finalize Trade Agreement to Ease Export Restrictions"  # the headline
    assert view.document.metadata["dropped_duplicates"] == 7  # the scraped article repeats its headline and six paragraphs
    assert any("review and approve applications for the export of controlled items" in r.segment.text
               for r in view.rows)
    assert all(r.mt is None and r.review.state == "new" for r in view.rows)
    assert {pipeline.suggested_draft(r, []) for r in view.rows} == {("", "none")}
    assert stages[0] == "segment" and stages[-1] == "store"
    # Pasting the same article again reopens it rather than storing a copy.
    assert pipeline.process_article(DEMO_ARTICLE.read_text(encoding="utf-8"), store=store, corpus=None) == doc_id
    assert len(store.list_documents()) == 1


def test_empty_article_is_refused_and_nothing_stored(store):
    with pytest.raises(InputError, match="empty"):
        pipeline.process_article("  \n ", store=store, corpus=None)
    assert store.list_documents() == []


def test_review_actions_build_an_auditable_history(sample_store):
    row = pipeline.open_document(sample_store, "doc-sample").rows[0]
    assert pipeline.suggested_draft(row, []) == ("机器译文0", "mt")
    assert row.official.text.startswith("中方将依法审批")
    seg = row.segment.id
    r = pipeline.save_review(sample_store, seg, action="accept_mt", reviewer="ana", base_revision=0)
    assert (r.text, r.state, r.citation) == ("机器译文0", "edited", None)
    r = pipeline.save_review(sample_store, seg, action="use_official", reviewer="ana", base_revision=r.revision)
    assert r.text == row.official.text
    assert r.citation["doc_id"] == "mofcom-2025-06-27-london-framework" and r.citation["version"] == "abc123"
    r = pipeline.save_review(sample_store, seg, action="approve", reviewer="bo", base_revision=r.revision)
    assert (r.state, r.citation["sentence_ids"]) == ("approved", [3])  # approving keeps the citation
    r = pipeline.save_review(sample_store, seg, action="revert", revision=1, reviewer="bo", base_revision=r.revision)
    assert (r.text, r.state, r.citation) == ("机器译文0", "edited", None)
    r = pipeline.save_review(sample_store, seg, action="reject", text="错误", reviewer="bo", base_revision=r.revision)
    assert r.state == "rejected"
    assert [h.action for h in sample_store.revisions(seg)] == [
        "accept_mt", "use_official", "approve", "revert", "reject"]


def test_actions_that_cannot_apply_say_what_to_do(sample_store):
    seg_without_official = pipeline.open_document(sample_store, "doc-sample").rows[1].segment.id
    with pytest.raises(InputError, match="no official wording"):
        pipeline.save_review(sample_store, seg_without_official, action="use_official", reviewer="a", base_revision=0)
    with pytest.raises(InputError, match="cannot approve an empty"):
        pipeline.save_review(sample_store, seg_without_official, action="approve", reviewer="a", base_revision=0)
    with pytest.raises(InputError, match="no revision 4"):
        pipeline.save_review(sample_store, seg_without_official, action="revert", revision=4, reviewer="a",
                             base_revision=0)
    with pytest.raises(InputError, match="unknown review action"):
        pipeline.save_review(sample_store, seg_without_official, action="delete", reviewer="a", base_revision=0)


def test_stale_action_is_a_conflict(sample_store):
    seg = pipeline.open_document(sample_store, "doc-sample").rows[0].segment.id
    pipeline.save_review(sample_store, seg, action="edit", text="甲", reviewer="ana", base_revision=0)
    with pytest.raises(ConflictError, match="ana"):
        pipeline.save_review(sample_store, seg, action="approve", text="乙", reviewer="bo", base_revision=0)


def test_filters(sample_store):
    rows = pipeline.open_document(sample_store, "doc-sample").rows
    pipeline.save_review(sample_store, rows[2].segment.id, action="accept_mt", reviewer="a", base_revision=0)
    rows = pipeline.open_document(sample_store, "doc-sample").rows
    assert [r.segment.position for r in pipeline.filter_rows(rows, "unreviewed")] == [0, 1]
    assert [r.segment.position for r in pipeline.filter_rows(rows, "official")] == [0]
    assert pipeline.filter_rows(rows, "flagged") == []
    with pytest.raises(InputError, match="unknown filter"):
        pipeline.filter_rows(rows, "mine")


def test_imported_batch_translations_are_matched_by_source(sample_store):
    rows = pipeline.open_document(sample_store, "doc-sample").rows
    lines = [json.dumps({"id": "b1", "source": rows[1].segment.text, "translation": "美国将取消一系列限制措施。",
                         "model": "opus-mt", "backend": "ctranslate2", "score": -0.2}, ensure_ascii=False),
             json.dumps({"id": "b2", "source": "Not in this document.", "translation": "无"}), ""]
    assert pipeline.import_translations(sample_store, "doc-sample", lines) == (1, 1)
    row = pipeline.open_document(sample_store, "doc-sample").rows[1]
    assert (row.mt.text, row.mt.origin, row.mt.backend) == ("美国将取消一系列限制措施。", "import", "ctranslate2")
    with pytest.raises(InputError, match="line 1"):
        pipeline.import_translations(sample_store, "doc-sample", ["{not json"])


@pytest.mark.parametrize(("before", "after", "expected"), [
    ("受控物品出口", "管制物项出口", [("delete", "受控"), ("insert", "管制"), ("equal", "物"), ("delete", "品"),
                                ("insert", "项"), ("equal", "出口")]),
    ("中方将", "中方将依法", [("equal", "中方将"), ("insert", "依法")]),
    ("", "新", [("insert", "新")]),
    ("同", "同", [("equal", "同")]),
])
def test_char_diff(before, after, expected):
    runs = pipeline.char_diff(before, after)
    assert runs == expected
    assert "".join(t for op, t in runs if op != "insert") == before
    assert "".join(t for op, t in runs if op != "delete") == after


def test_article_with_the_tiny_model_stores_mt_with_its_identity(store, tiny_model):
    translator, reason = pipeline.load_translator_or_none(Settings.resolve({"model": str(tiny_model), "backend": "transformers"}), store=store)
    assert reason is None
    done = []
    doc_id = pipeline.process_article("China will review export applications.\nThe talks went well.", store=store,
                                      translator=translator, corpus=None,
                                      progress=lambda stage, d, total: done.append((stage, d, total)))
    rows = pipeline.open_document(store, doc_id).rows
    assert all(r.mt is not None and r.mt.text and r.mt.backend == "transformers" and r.mt.origin == "mt"
               for r in rows)
    assert pipeline.suggested_draft(rows[0], []) == (rows[0].mt.text, "mt")  # the editor starts from the MT
    assert ("translate", 2, 2) in done
    # The translation cache shares the store's database file.
    tables = {r[0] for r in store.connection().execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"translation_cache", "revisions"} <= tables


def test_unloadable_model_is_reported_not_raised(tmp_path):
    translator, reason = pipeline.load_translator_or_none(Settings.resolve({"model": str(tmp_path / "missing-model")}))
    assert translator is None and reason


def test_demo_article_links_the_mofcom_quote_to_its_official_wording(store):
    from workbench.corpus import OfficialCorpus

    corpus = OfficialCorpus.load()
    doc_id = pipeline.process_article(DEMO_ARTICLE.read_text(encoding="utf-8"), store=store, corpus=corpus)
    rows = pipeline.filter_rows(pipeline.open_document(store, doc_id).rows, "official")
    quote_rows = [r for r in rows if "controlled items" in r.segment.text]
    assert quote_rows, "the sentence quoting MOFCOM has no official wording"
    best = quote_rows[0].official
    assert "中方将依法审批符合条件的管制物项出口申请" in best.text
    assert best.official_doc_id == "mofcom-2025-06-27-london-framework"
    assert best.official_doc_version == corpus.latest_version(best.official_doc_id, "zh")
    assert best.evidence  # why it matched is kept with the link


def test_imported_translations_are_quality_checked(sample_store):
    rows = pipeline.open_document(sample_store, "doc-sample").rows
    source = rows[2].segment.text  # "Talks were held in London on June 9 and 10."
    lines = [json.dumps({"id": "b3", "source": source, "translation": "会谈在伦敦举行。"}, ensure_ascii=False)]
    pipeline.import_translations(sample_store, "doc-sample", lines)
    flagged = pipeline.filter_rows(pipeline.open_document(sample_store, "doc-sample").rows, "flagged")
    assert [r.segment.position for r in flagged] == [2]
    assert "number" in {f["check"] for f in flagged[0].flags}


def test_riskiest_first_puts_flagged_and_untranslated_segments_ahead(sample_store):
    rows = pipeline.open_document(sample_store, "doc-sample").rows
    lines = [json.dumps({"source": rows[2].segment.text, "translation": "会谈在伦敦举行。", "score": -0.1},
                        ensure_ascii=False)]
    pipeline.import_translations(sample_store, "doc-sample", lines)  # drops the numbers 9 and 10
    rows = pipeline.open_document(sample_store, "doc-sample").rows
    risks = [pipeline.segment_risk(r) for r in rows]
    assert risks[2].score > risks[1].score and risks[2].reasons[0].signal == "number"
    assert [r.segment.position for r in pipeline.order_rows(rows, "document")] == [0, 1, 2]
    by_risk = [r.segment.position for r in pipeline.order_rows(rows, "risk")]
    assert by_risk.index(2) < by_risk.index(1)
    assert by_risk == sorted(range(3), key=lambda i: -risks[i].score)
    with pytest.raises(InputError, match="unknown order"):
        pipeline.order_rows(rows, "alphabetical")


def test_inserted_official_wording_keeps_its_citation(sample_store):
    seg = pipeline.open_document(sample_store, "doc-sample").rows[1].segment.id
    citation = {"doc_id": "mofcom-2025-04-16-qa-245pct", "version": "v1", "sentence_ids": [6]}
    review = pipeline.save_review(sample_store, seg, action="insert_official", text="中方将坚决反制。", citation=citation,
                                  reviewer="ana", base_revision=0)
    assert (review.text, review.citation) == ("中方将坚决反制。", citation)
    assert sample_store.revisions(seg)[0].citation == citation
    with pytest.raises(InputError, match="needs its citation"):
        pipeline.save_review(sample_store, seg, action="insert_official", text="无出处", reviewer="ana",
                             base_revision=1)


def test_approved_segments_fill_in_the_same_sentence_elsewhere_and_offer_similar_ones(sample_store):
    rows = pipeline.open_document(sample_store, "doc-sample").rows
    pipeline.save_review(sample_store, rows[1].segment.id, action="approve", text="美方将取消一系列限制性措施。",
                         reviewer="ana", base_revision=0)
    sample_store.add_document(sample_document("doc-later"))  # the same three sentences, later
    memory = pipeline.load_memory(sample_store)
    later = pipeline.open_document(sample_store, "doc-later").rows
    exact = pipeline.memory_matches(memory, later[1])
    assert exact[0].exact and pipeline.suggested_draft(later[1], exact) == ("美方将取消一系列限制性措施。", "memory")
    # In the original document the approved segment does not match itself; its own review wins anyway.
    assert pipeline.memory_matches(memory, rows[1]) == []
    assert pipeline.suggested_draft(later[0], pipeline.memory_matches(memory, later[0]))[1] == "mt"


def test_export_document_writes_the_approved_segments(sample_store):
    rows = pipeline.open_document(sample_store, "doc-sample").rows
    pipeline.save_review(sample_store, rows[0].segment.id, action="approve", text="定稿。", reviewer="ana",
                         base_revision=0)
    pipeline.save_review(sample_store, rows[1].segment.id, action="edit", text="草稿。", reviewer="ana",
                         base_revision=0)
    result = pipeline.export_document(sample_store, "doc-sample", "jsonl", output_dir=output_dir_now())
    lines = [json.loads(line) for line in result.path.read_text(encoding="utf-8").splitlines()]
    assert [(r["translation"]["en"], r["translation"]["zh"]) for r in lines] == [(rows[0].segment.text, "定稿。")]
    everything = pipeline.export_document(sample_store, "doc-sample", "tmx", output_dir=output_dir_now(),
                                          approved_only=False)
    assert everything.records == 2 and everything.path != result.path
    with pytest.raises(InputError, match="unknown download format"):
        pipeline.export_document(sample_store, "doc-sample", "hf", output_dir=output_dir_now())


@pytest.mark.slow
def test_official_terms_are_enforced_when_an_article_is_translated(store, tiny_model):
    translator, _ = pipeline.load_translator_or_none(Settings.resolve({"model": str(tiny_model), "backend": "transformers"}), store=store)
    sentence = "China will review applications for the export of controlled items."
    assert "管制物项" not in translator.translate([sentence])[0].text  # random weights never say it unprompted
    doc_id = pipeline.process_article(f"{sentence}\nThe talks went well.", store=store, translator=translator,
                                      corpus=None)
    rows = pipeline.open_document(store, doc_id).rows
    assert "管制物项" in rows[0].mt.text  # the official term for "controlled items", forced in decoding
    assert not any(f["check"] == "term" for f in rows[0].mt.flags)
    # The reviewer sees that the term was required and how it got in.
    assert rows[0].enforced_terms == (("管制物项", "constrained"),)
    assert rows[1].enforced_terms == ()
    from workbench.ui.render import flags_line

    assert "Official terms in the MT: 管制物项 (forced during decoding)" in flags_line(rows[0])


def test_every_way_a_term_gets_in_is_worded_for_the_reviewer():
    from workbench.translate.constraints import TERM_HOW
    from workbench.ui.render import TERM_ORIGINS, enforced_words

    assert set(TERM_ORIGINS) == set(TERM_HOW)
    assert enforced_words([("管制物项", "end"), ("商务部", "prefix-end"), ("中方", "prefix")]) == (
        "管制物项 (put in at the end, before the final mark, as no place was found for it); "
        "商务部 (put in at the end, then the model finished); 中方 (put in where the English term is, then the model finished)")
