"""HTML fragments of the review view: everything from documents is escaped; settings parse."""

from __future__ import annotations

import dataclasses

import pytest

from workbench.corpus import OfficialCorpus, parse_document
from workbench.errors import InputError
from workbench.pipeline import Resources, SegmentView
from workbench.settings import Settings
from workbench.store import LinkRecord, Review, SegmentRecord, TranslationRecord
from workbench.ui import parse_auth, render, screen

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


def hostile_screen(source: str = "javascript:alert(3)") -> screen.ReviewScreen:
    """A review screen whose every string carries markup, as a hostile article, MT and corpus would."""
    row, corpus = hostile_row(source)
    resources = Resources(Settings.resolve(), None, corpus)
    suggestions = screen._suggestions(row, [], [], resources)
    return screen.ReviewScreen(
        message=HOSTILE, doc_id="d", title=HOSTILE, total=1, segment_id=7, header=HOSTILE, state="edited",
        english=HOSTILE, mt=HOSTILE, mt_words=HOSTILE, mt_tooltip=HOSTILE, mt_terms=((HOSTILE, HOSTILE),),
        suggestions=suggestions, final=HOSTILE, qa_lines=(HOSTILE,), risk_words=HOSTILE, confirm=(HOSTILE,),
        rows=(screen.ListRow(7, 1, "edited", HOSTILE, HOSTILE, HOSTILE, HOSTILE, True),), list_words=HOSTILE,
        history=(screen.HistoryRow(1, HOSTILE),), offers=(HOSTILE,))


def test_document_text_never_becomes_markup():
    for name, html in render.screen_html(hostile_screen()).items():
        assert "<script" not in html and "<img" not in html, name
    shown = render.screen_html(hostile_screen())
    for name in ("status", "progress", "segment_list", "english", "mt", "suggestions", "qa", "offers"):
        assert "&lt;script&gt;" in shown[name] or "&lt;img" in shown[name], name  # shown, as text
    row, _ = hostile_row()
    assert "<script" not in render.flags_line(row) and "&lt;script&gt;" in render.flags_line(row)


def test_official_suggestions_show_provenance_and_only_http_links():
    html = render.suggestions_panel(hostile_screen("https://www.mofcom.gov.cn/a.html; copy https://example.org/b"))
    assert 'href="https://www.mofcom.gov.cn/a.html"' in html
    assert "2025-01-01" in html and "score 0.80" in html
    assert "href=" not in render.suggestions_panel(hostile_screen("javascript:alert(3)"))


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
    words = screen.evidence_words({"terms": [{"en": "controlled items", "zh": "管制物项"}], "numbers": ["10"],
                                   "ngrams": [], "length_ratio": 1.02, "signals": {"terms": 0.9}, "span": [0, 4]})
    assert words == "terms controlled items = 管制物项; numbers 10; signals terms 0.90; length_ratio 1.02"
    assert screen.evidence_words({}) == "no evidence recorded"


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
    shown = screen._suggestions(SegmentView(row.segment, None, (quote_link, sentence_link), row.review), [], [],
                                Resources(Settings.resolve(), None, corpus))
    assert [(s.number, s.text, s.detail) for s in shown] == [(1, "中方", "for the whole sentence · score 0.90")]


def test_many_qa_flags_are_folded_away():
    shown = dataclasses.replace(hostile_screen(), qa_lines=tuple(f"repetition: loop {i}" for i in range(10)),
                                confirm=())
    html = render.qa_panel(shown)
    assert html.count("<li>") == 10 and "6 more QA flag(s)" in html
    assert html.index("loop 3") < html.index("<details>") < html.index("loop 4")
