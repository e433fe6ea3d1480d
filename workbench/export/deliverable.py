"""The deliverable: the translated article as a reader gets it, in plain text, Word, or a bilingual table.

:func:`reading_view` lays a stored document out by paragraph: each sentence's final Chinese
where it is approved, and the best text there is otherwise (the saved final, else the MT,
else the official wording), marked as not approved. The writers put that into a ``.txt``,
a ``.docx`` (python-docx) or a two-column English | Chinese ``.docx`` table; an unapproved
sentence carries :data:`UNAPPROVED_MARK` (and a highlight in Word), and a note at the top says so.

Files are named after the document's date and title (:func:`export_stem`):
``2025-06-27-china-and-us-finalize-trade-agreement.zh.docx``; a title with no Latin letters
falls back to the document id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

from workbench.errors import InputError
from workbench.export.paths import output_root, publish
from workbench.store import DocumentRecord, Store

DELIVERABLE_FORMATS = ("txt", "docx", "bilingual")
UNAPPROVED_MARK = "〔未审定〕"
UNAPPROVED_NOTE = f"{UNAPPROVED_MARK} marks sentences not yet approved (未经审定的句子)."
SLUG_CHARS = 70
SUFFIXES = {"txt": ".zh.txt", "docx": ".zh.docx", "bilingual": ".en-zh.docx"}


@dataclass(frozen=True)
class ReadingSegment:
    """One sentence of the reading view: its Chinese, whether that is approved, and the English it renders."""

    segment_id: int
    text: str
    approved: bool
    english: str


@dataclass(frozen=True)
class ReadingView:
    """The whole article in Chinese, by paragraph."""

    title: str
    date: str
    paragraphs: tuple[tuple[ReadingSegment, ...], ...]

    @property
    def complete(self) -> bool:
        """True when every sentence is approved."""
        return all(s.approved for paragraph in self.paragraphs for s in paragraph)


def document_date(document: DocumentRecord) -> str:
    """The document's date (``YYYY-MM-DD``): its metadata's ``date`` when known, else the day it was imported."""
    return str(document.metadata.get("date") or document.imported_at[:10])


def reading_view(store: Store, document_id: str) -> ReadingView:
    """The translated article: approved finals, and the best text available elsewhere, marked not approved."""
    document = store.document(document_id)
    translations = store.translations(document_id)
    links = store.links(document_id)
    reviews = store.reviews(document_id)
    segments = []
    for segment in store.segments(document_id):
        review = reviews[segment.id]
        mt = translations.get(segment.id)
        official = (links.get(segment.id) or [None])[0]
        text = (review.text if review.revision else "") or (mt.text if mt else "") or (official.text if official else "")
        segments.append((segment.paragraph, ReadingSegment(segment.id, text, review.state == "approved", segment.text)))
    paragraphs = tuple(tuple(s for _, s in group) for _, group in groupby(segments, key=lambda pair: pair[0]))
    return ReadingView(document.title, document_date(document), paragraphs)


def export_stem(document: DocumentRecord) -> str:
    """``<date>-<ASCII slug of the title>``, or ``<date>-<document id>`` when the title has no Latin letters."""
    ascii_title = unicodedata.normalize("NFKD", document.title).encode("ascii", "ignore").decode("ascii")
    ascii_title = re.sub(r"(?<=\w)[.'’](?=\w)", "", ascii_title.lower())  # U.S. → us, China's → chinas
    words = re.findall(r"[a-z0-9]+", ascii_title)
    slug = ""
    for word in words:
        if len(slug) + len(word) + 1 > SLUG_CHARS:
            break
        slug = f"{slug}-{word}" if slug else word
    if not re.search(r"[a-z]", slug):
        slug = document.id
    return f"{document_date(document)}-{slug}"


def unused_path(output_dir: Path, stem: str, suffix: str) -> Path:
    """``output_dir/stem+suffix``, or ``stem-2``, ``stem-3``… when taken, so an earlier export is never overwritten."""
    path, n = output_dir / f"{stem}{suffix}", 1
    while path.exists():
        n += 1
        path = output_dir / f"{stem}-{n}{suffix}"
    return path


def deliverable_text(view: ReadingView) -> str:
    """The article as plain text: title, date, then one paragraph per line group; unapproved sentences marked."""
    lines = [view.title, view.date, ""]
    if not view.complete:
        lines += [UNAPPROVED_NOTE, ""]
    for paragraph in view.paragraphs:
        lines += ["".join(_marked(s) for s in paragraph), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def write_deliverable(view: ReadingView, fmt: str, target: Path) -> None:
    """Write ``view`` to ``target`` as ``txt``, ``docx`` or ``bilingual`` (a two-column .docx table)."""
    _known_format(fmt)
    if fmt == "txt":
        target.write_text(deliverable_text(view), encoding="utf-8")
        return
    import docx
    from docx.enum.text import WD_COLOR_INDEX

    document = docx.Document()
    document.core_properties.title = view.title
    document.add_heading(view.title, level=1)
    document.add_paragraph(view.date)
    if not view.complete:
        document.add_paragraph(UNAPPROVED_NOTE)
    if fmt == "docx":
        for paragraph in view.paragraphs:
            block = document.add_paragraph()
            for segment in paragraph:
                run = block.add_run(_marked(segment))
                if not segment.approved:
                    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    else:
        rows: Sequence[ReadingSegment] = [s for paragraph in view.paragraphs for s in paragraph]
        table = document.add_table(rows=1, cols=2)
        table.style = "Table Grid"
        table.rows[0].cells[0].text, table.rows[0].cells[1].text = "English", "中文"
        for segment in rows:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = segment.english, _marked(segment)
    document.save(str(target))


def export_deliverable(store: Store, document_id: str, fmt: str, *, output_dir: str | Path) -> Path:
    """Write the document's :func:`reading_view` as ``fmt`` into ``output_dir``, under a name never used before."""
    _known_format(fmt)
    view = reading_view(store, document_id)
    root = output_root(output_dir)
    root.mkdir(parents=True, exist_ok=True)
    destination = unused_path(root, export_stem(store.document(document_id)), SUFFIXES[fmt])
    with publish(destination) as target:
        write_deliverable(view, fmt, target)
    return destination


def _known_format(fmt: str) -> None:
    if fmt not in DELIVERABLE_FORMATS:
        raise InputError(f"unknown deliverable format {fmt!r}; choose one of {', '.join(DELIVERABLE_FORMATS)}")


def _marked(segment: ReadingSegment) -> str:
    return segment.text if segment.approved else f"{UNAPPROVED_MARK}{segment.text}"
