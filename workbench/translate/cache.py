"""Translations already made, kept in the review store's ``translation_cache`` table.

Keyed by the translator's identity (model, revision, backend, device, decoding options), the
source text and the required terms, so reopening an article does not translate it again and
a changed model or option never serves a stale result. The table belongs to the
:class:`~workbench.store.Store` (its migrations, connections and pragmas); this module only
encodes the keys and the flags.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workbench.store import Store

__all__ = ["CachedTranslation", "TranslationCache"]


@dataclass(frozen=True)
class CachedTranslation:
    """What the cache keeps of one translation."""

    text: str
    score: float | None
    flags: tuple[str, ...]


class TranslationCache:
    """Translations by (translator identity, source text, required terms), in a :class:`Store`.

    The store keeps one connection per thread, so one cache object may be shared between
    threads. A read-only store serves hits; storing new translations into it is refused.
    """

    def __init__(self, store: Store) -> None:
        if not isinstance(store, Store):
            raise TypeError(f"TranslationCache takes the review Store, not {type(store).__name__}")
        self.store = store

    @property
    def path(self):
        """The database file the cache lives in."""
        return self.store.path

    def get_many(self, identity: str, keys: Sequence[tuple[str, Sequence[str]]]) -> dict[int, CachedTranslation]:
        """Hits among ``keys`` (source, required terms), by position in ``keys``."""
        rows = self.store.cached_translations(identity, [(source, _terms_key(terms)) for source, terms in keys])
        return {i: CachedTranslation(text, score, tuple(json.loads(flags))) for i, (text, score, flags) in rows.items()}

    def put_many(self, identity: str, entries: Iterable[tuple[str, Sequence[str], CachedTranslation]]) -> None:
        """Store (source, required terms, translation) entries in one transaction."""
        self.store.cache_translations(identity, [
            (source, _terms_key(terms), t.text, t.score, json.dumps(list(t.flags))) for source, terms, t in entries])


def _terms_key(terms: Sequence[str]) -> str:
    return json.dumps(sorted(set(terms)), ensure_ascii=False)
