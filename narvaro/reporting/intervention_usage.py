"""What the team has used, and what worked: per intervention, the cases that used it and how they closed.

The figures answer the rectors' question "why does it work in some cases and not in others", so they are
counted in the database and small counts are hidden: no pupil may be recognisable.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, distinct, func, literal, null
from sqlalchemy import case as sql_case
from sqlmodel import Session, select

from narvaro.casework import catalogue
from narvaro.core.config import get_config
from narvaro.core.models import CLOSED, Case, CaseIntervention
from narvaro.reporting import suppression


@dataclass(frozen=True)
class Usage:
    key: str | None        # exempellista key; None for a custom intervention
    name: str
    kind: str
    cases: int             # cases that used it
    closed: int            # of those, closed
    returned: int          # of the closed, closed because the pupil returned to teaching

    @property
    def returned_share(self) -> float | None:
        return round(100.0 * self.returned / self.closed, 1) if self.closed else None


def grouped_uses(session: Session, listed=None, *extra_columns):
    """One row per intervention used in a case, with the group it counts in: `gkey` (exempellista key; a promoted
    custom name counts as its entry), or for a custom one `gname`/`gkind`; plus the case's status and reason."""
    listed = catalogue.entries(session) if listed is None else listed
    names = {d.name: d.key for _, d in listed}
    ci = CaseIntervention
    by_name = sql_case(*[(ci.name == n, literal(k)) for n, k in names.items()], else_=null()) if names else null()
    gkey = func.coalesce(ci.intervention_key, by_name)
    # Grouping happens on a subquery's columns: PostgreSQL will not match the same CASE expression twice
    # when its bound parameters get different names in SELECT and GROUP BY.
    return (select(ci.case_id.label("case_id"), gkey.label("gkey"),
                   sql_case((gkey.is_(None), ci.name), else_=literal("")).label("gname"),
                   sql_case((gkey.is_(None), ci.kind), else_=literal("")).label("gkind"),
                   Case.status.label("status"), Case.closure_reason.label("reason"), *extra_columns)
            .join(Case, Case.id == ci.case_id))


def group_name(key: str | None, gname: str, gkind: str, defs: dict) -> tuple[str, str]:
    """(kind, name) of a group: the exempellista entry's, or the custom intervention's own."""
    if key is not None:
        kind, d = defs.get(key, (gkind or "", None))
        return kind, (d.name if d else key)
    return gkind, gname


def usage(session: Session) -> list[Usage]:
    """Per intervention: cases that used it, closed ones, and closed ones where the pupil returned to school.

    Counted in SQL (COUNT DISTINCT per case, so an intervention picked twice in one case counts once).
    A custom intervention whose name is now in the exempellista (it was promoted) counts as that entry.
    """
    cfg = get_config()
    returned_labels = cfg.closure_names(cfg.reference.returned_reason)  # and its names before a rename
    listed = catalogue.entries(session)
    inner = grouped_uses(session, listed).subquery()
    closed_case = sql_case((inner.c.status == CLOSED, inner.c.case_id), else_=null())
    returned_case = sql_case((and_(inner.c.status == CLOSED, inner.c.reason.in_(returned_labels)), inner.c.case_id),
                             else_=null())
    rows = session.exec(
        select(inner.c.gkey, inner.c.gname, inner.c.gkind, func.count(distinct(inner.c.case_id)),
               func.count(distinct(closed_case)), func.count(distinct(returned_case)))
        .group_by(inner.c.gkey, inner.c.gname, inner.c.gkind)
    ).all()
    defs = {d.key: (kind, d) for kind, d in listed}
    out = []
    for key, gname, gkind, n, n_closed, n_returned in rows:
        kind, name = group_name(key, gname, gkind, defs)
        out.append(Usage(key, name, kind, int(n), int(n_closed), int(n_returned)))
    return sorted(out, key=lambda u: (u.key is None, u.name))


def usage_display(u: Usage | None, threshold: int) -> dict[str, Any]:
    """The figures as the picker shows them: counts under the threshold as "<N", shares on few cases as "–".

    The counts are hidden from every role, not only from a läsare: the picker is where schools look with
    the coordinator, and a small outcome group is one pupil the room may know."""
    n, closed, returned = (u.cases, u.closed, u.returned) if u else (0, 0, 0)
    share = round(100.0 * returned / closed, 1) if closed else None
    # Closed = returned + not returned. With the closed count shown, a visible "returned" would give away a
    # small "did not return" by subtraction, so it is hidden too (and the share, which says the same).
    not_returned = closed - returned
    hide_returned = suppression.line([returned, not_returned], threshold)[0]
    return {
        "Använd i ärenden": suppression.count(n, threshold),
        "Avslutade ärenden": suppression.count(closed, threshold),
        "Varav återgått till undervisning": suppression.marker(threshold) if hide_returned else returned,
        "Andel återgått (%)": (suppression.derived(share, min(returned, not_returned), threshold)
                               if closed else None),
    }
