"""One entry point for every export format, used by the CLI and the UI's download button."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import InputError
from workbench.export import dataset, exchange
from workbench.export.paths import confined_path, existing_confined_file, publish
from workbench.export.records import ExportRecord, export_signature, filter_records


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: where, in which format, how many records, and its signature."""

    path: Path
    format: str
    records: int
    signature: str


Writer = Callable[[Sequence[ExportRecord], Path, str], None]


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its writer ``(records, target, export signature)``, file suffix, and shape.

    ``suffix`` is added when the output name has none (empty for a folder); ``single_file``
    formats can be offered as one download.
    """

    writer: Writer
    suffix: str
    single_file: bool


# Format name → how it is written: the CLI's choices and the UI's downloads derive from this.
# Writers import their heavy libraries (datasets, translate-toolkit) only when called.
FORMATS: dict[str, ExportFormat] = {
    "hf": ExportFormat(dataset.write_hf, "", single_file=False),
    "parquet": ExportFormat(dataset.write_parquet, ".parquet", single_file=True),
    "jsonl": ExportFormat(dataset.write_jsonl, ".jsonl", single_file=True),
    "tmx": ExportFormat(exchange.write_tmx, ".tmx", single_file=True),
    "xliff": ExportFormat(exchange.write_xliff, ".xlf", single_file=True),
}
SINGLE_FILE_FORMATS: tuple[str, ...] = tuple(name for name, spec in FORMATS.items() if spec.single_file)


def export_records(records: Iterable[ExportRecord], fmt: str, output: str | os.PathLike, *,
                   output_dir: str | os.PathLike, states: Sequence[str] | None = None, documents: Sequence[str] | None = None,
                   overwrite: bool = False) -> ExportResult:
    """Write the matching records to ``output`` (inside the export folder ``output_dir``) in format ``fmt``.

    Raises :class:`PathNotAllowedError` for paths outside the export folder and
    :class:`InputError` when nothing matches, so an empty export is never written.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    spec = FORMATS[fmt]
    suffix = spec.suffix
    destination = confined_path(output, output_dir)
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
        spec.writer(selected, target, signature)
    return ExportResult(path=destination, format=fmt, records=len(selected), signature=signature)


def import_pairs(path: str | os.PathLike, *, output_dir: str | os.PathLike):
    """Read the pairs of a TMX (``.tmx``) or XLIFF 2.0 (``.xlf``/``.xliff``) file in the export folder ``output_dir``."""
    from workbench.export.exchange import read_tmx, read_xliff

    source = existing_confined_file(path, output_dir)
    readers = {".tmx": read_tmx, ".xlf": read_xliff, ".xliff": read_xliff}
    reader = readers.get(source.suffix.lower())
    if reader is None:
        raise InputError(f"{source.name}: cannot import {source.suffix or 'files without a suffix'}; "
                         "give a .tmx, .xlf or .xliff file")
    return reader(source)
