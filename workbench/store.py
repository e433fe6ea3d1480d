"""The review store: documents, segments, MT, alignment links, reviews and their full history.

SQLite by default (one file, WAL, foreign keys on, a busy timeout, schema versions in
``PRAGMA user_version``). Everything else talks to :class:`Store`, whose methods take and
return plain dataclasses, so another SQL database could replace SQLite behind it.

Two rules protect the reviewers' work:

* Review history is append-only. Every save adds a row to ``revisions``; triggers refuse
  ``UPDATE`` and ``DELETE`` there. The current review of a segment is simply its latest
  revision (the ``reviews`` view).
* Optimistic locking. A save names the revision it was based on; if someone saved in the
  meantime the save is refused with :class:`~workbench.errors.ConflictError`, which shows
  the other reviewer's text and name. ``UNIQUE(segment_id, number)`` backs this up in the
  schema itself, so no two saves can both become revision *n*.

Writes run in ``BEGIN IMMEDIATE`` transactions, so a document is stored with all its
segments or not at all, and a save is acknowledged only after its commit.

The store owns every table of the file, the translation cache
(:class:`~workbench.translate.cache.TranslationCache`) and reviewers' terms
(:mod:`workbench.terms.user_terms`) included: both go through its connections, its
pragmas and its migrations. Documents and alignment links keep the run signature
(:class:`~workbench.signature.RunSignature`) of what produced them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from workbench.errors import ConflictError, InputError, StoreError

REVIEW_STATES = ("new", "edited", "approved", "rejected")
# Why a translation was rejected (the error categories of MQM-style review); migration 5 checks the same list.
REJECT_CATEGORIES = ("accuracy", "terminology", "fluency", "style", "locale")
BUSY_TIMEOUT_MS = 10_000

# Each migration is a list of statements run in one transaction; its index + 1 is the
# schema version it produces. Never edit a released migration: append a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE documents (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            source_text TEXT NOT NULL,
            source_format TEXT NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{}',
            imported_at TEXT NOT NULL
        )""",
        """CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            document_id TEXT NOT NULL REFERENCES documents(id),
            position INTEGER NOT NULL,
            paragraph INTEGER NOT NULL,
            start_offset INTEGER NOT NULL,
            end_offset INTEGER NOT NULL,
            text TEXT NOT NULL,
            UNIQUE (document_id, position)
        )""",
        """CREATE TABLE translations (
            id INTEGER PRIMARY KEY,
            segment_id INTEGER NOT NULL REFERENCES segments(id),
            text TEXT NOT NULL,
            origin TEXT NOT NULL,
            model TEXT,
            model_revision TEXT,
            backend TEXT,
            options TEXT NOT NULL DEFAULT '{}',
            score REAL,
            flags TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX translations_by_segment ON translations (segment_id, id)",
        """CREATE TABLE alignment_links (
            id INTEGER PRIMARY KEY,
            segment_id INTEGER NOT NULL REFERENCES segments(id),
            quote TEXT,
            official_doc_id TEXT,
            official_doc_version TEXT,
            sentence_ids TEXT NOT NULL DEFAULT '[]',
            text TEXT NOT NULL,
            score REAL NOT NULL,
            evidence TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX links_by_segment ON alignment_links (segment_id, id)",
        """CREATE TABLE revisions (
            id INTEGER PRIMARY KEY,
            segment_id INTEGER NOT NULL REFERENCES segments(id),
            number INTEGER NOT NULL CHECK (number >= 1),
            text TEXT NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('new', 'edited', 'approved', 'rejected')),
            reviewer TEXT NOT NULL,
            action TEXT NOT NULL,
            citation TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (segment_id, number)
        )""",
        """CREATE TRIGGER revisions_are_append_only_update BEFORE UPDATE ON revisions
           BEGIN SELECT RAISE(ABORT, 'revisions are append-only: add a new revision instead'); END""",
        """CREATE TRIGGER revisions_are_append_only_delete BEFORE DELETE ON revisions
           BEGIN SELECT RAISE(ABORT, 'revisions are append-only: add a new revision instead'); END""",
        # The current review of a segment is its latest revision; first_at is when review began.
        """CREATE VIEW reviews AS
           SELECT r.segment_id, r.number AS revision, r.text, r.state, r.reviewer, r.citation,
                  (SELECT MIN(f.created_at) FROM revisions f WHERE f.segment_id = r.segment_id) AS first_at,
                  r.created_at AS updated_at
           FROM revisions r
           WHERE r.number = (SELECT MAX(m.number) FROM revisions m WHERE m.segment_id = r.segment_id)""",
    ),
    # 2: the translation cache and reviewers' terms, once created on first use by their own
    # modules with these very columns; IF NOT EXISTS adopts such tables with their rows.
    (
        """CREATE TABLE IF NOT EXISTS translation_cache (
            identity TEXT NOT NULL,
            source TEXT NOT NULL,
            terms TEXT NOT NULL,
            text TEXT NOT NULL,
            score REAL,
            flags TEXT NOT NULL,
            created REAL NOT NULL,
            PRIMARY KEY (identity, source, terms)
        )""",
        """CREATE TABLE IF NOT EXISTS user_terms (
            id INTEGER PRIMARY KEY,
            en TEXT NOT NULL,
            zh TEXT NOT NULL,
            attestation TEXT NOT NULL,
            source TEXT NOT NULL DEFAULT '',
            valid_from TEXT,
            valid_to TEXT,
            added_by TEXT NOT NULL,
            added_at TEXT NOT NULL
        )""",
    ),
    # 3: what produced a document and each of its links (a RunSignature string).
    (
        "ALTER TABLE documents ADD COLUMN run_signature TEXT",
        "ALTER TABLE alignment_links ADD COLUMN run_signature TEXT",
    ),
    # 4: who may do what (users and roles; passwords only as KDF hashes), the reason given with
    # a rejection, and an append-only trail of everything that is not a revision (imports,
    # exports, user management).
    (
        """CREATE TABLE users (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('translator', 'reviewer', 'admin')),
            password_hash TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "ALTER TABLE revisions ADD COLUMN reason TEXT",
        """CREATE TABLE audit_events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            document_id TEXT,
            detail TEXT NOT NULL DEFAULT '{}'
        )""",
        "CREATE INDEX audit_by_document ON audit_events (document_id, id)",
        """CREATE TRIGGER audit_is_append_only_update BEFORE UPDATE ON audit_events
           BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
        """CREATE TRIGGER audit_is_append_only_delete BEFORE DELETE ON audit_events
           BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    ),
    # 5: the error category of a rejection, and a thread of comments per segment (append-only,
    # like the history: a comment is part of the record of how a translation was decided).
    (
        "ALTER TABLE revisions ADD COLUMN category TEXT CHECK (category IS NULL OR category IN"
        " ('accuracy', 'terminology', 'fluency', 'style', 'locale'))",
        """CREATE TABLE comments (
            id INTEGER PRIMARY KEY,
            segment_id INTEGER NOT NULL REFERENCES segments(id),
            author TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        "CREATE INDEX comments_by_segment ON comments (segment_id, id)",
        """CREATE TRIGGER comments_are_append_only_update BEFORE UPDATE ON comments
           BEGIN SELECT RAISE(ABORT, 'comments are append-only: add a new comment instead'); END""",
        """CREATE TRIGGER comments_are_append_only_delete BEFORE DELETE ON comments
           BEGIN SELECT RAISE(ABORT, 'comments are append-only: add a new comment instead'); END""",
    ),
)
ROLES = ("translator", "reviewer", "admin")  # each role may do what the ones before it may
USER_TERM_COLUMNS = ("en", "zh", "attestation", "source", "valid_from", "valid_to", "added_by", "added_at")
SCHEMA_VERSION = len(MIGRATIONS)


