"""init, create-user, demo."""
from __future__ import annotations

import getpass
import os
import sys

from narvaro.commands import open_engine, session_for
from narvaro.core import users
from narvaro.core.errors import FieldError, NotAllowed
from narvaro.core.permissions import ROLES
from narvaro.dataio import demo


def register(sub) -> None:
    p = sub.add_parser("init", help="skapa eller uppgradera databasschemat (migrering)")
    p.set_defaults(func=_init)

    p = sub.add_parser("create-user", help="skapa en användare")
    p.add_argument("username")
    p.add_argument("--name", required=True)
    p.add_argument("--role", required=True, choices=ROLES)
    p.add_argument("--district", help="verksamhetsområde (nyckel i data/reference.yaml)")
    p.add_argument("--email")
    p.add_argument("--password-stdin", action="store_true",
                   help="läs lösenordet från standard in (annars NARVARO_PASSWORD eller fråga)")
    p.set_defaults(func=_create_user)

    p = sub.add_parser("demo", help="ladda påhittade demodata och demoanvändare")
    p.add_argument("--cases", type=int, default=360, help="avslutade ärenden i historiken (tre år); dagens tavla läggs till")
    p.add_argument("--password-stdin", action="store_true",
                   help="ett gemensamt lösenord för demoanvändarna från standard in (annars slumpas de)")
    p.set_defaults(func=_demo)


def _init(args) -> int:
    engine = open_engine(args)
    print(f"Databasen är migrerad: {engine.url.render_as_string(hide_password=True)}")
    engine.dispose()
    return 0


def _read_password(args, prompt: str) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    if os.environ.get("NARVARO_PASSWORD"):
        return os.environ["NARVARO_PASSWORD"]
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if first != getpass.getpass("Upprepa: "):
            print("Lösenorden är inte lika.", file=sys.stderr)
            return None
        return first
    print("Ange lösenord med --password-stdin eller NARVARO_PASSWORD.", file=sys.stderr)
    return None


def _create_user(args) -> int:
    password = _read_password(args, "Lösenord: ")
    if password is None:
        return 1
    try:
        with session_for(args) as s:
            users.create_user(s, username=args.username, name=args.name, role=args.role, password=password,
                              district=args.district, email=args.email, by="kommandorad")
    except FieldError as exc:
        print(f"Fel ({exc.field}): {exc}", file=sys.stderr)
        return 1
    print(f"Användaren {args.username.lower()} ({args.role}) är skapad.")
    return 0


def _demo(args) -> int:
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    if password is not None and users.password_problem(password):
        print(users.password_problem(password), file=sys.stderr)
        return 1
    try:
        with session_for(args) as s:
            passwords = demo.load_demo(s, password=password, n_cases=args.cases)
    except (FieldError, NotAllowed) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Demodata laddade ({args.cases} avslutade påhittade ärenden och en levande tavla för i dag). Demoanvändare:")
    for username, pw in passwords.items():
        print(f"  {username:20} {'(ditt lösenord)' if password else pw}")
    return 0
