"""Sign-in through the municipality's OpenID Connect provider (Entra ID or another): who the provider's person is
in Närvaro. Roles stay in Närvaro; the admin assigns them. No Streamlit here.
"""
from __future__ import annotations

import hashlib
from typing import Any, Mapping

from sqlmodel import Session, func, select

from narvaro.core import audit
from narvaro.core.auth_models import LoginSession
from narvaro.core.models import User

NO_ACCESS = "Ingen behörighet – kontakta administratören."


def _claim(claims: Mapping[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip().lower() if isinstance(value, str) else ""


def match_user(session: Session, claims: Mapping[str, Any]) -> User | None:
    """The active Närvaro user whose e-mail or username is the provider's `email` or `preferred_username`."""
    names = {c for c in (_claim(claims, "email"), _claim(claims, "preferred_username")) if c}
    if not names:
        return None
    for name in sorted(names):
        user = session.exec(select(User).where(func.lower(User.email) == name, User.active == True)).first()  # noqa: E712
        if user is None:
            user = session.exec(select(User).where(User.username == name, User.active == True)).first()  # noqa: E712
        if user is not None:
            return user
    return None


def describe(claims: Mapping[str, Any]) -> str:
    return _claim(claims, "email") or _claim(claims, "preferred_username") or f"sub {claims.get('sub')}"


def marker(claims: Mapping[str, Any]) -> str:
    """One provider sign-in (issuer, subject, issued-at, nonce), hashed: it may open one Närvaro session only."""
    parts = [str(claims.get(k, "")) for k in ("iss", "sub", "iat", "nonce")]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def sign_in_used(session: Session, mark: str) -> bool:
    """Whether this provider sign-in has already opened a session (then it cannot open another)."""
    return session.exec(select(LoginSession.id).where(LoginSession.external_marker == mark)).first() is not None


def refuse_unknown(session: Session, claims: Mapping[str, Any]) -> None:
    audit.record_refusal(session, None, f"inloggning via kommunens konto: ingen användare för {describe(claims)}")