# --- what goes in -------------------------------------------------------------------------------

@dataclass(frozen=True)
class NewSegment:
    """A sentence of an article to store; ``position`` orders segments within the document."""

    position: int
    text: str
    paragraph: int = 0
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class NewTranslation:
    """A candidate translation of the segment at ``position``; ``origin`` is ``mt`` or ``import``."""

    position: int
    text: str
    origin: str = "mt"
    model: str | None = None
    model_revision: str | None = None
    backend: str | None = None
    options: dict = field(default_factory=dict)
    score: float | None = None
    flags: tuple = ()


@dataclass(frozen=True)
class NewLink:
    """Official wording found for the segment at ``position`` (or for a quote inside it)."""

    position: int
    text: str
    score: float
    official_doc_id: str | None = None
    official_doc_version: str | None = None
    sentence_ids: tuple[int, ...] = ()
    quote: str | None = None
    evidence: dict = field(default_factory=dict)
    run_signature: str | None = None


@dataclass(frozen=True)
class NewDocument:
    """An article with everything computed for it, stored in one transaction."""

    id: str
    title: str
    source_text: str
    source_format: str
    segments: Sequence[NewSegment]
    translations: Sequence[NewTranslation] = ()
    links: Sequence[NewLink] = ()
    metadata: dict = field(default_factory=dict)
    run_signature: str | None = None


