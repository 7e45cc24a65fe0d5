"""Service notes (tjänsteanteckningar) and the actors involved in a case.

Notes are append-only, as a record of what was done must be: a correction is a new note that refers
to the note it corrects, and both stay readable.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from . import audit, cases, clock, consent
from .config import get_config
from .models import CaseActor, ServiceNote
from .workflow import InputError

NOTE_MAX = 10000
NAME_MAX = 200


def add_note(session: Session, case_id: int, expected_version: int, *, text: str | None,
             written_on: dt.date | None, by: str, corrects_id: int | None = None) -> ServiceNote:
    text = (text or "").strip()
    if not text:
        raise InputError("note_text", "Skriv anteckningen.")
    if len(text) > NOTE_MAX:
        raise InputError("note_text", f"Anteckningen får vara högst {NOTE_MAX} tecken.")
    written_on = written_on or clock.today()
    if written_on > clock.today():
        raise InputError("note_date", "Datumet kan inte ligga i framtiden.")
    case = cases.claim(session, case_id, expected_version, by)
    if written_on < case.received_on:
        raise InputError("note_date", "Datumet kan inte vara före att ärendet kom in.")
    if corrects_id is not None:
        old = session.get(ServiceNote, corrects_id)
        if old is None or old.case_id != case_id:
            raise InputError("corrects_id", "Anteckningen som ska rättas finns inte på ärendet.")
    note = ServiceNote(case_id=case_id, written_on=written_on, author=by, text=text, corrects_id=corrects_id,
                       created_at=clock.now())
    session.add(note)
    session.flush()
    audit.record(session, by, audit.CHANGE, case_id, "rättelse av anteckning" if corrects_id else "anteckning")
    return note


def notes_for(session: Session, case_id: int) -> list[ServiceNote]:
    return list(session.exec(select(ServiceNote).where(ServiceNote.case_id == case_id)
                             .order_by(col(ServiceNote.written_on), col(ServiceNote.id))).all())


def corrected_by(notes: list[ServiceNote]) -> dict[int, list[ServiceNote]]:
    """For each note, the later notes that correct it."""
    out: dict[int, list[ServiceNote]] = {}
    for n in notes:
        if n.corrects_id is not None:
            out.setdefault(n.corrects_id, []).append(n)
    return out


def add_actor(session: Session, case_id: int, expected_version: int, *, actor_type: str | None,
              organisation: str | None, contact_person: str | None, by: str) -> CaseActor:
    if actor_type not in get_config().reference.actor_types:
        raise InputError("actor_type", "Välj typ av aktör ur listan.")
    organisation = (organisation or "").strip() or None
    contact_person = (contact_person or "").strip() or None
    if contact_person is None:
        raise InputError("contact_person", "Skriv kontaktperson hos aktören.")
    for value, field in ((organisation, "organisation"), (contact_person, "contact_person")):
        if value and len(value) > NAME_MAX:
            raise InputError(field, f"Högst {NAME_MAX} tecken.")
    cases.claim(session, case_id, expected_version, by)
    actor = CaseActor(case_id=case_id, actor_type=actor_type, organisation=organisation,
                      contact_person=contact_person, created_by=by, created_at=clock.now())
    session.add(actor)
    session.flush()
    cases.add_event(session, case_id, "aktör", f"Aktör inkopplad: {actor_type}"
                    + (f" ({organisation})" if organisation else "") + ".", by)
    audit.record(session, by, audit.CHANGE, case_id, f"aktör {actor_type}")
    return actor


def actors_for(session: Session, case_id: int) -> list[CaseActor]:
    return list(session.exec(select(CaseActor).where(CaseActor.case_id == case_id)
                             .order_by(col(CaseActor.id))).all())


def actors_without_consent(session: Session, case_id: int, on: dt.date | None = None) -> list[str]:
    """Actor types involved in the case that no valid consent covers: information may not be exchanged."""
    covered = consent.covered_actors(session, case_id, on)
    return list(dict.fromkeys(a.actor_type for a in actors_for(session, case_id) if a.actor_type not in covered))
