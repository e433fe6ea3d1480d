"""Every setting of the workbench, resolved once, at the edge.

:class:`Settings` is built by the entry points (the ``workbench`` command, ``app.py``) from,
highest first: a command-line flag, an environment variable, the config file
(``workbench.toml`` in the working directory, or the file named by ``WORKBENCH_CONFIG``),
then the built-in default. For the model, a fine-tuned model that passed the regression
gate (``<models dir>/PROMOTED``, written by ``workbench finetune``) comes just before the
default, so the UI and the batch script use it without further set-up.

This is the only module that reads the environment or the config file. Library modules
take what they need (a path, a model name, a device) as arguments; the entry points pass
``settings.db``, ``settings.model`` and so on. Each setting is declared once in
:data:`SETTINGS`, and the argparse options, their help text and the README table all
derive from that one list.
"""

from __future__ import annotations

import argparse
import os
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from workbench.errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MODEL = "Helsinki-NLP/opus-mt-en-zh"
DEFAULT_EMBEDDER = "use-m"  # the cross-lingual sentence encoder (workbench.embeddings), bundled
CONFIG_ENV = "WORKBENCH_CONFIG"
CONFIG_FILE = "workbench.toml"
# Written by `workbench finetune` inside the models folder; holds the promoted model's folder.
PROMOTED_FILE = "PROMOTED"
DEVICES = ("cpu", "cuda")
# The official corpus and glossary that ship with the workbench (read-only defaults for library calls).
SHIPPED_CORPUS = PROJECT_ROOT / "corpora"
SHIPPED_GLOSSARY = SHIPPED_CORPUS / "glossary.tsv"


@dataclass(frozen=True)
class Option:
    """One setting: its flag, environment variable, config key (the field name) and help."""

    name: str
    flag: str
    env: str
    help: str
    kind: type = str


