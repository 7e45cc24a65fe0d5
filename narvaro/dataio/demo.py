"""Demo data: clearly fictitious people, schools and cases, for demos to rectors and organisations.

Every name says it is made up ("Demo", "Påhittade"), pupil codes start with DEMO-, and the demo users'
passwords are generated at load time and shown once: there is no default password anywhere.
"""
from __future__ import annotations

import datetime as dt
import random
import secrets
import string

from sqlmodel import Session, select

from narvaro.casework import cases, closing
from narvaro.casework.inputs import CaseClose
from narvaro.core import audit, clock, users
from narvaro.core.config import FOLLOW_UP_KIND, get_config
from narvaro.core.errors import NotAllowed
from narvaro.core.models import ACTIVE, ASSIGNED, Assignment, Meeting, School, User
from narvaro.core.permissions import ADMIN, COORDINATOR, READER, REGISTRATOR, TEAM_LEADER

DEMO_PREFIX = "demo."

DEMO_SCHOOLS = [
    # name, school form, provider, district
    ("Påhittade Ekbackens skola (demo)", "Grundskola", "Kommunal", "vo1"),
    ("Påhittade Granhedsskolan (demo)", "Grundskola", "Kommunal", "vo2"),
    ("Påhittade Sjöviksskolan (demo)", "Grundskola", "Kommunal", "vo3"),
    ("Påhittade Lindskolan (demo)", "Grundskola", "Kommunal", "vo4"),
    ("Påhittade Ängsskolan (demo)", "Grundskola", "Kommunal", "vo5"),
    ("Påhittade Friskolan Kompassen (demo)", "Grundskola", "Fristående", "fristaende"),
    ("Påhittade Stadsgymnasiet (demo)", "Gymnasieskola", "Kommunal", "gymnasiet"),
    ("Påhittade Friska gymnasiet (demo)", "Gymnasieskola", "Fristående", "gymnasiet"),
    ("Påhittade Bäckens anpassade grundskola (demo)", "Anpassad grundskola", "Kommunal", "vo2"),
    ("Påhittade Ådalens anpassade gymnasieskola (demo)", "Anpassad gymnasieskola", "Kommunal", "gymnasiet"),
]

DEMO_USERS = [
    # username, name, role, district
    ("demo.admin", "Demo Administratör", ADMIN, None),
    ("demo.teamledare", "Demo Teamledare", TEAM_LEADER, None),
    ("demo.koordinator1", "Demo Koordinator Ett", COORDINATOR, "vo1"),
    ("demo.koordinator2", "Demo Koordinator Två", COORDINATOR, "vo2"),
    ("demo.koordinator3", "Demo Koordinator Tre", COORDINATOR, "vo3"),
    ("demo.koordinator4", "Demo Koordinator Fyra", COORDINATOR, "vo4"),
    ("demo.koordinator5", "Demo Koordinator Fem", COORDINATOR, "vo5"),
    ("demo.koordinator6", "Demo Koordinator Sex", COORDINATOR, "fristaende"),
    ("demo.koordinator7", "Demo Koordinator Sju", COORDINATOR, "gymnasiet"),
    ("demo.registrator", "Demo Registrator", REGISTRATOR, None),
    ("demo.lasare", "Demo Läsare", READER, None),
]


def generate_password() -> str:
    """A random password that meets the password rules."""
    alphabet = string.ascii_letters + string.digits
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(14))
        if users.password_problem(pw) is None:
            return pw


def is_demo_database(session: Session) -> bool:
    return session.exec(select(User.id).where(User.username.startswith(DEMO_PREFIX))).first() is not None  # type: ignore[union-attr]


def ensure_schools(session: Session) -> list[School]:
    schools = []
    for name, form, provider, district in DEMO_SCHOOLS:
        school = session.exec(select(School).where(School.name == name)).first()
        if school is None:
            school = School(name=name, school_form=form, provider=provider, district=district)
            session.add(school)
        schools.append(school)
    session.flush()
    return schools


def load_demo(session: Session, password: str | None = None, n_cases: int = 360, seed: int = 2024) -> dict[str, str]:
    """Create the demo users, schools and cases: `n_cases` cases of closed history over three years, and today's
    living board (narvaro.dataio.demo_day). Returns {username: password} to show once."""
    from narvaro.dataio import demo_day

    if is_demo_database(session):
        raise NotAllowed("Demodata finns redan i databasen.")
    passwords: dict[str, str] = {}
    people: list[User] = []
    for username, name, role, district in DEMO_USERS:
        pw = password or generate_password()
        people.append(users.create_user(session, username=username, name=name, role=role, password=pw,
                                        district=district, by="demo"))
        passwords[username] = pw
    schools = ensure_schools(session)
    coordinators = [u for u in people if u.role == COORDINATOR]
    rng = random.Random(seed)
    today = clock.today()
    fill_cases(session, rng, n_cases, schools, coordinators, by="demo", end=today - dt.timedelta(days=21))
    demo_day.close_leftovers(session, rng, before=today - dt.timedelta(days=1), by="demo")
    now = demo_day.fill_today(session, rng, schools, coordinators, by="demo", today=today)
    audit.record(session, "demo", audit.DEMO,
                 detail=f"laddade demodata med {n_cases} avslutade och {len(now)} pågående ärenden")
    return passwords


