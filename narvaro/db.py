"""Engine, sessions and migrations for SQLite (embedded default) and PostgreSQL (shared server)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine, select

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "narvaro.sqlite3"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url() -> str:
    """NARVARO_DATABASE_URL, else Streamlit secrets' `database_url`, else the embedded SQLite file."""
    url = os.environ.get("NARVARO_DATABASE_URL")
    if url:
        return normalise_url(url)
    try:
        import streamlit as st

        url = st.secrets.get("database_url")  # raises if no secrets file exists
    except Exception:
        url = None
    if url:
        return normalise_url(url)
    DEFAULT_SQLITE.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE}"


def normalise_url(url: str) -> str:
    # Plain postgresql:// URLs would pick psycopg2, which we do not ship; psycopg 3 is the driver.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str | None = None) -> Engine:
    url = normalise_url(url or database_url())
    if url.startswith("sqlite"):
        # Streamlit reruns on several threads; one engine is shared, so the connection may cross threads.
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    return engine


def alembic_config(engine: Engine | None = None) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on an empty database)."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    if engine.dialect.name == "sqlite":
        # SQLite plans with statistics only when asked for them (PostgreSQL's autovacuum keeps its own). A
        # sampled ANALYZE at every start takes milliseconds and keeps the board's queries on the status index
        # as the archive grows.
        with engine.begin() as conn:
            conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            conn.exec_driver_sql("ANALYZE")


def is_migrated(engine: Engine) -> bool:
    return inspect(engine).has_table("alembic_version")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


def has_users(engine: Engine) -> bool:
    from .models import User

    with Session(engine) as s:
        return s.exec(select(User.id).limit(1)).first() is not None
