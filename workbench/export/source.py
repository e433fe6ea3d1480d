"""Reading reviewed segments out of the review store as :class:`ExportRecord` values, and the UI download."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from workbench.errors import InputError
from workbench.export.paths import publish
from workbench.export.records import ExportRecord
from workbench.store import Store


def records_from_store(store: Store, documents: Sequence[str] | None = None) -> list[ExportRecord]:
    """Every reviewed segment (saved at least once) of ``documents`` (default: all), in order.

    The official wording is the segment's best-scored alignment link; the MT is its latest
    candidate translation. Unknown document ids are refused rather than silently skipped.
    """
    if documents:
        missing = [doc for doc in documents if not store.has_document(doc)]
        if missing:
            raise InputError(f"no document {', '.join(missing)} in the store; "
                             "see the document list for the ids")
        document_ids = list(documents)
    else:
        document_ids = [summary.id for summary in store.list_documents()]
    records: list[ExportRecord] = []
    for document_id in document_ids:
        translations = store.translations(document_id)
        links = store.links(document_id)
        reviews = store.reviews(document_id)
        for segment in store.segments(document_id):
            review = reviews[segment.id]
            if not review.revision:
                continue  # never reviewed: nothing a person decided
            mt = translations.get(segment.id)
            official = (links.get(segment.id) or [None])[0]
            records.append(ExportRecord(
                id=str(segment.id), document_id=document_id, en=segment.text, zh=review.text,
                zh_mt=mt.text if mt else "",
                zh_official=official.text if official else "",
                official_doc_id=(official.official_doc_id or "") if official else "",
                alignment_score=official.score if official else None,
                state=review.state, reviewer=review.reviewer or "",
                model=(mt.model or "") if mt else "",
                created_at=review.first_at or "", updated_at=review.updated_at or "",
            ))
    return records


def export_for_download(store: Store, fmt: str, *, documents: Sequence[str] | None = None,
                        states: Sequence[str] | None = None) -> Path:
    """Export from the store under a fresh name in the export folder; return one file to download.

    For the UI's download button: the HF dataset, being a folder, is also zipped.
    """
    from workbench.export.writer import export_records

    scope = documents[0] if documents and len(documents) == 1 else "documents"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    result = export_records(records_from_store(store, documents), fmt, f"{scope}-{fmt}-{stamp}",
                            states=states, documents=documents)
    if not result.path.is_dir():
        return result.path
    archive = result.path.with_name(result.path.name + ".zip")
    with publish(archive) as target:
        # make_archive adds the ".zip" back, so it writes exactly ``target``.
        shutil.make_archive(str(target.with_suffix("")), "zip", root_dir=result.path.parent,
                            base_dir=result.path.name)
    return archive
