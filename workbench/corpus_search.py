"""Full-text search over the official corpus, sentence by sentence.

The index is an SQLite FTS5 table (ranking by BM25, transactions, incremental inserts and
deletes) fed with terms made here: Chinese text becomes overlapping character pairs of its
normalised form, so Simplified and Traditional spellings of a word give the same terms and
no word segmenter is needed; English text becomes the lemmas of its words
(:func:`workbench.text.en.lemma`: ``tariffs`` → ``tariff``, ``imposed`` → ``impose``). Adding or replacing one document touches only its own rows.

The index can live in memory (the UI builds it once per process) or in a file that
:meth:`SearchIndex.sync` brings up to date with the corpus, re-indexing only documents
whose text or header changed (the CLI keeps one beside the workbench database).
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from workbench.corpus import OfficialCorpus, OfficialDocument
from workbench.errors import InputError, StoreError
from workbench.text.en import lemma
from workbench.text.zh import CJK_RUN, normalise_zh

MARK_OPEN, MARK_CLOSE = "**", "**"
SNIPPET_CHARS = 120  # published characters shown around the first match of a long sentence
_CANDIDATES = 200  # BM25 candidates re-ranked by query coverage
# Changes whenever text_terms would give other terms for the same text, so that a stored
# index made the old way is rebuilt by SearchIndex.sync.
_TERMS_SCHEME = "terms-2"  # 2: English words by lemma (lemminflect)
_WORD = re.compile(r"[0-9A-Za-z]+(?:['’][A-Za-z]+)?")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT NOT NULL, lang TEXT NOT NULL, version TEXT NOT NULL, fingerprint TEXT NOT NULL,
    date TEXT NOT NULL, issuer TEXT NOT NULL, title TEXT NOT NULL, source TEXT NOT NULL,
    PRIMARY KEY (doc_id, lang));
CREATE TABLE IF NOT EXISTS sentences (
    id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL, lang TEXT NOT NULL, idx INTEGER NOT NULL, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sentences_by_doc ON sentences (doc_id, lang);
CREATE VIRTUAL TABLE IF NOT EXISTS sentence_terms USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0');
"""


@dataclass(frozen=True)
class Term:
    """One search term of a text and the ``[start, end)`` characters it comes from."""

    term: str
    start: int
    end: int


def text_terms(text: str, lang: str) -> list[Term]:
    """The search terms of ``text``: character pairs for Chinese, normalised words for English.

    Chinese text is matched in its normalised form (:func:`~workbench.text.zh.normalise_zh`),
    which has the same length, so the offsets point into ``text`` as given. A Chinese run of
    a single character yields that character. Latin words and numbers in either language
    are terms as words.
    """
    matched = normalise_zh(text) if lang == "zh" else text
    terms = [Term(lemma(m.group()), m.start(), m.end()) for m in _WORD.finditer(matched)]
    for run in CJK_RUN.finditer(matched):
        chars, base = run.group(), run.start()
        if len(chars) == 1:
            terms.append(Term(chars, base, base + 1))
        terms.extend(Term(chars[i:i + 2], base + i, base + i + 2) for i in range(len(chars) - 1))
    return sorted(terms, key=lambda t: t.start)


@dataclass(frozen=True)
class SearchHit:
    """One sentence found by a search, with what a citation needs."""

    doc_id: str
    lang: str
    version: str
    sentence_index: int
    text: str
    snippet: str
    score: float
    date: str
    title: str
    issuer: str
    source: str

    def citation(self) -> dict:
        """The citation to store with this sentence taken as a final translation.

        Same keys as the review store's citations of alignment links (``doc_id``, ``version``,
        ``sentence_ids``), plus what a reader needs without the corpus at hand.
        """
        return {"doc_id": self.doc_id, "lang": self.lang, "version": self.version,
                "sentence_ids": [self.sentence_index], "title": self.title, "issuer": self.issuer,
                "date": self.date, "source": self.source, "found_by": "corpus search"}

    def citation_line(self) -> str:
        """The citation in one line: title, issuer, date, document id and version, sentence number."""
        return (f"{self.title} ({self.issuer}, {self.date}); {self.doc_id}.{self.lang}@{self.version} "
                f"sentence {self.sentence_index}")

    def to_dict(self) -> dict:
        """Plain fields, for JSON output and the UI."""
        return asdict(self)


