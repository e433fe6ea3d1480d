"""Exports of reviewed segments: Hugging Face dataset, Parquet, JSON Lines, TMX and XLIFF.

Use :func:`export_records` (CLI and UI alike) over any ``Iterable[ExportRecord]``;
:func:`import_pairs` reads TMX/XLIFF files back. Submodules: ``records`` (the record and
derived figures), ``paths`` (confinement and atomic publishing), ``dataset`` (HF, Parquet,
JSONL, card, Hub upload), ``exchange`` (TMX/XLIFF via translate-toolkit), ``deliverable`` (the
translated article as a reading view, plain text and Word, and the export file names).
"""

from workbench.export.records import ExportRecord
from workbench.export.writer import FORMATS, ExportResult, export_records, import_pairs

__all__ = ["FORMATS", "ExportRecord", "ExportResult", "export_records", "import_pairs"]
