"""Streamlit glue shared by app.py and the pages: the one engine, the logged-in user, the page guard.

Rules and queries do not belong here; this module only connects Streamlit to narvaro's services.
"""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import streamlit as st
from streamlit.errors import StreamlitAPIException
from sqlalchemy.engine import Engine
from sqlmodel import Session

from . import audit, clock, db, permissions, reports
from .config import Config, get_config
from .indicators import Period
from .reports import Report
from .text import fmt_number, fmt_percent  # noqa: F401  (pages format through ui)

USER_KEY = "narvaro_user"
FLASH_KEY = "narvaro_flash"  # a message for the next screen (e.g. after first-start setup)
DEMO_PASSWORDS_KEY = "narvaro_demo_passwords"


@dataclass(frozen=True)
class CurrentUser:
    id: int
    username: str
    name: str
    role: str
    district: str | None = None


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    engine = db.make_engine(url)
    db.migrate(engine)
    return engine


def engine() -> Engine:
    return _engine(db.database_url())


@contextmanager
def session() -> Iterator[Session]:
    with db.session_scope(engine()) as s:
        yield s


@dataclass(frozen=True)
class ReportKey:
    """Which indicator tables, and the state of the data they are built from: the newest audit entry's id
    (every save writes one, in any app process), so a change shows at once."""
    url: str
    data_version: int | None
    period: Period
    years: tuple[int, int]
    role: str


def report_key(period: Period, years: tuple[int, int], role: str) -> ReportKey:
    """One query per run; report() and figure() then cost nothing until something is saved."""
    with session() as s:
        version = audit.latest_id(s)
    return ReportKey(db.database_url(), version, period, (int(years[0]), int(years[1])), role)


@st.cache_data(max_entries=32, show_spinner=False)
def report(key: ReportKey) -> Report:
    """The indicator tables, built once per state of the data and reused by every rerun until something is
    saved: the meeting view's Nästa/Föregående and the dashboard's downloads then cost no queries."""
    with db.session_scope(_engine(key.url)) as s:
        return reports.build(s, key.period, key.years, key.role)


# A resource, not data: st.cache_data would pickle the figure, and unpickling a plotly figure re-validates it,
# which is the very cost cached here. Callers only read the figure (st.plotly_chart copies it).
@st.cache_resource(max_entries=256, show_spinner=False)
def figure(key: ReportKey, table_key: str, height: int = 360, font_size: int = 14):
    """The chart of one of report(key)'s tables, drawn once per state of the data like the tables themselves:
    building plotly figures was over half of the dashboard's run."""
    from . import charts  # plotly is imported by the chart pages only

    return charts.figure(report(key).table(table_key), height, font_size)


def config() -> Config:
    return get_config()


def current_user() -> CurrentUser | None:
    return st.session_state.get(USER_KEY)


def guard(page_key: str) -> CurrentUser:
    """Stop the page unless the logged-in user's role may use it; checked on the page, not only in the menu."""
    user = current_user()
    if user is None or not permissions.may_use(user.role, page_key):
        st.error("Du har inte behörighet till den här sidan.")
        st.stop()
    return user


def fmt_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return "–"
    if isinstance(value, dt.datetime):
        return clock.local(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def show_field_errors(errors: dict[str, str], field: str) -> None:
    """Show the message for one form field right under it (call after the widget)."""
    if field in errors:
        st.error(errors[field], icon=":material/error:")


ROLE_LABELS = {
    "admin": "Administratör",
    "teamledare": "Teamledare",
    "koordinator": "Koordinator",
    "registrator": "Registrator",
    "lasare": "Läsare",
}


@st.cache_data(ttl=60, show_spinner=False)
def _demo_flag(url: str) -> bool:
    from .demo import is_demo_database

    with db.session_scope(engine()) as s:
        return is_demo_database(s)


def is_demo() -> bool:
    return _demo_flag(db.database_url())


def case_link(number: str, label: str | None = None) -> None:
    """A link to the case page, opened in the same session; a plain URL when that page is not in this run's
    navigation (a page run on its own, as in AppTest)."""
    label = label or number
    try:
        st.page_link("pages/arende.py", label=label, icon=":material/folder_open:", query_params={"arende": number})
    except StreamlitAPIException:
        st.markdown(f"[{label}](/arende?arende={number})")
