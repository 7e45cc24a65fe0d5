"""Subcommands of `python -m narvaro`; see narvaro.cli."""
from __future__ import annotations

import os

from sqlalchemy.engine import Engine

from .. import db
from ..config import get_config


def open_engine(args) -> Engine:
    """The engine for a command: validates data/ first, then migrates, like the app does at start-up."""
    get_config()
    engine = db.make_engine(args.database_url or os.environ.get("NARVARO_DATABASE_URL"))
    db.migrate(engine)
    return engine
