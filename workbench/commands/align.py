"""``workbench align``: align a document with its translation, or an article with the official corpus."""

from __future__ import annotations

import argparse
import json
import sys

from workbench.commands import formatter
from workbench.errors import InputError
from workbench.settings import DEFAULT_EMBEDDER, Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "align", help="align sentences with their official wording", formatter_class=formatter(),
        description="With SRC and TGT: align a document and its translation in order (parallel mode). "
                    "With an ARTICLE only: link each sentence and quote to the official corpus (news mode).")
    p.add_argument("src", help="source document (or the English article in news mode)")
    p.add_argument("tgt", nargs="?", default=None, help="target document (parallel mode)")
    p.add_argument("--src-lang", choices=["en", "zh"], default="en", help="language of SRC")
    p.add_argument("--tgt-lang", choices=["en", "zh"], default="zh", help="language of TGT")
    p.add_argument("--presplit", action="store_true", help="SRC and TGT hold one sentence per line")
    p.add_argument("--mt", default=None, metavar="FILE",
                   help="line-parallel translations of the source sentences into the target language")
    p.add_argument("--no-mt", action="store_true", help="score without machine translation")
    p.add_argument("--gaps", action="store_true",
                   help="parallel mode: many sentences have no counterpart; prefer leaving them unlinked")
    # Choices are checked by the aligner (importing it here would slow down `workbench --help`).
    p.add_argument("--mode", metavar="auto|news|parallel", default="auto",
                   help="auto: parallel when TGT is given; for an ARTICLE, parallel against the document it "
                        "translates when its sentences link in order into one document, news otherwise; "
                        "parallel with an ARTICLE aligns it in order against --reference DOC_ID")
    p.add_argument("--reference", default="auto", metavar="auto|DOC_ID",
                   help="the official document to align the article against, or auto to retrieve it")
    p.add_argument("--embedder", default=DEFAULT_EMBEDDER, metavar="NAME",
                   help="parallel mode: the cross-lingual sentence encoder: use-m (bundled), e5-small (the e5 "
                        "extra), st:MODEL (a sentence-transformers model, e.g. st:sentence-transformers/LaBSE, "
                        "where it can be downloaded) or none (lexical signals only)")
    p.add_argument("--format", choices=["beads", "jsonl"], default=None,
                   help="beads ([src]:[tgt] per line, parallel only) or jsonl (default: beads in parallel mode)")
    Settings.register_argparse_arguments(p, ("corpus_dir", "model", "backend", "device", "models_dir"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline
    from workbench.align import format_bead

    mode = args.mode
    if args.format == "beads" and args.tgt is None:
        raise InputError("news links are not beads; use --format jsonl")
    result = pipeline.align_files(settings, args.src, args.tgt, mode=mode, src_lang=args.src_lang,
                                  tgt_lang=args.tgt_lang, presplit=args.presplit, mt_file=args.mt,
                                  use_mt=not args.no_mt, gaps=args.gaps, reference=args.reference,
                                  evidence=args.format == "jsonl",
                                  embedder=None if args.embedder == "none" else args.embedder)
    for note in result.notes:
        print(f"workbench: note: {note}", file=sys.stderr)
    if result.beads is not None and args.format != "jsonl":
        for bead in result.beads:
            print(format_bead(bead))
        return 0
    for record in result.records:
        print(json.dumps(record, ensure_ascii=False))
    return 0
