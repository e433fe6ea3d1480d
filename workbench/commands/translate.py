"""``workbench translate``: translate articles, JSONL, Parquet or datasets into a JSONL file."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from workbench.commands import formatter
from workbench.translate.backend import ALIASES, BACKENDS


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "translate", help="machine-translate segments into Simplified Chinese (batch, resumable)",
        formatter_class=formatter(),
        description="Translate every segment of the inputs into OUT.jsonl (id, source, translation, model, "
                    "backend, score, plus the input's own id fields). Rerunning skips what OUT holds; segments "
                    "whose batch failed are listed in OUT.failures.jsonl and retried by the next run.")
    p.add_argument("inputs", nargs="+", metavar="INPUT",
                   help="article (.txt/.md/.html), JSONL with a text field, Parquet, a dataset saved to disk, "
                        "or a folder of these")
    p.add_argument("--output", "-o", required=True, help="JSONL file to append translations to")
    p.add_argument("--model", default=None, help="hub id or local folder (env WORKBENCH_MODEL; config 'model')")
    p.add_argument("--backend", choices=[*BACKENDS, *ALIASES], default=None,
                   help="decoding backend (env WORKBENCH_BACKEND; default ct2 when installed)")
    p.add_argument("--beam", type=int, default=4, help="beam size")
    p.add_argument("--batch-size", type=int, default=16, help="segments per batch")
    p.add_argument("--shard", default=None, metavar="I/N",
                   help="translate only shard I of N (0 <= I < N), split by a hash of the id")
    p.add_argument("--column", default="text", help="text field of JSONL, Parquet and dataset inputs")
    p.add_argument("--no-terms", action="store_true",
                   help="do not enforce the official terms of the term base (corpora/glossary.tsv, user terms)")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from workbench.translate import load_translator
    from workbench.translate.batch import (
        completed_ids,
        failures_path,
        in_shard,
        parse_shard,
        read_inputs,
        translate_to_jsonl,
    )

    shard = parse_shard(args.shard) if args.shard else None
    segments = read_inputs(args.inputs, args.column)
    if shard:
        segments = [s for s in segments if in_shard(s.id, *shard)]
    output = Path(args.output)
    pending = len(segments) - len(completed_ids(output) & {s.id for s in segments})
    if pending == 0:
        print(f"nothing to translate: all {len(segments)} segment(s) are already in {output}", file=sys.stderr)
        return 0
    translator = load_translator(args.model, args.backend, beam=args.beam, batch_size=args.batch_size)
    translate = translator.translate
    if not args.no_terms:
        from workbench.terms import TermBase

        termbase = TermBase.load()

        def translate(texts):
            return translator.translate(texts, required_terms=termbase.required_for(texts))
    started = time.monotonic()
    with tqdm(total=pending, unit="seg", file=sys.stderr, disable=args.no_progress, dynamic_ncols=True) as bar:
        result = translate_to_jsonl(segments, output, translate, batch_size=args.batch_size,
                                    on_batch=bar.update)
    elapsed = time.monotonic() - started
    print(f"translated {result.translated} segment(s) in {elapsed:.1f}s; {result.skipped} already in {output}",
          file=sys.stderr)
    if result.failed:
        print(f"workbench translate: {result.failed} segment(s) failed ({result.errors[0]}); they are listed in "
              f"{failures_path(output)} — rerun the same command to retry only them", file=sys.stderr)
        return 1
    return 0
