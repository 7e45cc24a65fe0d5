"""Forms that start clean after a save: each field's widget key carries a generation, renewed by a successful save.

Streamlit keeps a widget's value under its key. Popping the key after a save is not enough in every case (a value
set by a default, a field on a tab not drawn), so a saved form gets new keys instead: `base`, `base_g1`, ... and
nothing typed for one record is carried into the next. A refused save keeps the keys, so what was typed stays.
"""
from __future__ import annotations

import streamlit as st


def keyed(base: str) -> str:
    """The widget key for `base` in its current generation."""
    gen = st.session_state.get(f"{base}__gen", 0)
    return base + (f"_g{gen}" if gen else "")


def renew_keys(bases: tuple[str, ...]) -> None:
    """Give the fields `bases` fresh widget keys: the form is drawn empty (its defaults) on the next run."""
    ss = st.session_state
    for base in bases:
        ss.pop(keyed(base), None)
        ss[f"{base}__gen"] = ss.get(f"{base}__gen", 0) + 1
