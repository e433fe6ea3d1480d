"""The official term base: English–Chinese terms with their attestation.

Attestation says how a pairing is known (official bilingual text, Xinhua, cross-document,
media, unofficial, unverified, user). Only officially attested terms are ever shown or
enforced as official; the rest are suggestions.

- :mod:`~workbench.terms.glossary`: :class:`Term`, the attestation mapping, ``glossary.tsv``;
- :mod:`~workbench.terms.english`: inflection-insensitive English phrase matching;
- :mod:`~workbench.terms.user_terms`: reviewers' terms in the workbench database;
- :mod:`~workbench.terms.base`: :class:`TermBase` (find, required Chinese, checks).
"""

from workbench.terms.base import TermBase, TermCheck, TermMatch, check_terms, find_chinese
from workbench.terms.glossary import (
    ATTESTATIONS,
    ENFORCED_ATTESTATIONS,
    Term,
    load_glossary,
    parse_attestation,
)
from workbench.terms.user_terms import add_user_term, load_user_terms

__all__ = [
    "ATTESTATIONS", "ENFORCED_ATTESTATIONS", "Term", "TermBase", "TermCheck", "TermMatch", "add_user_term",
    "check_terms", "find_chinese", "load_glossary", "load_user_terms", "parse_attestation",
]
