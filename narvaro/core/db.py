"""Engine, sessions and migrations for SQLite (embedded default) and PostgreSQL (shared server), and the data
version that tells caches whether case data changed."""
from __future__ import annotations

from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import event, inspect, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, create_engine, select

from narvaro.core import files, settings, users
from narvaro.core.models import AuditEntry, DataVersion

ROOT = settings.ROOT
DEFAULT_SQLITE = ROOT / "var" / "narvaro.sqlite3"
MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


def database_url() -> str:
    """NARVARO_DATABASE_URL, else `database_url` in the secrets file, else the embedded SQLite file."""
    url = settings.secret("database_url")
    if url:
        return normalise_url(url)
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


def _private_sqlite_file(url: str) -> None:
    """The database file owner-only before SQLite opens it (its -wal and -shm take the file's mode)."""
    name = make_url(url).database
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    path = Path(name)
    files.private_dir(path.parent)
    files.make_private(path)
    for extra in ("-wal", "-shm"):
        side = path.with_name(path.name + extra)
        if side.exists():
            files.make_private(side)


def make_engine(url: str | None = None) -> Engine:
    url = normalise_url(url or database_url())
    if url.startswith("sqlite"):
        _private_sqlite_file(url)
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


AWAY, READ_ONLY = "away", "read_only"
_READ_ONLY_WORDS = ("readonly", "read-only", "read only", "disk is full", "no space left", "disk i/o error")


def fault_kind(exc: BaseException) -> str | None:
    """AWAY when the database cannot be reached (server down, network gone, file unopenable), READ_ONLY when it
    answers but refuses writes (a read-only file, a full disk); None when the error is not the database's."""
    if isinstance(exc, sa_exc.DBAPIError) and (exc.connection_invalidated or isinstance(
            exc, (sa_exc.OperationalError, sa_exc.InterfaceError))) or isinstance(exc, sa_exc.TimeoutError):
        message = str(getattr(exc, "orig", exc)).lower()
        return READ_ONLY if any(word in message for word in _READ_ONLY_WORDS) else AWAY
    return None


def answers(engine: Engine) -> bool:
    """Whether the database answers a query now."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return True
    except sa_exc.SQLAlchemyError:
        return False


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
    with Session(engine) as s:
        return users.has_users(s)


# --- the data version ------------------------------------------------------------------------------
# Every transaction that writes anything but the audit log bumps data_version.n as it commits. Figures built
# from the data (the dashboard's tables and charts) are cached under that number: any save, in any app process,
# shows at once, while reading a case or logging in (which only add audit rows) keeps the cache.

_CHANGED = "narvaro_data_changed"
_NOT_DATA = {AuditEntry.__tablename__, DataVersion.__tablename__}


def _is_data(obj) -> bool:
    return getattr(obj, "__tablename__", None) not in _NOT_DATA


@event.listens_for(OrmSession, "after_flush")
def _note_flushed_change(session, _context) -> None:
    if any(_is_data(obj) for obj in chain(session.new, session.dirty, session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(OrmSession, "do_orm_execute")
def _note_statement_change(state) -> None:
    # UPDATE/DELETE/INSERT statements (the optimistic lock's version bump, retention) bypass the flush.
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(getattr(state.statement, "table", None), "name", None)
        if table not in _NOT_DATA:
            state.session.info[_CHANGED] = True


@event.listens_for(OrmSession, "before_commit")
def _bump_data_version(session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's release: the outer commit counts the change, once
    pending = any(_is_data(obj) for obj in chain(session.new, session.dirty, session.deleted))
    if session.info.pop(_CHANGED, False) or pending:
        bumped = session.execute(update(DataVersion).where(DataVersion.id == 1).values(n=DataVersion.n + 1))
        if bumped.rowcount == 0:  # the row is seeded by the migration; an emptied table starts it again
            session.add(DataVersion(id=1, n=1))
        session.info.pop(_CHANGED, None)  # the UPDATE's own autoflush noted the pending rows again


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_change(session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction is over (committed above, or rolled back)
        session.info.pop(_CHANGED, None)


def note_change(session: Session) -> None:
    """For writes that bypass the ORM's events (an import's bulk COPY or executemany): the data changed."""
    session.info[_CHANGED] = True


def data_version(session: Session) -> int:
    """The number of committed changes to case data so far (see above)."""
    return session.exec(select(DataVersion.n).where(DataVersion.id == 1)).first() or 0
