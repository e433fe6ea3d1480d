"""The review web UI: ``python app.py`` or ``workbench serve``.

This module only parses settings and starts the server; the layout and handlers are in
:mod:`workbench.ui.app`, the HTML fragments in :mod:`workbench.ui.render`. Gradio is
imported when the server starts, so the CLI stays fast.
"""

from __future__ import annotations

import argparse
import os

from workbench.errors import InputError
from workbench.settings import Settings

MAX_UPLOAD = "5mb"  # same limit as ingest.DEFAULT_MAX_BYTES, enforced by Gradio before our own check


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The server's options (shared by ``app.py`` and ``workbench serve``)."""
    Settings.register_argparse_arguments(parser, ("host", "port", "db", "model", "backend", "device", "corpus_dir",
                                                  "models_dir", "output_dir", "auth"))
    parser.add_argument("--no-mt", action="store_true", help="start without loading the MT model")


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


def serve(settings: Settings, *, mt: bool = True) -> int:
    """Open the store, corpus and model of ``settings``, then serve the UI until interrupted."""
    # No usage reporting from a tool that handles unpublished drafts (Gradio reads this at import).
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from workbench import pipeline
    from workbench.ui.app import build_app
    from workbench.ui.render import CSS, KEYBOARD_JS

    auth = parse_auth(settings.auth)
    resources = pipeline.open_resources(settings, mt=mt)
    app = build_app(resources, auth_enabled=auth is not None)
    app.queue(default_concurrency_limit=4)
    # Downloads are served from the export folder only.
    app.launch(server_name=settings.host, server_port=settings.port, auth=auth, max_file_size=MAX_UPLOAD, css=CSS,
               head=KEYBOARD_JS, show_error=True, allowed_paths=[str(settings.output_dir.resolve())])
    return 0


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python app.py``; errors a user can fix are printed as one line."""
    import sys

    from workbench.errors import WorkbenchError

    parser = argparse.ArgumentParser(description="Serve the translation review workbench.")
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
        serve(Settings.from_argparse(args), mt=not args.no_mt)
    except WorkbenchError as err:
        print(f"workbench: error: {err}", file=sys.stderr)
        sys.exit(2)
