"""Secrets and deployment settings from the environment or Streamlit secrets; never from the repository."""
from __future__ import annotations

import os
import secrets

from .db import ROOT

KEY_FILE = ROOT / "var" / "cookie_key"
MIN_KEY_LENGTH = 32  # the login cookie is an HMAC-SHA256 token: a shorter key can be guessed offline


class SettingsError(RuntimeError):
    """A deployment setting that must be fixed before the app may start."""


def _secret(name: str) -> str | None:
    value = os.environ.get(f"NARVARO_{name.upper()}")
    if value:
        return value
    try:
        import streamlit as st

        return st.secrets.get(name)
    except Exception:
        return None


def cookie_key() -> str:
    """The key that signs the login cookie: NARVARO_COOKIE_KEY, secrets' cookie_key, or one made for this machine.

    The generated key is written outside the repository (var/, git-ignored) with owner-only access,
    so a first start works without setup and no key is ever committed.
    """
    key = _secret("cookie_key")
    if key:
        if len(key) < MIN_KEY_LENGTH:
            raise SettingsError(
                f"Nyckeln för inloggningscookien (NARVARO_COOKIE_KEY eller cookie_key i secrets) är för kort: "
                f"minst {MIN_KEY_LENGTH} tecken. Skapa en med: "
                "python -c 'import secrets; print(secrets.token_urlsafe(32))'")
        return key
    if KEY_FILE.exists():
        return KEY_FILE.read_text().strip()
    KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    fd = os.open(KEY_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def login_sleep_seconds() -> float:
    # streamlit-authenticator waits before showing the login form; tests turn it off.
    return float(os.environ.get("NARVARO_LOGIN_SLEEP", "0.7"))


def cookie_name() -> str:
    return os.environ.get("NARVARO_COOKIE_NAME", "narvaro_inloggning")
