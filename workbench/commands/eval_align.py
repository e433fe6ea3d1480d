"""``workbench eval-align``: score predicted sentence alignments against gold beads."""

from __future__ import annotations

import argparse
import json

from workbench.commands import formatter
from workbench.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "eval-align", help="strict/lax precision, recall and F1 of alignments against gold",
        formatter_class=formatter(),
        description="Compare every GOLD/NAME.align with PRED/NAME.align ([src]:[tgt] per line); counts are "
                    "pooled over documents. Also reports per-sentence exact match and no-counterpart P/R/F1.")
    p.add_argument("--gold", required=True, help="folder of gold .align files")
    p.add_argument("--pred", required=True, help="folder of predicted .align files, same names")
    p.add_argument("--src-units", default=None, metavar="FILE",
                   help="unit id per source line (e.g. Bible en.verse): merge beads inside one unit first")
    p.add_argument("--tgt-units", default=None, metavar="FILE", help="unit id per target line (e.g. zh.verse)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline

    scores = pipeline.evaluate_alignment(args.gold, args.pred, src_units=args.src_units, tgt_units=args.tgt_units)
    if args.format == "json":
        print(json.dumps({k: round(v, 4) for k, v in scores.items()}))
        return 0
    for level in ("strict", "lax"):
        print(f"{level:6s}  P {scores[f'{level}_precision']:.3f}  R {scores[f'{level}_recall']:.3f}  "
              f"F1 {scores[f'{level}_f1']:.3f}")
    print(f"sentence exact match  {scores['sentence_exact']:.3f}")
    print(f"no counterpart  P {scores['none_precision']:.3f}  R {scores['none_recall']:.3f}  "
          f"F1 {scores['none_f1']:.3f}")
    return 0
