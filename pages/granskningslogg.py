"""Granskningslogg (admin): search who did what, when, to which case. Read-only: nothing here edits the log."""
import datetime as dt

import pandas as pd
import streamlit as st

from narvaro import ui
from narvaro.core import clock
from narvaro.core.errors import FieldError
from narvaro.reporting import audit_search

ui.guard("audit")
st.title("Granskningslogg")
st.caption("Varje visning av ett ärende, ändring, export, import, inloggning, misslyckad inloggning, gallring "
           "och säkerhetskopia loggas, liksom varje nekat försök (välj händelsen \"nekad\" för loggkontroll). "
           "Loggen kan bara läsas, inte ändras.")

with ui.session() as s:
    users = audit_search.usernames(s)
    actions = audit_search.actions(s)

today = clock.today()
with st.container(border=True):
    c1, c2 = st.columns(2)
    username = c1.selectbox("Användare", [""] + users, format_func=lambda u: u or "Alla", key="audit_user")
    action = c2.selectbox("Händelse", [""] + actions, format_func=lambda a: a or "Alla", key="audit_action")
    c1, c2, c3 = st.columns(3)
    case_number = c1.text_input("Ärendenummer", key="audit_case", placeholder="t.ex. NK-2025-0042")
    date_from = c2.date_input("Från och med", value=today - dt.timedelta(days=30), format="YYYY-MM-DD",
                              key="audit_from")
    date_to = c3.date_input("Till och med", value=today, format="YYYY-MM-DD", key="audit_to")

if date_from and date_to and date_to < date_from:
    c3.error("Till-datumet ligger före från-datumet.", icon=":material/error:")
    st.stop()
try:
    with ui.session() as s:
        rows = audit_search.search(s, username=username, case_number=case_number, date_from=date_from,
                               date_to=date_to, action=action)
except FieldError as exc:
    c1.error(str(exc), icon=":material/error:")
    st.stop()

if not rows:
    st.info("Inga händelser matchar sökningen.")
else:
    note = f" (de {audit_search.LIMIT} senaste; smalna av sökningen för att se äldre)" if len(rows) >= audit_search.LIMIT else ""
    st.caption(f"{len(rows)} händelser{note}, nyast först.")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch", key="audit_table")
