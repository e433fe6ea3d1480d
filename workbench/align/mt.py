"""Where machine translations for the MT signal come from: a file, or the translation engine.

The engine is optional: when it cannot be loaded the aligner scores without MT, and the
caller gets a one-line notice saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workbench.errors import FileNotFoundWorkbenchError, InputError, ModelUnavailableError


def read_mt_file(path: str | Path, expected_lines: int) -> list[str]:
    """Line-parallel translations from ``path``; the line count must match the source side."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundWorkbenchError(f"MT file {path} not found; check the --mt path")
    lines = path.read_text(encoding="utf-8").splitlines()
    check_mt_lines(lines, expected_lines, str(path))
    return lines


def check_mt_lines(mt: Sequence[str], expected_lines: int, name: str = "mt") -> None:
    """Raise :class:`InputError` unless ``mt`` has one line per source sentence."""
    if len(mt) != expected_lines:
        raise InputError(f"{name} has {len(mt)} lines but the source has {expected_lines} sentences; "
                         "give one translation per source line")


def engine_translations(sentences: Sequence[str], *, src_lang: str = "en",
                        tgt_lang: str = "zh") -> tuple[list[str] | None, str | None]:
    """Translations of ``sentences`` by the configured engine, or ``(None, notice)`` when there is none.

    The engine translates English into Chinese only; other directions get the notice.
    """
    if (src_lang, tgt_lang) != ("en", "zh"):
        return None, f"no MT engine for {src_lang}→{tgt_lang}; aligning without MT (give --mt FILE to use MT)"
    try:
        from workbench.translate import load_translator

        translator = load_translator()
        return [t.text for t in translator.translate(list(sentences))], None
    except ImportError:
        return None, "the translation engine is not installed; aligning without MT"
    except ModelUnavailableError as err:
        return None, f"{err} — aligning without MT"


def engine_name() -> str:
    """The configured model's name, for alignment signatures."""
    from workbench.config import setting

    return f"engine:{setting('model')}"


def read_lines(path: str | Path) -> list[str]:
    """One sentence per line (a pre-split file); the trailing newline adds no sentence."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundWorkbenchError(f"{path} not found; check the file name")
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text; save it as UTF-8 and try again") from None
