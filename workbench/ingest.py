"""Read and clean an English article: plain text, Markdown or HTML, from a file or pasted.

Cleaning is deliberately conservative: Unicode NFC, unified line breaks and spaces,
zero-width and bidi control characters removed, curly quotes and dashes kept. Scraped
articles often repeat paragraphs (headline and byline twice); exact repeats are dropped
by default and counted, so the reviewer is told what was removed. A whole HTML page keeps
its main text only (:func:`~workbench.text.html.html_to_text`: site header, navigation,
footer and "Related" link lists dropped); an HTML fragment keeps all of its text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from workbench.errors import FileNotFoundWorkbenchError, InputError
from workbench.text.encoding import decode_text as decode_bytes  # the ingest stage's name for it
from workbench.text.html import html_to_text

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
# Bounds on what one article may cost: longer "sentences" are split, more segments refused.
MAX_SEGMENT_CHARS = 2_000
MAX_SEGMENTS = 5_000
SUPPORTED_SUFFIXES = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
                      ".html": "html", ".htm": "html"}

# Invisible characters that only break matching: zero-width spaces/joiners, word joiner,
# BOM, soft hyphen, and the bidi embedding/override/isolate controls.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
# Other control characters (C0/C1) except tab and line breaks.
_CONTROL = re.compile("[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]")
# What a final translation may not contain: every C0/C1 control but tab and newline.
_FINAL_CONTROL = re.compile("[\u0000-\u0008\u000b-\u001f\u007f-\u009f]")
_SPACES = re.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")


@dataclass(frozen=True)
class CleanText:
    """An article after cleaning.

    ``text`` is the paragraphs joined by blank lines; every later offset points into it.
    """

    text: str
    paragraphs: tuple[str, ...]
    dropped_duplicates: int
    source_format: str
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD, when the page, a dateline or the file name states it


def clean_text(raw: str, *, source_format: str = "text", keep_duplicates: bool = False) -> CleanText:
    """Clean pasted or decoded text and split it into paragraphs.

    ``source_format`` is ``text`` (each non-empty line is a paragraph, as in scraped
    articles), ``markdown`` (blank-line separated blocks; markup removed) or ``html``.
    Raises :class:`InputError` when nothing but whitespace remains.
    """
    date = None
    if source_format == "html":
        page = html_to_text(raw)
        title, blocks, date = page.title, list(page.blocks), page.date
    elif source_format == "markdown":
        title, blocks = None, _markdown_blocks(raw)
    elif source_format == "text":
        title, blocks = None, _normalise(raw).split("\n")
    else:
        raise InputError(f"unknown format {source_format!r}; use one of: text, markdown, html")

    paragraphs: list[str] = []
    seen: set[str] = set()
    dropped = 0
    for block in blocks:
        para = _SPACES.sub(" ", _normalise(block).replace("\n", " ")).strip()
        if not para:
            continue
        if not keep_duplicates and para in seen:
            dropped += 1
            continue
        seen.add(para)
        paragraphs.append(para)
    if not paragraphs:
        raise InputError("the text is empty or contains only whitespace; paste or upload an article with some text")
    date = date or next(filter(None, (dateline_date(p) for p in paragraphs[:HEADLINE_LOOKS_AT])), None)
    return CleanText("\n\n".join(paragraphs), tuple(paragraphs), dropped, source_format, title, date)


# A headline: short, no sentence-final mark, most of its longer words capitalised (Title Case),
# or very short. Scraped pages often lead with a summary sentence or a byline before it.
HEADLINE_MAX_CHARS = 150
HEADLINE_MAX_WORDS = 20
HEADLINE_SHORT_WORDS = 8
HEADLINE_LOOKS_AT = 3  # paragraphs from the top
DATELINE_MAX_CHARS = 60
_SENTENCE_END = re.compile(r"[.。;；:：,，]$")
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_BYLINE = re.compile(r"^(?:by|photo|updated|posted|published)\b", re.IGNORECASE)


def is_headline(paragraph: str) -> bool:
    """True when ``paragraph`` reads as an article's headline rather than a sentence, byline or dateline."""
    words = paragraph.split()
    if not 2 <= len(words) <= HEADLINE_MAX_WORDS or len(paragraph) > HEADLINE_MAX_CHARS:
        return False
    if _SENTENCE_END.search(paragraph) or _is_byline_or_dateline(paragraph):
        return False
    long_words = [w for w in words if sum(ch.isalpha() for ch in w) >= 4]
    capitalised = sum(w[0].isupper() for w in long_words)
    return len(words) <= HEADLINE_SHORT_WORDS or capitalised * 5 >= len(long_words) * 3


