"""Export in the import format: a round trip into a fresh database gives the same figures; notes and meetings
on extra sheets/files; every export audited. The source database is SQLite and PostgreSQL in turn."""
import csv
import datetime as dt
import io
import random
import zipfile

import pytest
from openpyxl import load_workbook
from sqlalchemy import extract
from sqlmodel import Session, func, select

from narvaro import cli
from narvaro.core import db
from narvaro.core import users as auth
from narvaro.core.models import AuditEntry, Case, Meeting, ServiceNote
from narvaro.dataio import demo, exporter, importer
from narvaro.reporting import indicators
from narvaro.reporting.indicators import Period
from tests.reporting.test_indicators import build_fixture


def _fill(engine):
    with db.session_scope(engine) as s:
        build_fixture(s)
        coordinators = [auth.create_user(s, username=f"k{i}", name=f"Koordinator {i}", role="koordinator",
                                         password=None, by="test", district=d)
                        for i, d in enumerate(["vo1", "vo2", "gymnasiet"])]
        demo.fill_cases(s, random.Random(7), 60, demo.ensure_schools(s), coordinators, by="test",
                        code_prefix="RT")
        case_id = s.exec(select(Case.id).where(Case.number == "T-A")).one()
        s.add(ServiceNote(case_id=case_id, written_on=dt.date(2023, 12, 1), author="k0", text="Samtal; med \"VH\"\nrad två"))


def _groups(engine):
    """Counts by received year, school form, provider, sex and closing reason, and closed per year — in SQL.

    An empty sex and a missing one both mean "not stated" (the indicators count them together); the
    import stores an empty cell as missing, so the comparison does the same.
    """
    year, sex = extract("year", Case.received_on), func.coalesce(Case.sex, "")
    with Session(engine) as s:
        received = sorted(tuple(map(str, r)) for r in s.exec(
            select(year, Case.school_form, Case.provider, sex, Case.closure_reason, func.count(Case.id))
            .group_by(year, Case.school_form, Case.provider, sex, Case.closure_reason)).all())
        closed = sorted(tuple(map(str, r)) for r in s.exec(
            select(extract("year", Case.closed_on), func.count(Case.id)).where(Case.closed_on.is_not(None))
            .group_by(extract("year", Case.closed_on))).all())
    return received, closed


def _indicators(engine):
    with Session(engine) as s:
        out = {}
        for year in range(2021, 2026):
            data = indicators.as_json(indicators.compute(s, Period.year(year)))
            data.pop("caseload")  # active users with no cases are listed; imported coordinators are inactive
            out[year] = data
        out["table"] = indicators.statistics_table(s, 2021, 2025)
    return out


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_round_trip_into_a_fresh_database_gives_the_same_figures(engine, tmp_path, frozen_clock, fmt):
    _fill(engine)
    with Session(engine) as s:
        data, name, _ = exporter.export_bytes(s, fmt)
        n_cases = s.exec(select(func.count(Case.id))).one()
    fresh = db.make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    db.migrate(fresh)
    with db.session_scope(fresh) as s:
        report = importer.import_file(s, data, name, "test")
    assert report.ok and report.new == n_cases, report.lines()
    assert _groups(fresh) == _groups(engine)
    assert _indicators(fresh) == _indicators(engine)
    # Importing the export again into the same database changes nothing.
    with db.session_scope(fresh) as s:
        again = importer.import_file(s, data, name, "test")
    assert (again.new, again.existing) == (0, n_cases)
    fresh.dispose()


def test_with_notes_xlsx_sheets_and_csv_files(engine, tmp_path, frozen_clock):
    _fill(engine)
    with Session(engine) as s:
        n_meetings = s.exec(select(func.count(Meeting.id))).one()
        data, _, _ = exporter.export_bytes(s, "xlsx", with_notes=True)
    wb = load_workbook(io.BytesIO(data), read_only=True)
    assert wb.sheetnames == ["Ärenden", "Anteckningar", "Möten"]
    notes = list(wb["Anteckningar"].iter_rows(values_only=True))
    assert notes[0][:4] == ("Ärendenummer", "Datum", "Skriven av", "Text")
    assert notes[1][0] == "T-A" and notes[1][3] == "Samtal; med \"VH\"\nrad två"
    assert len(list(wb["Möten"].iter_rows(values_only=True))) == n_meetings + 1 > 1

    out = tmp_path / "ut" / "export.csv"
    with Session(engine) as s:
        paths = exporter.write_export(s, out, with_notes=True)
    assert [p.name for p in paths] == ["export.csv", "export-anteckningar.csv", "export-moten.csv"]
    raw = paths[1].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM, so Swedish Excel reads å, ä, ö
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][3] == "Samtal; med \"VH\"\nrad två"  # separators, quotes and line breaks survive

    with Session(engine) as s:
        zipped, name, mime = exporter.export_bytes(s, "csv", with_notes=True)
    assert name.endswith(".zip") and mime == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(zipped)).namelist()) == 3


def test_cli_export_is_audited(db_url, tmp_path, frozen_clock, capsys):
    engine = db.make_engine(db_url)
    _fill(engine)
    out = tmp_path / "alla.xlsx"
    assert cli.main(["--database-url", db_url, "export", "--with-notes", str(out)]) == 0
    assert "Skrev" in capsys.readouterr().out
    assert load_workbook(out, read_only=True).sheetnames == ["Ärenden", "Anteckningar", "Möten"]
    assert cli.main(["--database-url", db_url, "export", "--format", "csv", str(tmp_path / "alla.csv")]) == 0
    with Session(engine) as s:
        details = [e.detail for e in s.exec(select(AuditEntry).where(AuditEntry.action == "export")
                                            .order_by(AuditEntry.id)).all()]
    engine.dispose()
    assert len(details) == 2
    assert "(xlsx) med anteckningar och möten" in details[0] and "alla.xlsx" in details[0]
    assert "(csv)" in details[1] and "anteckningar" not in details[1]