def fill_cases(session: Session, rng: random.Random, n: int, schools: list[School], coordinators: list[User],
               by: str, end: dt.date | None = None, years: int = 3, code_prefix: str = "DEMO") -> None:
    """Synthetic cases spread over `years` years up to `end`, in every state; used by demo and benchmark."""
    cfg = get_config()
    ref, rules = cfg.reference, cfg.process.rules
    end = end or clock.today()
    start = end - dt.timedelta(days=365 * years)
    step_keys = [s.key for s in cfg.process.steps if s.key != "start"]
    returned = ref.returned_reason
    other_reasons = [r for r in ref.closure_labels if r != returned]
    by_district = {u.district: u for u in coordinators}
    for i in range(n):
        school = rng.choice(schools)
        received = start + dt.timedelta(days=rng.randrange((end - start).days + 1))
        age = (end - received).days
        sex = rng.choices(ref.sexes + [None], weights=[50, 45] + [3] * (len(ref.sexes) - 2) + [2])[0]
        fields = dict(
            pupil_code=f"{code_prefix}-{i + 1:05d}", birth_year=received.year - rng.randint(8, 18), sex=sex,
            school_year=str(rng.randint(1, 9)) if "grund" in school.school_form else str(rng.randint(1, 3)),
            school_id=school.id, school_form=school.school_form, provider=school.provider,
            district=school.district, way_in=rng.choice(ref.ways_in), received_on=received,
            requesting_rector="Påhittad Rektor", support_requested=rng.choice(ref.support_kinds),
            absence_percent_intake=float(rng.randint(30, 95)), absence_period="senaste 8 veckorna",
            investigated_on=received - dt.timedelta(days=rng.randint(20, 90)),
            reported_on=received - dt.timedelta(days=rng.randint(5, 19)),
            school_interventions_started=True, registered_in_municipality=True,
        )
        case = cases.create_case(session, fields, by)
        if age < 20 and rng.random() < 0.6:
            continue  # still in the queue
        coordinator = by_district.get(school.district) or rng.choice(coordinators)
        assigned_on = received + dt.timedelta(days=rng.randint(3, 20))
        if assigned_on >= end:
            continue  # not handed out yet: stays in the queue, with no coordinator
        case.assigned_on, case.status = assigned_on, ASSIGNED
        session.add(Assignment(case_id=case.id, user_id=coordinator.id, assigned_by=by,
                               assigned_at=dt.datetime.combine(assigned_on, dt.time(9), tzinfo=clock.LOCAL)))
        case.first_rector_contact_on = min(end, case.assigned_on + dt.timedelta(days=rng.randint(1, 7)))
        case.rector_answer = rng.choice(ref.support_kinds)
        case.status, case.current_step = ACTIVE, "steg1"
        case.step_started_on = case.first_rector_contact_on
        attendance = case.absence_percent_intake and 100 - case.absence_percent_intake
        meeting_day = case.first_rector_contact_on + dt.timedelta(days=rng.randint(21, 35))
        cycle = 0
        while meeting_day < end and cycle < 6:
            attendance = max(0.0, min(100.0, attendance + rng.uniform(-5, 20)))
            session.add(Meeting(case_id=case.id, kind=FOLLOW_UP_KIND, held_on=meeting_day,
                                participants="Rektor, EHT, koordinator", situation="Påhittad nulägesbeskrivning.",
                                attendance_percent=round(attendance), created_by=by))
            cycle += 1
            case.current_step, case.step_started_on, case.cycle = "steg3", meeting_day, cycle
            meeting_day += dt.timedelta(days=rng.randint(21, 42))
            if rng.random() < 0.35:
                break
        if cycle == 0:
            case.current_step = rng.choice(step_keys[:2])
            case.next_meeting_on = meeting_day if rng.random() < 0.8 else None
            continue
        case.next_meeting_on = meeting_day if meeting_day >= end else None
        if meeting_day < end or age > 30 * rules.case_max_months:
            closed = min(end, case.step_started_on + dt.timedelta(days=rng.randint(7, 30)))
            reason = returned if attendance >= 70 and rng.random() < 0.85 else rng.choice(other_reasons)
            closing.apply_close(case, CaseClose(
                reason=reason, closed_on=closed, attendance=round(attendance),
                effect_operative=rng.choice(ref.effect_ratings), effect_coordinating=rng.choice(ref.effect_ratings),
                closing_talk_held=rng.random() < 0.9))
        session.add(case)
    session.flush()
