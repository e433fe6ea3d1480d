"""Adding official documents to the corpus: read, validate, version, write, index.

A document arrives as a corpus-format file, as plain text with its metadata given as
flags, or as a saved web page whose main text :func:`~workbench.text.html.html_to_text` extracts
(navigation, footers and related-news lists dropped; title and date taken from the page). Before it is
written, :func:`validate_document` checks the metadata, the language, the script and
near-duplicates; problems a user must fix are errors, the rest warnings.

Writes are atomic (:mod:`workbench.text.files`: temporary file, then rename). Replacing a document's text first keeps
the old text under ``versions/``, so alignment links made against it stay resolvable.
Indexes that hold the corpus (search, retrieval) are handed each added document instead of
being rebuilt.
"""

from __future__ import annotations

import datetime as dt
import heapq
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from workbench.corpus import (
    REQUIRED_FIELDS,
    OfficialCorpus,
    OfficialDocument,
    corpus_paths,
    parse_document,
    text_version,
)
from workbench.errors import CorpusError, FileNotFoundWorkbenchError, InputError, WorkbenchError
from workbench.text.files import atomic_write_text
from workbench.text.html import html_to_text
from workbench.text.zh import CJK

NEAR_DUPLICATE = 0.9  # similarity (0-1, rapidfuzz ratio of the matching texts) from which two texts are one
DUPLICATE_FIELD = "near_duplicate_of"  # header field recording a near-duplicate kept with --force
DEFAULT_CONFIDENCE = "unreviewed: added with 'workbench corpus add'"
HTML_SUFFIXES = (".html", ".htm", ".shtml", ".xhtml")
IMPORT_SUFFIXES = (".txt", ".text", *HTML_SUFFIXES)
# Near-duplicate sketches in `corpus check`: 16 hashes of 5-character shingles; texts whose sketches
# share at least half are compared in full (near-duplicates share most, texts quoting each other a few).
_SHINGLE_CHARS, _SKETCH_SIZE, _SKETCH_MEETS = 5, 16, 8
_LATIN_LETTER = re.compile("[A-Za-z]")
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_HEADER_START = re.compile(r"^\ufeff?[A-Za-z_]+:", re.MULTILINE)
# Share of CJK characters among letters that a Chinese text at least has / an English one at most has.
_MIN_CJK_ZH, _MAX_CJK_EN = 0.5, 0.2


class DocumentIndex(Protocol):
    """Anything that keeps official documents indexed and can take one more (search, retrieval)."""

    def add_document(self, doc: OfficialDocument) -> None:
        """Index ``doc``, replacing what was indexed under its id and language."""


@dataclass(frozen=True)
class Metadata:
    """Header fields given on the command line; ``None`` means "take it from the file"."""

    id: str | None = None
    lang: str | None = None
    date: str | None = None
    issuer: str | None = None
    title: str | None = None
    source: str | None = None
    confidence: str | None = None
    pair: str | None = None


@dataclass(frozen=True)
class Finding:
    """One problem found while validating: errors stop an add, warnings are reported."""

    severity: str  # "error" or "warning"
    message: str
    duplicate_of: str | None = None  # for near-duplicates: the other document's id

    @property
    def is_error(self) -> bool:
        """True for problems that stop an add (and make ``corpus check`` fail)."""
        return self.severity == "error"


@dataclass(frozen=True)
class AddResult:
    """What adding one document did: ``added``, ``updated`` (new version) or ``unchanged``."""

    status: str
    doc: OfficialDocument
    previous_version: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass
