"""A booked meeting (not yet held): the day, time and place that go into people's calendars as an .ics file.

Its `uid` never changes, and `sequence` goes up each time the meeting is moved, so a calendar program (Outlook)
updates the meeting it already has instead of adding a second one (RFC 5545, 3.8.4.7 and 3.8.7.4).
"""
from __future__ import annotations

import datetime as dt
from typing import Optional

from sqlmodel import Field, SQLModel

from narvaro.core import clock

BOOKED, HELD, CANCELLED = "bokat", "hållet", "avbokat"


class MeetingBooking(SQLModel, table=True):
    __tablename__ = "meeting_bookings"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    kind: str = Field(max_length=40)
    on_date: dt.date
    start_time: Optional[dt.time] = None  # local time (Europe/Stockholm); none: a whole-day entry
    minutes: int = 60
    place: Optional[str] = Field(default=None, max_length=200)
    uid: str = Field(unique=True, max_length=80)
    sequence: int = 0
    state: str = Field(default=BOOKED, max_length=20)
    created_by: str = Field(max_length=64)
    created_at: dt.datetime = Field(default_factory=clock.now)
    updated_at: dt.datetime = Field(default_factory=clock.now)
