"""The second factor for local accounts: TOTP (RFC 6238, pyotp) and one-time recovery codes. No Streamlit here.

The QR code for enrolment is drawn here as SVG (segno), so no other host ever sees the secret.
"""
from __future__ import annotations

import secrets

import bcrypt
import pyotp
import segno
from sqlmodel import Session, select

from narvaro.core import audit, clock
from narvaro.core.auth_models import RecoveryCode
from narvaro.core.config import get_config
from narvaro.core.models import User

ISSUER = "Närvaro"
RECOVERY_CODES = 8
STEP = 30


def required(role: str | None, demo: bool = False) -> bool:
    """Whether this role must use a second factor (data/process.yaml). A demo database holds only made-up people."""
    return not demo and role in get_config().process.rules.second_factor_roles


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(username: str, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment QR code as an SVG document, drawn locally."""
    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000000", light="#ffffff")


def _step(at: float) -> int:
    return int(at // STEP)


def _matching_step(secret: str, code: str, after: int | None) -> int | None:
    """The step (now, or one either side for a clock that drifts) whose code this is, if not used before."""
    now = _step(clock.now().timestamp())
    totp = pyotp.TOTP(secret)
    for step in (now, now - 1, now + 1):
        if (after is None or step > after) and secrets.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def _clean(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def enroll(session: Session, user: User, secret: str, code: str) -> list[str] | None:
    """Store the secret when the first code from the app is right; returns the new recovery codes (shown once)."""
    step = _matching_step(secret, _clean(code), None)
    if step is None:
        return None
    user.totp_secret, user.totp_last_step = secret, step
    session.add(user)
    audit.record(session, user.username, audit.SECOND_FACTOR, detail="andra faktorn registrerad")
    return _new_recovery_codes(session, user)


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all():
        session.delete(old)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}" for _ in range(RECOVERY_CODES)]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_hash=bcrypt.hashpw(_clean(code).encode(), bcrypt.gensalt(rounds=10)).decode()))
    return codes


def verify(session: Session, user: User, code: str) -> bool:
    """A code from the app (each at most once) or an unused recovery code (then used up). Audited either way."""
    code = _clean(code)
    ok = False
    if user.totp_secret and code.isdigit() and len(code) == 6:
        step = _matching_step(user.totp_secret, code, user.totp_last_step)
        if step is not None:
            user.totp_last_step = step
            session.add(user)
            ok = True
    elif code:
        for row in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                                           RecoveryCode.used_at == None)).all():  # noqa: E711
            if bcrypt.checkpw(code.encode(), row.code_hash.encode()):
                row.used_at = clock.now()
                session.add(row)
                audit.record(session, user.username, audit.SECOND_FACTOR, detail="återställningskod använd")
                ok = True
                break
    audit.record(session, user.username, audit.SECOND_FACTOR if ok else audit.LOGIN_FAILED,
                 detail="engångskod godkänd" if ok else "fel engångskod")
    return ok


def unused_recovery_codes(session: Session, user: User) -> int:
    return len(session.exec(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                          RecoveryCode.used_at == None)).all())  # noqa: E711


def reset(session: Session, user: User, by: str) -> None:
    """The admin's reset (a lost phone): the user enrols again at the next login."""
    user.totp_secret, user.totp_last_step = None, None
    session.add(user)
    for old in session.exec(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all():
        session.delete(old)
    audit.record(session, by, audit.USER_ADMIN, detail=f"återställde andra faktorn för {user.username}")
