"""The pupil's majority: from 18 (rules.majority_age) the guardians' part no longer applies (002:62, "I de fall stöd
är riktat till myndig elev gäller inte vårdnadshavares delaktighet"), so only the pupil gives consent.

Pupils are pseudonymous by default, so the age is known exactly only from a personnummer; with a birth year alone a
pupil is of age for certain from 31 December of the year they turn 18, and uncertain during that year.
"""
from __future__ import annotations

import datetime as dt

from narvaro.core import clock
from narvaro.core.config import Config, get_config
from narvaro.core.models import Case
from narvaro.core.personnummer import COORDINATION_OFFSET


def birth_date(case: Case) -> dt.date | None:
    """The date of birth in a stored personnummer (YYYYMMDD-NNNN; samordningsnummer day + 60)."""
    digits = (case.personal_number or "")[:8]
    if len(digits) != 8 or not digits.isdigit():
        return None
    day = int(digits[6:8])
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), day - COORDINATION_OFFSET if day > COORDINATION_OFFSET else day)
    except ValueError:
        return None


def of_age(case: Case, on: dt.date | None = None, cfg: Config | None = None) -> bool | None:
    """True if the pupil is of age on the day, False if not, None if it cannot be told (no birth date, or only a
    birth year and the pupil turns 18 that very year)."""
    on = on or clock.today()
    age = (cfg or get_config()).process.rules.majority_age
    born = birth_date(case)
    if born is not None:
        return on >= clock.add_months(born, 12 * age)
    if case.birth_year is None:
        return None
    if on.year < case.birth_year + age:
        return False
    return True if on.year > case.birth_year + age or on >= dt.date(on.year, 12, 31) else None
