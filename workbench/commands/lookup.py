"""``workbench lookup``: the official Chinese wording for an English phrase or sentence."""

from __future__ import annotations

import argparse
import json
import sys

from workbench.commands import formatter


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("lookup", help="find the official wording for an English phrase",
                              formatter_class=formatter(),
                              description="Search the whole official corpus for the sentences that best render TEXT.")
    p.add_argument("text", help="English word, phrase or sentence")
    p.add_argument("--top", type=int, default=5, help="how many sentences to show")
    p.add_argument("--no-mt", action="store_true", help="score without machine translation")
    p.add_argument("--format", choices=["json", "text"], default="text", help="output format")
    p.add_argument("--corpus-dir", default=None, help="corpus folder (env WORKBENCH_CORPUS; default corpora/)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from workbench.align import lookup
    from workbench.align.mt import engine_translations
    from workbench.corpus import OfficialCorpus

    corpus = OfficialCorpus.load(args.corpus_dir)
    mt = None
    if not args.no_mt and args.text.strip():
        translations, notice = engine_translations([args.text])
        if notice:
            print(f"workbench: note: {notice}", file=sys.stderr)
        mt = translations[0] if translations else None
    hits = lookup(args.text, corpus, top_k=args.top, mt=mt)
    if args.format == "json":
        print(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=1))
        return 0
    if not hits:
        print("no official sentence matches; try fewer or more specific words")
    for hit in hits:
        terms = ", ".join(f"{t.en}={t.zh}" for t in hit.evidence.terms)
        print(f"{hit.score:.3f}\t{hit.doc_id}#{hit.index}\t{hit.sentence}\t[{terms}]")
    return 0
