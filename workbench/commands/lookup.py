"""``workbench lookup``: the official Chinese wording for an English phrase or sentence."""

from __future__ import annotations

import argparse
import json
import sys

from workbench.commands import formatter
from workbench.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("lookup", help="find the official wording for an English phrase",
                              formatter_class=formatter(),
                              description="Search the whole official corpus for the sentences that best render TEXT.")
    p.add_argument("text", help="English word, phrase or sentence")
    p.add_argument("--top", type=int, default=5, help="how many sentences to show")
    p.add_argument("--no-mt", action="store_true", help="score without machine translation")
    p.add_argument("--format", choices=["json", "text"], default="text", help="output format")
    Settings.register_argparse_arguments(p, ("corpus_dir", "model", "backend", "device", "models_dir"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline

    hits, notice = pipeline.lookup_official(settings, args.text, top=args.top, use_mt=not args.no_mt)
    if notice:
        print(f"workbench: note: {notice}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print("no official sentence matches; try fewer or more specific words")
    for hit in hits:
        terms = ", ".join(f"{t.en}={t.zh}" for t in hit.evidence.terms)
        # The encoder's cosine beside the matched terms: a hit with no shared term can still mean the same.
        cosine = hit.evidence.signals.get("meaning_cosine")
        meaning = "" if cosine is None else f"\tmeaning {cosine:.2f}"
        print(f"{hit.score:.3f}\t{hit.doc_id}#{hit.index}\t{hit.sentence}\t[{terms}]{meaning}")
    return 0
