"""The actors involved in a case (BUP, HAB, social services, ...), and which of them no consent covers yet."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from narvaro.casework import cases, consent
from narvaro.core import audit, clock
from narvaro.core.config import get_config
from narvaro.core.errors import FieldError
from narvaro.core.models import CaseActor

NAME_MAX = 200


def add_actor(session: Session, case_id: int, expected_version: int, *, actor_type: str | None,
              organisation: str | None, contact_person: str | None, by: str) -> CaseActor:
    if actor_type not in get_config().reference.actor_types:
        raise FieldError("actor_type", "Välj typ av aktör ur listan.")
    organisation = (organisation or "").strip() or None
    contact_person = (contact_person or "").strip() or None
    if contact_person is None:
        raise FieldError("contact_person", "Skriv kontaktperson hos aktören.")
    for value, field in ((organisation, "organisation"), (contact_person, "contact_person")):
        if value and len(value) > NAME_MAX:
            raise FieldError(field, f"Högst {NAME_MAX} tecken.")
    cases.claim(session, case_id, expected_version, by)
    actor = CaseActor(case_id=case_id, actor_type=actor_type, organisation=organisation,
                      contact_person=contact_person, created_by=by, created_at=clock.now())
    session.add(actor)
    session.flush()
    cases.add_event(session, case_id, "aktör", f"Aktör inkopplad: {actor_type}"
                    + (f" ({organisation})" if organisation else "") + ".", by)
    audit.record(session, by, audit.CHANGE, case_id, f"aktör {actor_type}")
    return actor


def actors_for(session: Session, case_id: int) -> list[CaseActor]:
    return list(session.exec(select(CaseActor).where(CaseActor.case_id == case_id)
                             .order_by(col(CaseActor.id))).all())


def actors_without_consent(session: Session, case_id: int, on: dt.date | None = None) -> list[str]:
    """Actor types involved in the case that no valid consent covers: information may not be exchanged."""
    covered = consent.covered_actors(session, case_id, on)
    return list(dict.fromkeys(a.actor_type for a in actors_for(session, case_id) if a.actor_type not in covered))
