"""Subcommands of `python -m narvaro`; see narvaro.cli."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.engine import Engine
from sqlmodel import Session

from narvaro.core import db, versions


def database_url(args) -> str:
    """--database-url if given, else the app's own choice (NARVARO_DATABASE_URL, secrets, the SQLite file)."""
    return db.normalise_url(args.database_url) if args.database_url else db.database_url()


def open_engine(args) -> Engine:
    """The engine for a command: migrated, and its published process read (seeded from data/, validated, on an
    empty database), like the app does at start-up."""
    engine = db.make_engine(database_url(args))
    try:
        db.migrate(engine)
        with db.session_scope(engine) as s:
            versions.sync(s)
    except Exception:
        engine.dispose()
        raise
    return engine


@contextmanager
def session_for(args) -> Iterator[Session]:
    """A session on the command's database (validated, migrated) that commits on success; the engine is
    closed afterwards, so a command leaves no connection behind."""
    engine = open_engine(args)
    try:
        with db.session_scope(engine) as s:
            yield s
    finally:
        engine.dispose()
