"""What worked, with numbers: per intervention, among the closed cases that used it, the median attendance change
(closing − intake, in percentage points), the median months to closing, and the share closed as returned to school.

Everything is aggregated in the database: COUNT DISTINCT with GROUP BY per intervention, and each median with a
window query (ROW_NUMBER and COUNT partitioned per intervention, then the mean of the one or two middle rows).
Small numbers are hidden from every role (as on the Insatser page): a group of a few closed cases is pupils the
room may know.

Definitions (also in README, "Insatser och enkäter"):
- the cases: closed (in the period, when one is given) and with the intervention among theirs; an intervention
  picked twice in one case counts once;
- attendance change: attendance at closing − attendance at intake (100 − absence in the request), for the cases
  that have both;
- months to closing: days from Inkom to closing / 30.4375;
- returned: closed with the reason marked returned_to_school.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, and_, cast, func, select
from sqlalchemy import case as sql_case
from sqlmodel import Session

from narvaro.casework import catalogue
from narvaro.core.config import get_config
from narvaro.core.models import CLOSED, Case
from narvaro.reporting import indicators, suppression
from narvaro.reporting.intervention_usage import group_name, grouped_uses

GROUP = ("gkey", "gname", "gkind")


@dataclass(frozen=True)
class Worked:
    key: str | None
    name: str
    kind: str
    closed: int                   # closed cases that used it
    returned: int                 # of those, closed as returned to school
    n_change: int                 # of those, with attendance at intake and at closing
    median_change: float | None   # percentage points
    median_months: float | None

    @property
    def returned_share(self) -> float | None:
        return indicators.round2(100 * self.returned / self.closed) if self.closed else None


def _median(session: Session, per_case, value: str) -> dict[tuple, float]:
    """The median of `value` per intervention group, in SQL."""
    groups = [per_case.c[g] for g in GROUP]
    ranked = (select(*groups, per_case.c[value].label("v"),
                     func.row_number().over(partition_by=groups, order_by=per_case.c[value]).label("rn"),
                     func.count().over(partition_by=groups).label("n"))
              .where(per_case.c[value].is_not(None)).subquery())
    rgroups = [ranked.c[g] for g in GROUP]
    rows = session.execute(select(*rgroups, func.avg(ranked.c.v))
                           .where(ranked.c.rn.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))
                           .group_by(*rgroups)).all()
    return {tuple(r[:3]): float(r[3]) for r in rows}


def compute(session: Session, start: dt.date | None = None, end: dt.date | None = None) -> list[Worked]:
    """Per intervention, the closed cases that used it (closed in [start, end] when given)."""
    returned_label = get_config().reference.returned_reason
    listed = catalogue.entries(session)
    change = Case.attendance_at_closing - (100 - Case.absence_percent_intake)
    days = indicators.days_between(session, Case.closed_on, Case.received_on)
    uses = grouped_uses(session, listed, change.label("change"), days.label("days"),
                        cast(sql_case((Case.closure_reason == returned_label, 1), else_=0), Integer).label("ret"))
    conditions = [Case.status == CLOSED, Case.closed_on.is_not(None)]  # type: ignore[union-attr]
    if start is not None and end is not None:
        conditions += [Case.closed_on >= start, Case.closed_on <= end]
    inner = uses.where(and_(*conditions)).subquery()
    # One row per (intervention, case): a second pick of the same intervention in a case does not count twice.
    per_case = (select(inner.c.gkey, inner.c.gname, inner.c.gkind, inner.c.case_id, inner.c.change, inner.c.days,
                       inner.c.ret).distinct().subquery())
    groups = [per_case.c[g] for g in GROUP]
    counts = session.execute(select(*groups, func.count(per_case.c.case_id), func.sum(per_case.c.ret),
                                    func.count(per_case.c.change)).group_by(*groups)).all()
    change_median = _median(session, per_case, "change")
    days_median = _median(session, per_case, "days")
    defs = {d.key: (kind, d) for kind, d in listed}
    out = []
    for key, gname, gkind, n, n_ret, n_change in counts:
        kind, name = group_name(key, gname, gkind, defs)
        g = (key, gname, gkind)
        out.append(Worked(key, name, kind, int(n), int(n_ret or 0), int(n_change),
                          indicators.round2(change_median.get(g)), indicators.months(days_median.get(g))))
    return sorted(out, key=lambda w: (w.key is None, w.name))


COLUMNS = ["Avslutade ärenden med insatsen", "Median närvaroförändring (procentenheter)",
           "Median månader till avslut", "Andel återgått till undervisning (%)"]


def display(w: Worked | None, threshold: int) -> dict[str, Any]:
    """The figures as every role sees them: counts under the threshold as "<N", medians and shares on few cases
    as "–" (the share also when the cases that did not return are few: they could be subtracted out)."""
    if w is None or not w.closed:
        return {COLUMNS[0]: suppression.count(0, threshold), COLUMNS[1]: None, COLUMNS[2]: None, COLUMNS[3]: None}
    return {
        COLUMNS[0]: suppression.count(w.closed, threshold),
        COLUMNS[1]: suppression.derived(w.median_change, w.n_change, threshold),
        COLUMNS[2]: suppression.derived(w.median_months, w.closed, threshold),
        COLUMNS[3]: suppression.derived(w.returned_share, min(w.returned, w.closed - w.returned), threshold),
    }


def medians(w: Worked | None, threshold: int) -> dict[str, Any]:
    """The two medians alone, for the Insatser page (its own columns already count the cases and the share)."""
    shown = display(w, threshold)
    return {c: shown[c] for c in COLUMNS[1:3]}
