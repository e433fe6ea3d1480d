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
    assert [text[a:b] for a, b in unit_spans(text)] == [
        "In an official statement, China’s Ministry of Commerce announced",
        "China will review and approve applications for the export of controlled items",
        "noted that the United States would reciprocate by cancelling a range of sanctions it previously "
        "imposed on China"]
    london = ("However, the Ministry of Commerce has reported ongoing close communication between Chinese and "
              "American trade negotiators, following meetings in London on June 9 and 10, as well as previous "
              "discussions in Geneva.")
    assert [london[a:b] for a, b in unit_spans(london)] == [
        "However, the Ministry of Commerce has reported ongoing close communication between Chinese and "
        "American trade negotiators",
        "following meetings in London on June 9 and 10, as well as previous discussions in Geneva"]
    assert unit_spans("Berry Wang contributed research.") == []


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
