"""Checks shared by every service's input: free text within its limit, percentages. Each raises a FieldError
named after the form field, in Swedish, so the page can show it where the user typed."""
from __future__ import annotations

from narvaro.core.errors import FieldError

REASON_MAX = 500  # a reason given for an exception to the workflow (an item not applicable, a reopening, ...)


def text(value: str | None, field: str, limit: int, required: str | None = None) -> str | None:
    """The text trimmed (None when empty); `required` is the message when it must be given."""
    value = (value or "").strip() or None
    if value is None and required:
        raise FieldError(field, required)
    if value is not None and len(value) > limit:
        raise FieldError(field, f"Texten får vara högst {limit} tecken.")
    return value


def percent(value: float | None, field: str, required: str | None = None) -> float | None:
    """A percentage 0–100; `required` is the message when it must be given."""
    if value is None:
        if required:
            raise FieldError(field, required)
        return None
    if not 0 <= value <= 100:
        raise FieldError(field, "Närvaron ska vara mellan 0 och 100 procent.")
    return float(value)
