"""Translations already made, kept in the workbench's SQLite database.

Keyed by the translator's identity (model, revision, backend, decoding options), the source
text and the required terms, so reopening an article does not translate it again and a
changed model or option never serves a stale result. The table lives beside the review
store in the same file (``WORKBENCH_DB``) but only this module touches it.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from workbench.config import path_setting
from workbench.errors import StoreError

__all__ = ["CachedTranslation", "TranslationCache"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translation_cache (
    identity TEXT NOT NULL,
    source TEXT NOT NULL,
    terms TEXT NOT NULL,
    text TEXT NOT NULL,
    score REAL,
    flags TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (identity, source, terms)
)
"""


@dataclass(frozen=True)
class CachedTranslation:
    """What the cache keeps of one translation."""

    text: str
    score: float | None
    flags: tuple[str, ...]


class TranslationCache:
    """Translations by (translator identity, source text, required terms), in SQLite (WAL mode).

    Each call opens its own connection, so one cache object may be shared between threads.
    """

    def __init__(self, db_path: str | Path | None = None) -> None:
        self.path = path_setting("db", db_path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with closing(self._connect()) as conn, conn:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as err:
            raise StoreError(f"cannot open the translation cache in {self.path} ({err}); "
                             "check the folder is writable or set WORKBENCH_DB") from None

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=30)

    def get_many(self, identity: str, keys: Sequence[tuple[str, Sequence[str]]]) -> dict[int, CachedTranslation]:
        """Hits among ``keys`` (source, required terms), by position in ``keys``."""
        found: dict[int, CachedTranslation] = {}
        try:
            with closing(self._connect()) as conn:
                for i, (source, terms) in enumerate(keys):
                    row = conn.execute(
                        "SELECT text, score, flags FROM translation_cache WHERE identity=? AND source=? AND terms=?",
                        (identity, source, _terms_key(terms))).fetchone()
                    if row:
                        found[i] = CachedTranslation(row[0], row[1], tuple(json.loads(row[2])))
        except sqlite3.Error as err:
            raise StoreError(f"cannot read the translation cache in {self.path} ({err}); "
                             "check the file or delete it to start afresh") from None
        return found

    def put_many(self, identity: str, entries: Iterable[tuple[str, Sequence[str], CachedTranslation]]) -> None:
        """Store (source, required terms, translation) entries in one transaction."""
        now = time.time()
        rows = [(identity, source, _terms_key(terms), t.text, t.score, json.dumps(list(t.flags)), now)
                for source, terms, t in entries]
        try:
            with closing(self._connect()) as conn, conn:
                conn.executemany("INSERT OR REPLACE INTO translation_cache VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as err:
            raise StoreError(f"cannot write the translation cache in {self.path} ({err}); "
                             "check free disk space and that the file is writable") from None


def _terms_key(terms: Sequence[str]) -> str:
    return json.dumps(sorted(set(terms)), ensure_ascii=False)
