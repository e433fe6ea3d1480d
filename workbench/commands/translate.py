"""``workbench translate``: translate articles, JSONL, Parquet or datasets into a JSONL file."""

from __future__ import annotations

import argparse
import sys

from workbench.commands import formatter
from workbench.settings import Settings
from workbench.translate.backend import DecodingOptions

DEFAULTS = DecodingOptions()


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
    p.add_argument("--output", "-o", required=True,
                   help="JSONL file to append translations to (with --ray: a folder of shards)")
    Settings.register_argparse_arguments(p, ("model", "backend", "device", "models_dir", "corpus_dir", "db"))
    p.add_argument("--beam", type=int, default=DEFAULTS.beam, help="beam size")
    p.add_argument("--batch-size", type=int, default=DEFAULTS.batch_size, help="segments per batch")
    p.add_argument("--batch-tokens", type=int, default=DEFAULTS.batch_tokens,
                   help="padded source tokens per batch at most (0: no limit besides --batch-size)")
    p.add_argument("--shortlist", action="store_true",
                   help="CTranslate2 only: score only the target tokens a vocabulary map built from the corpus and "
                        "dictionary allows for the source (use_vmap; built once into the models folder). Faster; "
                        "compare with workbench eval on a dev set before relying on it (see the README)")
    p.add_argument("--shard", default=None, metavar="I/N",
                   help="translate only shard I of N (0 <= I < N), split by a hash of the id")
    p.add_argument("--column", default="text", help="text field of JSONL, Parquet and dataset inputs")
    p.add_argument("--no-terms", action="store_true",
                   help="do not enforce the official terms of the term base (corpora/glossary.tsv, user terms)")
    p.add_argument("--ray", nargs="?", const="local", default=None, metavar="ADDRESS",
                   help="translate with Ray Data into the folder OUT (shards part-NNNNN.jsonl): alone, on a Ray "
                        "started on this machine's cores; with ADDRESS (auto, ray://HOST:10001), on that cluster "
                        "(needs pip install 'workbench[ray]')")
    p.add_argument("--actors", type=int, default=None,
                   help="with --ray: translators running at once (default: the cluster's cores / --cpus-per-actor)")
    p.add_argument("--cpus-per-actor", type=int, default=1,
                   help="with --ray: cores per translator (CTranslate2 intra_threads)")
    p.add_argument("--shard-format", choices=("jsonl", "parquet"), default="jsonl",
                   help="with --ray: the format of the shards written into OUT")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from workbench import pipeline
    from workbench.translate.batch import failures_path

    def progress_bar(total: int):
        return tqdm(total=total, unit="seg", file=sys.stderr, disable=args.no_progress, dynamic_ncols=True)

    job = pipeline.translate_files(settings, args.inputs, args.output, column=args.column, shard=args.shard,
                                   terms=not args.no_terms, progress_bar=progress_bar, beam=args.beam,
                                   batch_size=args.batch_size, batch_tokens=args.batch_tokens, shortlist=args.shortlist, ray=args.ray, actors=args.actors,
                                   cpus_per_actor=args.cpus_per_actor, shard_format=args.shard_format)
    if job.result is None:
        print(f"nothing to translate: all {job.total} segment(s) are already in {job.output}", file=sys.stderr)
        return 0
    result = job.result
    print(f"translated {result.translated} segment(s) in {job.seconds:.1f}s; {result.skipped} already in {job.output}",
          file=sys.stderr)
    if result.failed:
        print(f"workbench translate: {result.failed} segment(s) failed ({result.errors[0]}); they are listed in "
              f"{failures_path(job.output)} — rerun the same command to retry only them", file=sys.stderr)
        return 1
    return 0
