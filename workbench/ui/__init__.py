"""The review web UI: ``python app.py`` or ``workbench serve``.

This module only parses settings and starts the server; the layout and handlers are in
:mod:`workbench.ui.app`, the HTML fragments in :mod:`workbench.ui.render`. Gradio is
imported when the server starts, so the CLI stays fast.
"""

from __future__ import annotations

import argparse
import os

from workbench.errors import InputError

MAX_UPLOAD = "5mb"  # same limit as ingest.DEFAULT_MAX_BYTES, enforced by Gradio before our own check


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The server's options (shared by ``app.py`` and ``workbench serve``)."""
    parser.add_argument("--host", default=None, help="address to bind (env GRADIO_SERVER_NAME; default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=None, help="port (env GRADIO_SERVER_PORT; default 7860)")
    parser.add_argument("--db", default=None, help="review database (env WORKBENCH_DB)")
    parser.add_argument("--model", default=None, help="MT model name or folder (env WORKBENCH_MODEL)")
    parser.add_argument("--backend", default=None, help="MT backend (env WORKBENCH_BACKEND)")
    parser.add_argument("--corpus-dir", default=None, help="official corpus folder (env WORKBENCH_CORPUS)")
    parser.add_argument("--no-mt", action="store_true", help="start without loading the MT model")
    parser.add_argument("--auth", default=None,
                        help="require login: USER:PASSWORD[,USER:PASSWORD...] (env WORKBENCH_AUTH)")


def parse_auth(value: str | None) -> list[tuple[str, str]] | None:
    """``user:pass,user2:pass2`` → ``[(user, pass), ...]``; None when no credentials are set."""
    if not value:
        return None
    pairs = []
    for item in value.split(","):
        user, colon, password = item.strip().partition(":")
        if not colon or not user or not password:
            raise InputError("credentials must look like USER:PASSWORD (several separated by commas); fix --auth "
                             "or WORKBENCH_AUTH")
        pairs.append((user, password))
    return pairs


def serve(args: argparse.Namespace) -> int:
    """Load the store, corpus and model, then serve the UI until interrupted."""
    # No usage reporting from a tool that handles unpublished drafts (Gradio reads this at import).
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from workbench import pipeline
    from workbench.corpus import OfficialCorpus
    from workbench.corpus_search import SearchIndex
    from workbench.export.paths import output_root
    from workbench.store import Store
    from workbench.ui.app import Resources, build_app
    from workbench.ui.render import CSS, KEYBOARD_JS

    auth = parse_auth(args.auth or os.environ.get("WORKBENCH_AUTH"))
    host = args.host or os.environ.get("GRADIO_SERVER_NAME") or "127.0.0.1"
    port = args.port or int(os.environ.get("GRADIO_SERVER_PORT") or 7860)
    store = Store(args.db)
    corpus = OfficialCorpus.load(args.corpus_dir)
    if args.no_mt:
        translator, reason = None, "It was switched off for this session (--no-mt)."
    else:
        translator, reason = pipeline.load_translator_or_none(args.model, args.backend, store=store)
    search_index = SearchIndex.build(corpus)
    app = build_app(Resources(store, corpus, translator, reason, search_index), auth_enabled=auth is not None)
    app.queue(default_concurrency_limit=4)
    # Downloads are served from the export folder only.
    app.launch(server_name=host, server_port=port, auth=auth, max_file_size=MAX_UPLOAD, css=CSS, head=KEYBOARD_JS,
               show_error=True, allowed_paths=[str(output_root())])
    return 0


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python app.py``; errors a user can fix are printed as one line."""
    import sys

    from workbench.errors import WorkbenchError

    parser = argparse.ArgumentParser(description="Serve the translation review workbench.")
    add_arguments(parser)
    try:
        serve(parser.parse_args(argv))
    except WorkbenchError as err:
        print(f"workbench: error: {err}", file=sys.stderr)
        sys.exit(2)
