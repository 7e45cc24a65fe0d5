"""The process editor's forms: the draft of the next version, edited as tables (st.data_editor) and fields.

Each table is fed the version the draft started from and never its own output, so Streamlit's edit state (added,
changed and removed rows) applies to the same input at every run; the draft is that version with every table's and
field's current value put in. Errors from the start-up validation (narvaro.core.versions.draft_errors) are shown
under the table or field they belong to, through a slot kept for each.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import Any, Callable

import pandas as pd
import streamlit as st

from narvaro.core import versions
from narvaro.ui.safe import md

ORIGIN = "pe_origin"  # (version number, the four files as data) the draft started from
GEN = "pe_gen"        # bumped to start the tables afresh (after a publish, or "Börja om")

COLUMN_LABELS = {"ordning": "Ordning", "key": "Nyckel", "label": "Namn", "name": "Namn", "text": "Text",
                 "description": "Beskrivning", "administration": "Administrativ", "value": "Värde",
                 "returned_to_school": "Återgått", "rector_declined": "Rektor avböjer",
                 "rector_closed": "Rektor avslutar",
                 "scale": "Svarsalternativ (skilj med ;)", "free_text": "Fritt svar", "when": "När", "days": "Dagar",
                 "min_days": "Tidigast, dagar", "goal": "Mål"}


@dataclass
class Draft:
    raw: dict[str, Any]
    slots: dict[str, Any] = field(default_factory=dict)  # error path prefix -> an st.empty() under its widget

    def slot(self, prefix: str) -> None:
        self.slots[prefix] = st.empty()


def origin() -> tuple[int, dict[str, Any]]:
    return st.session_state[ORIGIN]


def start(number: int, texts: dict[str, str]) -> None:
    """Begin a new draft from a version (the tables start afresh)."""
    st.session_state[ORIGIN] = (number, versions.to_raw(texts))
    st.session_state[GEN] = st.session_state.get(GEN, 0) + 1


def wkey(name: str) -> str:
    return f"pe{st.session_state.get(GEN, 0)}_{name}"


def _clean(value: Any) -> Any:
    value = value.item() if hasattr(value, "item") else value
    if value is None or value is False or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    return value


def table(draft: Draft, name: str, rows: list[Any], columns: list[str], *, bools: tuple[str, ...] = (),
          lists: tuple[str, ...] = (), key_from: str | None = None, scalar: bool = False,
          help: str | None = None) -> list[Any]:
    """A list edited as a table with add, remove and reorder (the Ordning column). Rows that have a `key` keep it;
    an added row gets one from its `key_from` text. Returns the edited list, in the draft's shape."""
    data = [{"value": r} for r in rows] if scalar else [dict(r) for r in rows]
    frame = pd.DataFrame([{"ordning": i + 1, **{c: _cell(r.get(c), c in lists) for c in columns}}
                          for i, r in enumerate(data)], columns=["ordning", *columns])
    for c in bools:
        frame[c] = frame[c].fillna(False).astype(bool)
    config: dict[str, Any] = {"ordning": st.column_config.NumberColumn(COLUMN_LABELS["ordning"], min_value=1, step=1,
                                                                      help="Ändra siffran för att flytta raden.")}
    for c in columns:
        label = COLUMN_LABELS.get(c, c)
        if c in bools:
            config[c] = st.column_config.CheckboxColumn(label)
        elif c == "key":
            config[c] = st.column_config.TextColumn(label, disabled=True, help="Skapas av texten; ändras aldrig, "
                                                    "eftersom ärendena hänvisar till den.")
        else:
            config[c] = st.column_config.TextColumn(label, width="large" if c in ("text", "description") else None)
    if help:
        st.caption(help)
    edited = st.data_editor(frame, key=wkey(name), num_rows="dynamic", hide_index=True, column_config=config,
                            width="stretch")
    draft.slot(name)
    records = edited.to_dict("records")
    order = sorted(range(len(records)), key=lambda i: (_order(records[i].get("ordning")), i))
    by_key = {r["key"]: r for r in data if not scalar and r.get("key")}
    taken = set(by_key)
    out: list[Any] = []
    for i in order:
        rec = {c: _clean(records[i].get(c)) for c in columns}
        rec = {c: _split(v) if c in lists and v is not None else v for c, v in rec.items() if v is not None}
        if scalar:
            out.append(rec.get("value"))
            continue
        if "key" in columns and not rec.get("key"):
            rec = {"key": versions.new_key(rec.get(key_from or ""), taken), **rec}
            taken.add(rec["key"])
        # What the table does not show (e.g. the action that proves an item) stays as it was.
        before = by_key.get(rec.get("key"), {})
        out.append({**{k: v for k, v in before.items() if k not in columns}, **rec})
    return out


def _cell(value: Any, is_list: bool) -> Any:
    return "; ".join(str(v) for v in value) if is_list and isinstance(value, list) else value


def _split(value: Any) -> list[str]:
    return [p.strip() for p in str(value).split(";") if p.strip()]


def _order(value: Any) -> float:
    value = _clean(value)
    return float(value) if isinstance(value, (int, float)) else math.inf


def text_field(draft: Draft, label: str, value: str | None, name: str, area: bool = False) -> str | None:
    widget: Callable[..., Any] = st.text_area if area else st.text_input
    return (widget(label, value=value or "", key=wkey(name)) or "").strip() or None


def put(target: dict[str, Any], name: str, value: Any) -> None:
    """Set a field of the draft; an empty value takes the field away (a required one is then named as missing)."""
    if value in (None, [], ""):
        target.pop(name, None)
    else:
        target[name] = value


# --- showing errors where they belong ---------------------------------------------------------------

# Problems about a whole file name what they are about in words; route them to that table.
_ROUTES = (("avslutsskäl", "reference.closure_reasons"), ("closure_reasons", "reference.closure_reasons"),
           ("meeting_kinds", "reference.meeting_kinds"), ("follow_up_questions", "process.follow_up_questions"),
           ("follow_up_outcomes", "process.steps"), ("punkten", "process.steps"), ("steget", "process.steps"))


def _where(rest: list[str]) -> str:
    """'3.text' -> 'Rad 4, Text'."""
    parts = []
    for p in rest:
        if p.isdigit():
            parts.append(f"rad {int(p) + 1}")
        else:
            parts.append(COLUMN_LABELS.get(p, p))
    text = ", ".join(parts)
    return text[:1].upper() + text[1:]


def show_errors(draft: Draft, errors: dict[str, str]) -> list[str]:
    """Put each error in the slot of its table or field; returns the ones no slot took (for the top of the page)."""
    placed: dict[str, list[str]] = {}
    loose = []
    for path, message in errors.items():
        prefix = max((p for p in draft.slots if path == p or path.startswith(p + ".")), key=len, default=None)
        if prefix is None and "." not in path:
            prefix = next((p for word, p in _ROUTES if word in message and p in draft.slots), None)
        if prefix is None:
            loose.append(f"{path}: {message}")
            continue
        rest = [p for p in path[len(prefix):].split(".") if p]
        placed.setdefault(prefix, []).append(f"{_where(rest)}: {message}" if rest else message)
    for prefix, lines in placed.items():
        draft.slots[prefix].error(md("\n".join(lines)), icon=":material/error:")
    return loose


def fresh(draft_raw: dict[str, Any]) -> Draft:
    return Draft(raw=copy.deepcopy(draft_raw))
