"""Reading a table from an uploaded file: CSV (UTF-8 or the Windows-1252 older Swedish Excel writes, ; or ,) or
Excel, as rows of cells with their line numbers as the user sees them."""
from __future__ import annotations

import csv
import io
import unicodedata
from typing import Any

from narvaro.core.errors import FieldError
from narvaro.dataio.sheets import csv_unquote

CASE_SHEET = "Ärenden"

def is_xlsx(data: bytes, file_name: str) -> bool:
    return file_name.lower().endswith((".xlsx", ".xlsm")) or data[:4] == b"PK\x03\x04"


def read_table(data: bytes, file_name: str) -> tuple[list[Any], list[tuple[int, list[Any]]], list[str]]:
    """(header, [(line, cells)], warnings) from CSV or Excel; blank rows are left out but keep their line."""
    warnings: list[str] = []
    if is_xlsx(data, file_name):
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(data, warnings)
    numbered = [(i, list(r)) for i, r in enumerate(rows, start=1)]
    numbered = [(i, r) for i, r in numbered if any(cell_text(v) for v in r)]
    if not numbered:
        raise FieldError("file", "Filen är tom: den ska ha en rubrikrad och en rad per ärende.")
    (head_line, header), body = numbered[0], numbered[1:]
    if head_line != 1:
        warnings.append(f"Rubrikraden är rad {head_line}; raderna ovanför är tomma.")
    return header, body, warnings


def _xlsx_rows(data: bytes) -> list[tuple]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise FieldError("file", f"Excelfilen kunde inte läsas ({exc.__class__.__name__}). Spara den som .xlsx och försök igen.") from None
    try:
        ws = wb[CASE_SHEET] if CASE_SHEET in wb.sheetnames else wb.worksheets[0]
        return [tuple(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _csv_rows(data: bytes, warnings: list[str]) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Older Swedish Excel saves "CSV (semikolonavgränsad)" as Windows-1252, not UTF-8.
        text = data.decode("cp1252", errors="replace")
        warnings.append("Filen var inte UTF-8 och lästes som Windows-1252. Kontrollera å, ä och ö i rapporten; "
                        "spara helst som \"CSV UTF-8\".")
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    # The app's own CSV quotes text that Excel would take for a formula (sheets.csv_text); the quote goes again.
    return [[csv_unquote(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFC", str(value)).strip()  # stored as composed text, whatever the file held
