"""``workbench export``: write reviewed segments as a dataset, Parquet, JSONL, TMX or XLIFF."""

from __future__ import annotations

import argparse

from workbench.commands import formatter

FORMAT_CHOICES = ("hf", "parquet", "jsonl", "tmx", "xliff")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export", help="export reviewed segments (HF dataset, Parquet, JSONL, TMX, XLIFF)",
        formatter_class=formatter(),
        description="Export reviewed segments. Outputs go inside the export folder "
                    "(env WORKBENCH_OUTPUT_DIR; default data/exports/).")
    p.add_argument("--format", choices=FORMAT_CHOICES, required=True, help="output format")
    p.add_argument("--output", required=True, help="file or folder name inside the export folder")
    p.add_argument("--state", action="append", choices=("new", "edited", "approved", "rejected"), default=None,
                   help="only segments in this review state (repeatable; default: every reviewed segment)")
    p.add_argument("--document", nargs="+", default=None, metavar="ID", help="only these documents")
    p.add_argument("--db", default=None, help="review database (env WORKBENCH_DB)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing export of the same name")
    p.add_argument("--push-to-hub", metavar="REPO", default=None,
                   help="also upload the dataset to this Hugging Face repo (hf format; needs a token)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.errors import InputError
    from workbench.export import export_records
    from workbench.export.paths import confined_path
    from workbench.export.source import records_from_store
    from workbench.store import Store

    if args.push_to_hub and args.format != "hf":
        raise InputError("--push-to-hub uploads a Hugging Face dataset; use it with --format hf")
    # Refuse a bad path or a missing token before any work is done.
    confined_path(args.output)
    token = None
    if args.push_to_hub:
        from workbench.export.dataset import hub_token

        token = hub_token()
    with Store(args.db, read_only=True) as store:
        records = records_from_store(store, args.document)
    result = export_records(records, args.format, args.output, states=args.state,
                            documents=args.document, overwrite=args.overwrite)
    print(f"wrote {result.records} segment(s) to {result.path}")
    print(f"signature: {result.signature}")
    if args.push_to_hub:
        from workbench.export.dataset import push_to_hub

        print(f"pushed to {push_to_hub(result.path, args.push_to_hub, token)}")
    return 0
