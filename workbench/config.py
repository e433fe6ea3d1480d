"""Where the workbench keeps things: settings from flags, environment and a config file.

Precedence, highest first: an explicit argument (CLI flag), an environment variable, the
config file (``workbench.toml`` in the working directory, or the file named by
``WORKBENCH_CONFIG``), then the built-in default. For the model, a fine-tuned model that
passed the regression gate (``models/PROMOTED``, see :mod:`workbench.finetune`) comes
before the default, so the UI and the batch script use it without further set-up. Every lookup goes through here so the
UI, the CLI and the tests agree.
"""

from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path

from workbench.errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "Helsinki-NLP/opus-mt-en-zh"

# setting name → (environment variable, default)
_SETTINGS: dict[str, tuple[str, str | None]] = {
    "model": ("WORKBENCH_MODEL", DEFAULT_MODEL),
    "db": ("WORKBENCH_DB", str(PROJECT_ROOT / "data" / "workbench.db")),
    "corpus_dir": ("WORKBENCH_CORPUS", str(PROJECT_ROOT / "corpora")),
    "models_dir": ("WORKBENCH_MODELS_DIR", str(PROJECT_ROOT / "models")),
    "output_dir": ("WORKBENCH_OUTPUT_DIR", str(PROJECT_ROOT / "data" / "exports")),
    "backend": ("WORKBENCH_BACKEND", None),
}


def config_file() -> Path | None:
    """The config file in effect, if any."""
    named = os.environ.get("WORKBENCH_CONFIG")
    if named:
        return Path(named)
    local = Path.cwd() / "workbench.toml"
    return local if local.is_file() else None


@lru_cache(maxsize=8)
def _read_config(path: str, mtime: float) -> dict:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise InputError(f"config file {path} cannot be read ({err}); fix or remove it") from None


def setting(name: str, explicit: str | os.PathLike | None = None) -> str | None:
    """Resolve one setting: explicit value, environment, config file, default."""
    if explicit is not None and str(explicit) != "":
        return str(explicit)
    env_name, default = _SETTINGS[name]
    if os.environ.get(env_name):
        return os.environ[env_name]
    path = config_file()
    if path is not None and path.is_file():
        value = _read_config(str(path), path.stat().st_mtime).get(name)
        if value is not None:
            return str(value)
    if name == "model":
        from workbench.finetune import promoted_model

        promoted = promoted_model()
        if promoted is not None:
            return str(promoted)
    return default


def path_setting(name: str, explicit: str | os.PathLike | None = None) -> Path:
    """Like :func:`setting`, for settings that are paths."""
    value = setting(name, explicit)
    assert value is not None, name
    return Path(value).expanduser()
