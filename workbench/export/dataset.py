"""Hugging Face dataset, Parquet and JSON Lines exports, with a dataset card.

Rows follow :func:`workbench.export.records.to_row`: ``translation`` is
``{"en": …, "zh": …}`` with the final Chinese, so ``run_translation``-style training
scripts read it as is. The split is fixed per document (see ``split_for``).

Every file says what made it: each row has its ``run_signature`` and provenance fields;
the HF dataset's ``DatasetInfo`` (description and citation) and card, and the Parquet
schema metadata (``workbench.run_signature``, ``workbench.export_signature``,
``workbench.hter``), hold the export's signature, its run signatures and TER's signature.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from workbench.errors import InputError
from workbench.export.records import (
    SPLIT_PERCENTS,
    SPLITS,
    ExportRecord,
    run_signatures,
    split_for,
    ter_signature,
    to_row,
)

# Parquet schema metadata keys.
META_RUN_SIGNATURE = "workbench.run_signature"  # the run signatures, one per line
META_EXPORT_SIGNATURE = "workbench.export_signature"
META_HTER = "workbench.hter"  # sacrebleu's TER signature

# Field name → what it holds; drives both the dataset features and the card's table.
FIELDS: dict[str, str] = {
    "id": "segment id in the workbench store",
    "document_id": "article the segment comes from (the split is chosen per document)",
    "translation": 'the pair {"en": English source, "zh": final reviewed Chinese}',
    "zh_mt": "the machine translation the reviewer started from",
    "zh_official": "official Chinese wording linked to the segment, if any",
    "official_doc_id": "id of the official document that wording comes from",
    "alignment_score": "confidence of the link to the official wording (empty when none)",
    "state": "review state: new, edited, approved or rejected",
    "reviewer": "who made the last review decision",
    "model": "model that produced zh_mt",
    "created_at": "when the segment's review started (ISO 8601)",
    "updated_at": "when it was last saved (ISO 8601)",
    "model_revision": "revision (commit or folder hash) of the model that produced zh_mt",
    "backend": "inference backend that ran the model",
    "official_doc_version": "version (text hash) of the official document the wording comes from",
    "citation": "the review's citation of official wording taken in, as JSON (empty when none)",
    "run_signature": "what produced the MT and the links: segmenter, aligner, glossary, MT identity, version",
    "created_by": "who saved the segment's first revision",
    "edit_distance": "character-level Levenshtein distance from zh_mt to the final Chinese",
    "hter": "sentence TER (sacrebleu, one token per Chinese character) of zh_mt against the final Chinese, "
            "as a ratio (0 = MT kept as is)",
}


def features():
    """The ``datasets.Features`` of an export (explicit, so empty splits keep their schema)."""
    from datasets import Features, Translation, Value

    text = Value("string")
    return Features({
        "id": text, "document_id": text, "translation": Translation(languages=["en", "zh"]),
        "zh_mt": text, "zh_official": text, "official_doc_id": text,
        "alignment_score": Value("float64"), "state": text, "reviewer": text, "model": text,
        "created_at": text, "updated_at": text, "model_revision": text, "backend": text,
        "official_doc_version": text, "citation": text, "run_signature": text, "created_by": text,
        "edit_distance": Value("int32"), "hter": Value("float64"),
    })


def _rows_by_split(records: Sequence[ExportRecord]) -> dict[str, list[dict]]:
    by_split: dict[str, list[dict]] = {name: [] for name in SPLITS}
    for record in records:
        row = to_row(record)
        by_split[row.pop("split")].append(row)
    return by_split


def _dataset(rows: list[dict], schema, info=None):
    from datasets import Dataset

    # Column-wise, because Dataset.from_list cannot build an empty split with a schema.
    return Dataset.from_dict({name: [row[name] for row in rows] for name in schema}, features=schema, info=info)


def dataset_info(records: Sequence[ExportRecord], signature: str, schema=None):
    """The ``datasets.DatasetInfo`` (of ``schema``): the description names the export, run and TER signatures, one a line."""
    from datasets import DatasetInfo

    lines = ["Reviewed English-Chinese segments exported by the workbench.",
             f"export signature: {signature}",
             *(f"run signature: {run}" for run in run_signatures(records)),
             f"hter: {ter_signature()}"]
    return DatasetInfo(description="\n".join(lines), citation=citation_text(records, signature), features=schema)


def citation_text(records: Sequence[ExportRecord], signature: str) -> str:
    """How to cite an export: a BibTeX entry naming the official documents and the export signature."""
    official = sorted({f"{r.official_doc_id}@{r.official_doc_version}" if r.official_doc_version else r.official_doc_id
                       for r in records if r.official_doc_id})
    return ("@misc{workbench_export,\n"
            "  title = {Reviewed English-Chinese official trade wording},\n"
            f"  note = {{official documents: {', '.join(official) or 'none'}; export: {signature}}}\n"
            "}")


def build_dataset_dict(records: Sequence[ExportRecord], signature: str = ""):
    """A ``datasets.DatasetDict`` of the train, validation and test splits that have rows.

    Empty splits are left out: ``load_from_disk`` cannot read a saved split with no rows.
    Each split's info carries :func:`dataset_info`.
    """
    from datasets import DatasetDict

    schema = features()
    info = dataset_info(records, signature, schema)
    return DatasetDict({
        name: _dataset(rows, schema, info.copy()) for name, rows in _rows_by_split(records).items() if rows
    })


def write_hf(records: Sequence[ExportRecord], target: Path, signature: str) -> None:
    """Save a dataset with ``save_to_disk`` into the folder ``target``, card included."""
    build_dataset_dict(records, signature).save_to_disk(str(target))
    (target / "README.md").write_text(dataset_card(records, signature), encoding="utf-8")


def write_parquet(records: Sequence[ExportRecord], target: Path, signature: str) -> None:
    """One Parquet file holding every row, with a ``split`` column and the signatures in its schema metadata."""
    import pyarrow.parquet as pq
    from datasets import Value

    schema = features()
    schema["split"] = Value("string")
    _dataset([to_row(r) for r in records], schema).to_parquet(str(target))
    table = pq.read_table(target)  # written by datasets first, so its own metadata (features) is kept
    metadata = {**(table.schema.metadata or {}),
                META_RUN_SIGNATURE.encode(): "\n".join(run_signatures(records)).encode("utf-8"),
                META_EXPORT_SIGNATURE.encode(): signature.encode("utf-8"),
                META_HTER.encode(): ter_signature().encode("utf-8")}
    pq.write_table(table.replace_schema_metadata(metadata), target)


def write_jsonl(records: Sequence[ExportRecord], target: Path, signature: str = "") -> None:
    """One JSON object per line, CJK kept as characters (not escaped); each row has its ``run_signature``."""
    with open(target, "w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(to_row(record), ensure_ascii=False) + "\n")


def dataset_card(records: Sequence[ExportRecord], signature: str) -> str:
    """The dataset card (README.md): counts, fields, licence note and provenance."""
    split_counts = Counter(split_for(r.document_id) for r in records)
    documents = sorted({r.document_id for r in records})
    states = Counter(r.state for r in records)
    models = sorted({" ".join(part for part in (r.model, r.model_revision and f"rev {r.model_revision}",
                                                 r.backend and f"on {r.backend}") if part)
                     for r in records if r.model})
    official = sorted({f"{r.official_doc_id} (version {r.official_doc_version})" if r.official_doc_version
                       else r.official_doc_id for r in records if r.official_doc_id})
    lines = [
        "---",
        "language: [en, zh]",
        "license: other",
        "task_categories: [translation]",
        "pretty_name: Reviewed English-Chinese official trade wording",
        "---",
        "",
        "# Reviewed English→Chinese segments",
        "",
        "English news sentences on China–U.S. trade with Chinese translations corrected and "
        "approved by reviewers against the official wording of the Ministry of Commerce.",
        "",
        "## Counts",
        "",
        "| split | segments |",
        "|---|---|",
        *(f"| {name} | {split_counts[name]} |" for name in SPLITS),
        f"| total | {len(records)} |",
        "",
        f"Documents: {len(documents)}. States: "
        + (", ".join(f"{s} {n}" for s, n in sorted(states.items())) or "none") + ".",
        "",
        "Splits are chosen per document by a SHA-256 hash of its id "
        f"({'/'.join(str(p) for p in SPLIT_PERCENTS)} percent train/validation/test), "
        "so no article contributes to both training and held-out data.",
        "",
        "## Fields",
        "",
        "| field | meaning |",
        "|---|---|",
        *(f"| `{name}` | {meaning} |" for name, meaning in FIELDS.items()),
        "",
        "## Licence",
        "",
        "The English sentences are quoted from third-party news articles and remain under their "
        "publishers' terms; official Chinese wording comes from published government texts. "
        "Check the rights of both before redistributing this dataset.",
        "",
        "## Provenance",
        "",
        "- Official documents linked: " + (", ".join(official) or "none"),
        "- Source documents: " + (", ".join(documents) or "none"),
        "- Machine translation models: " + (", ".join(models) or "none recorded"),
        f"- Export signature: `{signature}`",
        *(f"- Run signature: `{run}`" for run in run_signatures(records)),
        f"- HTER: sacrebleu TER `{ter_signature()}`",
        "",
    ]
    return "\n".join(lines)


def hub_token() -> str:
    """The configured Hugging Face token (``HF_TOKEN`` or ``hf auth login``); one-line error if none."""
    from huggingface_hub import get_token

    token = get_token()
    if not token:
        raise InputError("no Hugging Face token is configured; run 'hf auth login' or set HF_TOKEN, "
                         "then push again")
    return token


def push_to_hub(dataset_dir: Path, repo_id: str, token: str | None = None) -> str:
    """Upload an HF export folder (dataset and card) to the Hub; returns the repo URL."""
    from datasets import load_from_disk
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    token = token or hub_token()

    try:
        load_from_disk(str(dataset_dir)).push_to_hub(repo_id, token=token)
        HfApi(token=token).upload_file(path_or_fileobj=str(dataset_dir / "README.md"),
                                       path_in_repo="README.md", repo_id=repo_id, repo_type="dataset")
    except (HfHubHTTPError, OSError) as err:
        first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise InputError(f"pushing to {repo_id} failed ({first_line}); check the repo name, "
                         "your token's write access and the network") from None
    return f"https://huggingface.co/datasets/{repo_id}"
