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

from sqlalchemy import Integer, String, and_, cast, func, select, union
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from narvaro.core.models import Case

WINDOW_DAYS = 365


def _days(session: Session, later: ColumnElement, earlier: ColumnElement) -> ColumnElement:
    if session.get_bind().dialect.name == "postgresql":
        return cast(later - earlier, Integer)
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def _pupil(case) -> ColumnElement:
    # Typed (CAST AS text): SQLite builds an automatic index on a materialised column only when it has a type.
    return cast(func.upper(func.trim(case.pupil_code)), String)


def count(session: Session, start, end, returned_reason: str) -> int:
    """Pupils whose case closed as returned to school in [start, end] and who got a new case within 365 days.

    The returned cases are a small materialised set; the other cases of those pupils are found with IN on it (one
    pass over the cases, a hashed lookup each), once by pupil code and once by personnummer, and only those few are
    joined. An OR inside one join made the database compare every returned case with every case (4 s at 5,000
    cases on SQLite)."""
    returned = (select(Case.id.label("id"), _pupil(Case).label("pupil"), Case.personal_number.label("pnr"),
                       Case.closed_on.label("closed_on"))
                .where(Case.closed_on >= start, Case.closed_on <= end, Case.closure_reason == returned_reason)
                .cte("returned").prefix_with("MATERIALIZED"))
    same_code = (select(Case.id.label("id"), _pupil(Case).label("pupil"), Case.received_on.label("received_on"))
                 .where(_pupil(Case).in_(select(returned.c.pupil))).cte("same_code").prefix_with("MATERIALIZED"))
    same_pnr = (select(Case.id.label("id"), Case.personal_number.label("pnr"), Case.received_on.label("received_on"))
                .where(Case.personal_number.in_(select(returned.c.pnr).where(returned.c.pnr.is_not(None))))
                .cte("same_pnr").prefix_with("MATERIALIZED"))

    def within(other) -> ColumnElement:
        days = _days(session, other.c.received_on, returned.c.closed_on)
        return and_(other.c.id != returned.c.id, days >= 0, days <= WINDOW_DAYS)

    by_code = select(returned.c.pupil).join(same_code, and_(same_code.c.pupil == returned.c.pupil, within(same_code)))
    by_pnr = select(returned.c.pupil).join(same_pnr, and_(same_pnr.c.pnr == returned.c.pnr, within(same_pnr)))
    came_back = union(by_code, by_pnr).subquery()
    return int(session.execute(select(func.count(func.distinct(came_back.c.pupil)))).scalar_one())
