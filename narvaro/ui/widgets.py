"""Small pieces every page draws the same way: a field's error under it, a link to a case."""
from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitAPIException


def show_field_errors(errors: dict[str, str], field: str) -> None:
    """Show the message for one form field right under it (call after the widget)."""
    if field in errors:
        st.error(errors[field], icon=":material/error:")


def case_link(number: str, label: str | None = None) -> None:
    """A link to the case page, opened in the same session; a plain URL when that page is not in this run's
    navigation (a page run on its own, as in AppTest)."""
    label = label or number
    try:
        st.page_link("pages/arende.py", label=label, icon=":material/folder_open:", query_params={"arende": number})
    except StreamlitAPIException:
        st.markdown(f"[{label}](/arende?arende={number})")


def page_link(path: str, label: str, icon: str | None = None) -> None:
    """A link to another page of the app, opened in the same session (a plain link when the page is not in this
    run's navigation, as when a page runs on its own in AppTest)."""
    try:
        st.page_link(path, label=label, icon=icon)
    except StreamlitAPIException:
        st.markdown(f"[{label}](/{path.removeprefix('pages/').removesuffix('.py')})")
