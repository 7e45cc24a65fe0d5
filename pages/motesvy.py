"""Mötesvy: one indicator per screen in large type, for the shared screen in team meetings.

The shown indicator and year are in the URL (?indikator=...&ar=...), so a meeting can open a link
straight to the figure it will discuss.
"""
import html

import streamlit as st

from narvaro import ui
from narvaro.core import clock
from narvaro.core.text import cell_text
from narvaro.reporting import suppression, tables
from narvaro.reporting.indicators import Period
from narvaro.ui import charts

user = ui.guard("meeting_view")

st.markdown(
    """<style>
    .mv-title {font-size: 2.6rem; font-weight: 700; margin: 0 0 .5rem 0;}
    .mv-figure {font-size: 4.5rem; font-weight: 700; line-height: 1.1;}
    .mv-label {font-size: 1.5rem;}
    .mv-note {font-size: 1.3rem;}
    [data-testid="stDataFrame"] {font-size: 1.3rem;}
    </style>""",
    unsafe_allow_html=True,
)

this_year = clock.today().year
years = list(range(this_year, this_year - 10, -1))
if "mv_year" not in st.session_state:
    wanted = st.query_params.get("ar", str(this_year))
    st.session_state["mv_year"] = int(wanted) if wanted.isdigit() and int(wanted) in years else this_year

year = st.selectbox("År", years, key="mv_year")
period = Period.year(year)
report_key = ui.report_key(period, tables.default_years(period), user.role)
report = ui.report(report_key)

keys = [t.key for t in report.tables]
titles = {t.key: t.title for t in report.tables}
if st.session_state.get("mv_indicator") not in keys:
    wanted = st.query_params.get("indikator")
    st.session_state["mv_indicator"] = wanted if wanted in keys else keys[0]


def _step(delta: int) -> None:
    i = keys.index(st.session_state["mv_indicator"])
    st.session_state["mv_indicator"] = keys[(i + delta) % len(keys)]


c1, c2, c3 = st.columns([1, 4, 1], vertical_alignment="bottom")
c1.button("Föregående", key="mv_prev", on_click=_step, args=(-1,), icon=":material/arrow_back:", width="stretch")
c2.selectbox("Indikator", keys, format_func=titles.get, key="mv_indicator")
c3.button("Nästa", key="mv_next", on_click=_step, args=(1,), icon=":material/arrow_forward:", width="stretch")
st.query_params["indikator"] = st.session_state["mv_indicator"]
st.query_params["ar"] = str(year)

table = report.table(st.session_state["mv_indicator"])
position = f"{keys.index(table.key) + 1} av {len(keys)}"
st.markdown(f"<h1 class='mv-title'>{html.escape(table.title)}</h1>"
            f"<div class='mv-note'>{period.label} · {position}</div>",
            unsafe_allow_html=True)
if report.suppressed:
    t = ui.config().process.rules.small_number_threshold
    st.caption(suppression.notice(t) + ".")

if table.headline:
    cols = st.columns(len(table.headline))
    for col, (label, value) in zip(cols, table.headline):
        col.markdown(f"<div class='mv-figure'>{html.escape(cell_text(value) or '–')}</div>"
                     f"<div class='mv-label'>{html.escape(label)}</div>", unsafe_allow_html=True)

fig = ui.figure(report_key, table.key, height=520, font_size=22)
if fig is not None:
    st.plotly_chart(fig, key="mv_chart", config={"displaylogo": False})
st.dataframe(charts.display_frame(table), hide_index=True, key="mv_table")
if table.note:
    st.markdown(f"<div class='mv-note'>{html.escape(table.note)}</div>", unsafe_allow_html=True)
