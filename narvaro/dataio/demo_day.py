"""A demo that looks like a real day: every coordinator has 8-14 open cases spread over every step, a queue of 5-8
(some of them incomplete), each kind of board warning, meetings this week, tasks due and consents running out,
over three years of closed history (narvaro.dataio.demo.fill_cases, with whatever it left open closed).

Everything is fictitious, as in narvaro.dataio.demo: pupil codes start with DEMO-, schools say "Påhittade".
"""
from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session, col, select

from narvaro.casework import cases, closing
from narvaro.casework.inputs import CaseClose
from narvaro.core import clock
from narvaro.core.config import FOLLOW_UP_KIND, get_config
from narvaro.core.models import ACTIVE, ASSIGNED, QUEUED, Assignment, Case, Consent, Meeting, School, Task, User

TASKS = ["Boka EHT-möte med skolan", "Ring vårdnadshavare om schemat", "Skicka samtyckesblankett",
         "Följ upp anpassat schema med mentor", "Kontakta BUP (med samtycke)", "Förbered uppföljningsmöte"]


def close_leftovers(session: Session, rng: random.Random, before: dt.date, by: str) -> int:
    """Close every case the history generator left open, so that only today's cases are open."""
    cfg = get_config()
    ref = cfg.reference
    left = session.exec(select(Case).where(col(Case.status).in_((QUEUED, ASSIGNED, ACTIVE)))).all()
    for case in left:
        day = min(before, max(case.received_on, case.step_started_on or case.received_on) + dt.timedelta(days=30))
        closing.apply_close(case, CaseClose(
            reason=rng.choice(ref.closure_labels), closed_on=day, attendance=float(rng.randint(40, 95)),
            effect_operative=rng.choice(ref.effect_ratings), effect_coordinating=rng.choice(ref.effect_ratings),
            closing_talk_held=True))
        session.add(case)
    session.flush()
    return len(left)


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9), tzinfo=clock.LOCAL)


