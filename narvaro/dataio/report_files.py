"""The indicator tables as files: each table as CSV or Excel, and the yearly report to the board (Excel with a
sheet per table, or HTML). What is downloaded is what was shown, in the convention of narvaro.dataio.sheets."""
from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd
from sqlmodel import Session

from narvaro.core import audit, clock
from narvaro.core.text import cell_text
from narvaro.dataio import sheets
from narvaro.reporting.indicators import Period
from narvaro.reporting.tables import Report, Table, figures_frame


def _rows(df: pd.DataFrame) -> list[list[Any]]:
    return [list(values) for values in df.itertuples(index=False)]


def _sheet(title: str, df: pd.DataFrame) -> sheets.Sheet:
    widths = [max([len(str(col))] + [len(str(v)) for v in df[col]]) + 2 for col in df.columns]
    return sheets.Sheet(title, [str(c) for c in df.columns], _rows(df), widths)


def table_csv(table: Table) -> bytes:
    df = figures_frame(table)
    return sheets.csv_bytes([str(c) for c in df.columns], _rows(df), decimals=2)


def table_xlsx(table: Table) -> bytes:
    return sheets.xlsx_bytes([_sheet(table.title, figures_frame(table))])


def _cover(report: Report) -> pd.DataFrame:
    rows = [
        ("Rapport", "Närvarokoordinatorernas indikatorer"),
        ("Period", report.period.label),
        ("Statistiktabell, år", f"{report.years[0]}–{report.years[1]}"),
        ("Skapad", clock.today().isoformat()),
    ]
    if report.suppressed:
        rows.append(("Sekretess", "Antal under tröskelvärdet visas som \"<N\"; andelar och medelvärden "
                                  "på sådant underlag visas som \"–\"."))
    return pd.DataFrame(rows, columns=["Uppgift", "Värde"], dtype=object)


def yearly_report_xlsx(report: Report) -> bytes:
    """The board's yearly report: a cover sheet, then one sheet per indicator table."""
    return sheets.xlsx_bytes([_sheet("Rapport", _cover(report))]
                             + [_sheet(t.title, figures_frame(t)) for t in report.tables])


def yearly_report_html(report: Report) -> bytes:
    def cell(v: Any) -> str:
        return html.escape(cell_text(v))

    parts = [
        "<!doctype html><html lang='sv'><head><meta charset='utf-8'>",
        f"<title>Indikatorer {html.escape(report.period.label)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse;"
        "margin-bottom:1em}th,td{border:1px solid #999;padding:.25em .5em;text-align:left}"
        "td.n{text-align:right}</style></head><body>",
        "<h1>Närvarokoordinatorernas indikatorer</h1>",
    ]
    for _, row in _cover(report).iloc[1:].iterrows():
        parts.append(f"<p><strong>{cell(row['Uppgift'])}:</strong> {cell(row['Värde'])}</p>")
    for t in report.tables:
        df = figures_frame(t)
        parts.append(f"<h2>{html.escape(t.title)}</h2>")
        if t.note:
            parts.append(f"<p>{html.escape(t.note)}</p>")
        parts.append("<table><thead><tr>" + "".join(f"<th scope='col'>{html.escape(str(c))}</th>"
                                                    for c in df.columns) + "</tr></thead><tbody>")
        for values in df.itertuples(index=False):
            parts.append("<tr>" + "".join(
                f"<td class='n'>{cell(v)}</td>" if isinstance(v, (int, float)) else f"<td>{cell(v)}</td>"
                for v in values) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


def file_name(stem: str, period: Period, ext: str) -> str:
    safe = re.sub(r"[^a-z0-9]+", "-", stem.lower().translate(str.maketrans("åäö", "aao"))).strip("-")
    return f"{safe}-{period.start.isoformat()}-{period.end.isoformat()}.{ext}"


def record_export(session: Session, username: str | None, what: str, fmt: str, period: Period) -> None:
    """Every download is an export in the audit log: who took which figures, for which period, as what."""
    audit.record(session, username, audit.EXPORT, None,
                 f"indikatorer: {what} ({fmt}), period {period.start.isoformat()}–{period.end.isoformat()}")
