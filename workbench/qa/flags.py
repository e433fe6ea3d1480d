"""The one shape every QA check reports in."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class QAFlag:
    """Something wrong with a translation: which check found it, what it is, and where.

    ``check`` is a name in :data:`workbench.qa.registry.CHECKS`. ``start``/``end`` are
    character offsets into the translation when the problem sits at a place there (a
    Traditional character, a repeated phrase); ``None`` when it is an absence (a number or
    term that is missing).
    """

    check: str
    message: str
    start: int | None = None
    end: int | None = None

    def __post_init__(self) -> None:
        from workbench.qa.registry import CHECKS  # the registry imports the checks, which import this

        if self.check not in CHECKS:
            raise ValueError(f"unknown QA check {self.check!r}")

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output: ``check``, ``message``, ``start``, ``end``."""
        return asdict(self)
