"""Reading JSON Lines input: one object per line, errors that name the line.

Batch translation, evaluation, QA and the UI's import all read JSONL written by people and
by other tools; they share this reader so a bad line gets the same clear message everywhere.
Lines are split on ``\\n`` only: U+2028 and friends may legitimately stand inside a record.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from workbench.errors import FileNotFoundWorkbenchError, InputError
from workbench.text.encoding import utf8_lines


def iter_records(lines: Iterable[str], *, name: str, required: Sequence[str] = ()) -> Iterator[tuple[int, dict]]:
    """``(line number, record)`` for each non-blank line; :class:`InputError` names the first bad line.

    ``required`` lists fields every record must have.
    """
    need = f"; each line must be a JSON object with {', '.join(map(repr, required))}" if required else ""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise InputError(f"{name}, line {number}: not JSON ({err.msg}){need or '; fix or remove the line'}") from None
        if not isinstance(record, dict):
            raise InputError(f"{name}, line {number}: not a JSON object{need or '; fix or remove the line'}")
        missing = [field for field in required if field not in record]
        if missing:
            raise InputError(f"{name}, line {number}: lacks {', '.join(map(repr, missing))}{need}")
        yield number, record


def read_records(path: str | Path, *, required: Sequence[str] = ()) -> Iterator[tuple[int, dict]]:
    """Like :func:`iter_records`, over a file."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundWorkbenchError(f"{path}: no such file; check the path and try again")
    # Iterating a file splits at line ends only (unlike str.splitlines, which also splits at U+2028).
    yield from iter_records(utf8_lines(path), name=path.name, required=required)
