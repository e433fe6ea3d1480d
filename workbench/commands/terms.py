"""``workbench terms``: list the term base, add a user term, propagate a corrected rendering."""

from __future__ import annotations

import argparse

from workbench.commands import formatter
from workbench.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("terms", help="list, add and propagate official terms", formatter_class=formatter())
    Settings.register_argparse_arguments(p, ("db", "corpus_dir"))
    sub = p.add_subparsers(dest="terms_command", metavar="ACTION", required=True)

    ls = sub.add_parser("list", help="every term: English, Chinese, attestation, source", formatter_class=formatter())
    ls.add_argument("--official", action="store_true", help="only terms attested as official")
    ls.set_defaults(func=run_list)

    add = sub.add_parser("add", help="add a user term (a suggestion unless attested)", formatter_class=formatter())
    add.add_argument("en", help="English term")
    add.add_argument("zh", help="its Chinese rendering")
    add.add_argument("--by", required=True, metavar="NAME", help="who adds it (recorded with the time)")
    add.add_argument("--attestation", default="USER",
                     help="how the pairing is attested, e.g. OFFICIAL-BILINGUAL (needs --source)")
    add.add_argument("--source", default="", help="the document that attests it")
    add.add_argument("--valid-from", default=None, metavar="YYYY-MM-DD", help="first day the term applies")
    add.add_argument("--valid-to", default=None, metavar="YYYY-MM-DD", help="last day the term applies")
    add.set_defaults(func=run_add)

    prop = sub.add_parser("propagate", formatter_class=formatter(),
                          help="replace a wrong rendering in every segment of a document (each change a revision)",
                          description="Show every segment of DOC_ID whose current text holds OLD, with NEW in its "
                                      "place; with --apply, save each as a new revision by --by.")
    prop.add_argument("document", metavar="DOC_ID", help="document id (as the UI's document list shows it)")
    prop.add_argument("old", help="the rendering to replace, e.g. 受控物品")
    prop.add_argument("new", help="the rendering to use, e.g. 管制物项")
    prop.add_argument("--by", default=None, metavar="NAME", help="reviewer recorded with each revision (with --apply)")
    prop.add_argument("--apply", action="store_true", help="save the changes (default: only show them)")
    prop.set_defaults(func=run_propagate)


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline

    for term in pipeline.open_termbase(settings).terms:
        if args.official and not term.is_official:
            continue
        print(f"{term.en}\t{term.zh}\t{term.attestation}\t{term.source}")
    return 0


def run_add(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline

    with pipeline.open_store(settings) as store:
        term = pipeline.add_term(store, en=args.en, zh=args.zh, added_by=args.by, attestation=args.attestation,
                                 source=args.source, valid_from=args.valid_from, valid_to=args.valid_to)
    print(f"added {term.en} = {term.zh} ({term.attestation}) by {term.added_by} at {term.added_at}")
    return 0


def run_propagate(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline
    from workbench.errors import InputError

    if args.apply and not (args.by or "").strip():
        raise InputError("--apply records who made each change; give --by NAME")
    with pipeline.open_store(settings) as store:
        offers = pipeline.term_offers(store, args.document, args.old, args.new)
        for offer in offers:
            print(f"[{offer.segment_id}] {offer.text}\n    → {offer.proposed}")
        if args.apply and offers:
            pipeline.apply_term_offers(store, offers, reviewer=args.by)
    verb = "changed" if args.apply else "would change (add --apply to save)"
    print(f"{len(offers)} segment(s) {verb}")
    return 0
