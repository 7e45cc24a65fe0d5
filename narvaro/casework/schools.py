"""Schools, and the team's work with a school that is not a case: advice, open team meetings (öppna teamträffar) and
information visits (Bilaga 4, 003:701-702). The 2019 decision asks that all schools know about the support (000:121),
so this work is recorded per school and counted per year (narvaro.reporting.school_reach).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlmodel import Session, col, select

from narvaro.core import audit, clock
from narvaro.core.config import get_config
from narvaro.core.errors import FieldError, NotAllowed
from narvaro.core.models import School, SchoolActivity
from narvaro.core.permissions import SCHOOL_WORK_ROLES
from narvaro.core.validate import text

NAME_MAX = 200
NOTE_MAX = 500
MINUTES_MAX = 24 * 60


def _allowed(role: str | None) -> None:
    if role not in SCHOOL_WORK_ROLES:
        raise NotAllowed("Bara teamledare och koordinatorer registrerar arbete med skolor.")


def school_choices(session: Session) -> dict[int, str]:
    """Every known school for a list: id → "name (school form)", by name."""
    rows = session.exec(select(School.id, School.name, School.school_form).order_by(School.name)).all()
    return {sid: f"{name} ({form})" for sid, name, form in rows}


def find_or_add_school(session: Session, *, name: str | None, school_form: str | None, provider: str | None,
                       district: str | None, field: str = "school_name") -> School:
    """The school with this name (case-insensitive), or a new one with its form, provider and district."""
    ref = get_config().reference
    name = text(name, field, NAME_MAX, "Skriv skolans namn.")
    found = session.exec(select(School).where(func.lower(School.name) == name.lower())).first()
    if found is not None:
        return found
    if school_form not in ref.school_forms:
        raise FieldError("school_form", "Välj skolform för skolan.")
    if provider not in ref.providers:
        raise FieldError("provider", "Välj huvudman för skolan.")
    district = district or None
    if district is not None and district not in {d.key for d in ref.districts}:
        raise FieldError("district", "Välj verksamhetsområde i listan.")
    school = School(name=name, school_form=school_form, provider=provider, district=district)
    session.add(school)
    session.flush()
    return school


def add_school(session: Session, *, name: str | None, school_form: str | None, provider: str | None,
               district: str | None, by: str, role: str) -> School:
    """Register a school that has no case yet, so the report can show that it has never referred one."""
    _allowed(role)
    clean = text(name, "school_name", NAME_MAX, "Skriv skolans namn.")
    if session.exec(select(School.id).where(func.lower(School.name) == clean.lower())).first() is not None:
        raise FieldError("school_name", f"{clean} finns redan.")
    school = find_or_add_school(session, name=clean, school_form=school_form, provider=provider, district=district)
    audit.record(session, by, audit.CHANGE, None, f"skola tillagd: {school.name}")
    return school


def record_activity(session: Session, *, school_id: int | None, kind: str | None, held_on: dt.date | None,
                    minutes: int | float | None, note: str | None, by: str, role: str) -> SchoolActivity:
    """Advice, an open team meeting or an information visit at a school: school, date, kind and time spent."""
    _allowed(role)
    kinds = get_config().reference.school_work_kinds
    if school_id is None or session.get(School, school_id) is None:
        raise FieldError("school_id", "Välj skola.")
    if kind not in kinds:
        raise FieldError("kind", f"Välj vad arbetet var ({', '.join(kinds)}).")
    if held_on is None:
        raise FieldError("held_on", "Ange datum.")
    if held_on > clock.today():
        raise FieldError("held_on", "Datumet kan inte ligga i framtiden.")
    if minutes is None or not 1 <= minutes <= MINUTES_MAX or int(minutes) != minutes:
        raise FieldError("minutes", f"Ange tiden i hela minuter (1–{MINUTES_MAX}).")
    # Work with a school, not a pupil: the note is about what was done, and must not name anyone.
    note = text(note, "note", NOTE_MAX)
    row = SchoolActivity(school_id=school_id, kind=kind, held_on=held_on, minutes=int(minutes), note=note,
                         created_by=by)
    session.add(row)
    session.flush()
    audit.record(session, by, audit.CHANGE, None, f"arbete med skola: {kind} {held_on.isoformat()}")
    return row


def recent_activities(session: Session, limit: int = 50) -> list[tuple[SchoolActivity, str]]:
    """The latest recorded work with schools, newest first, with the school's name."""
    rows = session.exec(select(SchoolActivity, School.name).join(School, School.id == SchoolActivity.school_id)
                        .order_by(col(SchoolActivity.held_on).desc(), col(SchoolActivity.id).desc())
                        .limit(limit)).all()
    return [(a, name) for a, name in rows]
