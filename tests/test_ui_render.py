"""HTML fragments of the review view: everything from documents is escaped; settings parse."""

from __future__ import annotations

import pytest

from workbench.corpus import OfficialCorpus, parse_document
from workbench.errors import InputError
from workbench.pipeline import SegmentView
from workbench.store import LinkRecord, Review, SegmentRecord, TranslationRecord
from workbench.ui import parse_auth, render

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def hostile_row(source: str = "javascript:alert(3)") -> tuple[SegmentView, OfficialCorpus]:
    doc = parse_document(
        f"id: evil\nlang: zh\ndate: 2025-01-01\nissuer: {HOSTILE}\ntitle: {HOSTILE}\nsource: {source}\n"
        f"confidence: high\n---\n{HOSTILE}中方将依法审批。\n")
    corpus = OfficialCorpus([doc])
    link = LinkRecord(1, 7, HOSTILE, "evil", doc.version, (0,), HOSTILE + "中方", 0.8, {"why": HOSTILE}, "t")
    mt = TranslationRecord(1, 7, HOSTILE, "mt", "m", "r", "b", {}, -0.1, (HOSTILE,), "t")
    review = Review(7, 1, HOSTILE, "edited", HOSTILE, None, "2025-01-01T00:00:00", "2025-01-01T00:00:00")
    return SegmentView(SegmentRecord(7, "d", 0, 0, 0, 5, HOSTILE), mt, (link,), review), corpus


@pytest.mark.parametrize("fragment", [
    lambda row, corpus: render.official_panel(row, corpus),
    lambda row, corpus: render.diffs(row, HOSTILE + "改"),
    lambda row, corpus: render.state_badge(row),
    lambda row, corpus: render.flags_line(row),
    lambda row, corpus: render.message("error", HOSTILE),
])
def test_document_text_never_becomes_markup(fragment):
    row, corpus = hostile_row()
    html = fragment(row, corpus)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html or "&lt;img" in html  # shown, as text


def test_official_panel_shows_provenance_and_only_http_links():
    row, corpus = hostile_row("https://www.mofcom.gov.cn/a.html; copy https://example.org/b")
    html = render.official_panel(row, corpus)
    assert 'href="https://www.mofcom.gov.cn/a.html"' in html
    assert "2025-01-01" in html and "score 0.80" in html
    row, corpus = hostile_row("javascript:alert(3)")
    assert "href=" not in render.official_panel(row, corpus)


def test_safe_url():
    assert render.safe_url("https://a.b/c?d=1") == "https://a.b/c?d=1"
    for bad in ("javascript:alert(1)", 'https://a.b/"onmouseover=x', "data:text/html,x", None, ""):
        assert render.safe_url(bad) is None


def test_parse_auth():
    assert parse_auth("ana:pw1, bo:pw:2") == [("ana", "pw1"), ("bo", "pw:2")]
    assert parse_auth(None) is None
    with pytest.raises(InputError, match="USER:PASSWORD"):
        parse_auth("ana")


def test_evidence_is_summarised_in_words():
    row, corpus = hostile_row()
    link = LinkRecord(1, 7, None, "evil", None, (0,), "中方", 0.5,
                      {"terms": [{"en": "controlled items", "zh": "管制物项"}], "numbers": ["10"], "ngrams": [],
                       "length_ratio": 1.02, "signals": {"terms": 0.9}}, "t")
    html = render.official_panel(SegmentView(row.segment, None, (link,), row.review), corpus)
    assert "terms controlled items = 管制物项" in html and "numbers 10" in html and "signals terms 0.90" in html


def test_serve_command_is_listed_and_bad_credentials_are_one_line(capsys):
    from workbench.cli import dispatch

    with pytest.raises(SystemExit) as done:
        dispatch(["serve", "--help"])
    assert done.value.code == 0 and "--auth" in capsys.readouterr().out
    assert dispatch(["serve", "--auth", "nopassword", "--no-mt"]) == 2
    assert capsys.readouterr().err.strip().startswith("workbench: error: credentials must look like USER:PASSWORD")


def test_the_same_official_sentence_is_shown_once():
    row, corpus = hostile_row()
    quote_link = LinkRecord(2, 7, "a quote", "evil", None, (0,), "中方", 0.9, {}, "t")
    sentence_link = LinkRecord(3, 7, None, "evil", None, (0,), "中方", 0.7, {}, "t")
    html = render.official_panel(SegmentView(row.segment, None, (quote_link, sentence_link), row.review), corpus)
    assert html.count('class="wb-official-text"') == 1 and "a quote" in html and "score 0.90" in html


def test_memory_panel_escapes_and_marks_the_differing_words():
    from workbench.tm import MemoryEntry, MemoryMatch, Span

    entry = MemoryEntry(f"Tariffs rose {HOSTILE} today.", f"关税{HOSTILE}上涨。", "3", "d")
    fuzzy = MemoryMatch(entry, 81.5, False, memory_changed=(Span(0, 7, "Tariffs"),))
    html = render.memory_panel([MemoryMatch(entry, 100.0, True), fuzzy], "memory")
    assert "<script" not in html and "<img" not in html
    assert "exact match, filled in" in html and "82% match" in html and "<mark>Tariffs</mark>" in html
    assert render.memory_panel([], "mt") == ""


def test_many_qa_flags_are_folded_away():
    row, _ = hostile_row()
    flags = tuple({"check": "repetition", "message": f"loop {i}"} for i in range(10))
    mt = TranslationRecord(1, 7, "译文", "mt", "m", "r", "b", {}, -0.1, flags, "t")
    html = render.flags_line(SegmentView(row.segment, mt, (), row.review))
    assert html.count("<li>") == 10 and "6 more QA flag(s)" in html
    assert html.index("loop 3") < html.index("<details>") < html.index("loop 4")
