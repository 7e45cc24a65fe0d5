"""Messages where the eye is: a refused form says so next to its button and the page scrolls to its first error.

The scroll is a tiny inline component (components v2: no iframe, no other host) mounted only after a refusal.
"""
from __future__ import annotations

import streamlit as st

SCROLL = "narvaro_scroll_to_error"  # a counter: set by a refused save, consumed by the next drawing of the form

_JS = """
export default function(component) {
  const { parentElement } = component;
  const go = (tries) => {
    const form = parentElement.closest('[data-testid="stForm"]') || parentElement.closest('[data-testid="stVerticalBlock"]');
    const first = form && form.querySelector('[data-testid="stAlertContentError"]');
    if (first) { first.scrollIntoView({block: 'center'}); return; }
    if (tries > 0) setTimeout(() => go(tries - 1), 100);
  };
  setTimeout(() => go(20), 50);
}
"""

_scroller = st.components.v2.component("narvaro_scroll_to_error", js=_JS, isolate_styles=False)


def request_scroll() -> None:
    st.session_state[SCROLL] = st.session_state.get(SCROLL, 0) + 1


def refused(errors: dict[str, str]) -> None:
    """Under the button of a refused form: say it was not saved, and scroll to the first message in the form."""
    st.error("Inte sparat: rätta det som är markerat ovan. Det du skrev finns kvar.", icon=":material/error:")
    n = st.session_state.pop(SCROLL, None)
    if n:
        _scroller(key=f"narvaro_scroll_{n}")
