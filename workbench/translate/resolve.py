"""Find the translation model: a local folder or a Hugging Face hub id, and its identity.

The caller passes the name (the entry points resolve it, see :class:`workbench.settings.Settings`:
``--model``, ``WORKBENCH_MODEL``, the config file, a promoted model, then the default
``Helsinki-NLP/opus-mt-en-zh``). A hub model's
revision is its snapshot's commit hash; a local folder's is a hash of its files' contents,
so a changed model never reuses another's cached conversions or translations.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import ModelUnavailableError
from workbench.settings import DEFAULT_MODEL
from workbench.text.files import atomic_write_bytes

__all__ = ["ModelSource", "resolve_model", "unavailable"]

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
# What a MarianMT folder needs: the tokenizer's files, the config and the weights.
_REQUIRED_FILES = ("config.json", "vocab.json", "source.spm", "target.spm")
_WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")


@dataclass(frozen=True)
class ModelSource:
    """A model ready to load: its id (hub id or folder name), folder, and revision."""

    id: str
    path: Path
    revision: str


def resolve_model(name: str = DEFAULT_MODEL) -> ModelSource:
    """Resolve ``name`` (a hub id or a folder) to a local folder.

    Raises :class:`ModelUnavailableError` when the folder is incomplete or the hub model is
    neither cached nor downloadable.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        _check_files(name, path)
        return ModelSource(path.resolve().name, path.resolve(), "sha256-" + folder_hash(path)[:16])
    if not _HUB_ID.match(name):
        raise unavailable(name, "no such folder")
    return _from_hub(name)


def _from_hub(repo_id: str) -> ModelSource:
    from huggingface_hub import snapshot_download

    try:
        folder = Path(snapshot_download(repo_id, allow_patterns=["*.json", "*.spm", "*.safetensors"]))
    except Exception as err:  # the hub client raises many types (offline, not found, HTTP, disk)
        first_line = (str(err).splitlines() or [""])[0].split(". ")[0][:200]
        raise unavailable(repo_id, f"{type(err).__name__}: {first_line}".rstrip(": ")) from None
    _check_files(repo_id, folder)
    return ModelSource(repo_id, folder, folder.name)


def _check_files(name: str, path: Path) -> None:
    missing = [f for f in _REQUIRED_FILES if not (path / f).is_file()]
    if not any((path / f).is_file() for f in _WEIGHT_FILES):
        missing.append(" or ".join(_WEIGHT_FILES))
    if missing:
        raise unavailable(name, f"the folder {path} lacks {', '.join(missing)}")


def unavailable(name: str, reason: str) -> ModelUnavailableError:
    """The one-paragraph error for a model that cannot be had, saying how to get it."""
    hub_id = name if _HUB_ID.match(name) and not Path(name).expanduser().exists() else DEFAULT_MODEL
    folder = hub_id.rsplit("/", 1)[-1]
    return ModelUnavailableError(
        f"translation model {name!r} cannot be loaded ({reason}). The workbench needs a local copy of a "
        f"MarianMT model: on a machine with internet access run `hf download {hub_id} --local-dir {folder}` "
        f"(older huggingface_hub: `huggingface-cli download {hub_id} --local-dir {folder}`), copy the folder "
        f"here, then set WORKBENCH_MODEL=/path/to/{folder} (or pass --model /path/to/{folder}).")


IDENTITY_FILE = ".workbench-identity.json"


def folder_hash(path: Path) -> str:
    """SHA-256 over the names and contents of the files in ``path`` (sorted, recursive, hidden ones skipped).

    Hashing a 300 MB model takes seconds with a cold page cache, so the hash is kept in
    ``path/.workbench-identity.json`` with each file's size and modification time, and
    reused while none of them changed (where the folder is read-only it is computed each time).
    """
    # Hidden entries (.cache/ of `hf download`, .git/, the kept identity) hold bookkeeping, not the model.
    files = sorted(p for p in path.rglob("*")
                   if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts))
    stamp = [[f.relative_to(path).as_posix(), f.stat().st_size, f.stat().st_mtime_ns] for f in files]
    kept = path / IDENTITY_FILE
    try:
        known = json.loads(kept.read_text(encoding="utf-8"))
        if known.get("files") == stamp and isinstance(known.get("sha256"), str):
            return known["sha256"]
    except (OSError, ValueError, AttributeError):
        pass
    digest = _content_hash(path, files)
    with contextlib.suppress(OSError):  # a read-only model folder: hash again next time
        atomic_write_bytes(kept, json.dumps({"files": stamp, "sha256": digest}).encode("utf-8"))
    return digest


def _content_hash(path: Path, files: list[Path]) -> str:
    digest = hashlib.sha256()
    for file in files:
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with open(file, "rb") as fh:
            while chunk := fh.read(1 << 20):
                digest.update(chunk)
    return digest.hexdigest()
