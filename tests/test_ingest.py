"""Ingest: cleaning, paragraph splitting, repeats, and clear errors for bad input."""

from __future__ import annotations

import codecs

import pytest

from tests.conftest import DEMO_ARTICLE
from workbench.cli import dispatch
from workbench.errors import InputError
from workbench.ingest import clean_text, decode_bytes, detect_format, ingest_bytes, read_article


def test_demo_article_drops_repeated_headline_and_paragraphs():
    article = read_article(DEMO_ARTICLE)
    assert article.dropped_duplicates == 7  # the headline and six paragraphs, the byline among them
    assert article.paragraphs.count("China and U.S. Finalize Trade Agreement to Ease Export Restrictions") == 1
    assert sum("Berry Wang contributed research." in p for p in article.paragraphs) == 1
    kept = read_article(DEMO_ARTICLE, keep_duplicates=True)
    assert kept.dropped_duplicates == 0
    assert len(kept.paragraphs) == len(article.paragraphs) + 7


def test_cleaning_normalises_but_keeps_curly_quotes_and_dashes():
    raw = "Cafe\u0301 \u201cquoted\u201d \u2013 dash \u2014 em\u200b\u200dtext\u00a0\u00a0here\r\nnext\tline\u202e"
    article = clean_text(raw)
    assert article.paragraphs == ("Café “quoted” – dash — emtext here", "next line")
    assert article.text == "Café “quoted” – dash — emtext here\n\nnext line"


def test_html_strips_markup_and_drops_scripts_and_styles():
    html = ("<html><head><title>Trade deal</title><style>p{color:red}</style></head><body>"
            "<nav>Home | World</nav><p>First <b>para</b>.</p><script>alert('x')</script>"
            "<p onclick=\"evil()\">Second &amp; last.</p></body></html>")
    article = clean_text(html, source_format="html")
    assert article.paragraphs == ("First para.", "Second & last.")
    assert article.title == "Trade deal"
    assert "alert" not in article.text and "color" not in article.text


def test_markdown_removes_markup_and_embedded_html():
    md = ("# Headline\nFirst line of a\nwrapped paragraph with a [link](http://x.test).\n\n"
          "- item one\n- item **two**\n\n<script>steal()</script>\nLast.")
    article = clean_text(md, source_format="markdown")
    assert article.paragraphs == ("Headline", "First line of a wrapped paragraph with a link.", "item one",
                                  "item two", "Last.")


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t\u200b\n"])
def test_empty_or_whitespace_text_is_a_clear_error(text):
    with pytest.raises(InputError, match="empty or contains only whitespace"):
        clean_text(text)


def test_binary_data_is_refused():
    with pytest.raises(InputError, match="binary file"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "image.txt")


def test_invalid_utf8_names_the_likely_encoding():
    data = "商务部新闻发言人就中美伦敦框架有关情况答记者问。".encode("gb18030") * 5
    with pytest.raises(InputError, match="not valid UTF-8") as err:
        decode_bytes(data, "gbk.txt")
    assert "re-save it as UTF-8" in str(err.value)


def test_utf16_with_bom_is_decoded():
    data = codecs.BOM_UTF16_LE + "China said on Friday.".encode("utf-16-le")
    assert decode_bytes(data) == "China said on Friday."
    assert decode_bytes(codecs.BOM_UTF8 + b"Plain.") == "Plain."


def test_size_limit_is_enforced(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"Sentence one. " * 1000)
    with pytest.raises(InputError, match="over the limit of 1,000 bytes"):
        read_article(path, max_bytes=1000)
    with pytest.raises(InputError, match="over the"):
        ingest_bytes(b"x" * 2000, name="up.txt", source_format="text", max_bytes=1000)


def test_unsupported_type_and_missing_file(tmp_path):
    bad = tmp_path / "doc.pdf"
    bad.write_bytes(b"%PDF-1.4")
    with pytest.raises(InputError, match="unsupported file type"):
        read_article(bad)
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_article(tmp_path / "missing.txt")


def test_detect_format():
    assert detect_format("<p>Hello</p>") == "html"
    assert detect_format("# Title\n\nBody") == "markdown"
    assert detect_format("China said on Friday.") == "text"


@pytest.mark.parametrize("content, message", [
    (b"", "empty"),
    (b"\x00\x01\x02\x03binary", "binary"),
    (b"caf\xe9 broken \xc3\x28 latin-1 text", "not valid UTF-8"),
])
def test_cli_segment_bad_input_is_one_line_no_traceback(tmp_path, capsys, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    assert dispatch(["segment", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
