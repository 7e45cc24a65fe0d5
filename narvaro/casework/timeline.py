"""Everything that happened on a case, in order: events, step moves, meetings, notes and tasks.

Meetings, notes and step moves are their own rows, so they are read from there rather than copied into
case_events; each fact is then shown once.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, select

from narvaro.casework import meetings
from narvaro.core import clock
from narvaro.core.config import get_config
from narvaro.core.models import CaseEvent, Meeting, ServiceNote, StepChange, Task


@dataclass(frozen=True)
class Entry:
    on_date: dt.date
    at: dt.datetime
    kind: str
    text: str
    by: str | None


def _step_name(key: str | None) -> str:
    if key is None:
        return "–"
    try:
        return get_config().process.step(key).name
    except KeyError:
        return key


def timeline(session: Session, case_id: int) -> list[Entry]:
    out: list[Entry] = []
    for e in session.exec(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)).all():
        out.append(Entry(e.on_date, e.at, e.kind, e.text, e.by))
    for c in session.exec(select(StepChange).where(StepChange.case_id == case_id).order_by(StepChange.id)).all():
        text = f"{_step_name(c.from_step)} → {_step_name(c.to_step)}"
        if c.open_items_reason:
            text += f" (öppna punkter: {c.open_items_reason})"
        out.append(Entry(c.on_date, c.changed_at, "steg", text + ".", c.changed_by))
    for m in session.exec(select(Meeting).where(Meeting.case_id == case_id).order_by(Meeting.id)).all():
        out.append(Entry(m.held_on, m.created_at, "möte", meetings.summary_line(m), m.created_by))
    for n in session.exec(select(ServiceNote).where(ServiceNote.case_id == case_id).order_by(ServiceNote.id)).all():
        prefix = f"Rättelse av anteckning {n.corrects_id}: " if n.corrects_id else f"Anteckning {n.id}: "
        out.append(Entry(n.written_on, n.created_at, "anteckning", prefix + n.text, n.author))
    for t in session.exec(select(Task).where(Task.case_id == case_id).order_by(Task.id)).all():
        due = f", senast {t.due_on.isoformat()}" if t.due_on else ""
        out.append(Entry(clock.local(t.created_at).date() if t.meeting_id is None else _meeting_day(session, t),
                         t.created_at, "uppgift", f"Uppgift: {t.text} ({t.owner}{due}).", t.created_by))
    # Same day: in the order things were saved; a step move follows the meeting that caused it.
    return sorted(out, key=lambda e: (e.on_date, _utc(e.at), e.kind == "steg"))


def _meeting_day(session: Session, task: Task) -> dt.date:
    meeting = session.get(Meeting, task.meeting_id)
    return meeting.held_on if meeting else clock.local(task.created_at).date()


def _utc(at: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; they were stored as UTC.
    return at if at.tzinfo else at.replace(tzinfo=dt.timezone.utc)
