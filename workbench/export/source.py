"""Reading reviewed segments out of the review store as :class:`ExportRecord` values."""

from __future__ import annotations

import json
from collections.abc import Sequence

from workbench.errors import InputError
from workbench.export.records import ExportRecord
from workbench.store import Store


def records_from_store(store: Store, documents: Sequence[str] | None = None) -> list[ExportRecord]:
    """Every reviewed segment (saved at least once) of ``documents`` (default: all), in order.

    The official wording is the segment's best-scored alignment link; the MT is its latest
    candidate translation, with its model revision and backend. The run signature is the
    link's, else the document's. Unknown document ids are refused rather than silently skipped.
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
        document_signature = store.document(document_id).run_signature or ""
        translations = store.translations(document_id)
        links = store.links(document_id)
        reviews = store.reviews(document_id)
        first_reviewers = store.first_reviewers(document_id)
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
                model_revision=(mt.model_revision or "") if mt else "",
                backend=(mt.backend or "") if mt else "",
                official_doc_version=(official.official_doc_version or "") if official else "",
                citation=json.dumps(review.citation, ensure_ascii=False, sort_keys=True) if review.citation else "",
                run_signature=(official.run_signature if official else None) or document_signature,
                created_by=first_reviewers.get(segment.id, ""),
            ))
    return records
