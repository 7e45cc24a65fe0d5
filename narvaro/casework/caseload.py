"""How many open cases each coordinator carries: the hand-out's suggestion, the board, the start page and the
indicators all count it here, with one GROUP BY."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from narvaro.core import clock
from narvaro.core.models import ACTIVE, ASSIGNED, Assignment, Case, User
from narvaro.core.permissions import CASE_WORKERS


@dataclass(frozen=True)
class Load:
    user_id: int
    username: str
    name: str
    district: str | None
    open_cases: int
    active: bool = True  # an inactive user is listed only for the cases they held (history); never handed new ones


def open_at(day: dt.date) -> ColumnElement[bool]:
    """Cases open at the end of `day` (received by then, not closed by then)."""
    # Open cases are few and the archive is large: the closed_on index finds them (SQLite's multi-index OR).
    # received_on is wrapped so SQLite does not prefer its index, which would scan every earlier case.
    return and_(or_(Case.closed_on.is_(None), Case.closed_on > day),
                func.coalesce(Case.received_on, Case.received_on) <= day)


def caseload(session: Session, at: dt.date | None = None) -> list[Load]:
    """Open cases per coordinator, now (`at` None) or at the end of day `at`, by name.

    Every active case worker is listed (0 when they have no case), and anyone else who held a case then.
    Counted from the open cases (the status or closed_on index finds them) to their assignments, so the
    assignments of the closed archive are never read.
    """
    if at is None:
        held = and_(Case.status.in_((ASSIGNED, ACTIVE)), Assignment.ended_at.is_(None))
    else:
        day_end = dt.datetime.combine(at + dt.timedelta(days=1), dt.time.min, tzinfo=clock.LOCAL)
        held = and_(open_at(at), Assignment.assigned_at < day_end,
                    or_(Assignment.ended_at.is_(None), Assignment.ended_at >= day_end))
    counts = dict(session.exec(
        select(Assignment.user_id, func.count(func.distinct(Case.id)))
        .select_from(Case).join(Assignment, Assignment.case_id == Case.id)
        .where(held).group_by(Assignment.user_id)
    ).all())
    workers = and_(User.role.in_(CASE_WORKERS), User.active == True)  # noqa: E712
    rows = session.exec(
        select(User.id, User.username, User.name, User.district, workers)
        .where(or_(workers, User.id.in_(list(counts)) if counts else False))
        .order_by(User.name, User.id)
    ).all()
    return [Load(uid, username, name, district, int(counts.get(uid, 0)), bool(is_worker))
            for uid, username, name, district, is_worker in rows]


def handout_candidates(session: Session) -> list[Load]:
    """The people a case can be handed to now: active case workers, with what they carry."""
    return [load for load in caseload(session) if load.active]
