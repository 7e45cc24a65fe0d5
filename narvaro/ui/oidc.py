"""Sign-in with the municipality's account (OpenID Connect through Streamlit's st.login and Authlib).

The provider says who the person is; Närvaro decides whether they may in, with which role, and keeps the session
on the server like a password login does (narvaro.core.sessions).
"""
from __future__ import annotations

import streamlit as st

from narvaro.core import audit, identity, sessions, settings
from narvaro.ui import state
from narvaro.ui.session_cookie import TOKEN_KEY, client_address

BUTTON = "Logga in med kommunens konto"


def configured() -> bool:
    return settings.oidc_configured()


def sign_in_button() -> None:
    if st.button(BUTTON, type="primary", icon=":material/badge:", key="narvaro_oidc_login"):
        st.login()


def _claims() -> dict:
    try:
        return st.user.to_dict() if st.user.is_logged_in else {}
    except Exception:  # no auth configured for Streamlit, or a test runner without it
        return {}


def _refuse(message: str) -> None:
    st.error(message)
    if st.button("Logga ut från kommunens konto", key="narvaro_oidc_logout"):
        st.logout()
    st.stop()


def take_over(cookie_model) -> bool:
    """When the provider has signed someone in and this browser has no Närvaro session yet: find the Närvaro user,
    start the session (and its cookie) and return True; refuse an unknown person (audited) and stop."""
    claims = _claims()
    if not claims:
        return False
    mark = identity.marker(claims)
    with state.session() as s:
        if identity.sign_in_used(s, mark):
            # This sign-in already had its session, which has ended (logout, timeout): it opens nothing again.
            audit.record_refusal(s, None, f"inloggning via kommunens konto: använd inloggning för {identity.describe(claims)}")
            ended = True
        else:
            ended = False
            user = identity.match_user(s, claims)
            if user is None:
                identity.refuse_unknown(s, claims)
            else:
                token = sessions.start(s, user.username, "oidc", second_factor_done=True, address=client_address(),
                                       external_marker=mark)
                audit.record(s, user.username, audit.LOGIN, detail=f"kommunens konto, från {client_address()}")
                username, name = user.username, user.name
    if ended:
        st.logout()  # clears Streamlit's identity cookie; the next page is the login page
        st.stop()
    if user is None:
        _refuse(identity.NO_ACCESS)
    st.session_state.update({"authentication_status": True, "username": username, "name": name, TOKEN_KEY: token,
                             "narvaro_oidc": True})
    cookie_model.write(token)
    return True


def logout_provider() -> None:
    """After our session has ended: the provider's cookie too (Streamlit redirects to the app's start)."""
    if st.session_state.pop("narvaro_oidc", False) or _claims():
        st.logout()
