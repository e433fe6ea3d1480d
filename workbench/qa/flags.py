"""The one shape every QA check reports in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import ClassVar


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

    # The check registry, installed by workbench.qa.registry as it loads (it imports the
    # checks, which import this module, so this module cannot import it).
    registry: ClassVar[Mapping[str, object]] = {}

    def __post_init__(self) -> None:
        if self.check not in self.registry:
            raise ValueError(f"unknown QA check {self.check!r}")

    def to_dict(self) -> dict:
        """Plain-dict form for JSON output: ``check``, ``message``, ``start``, ``end``."""
        return asdict(self)
