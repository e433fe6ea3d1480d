"""Run every QA check on a segment, or on a whole document (which adds consistency)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from workbench.qa.flags import QAFlag
from workbench.qa.registry import CHECKS, CheckInput
from workbench.qa.term_usage import DocumentContext
from workbench.terms import TermBase, TermCheck


def run_checks(source: str, translation: str, *, termbase: TermBase | None = None,
               document_context: DocumentContext | None = None, on: date | str | None = None) -> list[QAFlag]:
    """All flags for one segment, most serious check first, then by position.

    Runs every check of :data:`~workbench.qa.registry.CHECKS`; an empty translation gets
    only the ``empty`` flag (none when the source is empty too). ``termbase`` defaults to the project's (glossary plus user terms); pass
    ``document_context`` (see :func:`check_document`) to get consistency flags, and ``on``
    (the document's date) to use only the terms valid then.
    """
    return check_segment(source, translation, termbase=termbase, document_context=document_context, on=on)[0]


def check_segment(source: str, translation: str, *, termbase: TermBase | None = None,
                  document_context: DocumentContext | None = None,
                  on: date | str | None = None) -> tuple[list[QAFlag], list[TermCheck]]:
    """:func:`run_checks`' flags and the term base's findings they were made from (empty for a blank translation)."""
    empty = CHECKS["empty"].run(CheckInput(source, translation, []))
    if empty:
        return empty, []
    if not translation.strip():
        return [], []
    termbase = termbase or TermBase.load()
    segment = CheckInput(source, translation, termbase.check(source, translation, on=on), document_context)
    flags = [flag for name, spec in CHECKS.items() if name != "empty" for flag in spec.run(segment)]
    return (sorted(flags, key=lambda f: (CHECKS[f.check].severity, f.start if f.start is not None else -1)),
            segment.term_checks)


def check_document(segments: Sequence[tuple[str, str, str]], *, termbase: TermBase | None = None,
                   on: date | str | None = None) -> dict[str, list[QAFlag]]:
    """Flags for each ``(segment id, source, translation)`` of one document, consistency included."""
    termbase = termbase or TermBase.load()
    context = DocumentContext.build(segments, termbase, on=on)
    return {segment_id: run_checks(source, translation, termbase=termbase, document_context=context, on=on)
            for segment_id, source, translation in segments}
