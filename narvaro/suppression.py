"""Small-number suppression for the läsare role: no pupil may be recognisable from an aggregate.

A count under `rules.small_number_threshold` (zero included: "nobody" is also a fact about a small
group) is replaced by the text "<N". A value derived from counts (a share, a mean over cases) is
replaced by "–" when the number of cases it rests on is under the threshold, since a mean of two
cases tells each of them the other's value.

`basis` is the smallest count the value is built from (a share of 2 out of 40 reveals the 2).

Only primary suppression: a shown total next to exactly one hidden cell still lets a careful reader
work that cell out (e.g. a row total in the statistics table).
"""
from __future__ import annotations

from typing import Any

HIDDEN_DERIVED = "–"


def marker(threshold: int) -> str:
    return f"<{threshold}"


def is_suppressed(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith("<") or value == HIDDEN_DERIVED)


def count(value: int | None, threshold: int) -> int | str | None:
    """A count as a läsare may see it."""
    if value is None:
        return None
    return marker(threshold) if int(value) < threshold else int(value)


def derived(value: float | None, basis: int | None, threshold: int) -> float | str | None:
    """A share or mean computed from `basis` cases: hidden when the basis is small."""
    if value is None:
        return None
    if basis is None or basis < threshold:
        return HIDDEN_DERIVED
    return value