class ImportSummary:
    """Counts and names of what ``corpus import`` did with each file."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    warnings: list[str] = field(default_factory=list)


# --- reading ------------------------------------------------------------------------------------


def read_document(path: str | Path, meta: Metadata = Metadata()) -> OfficialDocument:
    """Read one document from a corpus-format file, a plain text file or a saved HTML page.

    Fields given in ``meta`` override those found in the file. Fields still missing stay
    empty, for :func:`validate_document` to report; nothing is checked here but decoding.
    """
    from workbench.ingest import decode_bytes

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundWorkbenchError(f"{path}: no such file; check the path and try again")
    raw = decode_bytes(path.read_bytes(), path.name)
    if path.suffix.lower() in HTML_SUFFIXES or re.match(r"\s*<(!doctype html|html)", raw, re.IGNORECASE):
        found = _from_html(raw)
    elif _HEADER_START.match(raw) and "\n---\n" in raw.replace("\r\n", "\n"):
        found = _from_corpus_file(raw, path)
    else:
        found = {"text": _clean(raw)}
    return _document(found, meta, path)


def _from_corpus_file(raw: str, path: Path) -> dict[str, str]:
    try:
        doc = parse_document(raw, path=path)
    except CorpusError:
        # A header with gaps: take what is there, validation names what is missing.
        head, _, body = raw.lstrip("\ufeff").replace("\r\n", "\n").partition("\n---\n")
        fields = dict(_header_line(line) for line in head.split("\n") if ":" in line)
        return {**fields, "text": body.strip("\n")}
    return {**doc.header(), "text": doc.text}


def _header_line(line: str) -> tuple[str, str]:
    key, _, value = line.partition(":")
    return key.strip().lower(), value.strip()


def _from_html(raw: str) -> dict[str, str]:
    """Main text, title, date and URL of a saved page, as :func:`~workbench.text.html.html_to_text` finds them."""
    page = html_to_text(raw)
    if not page.text.strip():
        return {"text": ""}
    lines = _clean(page.text).split("\n")
    title = page.title or ""
    if lines and title and lines[0].strip() == title:
        lines = lines[1:]  # the headline is the title field, not the first sentence
    found = {"text": "\n".join(lines), "title": title, "date": page.date or "", "source": page.url or ""}
    return {key: value for key, value in found.items() if value or key == "text"}


def _clean(raw: str) -> str:
    from workbench.ingest import clean_text

    try:
        # Repeated paragraphs stay: an official text is stored as published, repeats included.
        return "\n".join(clean_text(raw, source_format="text", keep_duplicates=True).paragraphs)
    except InputError:
        return ""


def _document(found: dict[str, str], meta: Metadata, path: Path) -> OfficialDocument:
    if meta.pair and meta.id and meta.pair != meta.id:
        raise InputError(f"--id {meta.id} and --pair {meta.pair} disagree; the two sides of a pair share one id, "
                         "so give only --pair")
    given = {name: getattr(meta, name) for name in REQUIRED_FIELDS if getattr(meta, name)}
    fields = {**{name: found.get(name, "") for name in REQUIRED_FIELDS}, **given}
    if meta.pair:
        fields["id"] = meta.pair
    if not fields["id"]:
        fields["id"] = re.sub(r"\.(zh|en)$", "", path.stem.lower())
    if not fields["lang"] and found.get("text"):
        fields["lang"] = "zh" if cjk_ratio(found["text"]) >= _MIN_CJK_ZH else "en"
    fields["date"] = parse_date(fields["date"]) or fields["date"]
    extra = {k: v for k, v in found.items() if k not in REQUIRED_FIELDS and k != "text"}
    if meta.pair:
        extra["pair"] = meta.pair
    return OfficialDocument(**fields, text=found.get("text", "").strip("\n"), extra=extra)


def parse_date(value: str) -> str | None:
    """``value`` as YYYY-MM-DD (it may be 2025-4-16, 2025/04/16 or 2025年4月16日), or None."""
    m = _DATE.search(value or "")
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
    except ValueError:
        return None


def cjk_ratio(text: str) -> float:
    """Share of CJK characters among the letters of ``text`` (0 when it has no letters)."""
    cjk = len(CJK.findall(text))
    latin = len(_LATIN_LETTER.findall(text))
    return cjk / (cjk + latin) if cjk + latin else 0.0


# --- validating ---------------------------------------------------------------------------------


def validate_document(doc: OfficialDocument, corpus: OfficialCorpus, *, force: bool = False) -> list[Finding]:
    """Everything wrong with adding ``doc`` to ``corpus``; errors first.

    Near-duplicates of another document are errors unless ``force`` (then warnings).
    """
    findings = _document_findings(doc, corpus)
    if not any(f.is_error for f in findings):
        findings += _duplicate_findings(doc, corpus, force=force)
    return sorted(findings, key=lambda f: not f.is_error)


def _document_findings(doc: OfficialDocument, corpus: OfficialCorpus) -> list[Finding]:
    """Problems of the document itself: fields, language, script, the pair it names."""
    findings = [Finding("error", message) for message in _field_errors(doc)]
    if doc.lang == "zh" and doc.text and doc.is_traditional:
        findings.append(Finding("warning", f"{doc.id}.zh is in Traditional characters; search and alignment "
                                           "match it in Simplified form, but prefer the Simplified original"))
    pair = doc.extra.get("pair")
    other_lang = "en" if doc.lang == "zh" else "zh"
    if pair and (pair, other_lang) not in corpus:
        findings.append(Finding("error", f"--pair {pair}: no {other_lang} document with that id; "
                                         "add that side first or drop --pair"))
    return findings


def _duplicate_findings(doc: OfficialDocument, others: Iterable[OfficialDocument], *, force: bool) -> list[Finding]:
    dup = find_near_duplicate(doc, others)
    if dup is None:
        return []
    other, similarity = dup
    if doc.extra.get(DUPLICATE_FIELD) == other:
        return []  # kept on purpose, earlier, with --force
    action = ("kept both (--force)" if force else
              f"pass --force to keep both, or --id {other} to make it a new version of that one")
    return [Finding("warning" if force else "error",
                    f"{doc.id}.{doc.lang} is a near-duplicate of {other} (similarity {similarity:.2f}); {action}",
                    duplicate_of=other)]


def _field_errors(doc: OfficialDocument) -> list[str]:
    flags = {"id": "--id", "lang": "--lang", "date": "--date", "issuer": "--issuer", "title": "--title",
             "source": "--source", "confidence": "--confidence"}
    errors = [f"{doc.id or 'document'}: no {name} given; pass {flags[name]} or add '{name}:' to the header"
              for name in REQUIRED_FIELDS if not getattr(doc, name).strip()]
    if errors:
        return errors
    if not _ID.match(doc.id):
        errors.append(f"id {doc.id!r} is not usable as a file name; use lower-case letters, digits, '.', '-' "
                      "and '_' (e.g. mofcom-2025-04-16-qa)")
    if doc.lang not in ("zh", "en"):
        errors.append(f"{doc.id}: lang {doc.lang!r} is not supported; pass --lang zh or --lang en")
    if parse_date(doc.date) != doc.date:
        errors.append(f"{doc.id}: date {doc.date!r} is not a valid date; pass --date YYYY-MM-DD")
    if not doc.text.strip():
        errors.append(f"{doc.id}: the document has no text; check the file (for a web page, save the full page)")
    elif doc.lang in ("zh", "en"):
        ratio = cjk_ratio(doc.text)
        if doc.lang == "zh" and ratio < _MIN_CJK_ZH:
            errors.append(f"{doc.id}: declared zh but only {ratio:.0%} of its letters are Chinese; "
                          "check the file or pass --lang en")
        if doc.lang == "en" and ratio > _MAX_CJK_EN:
            errors.append(f"{doc.id}: declared en but {ratio:.0%} of its letters are Chinese; "
                          "check the file or pass --lang zh")
    return errors


def find_near_duplicate(doc: OfficialDocument, corpus: Iterable[OfficialDocument],
                        threshold: float = NEAR_DUPLICATE) -> tuple[str, float] | None:
    """The id of the document (other than ``doc``'s own) most similar to ``doc``, if at least ``threshold``."""
    from rapidfuzz import fuzz, process

    others = {other.id: other.matching_text for other in corpus if other.lang == doc.lang and other.id != doc.id}
    best = process.extractOne(doc.matching_text, others, scorer=fuzz.ratio, processor=None,
                              score_cutoff=threshold * 100)
    return (best[2], best[1] / 100) if best else None


def text_sketch(text: str) -> set[int]:
    """A few hashes standing for ``text`` (bottom-k MinHash of its 5-character shingles).

    Two texts that are near-duplicates share most shingles, so their sketches almost surely
    meet; unrelated texts almost never do. Hashes are Python's, so compare sketches made in
    one process only.
    """
    shingles = {hash(text[i:i + _SHINGLE_CHARS]) for i in range(max(1, len(text) - _SHINGLE_CHARS + 1))}
    return set(heapq.nsmallest(_SKETCH_SIZE, shingles))


# --- writing ------------------------------------------------------------------------------------


def add_document(corpus: OfficialCorpus, doc: OfficialDocument, *, force: bool = False,
                 indexes: Sequence[DocumentIndex] = ()) -> AddResult:
    """Validate ``doc``, write it into the corpus folder and hand it to ``indexes``.

    Same id, language and text: nothing changes (``unchanged``). Same id and language with a
    different text: the current text is kept under ``versions/`` first (``updated``).
    Raises :class:`InputError` with the first validation error.
    """
    if corpus.paths is None:
        raise CorpusError("this corpus was built in memory and has no folder; load it with OfficialCorpus.load")
    current = corpus.get(doc.id, doc.lang) if (doc.id, doc.lang) in corpus else None
    if current is not None:  # a new version: header fields not given again stay as they were
        doc = replace(doc, **{name: getattr(current, name) for name in REQUIRED_FIELDS if not getattr(doc, name)})
    if not doc.confidence:
        doc = replace(doc, confidence=DEFAULT_CONFIDENCE)
    findings = validate_document(doc, corpus, force=force)
    errors = [f.message for f in findings if f.is_error]
    if errors:
        raise InputError(errors[0])
    warnings = tuple(f.message for f in findings)
    kept_duplicate = next((f.duplicate_of for f in findings if f.duplicate_of), None)
    if kept_duplicate:
        doc = replace(doc, extra={**doc.extra, DUPLICATE_FIELD: kept_duplicate})
    target = corpus.paths.document_path(doc.id, doc.lang)
    if current is not None and current.to_file_text() == doc.to_file_text():
        return AddResult("unchanged", current, current.version, warnings)
    if current is not None and current.version != doc.version:
        kept = corpus.paths.version_path(doc.id, doc.lang, current.version)
        if not kept.exists():
            atomic_write_text(kept, current.to_file_text())
    atomic_write_text(target, doc.to_file_text())
    stored = replace(doc, path=target)
    corpus.add(stored)
    for index in indexes:
        index.add_document(stored)
    status = "added" if current is None else "updated"
    return AddResult(status, stored, current.version if current else None, warnings)


def import_folder(corpus: OfficialCorpus, folder: str | Path, *, force: bool = False,
                  indexes: Sequence[DocumentIndex] = ()) -> ImportSummary:
    """Add every document file of ``folder`` (corpus format or HTML pages); never stops at a bad one."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundWorkbenchError(f"{folder}: no such folder; give the folder holding the documents")
    summary = ImportSummary()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in IMPORT_SUFFIXES):
        try:
            result = add_document(corpus, read_document(path), force=force, indexes=indexes)
        except WorkbenchError as err:
            summary.rejected.append((path.name, str(err)))
            continue
        name = f"{result.doc.id}.{result.doc.lang}"
        {"added": summary.added, "updated": summary.updated, "unchanged": summary.skipped}[result.status].append(name)
        summary.warnings.extend(result.warnings)
    return summary


# --- checking -----------------------------------------------------------------------------------


def check_corpus(directory: str | Path | None = None) -> list[Finding]:
    """Validate every document and kept version of a corpus folder; errors first."""
    paths = corpus_paths(directory)
    if not paths.official.is_dir():
        raise CorpusError(f"corpus folder {paths.official} not found; set WORKBENCH_CORPUS to the folder "
                          "holding official/")
    findings: list[Finding] = []
    docs: list[OfficialDocument] = []
    for path in sorted(paths.official.glob("*.txt")):
        try:
            doc = parse_document(path.read_text(encoding="utf-8"), path=path)
        except (CorpusError, UnicodeDecodeError) as err:
            findings.append(Finding("error", str(err)))
            continue
        if path.name != f"{doc.id}.{doc.lang}.txt":
            findings.append(Finding("error", f"{path.name}: holds {doc.id}.{doc.lang}; rename it to "
                                             f"{doc.id}.{doc.lang}.txt"))
        docs.append(doc)
    corpus = OfficialCorpus(docs)
    # Comparing every pair of texts grows with the square of the corpus; compare only documents
    # whose sketches meet. Each near-duplicate pair is reported once, by the later file, and
    # pairs kept with --force not at all.
    earlier: dict[tuple[str, int], list[OfficialDocument]] = defaultdict(list)
    for doc in docs:
        sketch = text_sketch(doc.matching_text)
        meets = Counter((d.id, d.lang) for h in sketch for d in earlier[(doc.lang, h)])
        candidates = [corpus.get(*key) for key, count in meets.items() if count >= _SKETCH_MEETS]
        candidates = [d for d in candidates if d.extra.get(DUPLICATE_FIELD) != doc.id]
        findings += _document_findings(doc, corpus) + _duplicate_findings(doc, candidates, force=False)
        for h in sketch:
            earlier[(doc.lang, h)].append(doc)
    findings += _check_versions(paths.versions)
    return sorted(findings, key=lambda f: not f.is_error)


def _check_versions(folder: Path) -> list[Finding]:
    findings = []
    for path in sorted(folder.glob("*.txt")) if folder.is_dir() else []:
        try:
            doc = parse_document(path.read_text(encoding="utf-8"), path=path)
        except (CorpusError, UnicodeDecodeError) as err:
            findings.append(Finding("error", str(err)))
            continue
        expected = f"{doc.id}.{doc.lang}.{text_version(doc.text)}.txt"
        if path.name != expected:
            findings.append(Finding("error", f"versions/{path.name}: its text is version {doc.version}, so links "
                                             f"to the name's version cannot be trusted; restore the original file"))
    return findings
