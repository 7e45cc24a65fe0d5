"""Plotly figures for the indicator tables, in the Okabe-Ito palette (readable with colour-blindness).

A figure is drawn from the very table shown beside it. Suppressed cells ("<5", "–") get no bar but
keep their label, so a chart never shows more than the läsare's table does.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from narvaro.core.text import cell_text
from narvaro.reporting import suppression
from narvaro.reporting.tables import Table, figures_frame

OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]


def _value(v: Any) -> float | None:
    if v is None or isinstance(v, bool) or suppression.is_suppressed(v):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _label(v: Any) -> str:
    if isinstance(v, str):
        return v
    return cell_text(v)


def figure(table: Table, height: int = 360, font_size: int = 14) -> go.Figure | None:
    spec = table.chart
    if spec is None or table.df.empty:
        return None
    df = table.df
    for col, keep in spec.only.items():
        df = df[df[col].isin(keep)]
    if spec.color:
        series = [(str(name), part, spec.y[0]) for name, part in df.groupby(spec.color, sort=False)]
    else:
        series = [(col, df, col) for col in spec.y]
    fig = go.Figure()
    for i, (name, part, col) in enumerate(series):
        xs = [str(x) for x in part[spec.x]]
        ys = [_value(v) for v in part[col]]
        texts = [_label(v) for v in part[col]]
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        if spec.horizontal:
            fig.add_bar(y=xs, x=ys, text=texts, name=name, orientation="h", marker_color=colour,
                        textposition="auto", hovertemplate="%{y}: %{text}<extra></extra>")
        else:
            fig.add_bar(x=xs, y=ys, text=texts, name=name, marker_color=colour,
                        textposition="auto", hovertemplate="%{x}: %{text}<extra></extra>")
    value_axis = dict(title=spec.y_title, rangemode="tozero")
    fig.update_layout(
        separators=", ",  # Swedish: decimal comma, space between thousands
        barmode="group", height=height, margin=dict(l=10, r=10, t=30, b=10),
        font=dict(size=font_size), showlegend=len(series) > 1, legend_title_text="",
        xaxis=value_axis if spec.horizontal else dict(type="category"),
        yaxis=dict(type="category", autorange="reversed") if spec.horizontal else value_axis,
    )
    return fig


def display_frame(table: Table) -> pd.DataFrame:
    """The table as shown on screen: every cell as Swedish text (the downloads keep the numbers)."""
    df = figures_frame(table)
    out = df.astype(object).map(cell_text)
    if "År" in df.columns:
        out["År"] = [str(y) for y in df["År"]]  # a year is a name, not a number: no thousands space
    return out
