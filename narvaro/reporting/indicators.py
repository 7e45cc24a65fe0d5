"""The indicators of seed 003, for any period, computed in the database.

Every figure is a COUNT/AVG with GROUP BY over `cases` (and `assignments` for the caseload); no
function here loads case rows into Python. The median uses a window query (ROW_NUMBER and COUNT
over the durations of the cases in question, then the mean of the one or two middle rows), which
SQLite (3.25+) and PostgreSQL both run, so even the median is computed by the database.

Definitions (also in README, "Indikatorer"):
- incoming: received_on in the period; closed: closed_on in the period;
- open at end: received_on <= end and (closed_on is null or closed_on > end);
- in the queue at end: open at end and (assigned_on is null or assigned_on > end);
- case time: days closed_on - received_on of cases closed in the period; months = days / 30.4375;
- closing reasons, effects and attendance: cases closed in the period; attendance at intake is
  100 - absence_percent_intake;
- caseload: cases open at end per coordinator with an Assignment running at the end of the period;
- queue time: days received_on -> assigned_on for cases assigned in the period.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Integer, and_, cast, extract, func, or_, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from narvaro.casework import caseload as load
from narvaro.core import clock
from narvaro.core.config import Config, get_config
from narvaro.core.models import Case
from narvaro.reporting import rereferral, surveys

DAYS_PER_MONTH = 30.4375  # 365.25 / 12
UNSTATED = "Ej angivet"


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("Periodens slutdatum ligger före startdatumet.")

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def current_year(cls) -> "Period":
        return cls.year(clock.today().year)

    @property
    def is_calendar_year(self) -> bool:
        return self.start == dt.date(self.start.year, 1, 1) and self.end == dt.date(self.start.year, 12, 31)

    @property
    def label(self) -> str:
        return str(self.start.year) if self.is_calendar_year else f"{self.start.isoformat()} – {self.end.isoformat()}"


@dataclass(frozen=True)
class Durations:
    """Count, mean and median of a number of days."""
    n: int
    mean_days: float | None
    median_days: float | None

    @property
    def mean_months(self) -> float | None:
        return months(self.mean_days)

    @property
    def median_months(self) -> float | None:
        return months(self.median_days)


@dataclass(frozen=True)
class Attendance:
    n_intake: int
    mean_intake: float | None    # attendance % at intake = 100 - absence_percent_intake
    n_closing: int
    mean_closing: float | None   # attendance_at_closing


@dataclass(frozen=True)
class Indicators:
    period: Period
    incoming: int
    closed: int
    open_at_end: int
    queued_at_end: int
    case_time: Durations
    closure_reasons: dict[str, int]
    returned_to_school: int
    effect_operative: dict[str, int]
    effect_coordinating: dict[str, int]
    attendance: Attendance
    incoming_breakdown: list[dict[str, Any]]
    caseload: list[dict[str, Any]]
    queue_time: Durations
    rereferred: int = 0  # pupils closed as returned who got a new case within 365 days (reporting.rereferral)

    @property
    def returned_share(self) -> float | None:
        """Percent of the cases closed in the period that closed because the pupil returned."""
        return round2(100 * self.returned_to_school / self.closed) if self.closed else None

    @property
    def rereferred_share(self) -> float | None:
        """Percent of the returned_to_school cases whose pupil came back within 12 months."""
        return round2(100 * self.rereferred / self.returned_to_school) if self.returned_to_school else None


def round2(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(float(value))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def months(days: float | None) -> float | None:
    return None if days is None else round2(float(days) / DAYS_PER_MONTH)


# --- SQL building blocks ---------------------------------------------------------------------

def _is_pg(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def days_between(session: Session, later: Any, earlier: Any) -> ColumnElement:
    """Whole days from `earlier` to `later` as an SQL expression, on either backend."""
    if _is_pg(session):
        return cast(later - earlier, Integer)
    return cast(func.julianday(later) - func.julianday(earlier), Integer)


def _between(column: Any, period: Period) -> ColumnElement:
    return and_(column >= period.start, column <= period.end)


def _sex() -> ColumnElement:
    return func.coalesce(func.nullif(func.trim(Case.sex), ""), UNSTATED)


def _count(session: Session, *conditions: ColumnElement) -> int:
    return int(session.exec(select(func.count(Case.id)).where(*conditions)).one()[0])


def durations(session: Session, days: ColumnElement, *conditions: ColumnElement) -> Durations:
    """Count, mean and median of `days` over the cases matching `conditions`, all in SQL."""
    n, mean = session.exec(select(func.count(), func.avg(days)).where(*conditions)).one()
    if not n:
        return Durations(0, None, None)
    ranked = (
        select(days.label("d"),
               func.row_number().over(order_by=days).label("rn"),
               func.count().over().label("n"))
        .where(*conditions)
        .subquery()
    )
    # The middle row, or the mean of the two middle rows (`//` is integer division on both backends).
    median = session.exec(
        select(func.avg(ranked.c.d)).where(
            ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
    ).one()[0]
    return Durations(int(n), float(mean), float(median))


def _grouped(session: Session, key: ColumnElement, *conditions: ColumnElement) -> dict[str, int]:
    out: dict[str, int] = {}
    for k, n in session.exec(select(key, func.count(Case.id)).where(*conditions).group_by(key)).all():
        label = k if k not in (None, "") else UNSTATED  # NULL and "" are two groups in SQL, one here
        out[label] = out.get(label, 0) + int(n)
    return out


def _ordered(counts: dict[str, int], labels: list[str]) -> dict[str, int]:
    """Configured labels first (zeros included, so tables keep their shape), then anything else."""
    out = {label: counts.get(label, 0) for label in labels}
    for key in sorted(k for k in counts if k not in out and k != UNSTATED):
        out[key] = counts[key]
    if counts.get(UNSTATED):
        out[UNSTATED] = counts[UNSTATED]
    return out


# --- the indicators --------------------------------------------------------------------------

def compute(session: Session, period: Period, config: Config | None = None) -> Indicators:
    cfg = config or get_config()
    ref = cfg.reference
    closed_in = _between(Case.closed_on, period)
    received_in = _between(Case.received_on, period)

    # A reason renamed in a later version of the process counts as the same reason, under its label now.
    reasons: dict[str, int] = {}
    for label, n in _grouped(session, Case.closure_reason, closed_in).items():
        reasons[cfg.closure_label(label)] = reasons.get(cfg.closure_label(label), 0) + n
    reasons = _ordered(reasons, ref.closure_labels)
    n_in, mean_in, n_out, mean_out = session.exec(
        select(func.count(Case.absence_percent_intake), func.avg(100 - Case.absence_percent_intake),
               func.count(Case.attendance_at_closing), func.avg(Case.attendance_at_closing))
        .where(closed_in)
    ).one()

    sex = _sex()  # one expression object, so GROUP BY repeats the SELECT's bound parameters exactly
    breakdown_rows = session.exec(
        select(Case.school_form, Case.provider, sex, func.count(Case.id))
        .where(received_in)
        .group_by(Case.school_form, Case.provider, sex)
    ).all()
    # Sorted here (a few dozen rows), so both backends give one order whatever their collation.
    breakdown_rows = sorted(breakdown_rows, key=lambda r: (r[0], r[1], r[2]))

    return Indicators(
        period=period,
        incoming=_count(session, received_in),
        closed=_count(session, closed_in),
        open_at_end=_count(session, load.open_at(period.end)),
        queued_at_end=_count(session, load.open_at(period.end),
                             or_(Case.assigned_on.is_(None), Case.assigned_on > period.end)),
        case_time=durations(session, days_between(session, Case.closed_on, Case.received_on), closed_in),
        closure_reasons=reasons,
        returned_to_school=reasons.get(ref.returned_reason, 0),
        effect_operative=_ordered(_grouped(session, Case.effect_operative, closed_in), ref.effect_ratings),
        effect_coordinating=_ordered(_grouped(session, Case.effect_coordinating, closed_in), ref.effect_ratings),
        attendance=Attendance(int(n_in), round2(mean_in), int(n_out), round2(mean_out)),
        incoming_breakdown=[{"skolform": f, "huvudman": p, "kon": k, "count": int(n)}
                            for f, p, k, n in breakdown_rows],
        caseload=caseload(session, period.end),
        queue_time=durations(session, days_between(session, Case.assigned_on, Case.received_on),
                             _between(Case.assigned_on, period)),
        rereferred=rereferral.count(session, period.start, period.end, ref.returned_reason),
    )


def caseload(session: Session, at: dt.date) -> list[dict[str, Any]]:
    """Open cases per coordinator at the end of day `at`, most first; active coordinators without cases count 0."""
    loads = [ld for ld in load.caseload(session, at) if ld.open_cases or ld.active]
    return [{"koordinator": ld.name, "pagaende": ld.open_cases}
            for ld in sorted(loads, key=lambda ld: (-ld.open_cases, ld.name))]


@dataclass(frozen=True)
class YearRow:
    """One year of the evaluation's statistics table."""
    year: int
    incoming: dict[tuple[str, str, str], int]   # (GRSK/GYM, provider, sex) -> count
    incoming_total: int
    closed: int
    mean_months: float | None


