"""The audit log: every view of a case, every change, export, import, login and failed login.

Entries are only ever added here; nothing in the app updates or deletes them.
"""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, func, select

from narvaro.core import clock
from narvaro.core.models import AuditEntry

# Action names used across the app, so the audit search can offer them.
VIEW = "visa"
CREATE = "skapa"
CHANGE = "ändra"
ASSIGN = "tilldela"
CLOSE = "avsluta"
REOPEN = "återöppna"
EXPORT = "export"
IMPORT = "import"
LOGIN = "inloggning"
LOGIN_FAILED = "misslyckad inloggning"
LOGOUT = "utloggning"
SESSION_START = "session start"
SESSION_END = "session slut"
SECOND_FACTOR = "andra faktorn"
USER_ADMIN = "användaradmin"
PURGE = "gallring"
BACKUP = "säkerhetskopia"
CONFIG = "konfiguration"
DEMO = "demo"
PROCESS = "arbetsgång"  # a version of the process published or rolled back (narvaro.core.versions)
REFUSED = "nekad"  # an attempt the rules refused: a case or page outside one's role, a locked login


def record(session: Session, username: str | None, action: str, case_id: int | None = None,
           detail: str | None = None) -> None:
    """Add an entry to the caller's transaction, so it lands together with the change it describes."""
    session.add(AuditEntry(username=username, action=action, case_id=case_id,
                           detail=(detail or "")[:2000] or None))


def record_refusal(session: Session, username: str | None, what: str, case_id: int | None = None) -> None:
    """A refused attempt is kept even though the attempt itself changes nothing: committed at once, because the
    caller is about to raise and its transaction would otherwise take the entry with it."""
    record(session, username, REFUSED, case_id, what)
    session.commit()


def latest_id(session: Session) -> int | None:
    """The newest entry's id. Every save writes an entry, so this changes whenever the data do."""
    return session.exec(select(func.max(AuditEntry.id))).one()


def search(session: Session, username: str | None = None, case_id: int | None = None,
           date_from: dt.date | None = None, date_to: dt.date | None = None,
           action: str | None = None, limit: int = 500) -> list[AuditEntry]:
    q = select(AuditEntry)
    if username:
        q = q.where(AuditEntry.username == username)
    if case_id is not None:
        q = q.where(AuditEntry.case_id == case_id)
    if action:
        q = q.where(AuditEntry.action == action)
    # Days are the team's (Swedish) days, as the log page shows the times; the column holds UTC.
    if date_from:
        q = q.where(AuditEntry.at >= dt.datetime.combine(date_from, dt.time.min, tzinfo=clock.LOCAL))
    if date_to:
        q = q.where(AuditEntry.at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=clock.LOCAL))
    return list(session.exec(q.order_by(col(AuditEntry.id).desc()).limit(limit)).all())
