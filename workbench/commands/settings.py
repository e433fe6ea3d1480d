"""``workbench settings``: every setting in effect, and where its value came from."""

from __future__ import annotations

import argparse

from workbench.commands import formatter
from workbench.settings import SETTINGS, Settings


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "settings", help="show the settings in effect and where each comes from", formatter_class=formatter(),
        description="Each setting is taken from its flag, else its environment variable, else the config file "
                    "(workbench.toml here, or $WORKBENCH_CONFIG), else (for the model) a promoted fine-tuned "
                    "model, else the default.")
    Settings.register_argparse_arguments(p, [option.name for option in SETTINGS])
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    for name, value, origin in settings.describe():
        print(f"{name}\t{value}\t{origin}")
    return 0
