"""The app's state in Streamlit: the one engine, a session per action, the signed-in user and the page guard."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import streamlit as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

from narvaro.core import audit, db, permissions, versions
from narvaro.core.config import Config, get_config
from narvaro.core.permissions import CurrentUser

USER_KEY = "narvaro_user"
FLASH_KEY = "narvaro_flash"  # a message for the next screen (e.g. after first-start setup)
DEMO_PASSWORDS_KEY = "narvaro_demo_passwords"
SESSION_TOKEN_KEY = "narvaro_session_token"  # this browser session's server-side login session (core.sessions)


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    # One engine per database for the whole server process: its pool is shared by every browser session.
    engine = db.make_engine(url)
    db.migrate(engine)
    return engine


def engine() -> Engine:
    return _engine(db.database_url())


@contextmanager
def session() -> Iterator[Session]:
    """A session for one action: committed when the block ends, rolled back if it raises."""
    with db.session_scope(engine()) as s:
        yield s


def config() -> Config:
    """The process this run works under: the newest published version (one small query; parsed only when a new
    version appeared, in this or another app server), seeded from data/*.yaml on first start."""
    try:
        with session() as s:
            return versions.sync(s)
    except Exception as exc:
        if db.fault_kind(exc) is None:
            raise
        return get_config()  # the database is away: the version this process read last (narvaro.ui.faults)


def current_user() -> CurrentUser | None:
    return st.session_state.get(USER_KEY)


def guard(page_key: str) -> CurrentUser:
    """Stop the page unless the signed-in user's role may use it: checked on the page, not only in the menu.
    A signed-in user refused a page (a typed or shared URL) is in the audit log."""
    user = current_user()
    if user is None:
        from narvaro.ui.shell import leave_pages_folder_mode

        leave_pages_folder_mode()  # a page file run on its own by Streamlit's old pages/ mode: run app.py instead
    if user is None or not permissions.may_use(user.role, page_key):
        if user is not None:
            with session() as s:
                audit.record_refusal(s, user.username, f"sidan {page_key}")
        st.error("Du har inte behörighet till den här sidan.")
        st.stop()
    return user


@st.cache_data(ttl=60, show_spinner=False)
def _demo_flag(url: str) -> bool:
    from narvaro.dataio.demo import is_demo_database

    with db.session_scope(_engine(url)) as s:
        return is_demo_database(s)


def is_demo() -> bool:
    return _demo_flag(db.database_url())
