"""The QA checks, by name: what each runs, how much it weighs in a segment's risk, how serious it is.

:data:`CHECKS` is the one place a check is named. :class:`~workbench.qa.flags.QAFlag` accepts
only its names, :func:`~workbench.qa.runner.run_checks` runs its checks and orders flags by
their severity, and :mod:`workbench.qa.risk` takes each flag's weight from it.

Every check takes one :class:`CheckInput` (the segment, the term base's findings on it, and
the document context when there is one), so adding a check is adding an entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from workbench.qa.flags import QAFlag
from workbench.qa.number import check_numbers
from workbench.qa.punctuation import check_punctuation
from workbench.qa.script import check_empty, check_traditional, check_untranslated
from workbench.qa.shape import check_length, check_repetition
from workbench.qa.term_usage import DocumentContext, consistency_flags, term_flags, untitled_flags
from workbench.terms import TermCheck


@dataclass(frozen=True)
class CheckInput:
    """What a check looks at: one segment, its term findings and (for consistency) its document."""

    source: str
    translation: str
    term_checks: list[TermCheck]
    document_context: DocumentContext | None = None


@dataclass(frozen=True)
class CheckSpec:
    """One registered check.

    ``run`` returns the check's flags for a segment; ``weight`` in [0, 1] is how much one of
    its flags alone makes a segment's risk; ``severity`` ranks checks for reports (1 is the
    most serious; flags are listed in that order). ``level`` is ``error`` for checks whose flag
    means the meaning is wrong or missing (approving over one needs a confirmation) and
    ``warning`` for the likely-but-not-certain and the cosmetic.
    """

    run: Callable[[CheckInput], list[QAFlag]]
    weight: float
    severity: int
    level: str = "warning"


def _punctuation(seg: CheckInput) -> list[QAFlag]:
    """Law titles outside 《》 (from the term base), then the mark-level punctuation checks."""
    titles = untitled_flags(seg.term_checks, seg.translation)
    return [*titles, *check_punctuation(seg.source, seg.translation, titles=not titles)]


# Weights: an empty output or a violated official term is nearly certain to need work; a
# missing number, a loop or untranslated words change the meaning; Traditional characters,
# inconsistency and length are likely but not certain problems; punctuation is cosmetic.
# The first group are errors: what they flag is a wrong or missing meaning.
CHECKS: dict[str, CheckSpec] = {
    "empty": CheckSpec(lambda seg: check_empty(seg.source, seg.translation), 1.0, 1, "error"),
    "number": CheckSpec(lambda seg: check_numbers(seg.source, seg.translation), 0.6, 2, "error"),
    "term": CheckSpec(lambda seg: term_flags(seg.term_checks), 0.7, 3, "error"),
    "consistency": CheckSpec(lambda seg: consistency_flags(seg.term_checks, seg.document_context), 0.3, 4),
    "untranslated": CheckSpec(lambda seg: check_untranslated(seg.translation), 0.5, 5, "error"),
    "script": CheckSpec(lambda seg: check_traditional(seg.translation), 0.4, 6),
    "repetition": CheckSpec(lambda seg: check_repetition(seg.translation), 0.6, 7, "error"),
    "length": CheckSpec(lambda seg: check_length(seg.source, seg.translation), 0.3, 8),
    "punctuation": CheckSpec(_punctuation, 0.1, 9),
}

QAFlag.registry = CHECKS  # a flag carries only a registered name

# Every check name a flag can carry, most serious first (the order reports list them).
CHECK_NAMES: tuple[str, ...] = tuple(sorted(CHECKS, key=lambda name: CHECKS[name].severity))
LEVELS = ("error", "warning")


def is_error(flag: QAFlag) -> bool:
    """True when ``flag``'s check is error-level (a wrong or missing meaning, not a likely or cosmetic problem)."""
    return CHECKS[flag.check].level == "error"
