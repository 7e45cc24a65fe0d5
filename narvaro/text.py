"""Comparing what people type with the lists in data/ and the database."""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """A value as compared: composed Unicode (a file from a Mac writes "å" as a + ring), spaces collapsed,
    case ignored. So "Fristående " matches "fristående" however it was typed or saved."""
    return " ".join(unicodedata.normalize("NFC", str(text)).split()).casefold()
