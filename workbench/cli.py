"""The ``workbench`` command line: parse arguments, then call a real function.

Each subcommand lives in :mod:`workbench.commands` as a module with ``add_parser`` (it
registers arguments and sets ``func``); modules import their heavy dependencies inside
``func`` so that ``workbench --help`` stays fast. The settings (flags > environment >
config file > defaults) are resolved here, once, into a
:class:`~workbench.settings.Settings` that ``func(args, settings)`` receives; each ``func``
calls one function of :mod:`workbench.pipeline` and prints its result. Errors a user can fix
are :class:`~workbench.errors.WorkbenchError`: they are caught here, once, and printed as
one line; the library itself never exits.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from workbench import __version__
from workbench.errors import WorkbenchError
from workbench.settings import Settings

# Subcommand modules, in the order --help lists them.
COMMAND_MODULES = (
    "segment",
    "corpus",
    "translate",
    "eval",
    "align",
    "lookup",
    "eval_align",
    "qa",
    "terms",
    "export",
    "finetune",
    "serve",
    "users",
    "settings",
)


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, every available subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="English→Chinese translation and alignment workbench for official trade wording.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"workbench {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        # A command that fails to import is a broken install: fail loudly, never drop it from --help.
        importlib.import_module(f"workbench.commands.{name}").add_parser(subparsers)
    return parser


def dispatch(argv: Sequence[str] | None = None) -> int:
    """Run the CLI on ``argv``; returns the exit status (no ``sys.exit`` here, so tests can call it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from workbench.pipeline import use_settings  # here, so `workbench --help` stays quick

    try:
        result = args.func(args, use_settings(Settings.from_argparse(args)))
    except WorkbenchError as err:
        print(f"workbench: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("workbench: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        return 0
    return int(result or 0)


def main() -> None:
    """Console-script entry point."""
    sys.exit(dispatch())
