"""Issue 16, finding 8: an import writes in batches (a handful of statements per thousand rows, not three per
row), tells its progress (a callback for the page's st.progress, a line on the command line), stays all or
nothing with every bad row named, and a `kill -9` in the middle of writing leaves nothing behind.
The figures for 50,000 rows come from `python -m tools.bench.imports` (README, Import)."""
import os
import signal
import sqlite3
import subprocess
import sys

from sqlalchemy import event
from sqlmodel import Session, func, select

from narvaro.core import db
from narvaro.core.models import Assignment, Case, CaseEvent, User
from narvaro.dataio import importer
from tests.conftest import ROOT
from tools.bench.imports import history_csv

N = 3000


def _count(engine, model):
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(model)).one()


def test_import_writes_in_batches_and_tells_its_progress(engine, frozen_clock):
    data = history_csv(N)
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(1))
    calls = []
    with Session(engine) as s:
        version_before = db.data_version(s)
    with db.session_scope(engine) as s:
        report = importer.import_file(s, data, "historik.csv", "test", progress=lambda d, t: calls.append((d, t)))
    with Session(engine) as s:
        assert db.data_version(s) > version_before  # the dashboard's cached figures see the new cases
    assert report.ok and report.new == N, report.lines()[:5]
    # Before: an INSERT for every case, assignment and timeline event, and a number lookup per unnumbered row
    # (~9,000). Now a few per batch of cases, and one per new school and coordinator (300 and 20 here).
    assert len(statements) < 600, len(statements)
    assert calls[-1] == (N, N) and calls == sorted(calls) and len(calls) >= 3

    assert _count(engine, Case) == N and _count(engine, CaseEvent) == N
    with Session(engine) as s:
        numbers = s.exec(select(Case.number)).all()
        generated = [n for n in numbers if n.startswith("NK-")]
        with_coordinator = s.exec(select(func.count()).select_from(Assignment)).one()
        imported_users = s.exec(select(func.count()).select_from(User)).one()
        open_assigned = s.exec(select(func.count()).select_from(Case).where(Case.status == "assigned")).one()
    assert len(set(numbers)) == N and len(generated) == N // 10  # every tenth row has no number
    assert with_coordinator > N // 2 and imported_users == 20 and open_assigned > 0


def test_a_bad_row_among_many_writes_nothing_and_is_named(engine, frozen_clock):
    lines = history_csv(N).decode("utf-8-sig").splitlines()
    cells = lines[1500].split(";")
    cells[2] = "2099-13-45"
    lines[1500] = ";".join(cells)
    with db.session_scope(engine) as s:
        report = importer.import_file(s, "\n".join(lines).encode("utf-8"), "historik.csv", "test")
    assert not report.ok and [(p.line, p.column) for p in report.problems] == [(1501, "Inkom")]
    assert _count(engine, Case) == 0


def test_cli_import_shows_progress_and_a_kill_mid_write_leaves_nothing(tmp_path):
    file = tmp_path / "historik.csv"
    file.write_bytes(history_csv(20_000))
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    env = dict(os.environ, NARVARO_DATABASE_URL=url)
    proc = subprocess.Popen([sys.executable, "-m", "narvaro", "import", str(file)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = ""
    while "skrivna" not in seen:  # the progress line of the writing phase
        char = proc.stderr.read(1)
        assert char, f"ingen förloppsrad: {seen!r} {proc.stdout.read()}"
        seen += char
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    conn = sqlite3.connect(tmp_path / "app.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM case_events").fetchone()[0] == 0
    finally:
        conn.close()

    done = subprocess.run([sys.executable, "-m", "narvaro", "import", str(file)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "20000/20000 rader skrivna" in done.stderr


def test_imported_cases_keep_their_own_events_and_a_later_case_gets_a_fresh_id(engine, frozen_clock):
    """On PostgreSQL the ids come from the table's sequence before the COPY: each event must sit on the case of
    its own row, and the sequence must have moved past them for the next case saved the ordinary way."""
    data = history_csv(N)
    numbered = {i + 2: line.split(";")[0] for i, line in enumerate(data.decode("utf-8-sig").splitlines()[1:])}
    with db.session_scope(engine) as s:
        assert importer.import_file(s, data, "historik.csv", "test").ok
    with Session(engine) as s:
        pairs = s.exec(select(Case.number, CaseEvent.text).join(CaseEvent, CaseEvent.case_id == Case.id)).all()
        per_case = s.exec(select(CaseEvent.case_id, func.count()).group_by(CaseEvent.case_id)).all()
    assert len(pairs) == N and {count for _, count in per_case} == {1}
    checked = 0
    for number, text in pairs:
        line = int(text.rsplit("(rad ", 1)[1].rstrip(")."))
        if numbered[line]:
            assert number == numbered[line], (line, number)
            checked += 1
    assert checked > N // 2
    with db.session_scope(engine) as s:
        template = s.exec(select(Case)).first().model_dump(exclude={"id"})
        s.add(Case.model_validate({**template, "number": "NY-1"}))
    assert _count(engine, Case) == N + 1
