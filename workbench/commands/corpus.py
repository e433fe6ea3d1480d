"""``workbench corpus``: list, show, add, import, check and search the official documents."""

from __future__ import annotations

import argparse
import json
import sys

from workbench.commands import formatter
from workbench.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("corpus", help="list, show and manage official documents", formatter_class=formatter())
    Settings.register_argparse_arguments(p, ("corpus_dir", "db"))
    sub = p.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)

    ls = sub.add_parser("list", help="id, date, title and sentence count of every document", formatter_class=formatter())
    ls.add_argument("--lang", choices=["zh", "en"], default=None, help="only documents in this language")
    ls.set_defaults(func=run_list)

    show = sub.add_parser("show", help="print a document's header and numbered sentences", formatter_class=formatter())
    show.add_argument("id", help="document id (see 'workbench corpus list')")
    show.add_argument("--lang", choices=["zh", "en"], default="zh", help="language version")
    show.add_argument("--version", default=None, help="an earlier version (text hash) instead of the current one")
    show.set_defaults(func=run_show)

    add = sub.add_parser("add", help="add documents: corpus-format files, plain text plus flags, or saved web pages",
                         formatter_class=formatter())
    add.add_argument("paths", nargs="+", metavar="PATH", help=".txt (corpus format or plain text) or .html files")
    add.add_argument("--id", default=None, help="document id (default: from the header, else the file name)")
    add.add_argument("--lang", choices=["zh", "en"], default=None, help="language (default: from the text)")
    add.add_argument("--date", default=None, help="publication date, YYYY-MM-DD (default: from the header or page)")
    add.add_argument("--title", default=None, help="title as published (default: from the header or page)")
    add.add_argument("--issuer", default=None, help="issuing body, e.g. '商务部 Ministry of Commerce'")
    add.add_argument("--source", default=None, help="URL the text was taken from")
    add.add_argument("--confidence", default=None, help="how far the text is trusted (default: unreviewed)")
    add.add_argument("--pair", default=None, metavar="ID",
                     help="this is the other-language side of document ID (takes its id)")
    add.add_argument("--force", action="store_true", help="add even if a near-duplicate exists")
    add.set_defaults(func=run_add)

    imp = sub.add_parser("import", help="add every document file of a folder, then summarise",
                         formatter_class=formatter())
    imp.add_argument("folder", metavar="DIR", help="folder of corpus-format .txt files and saved .html pages")
    imp.add_argument("--force", action="store_true", help="add near-duplicates too")
    imp.set_defaults(func=run_import)

    check = sub.add_parser("check", help="validate every document; exit status 1 when something is wrong",
                           formatter_class=formatter())
    check.set_defaults(func=run_check)

    search = sub.add_parser("search", help="ranked full-text search of the official sentences",
                            formatter_class=formatter())
    search.add_argument("query", help="Chinese (Simplified or Traditional) or English words")
    search.add_argument("--lang", choices=["zh", "en"], default=None, help="only sentences in this language")
    search.add_argument("--from", dest="date_from", default=None, metavar="D", help="published on or after D")
    search.add_argument("--to", dest="date_to", default=None, metavar="D", help="published on or before D")
    search.add_argument("--issuer", default=None, help="only documents whose issuer contains this")
    search.add_argument("--top", type=int, default=10, help="number of hits")
    search.add_argument("--format", choices=["text", "json"], default="text", help="output format")
    search.set_defaults(func=run_search)


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline

    for doc in pipeline.open_corpus(settings).documents(args.lang):
        flags = []
        if doc.is_partial:
            flags.append("PARTIAL")
        if doc.is_traditional:
            flags.append("TRADITIONAL")
        note = f"  [{', '.join(flags)}]" if flags else ""
        print(f"{doc.id}\t{doc.lang}\t{doc.date}\t{len(doc.sentences)}\t{doc.title}{note}")
    return 0


def run_show(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline

    doc, current = pipeline.corpus_document(settings, args.id, args.lang, args.version)
    for key, value in doc.header().items():
        print(f"{key}: {value}")
    print(f"version: {doc.version}" + ("" if doc.version == current.version else
                                       f" (superseded; current version {current.version})"))
    print("---")
    for sent in doc.sentences:
        print(f"[{sent.index}] {sent.text}")
    return 0


def run_add(args: argparse.Namespace, settings: Settings) -> int:
    """Add each file as a document, updating the on-disk search index in place."""
    from workbench import pipeline
    from workbench.corpus_admin import Metadata

    meta = Metadata(id=args.id, lang=args.lang, date=args.date, issuer=args.issuer, title=args.title,
                    source=args.source, confidence=args.confidence, pair=args.pair)

    def report(result) -> None:
        for warning in result.warnings:
            print(f"warning: {warning}", file=sys.stderr)
        doc = result.doc
        was = f" (was {result.previous_version}, kept)" if result.status == "updated" else ""
        print(f"{result.status}\t{doc.id}.{doc.lang}\t{doc.version}{was}\t{len(doc.sentences)} sentences")

    pipeline.add_corpus_files(settings, args.paths, meta, force=args.force, on_result=report)
    return 0


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    """Add every document of a folder; exit status 1 when some were rejected."""
    from workbench import pipeline

    summary = pipeline.import_corpus_folder(settings, args.folder, force=args.force)
    for warning in summary.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for name, reason in summary.rejected:
        print(f"rejected\t{name}\t{reason}")
    print(f"{len(summary.added)} added, {len(summary.updated)} updated, {len(summary.skipped)} skipped "
          f"(unchanged), {len(summary.rejected)} rejected")
    return 1 if summary.rejected else 0


def run_check(args: argparse.Namespace, settings: Settings) -> int:
    """Print every problem of the corpus; exit status 1 when there are errors."""
    from workbench import pipeline

    findings = pipeline.check_corpus(settings)
    for finding in findings:
        print(f"{finding.severity}: {finding.message}")
    errors = sum(f.is_error for f in findings)
    print(f"{errors} errors, {len(findings) - errors} warnings")
    return 1 if errors else 0


def run_search(args: argparse.Namespace, settings: Settings) -> int:
    """Print the best matching official sentences with where they come from."""
    from workbench import pipeline
    from workbench.corpus_admin import parse_date
    from workbench.errors import InputError

    for flag, value in (("--from", args.date_from), ("--to", args.date_to)):
        if value and parse_date(value) is None:
            raise InputError(f"{flag} {value!r} is not a date; write it as YYYY-MM-DD")
    hits = pipeline.search_corpus(settings, args.query, lang=args.lang, date_from=parse_date(args.date_from or ""),
                                  date_to=parse_date(args.date_to or ""), issuer=args.issuer, top=args.top)
    if args.format == "json":
        json.dump([hit.to_dict() for hit in hits], sys.stdout, ensure_ascii=False, indent=2)
        print()
        return 0
    if not hits:
        print("no matching sentences; try fewer words, or drop --lang/--from/--to/--issuer")
    for rank, hit in enumerate(hits, start=1):
        print(f"{rank}. {hit.snippet}")
        print(f"   {hit.doc_id}.{hit.lang} [{hit.sentence_index}]  {hit.date}  {hit.title}  {hit.source}")
    return 0
