"""Användare (admin): list, create, change role/active, set password."""
import pandas as pd
import streamlit as st
from sqlmodel import select

from narvaro import auth, ui
from narvaro.models import ROLES, User

admin = ui.guard("users")
st.title("Användare")
ref = ui.config().reference
district_keys = [None] + [d.key for d in ref.districts]

with ui.session() as s:
    users = list(s.exec(select(User).order_by(User.username)).all())
st.dataframe(pd.DataFrame([{
    "Användarnamn": u.username, "Namn": u.name, "Roll": ui.ROLE_LABELS.get(u.role, u.role),
    "Verksamhetsområde": ref.district_name(u.district), "Aktiv": u.active,
    "Kan logga in": bool(u.password_hash), "Låst": auth.is_locked(u),
} for u in users]), hide_index=True, width="stretch")

errors: dict[str, str] = st.session_state.get("user_errors", {})
with st.expander("Ny användare", expanded=bool(errors)):
    with st.form("new_user"):
        username = st.text_input("Användarnamn", key="nu_username")
        ui.show_field_errors(errors, "username")
        name = st.text_input("Namn", key="nu_name")
        ui.show_field_errors(errors, "name")
        role = st.selectbox("Roll", ROLES, format_func=lambda r: ui.ROLE_LABELS[r], key="nu_role")
        district = st.selectbox("Verksamhetsområde", district_keys, format_func=lambda k: ref.district_name(k) or "–",
                                key="nu_district")
        password = st.text_input("Lösenord", type="password", key="nu_password",
                                 help=f"Minst {auth.MIN_PASSWORD_LENGTH} tecken, stora och små bokstäver och en siffra.")
        ui.show_field_errors(errors, "password")
        if st.form_submit_button("Skapa användare", type="primary"):
            try:
                with ui.session() as s:
                    auth.create_user(s, username=username, name=name, role=role, password=password,
                                     district=district, by=admin.username)
                st.session_state.pop("user_errors", None)
                st.toast(f"Användaren {username} är skapad.")
            except auth.UserError as exc:
                st.session_state["user_errors"] = {exc.field: str(exc)}
            st.rerun()

st.subheader("Ändra användare")
names = [u.username for u in users]
chosen = st.selectbox("Användare", names, key="edit_user")
if chosen:
    target = next(u for u in users if u.username == chosen)
    with st.form("edit_user_form"):
        role = st.selectbox("Roll", ROLES, index=ROLES.index(target.role), format_func=lambda r: ui.ROLE_LABELS[r])
        district = st.selectbox("Verksamhetsområde", district_keys,
                                index=district_keys.index(target.district) if target.district in district_keys else 0,
                                format_func=lambda k: ref.district_name(k) or "–")
        active = st.checkbox("Aktiv", value=target.active)
        new_password = st.text_input("Nytt lösenord (lämna tomt för att behålla)", type="password")
        if st.form_submit_button("Spara"):
            if target.username == admin.username and (role != "admin" or not active):
                st.error("Du kan inte ta bort din egen administratörsroll eller inaktivera dig själv.")
            else:
                try:
                    with ui.session() as s:
                        row = auth.get_user(s, target.username)
                        auth.update_user(s, row, role=role, active=active, district=district, by=admin.username)
                        if new_password:
                            auth.set_password(s, row, new_password, by=admin.username)
                    st.success("Sparat.")
                except auth.UserError as exc:
                    st.error(str(exc))
