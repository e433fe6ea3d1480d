"""One module per ``workbench`` subcommand; each defines ``add_parser(subparsers)``."""

from __future__ import annotations

import argparse


def formatter() -> type[argparse.HelpFormatter]:
    """The help formatter every subcommand uses (shows defaults)."""
    return argparse.ArgumentDefaultsHelpFormatter
