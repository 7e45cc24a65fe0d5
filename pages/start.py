"""Start page: who you are and what you can do here."""
import streamlit as st

from narvaro import ui
from narvaro.core import permissions
from narvaro.core.permissions import role_label

user = ui.guard("start")
st.title("Närvaro")
st.caption(ui.config().process.goal)
st.write(f"Inloggad som **{user.name}** ({role_label(user.role)}).")
st.subheader("Dina sidor")
for spec in permissions.pages_for(user.role):
    if spec.in_menu and spec.key != "start":
        st.page_link(spec.path, label=spec.title, icon=spec.icon)
