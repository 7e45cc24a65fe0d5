"""Glue shared by the case page's panels: widget keys, the version the user saw, saving with messages.

Saves run in button callbacks, before the page runs again, so the page then reads the case afresh.
Every save passes the version read when the page was drawn; a stale one is refused with a message and
what the user typed stays in the form.
"""
from __future__ import annotations

from typing import Callable

import streamlit as st
from sqlmodel import Session

from narvaro import ui
from narvaro.ui import faults
from narvaro.core.errors import ClosedCaseError, FieldError, FormError, NotAllowed, NotFound, StaleCaseError
from narvaro.core.models import ACTIVE, ASSIGNED, CLOSED, QUEUED

FORM = "_form"
FLASH = "arende_flash"
QUIET = "arende_quiet"  # set by this page's own callbacks: the rerun they cause is not a new view
STATUS_LABELS = {QUEUED: "I kö", ASSIGNED: "Tilldelat", ACTIVE: "Pågående", CLOSED: "Avslutat"}


def k(case_id: int, name: str) -> str:
    return f"ar_{case_id}_{name}"


def version_key(case_id: int) -> str:
    return k(case_id, "version")


def remember_version(case_id: int, version: int) -> None:
    st.session_state[version_key(case_id)] = version


def quiet() -> None:
    """on_change for widgets outside forms, so choosing an option does not count as a new view."""
    st.session_state[QUIET] = True


def errors(case_id: int, name: str) -> dict[str, str]:
    return st.session_state.get(k(case_id, f"{name}_errors")) or {}


def show(errs: dict[str, str], field: str) -> None:
    ui.show_field_errors(errs, field)


def show_form_error(errs: dict[str, str]) -> None:
    if FORM in errs:
        st.error(errs[FORM], icon=":material/sync_problem:")


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
    return False


def save(case_id: int, name: str, action: Callable[[Session, int], object], flash: str | Callable[[], str],
         clear: tuple[str, ...] = ()) -> bool:
    """A save on the case page, with the version the user saw; on success the inputs are cleared."""
    ss = st.session_state
    ss[QUIET] = True
    if not run_save(k(case_id, f"{name}_errors"), lambda s: action(s, ss[version_key(case_id)])):
        return False
    for key in clear:
        ss.pop(k(case_id, key), None)
    ss[FLASH] = flash() if callable(flash) else flash
    return True


def value(case_id: int, name: str):
    return st.session_state.get(k(case_id, name))