def statistics_table(session: Session, first_year: int, last_year: int) -> list[YearRow]:
    """Incoming per year x school form x provider x sex, closed and mean case time per year."""
    span = Period(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31))
    year_in = extract("year", Case.received_on)
    sex = _sex()
    incoming = session.exec(
        select(year_in, Case.school_form, Case.provider, sex, func.count(Case.id))
        .where(_between(Case.received_on, span))
        .group_by(year_in, Case.school_form, Case.provider, sex)
    ).all()
    year_out = extract("year", Case.closed_on)
    days = days_between(session, Case.closed_on, Case.received_on)
    closed = {int(y): (int(n), avg) for y, n, avg in session.exec(
        select(year_out, func.count(Case.id), func.avg(days))
        .where(_between(Case.closed_on, span)).group_by(year_out)
    ).all()}
    ref = get_config().reference
    result = []
    for year in range(first_year, last_year + 1):
        cells: dict[tuple[str, str, str], int] = {}
        for y, form, provider, sex, n in incoming:
            if int(y) == year:
                key = (ref.statistics_group(form), provider, sex)
                cells[key] = cells.get(key, 0) + int(n)
        n_closed, avg_days = closed.get(year, (0, None))
        result.append(YearRow(year, cells, sum(cells.values()), n_closed,
                              months(float(avg_days)) if avg_days is not None else None))
    return result


