"""What a user sees when something fails: a calm Swedish message, never a traceback, and the menu stays.

- The database away (server down, network gone) or refusing writes (read-only file, full disk): say so, say that
  nothing was saved and that what was typed is still there; while it is away, check every few seconds and run
  the page again by itself once it answers. Each action is one transaction, so nothing is half written.
- Anything else: a message with a short reference id; the traceback goes to the server log under the same id.
Uncaught errors elsewhere (callbacks) meet Streamlit's own handler, set to show no details (.streamlit/config.toml).
"""
from __future__ import annotations

import functools
import uuid
from typing import Any, Callable, TypeVar

import streamlit as st
from streamlit.logger import get_logger

from narvaro.core import db
from narvaro.ui import state

T = TypeVar("T")
RETRY_SECONDS = 5
PENDING = "narvaro_fault"  # a failure in a button's callback, told when the page runs next
TYPED = "narvaro_typed"  # texts typed on a page that failed, given back to their fields once it runs again
_log = get_logger("narvaro")

NOT_SAVED = "Om du sparade något är det inte sparat; det du skrev finns kvar, så du kan spara igen."
MESSAGES = {
    db.AWAY: "Databasen svarar inte just nu. " + NOT_SAVED + " Sidan försöker igen av sig själv.",
    db.READ_ONLY: "Databasen kan inte ta emot ändringar just nu (disken kan vara full eller skrivskyddad). "
                  + NOT_SAVED + " Kontakta administratören om det fortsätter.",
}


def is_database_fault(exc: BaseException) -> bool:
    return db.fault_kind(exc) is not None


def message_for(exc: Exception) -> str:
    """The Swedish message for a failure; the server log gets what an administrator needs (a bug's traceback
    under a reference id that the message names)."""
    kind = db.fault_kind(exc)
    if kind is not None:
        _log.warning("Databasen (%s): %s", kind, exc.__class__.__name__)
        return MESSAGES[kind]
    ref = uuid.uuid4().hex[:8].upper()
    _log.error("Oväntat fel, referens %s", ref, exc_info=exc)
    return (f"Något gick fel, och det du gjorde är inte sparat. Det du skrev finns kvar. Försök igen, och "
            f"kontakta administratören om det händer igen: ange referens {ref}.")


def show(exc: Exception, where=None) -> None:
    """Tell the user what failed, in words they can act on."""
    _tell(message_for(exc), db.fault_kind(exc), where or st.container())


def _tell(message: str, kind: str | None, where) -> None:
    where.error(message, icon=":material/cloud_off:" if kind else ":material/error:")
    if kind == db.AWAY:
        with where:
            _retry_when_back()


def callback(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A button's on_click/on_change runs before the page, outside `run`: a failure there is kept and told at the
    top of the page that follows (whose widgets still hold what was typed)."""
    @functools.wraps(fn)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            st.session_state[PENDING] = (message_for(exc), db.fault_kind(exc))
    return guarded


def run(page, earlier: Exception | None = None) -> None:
    """Run the navigation's page; a failure is told above what the page drew before it.

    `earlier` is a database fault app.py met before the page (while reading the login): the page still runs, so
    that its form keeps what was typed (Streamlit forgets a widget that a run does not draw); if the page does
    not fail on its own, that fault is told instead."""
    top = st.container()
    pending = st.session_state.pop(PENDING, None)
    if pending is not None:
        _tell(*pending, top)
        earlier = None
    if earlier is None:
        _give_back_typed()
    try:
        page.run()
    except Exception as exc:  # StopException and RerunException are BaseExceptions and pass through
        show(exc, top)
        _keep_typed()
        st.stop()  # as st.stop(): Streamlit forgets no widget state after a run stopped early
    else:
        if earlier is not None:
            show(earlier, top)


def _keep_typed() -> None:
    """A page that fails before it draws its form would lose what was typed in it (the browser drops the
    fields it no longer shows): keep the typed texts aside."""
    ss = st.session_state
    typed = dict(ss.get(TYPED) or {})
    typed.update({key: value for key, value in ss.items()
                  if isinstance(key, str) and isinstance(value, str) and value.strip()
                  and not key.startswith(("$$", "narvaro_", "FormSubmitter"))})
    ss[TYPED] = typed


def _give_back_typed() -> None:
    """Put the kept texts back into their fields before the page draws them. Set even where the server still
    holds the value: set so, it is sent to the browser, which had dropped it."""
    typed = st.session_state.pop(TYPED, None) or {}
    for key, value in typed.items():
        st.session_state[key] = value


def answer_or(default: T, read: Callable[[], T]) -> T:
    """`read()`, or `default` while the database is away (for what only decorates the page)."""
    try:
        return read()
    except Exception as exc:
        if not is_database_fault(exc):
            raise
        return default


@st.fragment(run_every=RETRY_SECONDS)
def _retry_when_back() -> None:
    try:
        back = db.answers(state.engine())
    except Exception as exc:  # the engine is made (and migrated) on first use: that can fail the same way
        if not is_database_fault(exc):
            raise
        back = False
    if back:
        st.rerun(scope="app")
    st.caption("Försöker igen var femte sekund …")