def article_title(clean: CleanText, *, max_chars: int = 100) -> str:
    """The article's title: the page's own, else its headline (the first of the top paragraphs that reads as one),
    else its first paragraph, cut to ``max_chars``."""
    top = clean.paragraphs[:HEADLINE_LOOKS_AT]
    title = clean.title or next((p for p in top if is_headline(p)), None) or next(
        (p for p in top if not _is_byline_or_dateline(p)), clean.paragraphs[0])
    return title if len(title) <= max_chars else title[:max_chars - 1].rstrip() + "…"


def dateline_date(paragraph: str) -> str | None:
    """The full date (YYYY-MM-DD) a byline or dateline states ("June 27, 2025", "Published 2025-06-27"), else None.

    A date mentioned in a sentence of the article is what it reports, not when it was written:
    only bylines, datelines and other short lines that are not sentences count.
    """
    from workbench.numbers import extract_numbers_en

    short_line = len(paragraph) <= DATELINE_MAX_CHARS and not _SENTENCE_END.search(paragraph)
    if not (_is_byline_or_dateline(paragraph) or short_line):
        return None
    iso = _ISO_DATE.search(paragraph)
    if iso:
        return _valid_date(*iso.groups())
    return next((v for m in extract_numbers_en(paragraph) if m.kind == "date" for v in m.values if len(v) == 10),
                None)


def file_name_date(name: str) -> str | None:
    """The date a file name starts with (``2025-06-27-china-us-trade-framework.en.txt``), else None."""
    found = re.match(r"(\d{4})-(\d{2})-(\d{2})(?!\d)", Path(name).name)
    return _valid_date(*found.groups()) if found else None


def _valid_date(year: str, month: str, day: str) -> str | None:
    from datetime import date

    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _is_byline_or_dateline(paragraph: str) -> bool:
    return bool(_BYLINE.search(paragraph)) or sum(ch.isdigit() for ch in paragraph) * 3 > len(paragraph)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub(" ", text)
    return "\n".join(_SPACES.sub(" ", line).strip() for line in text.split("\n"))