# The settings, in the order --help lists them. Defaults live on the Settings fields below.
SETTINGS: tuple[Option, ...] = (
    Option("model", "--model", "WORKBENCH_MODEL", "MT model: hub id or local folder"),
    Option("backend", "--backend", "WORKBENCH_BACKEND", "MT backend: ctranslate2/ct2 or transformers/hf "
           "(default: CTranslate2 when installed)"),
    Option("device", "--device", "WORKBENCH_DEVICE", f"where the model runs: {' or '.join(DEVICES)}"),
    Option("db", "--db", "WORKBENCH_DB", "review database (SQLite file)", Path),
    Option("corpus_dir", "--corpus-dir", "WORKBENCH_CORPUS", "official corpus folder", Path),
    Option("models_dir", "--models-dir", "WORKBENCH_MODELS_DIR", "folder for converted models, caches and PROMOTED",
           Path),
    Option("output_dir", "--output-dir", "WORKBENCH_OUTPUT_DIR", "folder exports are written to (and confined to)",
           Path),
    Option("max_segments", "--max-segments", "WORKBENCH_MAX_SEGMENTS", "most segments one article may become", int),
    Option("max_segment_chars", "--max-segment-chars", "WORKBENCH_MAX_SEGMENT_CHARS",
           "longer sentences are split at a clause mark or space", int),
    Option("host", "--host", "GRADIO_SERVER_NAME", "UI: address to bind"),
    Option("port", "--port", "GRADIO_SERVER_PORT", "UI: port", int),
    Option("auth", "--auth", "WORKBENCH_AUTH", "UI: require login, USER:PASSWORD[,USER:PASSWORD...]"),
)
_BY_NAME = {option.name: option for option in SETTINGS}


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The resolved settings of one run; frozen, keyword-only, built by :meth:`resolve`."""

    model: str = DEFAULT_MODEL
    backend: str | None = None
    device: str = "cpu"
    db: Path = PROJECT_ROOT / "data" / "workbench.db"
    corpus_dir: Path = SHIPPED_CORPUS
    models_dir: Path = PROJECT_ROOT / "models"
    output_dir: Path = PROJECT_ROOT / "data" / "exports"
    # Bounds on one article's work (the same numbers as the ingest stage's defaults).
    max_segments: int = 5_000
    max_segment_chars: int = 2_000
    host: str = "127.0.0.1"
    port: int = 7860
    auth: str | None = None
    # Where each value came from (flag, env, config, promoted, default): shown by `workbench settings`.
    sources: tuple[tuple[str, str], ...] = ()

    @property
    def glossary(self) -> Path:
        """The term base shipped with the corpus."""
        return self.corpus_dir / "glossary.tsv"

    @property
    def search_index(self) -> Path:
        """The CLI's corpus search index, kept beside the review database."""
        return self.db.parent / "corpus-search.sqlite"

    @property
    def cache_dir(self) -> Path:
        """Derived data that can be rebuilt (the dictionary pickle, …)."""
        return self.models_dir / "cache"

    @classmethod
    def resolve(cls, flags: Mapping[str, object] | None = None, *, environ: Mapping[str, str] | None = None,
                cwd: Path | None = None) -> Settings:
        """Settings from ``flags`` (name → value, None for unset) > ``environ`` > config file > defaults.

        ``environ`` defaults to the process environment and ``cwd`` to the working directory;
        tests pass their own.
        """
        flags = dict(flags or {})
        unknown = sorted(set(flags) - set(_BY_NAME))
        if unknown:
            raise TypeError(f"unknown setting(s): {', '.join(unknown)}")
        environ = os.environ if environ is None else environ
        config = _read_config(config_file(environ, cwd or Path.cwd()))
        values: dict[str, object] = {}
        sources: list[tuple[str, str]] = []
        for option in SETTINGS:
            for origin, raw in (("flag", flags.get(option.name)), ("env", environ.get(option.env)),
                                ("config", config.get(option.name))):
                if raw is not None and str(raw) != "":
                    values[option.name] = _convert(option, raw, origin)
                    sources.append((option.name, origin))
                    break
        settings = cls(**values)
        if "model" not in values:
            promoted = promoted_model(settings.models_dir)
            if promoted is not None:
                settings = replace(settings, model=str(promoted))
                sources.append(("model", "promoted"))
        if settings.device not in DEVICES:
            raise InputError(f"unknown device {settings.device!r}; use one of {', '.join(DEVICES)}")
        given = {name for name, _ in sources}
        sources += [(f.name, "default") for f in fields(cls) if f.name in _BY_NAME and f.name not in given]
        return replace(settings, sources=tuple(sources))

    @staticmethod
    def register_argparse_arguments(parser: argparse.ArgumentParser, names: Iterable[str]) -> None:
        """Add the flags of settings ``names`` to ``parser``; help names the variable and default."""
        defaults = Settings()
        for name in names:
            option = _BY_NAME[name]
            default = getattr(defaults, name)
            shown = default.relative_to(PROJECT_ROOT) if isinstance(default, Path) else default
            # SUPPRESS: an unset flag leaves no attribute (and no "(default: None)" in --help).
            parser.add_argument(option.flag, dest=name, default=argparse.SUPPRESS,
                                type=option.kind if option.kind is int else str,
                                help=f"{option.help} (env {option.env}; default {shown})")

    @classmethod
    def from_argparse(cls, args: argparse.Namespace, *, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from parsed arguments: every setting flag the parser registered counts."""
        return cls.resolve({name: getattr(args, name) for name in _BY_NAME if hasattr(args, name)}, environ=environ)

    def describe(self) -> list[tuple[str, str, str]]:
        """``(name, value, origin)`` per setting, for ``workbench settings``; the password is hidden."""
        origin = dict(self.sources)
        rows = []
        for option in SETTINGS:
            value = getattr(self, option.name)
            if option.name == "auth" and value:
                value = ",".join(pair.partition(":")[0] + ":***" for pair in str(value).split(","))
            rows.append((option.name, "" if value is None else str(value), origin.get(option.name, "default")))
        return rows


# The cache folder of this process's settings, chosen once by the entry point (use_cache_dir):
# derived data kept between runs (sentence vectors, the dictionary pickle) goes there.
_cache_dir_in_use: Path | None = None


def use_cache_dir(folder: str | Path | None) -> None:
    """Make ``folder`` the cache folder of this process (None: no choice made). The entry points
    call this with their settings' :attr:`Settings.cache_dir`, so the stages below them never
    guess it."""
    global _cache_dir_in_use
    _cache_dir_in_use = Path(folder) if folder is not None else None


def cache_dir_in_use() -> Path | None:
    """The cache folder chosen by :func:`use_cache_dir`, or None when no entry point chose one."""
    return _cache_dir_in_use


def config_file(environ: Mapping[str, str], cwd: Path) -> Path | None:
    """The config file in effect, if any: ``$WORKBENCH_CONFIG``, else ``workbench.toml`` in ``cwd``."""
    named = environ.get(CONFIG_ENV)
    if named:
        return Path(named).expanduser()
    local = cwd / CONFIG_FILE
    return local if local.is_file() else None


def promoted_model(models_dir: Path) -> Path | None:
    """The model folder ``PROMOTED`` points at, or None when nothing was promoted (or it is gone)."""
    pointer = models_dir / PROMOTED_FILE
    if not pointer.is_file():
        return None
    recorded = Path(pointer.read_text(encoding="utf-8").strip())
    folder = recorded if recorded.is_absolute() else models_dir / recorded
    return folder if folder.is_dir() else None


def _read_config(path: Path | None) -> dict:
    if path is None:
        return {}
    try:
        with open(path, "rb") as fh:
            config = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise InputError(f"config file {path} cannot be read ({err}); fix or remove it") from None
    unknown = sorted(set(config) - set(_BY_NAME))
    if unknown:
        raise InputError(f"config file {path} has unknown setting(s) {', '.join(unknown)}; "
                         f"known: {', '.join(_BY_NAME)}")
    return config


def _convert(option: Option, raw: object, origin: str) -> object:
    if option.kind is Path:
        return Path(str(raw)).expanduser()
    if option.kind is int:
        try:
            return int(str(raw))
        except ValueError:
            where = {"flag": option.flag, "env": option.env, "config": f"config key {option.name}"}[origin]
            raise InputError(f"{where} must be a whole number, not {raw!r}") from None
    return str(raw)
