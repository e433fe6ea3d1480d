"""Risk of a translated segment, so a reviewer with ten minutes fixes what matters most.

Each signal gives a factor in [0, 1] times a weight; they combine as a noisy-OR,
``risk = 1 - prod(1 - weight * factor)``, which stays in [0, 1], never drops when a signal
is added, and lets one strong signal (an empty output) dominate without needing the others.

Signals and weights (:data:`WEIGHTS`):

- ``confidence``: the model's average token log-probability; 0 is certain, at
  :data:`LOGPROB_FLOOR` or below the factor is 1. Weight 0.5: models are often wrong with
  confidence, so this alone never makes a segment top priority.
- each QA flag, weighted by its check (the weights live in
  :data:`workbench.qa.registry.CHECKS`): an empty output or a violated official term is
  nearly certain to need work (1.0, 0.7); a missing number, a loop or untranslated words
  change the meaning (0.6, 0.6, 0.5); Traditional characters, inconsistency and length are
  likely but not certain problems (0.4, 0.3, 0.3); punctuation is cosmetic (0.1).
- ``official``: divergence from the official Chinese wording the aligner found, as
  1 − character-level similarity (rapidfuzz ``ratio``). Weight 0.6: differing from the
  official text is a strong hint for official statements, but paraphrase is allowed.
- ``adequacy``: the cosine of the English and its MT in one cross-lingual sentence space
  (``use-m``), a reference-free quality estimate that follows human judgements of meaning
  better than the model's own log-probability; at :data:`ADEQUACY_GOOD` or above the factor
  is 0, at :data:`ADEQUACY_POOR` or below 1. Weight 0.4: a sentence encoder misses small
  slips (a wrong number, a negation) that the QA checks catch, so it is a hint, not a verdict.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from workbench.qa.flags import QAFlag
from workbench.qa.registry import CHECKS
from workbench.text.zh import normalise_zh

# Each QA check's weight comes from the check registry, so a new check is scored once registered.
WEIGHTS: dict[str, float] = {
    "confidence": 0.5,
    "official": 0.6,
    "adequacy": 0.4,
    **{name: spec.weight for name, spec in CHECKS.items()},
}
LOGPROB_FLOOR = -3.0
# Cosines of a sentence and its rendering in the use-m space: faithful renderings of the
# official corpus's bilingual documents score about 0.6-0.8, unrelated sentences on the
# same topic 0.2-0.45.
ADEQUACY_GOOD = 0.6
ADEQUACY_POOR = 0.25


@dataclass(frozen=True)
class RiskReason:
    """One signal's share of a segment's risk."""

    signal: str
    weight: float
    factor: float
    detail: str

    @property
    def contribution(self) -> float:
        """``weight * factor``: how much this signal alone would make the risk."""
        return self.weight * self.factor

    def to_dict(self) -> dict:
        """Plain-dict form for JSON and the UI."""
        return {"signal": self.signal, "contribution": round(self.contribution, 3), "detail": self.detail}


@dataclass(frozen=True)
class Risk:
    """A segment's risk in [0, 1] and the reasons, largest first."""

    score: float
    reasons: tuple[RiskReason, ...]

    def to_dict(self) -> dict:
        """Plain-dict form for JSON and the UI."""
        return {"score": round(self.score, 3), "reasons": [r.to_dict() for r in self.reasons]}


def assess_risk(translation: str, *, flags: Sequence[QAFlag] = (), confidence: float | None = None,
                official: str | None = None, adequacy: float | None = None) -> Risk:
    """Risk of one translated segment.

    ``flags`` are its QA flags (term violations are the ``term`` flags); ``confidence`` is
    the model's average token log-probability, ``None`` when unknown (a human edit);
    ``official`` is the aligned official Chinese, ``None`` when there is none; ``adequacy``
    the cosine of the English and the translation (:func:`adequacy_scores`), ``None`` when
    not measured.
    """
    reasons = [RiskReason(flag.check, CHECKS[flag.check].weight, 1.0, flag.message) for flag in flags]
    if confidence is not None:
        factor = min(1.0, max(0.0, confidence / LOGPROB_FLOOR))
        reasons.append(RiskReason("confidence", WEIGHTS["confidence"], factor,
                                  f"average log-probability {confidence:.2f}"))
    if official is not None and official.strip():
        similarity = official_similarity(translation, official)
        reasons.append(RiskReason("official", WEIGHTS["official"], 1.0 - similarity,
                                  f"{similarity:.0%} similar to the official wording"))
    if adequacy is not None:
        factor = min(1.0, max(0.0, (ADEQUACY_GOOD - adequacy) / (ADEQUACY_GOOD - ADEQUACY_POOR)))
        reasons.append(RiskReason("adequacy", WEIGHTS["adequacy"], factor,
                                  f"meaning of English and MT {adequacy:.2f} alike (cosine)"))
    remaining = 1.0
    for reason in reasons:
        remaining *= 1.0 - reason.contribution
    ranked = sorted((r for r in reasons if r.contribution > 0), key=lambda r: -r.contribution)
    return Risk(1.0 - remaining, tuple(ranked))


def adequacy_scores(embedder, sources: Sequence[str], translations: Sequence[str]) -> list[float | None]:
    """Cosine of each English source and its translation under a cross-lingual ``embedder``
    (:class:`workbench.embeddings.Embedder`); None for an empty translation."""
    import numpy as np

    src = embedder.embed(list(sources))
    tgt = embedder.embed(list(translations))
    cosines = np.einsum("ij,ij->i", src, tgt)
    return [round(float(c), 4) if t.strip() else None for c, t in zip(cosines, translations)]


def official_similarity(translation: str, official: str) -> float:
    """Character-level similarity in [0, 1] of two Chinese texts, ignoring spaces, script and punctuation width."""
    from rapidfuzz import fuzz

    def squash(text: str) -> str:
        return normalise_zh("".join(text.split()))

    return fuzz.ratio(squash(translation), squash(official)) / 100.0


def rank_by_risk(risks: Sequence[Risk]) -> list[int]:
    """Indices of ``risks``, riskiest first (stable for ties, so document order breaks them)."""
    return sorted(range(len(risks)), key=lambda i: -risks[i].score)
