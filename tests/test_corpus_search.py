"""Full-text search of the official corpus: library, incremental index and `workbench corpus search`."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ROOT
from workbench.cli import dispatch
from workbench.corpus import OfficialCorpus, parse_document
from workbench.corpus_admin import add_document
from workbench.corpus_search import SearchIndex, mark_snippet, search_corpus, text_terms
from workbench.errors import InputError

RARE_EARTH = "mofcom-2025-06-07-rare-earth-qa"  # stored in Traditional characters
QA_245 = "mofcom-2025-04-16-qa-245pct"  # stored in Simplified characters
KUALA_LUMPUR = "mofcom-2025-10-30-qa-kuala-lumpur-arrangement"


@pytest.fixture(scope="module")
def shipped() -> OfficialCorpus:
    return OfficialCorpus.load(ROOT / "corpora")


@pytest.fixture(scope="module")
def index(shipped) -> SearchIndex:
    return SearchIndex.build(shipped)


def test_simplified_query_finds_a_sentence_stored_in_traditional(index):
    hit = search_corpus(index, "许多国家对中国稀土出口管制措施表达关注", lang="zh")[0]
    assert (hit.doc_id, hit.sentence_index) == (RARE_EARTH, 1)
    assert hit.text.startswith("近日,許多國家對中國稀土出口管制措施表達關注")  # shown as published
    assert "**許多國家對中國稀土出口管制措施表達關注**" in hit.snippet
    assert (hit.date, hit.title) == ("2025-06-07", "商务部新闻发言人就中重稀土出口管制措施答记者问")


def test_traditional_query_finds_a_sentence_stored_in_simplified(index, shipped):
    hit = search_corpus(index, "美對華關稅稅率情況", lang="zh")[0]
    assert (hit.doc_id, hit.sentence_index) == (QA_245, 0)
    assert hit.snippet == "商务部新闻发言人就**美对华关税税率情况**答记者问"
    assert hit.source.startswith("https://api3.cls.cn/") and hit.version == shipped.latest_version(QA_245)


def test_whole_phrase_ranks_above_scattered_words(index):
    hits = search_corpus(index, "奉陪到底", top=5)
    assert {h.doc_id for h in hits[:2]} == {QA_245, "mofcom-2025-04-11-qa-countermeasures"}
    assert all("**奉陪到底**" in h.snippet for h in hits[:2])


def test_english_words_match_singular_and_plural(index):
    hits = search_corpus(index, "tariff exclusions", lang="en")
    assert hits[0].doc_id == KUALA_LUMPUR
    assert hits[0].text == "Both sides have agreed to continue extending certain tariff exclusion measures."
    assert "**tariff exclusion**" in hits[0].snippet


def test_filters_by_language_period_and_issuer(index):
    everything = search_corpus(index, "关税", top=50)
    assert len({h.doc_id for h in everything}) > 3
    in_april = search_corpus(index, "关税", date_from="2025-04-01", date_to="2025-04-30", top=50)
    assert in_april and all("2025-04-01" <= h.date <= "2025-04-30" for h in in_april)
    commission = search_corpus(index, "关税", issuer="税则委员会", top=50)
    assert commission and all("税则委员会" in h.issuer for h in commission)
    assert {h.lang for h in search_corpus(index, "export control", lang="en", top=20)} == {"en"}
    assert search_corpus(index, "export control", lang="zh") == []


def test_unrelated_query_finds_nothing_and_empty_query_is_refused(index):
    assert search_corpus(index, "chocolate penguins") == []
    with pytest.raises(InputError, match="has no words or Chinese characters; type some words"):
        search_corpus(index, " ，。 ")


def test_long_sentence_snippet_is_cut_around_the_match():
    text = "甲" * 200 + "稀土" + "乙" * 200
    snippet = mark_snippet(text, [(200, 202)], width=40)
    assert snippet.startswith("…") and snippet.endswith("…") and "**稀土**" in snippet
    assert len(snippet) < 50


def test_chinese_terms_are_character_pairs_with_offsets_into_the_published_text():
    terms = text_terms("中國稀土,245%", "zh")
    assert [(t.term, t.start, t.end) for t in terms] == [
        ("中国", 0, 2), ("国稀", 1, 3), ("稀土", 2, 4), ("245", 5, 8)]


def test_adding_a_document_updates_the_index_in_place(corpus_dir, tmp_path):
    corpus = OfficialCorpus.load(corpus_dir)
    index = SearchIndex.build(corpus, tmp_path / "search.sqlite")
    before = len(index)
    original = corpus.get(QA_245)
    new_text = original.text.replace("中方不予理会", "中方一概不予理会")
    add_document(corpus, parse_document(original.to_file_text().replace(original.text, new_text)), indexes=[index])
    hits = search_corpus(index, "一概不予理会")
    assert len(index) == before
    assert hits[0].doc_id == QA_245 and hits[0].version == corpus.latest_version(QA_245) != original.version
    assert all(h.version != original.version for h in search_corpus(index, "不予理会", top=50))


def test_sync_reindexes_only_what_changed(corpus_dir, tmp_path):
    path = tmp_path / "search.sqlite"
    corpus = OfficialCorpus.load(corpus_dir)
    assert SearchIndex(path).sync(corpus) == (len(corpus), 0)
    assert SearchIndex(path).sync(corpus) == (0, 0)
    (corpus_dir / "official" / f"{QA_245}.zh.txt").unlink()
    index = SearchIndex(path)
    assert index.sync(OfficialCorpus.load(corpus_dir)) == (0, 1)
    assert all(h.doc_id != QA_245 for h in search_corpus(index, "奉陪到底"))


def test_cli_search_text_and_json(corpus_dir, capsys):
    assert dispatch(["corpus", "search", "稀土出口管制", "--top", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and lines[0].startswith("1. ") and "**稀土出口管制**" in lines[0]
    assert lines[1].split()[0].endswith(".zh") and "2025-" in lines[1]

    assert dispatch(["corpus", "search", "關稅", "--from", "2025-05-01", "--format", "json", "--top", "3"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 3
    assert all(h["date"] >= "2025-05-01" and "关税" in h["text"] for h in hits)
    assert set(hits[0]) >= {"doc_id", "sentence_index", "date", "title", "source", "snippet", "version"}


def test_cli_search_sees_a_document_added_before(corpus_dir, tmp_path, capsys):
    assert dispatch(["corpus", "search", "钨钼铋", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    path = tmp_path / "new.txt"
    path.write_text("商务部决定对钨钼铋相关物项实施出口管制。\n", encoding="utf-8")
    assert dispatch(["corpus", "add", str(path), "--id", "test-tungsten", "--date", "2025-02-04", "--issuer", "商务部",
                     "--title", "公告", "--source", "https://example.cn/"]) == 0
    capsys.readouterr()
    assert dispatch(["corpus", "search", "钨钼铋", "--format", "json"]) == 0
    assert [h["doc_id"] for h in json.loads(capsys.readouterr().out)] == ["test-tungsten"]


def test_cli_search_rejects_a_bad_date_in_one_line(corpus_dir, capsys):
    assert dispatch(["corpus", "search", "关税", "--from", "April"]) == 2
    err = capsys.readouterr().err
    assert err == "workbench: error: --from 'April' is not a date; write it as YYYY-MM-DD\n"
