"""Interventions on a case: picking from the exempellista or a custom one, status, and effect per follow-up meeting.

The figures of what has worked are in narvaro.reporting.intervention_usage.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import case as sql_case
from sqlmodel import Session, col, select

from narvaro.casework import cases, catalogue, consent
from narvaro.casework.catalogue import KIND_LABELS
from narvaro.core import audit, clock
from narvaro.core.config import get_config
from narvaro.core.errors import FieldError
from narvaro.core.models import CaseIntervention, EffectRating, Meeting

PLAN_MAX = 500
COMMENT_MAX = 1000


# --- changes on a case ---------------------------------------------------------------------------

def _intervention_on_case(session: Session, case_id: int, ci_id: int) -> CaseIntervention:
    ci = session.get(CaseIntervention, ci_id)
    if ci is None or ci.case_id != case_id:
        raise FieldError("intervention", "Insatsen finns inte på ärendet.")
    return ci


def add_intervention(session: Session, case_id: int, expected_version: int, *, by: str, kind: str | None = None,
                     intervention_key: str | None = None, name: str | None = None, performed_by: str | None,
                     actor_type: str | None = None, start_on: dt.date | None = None, plan: str | None = None,
                     status: str | None = None) -> CaseIntervention:
    """Put an intervention on the case: one from the exempellista (`intervention_key`) or a custom one (`name`, `kind`).

    A coordinating or supporting intervention that involves an external actor is refused (consent.MissingConsent)
    unless a valid consent covers that actor, today and on the start date.
    """
    ref = get_config().reference
    if intervention_key:
        found = catalogue.find_definition(session, intervention_key)
        if found is None:
            raise FieldError("intervention_key", "Insatsen finns inte i exempellistan. Välj en insats ur listan.")
        kind, definition = found
        name = definition.name
    else:
        name = catalogue.custom_name(name, kind, "Skriv vad den egna insatsen heter.")
    # Who carries it out and its statuses are lists in data/reference.yaml; the first status is the default.
    performers, statuses = ref.performer_labels, ref.intervention_status_labels
    status = status or statuses[0]
    if performed_by not in performers:
        raise FieldError("performed_by", f"Välj vem som utför insatsen ({', '.join(performers)}).")
    actor_type = actor_type or None
    if actor_type is not None and actor_type not in ref.actor_types:
        raise FieldError("actor_type", f"Okänd aktör: {actor_type}.")
    if performed_by == ref.other_actor_performer and actor_type is None:
        raise FieldError("actor_type", "Välj vilken aktör som utför insatsen.")
    plan = (plan or "").strip() or None
    if plan is not None and len(plan) > PLAN_MAX:
        raise FieldError("plan", f"Frekvens eller plan får vara högst {PLAN_MAX} tecken.")
    if status not in statuses:
        raise FieldError("status", f"Välj en status ({', '.join(statuses)}).")

    if kind in catalogue.CONSENT_KINDS and actor_type is not None:
        # Checked before the case is claimed, so a refusal changes nothing.
        today = clock.today()
        consent.require_consent(session, case_id, actor_type, today)
        if start_on is not None and start_on > today:
            consent.require_consent(session, case_id, actor_type, start_on)

    cases.claim(session, case_id, expected_version, by)
    ci = CaseIntervention(case_id=case_id, intervention_key=intervention_key or None, name=name, kind=kind,
                          performed_by=performed_by, actor_type=actor_type, start_on=start_on, plan=plan,
                          status=status, created_by=by)
    session.add(ci)
    session.flush()
    who = performed_by if actor_type is None else f"{performed_by}, {actor_type}"
    own = "" if intervention_key else " (egen insats)"
    cases.add_event(session, case_id, "insats",
                    f"Insats tillagd: {name}{own}, {KIND_LABELS[kind].lower()}, utförs av {who}.", by)
    audit.record(session, by, audit.CHANGE, case_id, f"insats tillagd: {name}")
    return ci


def update_status(session: Session, case_id: int, expected_version: int, ci_id: int, status: str,
                  by: str) -> CaseIntervention:
    statuses = get_config().reference.intervention_status_labels
    if status not in statuses:
        raise FieldError("status", f"Välj en status ({', '.join(statuses)}).")
    ci = _intervention_on_case(session, case_id, ci_id)
    if ci.status == status:
        raise FieldError("status", f"Insatsen har redan status {status}.")
    cases.claim(session, case_id, expected_version, by)
    before = ci.status
    ci.status = status
    # The attendance line marks the end: the day it left the open statuses (back to open: it goes on again).
    ended = status not in get_config().reference.open_intervention_statuses
    ci.end_on = (ci.end_on or clock.today()) if ended else None
    session.add(ci)
    cases.add_event(session, case_id, "insats", f"Insatsen {ci.name}: status {before} → {status}.", by)
    audit.record(session, by, audit.CHANGE, case_id, f"insats {ci.id} status {status}")
    return ci


def rate_effect(session: Session, case_id: int, expected_version: int, ci_id: int, *, rating: str,
                comment: str | None, meeting_id: int | None, by: str) -> EffectRating:
    """The effect of an intervention as judged at a follow-up meeting (one rating per meeting)."""
    if rating not in get_config().reference.effect_ratings:
        raise FieldError("rating", "Välj en effekt ur listan.")
    comment = (comment or "").strip() or None
    if comment is not None and len(comment) > COMMENT_MAX:
        raise FieldError("comment", f"Kommentaren får vara högst {COMMENT_MAX} tecken.")
    ci = _intervention_on_case(session, case_id, ci_id)
    meeting = None
    if meeting_id is not None:
        meeting = session.get(Meeting, meeting_id)
        if meeting is None or meeting.case_id != case_id:
            raise FieldError("meeting_id", "Mötet finns inte på ärendet.")
        taken = session.exec(select(EffectRating.id).where(EffectRating.case_intervention_id == ci.id,
                                                           EffectRating.meeting_id == meeting_id)).first()
        if taken is not None:
            raise FieldError("meeting_id", f"Insatsen har redan en effektbedömning från mötet {meeting.held_on}.")
    cases.claim(session, case_id, expected_version, by)
    er = EffectRating(case_intervention_id=ci.id, meeting_id=meeting_id, rating=rating, comment=comment, rated_by=by)
    session.add(er)
    session.flush()
    at = f" vid mötet {meeting.held_on.isoformat()}" if meeting else ""
    cases.add_event(session, case_id, "insats", f"Effekt av {ci.name}{at}: {rating}.", by,
                    meeting.held_on if meeting else None)
    audit.record(session, by, audit.CHANGE, case_id, f"insats {ci.id} effekt {rating}")
    return er


# --- reading a case's interventions --------------------------------------------------------------

@dataclass(frozen=True)
class Rating:
    rating: str
    comment: str | None
    meeting_on: dt.date | None
    rated_by: str
    rated_at: dt.datetime


def for_case(session: Session, case_id: int) -> list[CaseIntervention]:
    kind_order = sql_case(*[(CaseIntervention.kind == kind, i) for i, kind in enumerate(catalogue.KINDS)],
                          else_=len(catalogue.KINDS))
    return list(session.exec(select(CaseIntervention).where(CaseIntervention.case_id == case_id)
                             .order_by(kind_order, col(CaseIntervention.id))).all())


def ratings(session: Session, case_id: int) -> dict[int, list[Rating]]:
    """Effect ratings of the case's interventions, oldest first, with the date of the meeting they belong to."""
    rows = session.exec(
        select(EffectRating, Meeting.held_on)
        .join(CaseIntervention, CaseIntervention.id == EffectRating.case_intervention_id)
        .outerjoin(Meeting, Meeting.id == EffectRating.meeting_id)
        .where(CaseIntervention.case_id == case_id)
        .order_by(col(EffectRating.id))
    ).all()
    out: dict[int, list[Rating]] = {}
    for er, held_on in rows:
        out.setdefault(er.case_intervention_id, []).append(
            Rating(er.rating, er.comment, held_on, er.rated_by, er.rated_at))
    return out
