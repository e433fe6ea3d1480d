"""Where exports may go, and how they get there whole.

Exports are confined to the output folder the caller names (setting ``output_dir``): a path
that climbs out with ``..``, or an absolute path elsewhere, is refused. Each export is
built beside its destination under a hidden temporary name and renamed into place only
when complete, so a crash never leaves a half-written file or folder under the real name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from workbench.errors import FileNotFoundWorkbenchError, InputError, PathNotAllowedError
from workbench.text.files import atomic_path


def output_root(folder: str | os.PathLike) -> Path:
    """The folder exports are confined to, resolved (symlinks followed)."""
    return Path(folder).expanduser().resolve()


def confined_path(path: str | os.PathLike, root: Path) -> Path:
    """``path`` resolved inside the output folder; relative paths are taken from that folder.

    Raises :class:`PathNotAllowedError` when the resolved path (symlinks followed) is
    the folder itself or lies outside it.
    """
    root = output_root(root)
    candidate = Path(path).expanduser()
    resolved = (candidate if candidate.is_absolute() else root / candidate).resolve()
    if resolved == root or not resolved.is_relative_to(root):
        raise PathNotAllowedError(
            f"{path} is outside the export folder {root}; give a name inside it "
            "or set WORKBENCH_OUTPUT_DIR to another folder"
        )
    return resolved


def existing_confined_file(path: str | os.PathLike, root: Path) -> Path:
    """A file to import, confined like exports to ``root``, that must exist."""
    resolved = confined_path(path, root)
    if not resolved.is_file():
        raise FileNotFoundWorkbenchError(f"{path} not found in the export folder; check the name")
    return resolved


@contextmanager
def publish(destination: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; rename it into place on success.

    On any error the temporary path is removed and ``destination`` is left as it was
    (:func:`workbench.text.files.atomic_path`). An existing destination is replaced only
    with ``overwrite``.
    """
    if destination.exists() and not overwrite:
        raise InputError(f"{destination} already exists; choose another --output or pass --overwrite")
    with atomic_path(destination) as target:
        yield target
