"""``workbench qa``: QA checks and risk over batch-translation output."""

from __future__ import annotations

import argparse
import json
from collections import Counter

from workbench.commands import formatter
from workbench.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "qa", formatter_class=formatter(),
        help="check translations (numbers, terms, punctuation, script, length, repetition)",
        description="Run the QA checks over a JSONL file of translations (id, source, translation per line, "
                    "as 'workbench translate' writes it; an optional 'official' field is used for the risk score). Exit status: 0 no flags, 1 some flags, 2 bad input.",
    )
    p.add_argument("file", help="JSONL file with id, source and translation on each line")
    p.add_argument("--format", choices=["text", "jsonl"], default="text",
                   help="text: summary and flagged segments; jsonl: one line per segment with its flags and risk")
    p.add_argument("--group-by", default=None, metavar="FIELD",
                   help="field naming each line's document, for the consistency check (default: one document)")
    p.add_argument("--glossary", default=None, help="term base TSV (default: glossary.tsv in the corpus folder)")
    Settings.register_argparse_arguments(p, ("db", "corpus_dir"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline

    reports, failed = pipeline.qa_file(settings, args.file, group_by=args.group_by, glossary=args.glossary)
    if args.format == "jsonl":
        for report in reports:
            print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        _print_text(reports, failed)
    return 1 if any(report.flags for report in reports) else 0


def _print_text(reports, failed: int) -> None:
    counts = Counter(flag.check for report in reports for flag in report.flags)
    flagged = [r for r in reports if r.flags]
    summary = ", ".join(f"{check} {n}" for check, n in counts.most_common()) or "none"
    print(f"{len(reports)} segments, {len(flagged)} flagged; flags: {summary}")
    if failed:
        print(f"{failed} failed translation(s) skipped; rerun 'workbench translate' to retry them")
    for report in sorted(flagged, key=lambda r: -r.risk.score):
        print(f"\n[{report.segment.id}] risk {report.risk.score:.2f}")
        print(f"  en: {report.segment.source}")
        print(f"  zh: {report.segment.translation}")
        for flag in report.flags:
            where = f" @{flag.start}-{flag.end}" if flag.start is not None else ""
            print(f"  - {flag.check}{where}: {flag.message}")
