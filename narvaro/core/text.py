"""Text in and out: comparing what people type with data/, and numbers written the Swedish way."""
from __future__ import annotations

import datetime as dt
import numbers
import unicodedata
from typing import Any

from narvaro.core import clock


def fold(text: str) -> str:
    """A value as compared: composed Unicode (a file from a Mac writes "å" as a + ring), spaces collapsed,
    case ignored. So "Fristående " matches "fristående" however it was typed or saved."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()


def fmt_number(value: float | int | None, decimals: int = 0) -> str:
    """Swedish number formatting: space as thousands separator, comma as decimal sign."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def fmt_date(value: dt.date | dt.datetime | None) -> str:
    """A day as ÅÅÅÅ-MM-DD; a stored time in Swedish local time, to the minute; "–" for none."""
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        return clock.local(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def fmt_percent(value: float | None, decimals: int = 0) -> str:
    return "–" if value is None else f"{fmt_number(value, decimals)}\u00a0%"


def percent_in_text(value: float) -> str:
    """A percentage inside running text, as people write it: "35 %", "87,5 %"."""
    return f"{fmt_number(value, 0 if float(value).is_integer() else 1)} %"


def cell_text(v: Any) -> str:
    """A table cell in Swedish number format; suppressed markers and labels pass through."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, bool):
        return "Ja" if v else "Nej"
    if isinstance(v, numbers.Integral):
        return fmt_number(int(v))
    if isinstance(v, numbers.Real):
        return fmt_number(float(v), 2)
    return str(v)


def count(n: int, singular: str, plural: str) -> str:
    """"1 punkt", "3 punkter": a number with the noun in the right form."""
    return f"{n} {singular if n == 1 else plural}"
