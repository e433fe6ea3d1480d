"""``workbench segment``: clean an article and print its sentences."""

from __future__ import annotations

import argparse
import json
import sys

from workbench.commands import formatter
from workbench.segment import DEFAULT_SEGMENTER, SEGMENTERS
from workbench.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("segment", help="split an article into sentences", formatter_class=formatter(),
                              description="Clean an article (.txt, .md, .html) and print one sentence per line.")
    p.add_argument("file", help="article file (.txt, .md, .html)")
    p.add_argument("--lang", choices=["en", "zh"], default="en", help="language of the text")
    p.add_argument("--format", choices=["jsonl", "txt"], default="jsonl", help="output format")
    p.add_argument("--keep-duplicates", action="store_true", help="keep exactly repeated paragraphs")
    p.add_argument("--split-semicolons", action="store_true", help="Chinese: also split after ；")
    p.add_argument("--segmenter", choices=list(SEGMENTERS), default=DEFAULT_SEGMENTER,
                   help="where sentence boundaries come from: this project's rules, or the pysbd package")
    p.add_argument("--max-bytes", type=int, default=None, help="largest file accepted (default 5 MB)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline

    segments, dropped = pipeline.read_article_file(
        args.file, lang=args.lang, max_bytes=args.max_bytes, keep_duplicates=args.keep_duplicates,
        split_semicolons=args.split_semicolons, segmenter=args.segmenter)
    for seg in segments:
        if args.format == "jsonl":
            print(json.dumps(seg.to_dict(), ensure_ascii=False))
        else:
            print(seg.text)
    if dropped:
        print(f"dropped {dropped} repeated paragraph(s); --keep-duplicates keeps them",
              file=sys.stderr)
    return 0
