"""Start page, Min dag: what the signed-in role needs today (narvaro.ui.my_day draws one view per role)."""
import streamlit as st

from narvaro import ui
from narvaro.core import clock
from narvaro.core.permissions import role_label
from narvaro.ui import my_day

user = ui.guard("start")
st.title("Min dag")
st.caption(f"{user.name} · {role_label(user.role)} · {ui.fmt_date(clock.today())}")
my_day.render(user)
