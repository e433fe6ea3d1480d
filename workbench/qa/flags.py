"""The one shape every QA check reports in."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Every check name a flag can carry, in the order reports list them.
CHECK_NAMES = ("empty", "number", "term", "consistency", "untranslated", "script", "repetition", "length",
               "punctuation")


@dataclass(frozen=True)
class QAFlag:
    """Something wrong with a translation: which check found it, what it is, and where.

    ``start``/``end`` are character offsets into the translation when the problem sits at
    a place there (a Traditional character, a repeated phrase); ``None`` when it is an
    absence (a number or term that is missing).
    """

    check: str
    message: str
    start: int | None = None
    end: int | None = None

    def __post_init__(self) -> None:
        if self.check not in CHECK_NAMES:
            raise ValueError(f"unknown QA check {self.check!r}")

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output: ``check``, ``message``, ``start``, ``end``."""
        return asdict(self)
