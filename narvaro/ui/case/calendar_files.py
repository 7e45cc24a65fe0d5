"""Booked meetings as .ics downloads on the Möten tab (narvaro.casework.bookings writes the file).

The file is made when the button is clicked (a callable), in its own session, so each download is audited once
and a page view is not.
"""
from __future__ import annotations

import datetime as dt

import streamlit as st

from narvaro import ui
from narvaro.casework import bookings, cases
from narvaro.core.models import Case
from narvaro.ui.case.common import k


def _file(case_id: int, booking_id: int, username: str):
    def make() -> bytes:
        with ui.session() as s:
            case = cases.get_case(s, case_id)
            row = bookings.get(s, case_id, booking_id)
            return bookings.ics(s, case, row, by=username) if row is not None else b""
    return make


def _when(row) -> str:
    if row.start_time is None:
        return f"{ui.fmt_date(row.on_date)} (heldag, ingen tid angiven)"
    end = dt.datetime.combine(row.on_date, row.start_time) + dt.timedelta(minutes=row.minutes)
    return f"{ui.fmt_date(row.on_date)} kl. {row.start_time.strftime('%H:%M')}–{end.strftime('%H:%M')}"


def render(rows: list, case: Case, user: ui.CurrentUser) -> None:
    """`rows`: bookings.booked(), read by the caller before drawing (no session is held open while drawing)."""
    if not rows:
        return
    st.markdown("**Bokade möten till kalendern** (ärendenummer, mötestyp, plats och tid; aldrig elevens namn "
                "eller personnummer)")
    for row in rows:
        place = f" · {ui.md(row.place)}" if row.place else ""
        left, right = st.columns([3, 2], vertical_alignment="center")
        left.markdown(f"{ui.md(row.kind)} {_when(row)}{place}")
        right.download_button("Ladda ner till kalendern (.ics)", _file(case.id, row.id, user.username),
                              file_name=bookings.file_name(case, row), mime="text/calendar",
                              key=k(case.id, f"ics_{row.id}"), on_click="ignore", icon=":material/event:")
