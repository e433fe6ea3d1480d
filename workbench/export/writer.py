"""One entry point for every export format, used by the CLI and the UI's download button."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError
from workbench.export.paths import confined_path, existing_confined_file, publish
from workbench.export.records import ExportRecord, export_signature, filter_records


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: where, in which format, how many records, and its signature."""

    path: Path
    format: str
    records: int
    signature: str


def _write(fmt: str) -> Callable[[Sequence[ExportRecord], Path, str], None]:
    # Writers import their heavy libraries (datasets, translate-toolkit) only when chosen.
    from workbench.export import dataset, exchange

    writers: dict[str, Callable[[Sequence[ExportRecord], Path, str], None]] = {
        "hf": dataset.write_hf,
        "parquet": lambda records, target, _sig: dataset.write_parquet(records, target),
        "jsonl": lambda records, target, _sig: dataset.write_jsonl(records, target),
        "tmx": lambda records, target, _sig: exchange.write_tmx(records, target),
        "xliff": lambda records, target, _sig: exchange.write_xliff(records, target),
    }
    return writers[fmt]


# Format name → file suffix added when the output has none (hf writes a folder).
FORMATS: dict[str, str] = {"hf": "", "parquet": ".parquet", "jsonl": ".jsonl", "tmx": ".tmx", "xliff": ".xlf"}


def export_records(records: Iterable[ExportRecord], fmt: str, output: str | os.PathLike, *,
                   states: Sequence[str] | None = None, documents: Sequence[str] | None = None,
                   overwrite: bool = False) -> ExportResult:
    """Write the matching records to ``output`` (inside the export folder) in format ``fmt``.

    Raises :class:`PathNotAllowedError` for paths outside the export folder and
    :class:`InputError` when nothing matches, so an empty export is never written.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    suffix = FORMATS[fmt]
    destination = confined_path(output)
    if suffix and not destination.suffix:
        destination = destination.with_suffix(suffix)
    selected = filter_records(records, states, documents)
    if not selected:
        wanted = f"state {'/'.join(states)}" if states else "any state"
        raise InputError(f"no segments with {wanted} to export; review and save some first, "
                         "or widen --state/--document")
    filters = ",".join(part for part in (
        f"state={'/'.join(states)}" if states else "", f"documents={len(documents)}" if documents else ""
    ) if part)
    signature = export_signature(fmt, selected, filters)
    with publish(destination, overwrite=overwrite) as target:
        _write(fmt)(selected, target, signature)
    return ExportResult(path=destination, format=fmt, records=len(selected), signature=signature)


def import_pairs(path: str | os.PathLike):
    """Read the pairs of a TMX (``.tmx``) or XLIFF 2.0 (``.xlf``/``.xliff``) file in the export folder."""
    from workbench.export.exchange import read_tmx, read_xliff

    source = existing_confined_file(path)
    readers = {".tmx": read_tmx, ".xlf": read_xliff, ".xliff": read_xliff}
    reader = readers.get(source.suffix.lower())
    if reader is None:
        raise InputError(f"{source.name}: cannot import {source.suffix or 'files without a suffix'}; "
                         "give a .tmx, .xlf or .xliff file")
    return reader(source)
