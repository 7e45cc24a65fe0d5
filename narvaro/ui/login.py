"""Login through streamlit-authenticator, with users, login delay, sessions and audit kept in our database.

The password form is the authenticator's; the cookie is a key to a server-side session (session_cookie); roles
that need a second factor get the TOTP step (second_factor_form) before the session counts as signed in.
"""
from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from narvaro.core import audit, sessions, settings, users
from narvaro.core.permissions import CurrentUser
from narvaro.ui import oidc, second_factor_form, state
from narvaro.ui.session_cookie import TOKEN_KEY, client_address, install

FIELDS = {"Form name": "Logga in i Närvaro", "Username": "Användarnamn", "Password": "Lösenord",
          "Login": "Logga in", "Captcha": "Captcha"}
_MESSAGE = "narvaro_login_message"
_DELETE_COOKIE = "narvaro_delete_cookie"
_WRITE_COOKIE = "narvaro_write_cookie"  # the second factor is passed: write the session's cookie on this run
_PASSWORD_JUST_OK = "narvaro_password_just_ok"
_ENDED = {sessions.IDLE: "Du loggades ut efter en tid utan aktivitet. Logga in igen."}


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
    install(authenticator)
    controller = authenticator.authentication_controller
    original = controller.login

    def counted_login(username=None, password=None, *args, **kwargs):
        # Called by the form on submit (username set) and by the cookie check (token set).
        if not username:
            return original(username, password, *args, **kwargs)
        typed, address = username.lower().strip(), client_address()
        with state.session() as s:
            wait = users.login_wait_seconds(s, typed, address)
            if wait:
                users.record_waiting(s, typed, address)
        if wait:
            st.session_state["authentication_status"] = False
            st.session_state[_MESSAGE] = f"För många misslyckade försök. Vänta {wait} sekunder och försök igen."
            return False
        result = original(typed, password, *args, **kwargs)
        with state.session() as s:
            users.record_login(s, typed, bool(result), address)
        st.session_state[_MESSAGE] = None if result else users.GENERIC_FAILURE
        return result

    controller.login = counted_login
    return authenticator


def _logout(authenticator: stauth.Authenticate, reason: str, everywhere: bool = False) -> None:
    user = state.current_user()
    username = user.username if user else st.session_state.get("username")
    with state.session() as s:
        audit.record(s, username, audit.LOGOUT, detail=reason)
        if everywhere and username:
            sessions.end_all(s, username, sessions.EVERYWHERE)
        else:
            sessions.end(s, st.session_state.get(TOKEN_KEY), reason)
    authenticator.authentication_controller.logout()
    for key in (state.USER_KEY, TOKEN_KEY, _PASSWORD_JUST_OK, _WRITE_COOKIE):
        st.session_state.pop(key, None)
    second_factor_form.forget()
    # The browser deletes the cookie when the delete component is drawn. A logout followed by st.rerun() would
    # never draw it, so it is drawn on the next run that shows the login form.
    st.session_state[_DELETE_COOKIE] = True
    if oidc.configured():
        oidc.logout_provider()


def _session_still_live(authenticator: stauth.Authenticate) -> str:
    """Every run asks the server whether this browser's session is still on: 'live', 'pending' (second factor)
    or 'ended' (then logged out here, with a message)."""
    with state.session() as s:
        username, why = sessions.check(s, st.session_state.get(TOKEN_KEY))
        row = sessions.find(s, st.session_state.get(TOKEN_KEY))
        pending = row is not None and row.revoked_at is None and not row.second_factor_done
    if username is not None and username == st.session_state.get("username"):
        return "live"
    if pending and why is None:
        return "pending"
    _logout(authenticator, why or "sessionen finns inte")
    st.session_state[_MESSAGE] = _ENDED.get(why, "Du är utloggad. Logga in igen.")
    return "ended"


