"""Run every QA check on a segment, or on a whole document (which adds consistency)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from workbench.qa.flags import CHECK_NAMES, QAFlag
from workbench.qa.number import check_numbers
from workbench.qa.punctuation import check_punctuation
from workbench.qa.script import check_empty, check_traditional, check_untranslated
from workbench.qa.shape import check_length, check_repetition
from workbench.qa.term_usage import DocumentContext, consistency_flags, term_flags, untitled_flags
from workbench.terms import TermBase


def run_checks(source: str, translation: str, *, termbase: TermBase | None = None,
               document_context: DocumentContext | None = None, on: date | str | None = None) -> list[QAFlag]:
    """All flags for one segment, most serious check first, then by position.

    ``termbase`` defaults to the project's (glossary plus user terms); pass
    ``document_context`` (see :func:`check_document`) to get consistency flags, and ``on``
    (the document's date) to use only the terms valid then.
    """
    empty = check_empty(source, translation)
    if empty:
        return empty
    if not translation.strip():
        return []
    termbase = termbase or TermBase.load()
    term_checks = termbase.check(source, translation, on=on)
    titles = untitled_flags(term_checks, translation)
    flags = [
        *check_numbers(source, translation),
        *term_flags(term_checks),
        *consistency_flags(term_checks, document_context),
        *check_untranslated(translation),
        *check_traditional(translation),
        *check_repetition(translation),
        *check_length(source, translation),
        *titles,
        *check_punctuation(source, translation, titles=not titles),
    ]
    return sorted(flags, key=lambda f: (CHECK_NAMES.index(f.check), f.start if f.start is not None else -1))


def check_document(segments: Sequence[tuple[str, str, str]], *, termbase: TermBase | None = None,
                   on: date | str | None = None) -> dict[str, list[QAFlag]]:
    """Flags for each ``(segment id, source, translation)`` of one document, consistency included."""
    termbase = termbase or TermBase.load()
    context = DocumentContext.build(segments, termbase, on=on)
    return {segment_id: run_checks(source, translation, termbase=termbase, document_context=context, on=on)
            for segment_id, source, translation in segments}
