"""``workbench eval``: BLEU (Chinese tokenizer) and chrF of translations against references."""

from __future__ import annotations

import argparse
import json

from workbench.commands import formatter
from workbench.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "eval", help="score translations against references (BLEU tok:zh, chrF)", formatter_class=formatter(),
        description="Corpus BLEU with sacrebleu's Chinese tokenizer and character chrF, with their signatures. "
                    "Files hold one segment per line, or JSONL records (hypotheses: 'translation'; "
                    "references: 'reference', 'translation' or 'text').")
    p.add_argument("--hyp", required=True, help="machine translations (.txt or .jsonl, e.g. workbench translate output)")
    p.add_argument("--ref", required=True, help="reference translations, same order and count (.txt or .jsonl)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline

    scores = pipeline.evaluate_translations(args.hyp, args.ref)
    if args.format == "json":
        print(json.dumps([{"metric": s.name, "score": s.score, "signature": s.signature} for s in scores],
                         ensure_ascii=False))
    else:
        for s in scores:
            print(f"{s.name}\t{s.score:.2f}\t{s.signature}")
    return 0
