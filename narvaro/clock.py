"""One place that says what 'now' is, so deadline rules and tests agree (tests freeze it).

Times are timezone-aware (the database keeps them in UTC); days are counted in Swedish local time,
because a deadline "within two weeks" is about the team's calendar.
"""
from __future__ import annotations

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
