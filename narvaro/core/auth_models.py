"""Tables of sign-in: server-side login sessions, one-time recovery codes, and the per-address login delay.

Kept apart from models.py (case data) and registered on the same metadata through it.
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from narvaro.core import clock


class LoginSession(SQLModel, table=True):
    """A signed-in browser. The cookie holds only a random token; this row (found by the token's hash) is the
    session, so logging out, the idle timeout and "logga ut överallt" end it on every app server at once."""
    __tablename__ = "login_sessions"
    id: Optional[int] = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    username: str = Field(index=True, max_length=64)
    method: str = Field(max_length=20)  # lösenord | oidc
    second_factor_done: bool = False
    created_at: dt.datetime = Field(default_factory=clock.now)
    last_seen_at: dt.datetime = Field(default_factory=clock.now)
    address: Optional[str] = Field(default=None, max_length=64)
    # OIDC: a hash of the provider's sign-in (issuer, subject, issued-at, nonce), so that sign-in cannot open a new
    # session once its session has ended (Streamlit's own identity cookie outlives our logout).
    external_marker: Optional[str] = Field(default=None, index=True, max_length=64)
    revoked_at: Optional[dt.datetime] = None
    revoked_reason: Optional[str] = Field(default=None, max_length=60)


class RecoveryCode(SQLModel, table=True):
    """A one-time code for when the phone is lost; stored hashed (bcrypt), used at most once."""
    __tablename__ = "recovery_codes"
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    code_hash: str = Field(max_length=200)
    used_at: Optional[dt.datetime] = None


class LoginThrottle(SQLModel, table=True):
    """Failed logins per typed username and client address: each failure makes the next attempt from there wait
    longer. The username is stored as typed, known or not, so the delay says nothing about who exists."""
    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("username", "address"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(max_length=200)
    address: str = Field(max_length=64)
    failures: int = 0
    last_failure_at: dt.datetime = Field(default_factory=clock.now)
