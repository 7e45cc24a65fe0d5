"""Subcommands of `python -m narvaro`; see narvaro.cli."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy.engine import Engine
from sqlmodel import Session

from narvaro.core import db
from narvaro.core.config import get_config


def database_url(args) -> str:
    """--database-url if given, else the app's own choice (NARVARO_DATABASE_URL, secrets, the SQLite file)."""
    return db.normalise_url(args.database_url) if args.database_url else db.database_url()


def open_engine(args) -> Engine:
    """The engine for a command: validates data/ first, then migrates, like the app does at start-up."""
    get_config()
    engine = db.make_engine(database_url(args))
    db.migrate(engine)
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
