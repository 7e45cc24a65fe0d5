"""Reading the audit log for the admin's search page: filters, case numbers, choices. Read-only by design."""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from narvaro.casework import cases
from narvaro.core import audit, clock
from narvaro.core.errors import FieldError
from narvaro.core.models import AuditEntry, Case

LIMIT = 500
ACTIONS = (audit.VIEW, audit.CREATE, audit.CHANGE, audit.ASSIGN, audit.CLOSE, audit.REOPEN, audit.EXPORT,
           audit.IMPORT, audit.LOGIN, audit.LOGIN_FAILED, audit.LOGOUT, audit.SESSION_START, audit.SESSION_END,
           audit.SECOND_FACTOR, audit.USER_ADMIN, audit.PURGE,
           audit.BACKUP, audit.CONFIG, audit.PROCESS, audit.DEMO, audit.REFUSED)


def usernames(session: Session) -> list[str]:
    names = session.exec(select(AuditEntry.username).where(col(AuditEntry.username).is_not(None))
                         .distinct()).all()
    return sorted(names)


def actions(session: Session) -> list[str]:
    found = set(session.exec(select(AuditEntry.action).distinct()).all())
    return list(ACTIONS) + sorted(found - set(ACTIONS))


def search(session: Session, *, username: str | None = None, case_number: str | None = None,
           date_from: dt.date | None = None, date_to: dt.date | None = None, action: str | None = None,
           limit: int = LIMIT) -> list[dict[str, Any]]:
    """Matching entries, newest first, as rows for a table (case number instead of the internal id)."""
    case_id = None
    if case_number and case_number.strip():
        case = cases.find_by_number(session, case_number)
        if case is None:
            raise FieldError("case_number", f"Det finns inget ärende med numret {case_number.strip().upper()}.")
        case_id = case.id
    entries = audit.search(session, username=username or None, case_id=case_id, date_from=date_from,
                           date_to=date_to, action=action or None, limit=limit)
    ids = {e.case_id for e in entries if e.case_id is not None}
    numbers = dict(session.exec(select(Case.id, Case.number).where(col(Case.id).in_(ids))).all()) if ids else {}
    return [{
        "Tid": clock.local(e.at).strftime("%Y-%m-%d %H:%M:%S") if e.at else "",
        "Användare": e.username or "",
        "Händelse": e.action,
        "Ärende": numbers.get(e.case_id, "") if e.case_id is not None else "",
        "Detalj": e.detail or "",
    } for e in entries]
