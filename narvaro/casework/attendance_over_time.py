"""Attendance over time on one case: at intake (100 − absence in the request), at each follow-up meeting and at
closing, with the interventions' start and end days beside it (issue 19: follow the pupil, not only the case).

The values are the ones already recorded; nothing is estimated between them.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from narvaro.core.config import FOLLOW_UP_KIND
from narvaro.core.models import Case, CaseIntervention, Meeting
from narvaro.core.text import percent_in_text

INTAKE, FOLLOW_UP, CLOSING = "Inskrivning", "Uppföljningsmöte", "Avslut"


@dataclass(frozen=True)
class Point:
    on: dt.date
    percent: float
    label: str       # "Inskrivning", "Uppföljningsmöte 2", "Avslut"
    kind: str        # INTAKE | FOLLOW_UP | CLOSING

    def text(self) -> str:
        return f"{self.on.isoformat()} {self.label.lower()} {percent_in_text(self.percent)}"


@dataclass(frozen=True)
class Span:
    """An intervention on the case: from its start day to its end day (None while it goes on or is planned)."""
    name: str
    kind: str
    status: str
    start: dt.date | None
    end: dt.date | None


def points(session: Session, case: Case) -> list[Point]:
    """The attendance values recorded on the case, in time order."""
    out: list[Point] = []
    if case.absence_percent_intake is not None:
        out.append(Point(case.received_on, round(100 - case.absence_percent_intake, 1), INTAKE, INTAKE))
    held = session.exec(select(Meeting.held_on, Meeting.attendance_percent)
                        .where(Meeting.case_id == case.id, Meeting.kind == FOLLOW_UP_KIND)
                        .order_by(col(Meeting.held_on), col(Meeting.id))).all()
    for n, (on, percent) in enumerate(held, start=1):
        if percent is not None:
            out.append(Point(on, float(percent), f"{FOLLOW_UP} {n}", FOLLOW_UP))
    if case.closed_on is not None and case.attendance_at_closing is not None:
        out.append(Point(case.closed_on, float(case.attendance_at_closing), CLOSING, CLOSING))
    return out


def last_values(session: Session, case: Case, n: int = 3) -> list[Point]:
    """The last n values (the meeting agenda shows three)."""
    return points(session, case)[-n:]


def spans(session: Session, case: Case) -> list[Span]:
    """The case's interventions with their start and end days, by start."""
    rows = session.exec(select(CaseIntervention).where(CaseIntervention.case_id == case.id)
                        .order_by(col(CaseIntervention.start_on), col(CaseIntervention.id))).all()
    return [Span(r.name, r.kind, r.status, r.start_on, r.end_on) for r in rows]
