"""The QA check registry: one entry names a check, runs it, weighs it in risk and ranks its flags."""

from __future__ import annotations

import pytest

from workbench.qa import CHECK_NAMES, CHECKS, CheckSpec, QAFlag, run_checks
from workbench.qa.risk import WEIGHTS, assess_risk
from workbench.terms import TermBase


@pytest.fixture(scope="module")
def termbase() -> TermBase:
    return TermBase.load(user_terms=False)


def test_registry_holds_every_check_with_its_weight_and_severity():
    assert CHECK_NAMES == ("empty", "number", "term", "consistency", "untranslated", "script", "repetition",
                           "length", "punctuation")
    assert {name: (spec.weight, spec.severity) for name, spec in CHECKS.items()} == {
        "empty": (1.0, 1), "number": (0.6, 2), "term": (0.7, 3), "consistency": (0.3, 4),
        "untranslated": (0.5, 5), "script": (0.4, 6), "repetition": (0.6, 7), "length": (0.3, 8),
        "punctuation": (0.1, 9),
    }
    assert {"confidence": 0.5, "official": 0.6, "adequacy": 0.4, **{n: s.weight for n, s in CHECKS.items()}} == WEIGHTS


def test_flag_names_are_the_registry_names():
    with pytest.raises(ValueError, match="unknown QA check 'shout'"):
        QAFlag("shout", "x")


def test_a_registered_check_is_run_ranked_and_weighed(monkeypatch, termbase):
    def shout(seg):
        at = seg.translation.find("!")
        return [QAFlag("shout", "half-width '!' in Chinese", at, at + 1)] if at >= 0 else []

    monkeypatch.setitem(CHECKS, "shout", CheckSpec(shout, 0.25, 10))
    flags = run_checks("Stop.", "停下!!", termbase=termbase)
    # punctuation (severity 9) flags the half-width mark next to Chinese, then the new check (10).
    assert [(f.check, f.start) for f in flags] == [("punctuation", 2), ("shout", 2)]
    risk = assess_risk("停下!!", flags=[f for f in flags if f.check == "shout"])
    assert risk.score == pytest.approx(0.25)
    both = assess_risk("停下!!", flags=flags)
    assert both.score == pytest.approx(1 - 0.9 * 0.75)
    assert [r.signal for r in both.reasons] == ["shout", "punctuation"]
