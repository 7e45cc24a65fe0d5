"""Login through streamlit-authenticator, with the users, lock-out and audit kept in our database."""
from __future__ import annotations

import datetime as dt

import streamlit as st
import streamlit_authenticator as stauth
from extra_streamlit_components.CookieManager import CookieManager, _component_func
from streamlit_authenticator.models import cookie_model
from streamlit_authenticator.utilities import LoginError

from narvaro.core import audit, clock, settings, users
from narvaro.core.permissions import CurrentUser
from narvaro.ui import state

FIELDS = {"Form name": "Logga in i Närvaro", "Username": "Användarnamn", "Password": "Lösenord",
          "Login": "Logga in", "Captcha": "Captcha"}
_ACTIVITY = "narvaro_last_activity"
_MESSAGE = "narvaro_login_message"
_DELETE_COOKIE = "narvaro_delete_cookie"


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


def _authenticator() -> stauth.Authenticate:
    """One Authenticate per run, made in app.py before st.navigation (never on a page)."""
    rules = state.config().process.rules
    with state.session() as s:
        credentials = users.login_credentials(s)
    authenticator = stauth.Authenticate(
        credentials, settings.cookie_name(), settings.cookie_key(),
        cookie_expiry_days=rules.session_timeout_minutes / (24 * 60),
        auto_hash=False, login_sleep_time=settings.login_sleep_seconds(),
    )
    controller = authenticator.authentication_controller
    original = controller.login

    def counted_login(username=None, password=None, *args, **kwargs):
        # Called by the form on submit (username set) and by the cookie check (token set).
        result = original(username, password, *args, **kwargs)
        if username:
            with state.session() as s:
                message = users.record_login(s, username.lower().strip(), bool(result))
            st.session_state[_MESSAGE] = message
        return result

    controller.login = counted_login
    return authenticator


def _logout(authenticator: stauth.Authenticate, reason: str) -> None:
    user = state.current_user()
    with state.session() as s:
        audit.record(s, user.username if user else None, audit.LOGOUT, detail=reason)
    authenticator.authentication_controller.logout()
    st.session_state.pop(state.USER_KEY, None)
    st.session_state.pop(_ACTIVITY, None)
    # The browser deletes the cookie when the delete component is drawn. A logout followed by st.rerun() would
    # never draw it, so it is drawn on the next run that shows the login form.
    st.session_state[_DELETE_COOKIE] = True


def authenticate() -> tuple[CurrentUser | None, stauth.Authenticate]:
    """Show the login form until someone is logged in; return the user (role read fresh from the database)."""
    authenticator = _authenticator()
    rules = state.config().process.rules
    now = clock.now()
    last = st.session_state.get(_ACTIVITY)
    if st.session_state.get("authentication_status") and last is not None and \
            now - last > dt.timedelta(minutes=rules.session_timeout_minutes):
        _logout(authenticator, "inaktivitet")
        st.session_state[_MESSAGE] = "Du loggades ut efter en tid utan aktivitet. Logga in igen."
    try:
        authenticator.login(location="main", fields=FIELDS, key="narvaro_login")
    except LoginError:
        st.session_state["authentication_status"] = None
    status = st.session_state.get("authentication_status")
    if not status:
        if st.session_state.pop(_DELETE_COOKIE, False):
            authenticator.cookie_controller.delete_cookie()
        if state.FLASH_KEY in st.session_state:
            st.success(st.session_state[state.FLASH_KEY])
        passwords = st.session_state.get(state.DEMO_PASSWORDS_KEY)
        if passwords:
            st.caption("Demoanvändarnas lösenord visas bara nu, i den här webbläsarfliken: skriv upp dem.")
            st.table({"Användarnamn": list(passwords), "Lösenord": list(passwords.values())})
        message = st.session_state.get(_MESSAGE)
        if status is False:
            st.error(message or "Fel användarnamn eller lösenord.")
        elif message:
            st.info(message)
        return None, authenticator
    with state.session() as s:
        row = users.get_user(s, st.session_state.get("username"))
        if row is None or not row.active:
            _logout(authenticator, "kontot är inte aktivt")
            st.error("Kontot är inte aktivt. Kontakta administratören.")
            return None, authenticator
        user = CurrentUser(id=row.id, username=row.username, name=row.name, role=row.role,
                              district=row.district)
    st.session_state[state.USER_KEY] = user
    st.session_state[_ACTIVITY] = now
    for key in (_MESSAGE, state.FLASH_KEY, state.DEMO_PASSWORDS_KEY):
        st.session_state.pop(key, None)
    return user, authenticator


def logout_button(authenticator: stauth.Authenticate) -> None:
    if st.sidebar.button("Logga ut", key="narvaro_logout", icon=":material/logout:"):
        _logout(authenticator, "utloggad")
        st.rerun()
