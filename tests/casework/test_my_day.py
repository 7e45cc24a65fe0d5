"""Min dag's queries on SQLite and PostgreSQL (dated fixtures from the board tests, frozen clock)."""
import datetime as dt

from sqlmodel import select

from narvaro.casework import my_day
from narvaro.core import audit, db
from narvaro.core.models import Consent, Task, User
from tests.casework.test_board import TODAY, build

D = dt.date


def test_coordinator_day_orders_by_the_next_thing_to_do(engine, frozen_clock):
    with db.session_scope(engine) as s:
        c = build(s)
        anna = s.exec(select(User).where(User.username == "anna")).one()
        s.add(Task(case_id=c["a_late"].id, text="Ring", owner="Anna", due_on=D(2025, 9, 1), created_by="t"))
        s.add(Task(case_id=c["a_late"].id, text="Klar", owner="Anna", due_on=D(2025, 9, 2), done_on=D(2025, 9, 3),
                   created_by="t"))
        s.add(Consent(case_id=c["s1_late"].id, given_by="Vårdnadshavare", actors="BUP", given_on=D(2025, 9, 1),
                      valid_until=D(2025, 9, 10), created_by="t"))
        s.flush()
        day = my_day.coordinator_day(s, anna.id, TODAY)
    assert [d.pupil_code for d in day.cases] == ["A-LATE", "S1-LATE"]
    first, second = day.cases
    assert (first.next.what, first.next.on) == ("Försenad uppgift", D(2025, 9, 1))
    assert (second.next.what, second.next.on) == ("Samtycket har gått ut", D(2025, 9, 10))
    assert my_day.Due("Steg 1 klart", D(2025, 9, 14)) in second.dues  # 14 days from the first rector contact
    assert my_day.Due("6 månader", D(2026, 4, 4)) in second.dues  # in school time, as the board: holidays not counted
    assert day.tasks == [(D(2025, 9, 1), first.number, "Ring")] and day.week == (D(2025, 9, 15), D(2025, 9, 21))


def test_registrations_newest_first_with_status(engine, frozen_clock):
    with db.session_scope(engine) as s:
        c = build(s)
        for key, at in (("q_old", 1), ("q_limit", 2), ("a_late", 3), ("closed0", 4)):
            c[key].created_by = "reg"
            c[key].created_at = dt.datetime(2025, 9, at, 9, tzinfo=dt.timezone.utc)
            s.add(c[key])
        s.flush()
        rows = my_day.registrations(s, "reg")
        nobody = my_day.registrations(s, "someone")
    assert [(r.number, r.status) for r in rows] == [
        (c["closed0"].number, "avslutad"), (c["a_late"].number, "tilldelad"),
        (c["q_limit"].number, "komplettering behövs"), (c["q_old"].number, "i kö")]
    assert rows[2].missing == "frånvaroutredning saknas" and rows[3].missing is None and nobody == []


def test_leader_and_admin_day(engine, frozen_clock):
    with db.session_scope(engine) as s:
        build(s)
        audit.record(s, "x", audit.LOGIN_FAILED)
        s.flush()
        lead = my_day.leader_day(s, TODAY)
        admin = my_day.admin_day(s, dt.datetime(2025, 9, 15, 12, tzinfo=dt.timezone.utc))
    assert (lead.queued, lead.longest_wait, [c.pupil_code for c in lead.incomplete]) == (4, 45, ["Q-LIMIT"])
    assert lead.warnings["lang_ko"] == 2 and {ld.username: ld.open_cases for ld in lead.loads} == {"anna": 2, "bo": 2}
    assert admin.users_by_role == {"koordinator": 2} and admin.failed_week == 1 and admin.last_backup is None
