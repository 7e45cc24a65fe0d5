"""Cooperation with other actors, followed over the year (003:375 "kartlägga och förtydliga samarbetet med andra
aktörer", 003:409 "samarbete med övriga aktörer ... kunna följas i de olika ärendena").

Per actor type in data/reference.yaml, for a period:
- consents: consents given in the period that cover the actor;
- interventions: interventions with the actor (actor_type) whose start date is in the period;
- meetings: meetings held in the period that the actor took part in;
- cases: distinct cases with any of the three in the period.
Actors are stored as labels separated by ';' (consents, meetings), so each count is a SUM/COUNT over a LIKE on
';label;' in one aggregate query per table; nothing is loaded into Python.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, func, literal, select, union_all
from sqlalchemy import case as sql_case
from sqlmodel import Session

from narvaro.casework.consent import SEPARATOR
from narvaro.core.config import Config, get_config
from narvaro.core.models import CaseIntervention, Consent, Meeting
from narvaro.reporting.indicators import Period, _between


@dataclass(frozen=True)
class ActorRow:
    actor: str
    consents: int
    interventions: int
    meetings: int
    cases: int


def _packed(column) -> object:
    """';a;b;' so that a label matches only whole: 'Region' must not match 'Region Uppsala'."""
    return literal(SEPARATOR, String) + func.coalesce(column, "") + literal(SEPARATOR, String)


def _sums(session: Session, packed, labels: list[str], *where) -> list[int]:
    cols = [func.coalesce(func.sum(sql_case((packed.contains(f"{SEPARATOR}{a}{SEPARATOR}", autoescape=True), 1),
                                            else_=0)), 0) for a in labels]
    return [int(v) for v in session.exec(select(*cols).where(*where)).one()]


def compute(session: Session, period: Period, config: Config | None = None) -> list[ActorRow]:
    labels = list((config or get_config()).reference.actor_types)
    if not labels:
        return []
    consent_in = _between(Consent.given_on, period)
    intervention_in = _between(CaseIntervention.start_on, period)
    meeting_in = _between(Meeting.held_on, period)
    consents = _sums(session, _packed(Consent.actors), labels, consent_in)
    interventions = _sums(session, _packed(CaseIntervention.actor_type), labels, intervention_in)
    meetings = _sums(session, _packed(Meeting.actor_types), labels, meeting_in)
    touched = union_all(
        select(Consent.case_id.label("case_id"), _packed(Consent.actors).label("actors")).where(consent_in),
        select(CaseIntervention.case_id, _packed(CaseIntervention.actor_type)).where(intervention_in),
        select(Meeting.case_id, _packed(Meeting.actor_types)).where(meeting_in),
    ).subquery()
    distinct = [func.count(func.distinct(sql_case(
        (touched.c.actors.contains(f"{SEPARATOR}{a}{SEPARATOR}", autoescape=True), touched.c.case_id))))
        for a in labels]
    cases = [int(v) for v in session.exec(select(*distinct)).one()]
    return [ActorRow(a, c, i, m, n) for a, c, i, m, n in zip(labels, consents, interventions, meetings, cases)]
