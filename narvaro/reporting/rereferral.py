"""A pupil who comes back: of the cases closed in a period because the pupil returned to school, how many pupils got
a new case within 365 days after that closing. Computed in the database (one self-join, COUNT DISTINCT).

Definition (also in README, "Indikatorer"):
- the closed cases: closed_on in the period and closure_reason the reason marked returned_to_school;
- the same pupil: the same pupil code (case and surrounding spaces ignored) or the same personnummer;
- comes back: another case of that pupil whose Inkom (received_on) is on or after the closing day and at most 365
  days after it; the 365 days may run past the period's end;
- counted per pupil (a pupil closed twice in the period counts once), as a share of the returned_to_school cases
  closed in the period, two decimals.
Cases anonymised by gallring have lost their pupil code and no longer match: the figure for a purged year can drop.
"""
from __future__ import annotations

from sqlalchemy import Integer, and_, cast, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from narvaro.core.models import Case

WINDOW_DAYS = 365


def _days(session: Session, later: ColumnElement, earlier: ColumnElement) -> ColumnElement:
    if session.get_bind().dialect.name == "postgresql":
        return cast(later - earlier, Integer)
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def _pupil(case) -> ColumnElement:
    return func.upper(func.trim(case.pupil_code))


def count(session: Session, start, end, returned_reason: str) -> int:
    """Pupils whose case closed as returned to school in [start, end] and who got a new case within 365 days."""
    old, new = aliased(Case), aliased(Case)
    same_pupil = or_(_pupil(new) == _pupil(old),
                     and_(old.personal_number.is_not(None), new.personal_number == old.personal_number))
    days = _days(session, new.received_on, old.closed_on)
    stmt = (select(func.count(func.distinct(_pupil(old))))
            .select_from(old)
            .join(new, and_(new.id != old.id, same_pupil, days >= 0, days <= WINDOW_DAYS))
            .where(old.closed_on >= start, old.closed_on <= end, old.closure_reason == returned_reason))
    return int(session.execute(stmt).scalar_one())