# --- what comes out -----------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentSummary:
    """One line of the document list."""

    id: str
    title: str
    imported_at: str
    segments: int
    approved: int
    reviewed: int


@dataclass(frozen=True)
class DocumentRecord:
    """A stored article and its metadata."""

    id: str
    title: str
    source_text: str
    source_format: str
    metadata: dict
    imported_at: str
    run_signature: str | None = None


@dataclass(frozen=True)
class SegmentRecord:
    """A stored sentence; ``id`` is unique across documents."""

    id: int
    document_id: str
    position: int
    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class TranslationRecord:
    """A stored candidate translation with the identity of what produced it."""

    id: int
    segment_id: int
    text: str
    origin: str
    model: str | None
    model_revision: str | None
    backend: str | None
    options: dict
    score: float | None
    flags: tuple
    created_at: str


@dataclass(frozen=True)
class LinkRecord:
    """A stored alignment link to official wording."""

    id: int
    segment_id: int
    quote: str | None
    official_doc_id: str | None
    official_doc_version: str | None
    sentence_ids: tuple[int, ...]
    text: str
    score: float
    evidence: dict
    created_at: str
    run_signature: str | None = None


@dataclass(frozen=True)
class Revision:
    """One save of a segment's review; ``number`` counts from 1 per segment."""

    segment_id: int
    number: int
    text: str
    state: str
    reviewer: str
    action: str
    citation: dict | None
    created_at: str
    reason: str | None = None  # why it was rejected (or what an approval was confirmed over), when said
    category: str | None = None  # the rejection's error category, one of REJECT_CATEGORIES


@dataclass(frozen=True)
class Comment:
    """One comment in a segment's thread."""

    id: int
    segment_id: int
    author: str
    text: str
    created_at: str


@dataclass(frozen=True)
class UserRecord:
    """A person who may log in, with their role; the password is kept only as a KDF hash."""

    name: str
    role: str
    password_hash: str
    created_at: str


@dataclass(frozen=True)
class AuditEvent:
    """One line of a document's audit trail: who did what, when (``segment`` for revisions)."""

    at: str
    actor: str
    action: str
    document_id: str | None
    detail: dict
    segment: int | None = None  # the segment's position + 1, for revisions
    revision: int | None = None


@dataclass(frozen=True)
class Review:
    """The current review of a segment; ``revision`` 0 means nobody has saved it yet."""

    segment_id: int
    revision: int = 0
    text: str = ""
    state: str = "new"
    reviewer: str | None = None
    citation: dict | None = None
    first_at: str | None = None
    updated_at: str | None = None


