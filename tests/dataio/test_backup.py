"""Backup while another connection writes, restore (refused over data without --force), both audited;
PostgreSQL through pg_dump/pg_restore."""
import datetime as dt
import sqlite3
import threading
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, func, select

from narvaro import cli
from narvaro.core import audit, db
from narvaro.core.models import AuditEntry, Case
from narvaro.dataio import backup
from tests.conftest import PG_ADMIN_URL
from tests.reporting.test_indicators import build_fixture


def _fill(url):
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        build_fixture(s)
    engine.dispose()


def _count(path, table="audit_log"):
    conn = sqlite3.connect(str(path))
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_backup_while_another_connection_writes(sqlite_url, tmp_path):
    _fill(sqlite_url)
    engine = db.make_engine(sqlite_url)
    # Some bulk so that copying takes a moment while the writer goes on.
    with db.session_scope(engine) as s:
        for i in range(3000):
            audit.record(s, "fyll", audit.VIEW, None, f"rad {i} " + "x" * 400)
    stop, written, errors = threading.Event(), [0], []

    def writer():
        try:
            while not stop.is_set():
                with db.session_scope(engine) as s:
                    audit.record(s, "skrivare", audit.CHANGE, None, "skriver under säkerhetskopieringen")
                written[0] += 1
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while written[0] < 20:
            stop.wait(0.01)
        copies = [backup.backup(sqlite_url, tmp_path / "kopior") for _ in range(3)]
        during = written[0]
    finally:
        stop.set()
        thread.join()
    engine.dispose()
    assert not errors and during > 20
    for copy in copies:
        assert copy.name.startswith("narvaro-") and copy.suffix == ".sqlite3"
        assert backup.integrity(copy) == "ok"
        assert _count(copy, "cases") == 8
        assert 3000 + 20 < _count(copy) <= 3000 + written[0] + 40  # a moment in the middle of the writes
    assert len({c.name for c in copies}) == 3  # same second: still distinct files


def test_cli_backup_restore_and_refusal_are_audited(sqlite_url, tmp_path, capsys):
    _fill(sqlite_url)
    assert cli.main(["--database-url", sqlite_url, "backup", str(tmp_path / "kopior")]) == 0
    copy = next((tmp_path / "kopior").glob("narvaro-*.sqlite3"))
    assert str(copy) in capsys.readouterr().out

    # Restoring over a database that has data is refused without --force.
    assert cli.main(["--database-url", sqlite_url, "restore", str(copy)]) == 1
    assert "--force" in capsys.readouterr().err

    target = f"sqlite:///{tmp_path / 'ny.sqlite3'}"
    assert cli.main(["--database-url", target, "restore", str(copy)]) == 0
    engine = db.make_engine(target)
    with Session(engine) as s:
        assert s.exec(select(func.count(Case.id))).one() == 8
        actions = [(e.action, e.detail.split(" ")[0]) for e in s.exec(
            select(AuditEntry).where(AuditEntry.action == audit.BACKUP).order_by(AuditEntry.id)).all()]
    engine.dispose()
    # The copy was taken before its own audit entry was written; the restore adds one in the restored database.
    assert actions == [(audit.BACKUP, "återställde")]

    # --force overwrites: a database with other data gets the copy's content.
    other = f"sqlite:///{tmp_path / 'annan.sqlite3'}"
    other_engine = db.make_engine(other)
    db.migrate(other_engine)
    with db.session_scope(other_engine) as s:
        build_fixture(s)
        s.add(Case(number="EXTRA-1", pupil_code="X", school_form="Grundskola", provider="Kommunal",
                   received_on=dt.date(2024, 1, 1)))
    other_engine.dispose()
    assert cli.main(["--database-url", other, "restore", "--force", str(copy)]) == 0
    assert _count(tmp_path / "annan.sqlite3", "cases") == 8

    engine = db.make_engine(sqlite_url)
    with Session(engine) as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.action == audit.BACKUP)).all()
    engine.dispose()
    assert len(entries) == 1 and "säkerhetskopia" in entries[0].detail and entries[0].username == "kommandorad"


def test_restore_refuses_a_file_that_is_not_a_backup(sqlite_url, tmp_path):
    junk = tmp_path / "skrap.sqlite3"
    junk.write_bytes(b"inte en databas" * 100)
    with pytest.raises(backup.BackupError, match="ingen SQLite-databas"):
        backup.restore(junk, f"sqlite:///{tmp_path / 'mal.sqlite3'}")


def test_postgres_backup_and_restore_with_pg_tools(pg_database, tmp_path):
    engine = db.make_engine(pg_database)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE cases, audit_log, case_events RESTART IDENTITY CASCADE"))
    with db.session_scope(engine) as s:
        build_fixture(s)
    engine.dispose()
    dump = backup.backup(pg_database, tmp_path)
    assert dump.suffix == ".dump" and dump.stat().st_size > 0

    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"narvaro_restore_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    target = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        backup.restore(dump, target)
        with pytest.raises(backup.BackupError, match="--force"):
            backup.restore(dump, target)
        backup.restore(dump, target, force=True)
        restored = db.make_engine(target)
        with Session(restored) as s:
            assert s.exec(select(func.count(Case.id))).one() == 8
        restored.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_postgres_without_pg_dump_prints_instructions(monkeypatch, tmp_path):
    monkeypatch.setattr(backup.shutil, "which", lambda _name: None)
    with pytest.raises(backup.BackupError) as info:
        backup.backup("postgresql+psycopg://narvaro:hemligt@db.example/narvaro", tmp_path)
    message = str(info.value)
    assert "pg_dump --format=custom" in message and "pg_restore" in message and "hemligt" not in message