def read_article(path: str | Path, *, max_bytes: int = DEFAULT_MAX_BYTES, keep_duplicates: bool = False,
                 source_format: str | None = None) -> CleanText:
    """Read a .txt, .md or .html article from disk and clean it (see :func:`clean_text`)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundWorkbenchError(f"{path}: no such file; check the path and try again")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give the path of one article file")
    fmt = source_format or SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise InputError(f"{path.name}: unsupported file type {path.suffix or '(none)'!r}; use one of {allowed}")
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(f"{path.name}: {_too_big(size, max_bytes)}; split the file or raise the limit (--max-bytes)")
    clean = ingest_bytes(path.read_bytes(), name=path.name, source_format=fmt, keep_duplicates=keep_duplicates,
                         max_bytes=max_bytes)
    return clean if clean.date else replace(clean, date=file_name_date(path.name))


def ingest_bytes(data: bytes, *, name: str, source_format: str, keep_duplicates: bool = False,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> CleanText:
    """Decode and clean uploaded bytes; enforces the size limit before decoding."""
    if len(data) > max_bytes:
        raise InputError(f"{name}: {_too_big(len(data), max_bytes)}; split the file or raise the limit")
    if not data.strip():
        raise InputError(f"{name}: the file is empty; upload an article with some text")
    return clean_text(decode_bytes(data, name), source_format=source_format, keep_duplicates=keep_duplicates)


def check_pasted_size(text: str, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Refuse pasted text over the upload limit, so a paste cannot do what an upload may not."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > max_bytes:
        raise InputError(f"the pasted text {_too_big(size, max_bytes)}, the same limit as for uploads; "
                         "paste the article in parts")


def split_long_sentence(text: str, limit: int = MAX_SEGMENT_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` spans of ``text``, each at most ``limit`` characters, covering it in order.

    A "sentence" longer than ``limit`` (a table flattened into one line, a list without
    full stops) is cut after the last clause mark (``,;:`` and their full-width forms)
    inside the window, else at the last space, else at the limit; the spaces between pieces
    belong to no piece.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    while len(text) - start > limit:
        window = text[start:start + limit + 1]
        cut = max(window.rfind(mark, 0, limit) for mark in (", ", "; ", ": ", "，", "；", "："))
        cut = cut + 1 if cut > 0 else window.rfind(" ", 0, limit)
        if cut <= 0:
            cut = limit
        end = start + cut
        spans.append((start, len(text[:end].rstrip())))
        start = end + (len(text[end:]) - len(text[end:].lstrip()))
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def control_character(text: str) -> tuple[int, str] | None:
    """The first control character other than tab and newline in ``text``: ``(index, char)``, or None."""
    found = _FINAL_CONTROL.search(text)
    return (found.start(), found.group()) if found else None


def _too_big(size: int, limit: int) -> str:
    return f"is {size:,} bytes, over the limit of {limit:,} bytes ({limit / 2**20:.1f} MiB)"


def detect_format(text: str) -> str:
    """Guess whether pasted text is HTML, Markdown or plain text."""
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(p|div|body|article|br|h[1-6])\b", head):
        return "html"
    if re.search(r"^(#{1,6} |[-*+] |\d+\. |> )", text, re.MULTILINE) or re.search(r"\[[^\]]+\]\([^)]+\)", text):
        return "markdown"
    return "text"


# --- Markdown -----------------------------------------------------------------------------------

_MD_INLINE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),        # images → alt text
    (re.compile(r"\[([^\]]+)\]\([^)]*\)"), r"\1"),         # links → link text
    (re.compile(r"`([^`]*)`"), r"\1"),
    (re.compile(r"(\*\*|__)(.+?)\1"), r"\2"),
    (re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?!\w)"), r"\1"),
]
_MD_BLOCK_PREFIX = re.compile(r"^\s{0,3}(#{1,6}\s+|>\s?|[-*+]\s+|\d{1,3}[.)]\s+)")


def _markdown_blocks(raw: str) -> list[str]:
    # Embedded HTML goes through the HTML collector so that scripts are dropped, not shown.
    if re.search(r"<[a-zA-Z!/]", raw):
        raw = html_to_text(raw, whole_page=False, keep_newlines=True).text
    blocks: list[str] = []
    current: list[str] = []
    in_fence = False
    for line in _normalise(raw).split("\n"):
        if line.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if re.fullmatch(r"[-*_=]{3,}", line.strip()) or not line.strip():
            blocks.append(" ".join(current))
            current = []
            continue
        starts_item = bool(_MD_BLOCK_PREFIX.match(line)) and not in_fence
        text = _MD_BLOCK_PREFIX.sub("", line) if not in_fence else line
        for pattern, repl in _MD_INLINE:
            text = pattern.sub(repl, text)
        text = html.unescape(text)
        if starts_item:  # headings, list items and quotes start a paragraph of their own
            blocks.append(" ".join(current))
            current = []
        if line.lstrip().startswith("#") and starts_item:  # a heading never runs on into the next line
            blocks.append(text)
            continue
        current.append(text)
    blocks.append(" ".join(current))
    return blocks
