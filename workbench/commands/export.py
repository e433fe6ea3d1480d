"""``workbench export``: write reviewed segments as a dataset, Parquet, JSONL, TMX or XLIFF."""

from __future__ import annotations

import argparse

from workbench.commands import formatter
from workbench.export.writer import FORMATS
from workbench.settings import Settings

FORMAT_CHOICES = tuple(FORMATS)


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
    Settings.register_argparse_arguments(p, ("db", "output_dir"))
    p.add_argument("--overwrite", action="store_true", help="replace an existing export of the same name")
    p.add_argument("--push-to-hub", metavar="REPO", default=None,
                   help="also upload the dataset to this Hugging Face repo (hf format; needs a token)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline
    from workbench.errors import InputError

    if args.push_to_hub and args.format != "hf":
        raise InputError("--push-to-hub uploads a Hugging Face dataset; use it with --format hf")
    # Refuse a bad path or a missing token before any work is done.
    pipeline.export_store(settings, args.format, args.output, check_only=True)
    token = None
    if args.push_to_hub:
        from workbench.export.dataset import hub_token

        token = hub_token()
    result = pipeline.export_store(settings, args.format, args.output, states=args.state, documents=args.document,
                                   overwrite=args.overwrite)
    print(f"wrote {result.records} segment(s) to {result.path}")
    print(f"signature: {result.signature}")
    if args.push_to_hub:
        from workbench.export.dataset import push_to_hub

        print(f"pushed to {push_to_hub(result.path, args.push_to_hub, token)}")
    return 0
