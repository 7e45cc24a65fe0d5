"""Backup and restore while the app runs.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies every page in one step under a read
transaction, so the copy is one consistent moment even while other connections write (WAL mode lets
them go on). PostgreSQL: `pg_dump --format=custom` / `pg_restore`, or exact instructions when the
tools are not installed.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from narvaro.core import clock, files
from narvaro.core.errors import BackupError

SQLITE_SUFFIX = ".sqlite3"
PG_SUFFIX = ".dump"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("En SQLite-databas i minnet kan inte säkerhetskopieras; ange en databasfil.")
    return Path(database)


def _libpq_url(url: str) -> str:
    """The URL pg_dump understands: no SQLAlchemy driver suffix."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _target(dest_dir: Path, suffix: str) -> Path:
    files.private_dir(dest_dir)
    stamp = clock.local(clock.now()).strftime("%Y%m%d-%H%M%S")
    path, n = dest_dir / f"narvaro-{stamp}{suffix}", 2
    while path.exists():
        path, n = dest_dir / f"narvaro-{stamp}-{n}{suffix}", n + 1
    files.make_private(path)  # owner-only before the first byte is written into it
    return path


def integrity(path: Path) -> str:
    """`PRAGMA integrity_check` of a SQLite file: 'ok' when sound."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check").fetchall())
    finally:
        conn.close()


def backup_sqlite(db_file: Path, dest_dir: Path) -> Path:
    if not db_file.exists():
        raise BackupError(f"Databasfilen {db_file} finns inte.")
    target = _target(dest_dir, SQLITE_SUFFIX)
    src = sqlite3.connect(str(db_file), timeout=30)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)  # pages=-1: the whole database in one step, one consistent snapshot
        # The copy is a file to keep, not a live database: no -wal/-shm beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        dst.close()
        src.close()
    result = integrity(target)
    if result != "ok":
        target.unlink(missing_ok=True)
        raise BackupError(f"Kopian klarade inte integritetskontrollen ({result}); ingen kopia sparad.")
    return target


def pg_instructions(url: str, dest_dir: Path) -> str:
    safe = make_url(url).set(drivername="postgresql").render_as_string(hide_password=True)
    return (
        "pg_dump finns inte på den här datorn. Installera PostgreSQL-klienten (t.ex. `apt-get install "
        "postgresql-client` i samma huvudversion som servern) och kör:\n"
        f"  pg_dump --format=custom --file={dest_dir}/narvaro-ÅÅÅÅMMDD-TTMMSS{PG_SUFFIX} --dbname='{safe}'\n"
        "Återställ med:\n"
        f"  pg_restore --clean --if-exists --no-owner --single-transaction --dbname='{safe}' FIL{PG_SUFFIX}"
    )


def backup_postgres(url: str, dest_dir: Path) -> Path:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(pg_instructions(url, dest_dir))
    target = _target(dest_dir, PG_SUFFIX)
    proc = subprocess.run([pg_dump, "--format=custom", f"--file={target}", f"--dbname={_libpq_url(url)}"],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError(f"pg_dump misslyckades: {proc.stderr.strip()}")
    return target


def backup(url: str, dest_dir: Path | str) -> Path:
    dest_dir = Path(dest_dir)
    if is_sqlite(url):
        return backup_sqlite(sqlite_path(url), dest_dir)
    return backup_postgres(url, dest_dir)


# --- restore ------------------------------------------------------------------------------------------

def _refuse_to_overwrite(url: str, force: bool) -> None:
    """A restore replaces everything: refuse a database that holds any case, user or school, unless forced."""
    from sqlalchemy import inspect, text

    from narvaro.core import db

    if force or (is_sqlite(url) and (not sqlite_path(url).exists() or sqlite_path(url).stat().st_size == 0)):
        return
    engine = db.make_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            has_data = any(conn.execute(text(f'SELECT 1 FROM "{t}" LIMIT 1')).first()
                           for t in ("cases", "users", "schools") if t in tables)
    finally:
        engine.dispose()
    if has_data:
        raise BackupError("Databasen innehåller redan data. Återställningen skriver över allt i den: "
                          "kör igen med --force om det är meningen (ta gärna en säkerhetskopia först).")


def restore_sqlite(backup_file: Path, db_file: Path, force: bool = False) -> None:
    if not backup_file.exists():
        raise BackupError(f"Säkerhetskopian {backup_file} finns inte.")
    try:
        check = integrity(backup_file)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{backup_file} är ingen SQLite-databas ({exc}).") from None
    if check != "ok":
        raise BackupError(f"Säkerhetskopian klarar inte integritetskontrollen ({check}); inget återställt.")
    conn = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    if not {"cases", "alembic_version"} <= tables:
        raise BackupError(f"{backup_file} är ingen säkerhetskopia av Närvaro (tabellerna saknas).")
    _refuse_to_overwrite(f"sqlite:///{db_file}", force)
    files.private_dir(db_file.parent)
    files.make_private(db_file)
    src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
    dst = sqlite3.connect(str(db_file), timeout=30)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def restore_postgres(backup_file: Path, url: str, force: bool = False) -> None:
    if not backup_file.exists():
        raise BackupError(f"Säkerhetskopian {backup_file} finns inte.")
    pg_restore = shutil.which("pg_restore")
    if pg_restore is None:
        raise BackupError(pg_instructions(url, backup_file.parent))
    _refuse_to_overwrite(url, force)
    proc = subprocess.run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                           f"--dbname={_libpq_url(url)}", str(backup_file)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise BackupError(f"pg_restore misslyckades: {proc.stderr.strip()}")


def restore(backup_file: Path | str, url: str, force: bool = False) -> None:
    backup_file = Path(backup_file)
    if is_sqlite(url):
        restore_sqlite(backup_file, sqlite_path(url), force)
    else:
        restore_postgres(backup_file, url, force)