def now_iso() -> str:
    """The current UTC time, ISO 8601 with microseconds (sorts as text)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Store:
    """Repository over one SQLite file; safe to share between threads (one connection each)."""

    def __init__(self, path: str | Path, *, read_only: bool = False):
        if path is None or str(path) == "":
            raise StoreError("no database file given; pass the review database's path (the db setting)")
        self.path = Path(path).expanduser()
        self.read_only = read_only
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        if read_only:
            if not self.path.is_file():
                raise StoreError(f"database {self.path} does not exist; process an article first or check WORKBENCH_DB")
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise StoreError(f"cannot create the folder for database {self.path} ({err.strerror}); "
                                 "set WORKBENCH_DB to a writable location") from None
            self.migrate()
        self.check_integrity()

    # --- connections and transactions ------------------------------------------------------------

    def connection(self) -> sqlite3.Connection:
        """The calling thread's connection (opened on first use)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def _connect(self) -> sqlite3.Connection:
        try:
            if self.read_only:
                # On a read-only folder SQLite cannot create the WAL's shared-memory file; nobody can
                # be writing there, so the file is opened as immutable.
                flags = "mode=ro" if os.access(self.path.resolve().parent, os.W_OK) else "mode=ro&immutable=1"
                conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?{flags}", uri=True,
                                       isolation_level=None, check_same_thread=False)
            else:
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not self.read_only:
                conn.execute("PRAGMA journal_mode = WAL")
                # FULL: a save acknowledged to a reviewer survives a power cut too, not only a crash.
                conn.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as err:
            raise _store_error(err, self.path) from None
        return conn

    def close(self) -> None:
        """Close every connection this store opened."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``): committed on success, rolled back on any error."""
        if self.read_only:
            raise StoreError(f"database {self.path} is open read-only; reopen it writable to save changes")
        conn = self.connection()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as err:
            raise _store_error(err, self.path) from None
        try:
            yield conn
            conn.execute("COMMIT")
        except BaseException as err:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(err, sqlite3.Error):
                raise _store_error(err, self.path) from None
            raise

    def _query(self, sql: str, params: Sequence = ()) -> list[sqlite3.Row]:
        try:
            return self.connection().execute(sql, params).fetchall()
        except sqlite3.Error as err:
            raise _store_error(err, self.path) from None

    def check_integrity(self) -> None:
        """Refuse a damaged file at open (``PRAGMA quick_check``), before any page of it is served."""
        rows = self._query("PRAGMA quick_check")
        problems = [str(row[0]) for row in rows if str(row[0]).lower() != "ok"]
        if problems:
            raise _store_error(sqlite3.DatabaseError(f"database disk image is malformed ({problems[0]})"), self.path)

    def schema_version(self) -> int:
        """The schema version of the database file (``PRAGMA user_version``)."""
        return int(self._query("PRAGMA user_version")[0][0])

    def migrate(self) -> int:
        """Bring the schema up to :data:`SCHEMA_VERSION`; returns the version found before."""
        with self.transaction() as conn:
            # Re-read inside the lock: another process may have migrated meanwhile.
            found = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if found > SCHEMA_VERSION:
                raise StoreError(f"database {self.path} has schema version {found}, newer than this workbench "
                                 f"({SCHEMA_VERSION}); upgrade the workbench")
            for version in range(found, SCHEMA_VERSION):
                for statement in MIGRATIONS[version]:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        return found

    # --- documents --------------------------------------------------------------------------------

    def add_document(self, doc: NewDocument) -> str:
        """Store an article with its segments, translations and links, all or nothing; returns its id."""
        positions = [s.position for s in doc.segments]
        if len(set(positions)) != len(positions):
            raise InputError(f"document {doc.id}: two segments share a position; number segments uniquely")
        created = now_iso()
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone():
                raise InputError(f"document {doc.id} is already stored; open it from the document list")
            conn.execute(
                "INSERT INTO documents (id, title, source_text, source_format, metadata, imported_at, run_signature)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (doc.id, doc.title, doc.source_text, doc.source_format, _dump(doc.metadata), created,
                 doc.run_signature))
            segment_ids: dict[int, int] = {}
            for seg in doc.segments:
                cur = conn.execute(
                    "INSERT INTO segments (document_id, position, paragraph, start_offset, end_offset, text)"
                    " VALUES (?, ?, ?, ?, ?, ?)", (doc.id, seg.position, seg.paragraph, seg.start, seg.end, seg.text))
                segment_ids[seg.position] = int(cur.lastrowid)
            self._insert_translations(conn, [(segment_ids[_known(t.position, segment_ids, doc.id)], t)
                                             for t in doc.translations], created)
            for link in doc.links:
                conn.execute(
                    "INSERT INTO alignment_links (segment_id, quote, official_doc_id, official_doc_version,"
                    " sentence_ids, text, score, evidence, created_at, run_signature)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (segment_ids[_known(link.position, segment_ids, doc.id)], link.quote, link.official_doc_id,
                     link.official_doc_version, _dump(list(link.sentence_ids)), link.text, float(link.score),
                     _dump(link.evidence), created, link.run_signature))
        return doc.id

    def has_document(self, document_id: str) -> bool:
        """True when a document with this id is stored."""
        return bool(self._query("SELECT 1 FROM documents WHERE id = ?", (document_id,)))

    def document(self, document_id: str) -> DocumentRecord:
        """The stored article ``document_id``; raises :class:`InputError` when there is none."""
        rows = self._query("SELECT * FROM documents WHERE id = ?", (document_id,))
        if not rows:
            raise InputError(f"no document {document_id!r} in the store; pick one from the document list")
        row = rows[0]
        return DocumentRecord(row["id"], row["title"], row["source_text"], row["source_format"],
                              json.loads(row["metadata"]), row["imported_at"], _column(row, "run_signature"))

    def list_documents(self) -> list[DocumentSummary]:
        """Every stored document, newest first, with review progress."""
        rows = self._query(
            """SELECT d.id, d.title, d.imported_at,
                      (SELECT COUNT(*) FROM segments s WHERE s.document_id = d.id) AS n_segments,
                      (SELECT COUNT(*) FROM reviews r JOIN segments s ON s.id = r.segment_id
                        WHERE s.document_id = d.id AND r.state = 'approved') AS n_approved,
                      (SELECT COUNT(*) FROM reviews r JOIN segments s ON s.id = r.segment_id
                        WHERE s.document_id = d.id AND r.state != 'new') AS n_reviewed
               FROM documents d ORDER BY d.imported_at DESC, d.id""")
        return [DocumentSummary(r["id"], r["title"], r["imported_at"], r["n_segments"], r["n_approved"],
                                r["n_reviewed"]) for r in rows]

    def segments(self, document_id: str) -> list[SegmentRecord]:
        """The document's segments in order."""
        rows = self._query("SELECT * FROM segments WHERE document_id = ? ORDER BY position", (document_id,))
        return [_segment(r) for r in rows]

    def segment(self, segment_id: int) -> SegmentRecord:
        """One segment by id; raises :class:`InputError` when there is none."""
        rows = self._query("SELECT * FROM segments WHERE id = ?", (segment_id,))
        if not rows:
            raise InputError(f"no segment {segment_id} in the store; reload the document")
        return _segment(rows[0])

    # --- translations and links ---------------------------------------------------------------------

    def add_translations(self, pairs: Sequence[tuple[int, NewTranslation]]) -> int:
        """Store candidate translations for existing segments (``(segment_id, translation)``); returns the count."""
        with self.transaction() as conn:
            self._insert_translations(conn, pairs, now_iso())
        return len(pairs)

    @staticmethod
    def _insert_translations(conn: sqlite3.Connection, pairs: Sequence[tuple[int, NewTranslation]],
                             created: str) -> None:
        conn.executemany(
            "INSERT INTO translations (segment_id, text, origin, model, model_revision, backend, options, score,"
            " flags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(segment_id, t.text, t.origin, t.model, t.model_revision, t.backend, _dump(t.options),
              None if t.score is None else float(t.score), _dump(list(t.flags)), created) for segment_id, t in pairs])

    def translations(self, document_id: str) -> dict[int, TranslationRecord]:
        """The latest candidate translation of each segment of the document, by segment id."""
        rows = self._query(
            """SELECT t.* FROM translations t JOIN segments s ON s.id = t.segment_id
               WHERE s.document_id = ? ORDER BY t.segment_id, t.id""", (document_id,))
        return {r["segment_id"]: _translation(r) for r in rows}  # later rows win

    def translation(self, segment_id: int) -> TranslationRecord | None:
        """The latest candidate translation of one segment, if any."""
        rows = self._query("SELECT * FROM translations WHERE segment_id = ? ORDER BY id DESC LIMIT 1", (segment_id,))
        return _translation(rows[0]) if rows else None

    def segment_links(self, segment_id: int) -> list[LinkRecord]:
        """Alignment links of one segment, best score first."""
        rows = self._query("SELECT * FROM alignment_links WHERE segment_id = ? ORDER BY score DESC, id", (segment_id,))
        return [_link(r) for r in rows]

    def links(self, document_id: str) -> dict[int, list[LinkRecord]]:
        """Alignment links of the document, best score first, by segment id."""
        rows = self._query(
            """SELECT l.* FROM alignment_links l JOIN segments s ON s.id = l.segment_id
               WHERE s.document_id = ? ORDER BY l.segment_id, l.score DESC, l.id""", (document_id,))
        out: dict[int, list[LinkRecord]] = {}
        for r in rows:
            out.setdefault(r["segment_id"], []).append(_link(r))
        return out

    # --- reviews --------------------------------------------------------------------------------------

    def review(self, segment_id: int) -> Review:
        """The current review of a segment (revision 0 and state ``new`` when never saved)."""
        rows = self._query("SELECT * FROM reviews WHERE segment_id = ?", (segment_id,))
        return _review(rows[0]) if rows else Review(segment_id)

    def reviews(self, document_id: str) -> dict[int, Review]:
        """Current reviews of every segment of the document, by segment id (unsaved ones included)."""
        rows = self._query(
            """SELECT s.id AS sid, r.* FROM segments s LEFT JOIN reviews r ON r.segment_id = s.id
               WHERE s.document_id = ?""", (document_id,))
        return {r["sid"]: _review(r) if r["revision"] is not None else Review(r["sid"]) for r in rows}

    def save_review(self, segment_id: int, *, text: str, state: str, reviewer: str, base_revision: int,
                    action: str = "edit", citation: dict | None = None, reason: str | None = None,
                    category: str | None = None) -> Review:
        """Append a revision based on ``base_revision``; returns the new current review.

        Raises :class:`ConflictError` (showing the other reviewer's text) when the segment has
        moved on since ``base_revision``.
        """
        return self.save_reviews([dict(segment_id=segment_id, text=text, state=state, reviewer=reviewer,
                                       base_revision=base_revision, action=action, citation=citation,
                                       reason=reason, category=category)])[0]

    def save_reviews(self, saves: Sequence[dict]) -> list[Review]:
        """Several :meth:`save_review` calls (their keyword arguments, ``segment_id`` included) in one transaction.

        All are stored or none: one conflict or bad value refuses the whole batch.
        """
        checked = []
        for save in saves:
            state, category = save["state"], save.get("category")
            if state not in REVIEW_STATES:
                raise InputError(f"unknown review state {state!r}; use one of {', '.join(REVIEW_STATES)}")
            if category is not None and category not in REJECT_CATEGORIES:
                raise InputError(f"unknown rejection category {category!r}; use one of {', '.join(REJECT_CATEGORIES)}")
            reviewer = (save.get("reviewer") or "").strip()
            if not reviewer:
                raise InputError("no reviewer name given; enter your name before saving")
            checked.append({**save, "reviewer": reviewer})
        with self.transaction() as conn:
            return [self._append_revision(conn, **save) for save in checked]

    @staticmethod
    def _append_revision(conn: sqlite3.Connection, segment_id: int, *, text: str, state: str, reviewer: str,
                         base_revision: int, action: str = "edit", citation: dict | None = None,
                         reason: str | None = None, category: str | None = None) -> Review:
        created = now_iso()
        _require_segment(conn, segment_id)
        latest = conn.execute("SELECT * FROM reviews WHERE segment_id = ?", (segment_id,)).fetchone()
        current = _review(latest) if latest else Review(segment_id)
        if current.revision != base_revision:
            raise ConflictError(
                f"segment {segment_id} was saved by {current.reviewer or 'someone'} (revision {current.revision}) after you "
                f"opened revision {base_revision}; their text: {current.text!r}; "
                "reload the segment, merge your change into theirs and save again")
        conn.execute(
            "INSERT INTO revisions (segment_id, number, text, state, reviewer, action, citation, created_at,"
            " reason, category) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (segment_id, base_revision + 1, text, state, reviewer, action,
             _dump(citation) if citation else None, created, reason or None, category))
        return Review(segment_id, base_revision + 1, text, state, reviewer, citation,
                      current.first_at or created, created)

    def revisions(self, segment_id: int) -> list[Revision]:
        """Every saved revision of a segment, oldest first."""
        rows = self._query("SELECT * FROM revisions WHERE segment_id = ? ORDER BY number", (segment_id,))
        return [_revision(r) for r in rows]

    def first_reviewers(self, document_id: str) -> dict[int, str]:
        """Who saved the first revision of each reviewed segment of the document, by segment id."""
        rows = self._query("""SELECT r.segment_id, r.reviewer FROM revisions r JOIN segments s ON s.id = r.segment_id
                              WHERE s.document_id = ? AND r.number = 1""", (document_id,))
        return {r["segment_id"]: r["reviewer"] for r in rows}

    def revision(self, segment_id: int, number: int | None) -> Revision:
        """Revision ``number`` of a segment; :class:`InputError` names the ones there are when it has none such."""
        rows = self._query("SELECT * FROM revisions WHERE segment_id = ? AND number = ?", (segment_id, number))
        if rows:
            return _revision(rows[0])
        numbers = ", ".join(str(r.number) for r in self.revisions(segment_id)) or "none yet"
        raise InputError(f"segment {segment_id} has no revision {number}; pick one of: {numbers}")

    # --- comments ------------------------------------------------------------------------------------

    def add_comment(self, segment_id: int, *, author: str, text: str) -> Comment:
        """Append a comment to a segment's thread; an empty text or author is refused."""
        author, text = (author or "").strip(), (text or "").strip()
        if not author:
            raise InputError("no author given for the comment; enter your name first")
        if not text:
            raise InputError("the comment is empty; type what you want to say about this segment")
        created = now_iso()
        with self.transaction() as conn:
            _require_segment(conn, segment_id)
            cur = conn.execute("INSERT INTO comments (segment_id, author, text, created_at) VALUES (?, ?, ?, ?)",
                               (segment_id, author, text, created))
        return Comment(int(cur.lastrowid), segment_id, author, text, created)

    def comments(self, segment_id: int) -> list[Comment]:
        """A segment's comments, oldest first (none on a read-only store older than the comments table)."""
        if not self.has_table("comments"):
            return []
        rows = self._query("SELECT * FROM comments WHERE segment_id = ? ORDER BY id", (segment_id,))
        return [Comment(r["id"], r["segment_id"], r["author"], r["text"], r["created_at"]) for r in rows]

    def count_revisions(self) -> int:
        """How many revisions the whole store holds (for integrity checks)."""
        return int(self._query("SELECT COUNT(*) FROM revisions")[0][0])

    def has_table(self, name: str) -> bool:
        """True when the file holds table ``name`` (a read-only store may predate a migration)."""
        return bool(self._query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)))

    # --- users and the audit trail -------------------------------------------------------------------

    def add_user(self, name: str, role: str, password_hash: str) -> UserRecord:
        """Store a new user; raises :class:`InputError` when the name is taken or the role unknown."""
        _known_role(role)
        created = now_iso()
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise InputError(f"user {name!r} already exists; use 'workbench users set-role' or pick another name")
            conn.execute("INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                         (name, role, password_hash, created))
        return UserRecord(name, role, password_hash, created)

    def set_user_role(self, name: str, role: str) -> None:
        """Give user ``name`` another role."""
        _known_role(role)
        with self.transaction() as conn:
            if not conn.execute("UPDATE users SET role = ? WHERE name = ?", (role, name)).rowcount:
                raise InputError(f"no user {name!r}; 'workbench users list' shows who exists")

    def remove_user(self, name: str) -> None:
        """Delete user ``name`` (their revisions and audit lines stay, under their name)."""
        with self.transaction() as conn:
            if not conn.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise InputError(f"no user {name!r}; 'workbench users list' shows who exists")

    def user(self, name: str) -> UserRecord | None:
        """The user called ``name``, if any."""
        if not self.has_table("users"):
            return None
        rows = self._query("SELECT * FROM users WHERE name = ?", (name,))
        return UserRecord(rows[0]["name"], rows[0]["role"], rows[0]["password_hash"], rows[0]["created_at"]) \
            if rows else None

    def users(self) -> list[UserRecord]:
        """Every user, by name."""
        if not self.has_table("users"):
            return []
        return [UserRecord(r["name"], r["role"], r["password_hash"], r["created_at"])
                for r in self._query("SELECT * FROM users ORDER BY name")]

    def record_event(self, actor: str, action: str, document_id: str | None = None,
                     detail: dict | None = None) -> None:
        """Append one line to the audit trail (imports, exports, user management)."""
        with self.transaction() as conn:
            conn.execute("INSERT INTO audit_events (at, actor, action, document_id, detail) VALUES (?, ?, ?, ?, ?)",
                         (now_iso(), actor, action, document_id, _dump(detail or {})))

    def audit_trail(self, document_id: str) -> list[AuditEvent]:
        """Everything done to a document, oldest first: its audit lines and every revision of its segments."""
        events = []
        if self.has_table("audit_events"):
            events = [AuditEvent(r["at"], r["actor"], r["action"], r["document_id"], json.loads(r["detail"]))
                      for r in self._query("SELECT * FROM audit_events WHERE document_id = ? ORDER BY id",
                                           (document_id,))]
        rows = self._query(
            """SELECT r.*, s.position FROM revisions r JOIN segments s ON s.id = r.segment_id
               WHERE s.document_id = ? ORDER BY r.created_at, r.id""", (document_id,))
        for r in rows:
            revision = _revision(r)
            detail = {"state": revision.state, "text": revision.text}
            if revision.reason:
                detail["reason"] = revision.reason
            if revision.category:
                detail["category"] = revision.category
            if revision.citation:
                detail["citation"] = revision.citation.get("doc_id")
            events.append(AuditEvent(revision.created_at, revision.reviewer, revision.action, document_id, detail,
                                     r["position"] + 1, revision.number))
        return sorted(events, key=lambda e: e.at)

    # --- translation cache ------------------------------------------------------------------------------

    def cached_translations(self, identity: str,
                            keys: Sequence[tuple[str, str]]) -> dict[int, tuple[str, float | None, str]]:
        """Cache rows ``(text, score, flags JSON)`` for ``(source, terms key)`` pairs, by position in ``keys``."""
        if not keys or not self.has_table("translation_cache"):
            return {}
        found: dict[int, tuple[str, float | None, str]] = {}
        for i, (source, terms) in enumerate(keys):
            rows = self._query("SELECT text, score, flags FROM translation_cache"
                               " WHERE identity = ? AND source = ? AND terms = ?", (identity, source, terms))
            if rows:
                found[i] = (rows[0]["text"], rows[0]["score"], rows[0]["flags"])
        return found

    def cache_translations(self, identity: str, rows: Sequence[tuple[str, str, str, float | None, str]]) -> int:
        """Keep ``(source, terms key, text, score, flags JSON)`` rows for ``identity``, replacing older ones."""
        created = datetime.now(UTC).timestamp()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO translation_cache (identity, source, terms, text, score, flags, created)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(identity, source, terms, text, score, flags, created) for source, terms, text, score, flags in rows])
        return len(rows)

    # --- reviewers' terms ---------------------------------------------------------------------------------

    def add_user_term(self, values: Sequence[str | None]) -> None:
        """Store one reviewer's term: values in :data:`USER_TERM_COLUMNS` order (validated by the caller)."""
        if len(values) != len(USER_TERM_COLUMNS):
            raise InputError(f"a user term has {len(USER_TERM_COLUMNS)} fields "
                             f"({', '.join(USER_TERM_COLUMNS)}), not {len(values)}")
        with self.transaction() as conn:
            conn.execute(f"INSERT INTO user_terms ({', '.join(USER_TERM_COLUMNS)})"
                         f" VALUES ({', '.join('?' * len(USER_TERM_COLUMNS))})", tuple(values))

    def user_terms_version(self) -> tuple[int, int]:
        """``(count, latest id)`` of the stored user terms: changes whenever a term is added, so a loaded term base can be reused until then."""
        if not self.has_table("user_terms"):
            return (0, 0)
        row = self._query("SELECT COUNT(*), COALESCE(MAX(id), 0) FROM user_terms")[0]
        return int(row[0]), int(row[1])

    def user_terms(self) -> list[tuple]:
        """Every stored user term as a tuple in :data:`USER_TERM_COLUMNS` order, oldest first."""
        if not self.has_table("user_terms"):
            return []
        rows = self._query(f"SELECT {', '.join(USER_TERM_COLUMNS)} FROM user_terms ORDER BY id")
        return [tuple(row) for row in rows]


