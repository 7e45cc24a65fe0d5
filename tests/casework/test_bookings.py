"""Booked meetings as .ics files (RFC 5545): parsed back with icalendar, in Swedish local time, the same UID and a
higher SEQUENCE when moved, a new UID after the meeting is held, and no pupil identity in the file."""
import datetime as dt
from zoneinfo import ZoneInfo

import icalendar
from sqlmodel import Session, select

from narvaro.casework import bookings, cases, meetings
from narvaro.casework.inputs import CaseClose
from narvaro.core import db
from narvaro.core.models import AuditEntry
from tests.casework.test_meetings import follow_up, in_steg2
from tests.casework.test_workflow import FIELDS, run

D = dt.date
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def download(engine, case_id):
    with db.session_scope(engine) as s:
        case = cases.get_case(s, case_id)
        row = bookings.current(s, case_id)
        return row.uid, icalendar.Calendar.from_ical(bookings.ics(s, case, row, by="anna")), case


def event_of(cal):
    [event] = cal.walk("VEVENT")
    return event


def test_ics_parses_back_in_stockholm_time_winter_and_summer(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)  # the EHT meeting booked the first follow-up for 29 September
    run(engine, meetings.book_follow_up, case_id, on=D(2025, 9, 30), at=dt.time(13, 30), place="Skolan, rum 12",
        minutes=45, by="anna")
    uid, cal, case = download(engine, case_id)
    event = event_of(cal)
    start = event.decoded("dtstart")
    assert start == dt.datetime(2025, 9, 30, 13, 30, tzinfo=STOCKHOLM)
    assert start.utcoffset() == dt.timedelta(hours=2)  # summer time: 11:30 UTC
    assert str(start.tzinfo) == "Europe/Stockholm" and event["dtstart"].params["TZID"] == "Europe/Stockholm"
    assert event.decoded("dtend") - start == dt.timedelta(minutes=45)
    assert str(event["location"]) == "Skolan, rum 12"
    assert case.number in str(event["summary"]) and "Uppföljningsmöte" in str(event["summary"])
    assert [tz["tzid"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    # Moved into winter time: the same UID, a higher SEQUENCE, and 09:00 is 08:00 UTC.
    run(engine, meetings.book_follow_up, case_id, on=D(2025, 11, 4), at=dt.time(9, 0), place="Skolan, rum 12",
        minutes=45, by="anna")
    uid2, cal2, _ = download(engine, case_id)
    moved = event_of(cal2)
    assert uid2 == uid == str(moved["uid"])
    assert int(moved["sequence"]) > int(event["sequence"])
    assert moved.decoded("dtstart").astimezone(dt.timezone.utc) == dt.datetime(2025, 11, 4, 8, 0, tzinfo=dt.timezone.utc)


def test_the_file_never_carries_the_pupil(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    run(engine, meetings.book_follow_up, case_id, on=D(2025, 9, 30), at=dt.time(8, 15), place="Hemma hos familjen",
        by="anna")
    with db.session_scope(engine) as s:
        case = cases.get_case(s, case_id)
        raw = bookings.ics(s, case, bookings.current(s, case_id), by="anna").decode()
        assert s.exec(select(AuditEntry).where(AuditEntry.case_id == case_id,
                                               AuditEntry.action == "export")).first() is not None
    assert case.number in raw
    assert case.pupil_code == FIELDS["pupil_code"] and case.pupil_code not in raw
    assert "EX-7" not in raw and "Flicka" not in raw


def test_a_held_meeting_gives_the_next_booking_a_new_uid_and_closing_cancels(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    first_uid, _, _ = download(engine, case_id)
    frozen_clock(D(2025, 9, 29))
    follow_up(engine, case_id, D(2025, 9, 29), 60.0, D(2025, 10, 27), open_items_reason="Testfall")
    second_uid, cal, _ = download(engine, case_id)
    assert second_uid != first_uid
    event = event_of(cal)
    assert event.decoded("dtstart") == D(2025, 10, 27)  # booked without a time: a whole-day entry
    with db.session_scope(engine) as s:
        case = cases.get_case(s, case_id)
        row = bookings.current(s, case_id)
        from narvaro.casework import closing
        closing.record_close(s, case, CaseClose(closed_on=D(2025, 9, 30), reason="Flyttat från kommunen"), by="anna")
        assert bookings.booked(s, case_id) == []
        cancelled = icalendar.Calendar.from_ical(bookings.ics_bytes(case.number, s.get(type(row), row.id)))
    gone = event_of(cancelled)
    assert str(gone["status"]) == "CANCELLED" and str(gone["uid"]) == second_uid


def test_place_too_long_is_refused_at_the_field(engine, frozen_clock):
    import pytest

    from narvaro.core.errors import FieldError
    case_id = in_steg2(engine, frozen_clock)
    with pytest.raises(FieldError) as err:
        run(engine, meetings.book_follow_up, case_id, on=D(2025, 9, 30), place="x" * 201, by="anna")
    assert err.value.field == "book_place"
    with Session(engine) as s:
        assert bookings.current(s, case_id).on_date == D(2025, 9, 29)  # unchanged


def test_with_the_organizers_email_the_file_is_a_meeting_request(engine, frozen_clock):
    from narvaro.core.models import User

    case_id = in_steg2(engine, frozen_clock)
    with db.session_scope(engine) as s:
        anna = s.exec(select(User).where(User.username == "anna")).one()
        anna.email = "anna@example.se"
        s.add(anna)
    uid, cal, _ = download(engine, case_id)
    assert str(cal["method"]) == "REQUEST"
    assert str(event_of(cal)["organizer"]) == "mailto:anna@example.se"
    with db.session_scope(engine) as s:
        row = bookings.current(s, case_id)
        plain = icalendar.Calendar.from_ical(bookings.ics_bytes("NK-X", row))
    assert str(plain["method"]) == "PUBLISH" and "organizer" not in event_of(plain)
