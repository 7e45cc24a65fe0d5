"""Secrets and deployment settings from the environment or .streamlit/secrets.toml; never from the repository.

The secrets file is read here with tomllib, not through Streamlit, so the command line, the tests and the app
read the same settings and the domain does not depend on the UI framework.
"""
from __future__ import annotations

import os
import secrets
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from narvaro.core.errors import SettingsError

ROOT = Path(__file__).resolve().parents[2]
SECRETS_FILE = ROOT / ".streamlit" / "secrets.toml"
KEY_FILE = ROOT / "var" / "cookie_key"
MIN_KEY_LENGTH = 32  # the login cookie is an HMAC-SHA256 token: a shorter key can be guessed offline


@lru_cache(maxsize=4)
def _secrets_file(path: str, mtime: float) -> dict[str, Any]:  # noqa: ARG001  (mtime: reread when edited)
    with open(path, "rb") as fh:
        try:
            return tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise SettingsError(f"{path} är inte giltig TOML: {exc}") from None


def secrets_table() -> dict[str, Any]:
    """The secrets file's contents (empty when there is none); NARVARO_SECRETS_FILE points elsewhere."""
    path = Path(os.environ.get("NARVARO_SECRETS_FILE") or SECRETS_FILE)
    if not path.is_file():
        return {}
    return _secrets_file(str(path), path.stat().st_mtime)


def secret(name: str) -> Any:
    """NARVARO_<NAME> from the environment, else `name` in the secrets file, else None."""
    value = os.environ.get(f"NARVARO_{name.upper()}")
    if value:
        return value
    return secrets_table().get(name) or None


def cookie_key() -> str:
    """The key that signs the login cookie: NARVARO_COOKIE_KEY, secrets' cookie_key, or one made for this machine.

    The generated key is written outside the repository (var/, git-ignored) with owner-only access,
    so a first start works without setup and no key is ever committed.
    """
    key = secret("cookie_key")
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


def behind_proxy() -> bool:
    """NARVARO_BEHIND_PROXY=1 when nginx (deploy/) is in front: then its X-Real-IP and X-Forwarded-Proto are trusted."""
    return os.environ.get("NARVARO_BEHIND_PROXY", "").lower() in {"1", "true", "yes"}


OIDC_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


def oidc_configured() -> bool:
    """Whether `[auth]` in the secrets file configures a sign-in provider for Streamlit's st.login (Entra ID or any
    OpenID Connect provider): redirect_uri, cookie_secret, client_id, client_secret, server_metadata_url."""
    auth = secrets_table().get("auth")
    return isinstance(auth, dict) and all(auth.get(k) for k in OIDC_KEYS)


def local_login_enabled() -> bool:
    """Local password accounts: on unless the provider is configured and `local_login = false` is set in the secrets
    file (or NARVARO_LOCAL_LOGIN=0)."""
    if not oidc_configured():
        return True
    env = os.environ.get("NARVARO_LOCAL_LOGIN")
    if env is not None:
        return env.lower() not in {"0", "false", "no"}
    return secrets_table().get("local_login", True) is not False
