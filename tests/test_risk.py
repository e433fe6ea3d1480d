"""Risk scores: bounded, explained, and ordering segments the way a reviewer would."""

from __future__ import annotations

import pytest

from workbench.qa import QAFlag, run_checks
from workbench.qa.risk import WEIGHTS, assess_risk, official_similarity, rank_by_risk
from workbench.terms import TermBase

OFFICIAL = "中方将依法审批符合条件的管制物项出口申请。"
SOURCE = "China will review and approve applications for the export of controlled items in accordance with the law."


@pytest.fixture(scope="module")
def termbase() -> TermBase:
    return TermBase.load(user_terms=False)


def risk_of(translation: str, termbase: TermBase, confidence: float | None = -0.3, official: str | None = OFFICIAL):
    flags = run_checks(SOURCE, translation, termbase=termbase)
    return assess_risk(translation, flags=flags, confidence=confidence, official=official)


def test_segments_are_ordered_from_worst_to_best(termbase):
    candidates = {
        "official wording": OFFICIAL,
        "close paraphrase": "中方将依法审批符合条件的管制物项的出口申请。",
        "wrong term": "中方将依法审批符合条件的受控物品出口申请。",
        "empty": "",
        "loop": "中方将中方将中方将中方将中方将",
    }
    risks = [risk_of(text, termbase) for text in candidates.values()]
    order = [list(candidates)[i] for i in rank_by_risk(risks)]
    assert order[:2] == ["empty", "loop"]
    assert order[-2:] == ["close paraphrase", "official wording"]
    assert order.index("wrong term") < order.index("close paraphrase")


def test_scores_stay_in_bounds_and_explain_themselves(termbase):
    worst = assess_risk("", flags=[QAFlag(check, "x") for check in WEIGHTS if check not in ("confidence", "official", "adequacy")],
                        confidence=-50.0, official=OFFICIAL)
    assert 0.99 < worst.score <= 1.0
    best = assess_risk(OFFICIAL, flags=[], confidence=0.0, official=OFFICIAL)
    assert best.score == 0.0 and best.reasons == ()
    wrong = risk_of("中方将依法审批符合条件的受控物品出口申请。", termbase)
    assert wrong.reasons[0].signal == "term"
    contributions = [r.contribution for r in wrong.reasons]
    assert contributions == sorted(contributions, reverse=True)
    assert wrong.to_dict()["reasons"][0]["signal"] == "term"


def test_each_signal_raises_the_risk():
    base = assess_risk(OFFICIAL, flags=[], confidence=-0.1, official=OFFICIAL).score
    assert assess_risk(OFFICIAL, flags=[], confidence=-2.0, official=OFFICIAL).score > base
    assert assess_risk(OFFICIAL, flags=[QAFlag("number", "x")], confidence=-0.1, official=OFFICIAL).score > base
    assert assess_risk("完全不同的译文。", flags=[], confidence=-0.1, official=OFFICIAL).score > base


def test_low_confidence_alone_never_outranks_an_empty_output():
    unsure = assess_risk(OFFICIAL, confidence=-10.0)
    empty = assess_risk("", flags=[QAFlag("empty", "x")], confidence=-0.1)
    assert unsure.score == pytest.approx(WEIGHTS["confidence"])
    assert empty.score > unsure.score


def test_similarity_ignores_script_spacing_and_punctuation_width():
    assert official_similarity("中方将依法审批, 管制物項出口申请", "中方将依法审批，管制物项出口申请") == 1.0
    assert official_similarity("完全不同", OFFICIAL) < 0.3


def test_adequacy_adds_a_reason_that_grows_as_english_and_mt_drift_apart():
    faithful = assess_risk(OFFICIAL, adequacy=0.72)
    drifting = assess_risk(OFFICIAL, adequacy=0.40)
    unrelated = assess_risk(OFFICIAL, adequacy=0.10)
    assert faithful.score == 0.0 and faithful.reasons == ()  # at or above ADEQUACY_GOOD it says nothing
    assert drifting.reasons[0].signal == "adequacy" and drifting.reasons[0].factor == pytest.approx(0.2 / 0.35)
    assert unrelated.score == pytest.approx(WEIGHTS["adequacy"])
    assert "0.40" in drifting.reasons[0].detail
    assert assess_risk(OFFICIAL).reasons == ()  # not measured, no reason


def test_adequacy_is_the_cosine_of_english_and_mt_in_the_cross_lingual_space():
    from workbench.embeddings import load_embedder
    from workbench.qa.risk import adequacy_scores

    embedder = load_embedder("use-m")
    faithful, unrelated, empty = adequacy_scores(
        embedder, [SOURCE, SOURCE, SOURCE], [OFFICIAL, "今天天气很好,我们去公园散步吧。", ""])
    assert empty is None
    assert faithful > unrelated
    assert faithful == pytest.approx(float(embedder.embed([SOURCE])[0] @ embedder.embed([OFFICIAL])[0]), abs=1e-4)
