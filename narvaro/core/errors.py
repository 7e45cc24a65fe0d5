"""Every exception the domain raises, in one place, so a page knows the few shapes it must show.

- Bad input is a `FieldError` (one field) or a `FormError` (several fields at once): the page shows each
  message next to its field and keeps what was typed.
- A refusal about the case as a whole (someone else saved first, it is closed, it does not exist, the user may
  not do this) is shown above the form.
- `ConfigError`, `SettingsError` and `BackupError` stop an operation and name what to fix.
"""
from __future__ import annotations

from typing import Any


class FieldError(ValueError):
    """Bad input; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field

    @property
    def errors(self) -> dict[str, str]:
        return {self.field: str(self)}


class FormError(ValueError):
    """Several fields wrong at once (a form is checked as a whole); `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = dict(errors)


class MissingConsent(FieldError):
    """Coordinating work with an actor was asked for, but no valid consent covers that actor."""

    def __init__(self, actor_type: str):
        super().__init__(
            "actor_type",
            f"Samordnande insats med {actor_type} kan inte läggas in: det finns inget giltigt samtycke som omfattar "
            f"{actor_type}. Registrera samtycket från vårdnadshavare (och elev) först.")
        self.actor_type = actor_type


class NotFound(LookupError):
    """What was asked for does not exist (a case number, a note, a user)."""


class NotAllowed(PermissionError):
    """The user's role (or their relation to the case) does not allow this; the message says who may."""


class StaleCaseError(Exception):
    """Someone else saved the case after this user opened it; their change must not be overwritten."""

    def __init__(self, number: str | None = None, message: str | None = None):
        who = f"Ärende {number}" if number else "Ärendet"
        super().__init__(message or (
            f"{who} har ändrats av någon annan sedan du öppnade det. Din ändring är inte sparad: "
            "ladda om ärendet, kontrollera vad som ändrats och gör din ändring igen. Det du skrev finns kvar i formuläret."))


class ClosedCaseError(Exception):
    """A closed case is read-only until the team leader reopens it."""

    def __init__(self) -> None:
        super().__init__("Ärendet är avslutat och kan inte ändras. Teamledaren kan återöppna det.")


class PossibleDuplicate(Exception):
    """Not an error but a question: the pupil already has an open case; save only after the user has confirmed."""

    def __init__(self, duplicates: list[Any]):
        numbers = ", ".join(d.number for d in duplicates)
        super().__init__(f"Eleven kan redan ha ett öppet ärende: {numbers}.")
        self.duplicates = duplicates


class ConfigError(Exception):
    """A process file in data/ is missing, is not YAML, or does not describe a valid process."""


class SettingsError(RuntimeError):
    """A deployment setting that must be fixed before the app may start."""


class BackupError(Exception):
    """A backup or restore that cannot be done as asked (the message says why and what to do)."""


class CalendarGap(LookupError):
    """A deadline counted in school time ran into a day that data/calendar.yaml does not cover: the school year is
    missing, so no date is given rather than a wrong one."""

    def __init__(self, school_year: str, day):
        super().__init__(f"Läsåret {school_year} saknas i data/calendar.yaml, så tidsgränsen kan inte räknas "
                         f"(lov räknas inte). Lägg in läsårets terminer och lov.")
        self.school_year = school_year
        self.day = day