def _login_form(authenticator: stauth.Authenticate) -> None:
    """The municipality's sign-in (when configured) and the local password form (unless switched off)."""
    if oidc.configured():
        if oidc.take_over(authenticator.cookie_controller.cookie_model):
            return
        st.title("Logga in i Närvaro")
        oidc.sign_in_button()
    try:
        if settings.local_login_enabled():
            if oidc.configured():
                st.caption("Eller med ett lokalt konto:")
            authenticator.login(location="main", fields=FIELDS, key="narvaro_login")
        else:
            authenticator.login(location="unrendered", key="narvaro_login")  # only the session cookie
    except LoginError:
        st.session_state["authentication_status"] = None


def _show_login_messages(status) -> None:
    if state.FLASH_KEY in st.session_state:
        st.success(st.session_state[state.FLASH_KEY])
    passwords = st.session_state.get(state.DEMO_PASSWORDS_KEY)
    if passwords:
        st.caption("Demoanvändarnas lösenord visas bara nu, i den här webbläsarfliken: skriv upp dem.")
        st.table({"Användarnamn": list(passwords), "Lösenord": list(passwords.values())})
    message = st.session_state.get(_MESSAGE)
    if status is False:
        st.error(message or users.GENERIC_FAILURE)
    elif message:
        st.info(message)


def authenticate() -> tuple[CurrentUser | None, stauth.Authenticate]:
    """Show the login form (then the second factor) until someone is signed in; return the user, role read fresh."""
    authenticator = _authenticator()
    if not st.session_state.get("authentication_status"):
        _login_form(authenticator)
    status = st.session_state.get("authentication_status")
    if not status:
        if st.session_state.pop(_DELETE_COOKIE, False):
            authenticator.cookie_controller.delete_cookie()
        _show_login_messages(status)
        return None, authenticator
    live = _session_still_live(authenticator)
    if live == "ended":
        st.rerun()  # the next run shows the login form with the reason, and deletes the cookie
    if live == "pending":
        if st.session_state.get(_PASSWORD_JUST_OK, True):
            st.session_state[_PASSWORD_JUST_OK] = False
            st.rerun()  # the password form of this run goes away; the cookie waits for the second factor
        if second_factor_form.show(st.session_state.get("username"), st.session_state.get(TOKEN_KEY)):
            st.session_state[_WRITE_COOKIE] = True
            st.rerun()
        if st.button("Avbryt", key="narvaro_2fa_cancel"):
            _logout(authenticator, "avbröt andra faktorn")
            st.rerun()
        return None, authenticator
    st.session_state.pop(_PASSWORD_JUST_OK, None)
    if st.session_state.pop(_WRITE_COOKIE, False):
        authenticator.cookie_controller.cookie_model.write(st.session_state[TOKEN_KEY])
    with state.session() as s:
        row = users.get_user(s, st.session_state.get("username"))
        if row is None or not row.active:
            _logout(authenticator, sessions.INACTIVE_ACCOUNT)
            st.error("Kontot är inte aktivt. Kontakta administratören.")
            return None, authenticator
        user = CurrentUser(id=row.id, username=row.username, name=row.name, role=row.role,
                           district=row.district)
    st.session_state[state.USER_KEY] = user
    for key in (_MESSAGE, state.FLASH_KEY, state.DEMO_PASSWORDS_KEY):
        st.session_state.pop(key, None)
    return user, authenticator


def logout_button(authenticator: stauth.Authenticate) -> None:
    if st.sidebar.button("Logga ut", key="narvaro_logout", icon=":material/logout:"):
        _logout(authenticator, sessions.LOGOUT)
        st.rerun()
    # Not labelled "Logga ut överallt": a button whose name contains "Logga ut" would be a second match for it.
    if st.sidebar.button("Avsluta alla mina inloggningar", key="narvaro_logout_all", icon=":material/devices_off:",
                         help="Logga ut överallt: i alla webbläsare och på alla datorer där du är inloggad."):
        _logout(authenticator, sessions.EVERYWHERE, everywhere=True)
        st.rerun()
