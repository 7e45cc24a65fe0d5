"""Figures built once per state of the data and reused by every rerun, in any browser session of this process.

The key is the data version (narvaro.core.db): every save of case data, in any app process, changes it, so a
change shows at once; views and logins do not, so the dashboard's cache survives them.
"""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from narvaro.core import db, versions
from narvaro.reporting import tables
from narvaro.reporting.indicators import Period
from narvaro.reporting.tables import Report
from narvaro.ui.state import _engine, session


@dataclass(frozen=True)
class ReportKey:
    """Which indicator tables, and the state of the data they are built from."""
    url: str
    data_version: int
    period: Period
    years: tuple[int, int]
    role: str


def report_key(period: Period, years: tuple[int, int], role: str) -> ReportKey:
    """One query per run; report() and figure() then cost nothing until something is saved."""
    with session() as s:
        version = db.data_version(s)
    return ReportKey(db.database_url(), version, period, (int(years[0]), int(years[1])), role)


@st.cache_data(max_entries=32, show_spinner=False)
def report(key: ReportKey) -> Report:
    """The indicator tables: the meeting view's Nästa/Föregående and the dashboard's downloads cost no queries."""
    with db.session_scope(_engine(key.url)) as s:
        return tables.build(s, key.period, key.years, key.role)


@st.cache_data(max_entries=32, show_spinner=False)
def versions_in_period(key: ReportKey) -> str:
    """Which version(s) of the arbetsgång the period was worked under (a publish changes the data version)."""
    with db.session_scope(_engine(key.url)) as s:
        return versions.during_text(s, key.period.start, key.period.end)


@st.cache_data(max_entries=32, show_spinner=False)
def overview(key: ReportKey) -> tables.Table:
    """Only the key figures (the start page of a läsare)."""
    with db.session_scope(_engine(key.url)) as s:
        return tables.build(s, key.period, key.years, key.role, sections=["oversikt"]).tables[0]


@st.cache_data(max_entries=64, show_spinner=False)
def section(key: ReportKey, name: str) -> Report:
    """Only the tables of one dashboard section (tables.SECTIONS): the other sections cost nothing until opened."""
    with db.session_scope(_engine(key.url)) as s:
        return tables.build(s, key.period, key.years, key.role, sections=[name])


# A resource, not data: st.cache_data would pickle the figure, and unpickling a plotly figure re-validates it,
# which is the very cost cached here. Callers only read the figure (st.plotly_chart copies it).
@st.cache_resource(max_entries=256, show_spinner=False)
def figure(key: ReportKey, table_key: str, height: int = 360, font_size: int = 14, in_section: str | None = None):
    """The chart of one of report(key)'s tables (or of section(key, in_section)'s): building plotly figures was over
    half of the dashboard's run."""
    from narvaro.ui import charts  # plotly is imported by the chart pages only

    source = section(key, in_section) if in_section else report(key)
    return charts.figure(source.table(table_key), height, font_size)
