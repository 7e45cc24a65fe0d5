"""Service notes (tjänsteanteckningar).

Notes are append-only, as a record of what was done must be: a correction is a new note that refers
to the note it corrects, and both stay readable.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from narvaro.casework import cases
from narvaro.core import audit, clock
from narvaro.core.errors import FieldError
from narvaro.core.models import ServiceNote

NOTE_MAX = 10000


def add_note(session: Session, case_id: int, expected_version: int, *, text: str | None,
             written_on: dt.date | None, by: str, corrects_id: int | None = None) -> ServiceNote:
    text = (text or "").strip()
    if not text:
        raise FieldError("note_text", "Skriv anteckningen.")
    if len(text) > NOTE_MAX:
        raise FieldError("note_text", f"Anteckningen får vara högst {NOTE_MAX} tecken.")
    written_on = written_on or clock.today()
    if written_on > clock.today():
        raise FieldError("note_date", "Datumet kan inte ligga i framtiden.")
    case = cases.claim(session, case_id, expected_version, by)
    if written_on < case.received_on:
        raise FieldError("note_date", "Datumet kan inte vara före att ärendet kom in.")
    if corrects_id is not None:
        old = session.get(ServiceNote, corrects_id)
        if old is None or old.case_id != case_id:
            raise FieldError("corrects_id", "Anteckningen som ska rättas finns inte på ärendet.")
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
