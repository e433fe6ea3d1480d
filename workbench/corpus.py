"""The official corpus: Chinese (and some English) texts with their provenance.

One file per document and language, ``<id>.<lang>.txt``: a ``key: value`` header (id, lang,
date, issuer, title, source, confidence, and any other fields), a ``---`` line, then the
text exactly as published. Reviewers always see that text; matching uses a normalised
form (Simplified characters, full-width Chinese punctuation) kept alongside, with the same
length so offsets carry over.

Documents are versioned by a hash of their text. When a document is replaced, the old text
stays in ``<corpus dir>/versions/<id>.<lang>.<version>.txt``, so alignment links and review
records made against it can still be resolved (:meth:`OfficialCorpus.get_version`).
"""

from __future__ import annotations

import glob
import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from workbench.errors import CorpusError
from workbench.segment import Segment, segment_text
from workbench.text.zh import normalise_zh, traditional_ratio

log = logging.getLogger(__name__)

REQUIRED_FIELDS = ("id", "lang", "date", "issuer", "title", "source", "confidence")
HEADER_ORDER = REQUIRED_FIELDS
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
VERSION_CHARS = 12  # hex digits of the text hash that name a version


@dataclass(frozen=True)
class OfficialSentence:
    """A sentence of an official document, as published and in matching form."""

    doc_id: str
    lang: str
    index: int
    text: str
    normalised: str
    paragraph: int
    start: int
    end: int


@dataclass
class OfficialDocument:
    """One official document in one language, with its provenance header."""

    id: str
    lang: str
    date: str
    issuer: str
    title: str
    source: str
    confidence: str
    text: str
    extra: dict[str, str] = field(default_factory=dict)
    path: Path | None = None

    @property
    def version(self) -> str:
        """Short hex hash of the text: the same text always gives the same version."""
        return text_version(self.text)

    @property
    def is_partial(self) -> bool:
        """True when the stored text is cut short (its confidence says PARTIAL)."""
        return "PARTIAL" in self.confidence.upper()

    @property
    def source_urls(self) -> list[str]:
        """The URLs named in the ``source`` field, first one first."""
        return re.findall(r"https?://[^\s;,)]+", self.source)

    @cached_property
    def matching_text(self) -> str:
        """The whole text in matching form (normalised if Chinese), same length as ``text``."""
        return normalise_zh(self.text) if self.lang == "zh" else self.text

    @cached_property
    def is_traditional(self) -> bool:
        """True when the text is stored in Traditional characters."""
        return self.lang == "zh" and traditional_ratio(self.text) > 0.05

    @cached_property
    def sentences(self) -> tuple[OfficialSentence, ...]:
        """The document's sentences; Chinese ones carry their normalised matching form."""
        segments: list[Segment] = segment_text(self.text, self.lang)
        out = []
        for seg in segments:
            norm = normalise_zh(seg.text) if self.lang == "zh" else seg.text
            out.append(OfficialSentence(self.id, self.lang, seg.index, seg.text, norm, seg.paragraph,
                                        seg.start, seg.end))
        return tuple(out)

    def header(self) -> dict[str, str]:
        """All header fields in canonical order, extra fields last."""
        base = {name: getattr(self, name) for name in HEADER_ORDER}
        return {**base, **self.extra}

    def to_file_text(self) -> str:
        """The document in corpus file format (header, ``---``, text)."""
        lines = [f"{key}: {value}" for key, value in self.header().items()]
        return "\n".join(lines) + "\n---\n" + self.text.rstrip("\n") + "\n"


def text_version(text: str) -> str:
    """The version name of a document text (first hex digits of its SHA-256)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:VERSION_CHARS]


@dataclass(frozen=True)
class CorpusPaths:
    """Where a corpus keeps its current documents and the versions they replaced."""

    official: Path
    versions: Path

    def document_path(self, doc_id: str, lang: str) -> Path:
        """The file of the current version of a document."""
        return self.official / f"{doc_id}.{lang}.txt"

    def version_path(self, doc_id: str, lang: str, version: str) -> Path:
        """The file an earlier version of a document is kept in."""
        return self.versions / f"{doc_id}.{lang}.{version}.txt"


def corpus_paths(directory: str | Path | None = None) -> CorpusPaths:
    """The folders of the corpus at ``directory`` (default: the corpus shipped in ``corpora/``).

    ``directory`` may be the corpus folder holding ``official/`` or a bare folder of
    documents; either way old versions go to a ``versions/`` folder beside the documents'.
    """
    from workbench.settings import SHIPPED_CORPUS

    root = Path(directory) if directory else SHIPPED_CORPUS
    if (root / "official").is_dir():
        return CorpusPaths(root / "official", root / "versions")
    return CorpusPaths(root, root / "versions")


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def parse_document(raw: str, *, path: Path | None = None) -> OfficialDocument:
    """Parse a corpus file's text; raises :class:`CorpusError` naming the missing or bad field."""
    where = str(path) if path else "document"
    raw = raw.lstrip("\ufeff").replace("\r\n", "\n")
    head, sep, body = raw.partition("\n---\n")
    if not sep:
        raise CorpusError(f"{where}: no '---' line between header and text; add one after the header")
    fields: dict[str, str] = {}
    for lineno, line in enumerate(head.split("\n"), start=1):
        if not line.strip():
            continue
        key, colon, value = line.partition(":")
        if not colon:
            raise CorpusError(f"{where}:{lineno}: header line must be 'key: value'")
        fields[key.strip().lower()] = value.strip()
    missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
    if missing:
        raise CorpusError(f"{where}: header lacks {', '.join(missing)}; add them (required: {', '.join(REQUIRED_FIELDS)})")
    if not _DATE.match(fields["date"]):
        raise CorpusError(f"{where}: date {fields['date']!r} is not YYYY-MM-DD; correct the header")
    if fields["lang"] not in ("zh", "en"):
        raise CorpusError(f"{where}: lang {fields['lang']!r} must be 'zh' or 'en'")
    text = body.strip("\n")
    if not text.strip():
        raise CorpusError(f"{where}: the document has no text after the '---' line")
    extra = {k: v for k, v in fields.items() if k not in REQUIRED_FIELDS}
    return OfficialDocument(**{name: fields[name] for name in REQUIRED_FIELDS}, text=text, extra=extra, path=path)


