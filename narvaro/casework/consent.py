"""Consent (samtycke): who gave it, for which actors, how long it holds.

Information may only be exchanged with an actor the guardians (and older pupils) have consented to,
so coordinating work with an actor is blocked until a valid consent covers it (seed 001). Once the pupil is of
age, only the pupil consents, and a guardian's consent no longer holds (002:62; narvaro.casework.pupil).
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from narvaro.casework import cases, pupil
from narvaro.core import audit, clock
from narvaro.core.config import get_config
from narvaro.core.errors import FieldError, MissingConsent
from narvaro.core.models import Case, Consent

SEPARATOR = ";"


def actors_of(consent: Consent) -> list[str]:
    return [a for a in consent.actors.split(SEPARATOR) if a]


def is_valid(consent: Consent, on: dt.date) -> bool:
    if consent.given_on > on:
        return False
    if consent.withdrawn_on is not None and consent.withdrawn_on <= on:
        return False
    return consent.valid_until is None or consent.valid_until >= on


def add_consent(session: Session, case_id: int, expected_version: int, *, given_by: str, actors: list[str],
                given_on: dt.date, valid_until: dt.date | None, by: str) -> Consent:
    ref = get_config().reference
    if given_by not in ref.consent_givers:
        raise FieldError("given_by", f"Välj vem som gett samtycket ({', '.join(ref.consent_givers)}).")
    case = session.get(Case, case_id)
    if case is not None and given_by in ref.guardians and pupil.of_age(case, given_on) is True:
        raise FieldError("given_by", "Eleven är myndig: bara eleven själv kan ge samtycke "
                                     f"({', '.join(ref.consent_givers_for(True))}).")
    unknown = [a for a in actors if a not in ref.actor_types]
    if not actors or unknown:
        raise FieldError("actors", "Välj minst en aktör ur listan." if not unknown else f"Okänd aktör: {unknown[0]}.")
    if given_on > clock.today():
        raise FieldError("given_on", "Datumet för samtycket kan inte ligga i framtiden.")
    if valid_until is not None and valid_until < given_on:
        raise FieldError("valid_until", "Giltigt till kan inte vara före datumet samtycket gavs.")
    cases.claim(session, case_id, expected_version, by)
    consent = Consent(case_id=case_id, given_by=given_by, actors=SEPARATOR.join(actors), given_on=given_on,
                      valid_until=valid_until, created_by=by)
    session.add(consent)
    session.flush()
    cases.add_event(session, case_id, "samtycke", f"Samtycke från {given_by} för {', '.join(actors)}.", by, given_on)
    audit.record(session, by, audit.CHANGE, case_id, "samtycke registrerat")
    return consent


def withdraw(session: Session, case_id: int, expected_version: int, consent_id: int, on: dt.date, by: str) -> None:
    consent = session.get(Consent, consent_id)
    if consent is None or consent.case_id != case_id:
        raise FieldError("consent", "Samtycket finns inte på ärendet.")
    cases.claim(session, case_id, expected_version, by)
    consent.withdrawn_on = on
    session.add(consent)
    cases.add_event(session, case_id, "samtycke", f"Samtycke från {consent.given_by} återkallat.", by, on)
    audit.record(session, by, audit.CHANGE, case_id, "samtycke återkallat")


def consents(session: Session, case_id: int) -> list[Consent]:
    return list(session.exec(select(Consent).where(Consent.case_id == case_id).order_by(Consent.given_on)).all())


def guardian_consent_lapsed(case: Case | None, consent: Consent, on: dt.date) -> bool:
    """A guardian's consent does not hold on a day the pupil is of age."""
    return (case is not None and consent.given_by in get_config().reference.guardians
            and pupil.of_age(case, on) is True)


def covered_actors(session: Session, case_id: int, on: dt.date | None = None) -> set[str]:
    """The actor types some consent of the case covers on the day (today if not given)."""
    on = on or clock.today()
    case = session.get(Case, case_id)
    return {a for c in consents(session, case_id) if is_valid(c, on) and not guardian_consent_lapsed(case, c, on)
            for a in actors_of(c)}


def has_valid_consent(session: Session, case_id: int, actor_type: str, on: dt.date | None = None) -> bool:
    return actor_type in covered_actors(session, case_id, on)


def require_consent(session: Session, case_id: int, actor_type: str, on: dt.date | None = None) -> None:
    """Raise MissingConsent unless a valid consent covers `actor_type` (call before coordinating with an actor)."""
    if not has_valid_consent(session, case_id, actor_type, on):
        raise MissingConsent(actor_type)
