"""Case basics every page builds on: numbers, reading with an audit entry, saving with optimistic locking."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc, insert, update
from sqlmodel import Session, select

from narvaro.core import audit, clock, permissions
from narvaro.core.config import get_config
from narvaro.core.errors import ClosedCaseError, NotAllowed, NotFound, StaleCaseError
from narvaro.core.models import CLOSED, QUEUED, Case, CaseEvent, CaseNumberSeq
from narvaro.core.permissions import CurrentUser

NOT_YOURS = ("Ärendet är en annan koordinators. Du kan bara öppna dina egna ärenden, teamets ärenden och "
             "ärenden i kö.")


def format_number(year: int, seq: int) -> str:
    return f"NK-{year}-{seq:04d}"


def next_case_number(session: Session, year: int) -> str:
    """Hand out the next free number for the year; safe when two intakes save at the same moment."""
    if session.get(CaseNumberSeq, year) is None:
        try:
            with session.begin_nested():
                session.exec(insert(CaseNumberSeq).values(year=year, last=0))
        except exc.IntegrityError:
            pass  # another session created the row first
    while True:
        seq = session.exec(
            update(CaseNumberSeq).where(CaseNumberSeq.year == year)
            .values(last=CaseNumberSeq.last + 1).returning(CaseNumberSeq.last)
        ).scalar_one()
        number = format_number(year, seq)
        # Imported history may already hold this number.
        if session.exec(select(Case.id).where(Case.number == number)).first() is None:
            return number


def reserve_case_numbers(session: Session, year: int, count: int, also_taken: set[str] | None = None) -> list[str]:
    """`count` free numbers for the year at once (an import's rows without a number), skipping any that imported
    history already holds (or `also_taken`): next_case_number's rule, in a few statements instead of two per
    number."""
    if count <= 0:
        return []
    if session.get(CaseNumberSeq, year) is None:
        try:
            with session.begin_nested():
                session.exec(insert(CaseNumberSeq).values(year=year, last=0))
        except exc.IntegrityError:
            pass
    numbers: list[str] = []
    while len(numbers) < count:
        want = count - len(numbers)
        last = session.exec(
            update(CaseNumberSeq).where(CaseNumberSeq.year == year)
            .values(last=CaseNumberSeq.last + want).returning(CaseNumberSeq.last)
        ).scalar_one()
        candidates = [format_number(year, seq) for seq in range(last - want + 1, last + 1)]
        taken: set[str] = set(also_taken or ())
        for i in range(0, len(candidates), 500):
            chunk = candidates[i:i + 500]
            taken.update(session.exec(select(Case.number).where(Case.number.in_(chunk))).all())  # type: ignore[attr-defined]
        numbers += [n for n in candidates if n not in taken]
    return numbers


def add_event(session: Session, case_id: int, kind: str, text: str, by: str | None,
              on_date: dt.date | None = None) -> None:
    session.add(CaseEvent(case_id=case_id, kind=kind, text=text, by=by, on_date=on_date or clock.today()))


def create_case(session: Session, fields: dict[str, Any], by: str | None) -> Case:
    """Register a new case in the queue. Field validation of a request is the intake's job."""
    data = dict(fields)
    received: dt.date = data["received_on"]
    data.setdefault("number", next_case_number(session, received.year))
    data.setdefault("status", QUEUED)
    data["created_by"] = data["updated_by"] = by
    data.setdefault("process_version", get_config().version)
    case = Case.model_validate(data)
    session.add(case)
    session.flush()
    add_event(session, case.id, "registrerat", f"Ärendet registrerades ({case.way_in or 'inkomstväg ej angiven'}).",
              by, received)
    audit.record(session, by, audit.CREATE, case.id, f"registrerade {case.number}")
    return case


def get_case(session: Session, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound(f"Ärendet finns inte (id {case_id}).")
    return case


def find_by_number(session: Session, number: str) -> Case | None:
    return session.exec(select(Case).where(Case.number == number.strip().upper())).first()


@dataclass(frozen=True)
class CaseAccess:
    """A case as one user may see it: whether they may change it, and enter survey answers on it."""
    case: Case
    can_work: bool
    may_enter_surveys: bool


def open_case_for(session: Session, user: CurrentUser, number: str, *, new_visit: bool = True) -> CaseAccess:
    """The one way in to a case: find it by number, check that this user may open it, and audit the view.

    A refusal is audited too (and raises NotAllowed). `new_visit=False` is for the reruns a page's own buttons
    cause: they are not new views (or new attempts), so they are not logged again.
    """
    number = (number or "").strip().upper()
    case = find_by_number(session, number) if number else None
    if case is None:
        raise NotFound(f"Det finns inget ärende med nummer {number}.")
    if not permissions.may_open(session, user.role, user.id, case):
        if new_visit:
            audit.record_refusal(session, user.username, f"öppna ärende {case.number}", case.id)
        raise NotAllowed(NOT_YOURS)
    if new_visit:
        audit.record(session, user.username, audit.VIEW, case.id)
    return CaseAccess(case, permissions.may_work_on(session, user.role, user.id, case),
                      permissions.may_enter_survey_answers(user.role, case))


def claim(session: Session, case_id: int, expected_version: int, by: str | None,
          allow_closed: bool = False) -> Case:
    """Take the case for a change: raise if someone saved it since `expected_version` was read.

    The version is bumped with a conditional UPDATE, so of two concurrent saves exactly one wins,
    on SQLite and PostgreSQL alike. Call this first in every service that changes a case.
    """
    # The case is worked under the process version this server reads now (narvaro.core.versions.for_case).
    worked_under = {"process_version": v} if (v := get_config().version) is not None else {}
    result = session.exec(
        update(Case).where(Case.id == case_id, Case.version == expected_version)
        .values(version=Case.version + 1, updated_at=clock.now(), updated_by=by, **worked_under)
    )
    if result.rowcount != 1:
        case = session.get(Case, case_id)
        if case is None:
            raise NotFound(f"Ärendet finns inte (id {case_id}).")
        raise StaleCaseError(case.number)
    case = session.get(Case, case_id)
    session.refresh(case)
    if case.status == CLOSED and not allow_closed:
        raise ClosedCaseError()
    return case


def update_case(session: Session, case_id: int, expected_version: int, changes: dict[str, Any],
                by: str | None, event: str | None = None) -> Case:
    """Save changed fields of a case under optimistic locking, with an audit entry (and timeline event)."""
    case = claim(session, case_id, expected_version, by)
    for key, value in changes.items():
        if key in {"id", "number", "version"} or key not in Case.model_fields:
            raise KeyError(key)
        setattr(case, key, value)
    Case.model_validate(case.model_dump())  # table models skip validation on assignment
    session.add(case)
    audit.record(session, by, audit.CHANGE, case.id, ", ".join(sorted(changes)))
    if event:
        add_event(session, case.id, "ändring", event, by)
    return case
