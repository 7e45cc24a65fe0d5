"""`process export|import|versions`: a municipality's arbetsgång as the YAML files data/ holds, to share with another
municipality, and the versions published so far (narvaro.core.versions)."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

from narvaro.commands import session_for
from narvaro.core import clock, versions
from narvaro.core.errors import ConfigError, FieldError


def register(sub) -> None:
    p = sub.add_parser("process", help="arbetsgången: exportera, importera och lista versioner")
    psub = p.add_subparsers(dest="process_command", required=True, metavar="ÅTGÄRD")
    e = psub.add_parser("export", help="skriv den publicerade versionen som YAML-filerna i data/")
    e.add_argument("dir", type=Path, help="katalogen att skriva process.yaml, reference.yaml, ... i")
    e.add_argument("--version", type=int, help="en äldre version (standard: den publicerade)")
    e.set_defaults(func=_export)
    i = psub.add_parser("import", help="kontrollera YAML-filerna i en katalog och publicera dem som en ny version")
    i.add_argument("dir", type=Path)
    i.add_argument("--reason", required=True, help="varför arbetsgången ändras (visas i versionshistoriken)")
    i.set_defaults(func=_import)
    v = psub.add_parser("versions", help="lista versionerna, nyaste först")
    v.set_defaults(func=_versions)


def _who() -> str:
    try:
        return f"kommandorad ({getpass.getuser()})"[:64]
    except Exception:
        return "kommandorad"


def _export(args) -> int:
    with session_for(args) as s:
        number = args.version or versions.newest_number(s)
        try:
            paths = versions.export_dir(s, args.dir, number)
        except LookupError as exc:
            print(exc, file=sys.stderr)
            return 2
    for path in paths:
        print(f"Skrev {path}")
    print(f"Version {number}.")
    return 0


def _import(args) -> int:
    if not args.dir.is_dir():
        print(f"Katalogen {args.dir} finns inte.", file=sys.stderr)
        return 2
    try:
        with session_for(args) as s:
            row = versions.import_dir(s, args.dir, _who(), args.reason)
            number, changes = row.id, row.diff
    except ConfigError as exc:
        print(f"Fel i processfilerna, ingenting är publicerat:\n{exc}", file=sys.stderr)
        return 1
    except FieldError as exc:
        print(f"Ingenting är publicerat: {exc}", file=sys.stderr)
        return 1
    print(f"Publicerade version {number}.")
    print(changes)
    return 0


def _versions(args) -> int:
    with session_for(args) as s:
        rows = versions.history(s)
    for row in rows:
        at = row.created_at.astimezone(clock.LOCAL).strftime("%Y-%m-%d %H:%M")
        based = f" (återställer {row.based_on})" if row.based_on else ""
        print(f"{row.id}\t{at}\t{row.created_by}\t{row.kind}{based}\t{row.reason}")
    return 0
