"""Term checks: official terms rendered as required, and one rendering per document.

The term flag fires only for officially attested terms; suggestions that are not used
are shown by the UI from the :class:`~workbench.terms.TermCheck` list but are not errors.
The consistency flag covers the other terms: when a term's Chinese appears in some
segments of a document and not in others, the others are flagged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from workbench.qa.flags import QAFlag
from workbench.qa.punctuation import TITLE_WORDS
from workbench.terms import Term, TermBase, TermCheck


def term_flags(checks: list[TermCheck]) -> list[QAFlag]:
    """One flag per official term whose Chinese the translation lacks."""
    return [QAFlag("term", f"'{c.match.text}' is an official term ({c.term.attestation}); the translation "
                           f"should contain {c.required}") for c in checks if c.violated]


@dataclass
class DocumentContext:
    """Where each term of a document is, and is not, rendered with its known Chinese."""

    rendered: dict[Term, list[str]] = field(default_factory=dict)
    not_rendered: dict[Term, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, segments: Iterable[tuple[str, str, str]], termbase: TermBase, *,
              on: date | str | None = None) -> DocumentContext:
        """Scan ``(segment id, source, translation)`` triples of one document (terms valid ``on`` that date)."""
        context = cls()
        for segment_id, source, translation in segments:
            for check in termbase.check(source, translation, on=on):
                bucket = context.rendered if check.respected else context.not_rendered
                ids = bucket.setdefault(check.term, [])
                if segment_id not in ids:
                    ids.append(segment_id)
        return context


def consistency_flags(checks: list[TermCheck], context: DocumentContext | None) -> list[QAFlag]:
    """Flags for non-official terms rendered with their known Chinese elsewhere in the document but not here."""
    if context is None:
        return []
    flags = []
    for check in checks:
        elsewhere = context.rendered.get(check.term, [])
        if check.respected or check.enforced or not elsewhere:
            continue
        shown = ", ".join(str(i) for i in elsewhere[:3]) + (", ..." if len(elsewhere) > 3 else "")
        flags.append(QAFlag("consistency", f"'{check.match.text}' is rendered {check.required} in segment "
                                           f"{shown} of this document but differently here; use one rendering"))
    return flags


def untitled_flags(checks: list[TermCheck], translation: str) -> list[QAFlag]:
    """Flags for known law and agreement titles rendered in the translation but not inside 《》."""
    flags = []
    for check in checks:
        if check.zh_start is None or not TITLE_WORDS.search(check.term.en):
            continue
        opened = translation.rfind("《", 0, check.zh_start) > translation.rfind("》", 0, check.zh_start)
        if not (opened and "》" in translation[check.zh_end:]):
            flags.append(QAFlag("punctuation", f"the title {translation[check.zh_start:check.zh_end]} is not in 《》; "
                                               "write it as 《…》", check.zh_start, check.zh_end))
    return flags


@dataclass(frozen=True)
class TermHit:
    """A term found in an English segment, for the glossary panel: its Chinese, how attested, and where.

    ``official`` only for an official attestation (an UNVERIFIED or USER term never is);
    ``start``/``end`` are the character span in the English; a reviewer's term says who
    added it and when.
    """

    en: str
    zh: str
    attestation: str
    source: str
    official: bool
    start: int
    end: int
    added_by: str | None = None
    added_at: str | None = None


def term_hits(termbase: TermBase, english: str, *, on: date | str | None = None) -> list[TermHit]:
    """The terms of ``english`` in text order, each with the Chinese to insert (its required form)."""
    return [TermHit(m.term.en, m.term.zh_required, m.term.attestation, m.term.source, m.term.is_official, m.start, m.end,
                    m.term.added_by, m.term.added_at) for m in termbase.find(english, on=on)]
