"""Export of every case in the import format (CSV or Excel), optionally with service notes and meetings.

Rows are streamed from the database in batches and written as they come, so an export of many years
never holds every case in memory. An export is personal data leaving the system: each one is audited.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import select
from sqlmodel import Session

from narvaro.casework import meetings
from narvaro.core import audit, clock, files
from narvaro.core.config import get_config
from narvaro.core.models import QUEUED, Assignment, Case, Meeting, School, ServiceNote, User
from narvaro.dataio import sheets
from narvaro.dataio.import_format import COLUMNS
from narvaro.dataio.table_reader import CASE_SHEET

FORMATS = ("xlsx", "csv")
NOTES_SHEET = "Anteckningar"
MEETINGS_SHEET = "Möten"
NOTE_COLUMNS = ["Ärendenummer", "Datum", "Skriven av", "Text", "Rättar anteckning nr", "Anteckning nr"]
MEETING_COLUMNS = ["Ärendenummer", "Mötestyp", "Datum"] + [label for _, label in meetings.FIELDS]
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
    """One row per meeting, its answers in the columns of meetings.FIELDS (the timeline's and the tab's order)."""
    fields = [getattr(Meeting, attr) for attr, _ in meetings.FIELDS]
    stmt = (select(Case.number, Meeting.kind, Meeting.held_on, *fields)
            .join(Case, Case.id == Meeting.case_id).order_by(Meeting.id)
            .execution_options(yield_per=_BATCH))
    for row in session.execute(stmt):
        yield ["Ja" if v is True else "Nej" if v is False else v for v in row]


def _sheets(session: Session, with_notes: bool) -> list[sheets.Sheet]:
    out = [sheets.Sheet(CASE_SHEET, list(COLUMNS), case_rows(session))]
    if with_notes:
        out += [sheets.Sheet(NOTES_SHEET, NOTE_COLUMNS, note_rows(session)),
                sheets.Sheet(MEETINGS_SHEET, MEETING_COLUMNS, meeting_rows(session))]
    return out


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
        return sheets.xlsx_bytes(_sheets(session, with_notes)), name, mime
    parts = _sheets(session, with_notes)
    if not with_notes:
        return sheets.csv_bytes(parts[0].columns, parts[0].rows), name, mime
    stamp = clock.today().isoformat()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for part in parts:
            zf.writestr(f"narvaro-{_slug(part.title)}-{stamp}.csv", sheets.csv_bytes(part.columns, part.rows))
    return buf.getvalue(), name, mime


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
    files.private_dir(out.parent)
    if fmt == "xlsx":
        with files.open_private(out, "wb") as fh:
            sheets.write_xlsx(fh, _sheets(session, with_notes))
        return [out]
    written = []
    for part in _sheets(session, with_notes):
        path = out if part.title == CASE_SHEET else out.with_name(f"{out.stem}-{_slug(part.title)}{out.suffix or '.csv'}")
        with files.open_private(path, "w", encoding="utf-8-sig", newline="") as fh:
            sheets.write_csv(fh, part.columns, part.rows)
        written.append(path)
    return written


def record_export(session: Session, username: str | None, fmt: str, with_notes: bool, where: str) -> None:
    """Audit the export: who took all cases, in which format, with or without notes, to where."""
    extra = " med anteckningar och möten" if with_notes else ""
    audit.record(session, username, audit.EXPORT, None, f"alla ärenden ({fmt}){extra} till {where}")
