"""Do all schools know about the support (000:121)? Which schools and districts refer cases and which never have,
and the work with schools that is not a case (advice, open team meetings, information visits; 003:701-702).

Definitions (also in README):
- a school refers a case when the case came in from it (the school at intake, cases.school_id); "in the period" is
  by the day the case came in, "ever" is every case that came in up to the period's end and still holds its school
  (retention takes the school off a case, so a school whose only cases are anonymised shows as never referring);
- a district's cases are those that came in with the district (cases.district, copied from the school at intake);
- work with schools: activities held in the period, counted per kind, with the time spent and the schools reached.
All counts are GROUP BY queries.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy import case as sql_case
from sqlmodel import Session

from narvaro.core.config import Config, get_config
from narvaro.core.models import Case, School, SchoolActivity
from narvaro.reporting.indicators import Period, _between

NO_DISTRICT = "Utan verksamhetsområde"


@dataclass(frozen=True)
class SchoolRow:
    school_id: int
    name: str
    school_form: str
    provider: str
    district: str        # the district's name
    referred: int        # cases that came in from the school in the period
    referred_ever: int   # ... up to the period's end
    activities: int      # work with the school in the period

    @property
    def never(self) -> bool:
        return self.referred_ever == 0


@dataclass(frozen=True)
class DistrictRow:
    district: str
    schools: int
    schools_referring: int  # schools with a case that came in during the period
    schools_never: int      # schools with no case ever (up to the period's end)
    cases: int              # cases that came in during the period with the district


@dataclass(frozen=True)
class ActivityRow:
    kind: str
    count: int
    minutes: int
    schools: int


def schools(session: Session, period: Period, config: Config | None = None) -> list[SchoolRow]:
    ref = (config or get_config()).reference
    referred = func.coalesce(func.sum(sql_case((_between(Case.received_on, period), 1), else_=0)), 0)
    ever = func.coalesce(func.sum(sql_case((Case.received_on <= period.end, 1), else_=0)), 0)
    rows = session.exec(
        select(School.id, School.name, School.school_form, School.provider, School.district, referred, ever)
        .select_from(School).outerjoin(Case, Case.school_id == School.id)
        .group_by(School.id, School.name, School.school_form, School.provider, School.district)).all()
    work = dict(session.exec(select(SchoolActivity.school_id, func.count(SchoolActivity.id))
                             .where(_between(SchoolActivity.held_on, period))
                             .group_by(SchoolActivity.school_id)).all())
    out = [SchoolRow(sid, name, form, provider, ref.district_name(district) if district else NO_DISTRICT,
                     int(n), int(total), int(work.get(sid, 0)))
           for sid, name, form, provider, district, n, total in rows]
    # Sorted here (one row per school), so both backends give one order whatever their collation.
    return sorted(out, key=lambda r: (r.district, -r.referred, r.name.casefold()))


def districts(session: Session, period: Period, config: Config | None = None) -> list[DistrictRow]:
    ref = (config or get_config()).reference
    per_school = schools(session, period, config)
    cases = dict(session.exec(select(Case.district, func.count(Case.id)).where(_between(Case.received_on, period))
                              .group_by(Case.district)).all())
    names = [(d.key, d.name) for d in ref.districts]
    known = {k for k, _ in names}
    names += [(k, k) for k in sorted(k for k in cases if k and k not in known)] + [(None, NO_DISTRICT)]
    out = []
    for key, name in names:
        mine = [r for r in per_school if r.district == name]
        n_cases = int(cases.get(key, 0))
        if key is None and not mine and not n_cases:
            continue
        out.append(DistrictRow(name, len(mine), sum(r.referred > 0 for r in mine), sum(r.never for r in mine),
                               n_cases))
    return out


def activities(session: Session, period: Period, config: Config | None = None) -> list[ActivityRow]:
    kinds = list((config or get_config()).reference.school_work_kinds)
    rows = {k: (int(n), int(m or 0), int(s)) for k, n, m, s in session.exec(
        select(SchoolActivity.kind, func.count(SchoolActivity.id), func.sum(SchoolActivity.minutes),
               func.count(func.distinct(SchoolActivity.school_id)))
        .where(_between(SchoolActivity.held_on, period)).group_by(SchoolActivity.kind)).all()}
    order = kinds + sorted(k for k in rows if k not in kinds)
    return [ActivityRow(k, *rows.get(k, (0, 0, 0))) for k in order]
