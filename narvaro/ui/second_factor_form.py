"""The second-factor step after a correct password: enrol (QR code drawn locally, recovery codes shown once)
or type the code from the authenticator app (or a recovery code)."""
from __future__ import annotations

import streamlit as st

from narvaro.core import second_factor, sessions, users
from narvaro.ui import state

_SECRET = "narvaro_2fa_secret"      # the secret being enrolled, until its first code is right
_CODES = "narvaro_2fa_codes"        # recovery codes to show once
_TRIES = "narvaro_2fa_tries"
MAX_TRIES = 5                       # wrong codes before the password must be typed again


def forget() -> None:
    for key in (_SECRET, _CODES, _TRIES):
        st.session_state.pop(key, None)


def _done(token: str) -> bool:
    with state.session() as s:
        sessions.complete_second_factor(s, token)
    forget()
    return True


def _wrong(token: str) -> None:
    tries = st.session_state.get(_TRIES, 0) + 1
    st.session_state[_TRIES] = tries
    if tries >= MAX_TRIES:
        with state.session() as s:
            sessions.end(s, token, "för många fel engångskoder")
        st.error("För många felaktiga koder. Logga in igen.")
    else:
        st.error("Koden stämmer inte. Försök igen.")


def show(username: str, token: str) -> bool:
    """Draw the step; True when it is passed (the caller reruns into the app)."""
    st.subheader("Tvåstegsverifiering")
    codes = st.session_state.get(_CODES)
    if codes:
        st.success("Appen är kopplad. Spara återställningskoderna nedan på ett säkert ställe: de visas bara nu, "
                   "och var och en kan användas en gång om du tappar bort telefonen.")
        st.code("\n".join(codes), language=None)
        return st.button("Jag har sparat koderna – fortsätt", type="primary", key="narvaro_2fa_saved") and _done(token)
    with state.session() as s:
        user = users.get_user(s, username)
        enrolled = bool(user and user.totp_secret)
    if not enrolled:
        return _enrol(username, token)
    with st.form("narvaro_2fa"):
        st.write("Skriv koden som din autentiseringsapp visar just nu (eller en återställningskod).")
        code = st.text_input("Engångskod", key="narvaro_2fa_code", autocomplete="one-time-code")
        if st.form_submit_button("Verifiera", type="primary"):
            with state.session() as s:
                ok = second_factor.verify(s, users.get_user(s, username), code)
            if ok:
                return _done(token)
            _wrong(token)
    return False


def _enrol(username: str, token: str) -> bool:
    secret = st.session_state.setdefault(_SECRET, second_factor.new_secret())
    st.write("Din roll kräver tvåstegsverifiering. Skanna QR-koden med en autentiseringsapp (till exempel "
             "Microsoft Authenticator eller FreeOTP) och skriv sedan koden som appen visar.")
    st.image(second_factor.qr_svg(second_factor.provisioning_uri(username, secret)), width=220)
    st.caption("Går det inte att skanna? Skriv in den här nyckeln i appen:")
    st.code(secret, language=None)
    with st.form("narvaro_2fa_enrol"):
        code = st.text_input("Engångskod", key="narvaro_2fa_enrol_code", autocomplete="one-time-code")
        if st.form_submit_button("Koppla appen", type="primary"):
            with state.session() as s:
                codes = second_factor.enroll(s, users.get_user(s, username), secret, code)
            if codes:
                st.session_state[_CODES] = codes
                st.session_state.pop(_SECRET, None)
                st.rerun()
            _wrong(token)
    return False
