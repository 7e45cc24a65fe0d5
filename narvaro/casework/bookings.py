"""Booked meetings and their .ics files (RFC 5545), for the calendar people live in (Outlook).

A booking is the next meeting on a case: its day, and when known its time and place. Moving it keeps its UID
and raises its SEQUENCE, so Outlook updates the meeting it has instead of adding a second one. When the meeting is
held, the booking is marked held; the next one booked is a new meeting with a new UID.

The file carries the case number, the meeting kind, the place and the time, and never the pupil's name, code or
personnummer: a calendar is shared, synced and read on phones. The `icalendar` library writes the format.
"""
from __future__ import annotations

import datetime as dt
import uuid

import icalendar
from sqlmodel import Session, col, select

from narvaro.core import audit, clock
from narvaro.core.config import FOLLOW_UP_KIND
from narvaro.core.errors import FieldError
from narvaro.core.models import Case, User
from narvaro.core.models_booking import BOOKED, CANCELLED, HELD, MeetingBooking
from narvaro.core.validate import text

PLACE_MAX = 200
UID_DOMAIN = "narvaro"
PRODID = "-//Närvaro//Mötesbokning//SV"


def current(session: Session, case_id: int, kind: str = FOLLOW_UP_KIND) -> MeetingBooking | None:
    """The booked (not yet held) meeting of this kind on the case, if any."""
    return session.exec(select(MeetingBooking).where(MeetingBooking.case_id == case_id, MeetingBooking.kind == kind,
                                                     MeetingBooking.state == BOOKED)
                        .order_by(col(MeetingBooking.id).desc())).first()


def booked(session: Session, case_id: int) -> list[MeetingBooking]:
    """Every meeting booked on the case and not yet held, soonest first."""
    return list(session.exec(select(MeetingBooking).where(MeetingBooking.case_id == case_id,
                                                          MeetingBooking.state == BOOKED)
                             .order_by(col(MeetingBooking.on_date), col(MeetingBooking.id))).all())


def book(session: Session, case: Case, *, on: dt.date, by: str, at: dt.time | None = None,
         place: str | None = None, minutes: int = 60, kind: str = FOLLOW_UP_KIND) -> MeetingBooking:
    """Book the case's next meeting of `kind`, or move the one booked: same UID, SEQUENCE one higher."""
    place = text(place, "book_place", PLACE_MAX)
    if not 15 <= minutes <= 480:
        raise FieldError("book_minutes", "Mötet ska vara mellan 15 minuter och 8 timmar.")
    row = current(session, case.id, kind)
    if row is None:
        row = MeetingBooking(case_id=case.id, kind=kind, on_date=on, start_time=at, minutes=minutes, place=place,
                             uid=f"{uuid.uuid4()}@{UID_DOMAIN}", created_by=by, created_at=clock.now(),
                             updated_at=clock.now())
    elif (row.on_date, row.start_time, row.minutes, row.place) != (on, at, minutes, place):
        row.on_date, row.start_time, row.minutes, row.place = on, at, minutes, place
        row.sequence += 1
        row.updated_at = clock.now()
    session.add(row)
    session.flush()
    return row


def move_day(session: Session, case: Case, *, on: dt.date, by: str, kind: str = FOLLOW_UP_KIND) -> MeetingBooking:
    """Another meeting set the day of the next one: a booked meeting keeps its time and place on the new day."""
    row = current(session, case.id, kind)
    if row is None:
        return book(session, case, on=on, by=by, kind=kind)
    return book(session, case, on=on, by=by, at=row.start_time, place=row.place, minutes=row.minutes, kind=kind)


def mark_held(session: Session, case_id: int, kind: str = FOLLOW_UP_KIND) -> None:
    """The booked meeting took place: the next booking is a new meeting."""
    row = current(session, case_id, kind)
    if row is not None:
        row.state = HELD
        row.updated_at = clock.now()
        session.add(row)


def cancel_all(session: Session, case_id: int) -> None:
    """The case closed: what was booked is cancelled (the .ics then says STATUS:CANCELLED)."""
    for row in booked(session, case_id):
        row.state = CANCELLED
        row.sequence += 1
        row.updated_at = clock.now()
        session.add(row)


def get(session: Session, case_id: int, booking_id: int) -> MeetingBooking | None:
    row = session.get(MeetingBooking, booking_id)
    return row if row is not None and row.case_id == case_id else None


def file_name(case: Case, row: MeetingBooking) -> str:
    return f"mote-{case.number}-{row.on_date.isoformat()}.ics"


def ics(session: Session, case: Case, row: MeetingBooking, *, by: str) -> bytes:
    """The booking as an .ics file in Swedish local time (Europe/Stockholm); the download is audited. The person
    downloading is its organizer when their e-mail is known (users.email)."""
    audit.record(session, by, audit.EXPORT, case.id, f"kalenderfil {row.kind} {row.on_date}")
    email = session.exec(select(User.email).where(User.username == by)).first()
    return ics_bytes(case.number, row, organizer=email)


def ics_bytes(case_number: str, row: MeetingBooking, organizer: str | None = None) -> bytes:
    """Outlook matches an update to the meeting it has by UID and SEQUENCE only in a meeting request
    (METHOD:REQUEST with an ORGANIZER, RFC 5546); without an organizer's e-mail the file is a plain publication
    (METHOD:PUBLISH), which calendar programs import, and some re-import as a second entry."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "REQUEST" if organizer else "PUBLISH")
    event = icalendar.Event()
    if organizer:
        event.add("organizer", icalendar.vCalAddress(f"mailto:{organizer}"))
    event.add("uid", row.uid)
    event.add("sequence", row.sequence)
    event.add("dtstamp", row.updated_at.astimezone(dt.timezone.utc))
    event.add("summary", f"{row.kind}, ärende {case_number}")
    event.add("description", f"Ärende {case_number}: {row.kind}. Närvaro – samordning för elevens skolnärvaro.")
    if row.start_time is not None:
        start = dt.datetime.combine(row.on_date, row.start_time, tzinfo=clock.LOCAL)
        event.add("dtstart", start)
        event.add("dtend", start + dt.timedelta(minutes=row.minutes))
    else:
        event.add("dtstart", row.on_date)
        event.add("dtend", row.on_date + dt.timedelta(days=1))
    if row.place:
        event.add("location", row.place)
    event.add("status", "CANCELLED" if row.state == CANCELLED else "CONFIRMED")
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()
