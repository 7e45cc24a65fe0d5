"""Start page, Min dag: what the signed-in role needs today (narvaro.ui.my_day draws one view per role)."""
import streamlit as st

from narvaro import ui
from narvaro.casework import board
from narvaro.core import clock
from narvaro.core.permissions import role_label
from narvaro.ui import my_day

user = ui.guard("start")
st.title("Min dag")
st.caption(f"{ui.md(user.name)} · {role_label(user.role)} · {ui.fmt_date(clock.today())}")
st.caption(board.school_time_note(ui.config()))
gap = board.calendar_warning(clock.today(), ui.config())
if gap:
    st.warning(gap, icon=":material/event_busy:")
my_day.render(user)
