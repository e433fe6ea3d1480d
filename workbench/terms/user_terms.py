"""Terms added by reviewers, kept in the workbench database with who added them and when.

They live in their own ``user_terms`` table of the SQLite file named by the ``db`` setting
(env ``WORKBENCH_DB``), created on first use. A user term is a suggestion (attestation
``USER``) unless the reviewer names an attestation and the source that proves it.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from workbench.errors import InputError, StoreError
from workbench.terms.glossary import ATTESTATIONS, ENFORCED_ATTESTATIONS, Term

_SCHEMA = """
CREATE TABLE IF NOT EXISTS user_terms (
    id INTEGER PRIMARY KEY,
    en TEXT NOT NULL,
    zh TEXT NOT NULL,
    attestation TEXT NOT NULL,
    source TEXT NOT NULL DEFAULT '',
    valid_from TEXT,
    valid_to TEXT,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL
)
"""
_COLUMNS = "en, zh, attestation, source, valid_from, valid_to, added_by, added_at"


def add_user_term(en: str, zh: str, *, added_by: str, attestation: str = "USER", source: str = "",
                  valid_from: str | None = None, valid_to: str | None = None,
                  db: str | Path | None = None) -> Term:
    """Validate and store one reviewer's term; returns it as stored (with ``added_at``)."""
    en, zh, added_by, source = en.strip(), zh.strip(), added_by.strip(), source.strip()
    if not en or not zh:
        raise InputError("a term needs both its English and its Chinese; fill in both")
    if not added_by:
        raise InputError("a term needs the name of who adds it; set the reviewer name")
    if attestation not in ATTESTATIONS:
        raise InputError(f"unknown attestation {attestation!r}; use one of {', '.join(ATTESTATIONS)}")
    if attestation in ENFORCED_ATTESTATIONS and not source:
        raise InputError(f"attestation {attestation} needs the source that proves it; cite the document")
    valid_from, valid_to = _iso_date(valid_from, "valid_from"), _iso_date(valid_to, "valid_to")
    if valid_from and valid_to and valid_from > valid_to:
        raise InputError(f"valid_from {valid_from} is after valid_to {valid_to}; swap or correct them")
    added_at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    term = Term(en, zh, attestation, source, valid_from, valid_to, added_by, added_at)
    with _connect(db) as conn:
        conn.execute(f"INSERT INTO user_terms ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     (term.en, term.zh, term.attestation, term.source, term.valid_from, term.valid_to,
                      term.added_by, term.added_at))
    return term


def load_user_terms(db: str | Path | None = None) -> list[Term]:
    """All stored user terms, oldest first; none when the database does not exist yet."""
    path = _db_path(db)
    if not path.exists():
        return []
    with _connect(path) as conn:
        rows = conn.execute(f"SELECT {_COLUMNS} FROM user_terms ORDER BY id").fetchall()
    return [Term(*row) for row in rows]


def _iso_date(value: str | None, name: str) -> str | None:
    if value is None or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise InputError(f"{name} {value!r} is not a date; write it as YYYY-MM-DD") from None


def _db_path(db: str | Path | None) -> Path:
    from workbench.config import path_setting

    return path_setting("db", db)


@contextmanager
def _connect(db: str | Path | None) -> Iterator[sqlite3.Connection]:
    """A connection with the table in place; one transaction, committed only on success."""
    path = _db_path(db)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, timeout=10)
    except (OSError, sqlite3.Error) as err:
        raise StoreError(f"cannot open {path} ({err}); check the WORKBENCH_DB path") from None
    try:
        with conn:
            conn.execute(_SCHEMA)
            yield conn
    except sqlite3.Error as err:
        raise StoreError(f"the term table in {path} cannot be read or written ({err}); "
                         "check disk space and permissions") from None
    finally:
        conn.close()
