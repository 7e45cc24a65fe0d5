"""The pupil's voice and the guardians' (002:39 "inflytande i vilket stöd de får", 003:437 on how the pupil's and
guardians' perspective is handled): their own view and wishes, in words the coordinator writes down and dates.

Append-only, like service notes: a view that changed is a new entry, and the history shows how it changed.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from narvaro.casework import cases
from narvaro.core import audit, clock
from narvaro.core.config import get_config
from narvaro.core.errors import FieldError
from narvaro.core.models import CaseVoice
from narvaro.core.validate import text

VOICE_MAX = 2000


def add_voice(session: Session, case_id: int, expected_version: int, *, speaker: str | None,
              on_date: dt.date | None, view: str | None, by: str) -> CaseVoice:
    givers = get_config().reference.consent_givers
    if speaker not in givers:
        raise FieldError("speaker", f"Välj vems röst det är ({', '.join(givers)}).")
    said = text(view, "voice_text", VOICE_MAX, "Skriv vad hen tycker och önskar.")
    on_date = on_date or clock.today()
    if on_date > clock.today():
        raise FieldError("voice_date", "Datumet kan inte ligga i framtiden.")
    case = cases.claim(session, case_id, expected_version, by)
    if on_date < case.received_on:
        raise FieldError("voice_date", "Datumet kan inte vara före att ärendet kom in.")
    row = CaseVoice(case_id=case_id, speaker=speaker, on_date=on_date, text=said, created_by=by)
    session.add(row)
    session.flush()
    cases.add_event(session, case_id, "röst", f"{speaker}s syn och önskemål antecknade.", by, on_date)
    audit.record(session, by, audit.CHANGE, case_id, f"röst: {speaker}")
    return row


def voices_for(session: Session, case_id: int) -> list[CaseVoice]:
    return list(session.exec(select(CaseVoice).where(CaseVoice.case_id == case_id)
                             .order_by(col(CaseVoice.on_date), col(CaseVoice.id))).all())
