"""Hostile and malformed input: each gets a correct result or a clear one-line error."""

from __future__ import annotations

import codecs

import pytest

from workbench.errors import InputError
from workbench.ingest import clean_text, detect_format, ingest_bytes
from workbench.segment import rebuild_text, segment_text


def ingest(data: bytes, fmt: str = "text", **kw):
    return ingest_bytes(data, name="upload.txt", source_format=fmt, **kw)


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"   \n\t  \n", "empty"),
    (bytes(range(256)) * 4, "binary"),
    (b"\x93smart quotes\x94 from cp1252 \xe9t\xe9", "not valid UTF-8"),
])
def test_bad_bytes_get_one_line_errors(data, message):
    with pytest.raises(InputError, match=message) as err:
        ingest(data)
    assert "\n" not in str(err.value)


def test_utf16_with_bom():
    text = "China said on Friday. 中方将依法审批。"
    article = ingest(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert article.text == text


def test_five_megabytes_is_accepted_and_one_byte_more_is_refused():
    line = b"Exports rose 5 percent in May. " * 32
    data = (line + b"\n") * (5 * 1024 * 1024 // (len(line) + 1))
    assert len(data) <= 5 * 1024 * 1024
    article = ingest(data, keep_duplicates=True)
    assert len(article.paragraphs) == data.count(b"\n")
    with pytest.raises(InputError, match=r"over the limit of 5,242,880 bytes \(5.0 MiB\)"):
        ingest(b"x" * (5 * 1024 * 1024 + 1))


def test_single_50000_character_line_without_punctuation():
    words = " ".join(f"word{i}" for i in range(8000))[:50000]
    article = ingest(words.encode())
    segments = segment_text(article.text, "en")
    assert len(segments) == 1 and segments[0].text == words.strip()


def test_zero_width_and_bidi_controls_are_removed_emoji_and_mixed_scripts_kept():
    raw = "U\u200b.S.\u2066 tariffs\u2069 rise 🚢 — 关税 上调\u202e. Next sentence here."
    article = clean_text(raw)
    assert article.text == "U.S. tariffs rise 🚢 — 关税 上调. Next sentence here."
    assert [s.text for s in segment_text(article.text)] == ["U.S. tariffs rise 🚢 — 关税 上调.", "Next sentence here."]


def test_html_with_scripts_and_event_handlers_keeps_only_text():
    raw = ('<html><body><p>Safe text.</p><script>document.title="pwned"</script>'
           '<img src=x onerror="alert(1)"><p onmouseover="alert(2)">More <a href="javascript:alert(3)">text</a>.</p>'
           '<style>body{display:none}</style></body></html>')
    assert detect_format(raw) == "html"
    article = clean_text(raw, source_format="html")
    assert article.paragraphs == ("Safe text.", "More text.")
    assert "alert" not in article.text and "pwned" not in article.text


def test_markdown_with_embedded_html():
    raw = "# Title\n\nA paragraph <b>bold</b>.\n\n<script>alert(1)</script>\n<img src=x onerror=alert(2)>\n\nEnd."
    article = clean_text(raw, source_format="markdown")
    assert article.paragraphs == ("Title", "A paragraph bold.", "End.")


def test_text_that_looks_like_markup_stays_text_in_plain_mode():
    raw = "The tag <script>alert(1)</script> was quoted in the article."
    article = clean_text(raw, source_format="text")
    assert article.text == raw  # shown as text by the UI, never interpreted
    assert rebuild_text(article.text, segment_text(article.text)) == article.text
