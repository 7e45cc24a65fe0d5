"""The one shape of a user's input error, shared by every service: the page shows it next to `field`."""
from __future__ import annotations


class FieldError(ValueError):
    """Bad input; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
