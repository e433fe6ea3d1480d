"""What one exported segment is, and the figures derived from it.

An :class:`ExportRecord` is a reviewed segment flattened for export: the English source,
the final Chinese, what the machine and the official corpus offered, who decided, and
what produced it (model revision, backend, the official document's version, the review's
citation and the run signature). Every exporter works over ``Iterable[ExportRecord]``, so
the store, the UI and tests all feed the same writers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache

from workbench import __version__
from workbench.signature import nest

SPLITS = ("train", "validation", "test")
# Percent of documents per split, in SPLITS order.
SPLIT_PERCENTS = (80, 10, 10)


@dataclass(frozen=True)
class ExportRecord:
    """One reviewed segment. ``zh`` is the final Chinese; ``zh_mt`` what the model proposed."""

    id: str
    document_id: str
    en: str
    zh: str
    zh_mt: str = ""
    zh_official: str = ""
    official_doc_id: str = ""
    alignment_score: float | None = None
    state: str = "approved"
    reviewer: str = ""
    model: str = ""
    created_at: str = ""
    updated_at: str = ""
    model_revision: str = ""
    backend: str = ""
    official_doc_version: str = ""
    citation: str = ""  # the review's citation of official wording, as JSON ("" when none)
    run_signature: str = ""  # RunSignature line of the run that made the MT and the links
    created_by: str = ""  # who saved the segment's first revision (``reviewer`` made the last)


def edit_distance(mt: str, final: str) -> int:
    """Character-level Levenshtein distance from the machine translation to the final text."""
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(mt, final)


@lru_cache(maxsize=1)
def _ter():
    from sacrebleu.metrics import TER

    # sacrebleu applies its Asian-script tokenisation (one token per Chinese character) only
    # in normalised mode, so both are on: without it a Chinese sentence is one token.
    metric = TER(normalized=True, asian_support=True)
    metric.sentence_score("", [""])  # the signature needs the number of references
    return metric


@lru_cache(maxsize=4096)
def hter(mt: str, final: str) -> float:
    """Sentence-level HTER: sacrebleu's TER with the MT as hypothesis and the final text as reference.

    A ratio, not a percentage: 0.0 means the reviewer kept the MT as it was; 1.0 or more
    means it was rewritten. Chinese counts one token per character. TER's shift search is
    pure Python and grows fast with length (a rewritten 150-character sentence takes
    seconds), so MT kept as is is answered at once and each pair is scored once per process.
    """
    if mt == final:
        return 0.0
    return _ter().sentence_score(mt, [final]).score / 100


def ter_signature() -> str:
    """sacrebleu's signature of the TER behind :func:`hter` (``nrefs:1|case:lc|tok:tercom|…``)."""
    return str(_ter().get_signature())


def run_signatures(records: Iterable[ExportRecord]) -> list[str]:
    """The distinct run signatures of ``records``, sorted (one for an export from a single run)."""
    return sorted({r.run_signature for r in records if r.run_signature})


def split_for(document_id: str) -> str:
    """The split a document belongs to, fixed by a hash of its id.

    Splitting by document (never by segment) keeps sentences of one article out of both
    the training and the held-out data; the hash makes the choice the same on every run
    and machine, whatever else is exported with it.
    """
    bucket = int.from_bytes(hashlib.sha256(document_id.encode("utf-8")).digest()[:8], "big") % 100
    upper = 0
    for name, percent in zip(SPLITS, SPLIT_PERCENTS, strict=True):
        upper += percent
        if bucket < upper:
            return name
    raise AssertionError("SPLIT_PERCENTS must add up to 100")


def to_row(record: ExportRecord) -> dict:
    """The dataset row for a record: the issue's fields, ``translation`` as {"en", "zh"}."""
    row = asdict(record)
    en, zh = row.pop("en"), row.pop("zh")
    return {
        "id": row.pop("id"),
        "document_id": row.pop("document_id"),
        "translation": {"en": en, "zh": zh},
        **row,
        "edit_distance": edit_distance(record.zh_mt, zh),
        "hter": hter(record.zh_mt, zh),
        "split": split_for(record.document_id),
    }


def content_digest(records: Sequence[ExportRecord]) -> str:
    """A short hash of the exported pairs, so two exports can be told apart at a glance."""
    digest = hashlib.sha256()
    for record in sorted(records, key=lambda r: (r.document_id, r.id)):
        for part in (record.document_id, record.id, record.en, record.zh):
            digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:12]


def export_signature(fmt: str, records: Sequence[ExportRecord], filters: str = "") -> str:
    """A sacrebleu-style ``key:value|…`` line saying what an export holds and how it was made."""
    parts = [
        f"workbench:{__version__}",
        f"format:{fmt}",
        f"records:{len(records)}",
        "split:sha256-document-" + "/".join(str(p) for p in SPLIT_PERCENTS),
        f"content:{content_digest(records)}",
        "hter:ter",
        nest("ter", ter_signature()),
    ]
    if filters:
        parts.append(f"filter:{filters}")
    return "|".join(parts)


def filter_records(records: Iterable[ExportRecord], states: Sequence[str] | None = None,
                   documents: Sequence[str] | None = None) -> list[ExportRecord]:
    """Keep records whose state and document are among those given (None keeps all)."""
    return [
        r for r in records
        if (not states or r.state in states) and (not documents or r.document_id in documents)
    ]
