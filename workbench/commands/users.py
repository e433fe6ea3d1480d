"""``workbench users add|list|set-role|remove``: who may log in to the review UI, and in which role."""

from __future__ import annotations

import argparse
import sys

from workbench.commands import formatter
from workbench.errors import InputError
from workbench.settings import Settings
from workbench.store import ROLES


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "users", help="manage who may log in to the review UI and their roles", formatter_class=formatter(),
        description="Users and roles live in the review database. translator: edit and suggest; reviewer: also "
                    "approve, reject and revert; admin: also export, add corpus documents and terms, fine-tune "
                    "and manage users. Once a user exists the UI requires a login.")
    Settings.register_argparse_arguments(p, ("db",))
    actions = p.add_subparsers(dest="users_action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user (the password is read from the terminal, or stdin)",
                             formatter_class=formatter())
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="translator")
    add.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    actions.add_parser("list", help="list users and their roles")
    set_role = actions.add_parser("set-role", help="change a user's role")
    set_role.add_argument("name")
    set_role.add_argument("role", choices=ROLES)
    remove = actions.add_parser("remove", help="remove a user (their history stays)")
    remove.add_argument("name")
    p.set_defaults(func=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from workbench import pipeline

    if args.users_action == "add":
        record = pipeline.add_user(settings, args.name, args.role, _password(args.password_stdin))
        print(f"added {record.name} ({record.role})")
    elif args.users_action == "list":
        for user in pipeline.list_users(settings):
            print(f"{user.name}\t{user.role}\t{user.created_at[:19]}")
    elif args.users_action == "set-role":
        pipeline.set_user_role(settings, args.name, args.role)
        print(f"{args.name}: role is now {args.role}")
    else:
        pipeline.remove_user(settings, args.name)
        print(f"removed {args.name}")
    return 0


def _password(from_stdin: bool) -> str:
    if from_stdin or not sys.stdin.isatty():
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        import getpass

        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            raise InputError("the two passwords differ; run the command again")
    if not password:
        raise InputError("no password given; type one, or pipe it in with --password-stdin")
    return password
