"""The Möten tab books a follow-up with time and place and offers it as an .ics download (AppTest, SQLite)."""
import datetime as dt

import icalendar
from sqlmodel import Session

from narvaro.casework import bookings, cases
from narvaro.core import db
from tests.casework.test_meetings import in_steg2
from tests.ui.test_case_page import click, open_page

D = dt.date


def test_book_with_time_and_place_and_download_the_ics(app_env, frozen_clock):
    engine = db.make_engine(app_env)
    case_id = in_steg2(engine, frozen_clock)
    with Session(engine) as s:
        number = cases.get_case(s, case_id).number
    k = lambda name: f"ar_{case_id}_{name}"  # noqa: E731
    at = open_page(app_env, "anna", number, flik="moten")  # only the open tab is drawn
    assert not at.exception
    at.date_input(key=k("book_on")).set_value(D(2025, 9, 30))
    at.time_input(key=k("book_at")).set_value(dt.time(13, 30))
    at.number_input(key=k("book_minutes")).set_value(45)
    at.text_input(key=k("book_place")).set_value("Skolan, rum 12")
    click(at, k("book_save"))
    shown = [m.value for m in at.markdown]
    assert any("Uppföljningsmöte 2025-09-30 kl. 13:30–14:15 · Skolan, rum 12" in m for m in shown)
    assert at.get("download_button"), "no download button for the booked meeting"
    with db.session_scope(engine) as s:
        row = bookings.current(s, case_id)
        raw = bookings.ics(s, cases.get_case(s, case_id), row, by="anna")
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert event.decoded("dtstart") == dt.datetime(2025, 9, 30, 13, 30, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    engine.dispose()
