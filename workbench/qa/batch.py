"""QA over batch-translation output: a JSONL file with ``id``, ``source``, ``translation`` per line.

Lines the translation run recorded as failures (an ``error`` field and no translation) are
skipped and counted. An optional ``official`` field (the aligned official Chinese) and the
model's ``score`` (average log-probability) feed the risk score. Segments are grouped into documents for the consistency check by a
field of the lines (``--group-by``), or the whole file is one document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from workbench.errors import FileNotFoundWorkbenchError, InputError
from workbench.jsonl import read_records
from workbench.qa.flags import QAFlag
from workbench.qa.risk import Risk, assess_risk
from workbench.qa.runner import check_document
from workbench.terms import TermBase

REQUIRED_FIELDS = ("id", "source", "translation")


@dataclass(frozen=True)
class BatchSegment:
    """One line of batch-translation output."""

    id: str
    source: str
    translation: str
    confidence: float | None = None
    document: str = ""
    official: str | None = None


@dataclass(frozen=True)
class SegmentReport:
    """QA flags and risk of one segment."""

    segment: BatchSegment
    flags: tuple[QAFlag, ...]
    risk: Risk

    def to_dict(self) -> dict:
        """``{"id", "flags": [...], "risk": {...}}`` as written by ``workbench qa --format jsonl``."""
        return {"id": self.segment.id, "flags": [f.to_dict() for f in self.flags], "risk": self.risk.to_dict()}


def read_batch(path: str | Path, *, group_by: str | None = None) -> tuple[list[BatchSegment], int]:
    """The segments of a batch-output file and the number of failed lines skipped."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundWorkbenchError(f"{path} not found; give the JSONL file 'workbench translate' wrote")
    segments, failed = [], 0
    try:
        for lineno, record in read_records(path):
            if "translation" not in record and "error" in record:
                failed += 1
                continue
            segments.append(_segment(record, f"{path}:{lineno}", group_by))
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text; give the JSONL file 'workbench translate' wrote") from None
    if not segments and not failed:
        raise InputError(f"{path} has no segments; give a JSONL file with one translated segment per line")
    return segments, failed


def qa_batch(segments: Sequence[BatchSegment], *, termbase: TermBase | None = None) -> list[SegmentReport]:
    """Flags and risk for every segment, in input order; consistency is checked within each document."""
    termbase = termbase or TermBase.load()
    documents: dict[str, list[BatchSegment]] = {}
    for segment in segments:
        documents.setdefault(segment.document, []).append(segment)
    flags: dict[tuple[str, str], list[QAFlag]] = {}
    for document, members in documents.items():
        by_id = check_document([(s.id, s.source, s.translation) for s in members], termbase=termbase)
        flags.update({(document, segment_id): found for segment_id, found in by_id.items()})
    reports = []
    for segment in segments:
        found = flags[(segment.document, segment.id)]
        risk = assess_risk(segment.translation, flags=found, confidence=segment.confidence,
                           official=segment.official)
        reports.append(SegmentReport(segment, tuple(found), risk))
    return reports


def _segment(record: dict, where: str, group_by: str | None) -> BatchSegment:
    missing = [name for name in REQUIRED_FIELDS if name not in record]
    if missing:
        raise InputError(f"{where} lacks {', '.join(missing)}; each line needs {', '.join(REQUIRED_FIELDS)}")
    if not isinstance(record["source"], str) or not isinstance(record["translation"], str):
        raise InputError(f"{where}: source and translation must be strings; fix the line")
    if group_by is not None and group_by not in record:
        raise InputError(f"{where} has no field {group_by!r} to group by; drop --group-by or add the field")
    score = record.get("score")
    confidence = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None
    document = str(record[group_by]) if group_by is not None else ""
    official = record.get("official") if isinstance(record.get("official"), str) else None
    return BatchSegment(str(record["id"]), record["source"], record["translation"], confidence, document, official)
