"""Writing files and folders whole: readers see the old version or the new one, never half of one.

Everything is built beside its destination, inside a hidden staging folder
(``.<name>.incomplete-XXXX``) on the same file system, and renamed into place only when the
writer finished without an error; on an error the staging folder is removed and the
destination is left as it was.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["atomic_path", "atomic_write_bytes", "atomic_write_text"]


@contextmanager
def atomic_path(destination: str | os.PathLike) -> Iterator[Path]:
    """Yield a path to build ``destination`` at (a file or a folder); move it into place on success.

    The yielded path does not exist yet. An existing destination is replaced: a file at
    once (``os.replace``), a folder by parking the old one first, so that the name always
    holds a complete version. The parent folder is created when missing.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.incomplete-", dir=destination.parent))
    try:
        target = staging / destination.name
        yield target
        _move_into_place(target, destination)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_into_place(built: Path, destination: Path) -> None:
    if not destination.is_dir():
        os.replace(built, destination)  # atomic for files, and for a folder onto nothing
        return
    # A folder cannot be atomically swapped for another: park the old one first, so that
    # the destination name always holds a complete version (old until the rename, then new).
    parked = destination.with_name(f".{destination.name}.old-{os.getpid()}")
    os.replace(destination, parked)
    try:
        os.replace(built, destination)
    except OSError:
        os.replace(parked, destination)
        raise
    shutil.rmtree(parked, ignore_errors=True)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (flushed to disk before the rename)."""
    with atomic_path(path) as target, target.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write_text(path: str | os.PathLike, text: str) -> None:
    """Write ``text`` to ``path`` whole, as UTF-8 with ``\\n`` line ends (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"))