# --- helpers ----------------------------------------------------------------------------------------

def _known(position: int, segment_ids: dict[int, int], document_id: str) -> int:
    if position not in segment_ids:
        raise InputError(f"document {document_id}: a translation or link names segment {position}, "
                         "which the document does not have")
    return position


def _require_segment(conn: sqlite3.Connection, segment_id: int) -> None:
    if not conn.execute("SELECT 1 FROM segments WHERE id = ?", (segment_id,)).fetchone():
        raise InputError(f"no segment {segment_id} in the store; reload the document")


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _load_optional(value: str | None) -> dict | None:
    return json.loads(value) if value else None


def _segment(r: sqlite3.Row) -> SegmentRecord:
    return SegmentRecord(r["id"], r["document_id"], r["position"], r["paragraph"], r["start_offset"],
                         r["end_offset"], r["text"])


def _translation(r: sqlite3.Row) -> TranslationRecord:
    return TranslationRecord(r["id"], r["segment_id"], r["text"], r["origin"], r["model"], r["model_revision"],
                             r["backend"], json.loads(r["options"]), r["score"], tuple(json.loads(r["flags"])),
                             r["created_at"])


def _link(r: sqlite3.Row) -> LinkRecord:
    return LinkRecord(r["id"], r["segment_id"], r["quote"], r["official_doc_id"], r["official_doc_version"],
                      tuple(json.loads(r["sentence_ids"])), r["text"], r["score"], json.loads(r["evidence"]),
                      r["created_at"], _column(r, "run_signature"))


