"""Start page: who you are and what you can do here."""
import streamlit as st

from narvaro import permissions, ui

user = ui.guard("start")
st.title("Närvaro")
st.caption(ui.config().process.goal)
st.write(f"Inloggad som **{user.name}** ({ui.ROLE_LABELS.get(user.role, user.role)}).")
st.subheader("Dina sidor")
for spec in permissions.pages_for(user.role):
    if spec.in_menu and spec.key != "start":
        st.page_link(spec.path, label=spec.title, icon=spec.icon)
