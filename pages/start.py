"""Start page: who you are and what you can do here."""
import streamlit as st

from narvaro import ui
from narvaro.casework import board
from narvaro.core import clock, permissions
from narvaro.core.permissions import role_label

user = ui.guard("start")
st.title("Närvaro")
st.caption(ui.config().process.goal)
st.write(f"Inloggad som **{user.name}** ({role_label(user.role)}).")
st.caption(board.school_time_note(ui.config()))
gap = board.calendar_warning(clock.today(), ui.config())
if gap:
    st.warning(gap, icon=":material/event_busy:")
st.subheader("Dina sidor")
for spec in permissions.pages_for(user.role):
    if spec.in_menu and spec.key != "start":
        st.page_link(spec.path, label=spec.title, icon=spec.icon)
