"""Machine translations for the MT signal read from a file, and pre-split sentence files.

MT from the translation engine comes through :func:`workbench.pipeline.machine_translations`,
which the aligner never calls itself: the aligner takes MT as plain strings.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbench.errors import FileNotFoundWorkbenchError, InputError
from workbench.text.encoding import utf8_lines


def read_mt_file(path: str | Path, expected_lines: int) -> list[str]:
    """Line-parallel translations from ``path``; the line count must match the source side."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundWorkbenchError(f"MT file {path} not found; check the --mt path")
    lines = [line.rstrip("\r\n") for line in utf8_lines(path)]
    check_mt_lines(lines, expected_lines, str(path))
    return lines


def check_mt_lines(mt: Sequence[str], expected_lines: int, name: str = "mt") -> None:
    """Raise :class:`InputError` unless ``mt`` has one line per source sentence."""
    if len(mt) != expected_lines:
        raise InputError(f"{name} has {len(mt)} lines but the source has {expected_lines} sentences; "
                         "give one translation per source line")


def read_lines(path: str | Path) -> list[str]:
    """One sentence per line (a pre-split file); the trailing newline adds no sentence."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundWorkbenchError(f"{path} not found; check the file name")
    return [line.rstrip("\r\n") for line in utf8_lines(path)]
