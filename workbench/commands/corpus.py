"""``workbench corpus``: list and show the official documents."""

from __future__ import annotations

import argparse

from workbench.commands import formatter


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("corpus", help="list, show and manage official documents", formatter_class=formatter())
    p.add_argument("--corpus-dir", default=None, help="corpus folder (env WORKBENCH_CORPUS; default corpora/)")
    sub = p.add_subparsers(dest="corpus_command", metavar="ACTION", required=True)

    ls = sub.add_parser("list", help="id, date, title and sentence count of every document", formatter_class=formatter())
    ls.add_argument("--lang", choices=["zh", "en"], default=None, help="only documents in this language")
    ls.set_defaults(func=run_list)

    show = sub.add_parser("show", help="print a document's header and numbered sentences", formatter_class=formatter())
    show.add_argument("id", help="document id (see 'workbench corpus list')")
    show.add_argument("--lang", choices=["zh", "en"], default="zh", help="language version")
    show.set_defaults(func=run_show)


def run_list(args: argparse.Namespace) -> int:
    from workbench.corpus import OfficialCorpus

    corpus = OfficialCorpus.load(args.corpus_dir)
    for doc in corpus.documents(args.lang):
        flags = []
        if doc.is_partial:
            flags.append("PARTIAL")
        if doc.is_traditional:
            flags.append("TRADITIONAL")
        note = f"  [{', '.join(flags)}]" if flags else ""
        print(f"{doc.id}\t{doc.lang}\t{doc.date}\t{len(doc.sentences)}\t{doc.title}{note}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from workbench.corpus import OfficialCorpus

    doc = OfficialCorpus.load(args.corpus_dir).get(args.id, args.lang)
    for key, value in doc.header().items():
        print(f"{key}: {value}")
    print("---")
    for sent in doc.sentences:
        print(f"[{sent.index}] {sent.text}")
    return 0
