"""HTML to text: the main text of a whole web page, or every paragraph of a fragment.

A whole page (it has ``<html>``, ``<body>`` or a doctype) goes through :mod:`trafilatura`,
which keeps the article and drops what surrounds it: site header, navigation, bylines,
"Related" link lists, footers. A fragment (``<p>…</p><p>…</p>`` pasted from a page, HTML
inside Markdown) has no such surroundings, so a small parser keeps all of its text, block
by block. Both drop scripts, styles and event handlers and never run anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["HtmlText", "html_to_text", "is_whole_page"]

_WHOLE_PAGE = re.compile(r"<(?:!doctype\s+html|html|body)\b", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
               "section", "article", "header", "footer", "blockquote", "pre", "hr", "figcaption", "dd", "dt"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object", "nav", "form"}


@dataclass(frozen=True)
class HtmlText:
    """What :func:`html_to_text` found: text blocks (one per paragraph, heading or list item) and metadata."""

    blocks: tuple[str, ...]
    title: str | None = None
    date: str | None = None  # YYYY-MM-DD, when the page states it
    url: str | None = None  # the page's own address, when it states it

    @property
    def text(self) -> str:
        """The blocks, one per line."""
        return "\n".join(self.blocks)


def is_whole_page(raw: str) -> bool:
    """True when ``raw`` is a whole HTML document rather than a fragment."""
    return bool(_WHOLE_PAGE.search(raw[:4096]))


def html_to_text(raw: str, *, whole_page: bool | None = None, keep_newlines: bool = False) -> HtmlText:
    """The text of HTML ``raw``, block by block, with the page's title, date and URL when known.

    ``whole_page`` (default: :func:`is_whole_page`) picks :mod:`trafilatura`'s main-text
    extraction; a page it finds no main text in is read like a fragment. A fragment keeps
    every block of text; ``keep_newlines`` keeps line breaks inside its text nodes (for
    HTML embedded in Markdown, where they matter). Blocks are not cleaned or deduplicated.
    """
    if whole_page is None:
        whole_page = is_whole_page(raw)
    if whole_page:
        page = _main_text(raw)
        if page is not None:
            return page
    return _fragment_text(raw, keep_newlines)


def _main_text(raw: str) -> HtmlText | None:
    import trafilatura

    page = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, include_tables=True,
                                       favor_precision=True)
    if page is None or not (page.text or "").strip():
        return None
    return HtmlText(tuple(page.text.split("\n")), (page.title or "").strip() or None, page.date or None,
                    page.url or None)


def _fragment_text(raw: str, keep_newlines: bool) -> HtmlText:
    collector = _TextCollector(keep_newlines)
    collector.feed(raw)
    collector.close()
    title = collector.title.strip() if collector.title and collector.title.strip() else None
    return HtmlText(tuple("".join(collector.parts).split("\n")), title)


class _TextCollector(HTMLParser):
    """Text outside scripts, styles and navigation, with a line break around each block element."""

    def __init__(self, keep_newlines: bool = False) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_newlines = keep_newlines
        self.parts: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.title: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
        elif tag == "title":
            self.in_title = True
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag == "title":
            self.in_title = False
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title = (self.title or "") + data
        elif not self.skip_depth:
            self.parts.append(data if self.keep_newlines else data.replace("\n", " "))