class SearchIndex:
    """A sentence index of official documents that grows and shrinks one document at a time."""

    def __init__(self, path: str | Path = ":memory:"):
        self.path = str(path)
        self.lock = threading.RLock()  # the UI's worker threads share the connection, one at a time
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, check_same_thread=False)
            self._db.executescript(_SCHEMA)
        except sqlite3.Error as err:
            raise StoreError(f"search index {self.path} cannot be opened ({err}); delete it to rebuild it") from None

    @classmethod
    def build(cls, documents: Iterable[OfficialDocument], path: str | Path = ":memory:") -> SearchIndex:
        """An index holding ``documents`` (an :class:`OfficialCorpus` works)."""
        index = cls(path)
        with index.lock, index._db:
            for doc in documents:
                index._replace(doc)
        return index

    def add_document(self, doc: OfficialDocument) -> None:
        """Index one document, replacing what was indexed under its id and language."""
        with self.lock, self._db:
            self._replace(doc)

    def remove_document(self, doc_id: str, lang: str) -> None:
        """Drop one document from the index (nothing happens if it is not there)."""
        with self.lock, self._db:
            self._delete(doc_id, lang)

    def sync(self, corpus: OfficialCorpus) -> tuple[int, int]:
        """Bring the index in line with ``corpus``; returns (documents re-indexed, documents dropped)."""
        with self.lock:
            known = {(d, lang): fp for d, lang, fp in self._db.execute("SELECT doc_id, lang, fingerprint FROM documents")}
        changed = [doc for doc in corpus if known.get((doc.id, doc.lang)) != _fingerprint(doc)]
        gone = set(known) - {(doc.id, doc.lang) for doc in corpus}
        with self.lock, self._db:
            for doc_id, lang in gone:
                self._delete(doc_id, lang)
            for doc in changed:
                self._replace(doc)
        return len(changed), len(gone)

    def __len__(self) -> int:
        with self.lock:
            return self._db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def _delete(self, doc_id: str, lang: str) -> None:
        self._db.execute("DELETE FROM sentence_terms WHERE rowid IN "
                         "(SELECT id FROM sentences WHERE doc_id = ? AND lang = ?)", (doc_id, lang))
        self._db.execute("DELETE FROM sentences WHERE doc_id = ? AND lang = ?", (doc_id, lang))
        self._db.execute("DELETE FROM documents WHERE doc_id = ? AND lang = ?", (doc_id, lang))

    def _replace(self, doc: OfficialDocument) -> None:
        self._delete(doc.id, doc.lang)
        self._db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (doc.id, doc.lang, doc.version, _fingerprint(doc), doc.date, doc.issuer, doc.title,
                          doc.source))
        for sent in doc.sentences:
            cur = self._db.execute("INSERT INTO sentences (doc_id, lang, idx, text) VALUES (?, ?, ?, ?)",
                                   (doc.id, doc.lang, sent.index, sent.text))
            terms = " ".join(t.term for t in text_terms(sent.text, doc.lang))
            self._db.execute("INSERT INTO sentence_terms (rowid, terms) VALUES (?, ?)", (cur.lastrowid, terms))


def _fingerprint(doc: OfficialDocument) -> str:
    """Changes whenever anything shown in a hit changes (text or header), or the way terms are made."""
    return hashlib.sha256((_TERMS_SCHEME + doc.to_file_text()).encode("utf-8")).hexdigest()[:16]


def search_corpus(index: SearchIndex, query: str, *, lang: str | None = None, date_from: str | None = None,
                  date_to: str | None = None, issuer: str | None = None, top: int = 10,
                  min_coverage: float = 0.5) -> list[SearchHit]:
    """The ``top`` sentences best matching ``query``, best first.

    ``query`` may be Chinese (Simplified or Traditional) or English; ``lang`` limits hits
    to one language, ``date_from``/``date_to`` (YYYY-MM-DD, inclusive) to a period and
    ``issuer`` to documents whose issuer contains it. Sentences holding fewer than
    ``min_coverage`` of the query's terms are left out; among the rest, those holding the
    whole query as written rank first, then by share of query terms, then by BM25.
    """
    query_terms = {t.term for t in text_terms(query, "zh")}
    if not query_terms:
        raise InputError(f"search query {query!r} has no words or Chinese characters; type some words to search for")
    if top < 1:
        raise InputError(f"--top must be at least 1, not {top}; ask for one or more hits")
    where, params = ["sentence_terms MATCH ?"], [" OR ".join(f'"{term}"' for term in sorted(query_terms))]
    for clause, value in (("d.lang = ?", lang), ("d.date >= ?", date_from), ("d.date <= ?", date_to),
                          ("instr(lower(d.issuer), lower(?)) > 0", issuer)):
        if value:
            where.append(clause)
            params.append(value)
    with index.lock:
        rows = index._db.execute(
            "SELECT s.doc_id, s.lang, s.idx, s.text, bm25(sentence_terms) AS score, d.version, d.date, d.title, "
            "d.issuer, d.source FROM sentence_terms JOIN sentences s ON s.id = sentence_terms.rowid "
            "JOIN documents d ON d.doc_id = s.doc_id AND d.lang = s.lang "
            f"WHERE {' AND '.join(where)} ORDER BY score LIMIT {_CANDIDATES}", params).fetchall()
    phrase = normalise_zh(query.strip()).lower()
    ranked = []
    for doc_id, doc_lang, idx, text, score, version, date, title, doc_issuer, source in rows:
        terms = text_terms(text, doc_lang)
        coverage = len(query_terms & {t.term for t in terms}) / len(query_terms)
        if coverage < min_coverage:
            continue
        whole = phrase in (normalise_zh(text) if doc_lang == "zh" else text).lower()
        spans = [(t.start, t.end) for t in terms if t.term in query_terms]
        hit = SearchHit(doc_id, doc_lang, version, idx, text, mark_snippet(text, spans), -score, date, title,
                        doc_issuer, source)
        ranked.append(((not whole, -coverage, score), hit))
    ranked.sort(key=lambda pair: pair[0])
    return [hit for _, hit in ranked[:top]]


def mark_snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS) -> str:
    """``text`` with the matched ``spans`` marked ``**like this**``, cut to about ``width`` characters."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        # Touching matches, or matches apart by a space only ("export control"), are marked as one.
        if merged and (start <= merged[-1][1] or text[merged[-1][1]:start].isspace()):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    lo, hi = 0, len(text)
    if len(text) > width and merged:
        lo = max(0, min(merged[0][0] - width // 3, len(text) - width))
        hi = min(len(text), lo + width)
    out, pos = [], lo
    for start, end in merged:
        start, end = max(start, lo), min(end, hi)
        if start >= end:
            continue
        out += [text[pos:start], MARK_OPEN, text[start:end], MARK_CLOSE]
        pos = end
    out.append(text[pos:hi])
    return ("…" if lo > 0 else "") + "".join(out) + ("…" if hi < len(text) else "")


def open_index(corpus: OfficialCorpus, path: str | Path) -> SearchIndex:
    """The search index at ``path`` (the CLI's is ``Settings.search_index``), synced with ``corpus``."""
    index = SearchIndex(path)
    index.sync(corpus)
    return index
