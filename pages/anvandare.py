"""Användare (admin): list, create, change role/active, set password."""
import pandas as pd
import streamlit as st

from narvaro import ui
from narvaro.core import second_factor, sessions, users
from narvaro.core.errors import FieldError, NotFound
from narvaro.core.permissions import ROLES, role_label

admin = ui.guard("users")
st.title("Användare")
ref = ui.config().reference
district_keys = [None] + [d.key for d in ref.districts]

with ui.session() as s:
    everyone = users.list_users(s)
    signed_in = {}
    for row in sessions.live(s):
        signed_in[row.username] = signed_in.get(row.username, 0) + 1
st.dataframe(pd.DataFrame([{
    "Användarnamn": u.username, "Namn": u.name, "Roll": role_label(u.role),
    "Verksamhetsområde": ref.district_name(u.district), "Aktiv": u.active,
    "Kan logga in": bool(u.password_hash), "Låst": users.is_locked(u),
    "Tvåstegsverifiering": "kopplad" if u.totp_secret else ("krävs, ej kopplad" if second_factor.required(u.role) else "–"),
    "Inloggningar nu": signed_in.get(u.username, 0),
} for u in everyone]), hide_index=True, width="stretch")

errors: dict[str, str] = st.session_state.get("user_errors", {})
created = st.session_state.pop("user_created", None)
if created:
    st.toast(created, icon=":material/check_circle:")
with st.expander("Ny användare", expanded=bool(errors or created)):
    with st.form("new_user"):
        username = st.text_input("Användarnamn", key=ui.keyed("nu_username"))
        ui.show_field_errors(errors, "username")
        name = st.text_input("Namn", key=ui.keyed("nu_name"))
        ui.show_field_errors(errors, "name")
        role = st.selectbox("Roll", ROLES, format_func=role_label, key=ui.keyed("nu_role"))
        district = st.selectbox("Verksamhetsområde", district_keys, format_func=lambda k: ref.district_name(k) or "–",
                                key=ui.keyed("nu_district"))
        password = st.text_input("Lösenord", type="password", key=ui.keyed("nu_password"),
                                 help=f"Minst {users.MIN_PASSWORD_LENGTH} tecken, stora och små bokstäver och en siffra.")
        ui.show_field_errors(errors, "password")
        submitted = st.form_submit_button("Skapa användare", type="primary")
        if created:
            st.success(created, icon=":material/check_circle:")
        if submitted:
            try:
                with ui.session() as s:
                    users.create_user(s, username=username, name=name, role=role, password=password,
                                      district=district, by=admin.username)
                st.session_state.pop("user_errors", None)
                ui.renew_keys(("nu_username", "nu_name", "nu_role", "nu_district", "nu_password"))  # a clean form
                st.session_state["user_created"] = f"Användaren {username} är skapad."
            except FieldError as exc:
                st.session_state["user_errors"] = exc.errors
            st.rerun()

st.subheader("Ändra användare")
chosen = st.selectbox("Användare", [u.username for u in everyone], key="edit_user")
if chosen:
    target = next(u for u in everyone if u.username == chosen)
    with st.form("edit_user_form"):
        role = st.selectbox("Roll", ROLES, index=ROLES.index(target.role), format_func=role_label)
        district = st.selectbox("Verksamhetsområde", district_keys,
                                index=district_keys.index(target.district) if target.district in district_keys else 0,
                                format_func=lambda k: ref.district_name(k) or "–")
        active = st.checkbox("Aktiv", value=target.active)
        new_password = st.text_input("Nytt lösenord (lämna tomt för att behålla)", type="password",
                                     key=ui.keyed(f"eu_password_{target.username}"))
        if st.form_submit_button("Spara"):
            change = users.UserUpdate(role=role, active=active, district=district, password=new_password or None)
            try:
                with ui.session() as s:
                    users.update_user(s, target.username, change, by=admin.username)
                ui.renew_keys((f"eu_password_{target.username}",))  # the password typed is not kept in the form
                st.success("Sparat.")
            except (FieldError, NotFound) as exc:
                st.error(str(exc))

    left, right = st.columns(2)
    if left.button("Logga ut användaren överallt", key="end_sessions", icon=":material/devices_off:"):
        with ui.session() as s:
            n = sessions.end_all(s, target.username, sessions.ADMIN_ENDED, by=admin.username)
        st.success(f"{n} inloggning(ar) för {target.username} avslutade.")
    if right.button("Återställ tvåstegsverifiering", key="reset_2fa", icon=":material/phonelink_erase:",
                    disabled=not target.totp_secret,
                    help="När telefonen är borttappad: användaren kopplar en ny app vid nästa inloggning."):
        with ui.session() as s:
            second_factor.reset(s, users.get_user(s, target.username), by=admin.username)
            sessions.end_all(s, target.username, sessions.ADMIN_ENDED, by=admin.username)
        st.success(f"Tvåstegsverifieringen för {target.username} är återställd.")
