"""The login cookie as a key to a server-side session (narvaro.core.sessions), for streamlit-authenticator.

streamlit-authenticator 0.4 puts a self-signed JWT in the cookie, which nothing on the server can revoke: a copy
taken before "Logga ut" kept working for its whole lifetime. Here the cookie carries only a random token; the
session is a database row that logout, the idle timeout, a new password and "logga ut överallt" end.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st
from extra_streamlit_components.CookieManager import CookieManager, _component_func
from streamlit_authenticator.models import cookie_model
from streamlit_authenticator.models.cookie_model import CookieModel

from narvaro.core import second_factor, sessions, settings, users
from narvaro.ui import state

TOKEN_KEY = state.SESSION_TOKEN_KEY
COOKIE_HOURS = 12  # the browser forgets the cookie after a working day; the server ends the session long before


class _CookieWriter(CookieManager):
    """The authenticator's cookie manager, minus the component it renders on every run.

    streamlit-authenticator 0.4 reads the login cookie on the server (`st.context.cookies`), yet its
    CookieManager still renders a "getAll" component on every run. When that iframe loads, it reports the
    browser's cookies back, which reruns the whole page: every page load ran twice. Here the component is
    rendered only to write the cookie (login) and delete it (logout).
    """

    def __init__(self, key: str = "init"):  # noqa: ARG002  (same signature as the class it replaces)
        self.cookie_manager = _component_func
        self.cookies = dict(st.context.cookies)


class _Stx:
    CookieManager = _CookieWriter


cookie_model.stx = _Stx  # the one place the authenticator builds its CookieManager


def client_address() -> str:
    """The browser's address: nginx's X-Real-IP when the app is behind the proxy (NARVARO_BEHIND_PROXY), else the
    connection's. Only used to slow down password guessing from one place and for the audit log."""
    if settings.behind_proxy():
        forwarded = st.context.headers.get("X-Real-IP")
        if isinstance(forwarded, str) and forwarded:
            return forwarded.strip()[:64]
    address = st.context.ip_address
    return address[:64] if isinstance(address, str) and address else "lokal"


def https() -> bool:
    return settings.behind_proxy() and st.context.headers.get("X-Forwarded-Proto") == "https"


class ServerSessionCookie(CookieModel):
    """CookieModel whose cookie is a session token; the username comes from the session row, never the cookie."""

    def get_cookie(self):
        if st.session_state.get("logout"):
            return False
        token = st.context.cookies[self.cookie_name] if self.cookie_name in st.context.cookies else None
        if not isinstance(token, str) or not token:
            return None
        with state.session() as s:
            username, _why = sessions.check(s, token)
        if username is None:
            return None
        st.session_state[TOKEN_KEY] = token
        return {"username": username, "exp_date": float("inf")}

    def set_cookie(self) -> None:
        """Called right after a correct password: start the session, pending the second factor where required."""
        username = st.session_state.get("username")
        with state.session() as s:
            user = users.get_user(s, username)
            done = not second_factor.required(user.role if user else None, state.is_demo())
            token = sessions.start(s, username, "lösenord", second_factor_done=done, address=client_address())
        st.session_state[TOKEN_KEY] = token
        if done:  # else written once the second factor is passed (login.write_pending_cookie)
            self.write(token)

    def write(self, token: str) -> None:
        self.cookie_manager.set(self.cookie_name, token, expires_at=dt.datetime.now() + dt.timedelta(hours=COOKIE_HOURS),
                                secure=https() or None, same_site="strict")

    def delete_cookie(self) -> None:
        try:
            self.cookie_manager.delete(self.cookie_name)
        except KeyError:
            pass


def install(authenticator) -> ServerSessionCookie:
    """Swap the authenticator's cookie model for the server-session one (same name; no signing key needed)."""
    old = authenticator.cookie_controller.cookie_model
    model = ServerSessionCookie.__new__(ServerSessionCookie)
    model.cookie_name, model.cookie_key, model.cookie_expiry_days = old.cookie_name, None, old.cookie_expiry_days
    model.cookie_manager, model.token, model.exp_date = old.cookie_manager, None, None
    authenticator.cookie_controller.cookie_model = model
    return model
