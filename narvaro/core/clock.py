"""One place that says what 'now' is, so deadline rules and tests agree (tests freeze it).

Times are timezone-aware (the database keeps them in UTC); days are counted in Swedish local time,
because a deadline "within two weeks" is about the team's calendar.
"""
from __future__ import annotations

import calendar
import datetime as _dt

try:
    from zoneinfo import ZoneInfo

    LOCAL = ZoneInfo("Europe/Stockholm")
except Exception:  # no tz database on the machine
    LOCAL = _dt.timezone.utc

_frozen: _dt.datetime | None = None


def now() -> _dt.datetime:
    return _frozen if _frozen is not None else _dt.datetime.now(LOCAL).replace(microsecond=0)


def today() -> _dt.date:
    return now().date()


def local(at: _dt.datetime | None) -> _dt.datetime | None:
    """A stored (UTC) time in Swedish local time, for display."""
    return at.astimezone(LOCAL) if at is not None else None


def freeze(at: _dt.datetime | _dt.date | None) -> None:
    """Pin the clock (tests, demo data generation); `freeze(None)` lets it run again."""
    global _frozen
    if isinstance(at, _dt.date) and not isinstance(at, _dt.datetime):
        at = _dt.datetime.combine(at, _dt.time(12, 0))
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=LOCAL)
    _frozen = at


def add_months(day: _dt.date, months: int) -> _dt.date:
    """`day` moved by whole months; the 31st becomes the month's last day where needed."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return _dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def earliest_start_within(today: _dt.date, months: int) -> _dt.date:
    """The first start day whose `months`-month limit has not passed today: a start before it is overdue.

    The limit of a start is add_months(start, months). Month ends make this a little later than
    add_months(today, -months) (Aug 29–31 have no twin in February), so it is searched, not subtracted.
    A rule in SQL (start < this day) and one in Python (limit < today) then agree on every date.
    """
    day = add_months(today, -months)
    while add_months(day, months) < today:
        day += _dt.timedelta(days=1)
    return day
