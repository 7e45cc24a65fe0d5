"""Retention (gallring): closed cases are anonymised N years after closing (rules.retention_years_after_close).

What goes: everything that identifies the pupil or tells their story — pupil code (replaced by
GALLRAD-<id>), personal number, birth year, school and school year, the rector's and the school contact's names
and contacts, free text on the case, service notes, meeting notes and participants, tasks, actors' organisations and
contact persons, intervention plans and rating comments, free-text survey answers, the pupil's and guardians'
views, the schools and notes of transitions, and the timeline text.

What stays: the fields the indicators are computed from — received_on, assigned_on, closed_on,
school_form, provider, sex, district, closure_reason, attendance (intake, closing, per meeting),
effect ratings and intervention kinds — so every figure for earlier years is unchanged.
Birth year is removed: no indicator uses it, and together with school form and sex it narrows a pupil down.

All changes are set-based UPDATEs over the selected cases; the audit log gets one entry per case.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import String, cast, insert, literal, update
from sqlmodel import Session, col, select

from narvaro.core import audit, clock
from narvaro.core.config import Config, get_config
from narvaro.core.models import (
    CLOSED,
    AuditEntry,
    Case,
    CaseActor,
    CaseEvent,
    CaseIntervention,
    CaseVoice,
    EffectRating,
    Meeting,
    SchoolTransition,
    ServiceNote,
    SurveyResponse,
    Task,
)
from narvaro.core.models_booking import MeetingBooking

PREFIX = "GALLRAD-"
REMOVED = "[gallrad]"
_CHUNK = 500


@dataclass(frozen=True)
class Due:
    case_id: int
    number: str
    closed_on: dt.date


def cutoff(today: dt.date, years: int) -> dt.date:
    """Cases closed on or before this day are due."""
    return clock.add_months(today, -12 * years)


def due(session: Session, today: dt.date | None = None, config: Config | None = None) -> list[Due]:
    cfg = config or get_config()
    last = cutoff(today or clock.today(), cfg.process.rules.retention_years_after_close)
    rows = session.exec(
        select(Case.id, Case.number, Case.closed_on)
        .where(Case.status == CLOSED, Case.closed_on <= last, col(Case.anonymised_on).is_(None))
        .order_by(Case.closed_on, Case.id)
    ).all()
    return [Due(i, n, c) for i, n, c in rows]


def _free_text_keys(cfg: Config) -> dict[str, set[str]]:
    return {s.key: {q.key for q in s.questions if q.free_text} for s in cfg.surveys.surveys}


def purge(session: Session, by: str | None, today: dt.date | None = None, config: Config | None = None) -> list[Due]:
    """Anonymise every case that is due; returns them. The caller commits."""
    cfg = config or get_config()
    today = today or clock.today()
    cases = due(session, today, cfg)
    free_text = _free_text_keys(cfg)
    for i in range(0, len(cases), _CHUNK):
        ids = [c.case_id for c in cases[i:i + _CHUNK]]
        _anonymise(session, ids, today, by, free_text)
        session.execute(insert(AuditEntry), [
            {"at": clock.now(), "username": by, "action": audit.PURGE, "case_id": c.case_id,
             "detail": f"gallrade {c.number} (avslutat {c.closed_on.isoformat()})"}
            for c in cases[i:i + _CHUNK]])
    if not cases:
        audit.record(session, by, audit.PURGE, None, "gallring: inga ärenden att gallra")
    return cases


def _anonymise(session: Session, ids: list[int], today: dt.date, by: str | None,
               free_text: dict[str, set[str]]) -> None:
    in_cases = col(Case.id).in_(ids)
    session.execute(update(Case).where(in_cases).values(
        pupil_code=literal(PREFIX, String) + cast(Case.id, String),
        personal_number=None, birth_year=None, school_id=None, school_year=None,
        requesting_rector=None, rector_contact=None, absence_period=None, missing_prerequisites=None,
        school_contact=None, school_contact_info=None,
        anonymised_on=today, version=Case.version + 1, updated_at=clock.now(), updated_by=by,
    ))
    session.execute(update(ServiceNote).where(col(ServiceNote.case_id).in_(ids)).values(text=REMOVED))
    session.execute(update(Meeting).where(col(Meeting.case_id).in_(ids)).values(
        participants=None, situation=None, further_interventions=None, decisions=None,
        division_of_responsibility=None))
    session.execute(update(Task).where(col(Task.case_id).in_(ids)).values(text=REMOVED, owner=REMOVED))
    session.execute(update(MeetingBooking).where(col(MeetingBooking.case_id).in_(ids)).values(place=None))
    session.execute(update(CaseActor).where(col(CaseActor.case_id).in_(ids)).values(
        organisation=None, contact_person=None))
    session.execute(update(CaseIntervention).where(col(CaseIntervention.case_id).in_(ids)).values(
        performed_by=None, plan=None))
    intervention_ids = select(CaseIntervention.id).where(col(CaseIntervention.case_id).in_(ids))
    session.execute(update(EffectRating).where(col(EffectRating.case_intervention_id).in_(intervention_ids))
                    .values(comment=None))
    session.execute(update(CaseEvent).where(col(CaseEvent.case_id).in_(ids)).values(text=REMOVED))
    session.execute(update(CaseVoice).where(col(CaseVoice.case_id).in_(ids)).values(text=REMOVED))
    # The school forms and providers of a transition are statistics; which schools, and why, point at the pupil.
    session.execute(update(SchoolTransition).where(col(SchoolTransition.case_id).in_(ids)).values(
        from_school_id=None, to_school_id=None, note=None))
    # Scale answers are statistics; only the free-text answers go. JSON differs per backend, so in Python.
    for response in session.exec(select(SurveyResponse).where(col(SurveyResponse.case_id).in_(ids))).all():
        drop = free_text.get(response.survey_key, set())
        try:
            answers = json.loads(response.answers_json or "{}")
        except ValueError:
            answers = {}
        kept = {k: v for k, v in answers.items() if k not in drop}
        if kept != answers:
            response.answers_json = json.dumps(kept, ensure_ascii=False)
            session.add(response)
    session.flush()
    # The ORM objects in this session may hold the old values; make them reload.
    session.expire_all()
