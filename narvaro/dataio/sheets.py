"""Every CSV and Excel file the app writes, in one Swedish convention.

CSV: semicolon-separated, decimal comma, dates as ÅÅÅÅ-MM-DD, UTF-8 with BOM (Swedish Excel opens it right).
Excel: one sheet per table, bold header row, dates formatted, columns as wide as their content.
Both are written row by row, so an export of many years never holds every row in memory.

Text is never a formula (OWASP, CSV injection): a stored text starting with =, +, -, @, tab or CR would run in
Excel (a HYPERLINK that sends the sheet's data away). Excel cells are written as text; in CSV such a text gets a
leading apostrophe, which Excel shows as text and `csv_unquote` (the import) takes off again.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import IO, Any, Iterable

MAX_WIDTH = 60


@dataclass
class Sheet:
    title: str
    columns: list[str]
    rows: Iterable[list[Any]]
    widths: list[int] = field(default_factory=list)  # characters per column; empty: as the header


def number_text(value: float, decimals: int | None = None) -> str:
    """A number with a decimal comma: whole numbers without decimals; `decimals` fixes their count."""
    if decimals is not None:
        return f"{value:.{decimals}f}".replace(".", ",")
    return str(int(value)) if float(value).is_integer() else f"{value}".replace(".", ",")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _needs_quote(text: str) -> bool:
    """True for a text Excel could read as a formula, and for one that already looks quoted (so that the
    apostrophe added here is the one the import takes off, whatever the text was)."""
    return text.lstrip("'").startswith(_FORMULA_START)


def csv_text(text: str) -> str:
    return "'" + text if _needs_quote(text) else text


def csv_unquote(text: str) -> str:
    """The inverse of csv_text, for a cell read from CSV."""
    return text[1:] if text.startswith("'") and _needs_quote(text[1:]) else text


def csv_value(value: Any, decimals: int | None = None) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return number_text(value, decimals)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        return csv_text(value)
    return value


def write_csv(stream: IO[str], columns: list[str], rows: Iterable[list[Any]], decimals: int | None = None) -> int:
    """Write a header and the rows; returns how many rows were written."""
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([csv_value(v, decimals) for v in row])
        n += 1
    return n


def csv_bytes(columns: list[str], rows: Iterable[list[Any]], decimals: int | None = None) -> bytes:
    text = io.StringIO()
    write_csv(text, columns, rows, decimals)
    return text.getvalue().encode("utf-8-sig")


def sheet_name(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, no []:*?/\\), unique within the workbook."""
    name = re.sub(r"[\[\]:*?/\\]", "", title)[:31].strip() or "Blad"
    base, i = name, 2
    while name in used:
        name = f"{base[:28]} {i}"
        i += 1
    used.add(name)
    return name


def write_xlsx(target: Any, sheets: Iterable[Sheet]) -> dict[str, int]:
    """Write the sheets to a file or stream; returns the rows written per sheet title."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    counts: dict[str, int] = {}
    used: set[str] = set()
    for sheet in sheets:
        ws = wb.create_sheet(sheet_name(sheet.title, used))
        widths = sheet.widths or [len(str(c)) + 2 for c in sheet.columns]
        for i, width in enumerate(widths, start=1):  # write-only sheets take widths before the first row
            ws.column_dimensions[get_column_letter(i)].width = min(width, MAX_WIDTH)
        header = []
        for c in sheet.columns:
            cell = WriteOnlyCell(ws, value=c)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        n = 0
        for row in sheet.rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws, value=value)
                if cell.data_type == "f":  # openpyxl takes any text starting with "=" for a formula
                    cell.data_type = "s"
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            ws.append(cells)
            n += 1
        counts[sheet.title] = n
    wb.save(target)
    return counts


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    buf = io.BytesIO()
    write_xlsx(buf, sheets)
    return buf.getvalue()
