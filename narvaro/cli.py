"""`python -m narvaro COMMAND`: each module in narvaro/commands/ adds its own subcommand(s).

A command module defines `register(subparsers)` and sets `func(args) -> int` on its parser.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from narvaro import commands
from narvaro.core import files
from narvaro.core.errors import ConfigError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m narvaro", description="Närvaro – kommandon för drift och data.")
    parser.add_argument("--database-url", help="databas (annars NARVARO_DATABASE_URL eller den inbyggda SQLite-filen)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="KOMMANDO")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    files.owner_only_umask()  # whatever a command writes (exports, backups, the database) is the owner's only
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"Fel i processfilerna:\n{exc}", file=sys.stderr)
        return 2
