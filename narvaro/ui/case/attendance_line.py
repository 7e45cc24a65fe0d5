"""Attendance over time on the case page: a line of attendance (%) at intake, each follow-up meeting and closing,
with each intervention's start and end marked on it, and its table beside it (narvaro.casework.attendance_over_time).

Colour-blind safe: the Okabe-Ito palette, and start and end told apart by line style and text, never colour alone.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from narvaro import ui
from narvaro.casework import attendance_over_time as over_time
from narvaro.core.models import Case
from narvaro.core.text import cell_text, percent_in_text
from narvaro.ui.case.common import k
from narvaro.ui.charts import OKABE_ITO

LINE, START, END = OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[3]  # blue; orange dashed; vermilion dotted


def figure(points: list[over_time.Point], spans: list[over_time.Span]) -> go.Figure:
    fig = go.Figure()
    fig.add_scatter(x=[p.on for p in points], y=[p.percent for p in points], mode="lines+markers+text",
                    text=[percent_in_text(p.percent) for p in points], textposition="top center",
                    marker=dict(size=10, symbol="circle", color=LINE), line=dict(color=LINE, width=3),
                    name="Närvaro (%)", customdata=[p.label for p in points],
                    hovertemplate="%{customdata}, %{x|%Y-%m-%d}: %{text}<extra></extra>")
    for span in spans:
        if span.start is not None:
            _mark(fig, span.start, f"Start: {span.name}", START, "dash")
        if span.end is not None:
            _mark(fig, span.end, f"Slut: {span.name}", END, "dot")
    fig.update_layout(separators=", ", height=360, margin=dict(l=10, r=10, t=30, b=10), showlegend=False,
                      yaxis=dict(title="Närvaro (%)", range=[0, 105]), xaxis=dict(title="", tickformat="%Y-%m-%d"))
    return fig


def _mark(fig: go.Figure, on: dt.date, text: str, colour: str, dash: str) -> None:
    # A vertical line with its words beside it: the kind is in the text and the line style, not only the colour.
    fig.add_shape(type="line", x0=on, x1=on, y0=0, y1=1, yref="paper", line=dict(color=colour, dash=dash, width=2))
    fig.add_annotation(x=on, y=1, yref="paper", text=text, showarrow=False, textangle=-90, xanchor="right",
                       yanchor="top", font=dict(size=11))


def table(points: list[over_time.Point]) -> pd.DataFrame:
    return pd.DataFrame({"Datum": [p.on.isoformat() for p in points], "Tillfälle": [p.label for p in points],
                         "Närvaro (%)": [cell_text(p.percent) for p in points]})


def spans_table(spans: list[over_time.Span]) -> pd.DataFrame:
    return pd.DataFrame({"Insats": [s.name for s in spans],
                         "Start": [s.start.isoformat() if s.start else "–" for s in spans],
                         "Slut": [s.end.isoformat() if s.end else "–" for s in spans],
                         "Status": [s.status for s in spans]})


def render(case: Case) -> None:
    """Read in a short session, then draw with none open (as the other case panels)."""
    with ui.session() as s:
        points, spans = over_time.points(s, case), over_time.spans(s, case)
    st.subheader("Närvaro över tid")
    if not points:
        st.caption("Ingen närvaro registrerad ännu: frånvaron i ansökan, närvaron vid uppföljningsmötena och vid "
                   "avslut visas här.")
        return
    st.caption("Närvaro vid inskrivning (100 − frånvaro i ansökan), vid varje uppföljningsmöte och vid avslut. "
               "Streckad linje: en insats startar; prickad linje: den slutar.")
    left, right = st.columns([3, 2])
    left.plotly_chart(figure(points, spans), key=k(case.id, "attendance_chart"), config={"displaylogo": False})
    with right:
        st.dataframe(table(points), hide_index=True, key=k(case.id, "attendance_table"))
        if spans:
            st.dataframe(spans_table(spans), hide_index=True, key=k(case.id, "attendance_spans"))
