"""Hand-out (fördelning): the team leader gives a queued case to one coordinator, or several for a team case.

The suggestion follows the team's rule of thumb: the district's coordinator if under the caseload
guideline, otherwise the least loaded. Assigning is one action under the case's optimistic lock, so
of two people handing out the same case at once exactly one succeeds.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from narvaro.casework import cases, proofs
from narvaro.casework.caseload import Load
from narvaro.core import audit, clock
from narvaro.core.config import get_config
from narvaro.core.errors import ClosedCaseError, FieldError, NotAllowed, StaleCaseError
from narvaro.core.models import ASSIGNED, QUEUED, Assignment, Case, User
from narvaro.core.permissions import CASE_WORKERS, HANDOUT_ROLES


def suggest(case_district: str | None, loads: list[Load], guideline: int | None = None) -> Load | None:
    """The district's coordinator if under the guideline, else the least loaded (ties: by name)."""
    if not loads:
        return None
    guideline = guideline if guideline is not None else get_config().process.rules.caseload_guideline
    ranked = sorted(loads, key=lambda ld: (ld.open_cases, ld.name))
    if case_district:
        own = [ld for ld in ranked if ld.district == case_district]
        if own and own[0].open_cases < guideline:
            return own[0]
    return ranked[0]


def assign(session: Session, case_id: int, expected_version: int, *, user_ids: list[int], by: str,
           role: str, today: dt.date | None = None) -> Case:
    """Give the queued case to the coordinators in `user_ids` (the first is lead). Raises StaleCaseError
    if the case was handed out or changed since `expected_version` was read."""
    if role not in HANDOUT_ROLES:
        raise NotAllowed("Bara teamledaren fördelar ärenden.")
    ids = list(dict.fromkeys(user_ids))
    if not ids:
        raise FieldError("coordinators", "Välj minst en koordinator.")
    users = {u.id: u for u in session.exec(select(User).where(User.id.in_(ids))).all()}  # type: ignore[union-attr]
    if set(users) != set(ids) or any(not u.active or u.role not in CASE_WORKERS
                                     for u in users.values()):
        raise FieldError("coordinators", "Välj koordinatorer i listan.")
    try:
        case = cases.claim(session, case_id, expected_version, by)
    except (StaleCaseError, ClosedCaseError):
        current = session.get(Case, case_id)
        number = current.number if current else ""
        raise StaleCaseError(number, message=(
            f"Ärende {number} har redan fördelats eller ändrats av någon annan medan du valde. "
            "Inget är ändrat av dig: tavlan visar nu läget, välj ärende igen.")) from None
    if case.status != QUEUED:
        raise StaleCaseError(case.number, message=f"Ärende {case.number} ligger inte längre i kön.")
    day = today or clock.today()
    first_step = get_config().process.steps[0].key
    case.status, case.assigned_on = ASSIGNED, day
    case.current_step, case.step_started_on = first_step, day
    session.add(case)
    for i, uid in enumerate(ids):
        session.add(Assignment(case_id=case.id, user_id=uid, lead=(i == 0), assigned_by=by))
    names = ", ".join(users[uid].name for uid in ids)
    audit.record(session, by, audit.ASSIGN, case.id, f"fördelade {case.number} till {names}")
    cases.add_event(session, case.id, "tilldelat", f"Ärendet fördelades till {names}.", by, day)
    session.flush()
    proofs.prove(session, case, "handout", "fördelningen", day, by)
    if case.investigated_on is not None:
        proofs.prove(session, case, "investigation", "frånvaroutredningen vid inkomst", case.investigated_on, by)
    return case