def fill_today(session: Session, rng: random.Random, schools: list[School], coordinators: list[User], by: str,
               today: dt.date | None = None, code_start: int = 90001) -> list[Case]:
    """Today's living board: the queue and each coordinator's open cases, with meetings, tasks and consents."""
    cfg = get_config()
    ref = cfg.reference
    today = today or clock.today()
    monday = today - dt.timedelta(days=today.weekday())
    made: list[Case] = []
    number = code_start

    def new(school: School, received: dt.date, **fields) -> Case:
        nonlocal number
        data = dict(pupil_code=f"DEMO-{number:05d}", birth_year=today.year - rng.randint(8, 18),
                    sex=rng.choice(ref.sexes[:2]), school_year=str(rng.randint(1, 9)), school_id=school.id,
                    school_form=school.school_form, provider=school.provider, district=school.district,
                    way_in=rng.choice(ref.ways_in), received_on=received, requesting_rector="Påhittad Rektor",
                    support_requested=rng.choice(ref.support_kinds), absence_percent_intake=float(rng.randint(30, 90)),
                    absence_period="senaste 8 veckorna", investigated_on=received - dt.timedelta(days=25),
                    reported_on=received - dt.timedelta(days=10), school_interventions_started=True,
                    registered_in_municipality=True)
        number += 1
        case = cases.create_case(session, data, by)
        for key, value in fields.items():
            setattr(case, key, value)
        session.add(case)
        made.append(case)
        return case

    # The queue: 5-8 requests, the oldest past the queue warning, two waiting for completion.
    n_queue = rng.randint(5, 8)
    for i in range(n_queue):
        received = today - dt.timedelta(days=[45, 33, 12, 9, 6, 4, 2, 1][i])
        extra = dict(needs_completion=True, investigated_on=None,
                     missing_prerequisites="frånvaroutredning saknas") if i in (2, 5) else {}
        new(rng.choice(schools), received, **extra)

    by_district: dict[str | None, list[School]] = {}
    for school in schools:
        by_district.setdefault(school.district, []).append(school)
    # Each coordinator: 8-14 open cases, round-robin over Start, Steg 1-4, with the warnings spread among them.
    plan = ["start", "steg1", "steg2", "steg3", "steg4"]
    for ci, person in enumerate(coordinators):
        own = by_district.get(person.district) or schools
        for j in range(rng.randint(8, 14)):
            step = plan[j % len(plan)]
            school = rng.choice(own)
            variant = (ci + j) % 7
            if step == "start":
                received = today - dt.timedelta(days=rng.randint(5, 15))
                assigned = received + dt.timedelta(days=2)
                case = new(school, received, status=ASSIGNED, assigned_on=assigned, current_step="start",
                           step_started_on=assigned)
            else:
                contact_ago = {"steg1": rng.randint(3, 10), "steg2": rng.randint(20, 45), "steg3": rng.randint(60, 140),
                               "steg4": rng.randint(100, 170)}[step]
                if step == "steg1" and variant == 0:
                    contact_ago = 30            # Steg 1 not done within two school weeks
                if step == "steg3" and variant == 1:
                    contact_ago = 300           # over six months (of school time)
                contact = today - dt.timedelta(days=contact_ago)
                received = contact - dt.timedelta(days=rng.randint(8, 20))
                assigned = contact - dt.timedelta(days=rng.randint(1, 5))
                started = {"steg1": contact, "steg2": contact + dt.timedelta(days=min(14, contact_ago - 1)),
                           "steg3": today - dt.timedelta(days=rng.randint(5, 30)),
                           "steg4": today - dt.timedelta(days=rng.randint(3, 20))}[step]
                case = new(school, received, status=ACTIVE, assigned_on=assigned, first_rector_contact_on=contact,
                           rector_answer=rng.choice(ref.support_kinds), current_step=step, step_started_on=started,
                           cycle=1 if step in ("steg3", "steg4") else 0)
                if step in ("steg2", "steg3"):
                    if variant == 2:
                        case.next_meeting_on = None                                   # no follow-up booked
                    elif variant == 3:
                        case.next_meeting_on = today - dt.timedelta(days=3)           # follow-up overdue
                    else:
                        case.next_meeting_on = monday + dt.timedelta(days=rng.randint(0, 13))  # this week or next
                if step in ("steg3", "steg4"):
                    session.flush()
                    session.add(Meeting(case_id=case.id, kind=FOLLOW_UP_KIND, held_on=started,
                                        participants="Rektor, EHT, koordinator", situation="Påhittat nuläge.",
                                        attendance_percent=float(rng.randint(40, 90)), created_by=by))
            session.flush()
            session.add(Assignment(case_id=case.id, user_id=person.id, assigned_by=by, assigned_at=_at(case.assigned_on)))
            if j % 3 == 0:
                session.add(Task(case_id=case.id, text=rng.choice(TASKS), owner=person.name, created_by=by,
                                 due_on=today + dt.timedelta(days=rng.randint(-4, 5))))
            if step in ("steg2", "steg3", "steg4") and j % 4 == 1:
                session.add(Consent(case_id=case.id, given_by="Vårdnadshavare", actors="BUP",
                                    given_on=today - dt.timedelta(days=150),
                                    valid_until=today + dt.timedelta(days=rng.randint(3, 25)), created_by=by))
    session.flush()
    return made


def open_cases_per_coordinator(session: Session) -> dict[str, int]:
    """For the demo's own check (and its test): open cases per coordinator."""
    rows = session.exec(select(User.username, Case.id).join(Assignment, Assignment.user_id == User.id)
                        .join(Case, Case.id == Assignment.case_id)
                        .where(col(Case.status).in_((ASSIGNED, ACTIVE)), col(Assignment.ended_at).is_(None))).all()
    out: dict[str, int] = {}
    for username, _ in rows:
        out[username] = out.get(username, 0) + 1
    return out