def sex_split(session: Session, first_year: int, last_year: int) -> list[dict[str, Any]]:
    """Incoming cases per year and sex (the 2019 decision: girls' equal access)."""
    span = Period(dt.date(first_year, 1, 1), dt.date(last_year, 12, 31))
    year_in = extract("year", Case.received_on)
    sex = _sex()
    rows = session.exec(
        select(year_in, sex, func.count(Case.id))
        .where(_between(Case.received_on, span)).group_by(year_in, sex)
    ).all()
    return sorted(({"ar": int(y), "kon": k, "antal": int(n)} for y, k, n in rows),
                  key=lambda r: (r["ar"], r["kon"]))


def survey_summary(session: Session, period: Period) -> list[dict[str, Any]]:
    return surveys.summary(session, period.start, period.end)


def as_json(ind: Indicators) -> dict[str, Any]:
    """The indicators as plain JSON-able values (the CLI prints this; the page shows the same)."""
    return {
        "period": {"from": ind.period.start.isoformat(), "to": ind.period.end.isoformat()},
        "incoming": ind.incoming,
        "closed": ind.closed,
        "open_at_end": ind.open_at_end,
        "queued_at_end": ind.queued_at_end,
        "returned_to_school": ind.returned_to_school,
        "returned_share_percent": ind.returned_share,
        "rereferred_within_12_months": ind.rereferred,
        "rereferred_share_percent": ind.rereferred_share,
        "mean_months": ind.case_time.mean_months,
        "median_months": ind.case_time.median_months,
        "closure_reasons": ind.closure_reasons,
        "effect_operative": ind.effect_operative,
        "effect_coordinating": ind.effect_coordinating,
        "attendance": asdict(ind.attendance),
        "incoming_breakdown": ind.incoming_breakdown,
        "caseload": ind.caseload,
        "queue_days": {"n": ind.queue_time.n, "mean": round2(ind.queue_time.mean_days),
                       "median": round2(ind.queue_time.median_days)},
    }

