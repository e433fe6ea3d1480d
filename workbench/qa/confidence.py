"""The model's confidence in a translation as a reviewer reads it: a percentage and a word.

A stored MT score is the model's average token log-probability (0 is certain, -7 is a
guess). Its exponential is the geometric mean of the probabilities the model gave its own
tokens, a figure in 0–100 % with a plain meaning ("on average the model gave each token
61 %"). The words cut that scale at fixed points (:data:`HIGH_FROM`, :data:`MEDIUM_FROM`),
chosen as round figures, not fitted to reviewers' decisions: refit them once enough approved
and rejected MT has been stored. The raw value stays in the tooltip.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from workbench.store import TranslationRecord

HIGH_FROM = 70  # percent: at or above, "high"
MEDIUM_FROM = 40  # percent: at or above, "medium"; below, "low"
CONFIDENCE_WORDS = ("low", "medium", "high", "unknown")


@dataclass(frozen=True)
class Confidence:
    """A translation's model confidence: ``percent`` 0–100, ``word`` (low/medium/high, ``unknown`` without a score)."""

    percent: int
    word: str
    raw: float | None
    tooltip: str


def mt_confidence(translation: TranslationRecord | None) -> Confidence:
    """How sure the model was of ``translation`` (``unknown`` for none, or for one without a model score)."""
    raw = None if translation is None else translation.score
    if raw is None or math.isnan(raw):
        why = "no machine translation" if translation is None else f"no model score for this {translation.origin} translation"
        return Confidence(0, "unknown", None, why)
    percent = max(0, min(100, round(100 * math.exp(min(0.0, raw)))))
    word = "high" if percent >= HIGH_FROM else "medium" if percent >= MEDIUM_FROM else "low"
    return Confidence(percent, word, raw, f"{word} confidence: the model gave its tokens {percent}% on average "
                                          f"(average log-probability {raw:.2f})")