class OfficialCorpus:
    """All official documents of a corpus folder, by id and language."""

    def __init__(self, documents: list[OfficialDocument], *, paths: CorpusPaths | None = None):
        self._docs: dict[tuple[str, str], OfficialDocument] = {}
        self.paths = paths  # None for a corpus built in memory: no earlier versions to look up
        self._stamps: dict[Path, tuple[int, int]] = {}  # file → (mtime, size) when last read
        for doc in documents:
            self.add(doc)

    @property
    def glossary(self) -> Path:
        """The term base that goes with this corpus: ``glossary.tsv`` in its folder, else the shipped one."""
        from workbench.settings import SHIPPED_GLOSSARY

        if self.paths is not None and (self.paths.versions.parent / "glossary.tsv").is_file():
            return self.paths.versions.parent / "glossary.tsv"
        return SHIPPED_GLOSSARY

    @classmethod
    def load(cls, directory: str | Path | None = None) -> OfficialCorpus:
        """Load every ``*.txt`` under ``<corpus dir>/official`` (default: the project's ``corpora/``)."""
        paths = corpus_paths(directory)
        folder = paths.official
        if not folder.is_dir():
            raise CorpusError(f"corpus folder {folder} not found; set WORKBENCH_CORPUS (--corpus-dir) to the folder holding official/")
        files = sorted(folder.glob("*.txt"))
        corpus = cls([parse_document(p.read_text(encoding="utf-8"), path=p) for p in files], paths=paths)
        corpus._stamps = {p: _stamp(p) for p in files}
        return corpus

    def refresh(self) -> list[str]:
        """Read documents added or changed on disk since loading; returns their file names.

        A long-running UI calls this before aligning, so a document added meanwhile with
        ``workbench corpus add`` is found. A file that no longer parses is skipped with a
        warning and its last good text kept: an edit in progress must not stop the UI.
        """
        if self.paths is None or not self.paths.official.is_dir():
            return []
        read = []
        for path in sorted(self.paths.official.glob("*.txt")):
            try:
                stamp = _stamp(path)
                if self._stamps.get(path) == stamp:
                    continue
                doc = parse_document(path.read_text(encoding="utf-8"), path=path)
            except (OSError, UnicodeDecodeError, CorpusError) as err:
                log.warning("corpus file %s skipped: %s", path.name, err)
                continue
            self.add(doc)
            self._stamps[path] = stamp
            read.append(path.name)
        return read

    def add(self, doc: OfficialDocument) -> None:
        """Add or replace one document (same id and language replaces)."""
        self._docs[(doc.id, doc.lang)] = doc

    def get(self, doc_id: str, lang: str = "zh") -> OfficialDocument:
        """The document ``doc_id`` in ``lang``; the error lists close ids."""
        try:
            return self._docs[(doc_id, lang)]
        except KeyError:
            import difflib

            ids = sorted({i for i, _ in self._docs})
            close = difflib.get_close_matches(doc_id, ids, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else "; run 'workbench corpus list' to see the ids"
            raise CorpusError(f"no {lang} document with id {doc_id!r} in the corpus{hint}") from None

    def latest_version(self, doc_id: str, lang: str = "zh") -> str:
        """The version of the current text of a document."""
        return self.get(doc_id, lang).version

    def has_newer_version(self, doc_id: str, lang: str, version: str) -> bool:
        """True when the document has been replaced since ``version`` (what a link was made against)."""
        return self.latest_version(doc_id, lang) != version

    def get_version(self, doc_id: str, lang: str, version: str) -> OfficialDocument:
        """The document as it was at ``version``: the current one, or an earlier one kept on disk."""
        current = self._docs.get((doc_id, lang))
        if current is not None and current.version == version:
            return current
        path = self.paths.version_path(doc_id, lang, version) if self.paths else None
        if path is None or not path.is_file():
            raise CorpusError(f"version {version} of {doc_id}.{lang} is not kept in the corpus; "
                              f"restore {doc_id}.{lang}.{version}.txt into the versions/ folder")
        return parse_document(path.read_text(encoding="utf-8"), path=path)

    def earlier_versions(self, doc_id: str, lang: str) -> list[str]:
        """Versions of a document kept on disk that the current text replaced, in no particular order."""
        if self.paths is None or not self.paths.versions.is_dir():
            return []
        names = (p.name for p in self.paths.versions.glob(f"{glob.escape(doc_id)}.{lang}.*.txt"))
        found = (re.fullmatch(rf"{re.escape(doc_id)}\.{lang}\.([0-9a-f]+)\.txt", name) for name in names)
        return [m.group(1) for m in found if m]

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._docs

    def __iter__(self) -> Iterator[OfficialDocument]:
        return iter(sorted(self._docs.values(), key=lambda d: (d.date, d.id, d.lang)))

    def __len__(self) -> int:
        return len(self._docs)

    def documents(self, lang: str | None = None) -> list[OfficialDocument]:
        """Documents, oldest first, optionally of one language."""
        return [d for d in self if lang is None or d.lang == lang]

    def has_pair(self, doc_id: str) -> bool:
        """True when the document exists in both Chinese and English."""
        return (doc_id, "zh") in self._docs and (doc_id, "en") in self._docs
