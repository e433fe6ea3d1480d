"""QA of the reviewer's final Chinese, and its risk in words, for the post-editing screen.

The stored QA flags describe the machine translation. Once a reviewer types, what matters is
the final Chinese: :func:`final_qa` runs the QA registry's checks on it against the English
(numbers and dates, official terms, punctuation width, script, untranslated English, length),
scores its risk, and says both in a line a reviewer reads at a glance. It runs on every
debounced keystroke, so it takes a term base already loaded and does no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.qa import QAFlag
from workbench.qa.registry import is_error
from workbench.qa.risk import Risk, assess_risk
from workbench.qa.runner import check_segment
from workbench.terms import TermBase, TermCheck

# Risk below LOW_RISK reads "low risk", below HIGH_RISK "medium risk", else "high risk".
LOW_RISK = 0.3
HIGH_RISK = 0.6
# The official-wording signal is put into words only when it alone weighs this much.
OFFICIAL_WORDS_FROM = 0.3


@dataclass(frozen=True)
class FinalQA:
    """QA of a final Chinese text: its flags, risk (0–1), the risk in words, and one line per error-level flag."""

    flags: tuple[QAFlag, ...]
    risk: float
    risk_words: str
    errors: tuple[str, ...]


def final_qa(termbase: TermBase, english: str, final: str, *, official: str | None = None,
             confidence: float | None = None) -> FinalQA:
    """QA flags and risk of the reviewer's ``final`` Chinese for ``english``.

    ``official`` is the aligned official wording (how far the final strays from it counts
    towards risk); ``confidence`` the model's log-probability, given only when the final is
    the MT as the model produced it (a human edit has none).
    """
    flags, term_checks = check_segment(english, final, termbase=termbase)
    risk = assess_risk(final, flags=flags, confidence=confidence, official=official)
    errors = tuple(flag.message for flag in flags if is_error(flag))
    return FinalQA(tuple(flags), risk.score, risk_in_words(risk, flags, term_checks), errors)


def risk_in_words(risk: Risk, flags: Sequence[QAFlag], term_checks: Sequence[TermCheck] = ()) -> str:
    """``low risk``, or its level and what makes it: ``high risk: 2 numbers missing, term 管制物项 missing``."""
    level = "low risk" if risk.score < LOW_RISK else "medium risk" if risk.score < HIGH_RISK else "high risk"
    reasons = _flag_words(flags, term_checks)
    for reason in risk.reasons:
        if reason.signal == "official" and reason.contribution >= OFFICIAL_WORDS_FROM:
            reasons.append(reason.detail)
        elif reason.signal == "confidence" and reason.contribution >= OFFICIAL_WORDS_FROM:
            reasons.append("the model was unsure")
    return f"{level}: {', '.join(reasons)}" if reasons else level


def _flag_words(flags: Sequence[QAFlag], term_checks: Sequence[TermCheck]) -> list[str]:
    """Each check's flags as a few words, most serious check first."""
    words: list[str] = []
    by_check: dict[str, list[QAFlag]] = {}
    for flag in flags:
        by_check.setdefault(flag.check, []).append(flag)
    for check, found in by_check.items():
        if check == "number":
            missing = sum(flag.start is None for flag in found)
            added = len(found) - missing
            words += [_count(missing, "number", "missing")] if missing else []
            words += [_count(added, "number", "not in the English")] if added else []
        elif check == "term":
            words += [f"term {c.required} missing" for c in term_checks if c.violated]
        else:
            words.append(_CHECK_WORDS.get(check, check) if len(found) == 1 else
                         f"{_CHECK_WORDS.get(check, check)} ({len(found)}×)")
    return words


_CHECK_WORDS = {
    "empty": "empty", "untranslated": "English left untranslated", "script": "Traditional characters",
    "repetition": "repeated text", "length": "length off", "punctuation": "punctuation",
    "consistency": "term rendered differently elsewhere",
}


def _count(n: int, noun: str, what: str) -> str:
    return f"{n} {noun}{'s' if n != 1 else ''} {what}"


def approval_problems(qa: FinalQA, final: str, *, mt: str | None = None) -> tuple[str, ...]:
    """What a reviewer must confirm before approving ``final``: empty when nothing.

    One line when the final is the machine translation ``mt`` untouched and QA flags it,
    then one line per error-level flag.
    """
    untouched = mt is not None and final.strip() == mt.strip() and qa.flags
    lead = (f"the final is the untouched machine translation and has {len(qa.flags)} QA "
            f"flag{'s' if len(qa.flags) != 1 else ''}",) if untouched else ()
    return lead + qa.errors
