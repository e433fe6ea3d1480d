"""Clause-level units in news mode: one English sentence reporting several statements."""

from __future__ import annotations

import pytest

from tests.conftest import DEMO_ARTICLE
from workbench.align import Evidence, align_news
from workbench.align.news import unit_spans
from workbench.corpus import OfficialCorpus
from workbench.ingest import read_article
from workbench.segment import segment_text

FRAMEWORK = "mofcom-2025-06-27-london-framework"


@pytest.fixture(scope="module")
def article():
    return [seg.text for seg in segment_text(read_article(DEMO_ARTICLE).text, "en")]


@pytest.fixture(scope="module")
def links(article):
    return align_news(article, OfficialCorpus.load())


def test_a_sentence_is_cut_at_its_quote_and_its_reported_clauses():
    text = ("In an official statement, China’s Ministry of Commerce announced, “China will review and approve "
            "applications for the export of controlled items,” and noted that the United States would "
            "reciprocate by cancelling a range of sanctions it previously imposed on China.")
    # the speaker ("… announced") and the reporting verb ("and noted that") are no statement
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "China will review and approve applications for the export of controlled items",
        "the United States would reciprocate by cancelling a range of sanctions it previously imposed on China"]
    london = ("However, the Ministry of Commerce has reported ongoing close communication between Chinese and "
              "American trade negotiators, following meetings in London on June 9 and 10, as well as previous "
              "discussions in Geneva.")
    assert [london[a:b] for a, b in unit_spans(london)] == [
        "ongoing close communication between Chinese and American trade negotiators",
        "following meetings in London on June 9 and 10, as well as previous discussions in Geneva"]
    assert unit_spans("Berry Wang contributed research.") == []
    # "and" followed by a lower-case word joins a list, it starts no clause
    assert unit_spans("It restricted exports of ethane, jet engines, and chip software to China.") == []


# The four statements of the 2025-06-27 statement the demo article reports, model-free:
# English clause span → the official sentence it renders.
STATEMENTS = {
    "China will review and approve applications for the export of controlled items": (6, "中方将依法审批符合条件的管制物项出口申请。"),
    "the United States would reciprocate by cancelling a range of sanctions it previously imposed on China":
        (7, "美方将相应取消对华采取的一系列限制性措施。"),
    "ongoing close communication between Chinese and American trade negotiators": (4, "伦敦会谈后,中美双方团队保持着密切沟通。"),
    "following meetings in London on June 9 and 10, as well as previous discussions in Geneva": (3, None),
}


def test_every_reported_statement_links_to_its_official_sentence_and_clause(article, links):
    clause_links = {link.src_text[slice(*link.evidence.span)]: link for link in links
                    if link.evidence.span is not None and link.doc_id}
    assert set(clause_links) == set(STATEMENTS)  # no other clause of the article is linked
    # scores at news weights 91f9194c4fa6 (tests/test_lookup_dev.py pins the signature); the link threshold is 0.33
    assert [round(clause_links[c].score, 4) for c in STATEMENTS] == [0.836, 0.374, 0.3365, 0.3436]
    for clause, (index, official) in STATEMENTS.items():
        link = clause_links[clause]
        assert (link.doc_id, link.tgt) == (FRAMEWORK, (index,)), clause
        if official:
            assert link.tgt_text == official
    assert "双方经贸团队于6月9日至10日在伦敦举行经贸会谈" in clause_links[next(iter(
        c for c in STATEMENTS if c.startswith("following")))].tgt_text
    # a sentence with linked clauses links to what its clauses link to
    by_sentence = {link.src[0]: link for link in links if link.evidence.span is None and link.quote is None}
    quote_sentence = next(i for i, t in enumerate(article) if "China will review" in t)
    london_sentence = next(i for i, t in enumerate(article) if "June 9 and 10" in t)
    assert by_sentence[quote_sentence].tgt == (6, 7) and by_sentence[london_sentence].tgt == (3, 4)


def test_the_evidence_names_the_words_and_the_meaning_behind_a_clause_link(links):
    cancel = next(link for link in links if link.evidence.span and link.doc_id
                  and link.src_text[slice(*link.evidence.span)].startswith("the United States would"))
    terms = {(t.en, t.zh) for t in cancel.evidence.terms}
    assert {("United States", "美方"), ("cancelling", "取消")} <= terms
    assert {"dictionary", "meaning", "meaning_cosine", "meaning_margin"} <= set(cancel.evidence.signals)
    talks = next(link for link in links if link.evidence.span and link.doc_id
                 and link.src_text[slice(*link.evidence.span)].startswith("ongoing close"))
    assert {("close", "密切"), ("communication", "沟通"), ("Chinese and American", "中美")} <= {
        (t.en, t.zh) for t in talks.evidence.terms}


def test_clause_links_record_the_span_of_english_they_cover(article, links):
    i = next(i for i, t in enumerate(article) if "June 9 and 10" in t)
    clause = next(link for link in links if link.src == (i,) and link.evidence.span == (123, 211))
    assert article[i][123:211].startswith("following meetings in London")
    assert (clause.doc_id, clause.tgt) == (FRAMEWORK, (3,)) and "6月9日至10日" in clause.tgt_text
    quote = next(link for link in links if link.quote and link.quote.startswith("China will review"))
    assert quote.evidence.span == (67, 144) and quote.tgt_text == "中方将依法审批符合条件的管制物项出口申请。"


def test_evidence_reads_back_from_its_dict(links):
    for link in links:
        assert Evidence.from_dict(link.evidence.to_dict()).to_dict() == link.evidence.to_dict()
