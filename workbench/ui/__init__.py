"""The review web UI: ``python app.py`` or ``workbench serve``.

This module only parses settings and starts the server; the layout and handlers are in
:mod:`workbench.ui.app`, the HTML fragments in :mod:`workbench.ui.render`, the web server
that puts every route behind the login in :mod:`workbench.ui.server`. Gradio is imported
when the server starts, so the CLI stays fast.

Logins are required once anyone may log in: a user in the store (``workbench users add``)
or ``--auth USER:PASSWORD`` (quick-start admins). Without logins the server refuses to
listen on anything but the loopback address unless ``--insecure-no-auth`` says so.
"""

from __future__ import annotations

import argparse
import ipaddress
import os

from workbench.errors import InputError
from workbench.settings import Settings

MAX_UPLOAD = "5mb"  # same limit as ingest.DEFAULT_MAX_BYTES, enforced by Gradio before our own check
SESSION_MINUTES = 480.0  # a login ends after this long without use (and after a day in any case)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The server's options (shared by ``app.py`` and ``workbench serve``)."""
    Settings.register_argparse_arguments(parser, ("host", "port", "db", "model", "backend", "device", "corpus_dir",
                                                  "models_dir", "output_dir", "auth", "max_segments",
                                                  "max_segment_chars"))
    parser.add_argument("--no-mt", action="store_true", help="start without loading the MT model")
    parser.add_argument("--insecure-no-auth", action="store_true",
                        help="serve on a non-loopback address without logins (anyone who can reach it may edit, "
                             "approve and export)")
    parser.add_argument("--session-minutes", type=float, default=SESSION_MINUTES,
                        help="a login ends after this many minutes without use")


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable only from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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


def serve(settings: Settings, *, mt: bool = True, insecure_no_auth: bool = False,
          session_minutes: float = SESSION_MINUTES) -> int:
    """Open the store, corpus and model of ``settings``, then serve the UI until interrupted."""
    # No usage reporting from a tool that handles unpublished drafts (Gradio reads this at import).
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from workbench import pipeline

    auth = parse_auth(settings.auth)
    with pipeline.open_store(settings) as store:
        logins = bool(auth) or bool(pipeline.list_stored_users(store))
    if not logins and not is_loopback(settings.host) and not insecure_no_auth:
        raise InputError(f"refusing to serve on {settings.host} without logins: anyone who can reach it could edit, "
                         "approve and export; add a user (workbench users add NAME --role admin), pass --auth "
                         "USER:PASSWORD, or pass --insecure-no-auth to serve openly anyway")
    resources = pipeline.open_resources(settings, mt=mt)
    directory = pipeline.open_directory(resources.store, auth or ()) if logins else None
    run_server(resources, directory, host=settings.host, port=settings.port,
               session_minutes=session_minutes)
    return 0


def run_server(resources, directory, *, host: str, port: int, session_minutes: float = SESSION_MINUTES) -> None:
    """Serve the review UI over ``resources`` on ``host:port`` until interrupted (logins when ``directory``)."""
    import uvicorn

    from workbench.ui.app import build_app
    from workbench.ui.render import CSS, KEYBOARD_JS
    from workbench.ui.server import build_server

    blocks = build_app(resources, directory=directory)
    blocks.queue(default_concurrency_limit=4)
    # Downloads are served from the export folder only.
    app = build_server(blocks, directory, session_minutes=session_minutes, css=CSS, head=KEYBOARD_JS,
                       show_error=True, max_file_size=MAX_UPLOAD, footer_links=["api", "settings"],
                       allowed_paths=[str(resources.settings.output_dir.resolve())])
    shown = f"[{host}]" if ":" in host else host
    print(f"* Running on local URL:  http://{shown}:{port}", flush=True)
    if directory is None and not is_loopback(host):
        print(f"* WARNING: serving on {host} without logins (--insecure-no-auth)", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``python app.py``; errors a user can fix are printed as one line."""
    import sys

    from workbench.errors import WorkbenchError

    parser = argparse.ArgumentParser(description="Serve the translation review workbench.")
    add_arguments(parser)
    try:
        args = parser.parse_args(argv)
        serve(Settings.from_argparse(args), mt=not args.no_mt, insecure_no_auth=args.insecure_no_auth,
              session_minutes=args.session_minutes)
    except WorkbenchError as err:
        print(f"workbench: error: {err}", file=sys.stderr)
        sys.exit(2)
