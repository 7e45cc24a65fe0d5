"""The case's school: the named contact there (002:894), and changes of school, school form or provider during the
case (003:693 "övergångar mellan skolor och skolformer", 003:317).

A transition never changes the case's own school_form and provider: they are what the case came in with, and the
indicators count the case there (README, Indikatorer). Where the pupil is now is the latest transition.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from narvaro.casework import cases, schools
from narvaro.core import audit, clock
from narvaro.core.config import get_config
from narvaro.core.errors import FieldError
from narvaro.core.models import Case, School, SchoolTransition
from narvaro.core.validate import text

NOTE_MAX = 500


def update_contacts(session: Session, case_id: int, expected_version: int, *, requesting_rector: str | None,
                    rector_contact: str | None, school_contact: str | None, school_contact_info: str | None,
                    by: str) -> Case:
    """The rector and the named contact at the school, with how to reach them."""
    values = {
        # Not required here: imported history often has no rector, and its school contact must still be editable.
        "requesting_rector": text(requesting_rector, "requesting_rector", 120),
        "rector_contact": text(rector_contact, "rector_contact", 200),
        "school_contact": text(school_contact, "school_contact", 120),
        "school_contact_info": text(school_contact_info, "school_contact_info", 200),
    }
    case = cases.claim(session, case_id, expected_version, by)
    if all(getattr(case, k) == v for k, v in values.items()):
        raise FieldError("school_contact", "Inget är ändrat.")
    for key, value in values.items():
        setattr(case, key, value)
    session.add(case)
    who = values["school_contact"] or "ingen"
    cases.add_event(session, case_id, "kontakt", f"Kontaktuppgifter ändrade (kontaktperson på skolan: {who}).", by)
    audit.record(session, by, audit.CHANGE, case_id, "kontaktuppgifter")
    return case


@dataclass(frozen=True)
class Placement:
    school_id: int | None
    school_form: str
    provider: str
    since: dt.date


def transitions_for(session: Session, case_id: int) -> list[SchoolTransition]:
    return list(session.exec(select(SchoolTransition).where(SchoolTransition.case_id == case_id)
                             .order_by(col(SchoolTransition.on_date), col(SchoolTransition.id))).all())


def current(session: Session, case: Case) -> Placement:
    """Where the pupil is now: the latest transition, or the school the case came in with."""
    last = session.exec(select(SchoolTransition).where(SchoolTransition.case_id == case.id)
                        .order_by(col(SchoolTransition.on_date).desc(), col(SchoolTransition.id).desc())).first()
    if last is None:
        return Placement(case.school_id, case.school_form, case.provider, case.received_on)
    return Placement(last.to_school_id, last.to_school_form, last.to_provider, last.on_date)


def record_transition(session: Session, case_id: int, expected_version: int, *, on_date: dt.date | None,
                      school_id: int | None = None, new_school_name: str | None = None,
                      new_school_form: str | None = None, new_school_provider: str | None = None,
                      new_school_district: str | None = None, school_form: str | None = None,
                      note: str | None = None, by: str) -> SchoolTransition:
    """A change of school (an existing one, or a new one typed in), or of school form at the same school."""
    ref = get_config().reference
    if on_date is None:
        raise FieldError("on_date", "Ange datum för bytet.")
    if on_date > clock.today():
        raise FieldError("on_date", "Ett byte registreras när det har skett: datumet kan inte ligga i framtiden.")
    if school_form is not None and school_form not in ref.school_forms:
        raise FieldError("school_form", "Välj skolform i listan.")
    note = text(note, "note", NOTE_MAX)
    case = cases.claim(session, case_id, expected_version, by)
    now = current(session, case)
    if on_date < now.since:
        raise FieldError("on_date", f"Datumet kan inte vara före {now.since.isoformat()} (ärendet kom in eller "
                                    "förra bytet).")
    if (new_school_name or "").strip():
        if school_id is not None:
            raise FieldError("school_id", "Välj antingen en skola i listan eller skriv in en ny, inte båda.")
        school = schools.find_or_add_school(session, name=new_school_name, school_form=new_school_form,
                                            provider=new_school_provider, district=new_school_district,
                                            field="new_school_name")
    else:
        # No school chosen: the same school, in another school form.
        target = school_id if school_id is not None else now.school_id
        school = session.get(School, target) if target is not None else None
        if school is None:
            raise FieldError("school_id", "Välj skolan eleven går till.")
    form = school_form or school.school_form
    if (school.id, form, school.provider) == (now.school_id, now.school_form, now.provider):
        raise FieldError("school_id", "Välj en annan skola eller skolform än den eleven har nu.")
    row = SchoolTransition(case_id=case_id, on_date=on_date, from_school_id=now.school_id, to_school_id=school.id,
                           from_school_form=now.school_form, to_school_form=form, from_provider=now.provider,
                           to_provider=school.provider, note=note, created_by=by)
    session.add(row)
    session.flush()
    cases.add_event(session, case_id, "övergång", f"Byte till {school.name} ({form}, {school.provider.lower()}).",
                    by, on_date)
    audit.record(session, by, audit.CHANGE, case_id, f"övergång till skola {school.id} ({form})")
    return row
