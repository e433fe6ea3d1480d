"""Terms added by reviewers, kept in the review store with who added them and when.

They live in the store's ``user_terms`` table (see :class:`~workbench.store.Store`), in the
database the caller names: a :class:`Store`, or the path of its file. A user term is a
suggestion (attestation ``USER``) unless the reviewer names an attestation and the source
that proves it.
"""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from workbench.errors import InputError
from workbench.store import Store
from workbench.terms.glossary import ATTESTATIONS, ENFORCED_ATTESTATIONS, Term


def add_user_term(en: str, zh: str, *, added_by: str, store: Store | str | Path, attestation: str = "USER",
                  source: str = "", valid_from: str | None = None, valid_to: str | None = None) -> Term:
    """Validate and store one reviewer's term in ``store`` (or the database at that path); returns it as stored."""
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
    values = (term.en, term.zh, term.attestation, term.source, term.valid_from, term.valid_to,
              term.added_by, term.added_at)
    if isinstance(store, Store):
        store.add_user_term(values)
    else:
        with Store(store) as opened:
            opened.add_user_term(values)
    return term


def load_user_terms(store: Store | str | Path) -> list[Term]:
    """All user terms of ``store`` (or of the database at that path), oldest first; none when it does not exist yet."""
    if isinstance(store, Store):
        return [Term(*row) for row in store.user_terms()]
    if not Path(store).expanduser().is_file():
        return []
    with Store(store, read_only=True) as opened:
        return [Term(*row) for row in opened.user_terms()]


def _iso_date(value: str | None, name: str) -> str | None:
    if value is None or not str(value).strip():
        return None
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise InputError(f"{name} {value!r} is not a date; write it as YYYY-MM-DD") from None
