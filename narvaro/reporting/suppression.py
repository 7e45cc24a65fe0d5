"""Small-number suppression for the läsare role: no pupil may be recognisable from an aggregate.

A count under `rules.small_number_threshold` (zero included: "nobody" is also a fact about a small
group) is replaced by the text "<N". A value derived from counts (a share, a mean over cases) is
replaced by "–" when the number of cases it rests on is under the threshold, since a mean of two
cases tells each of them the other's value.

`basis` is the smallest count the value is built from (a share of 2 out of 40 reveals the 2).

A shown total next to hidden cells lets a careful reader subtract: total 12 with visible parts 10 and
"<5" gives the hidden 2 away. `line` therefore adds secondary suppression for every line whose total
is published: more cells are hidden until what is hidden sums to at least the threshold, so the reader
learns only that "these cells together are at least N".
"""
from __future__ import annotations

from typing import Any

HIDDEN_DERIVED = "–"


def marker(threshold: int) -> str:
    return f"<{threshold}"


def notice(threshold: int) -> str:
    """The sentence that explains the marker wherever suppressed figures are shown."""
    return f"Antal under {threshold} visas som \"{marker(threshold)}\""


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


def line(parts: list[int], threshold: int) -> list[bool]:
    """Which parts of a line (cells that add up to a shown total) a läsare must not see.

    Primary: every part under the threshold. Secondary: while the hidden parts sum to less than the
    threshold (so subtracting from the total would reveal them), the smallest visible part is hidden too.
    """
    hidden = [p < threshold for p in parts]
    while any(hidden) and not all(hidden) and sum(p for p, h in zip(parts, hidden) if h) < threshold:
        smallest = min((p, i) for i, (p, h) in enumerate(zip(parts, hidden)) if not h)[1]
        hidden[smallest] = True
    return hidden


def counts_in_line(parts: list[int], threshold: int) -> list[int | str]:
    """The parts of a line with a shown total, as a läsare may see them."""
    return [marker(threshold) if h else p for p, h in zip(parts, line(parts, threshold))]
