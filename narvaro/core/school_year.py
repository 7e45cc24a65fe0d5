"""The school year: terms and holidays (data/calendar.yaml), and deadlines that do not run during a holiday.

A deadline in data/process.yaml is counted either in calendar days (`count: calendar`) or in school time
(`count: school_time`). School time is every day inside a term that is not inside a holiday (höstlov, jullov,
sportlov, påsklov, sommarlov, ...); weekends inside a term count, so "two school weeks" is 14 days of school time
and a week of jullov simply does not run. A month of school time is 30.4375 days (the indicators' month), so
"six months" is 183 days of school time.

A day outside every school year in the file cannot be placed: counting across it raises `CalendarGap` with a
Swedish message that names the missing school year, so the page shows a warning instead of a wrong date.
"""
from __future__ import annotations

import bisect
import datetime as dt
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from narvaro.core.errors import CalendarGap

Count = Literal["calendar", "school_time"]
DAYS_PER_MONTH = 30.4375
NO_HOLIDAY_NOTE = "lov räknas inte"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Period(_Strict):
    name: str
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _order(self) -> "Period":
        if self.end < self.start:
            raise ValueError(f"{self.name}: slutdatum {self.end} ligger före startdatum {self.start}")
        return self

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


class SchoolYear(_Strict):
    name: str                       # "2025/26"
    start: dt.date                  # the first day the school year covers (usually the first day of höstterminen)
    end: dt.date                    # the last day it covers (the end of sommarlov, the day before the next year)
    terms: list[Period] = Field(min_length=1)
    holidays: list[Period] = Field(default_factory=list)

    @model_validator(mode="after")
    def _inside(self) -> "SchoolYear":
        for p in [*self.terms, *self.holidays]:
            if p.start < self.start or p.end > self.end:
                raise ValueError(f"läsåret {self.name}: {p.name} ({p.start}–{p.end}) ligger utanför läsåret "
                                 f"({self.start}–{self.end})")
        terms = sorted(self.terms, key=lambda p: p.start)
        for a, b in zip(terms, terms[1:]):
            if b.start <= a.end:
                raise ValueError(f"läsåret {self.name}: terminerna {a.name} och {b.name} överlappar")
        return self


class SchoolCalendar(_Strict):
    # Shipped: Uppsala's school years, as an example for the municipality to check and extend each spring.
    example_of: str = ""
    school_years: list[SchoolYear] = Field(min_length=1)

    @model_validator(mode="after")
    def _contiguous(self) -> "SchoolCalendar":
        years = self.school_years
        for a, b in zip(years, years[1:]):
            if b.start != a.end + dt.timedelta(days=1):
                raise ValueError(f"läsåret {b.name} ska börja dagen efter att {a.name} slutar ({a.end}), "
                                 f"inte {b.start}: annars saknas dagar i kalendern")
        return self

    # --- where a day lies ------------------------------------------------------------------------

    @property
    def first_day(self) -> dt.date:
        return self.school_years[0].start

    @property
    def last_day(self) -> dt.date:
        return self.school_years[-1].end

    def covers(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def year_of(self, day: dt.date) -> SchoolYear | None:
        return next((y for y in self.school_years if y.start <= day <= y.end), None)

    def _gap(self, day: dt.date) -> CalendarGap:
        start = day.year if day.month >= 8 else day.year - 1
        return CalendarGap(f"{start}/{(start + 1) % 100:02d}", day)

    @cached_property
    def _school_days(self) -> list[dt.date]:
        """Every day of school time the file covers, sorted: deadlines are a bisect away."""
        out: set[dt.date] = set()
        for year in self.school_years:
            for term in year.terms:
                out.update(term.days())
            for holiday in year.holidays:
                out.difference_update(holiday.days())
        return sorted(out)

    def is_school_time(self, day: dt.date) -> bool:
        if not self.covers(day):
            raise self._gap(day)
        i = bisect.bisect_left(self._school_days, day)
        return i < len(self._school_days) and self._school_days[i] == day

    def holiday_on(self, day: dt.date) -> str | None:
        """The name of the holiday `day` falls in (or "mellan terminerna"), None on a day of school time."""
        if self.is_school_time(day):
            return None
        year = self.year_of(day)
        return next((h.name for h in year.holidays if h.start <= day <= h.end), "mellan terminerna") if year else None

    # --- counting ----------------------------------------------------------------------------------

    def add_school_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th day of school time after `start` (n = 0: `start` itself, or the next school day if it is a
        holiday). Raises CalendarGap when the count runs outside the file."""
        if not self.covers(start):
            raise self._gap(start)
        days = self._school_days
        i = bisect.bisect_right(days, start) + n - 1 if n > 0 else bisect.bisect_left(days, start)
        if i >= len(days):
            raise self._gap(self.last_day + dt.timedelta(days=1))
        return days[i]

    def latest_overdue_start(self, today: dt.date, n: int) -> dt.date:
        """The first start day whose deadline (n days of school time later) has not passed `today`: a start
        before it is overdue. A rule in SQL (start < this day) and one in Python (due < today) agree."""
        if not self.covers(today):
            raise self._gap(today)
        k = bisect.bisect_left(self._school_days, today) - 1  # the last school day before today
        if k - n + 1 < 0:
            raise self._gap(self.first_day - dt.timedelta(days=1))
        return self._school_days[k - n + 1]


def months_as_days(months: int) -> int:
    """A number of months of school time in days (30.4375 days a month)."""
    return round(months * DAYS_PER_MONTH)


def add_days(calendar: SchoolCalendar, count: Count, start: dt.date, n: int) -> dt.date:
    """`start` plus n days, counted as the deadline says (calendar days, or school time)."""
    return start + dt.timedelta(days=n) if count == "calendar" else calendar.add_school_days(start, n)


def overdue_before(calendar: SchoolCalendar, count: Count, today: dt.date, n: int) -> dt.date:
    """The day a start must be before for its deadline (n days later, counted as said) to have passed `today`."""
    return today - dt.timedelta(days=n) if count == "calendar" else calendar.latest_overdue_start(today, n)
