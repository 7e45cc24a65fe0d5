"""Export of every case in the import format (CSV or Excel), optionally with service notes and meetings.

Rows are streamed from the database in batches and written as they come, so an export of many years
never holds every case in memory. An export is personal data leaving the system: each one is audited.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import select
from sqlmodel import Session

from . import audit, clock
from .config import get_config
from .importer import CASE_SHEET, COLUMNS
from .models import QUEUED, Assignment, Case, Meeting, School, ServiceNote, User

FORMATS = ("xlsx", "csv")
NOTES_SHEET = "Anteckningar"
MEETINGS_SHEET = "Möten"
NOTE_COLUMNS = ["Ärendenummer", "Datum", "Skriven av", "Text", "Rättar anteckning nr", "Anteckning nr"]
MEETING_COLUMNS = ["Ärendenummer", "Mötestyp", "Datum", "Deltagare", "Nuläge", "Närvaro (%)",
                   "Fortsatta insatser", "Nytt möte", "Beslut", "Rektor beslutade avslut", "Ansvarsfördelning"]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BATCH = 500


def _coordinator_name():
    """The lead coordinator's name: a running assignment before an ended one, then the latest."""
    return (
        select(User.name).join(Assignment, Assignment.user_id == User.id)
        .where(Assignment.case_id == Case.id)
        .order_by(Assignment.ended_at.is_(None).desc(), Assignment.lead.desc(), Assignment.id.desc())
        .limit(1).scalar_subquery()
    )


def case_rows(session: Session) -> Iterator[list[Any]]:
    """One list per case, in COLUMNS order, oldest case first."""
    districts = {d.key: d.name for d in get_config().reference.districts}
    # Each import column's value, by the attribute name COLUMNS gives it: the order follows COLUMNS.
    source = {attr: getattr(Case, attr) for attr in COLUMNS.values() if hasattr(Case, attr)}
    source.update(school=School.name, coordinator=_coordinator_name())
    attrs = list(COLUMNS.values())
    stmt = (
        select(Case.status, *(source[a] for a in attrs))
        .outerjoin(School, School.id == Case.school_id)
        .order_by(Case.id)
        .execution_options(yield_per=_BATCH)
    )
    for status, *values in session.execute(stmt):
        row = dict(zip(attrs, values))
        row["district"] = districts.get(row["district"], row["district"])
        if status == QUEUED:
            row["coordinator"] = None  # a queued case has no coordinator yet, whatever assignment rows linger
        yield [row[a] for a in attrs]


def note_rows(session: Session) -> Iterator[list[Any]]:
    stmt = (select(Case.number, ServiceNote.written_on, ServiceNote.author, ServiceNote.text,
                   ServiceNote.corrects_id, ServiceNote.id)
            .join(Case, Case.id == ServiceNote.case_id).order_by(ServiceNote.id)
            .execution_options(yield_per=_BATCH))
    for row in session.execute(stmt):
        yield list(row)


def meeting_rows(session: Session) -> Iterator[list[Any]]:
    stmt = (select(Case.number, Meeting.kind, Meeting.held_on, Meeting.participants, Meeting.situation,
                   Meeting.attendance_percent, Meeting.further_interventions, Meeting.next_meeting_on,
                   Meeting.decisions, Meeting.rector_decided_close, Meeting.division_of_responsibility)
            .join(Case, Case.id == Meeting.case_id).order_by(Meeting.id)
            .execution_options(yield_per=_BATCH))
    for row in session.execute(stmt):
        values = list(row)
        values[9] = "Ja" if values[9] else "Nej"
        yield values


