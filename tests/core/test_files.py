"""Issue 16, finding 6: files that hold case data are the owner's only (0600, folders 0700): the SQLite database
with its -wal and -shm, backups, and exports written by the command line. Tried under the usual umask 022, under
which the files used to be readable by every local user."""
import os
import stat

import pytest
from sqlalchemy import text

from narvaro import cli
from narvaro.core import db
from narvaro.dataio import backup


@pytest.fixture
def open_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_sqlite_database_and_its_wal_are_owner_only(tmp_path, open_umask):
    path = tmp_path / "var" / "narvaro.sqlite3"
    engine = db.make_engine(f"sqlite:///{path}")
    db.migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schools (name, school_form, provider) VALUES ('S', 'grundskola', 'kommunal')"))
        files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: oct(_mode(f)) for f in files} == {f.name: "0o600" for f in files}
    engine.dispose()
    assert _mode(path.parent) == 0o700


def test_an_existing_readable_database_is_made_owner_only(tmp_path, open_umask):
    path = tmp_path / "gammal.sqlite3"
    path.touch(mode=0o644)
    os.chmod(path, 0o644)
    engine = db.make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("select 1"))
    engine.dispose()
    assert _mode(path) == 0o600


def test_backup_and_cli_exports_are_owner_only(tmp_path, open_umask):
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    engine.dispose()
    copy = backup.backup(url, tmp_path / "kopior")
    assert _mode(copy) == 0o600 and _mode(copy.parent) == 0o700
    assert cli.main(["--database-url", url, "backup", str(tmp_path / "kopior2")]) == 0
    assert [oct(_mode(p)) for p in (tmp_path / "kopior2").iterdir()] == ["0o600"]
    assert cli.main(["--database-url", url, "export", "--with-notes", "--format", "csv",
                     str(tmp_path / "ut" / "alla.csv")]) == 0
    assert cli.main(["--database-url", url, "export", str(tmp_path / "ut" / "alla.xlsx")]) == 0
    written = sorted((tmp_path / "ut").iterdir())
    assert len(written) == 4 and {oct(_mode(p)) for p in written} == {"0o600"}
    assert _mode(tmp_path / "ut") == 0o700
