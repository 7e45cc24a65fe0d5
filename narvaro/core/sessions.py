"""Login sessions kept on the server. The browser's cookie carries only a random token; the session is a row.

Every run of the app looks the row up, so a session ended here (logout, idle timeout, password change, "logga ut
överallt") opens nothing any more, on every app server process at once. A copied cookie is only a token whose row
says it has ended. No Streamlit here.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlmodel import Session, col, select

from narvaro.core import audit, clock
from narvaro.core.auth_models import LoginSession
from narvaro.core.config import get_config

TOUCH_EVERY = dt.timedelta(seconds=30)  # last_seen_at is written at most this often (each run would be a write)

# Why a session ended, as the audit log and the session list say it.
LOGOUT = "utloggad"
IDLE = "inaktivitet"
PASSWORD_CHANGED = "nytt lösenord"
EVERYWHERE = "utloggad överallt"
ADMIN_ENDED = "avslutad av administratör"
INACTIVE_ACCOUNT = "kontot är inte aktivt"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=get_config().process.rules.session_timeout_minutes)


def start(session: Session, username: str, method: str, *, second_factor_done: bool,
          address: str | None = None, external_marker: str | None = None) -> str:
    """A new session; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    session.add(LoginSession(token_hash=_hash(token), username=username, method=method,
                             second_factor_done=second_factor_done, address=(address or None),
                             external_marker=external_marker))
    audit.record(session, username, audit.SESSION_START,
                 detail=f"{method}{', väntar på andra faktorn' if not second_factor_done else ''}")
    return token


def find(session: Session, token: str | None) -> LoginSession | None:
    if not token:
        return None
    return session.exec(select(LoginSession).where(LoginSession.token_hash == _hash(token))).first()


def _is_live(row: LoginSession, now: dt.datetime) -> bool:
    return row.revoked_at is None and now - row.last_seen_at <= _idle_limit()


def check(session: Session, token: str | None) -> tuple[str | None, str | None]:
    """(username, None) while the token's session is live and complete, and marks it seen; (None, why) when it
    has ended (the idle timeout ends it here, audited); (None, None) for an unknown token or a pending one."""
    row = find(session, token)
    if row is None:
        return None, None
    now = clock.now()
    if row.revoked_at is not None:
        return None, row.revoked_reason
    if not _is_live(row, now):
        _end(session, row, IDLE, now)
        return None, IDLE
    if not row.second_factor_done:
        return None, None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
        session.add(row)
    return row.username, None


def complete_second_factor(session: Session, token: str) -> None:
    row = find(session, token)
    if row is not None and row.revoked_at is None:
        row.second_factor_done = True
        row.last_seen_at = clock.now()
        session.add(row)
        audit.record(session, row.username, audit.SESSION_START, detail="andra faktorn godkänd")


def _end(session: Session, row: LoginSession, reason: str, now: dt.datetime, by: str | None = None) -> None:
    row.revoked_at, row.revoked_reason = now, reason[:60]
    session.add(row)
    audit.record(session, by or row.username, audit.SESSION_END, detail=f"{row.username}: {reason}")


def end(session: Session, token: str | None, reason: str = LOGOUT) -> None:
    """End one session (logout)."""
    row = find(session, token)
    if row is not None and row.revoked_at is None:
        _end(session, row, reason, clock.now())


def end_all(session: Session, username: str, reason: str, by: str | None = None) -> int:
    """End every live session of a user ("logga ut överallt", a new password, the admin's action)."""
    rows = session.exec(select(LoginSession).where(LoginSession.username == username,
                                                   LoginSession.revoked_at == None)).all()  # noqa: E711
    now = clock.now()
    for row in rows:
        _end(session, row, reason, now, by=by)
    return len(rows)


def live(session: Session, username: str | None = None) -> list[LoginSession]:
    """Sessions not ended and not idle past the limit, newest first (for the user's and the admin's lists)."""
    q = select(LoginSession).where(LoginSession.revoked_at == None)  # noqa: E711
    if username:
        q = q.where(LoginSession.username == username)
    now = clock.now()
    return [r for r in session.exec(q.order_by(col(LoginSession.id).desc())).all() if _is_live(r, now)]
