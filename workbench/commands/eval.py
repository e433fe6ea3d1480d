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
    p.add_argument("--baseline", default=None, metavar="HYP",
                   help="another translation of the same segments (e.g. made without --shortlist): its scores "
                        "and --hyp's difference from them are shown too")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline

    scores = pipeline.evaluate_translations(args.hyp, args.ref)
    baseline = pipeline.evaluate_translations(args.baseline, args.ref) if args.baseline else [None] * len(scores)
    rows = []
    for s, b in zip(scores, baseline):
        row = {"metric": s.name, "score": s.score, "signature": s.signature}
        if b is not None:
            row |= {"baseline": b.score, "difference": round(s.score - b.score, 2)}
        rows.append(row)
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    for row in rows:
        compared = f"\tbaseline {row['baseline']:.2f}\t{row['difference']:+.2f}" if "baseline" in row else ""
        print(f"{row['metric']}\t{row['score']:.2f}{compared}\t{row['signature']}")
    return 0
