"""News mode on the demo article, lookup, and the incremental retrieval index."""

from __future__ import annotations

import json

import pytest

from tests.conftest import DEMO_ARTICLE
from workbench.align import align_news, lookup, news_index
from workbench.cli import dispatch
from workbench.corpus import OfficialCorpus, parse_document
from workbench.errors import CorpusError, InputError
from workbench.ingest import read_article
from workbench.segment import segment_text

FRAMEWORK = "mofcom-2025-06-27-london-framework"
QUOTE = "China will review and approve applications for the export of controlled items"
OFFICIAL = "中方将依法审批符合条件的管制物项出口申请。"


@pytest.fixture(scope="module")
def corpus():
    return OfficialCorpus.load()


@pytest.fixture(scope="module")
def article():
    return [seg.text for seg in segment_text(read_article(DEMO_ARTICLE).text, "en")]


@pytest.fixture(scope="module")
def links(article, corpus):
    return align_news(article, corpus)


def test_the_quote_links_to_the_official_sentence(links):
    quote_links = [link for link in links if link.quote == QUOTE]
    assert len(quote_links) == 1
    link = quote_links[0]
    assert (link.doc_id, link.tgt_text) == (FRAMEWORK, OFFICIAL)
    found = {(t.en, t.zh) for t in link.evidence.terms}
    assert ("applications for the export of controlled items", "管制物项出口申请") in found


def test_byline_and_analysis_get_no_link(article, links):
    by_sentence = {link.src[0]: link for link in links if link.quote is None}
    assert len(by_sentence) == len(article)  # one link (or none) per sentence
    for i, text in enumerate(article):
        if text.startswith(("Berry Wang contributed", "David Pierson has covered", "These talks were strategically",
                            "This maneuver was interpreted", "Though China has expressed", "While the easing")):
            assert by_sentence[i].doc_id is None and by_sentence[i].tgt == (), text


def test_dates_and_places_link_a_reported_statement(article, links):
    i = next(i for i, t in enumerate(article) if "June 9 and 10" in t)
    link = next(link for link in links if link.src == (i,) and link.quote is None)
    assert link.doc_id == FRAMEWORK
    assert "6月9日至10日" in link.tgt_text
    assert {"--06-09", "--06-10"} <= set(link.evidence.numbers)


def test_a_named_reference_limits_the_search(article, corpus):
    links = align_news(article, corpus, reference="mofcom-2025-07-04-us-lifts-restrictions")
    assert {link.doc_id for link in links} <= {None, "mofcom-2025-07-04-us-lifts-restrictions"}
    with pytest.raises(CorpusError, match="did you mean"):
        align_news(article, corpus, reference="mofcom-2025-06-27-london")


def test_news_mode_rejects_an_empty_article_and_mismatched_mt(corpus):
    with pytest.raises(InputError, match="empty"):
        align_news([], corpus)
    with pytest.raises(InputError, match="1 lines but the source has 2"):
        align_news(["A.", "B."], corpus, mt=["一"])


def test_cli_writes_one_json_line_per_segment(capsys, article):
    assert dispatch(["align", str(DEMO_ARTICLE), "--reference", "auto", "--no-mt", "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {"src", "src_text", "tgt", "tgt_text", "doc_id", "score", "evidence"} <= set(records[0])
    assert sum(1 for r in records if r["quote"] is None) == len(article)
    assert any(r["tgt_text"] == OFFICIAL and r["doc_id"] == FRAMEWORK for r in records)


def test_lookup_finds_official_wording_across_the_corpus(corpus):
    hits = lookup("applications for the export of controlled items", corpus, top_k=3)
    assert 1 <= len(hits) <= 3
    assert any("管制物项出口" in h.sentence for h in hits)
    assert hits == sorted(hits, key=lambda h: -h.score)
    assert lookup("zzzz qqqq", corpus) == []
    with pytest.raises(InputError, match="empty"):
        lookup("  ", corpus)


def test_lookup_cli_json(capsys):
    assert dispatch(["lookup", "rare earth export controls", "--top", "2", "--no-mt", "--format", "json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 2
    assert {"doc_id", "sentence", "score", "evidence"} <= set(hits[0])
    assert "稀土" in hits[0]["sentence"]


def _doc(doc_id: str, text: str):
    header = (f"id: {doc_id}\nlang: zh\ndate: 2025-12-01\nissuer: 商务部\ntitle: 测试\nsource: test\n"
              "confidence: high\n---\n")
    return parse_document(header + text)


def test_documents_are_indexed_incrementally(corpus):
    local = OfficialCorpus(corpus.documents())
    index = news_index(local)
    before = len(index)
    local.add(_doc("test-2025-12-01-announcement", "商务部公告2025年第98765号。"))
    assert news_index(local) is index and len(index) == before + 1
    hits = lookup("Announcement No. 98765", local, top_k=1)
    assert (hits[0].doc_id, hits[0].evidence.numbers) == ("test-2025-12-01-announcement", ("98765",))
    local.add(_doc("test-2025-12-01-announcement", "商务部公告2025年第12121号。"))  # a changed text is re-indexed
    assert all(h.doc_id != "test-2025-12-01-announcement" for h in lookup("Announcement No. 98765", local))
    assert lookup("Announcement No. 12121", local, top_k=1)[0].doc_id == "test-2025-12-01-announcement"


def test_an_unloadable_model_gives_a_one_line_notice_and_model_free_links(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("WORKBENCH_MODEL", str(tmp_path / "no-such-model"))
    assert dispatch(["align", str(DEMO_ARTICLE), "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    notes = [line for line in captured.err.splitlines() if line.startswith("workbench: note:")]
    assert len(notes) == 1 and notes[0].endswith("aligning without MT")
    assert any(json.loads(line)["tgt_text"] == OFFICIAL for line in captured.out.splitlines())


@pytest.mark.slow
def test_the_translation_engine_feeds_the_mt_signal(monkeypatch, capsys, tiny_model):
    monkeypatch.setenv("WORKBENCH_MODEL", str(tiny_model))
    assert dispatch(["align", str(DEMO_ARTICLE), "--format", "jsonl"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    scored = [r for r in records if r["quote"] is None and r["evidence"]["signals"]]
    assert scored and all("mt" in r["evidence"]["signals"] for r in scored)
    # quotes are matched on their own words, so the official sentence is found whatever the MT says
    assert any(r["quote"] == QUOTE and r["tgt_text"] == OFFICIAL for r in records)


def test_auto_mode_aligns_a_translated_document_in_parallel(tmp_path, capsys, corpus):
    english = corpus.get("joint-statement-2025-08-12-stockholm", "en")
    article = tmp_path / "statement.txt"
    article.write_text(english.text, encoding="utf-8")
    assert dispatch(["align", str(article), "--no-mt", "--format", "jsonl"]) == 0
    captured = capsys.readouterr()
    assert "reads as a translation of joint-statement-2025-08-12-stockholm" in captured.err
    records = [json.loads(line) for line in captured.out.splitlines()]
    assert [i for r in records for i in r["src"]] == list(range(len(english.sentences)))
    linked = [j for r in records for j in r["tgt"]]
    assert linked == sorted(linked) and {r["doc_id"] for r in records if r["tgt"]} == {english.id}
    # the same text with --mode news keeps news links
    assert dispatch(["align", str(article), "--no-mt", "--mode", "news", "--format", "jsonl"]) == 0
    assert "parallel mode" not in capsys.readouterr().err