def _column(r: sqlite3.Row, name: str) -> str | None:
    """A column added by a later migration: None on a read-only store still at an older schema."""
    return r[name] if name in r.keys() else None  # noqa: SIM118 - sqlite3.Row has no __contains__ for names


def _revision(r: sqlite3.Row) -> Revision:
    return Revision(r["segment_id"], r["number"], r["text"], r["state"], r["reviewer"], r["action"],
                    _load_optional(r["citation"]), r["created_at"], _column(r, "reason"), _column(r, "category"))


def _known_role(role: str) -> None:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")


def _review(r: sqlite3.Row) -> Review:
    return Review(r["segment_id"], r["revision"], r["text"], r["state"], r["reviewer"],
                  _load_optional(r["citation"]), r["first_at"], r["updated_at"])


def _store_error(err: sqlite3.Error, path: Path) -> StoreError:
    """Translate a database error into a message that says what to do."""
    text = str(err)
    lowered = text.lower()
    if "readonly" in lowered or "read-only" in lowered:
        hint = "the database file or its folder is read-only; make it writable or set WORKBENCH_DB elsewhere"
    elif "disk is full" in lowered or "disk i/o" in lowered:
        hint = "the disk is full or failing; free some space and try again (nothing was saved)"
    elif "locked" in lowered or "busy" in lowered:
        hint = "the database is busy in another process; try again in a moment"
    elif "unable to open" in lowered:
        hint = "check that the folder exists and is writable, or set WORKBENCH_DB"
    elif "malformed" in lowered or "not a database" in lowered:
        hint = "the file is damaged or not a workbench database; restore a backup or set WORKBENCH_DB to another file"
    else:
        hint = "the change was not saved; try again"
    return StoreError(f"database {path}: {text}; {hint}")