def _sheets(session: Session, with_notes: bool) -> list[tuple[str, list[str], Iterator[list[Any]]]]:
    sheets = [(CASE_SHEET, list(COLUMNS), case_rows(session))]
    if with_notes:
        sheets += [(NOTES_SHEET, NOTE_COLUMNS, note_rows(session)),
                   (MEETINGS_SHEET, MEETING_COLUMNS, meeting_rows(session))]
    return sheets


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float):
        # Swedish Excel reads a decimal comma; whole numbers stay without decimals.
        return str(int(value)) if value.is_integer() else f"{value}".replace(".", ",")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _write_csv(stream: io.TextIOBase, columns: list[str], rows: Iterator[list[Any]]) -> int:
    writer = csv.writer(stream, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    n = 0
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
        n += 1
    return n


def _write_xlsx(target: Any, sheets: list[tuple[str, list[str], Iterator[list[Any]]]]) -> int:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    n_cases = 0
    for title, columns, rows in sheets:
        ws = wb.create_sheet(title)
        header = []
        for c in columns:
            cell = WriteOnlyCell(ws, value=c)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        n = 0
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(ws, value=value)
                if isinstance(value, dt.date):
                    cell.number_format = "yyyy-mm-dd"
                cells.append(cell)
            ws.append(cells)
            n += 1
        if title == CASE_SHEET:
            n_cases = n
    wb.save(target)
    return n_cases


def download_name(fmt: str, with_notes: bool = False) -> tuple[str, str]:
    """(file name, MIME type) of a download; CSV with notes is a zip of three CSV files."""
    stamp = clock.today().isoformat()
    if fmt == "xlsx":
        return f"narvaro-arenden-{stamp}.xlsx", XLSX_MIME
    if fmt != "csv":
        raise ValueError(f"Okänt format {fmt!r}; välj xlsx eller csv.")
    if with_notes:
        return f"narvaro-arenden-{stamp}.zip", "application/zip"
    return f"narvaro-arenden-{stamp}.csv", "text/csv"


def export_bytes(session: Session, fmt: str, with_notes: bool = False) -> tuple[bytes, str, str]:
    """(content, file name, MIME type) for a download."""
    name, mime = download_name(fmt, with_notes)
    if fmt == "xlsx":
        buf = io.BytesIO()
        _write_xlsx(buf, _sheets(session, with_notes))
        return buf.getvalue(), name, mime
    sheets = _sheets(session, with_notes)
    if not with_notes:
        _, columns, rows = sheets[0]
        return _csv_bytes(columns, rows), name, mime
    stamp = clock.today().isoformat()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for title, columns, rows in sheets:
            zf.writestr(f"narvaro-{_slug(title)}-{stamp}.csv", _csv_bytes(columns, rows))
    return buf.getvalue(), name, mime


def _csv_bytes(columns: list[str], rows: Iterator[list[Any]]) -> bytes:
    text = io.StringIO()
    _write_csv(text, columns, rows)
    return text.getvalue().encode("utf-8-sig")


def _slug(title: str) -> str:
    return {CASE_SHEET: "arenden", NOTES_SHEET: "anteckningar", MEETINGS_SHEET: "moten"}[title]


def format_for(out: Path | str, fmt: str | None = None) -> str:
    """The export format: the one asked for, else the file's suffix (.csv), else xlsx."""
    fmt = fmt or ("csv" if Path(out).suffix.lower() == ".csv" else "xlsx")
    if fmt not in FORMATS:
        raise ValueError(f"Okänt format {fmt!r}; välj xlsx eller csv.")
    return fmt


def write_export(session: Session, out: Path, fmt: str | None = None, with_notes: bool = False) -> list[Path]:
    """Write the export to `out` (format from --format or the suffix); CSV notes/meetings go beside it."""
    out = Path(out)
    fmt = format_for(out, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        with out.open("wb") as fh:
            _write_xlsx(fh, _sheets(session, with_notes))
        return [out]
    written = []
    for title, columns, rows in _sheets(session, with_notes):
        path = out if title == CASE_SHEET else out.with_name(f"{out.stem}-{_slug(title)}{out.suffix or '.csv'}")
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            _write_csv(fh, columns, rows)
        written.append(path)
    return written


def record_export(session: Session, username: str | None, fmt: str, with_notes: bool, where: str) -> None:
    """Audit the export: who took all cases, in which format, with or without notes, to where."""
    extra = " med anteckningar och möten" if with_notes else ""
    audit.record(session, username, audit.EXPORT, None, f"alla ärenden ({fmt}){extra} till {where}")
