"""Glue shared by the case page's panels: widget keys, the open tab, the version the user saw, saving with messages.

Saves run in button callbacks, before the page runs again, so the page then reads the case afresh.
Every save passes the version read when the page was drawn; a stale one is refused with a message and
what the user typed stays in the form. A successful save gives the form's fields fresh widget keys (a new
generation), so nothing typed for one record is carried into the next.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st
from sqlmodel import Session

from narvaro import ui
from narvaro.ui import faults
from narvaro.core.errors import ClosedCaseError, FieldError, FormError, NotAllowed, NotFound, StaleCaseError
from narvaro.core.models import ACTIVE, ASSIGNED, CLOSED, QUEUED
from narvaro.ui import feedback
from narvaro.ui.forms import keyed, renew_keys

FORM = "_form"
FLASH = "arende_flash"      # (form name, message) of the save just done, shown next to its button
SHOWN = "arende_flash_now"  # the flash of this run (popped from FLASH at the top of the page)
QUIET = "arende_quiet"  # set by this page's own callbacks: the rerun they cause is not a new view
STATUS_LABELS = {QUEUED: "I kö", ASSIGNED: "Tilldelat", ACTIVE: "Pågående", CLOSED: "Avslutat"}

# The case page's tabs: URL value (?flik=...) -> label. Only the open one is computed and drawn.
TABS = {"arbetsgang": "Arbetsgång", "moten": "Möten", "insatser": "Insatser", "samtycke": "Samtycke och aktörer",
        "anteckningar": "Anteckningar", "avslut": "Avslut", "tidslinje": "Tidslinje", "elev": "Elev och skola"}
SLUGS = {label: slug for slug, label in TABS.items()}
TAB_PARAM = "flik"
RETURN_KEY = "ar_{case_id}_return_to"  # the tab to go back to after the consent form (from a consent refusal)


def k(case_id: int, name: str) -> str:
    """The widget key of `name` on case `case_id`, in its current generation."""
    return keyed(f"ar_{case_id}_{name}")


def renew(case_id: int, names: tuple[str, ...]) -> None:
    renew_keys(tuple(f"ar_{case_id}_{name}" for name in names))


def version_key(case_id: int) -> str:
    return f"ar_{case_id}_version"


def remember_version(case_id: int, version: int) -> None:
    st.session_state[version_key(case_id)] = version


def quiet() -> None:
    """on_change for widgets outside forms, so choosing an option does not count as a new view."""
    st.session_state[QUIET] = True


# --- the open tab ----------------------------------------------------------------------------------

def tab_key(case_id: int) -> str:
    return f"ar_{case_id}_flik"


def tab_from_url(case_id: int) -> str:
    """The tab to open: the URL's ?flik= when it names one (a link or a reload), else the one open in this session."""
    ss = st.session_state
    slug = st.query_params.get(TAB_PARAM)
    if slug in TABS:
        ss[tab_key(case_id)] = TABS[slug]
    return ss.setdefault(tab_key(case_id), TABS["arbetsgang"])


def tab_changed(case_id: int) -> None:
    """on_change of the tabs: the URL follows, so a reload or a copied link opens the same tab."""
    quiet()
    label = st.session_state.get(tab_key(case_id))
    st.query_params[TAB_PARAM] = SLUGS.get(label, "arbetsgang")


def consent_actors_key(case_id: int) -> str:
    return k(case_id, "cs_actors")


def open_tab(case_id: int, slug: str) -> None:
    """Switch to another tab from a callback (e.g. from a consent refusal to the consent form)."""
    quiet()
    st.session_state[tab_key(case_id)] = TABS[slug]
    st.query_params[TAB_PARAM] = slug


# --- messages ----------------------------------------------------------------------------------------

def errors(case_id: int, name: str) -> dict[str, str]:
    return st.session_state.get(f"ar_{case_id}_{name}_errors") or {}


def show(errs: dict[str, str], field: str) -> None:
    ui.show_field_errors(errs, field)


def show_form_error(errs: dict[str, str]) -> None:
    if FORM in errs:
        st.error(errs[FORM], icon=":material/sync_problem:")


def feedback_for(case_id: int, name: str) -> None:
    """Under a form's button: the confirmation of the save just done with it, or a pointer to its errors (and the page
    scrolls to the first one)."""
    feedback_at((case_id, name), errors(case_id, name))


def feedback_at(form_id: object, errs: dict[str, str]) -> None:
    shown = st.session_state.get(SHOWN)
    if shown and shown[0] == form_id:
        st.success(shown[1], icon=":material/check_circle:")
    if errs:
        feedback.refused(errs)


def flash(form_id: object, message: str) -> None:
    """The confirmation of a save, for the next run: next to the form's button and as a toast."""
    st.session_state[FLASH] = (form_id, message)


def take_flash() -> None:
    """At the top of the page: the message of the save just done belongs to this run only (no lingering)."""
    ss = st.session_state
    ss[SHOWN] = ss.pop(FLASH, None)
    if ss[SHOWN]:
        st.toast(ss[SHOWN][1], icon=":material/check_circle:")


def run_save(err_key: str, action: Callable[[Session], object]) -> bool:
    """Run one save in its own session. A refusal is kept under `err_key` as {field: message}, so the page
    shows it next to the field (or above the form) and every input stays as typed."""
    ss = st.session_state
    try:
        with ui.session() as s:
            action(s)
    except (FieldError, FormError) as exc:
        ss[err_key] = exc.errors
    except (StaleCaseError, ClosedCaseError, NotAllowed, NotFound) as exc:
        ss[err_key] = {FORM: str(exc)}
    except Exception as exc:  # the database away, or a bug: a calm message above the form, never a traceback
        ss[err_key] = {FORM: faults.message_for(exc)}
    else:
        ss.pop(err_key, None)
        return True
    feedback.request_scroll()
    return False


def save(case_id: int, name: str, action: Callable[[Session, int], object], message: str | Callable[[], str],
         clear: tuple[str, ...] = ()) -> bool:
    """A save on the case page, with the version the user saw; on success the form's fields get fresh keys."""
    ss = st.session_state
    ss[QUIET] = True
    if not run_save(f"ar_{case_id}_{name}_errors", lambda s: action(s, ss[version_key(case_id)])):
        return False
    renew(case_id, clear)
    flash((case_id, name), message() if callable(message) else message)
    return True


def value(case_id: int, name: str):
    return st.session_state.get(k(case_id, name))
