"""Girls' equal access (the 2019 decisions, 000:113-116 and 004:54): the main figures for each kön, not only the
incoming cases.

For each kön label in data/reference.yaml (and "Ej angivet" when some case has none), over a period:
- incoming: cases received in the period;
- closed: cases closed in the period; returned_to_school: of those, closed with the reason marked
  returned_to_school;
- mean_months: mean days from received to closed of the cases closed in the period, / 30.4375, two decimals;
- median_queue_days: median days from received to assigned of the cases assigned in the period.
Everything is one GROUP BY (the median a window partitioned by kön), as in narvaro.reporting.indicators.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy import case as sql_case
from sqlmodel import Session

from narvaro.core.config import Config, get_config
from narvaro.core.models import Case
from narvaro.reporting.indicators import UNSTATED, Period, _between, _sex, days_between, months, round2

JSON_KEYS = ("incoming", "closed", "returned_to_school", "mean_months", "median_queue_days")


@dataclass(frozen=True)
class SexRow:
    sex: str
    incoming: int
    closed: int
    returned_to_school: int
    mean_months: float | None
    median_queue_days: float | None
    assigned: int  # cases the median queue time rests on (for suppression; not in the JSON)


def compute(session: Session, period: Period, config: Config | None = None) -> list[SexRow]:
    cfg = config or get_config()
    returned = cfg.closure_names(cfg.reference.returned_reason)  # and its names before a rename
    sex = _sex()  # one expression object, so GROUP BY repeats the SELECT's bound parameters exactly
    incoming = dict(session.exec(select(sex, func.count(Case.id)).where(_between(Case.received_on, period))
                                 .group_by(sex)).all())
    closed = {k: (int(n), int(r or 0), avg) for k, n, r, avg in session.exec(
        select(sex, func.count(Case.id), func.sum(sql_case((Case.closure_reason.in_(returned), 1), else_=0)),
               func.avg(days_between(session, Case.closed_on, Case.received_on)))
        .where(_between(Case.closed_on, period)).group_by(sex)).all()}
    queue = _median_queue(session, period)
    present = set(incoming) | set(closed) | set(queue)
    labels = list(cfg.reference.sexes) + sorted(present - set(cfg.reference.sexes) - {UNSTATED})
    if UNSTATED in present:
        labels.append(UNSTATED)
    rows = []
    for label in labels:
        n_closed, n_returned, avg_days = closed.get(label, (0, 0, None))
        n_assigned, median = queue.get(label, (0, None))
        rows.append(SexRow(label, int(incoming.get(label, 0)), n_closed, n_returned,
                           months(float(avg_days)) if avg_days is not None else None, round2(median), n_assigned))
    return rows


def _median_queue(session: Session, period: Period) -> dict[str, tuple[int, float | None]]:
    """Per kön: how many cases were assigned in the period, and the median of their days in the queue."""
    sex = _sex()
    days = days_between(session, Case.assigned_on, Case.received_on)
    ranked = (select(sex.label("k"), days.label("d"),
                     func.row_number().over(partition_by=sex, order_by=days).label("rn"),
                     func.count().over(partition_by=sex).label("n"))
              .where(_between(Case.assigned_on, period)).subquery())
    # The middle row, or the mean of the two middle rows (`//` is integer division on both backends).
    rows = session.exec(select(ranked.c.k, func.max(ranked.c.n), func.avg(ranked.c.d))
                        .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
                        .group_by(ranked.c.k)).all()
    return {k: (int(n), float(m) if m is not None else None) for k, n, m in rows}


def as_json(rows: list[SexRow]) -> dict[str, dict[str, Any]]:
    """`by_sex` in the CLI JSON: keyed by the kön label as written in data/, each with exactly JSON_KEYS."""
    return {r.sex: {key: getattr(r, key) for key in JSON_KEYS} for r in rows}
