"""Swedish personal identity numbers (personnummer, samordningsnummer): check, normalise, mask.

The number is optional in Närvaro (pupils are pseudonymous by default); when it is typed it must be a
real one, because it is what finds the same pupil again across requests.
"""
from __future__ import annotations

import datetime as dt
import re

from narvaro.core.errors import FieldError

_PATTERN = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+]?)(\d{4})$")
COORDINATION_OFFSET = 60  # samordningsnummer: day of birth + 60


def luhn_ok(digits: str) -> bool:
    """The Luhn check over the ten digits YYMMDDNNNC."""
    total = 0
    for i, ch in enumerate(digits):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def normalize(text: str, today: dt.date) -> str:
    """Return the number as YYYYMMDD-NNNN, or raise FieldError with a message for the user.

    Accepts 10 or 12 digits, with or without '-' ('+' in the 10-digit form means 100 years or older).
    """
    raw = re.sub(r"\s", "", text or "")
    m = _PATTERN.match(raw)
    if not m:
        raise FieldError("personal_number", "Personnumret ska skrivas ÅÅÅÅMMDD-NNNN (eller ÅÅMMDD-NNNN).")
    century, yy, mm, dd, sep, tail = m.groups()
    if century is None:
        year = today.year - today.year % 100 + int(yy)
        if year > today.year:
            year -= 100
        if sep == "+":
            year -= 100
    else:
        year = int(century + yy)
    day = int(dd)
    if day > COORDINATION_OFFSET:
        day -= COORDINATION_OFFSET
    try:
        born = dt.date(year, int(mm), day)
    except ValueError:
        raise FieldError("personal_number", "Personnumret innehåller inget giltigt datum.") from None
    if born > today:
        raise FieldError("personal_number", "Personnumret har ett födelsedatum i framtiden.")
    if not luhn_ok(yy + mm + dd + tail):
        raise FieldError("personal_number", "Personnumret stämmer inte (kontrollsiffran är fel).")
    return f"{year:04d}{mm}{dd}-{tail}"


def mask(number: str | None) -> str:
    """What lists show: the date part only, the last four digits hidden."""
    if not number:
        return "–"
    digits = re.sub(r"\D", "", number)
    return f"{digits[:8]}-****" if len(digits) >= 8 else "****"
