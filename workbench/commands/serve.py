"""``workbench serve``: the review web UI (same as ``python app.py``)."""

from __future__ import annotations

import argparse

from workbench.commands import formatter
from workbench.settings import Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    from workbench.ui import add_arguments

    p = subparsers.add_parser("serve", help="serve the review web UI", formatter_class=formatter(),
                              description="Serve the review web UI (default http://127.0.0.1:7860).")
    add_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from workbench.ui import serve

    return serve(settings, mt=not args.no_mt, insecure_no_auth=args.insecure_no_auth,
                 session_minutes=args.session_minutes)
