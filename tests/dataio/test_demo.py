"""Demo data: loads, is clearly fictitious, covers every state, and has no fixed password."""
import datetime as dt
import random
import subprocess
import sys

from sqlalchemy import func
from sqlmodel import Session, select

from narvaro.core import db
from narvaro.core import users as auth
from narvaro.core.models import Assignment, Case, School, User
from narvaro.dataio import demo
from tests.conftest import ROOT


def test_demo_load_covers_states_and_is_fictitious(engine):
    with db.session_scope(engine) as s:
        passwords = demo.load_demo(s, n_cases=80)
    assert len(set(passwords.values())) == len(passwords)  # each generated on its own
    with Session(engine) as s:
        users = s.exec(select(User)).all()
        assert {u.role for u in users} == {"admin", "teamledare", "koordinator", "registrator", "lasare"}
        assert all(u.username.startswith("demo.") and u.name.startswith("Demo") for u in users)
        assert all("Påhittade" in sc.name for sc in s.exec(select(School)).all())
        states = dict(s.exec(select(Case.status, func.count()).group_by(Case.status)).all())
        assert set(states) >= {"queued", "active", "closed"}
        assert all(c.pupil_code.startswith("DEMO-") for c in s.exec(select(Case)).all())
        assert demo.is_demo_database(s)


def test_recent_synthetic_cases_in_the_queue_have_no_coordinator(engine):
    """Cases received in the last weeks partly wait in the queue; those must not count in anyone's caseload."""
    with db.session_scope(engine) as s:
        coordinator = auth.create_user(s, username="k1", name="Påhittad K", role="koordinator", password=None,
                                       by="test", district="vo1")
        demo.fill_cases(s, random.Random(7), 60, demo.ensure_schools(s), [coordinator], by="test",
                        end=dt.date(2025, 9, 15), years=0.05)
    with Session(engine) as s:
        states = dict(s.exec(select(Case.status, func.count()).group_by(Case.status)).all())
        queued_with_coordinator = s.exec(select(func.count()).select_from(Assignment).join(
            Case, Case.id == Assignment.case_id).where(Case.status == "queued")).one()
        unassigned_in_work = s.exec(select(func.count()).select_from(Case).where(
            Case.status != "queued", ~Case.id.in_(select(Assignment.case_id)))).one()
    assert states["queued"] > 10 and states.get("assigned", 0) + states.get("active", 0) > 0
    assert queued_with_coordinator == 0 and unassigned_in_work == 0


def test_cli_init_and_demo(tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    run = lambda *a, **kw: subprocess.run([sys.executable, "-m", "narvaro", "--database-url", url, *a],
                                          cwd=ROOT, capture_output=True, text=True, **kw)
    assert run("init").returncode == 0
    out = run("demo", "--cases", "10", "--password-stdin", input="Demolosen2024\n")
    assert out.returncode == 0, out.stderr
    assert "demo.teamledare" in out.stdout
    again = run("demo", "--password-stdin", input="Demolosen2024\n")
    assert again.returncode == 1 and "finns redan" in again.stderr
    weak = run("create-user", "kim", "--name", "Kim", "--role", "admin", "--password-stdin", input="kort\n")
    assert weak.returncode == 1 and "minst 10 tecken" in weak.stderr
    engine = db.make_engine(url)
    with Session(engine) as s:
        assert s.exec(select(func.count()).select_from(Case).where(Case.status == "closed")).one() == 10  # history
        assert s.exec(select(func.count()).select_from(Case).where(Case.status != "closed")).one() >= 7 * 8 + 5


def test_demo_looks_like_a_real_day(engine, frozen_clock):
    """Issue 14:7: each of the seven coordinators has 8-14 open cases over every step, a queue of 5-8, warnings of
    every kind, meetings this week, tasks due, and three years of closed history."""
    from narvaro.casework import board, my_day
    from narvaro.core.models import Task
    from narvaro.dataio import demo_day

    today = dt.date(2025, 9, 15)
    with db.session_scope(engine) as s:
        demo.load_demo(s, n_cases=120)
    with Session(engine) as s:
        per = demo_day.open_cases_per_coordinator(s)
        assert len(per) == 7 and all(8 <= n <= 14 for n in per.values()), per
        steps = s.exec(select(User.username, Case.current_step).join(Assignment, Assignment.user_id == User.id)
                       .join(Case, Case.id == Assignment.case_id).where(Case.status.in_(("assigned", "active")))).all()
        for username in per:
            assert {step for who, step in steps if who == username} == {"start", "steg1", "steg2", "steg3", "steg4"}
        queued = s.exec(select(func.count()).select_from(Case).where(Case.status == "queued")).one()
        assert 5 <= queued <= 8
        warnings = board.warning_counts(s, today)
        assert all(n > 0 for n in warnings.values()), warnings
        week = my_day.week_of(today)
        assert s.exec(select(func.count()).select_from(Case).where(
            Case.next_meeting_on >= week[0], Case.next_meeting_on <= week[1])).one() >= 3
        assert s.exec(select(func.count()).select_from(Task).where(Task.due_on <= week[1])).one() >= 7
        first, last = s.exec(select(func.min(Case.closed_on), func.max(Case.closed_on))).one()
        assert first.year <= today.year - 2 and last < today
        assert s.exec(select(func.count()).select_from(Case).where(Case.status == "closed")).one() >= 100
