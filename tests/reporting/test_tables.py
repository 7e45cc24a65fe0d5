"""Downloads and the board's yearly report hold the figures the page shows; exports are audited; charts."""
import io

import openpyxl
import pytest
from sqlmodel import Session, select

from narvaro.core import db
from narvaro.core.models import AuditEntry
from narvaro.dataio import report_files
from narvaro.reporting import tables
from narvaro.reporting.indicators import Period
from narvaro.ui import charts
from tests.reporting.test_indicators import build_fixture


@pytest.fixture
def report_pair(engine):
    with db.session_scope(engine) as s:
        build_fixture(s)
    with Session(engine) as s:
        staff = tables.build(s, Period.year(2024), (2023, 2024), role="teamledare")
        reader = tables.build(s, Period.year(2024), (2023, 2024), role="lasare")
    return staff, reader


def test_csv_is_for_swedish_excel(report_pair):
    staff, reader = report_pair
    text = report_files.table_csv(staff.table("arendetid")).decode("utf-8")
    assert text.startswith("\ufeff")  # BOM: Excel reads åäö right
    assert text.lstrip("\ufeff").splitlines() == [
        "Mått;Värde", "Avslutade ärenden;3", "Genomsnitt (månader);5,57", "Median (månader);3,02"]
    assert "<5" in report_files.table_csv(reader.table("arendetid")).decode("utf-8")


def test_table_xlsx_has_the_numbers(report_pair):
    staff, _ = report_pair
    wb = openpyxl.load_workbook(io.BytesIO(report_files.table_xlsx(staff.table("avslutsskal"))))
    rows = list(wb.active.values)
    assert rows[0] == ("Avslutsskäl", "Antal", "Andel (%)")
    assert rows[1] == ("Återgått till undervisning", 2, 66.67)


def test_yearly_report_xlsx_has_a_sheet_per_table(report_pair):
    staff, reader = report_pair
    wb = openpyxl.load_workbook(io.BytesIO(report_files.yearly_report_xlsx(staff)))
    assert wb.sheetnames[0] == "Rapport"
    assert len(wb.sheetnames) == 1 + len(staff.tables)
    stat = wb[next(n for n in wb.sheetnames if n.startswith("Statistiktabell"))]
    rows = list(stat.values)
    assert rows[0][:4] == ("År", "Skolform", "Kommunal – Pojke", "Kommunal – Flicka")
    header = rows[0]
    closed_2024 = next(r for r in rows if r[0] == 2024 and r[1] == "Avslutade ärenden")
    assert closed_2024[header.index("Totalt")] == 3
    cover = dict(list(wb["Rapport"].values)[1:])
    assert cover["Period"] == "2024"
    reader_cover = dict(list(openpyxl.load_workbook(io.BytesIO(report_files.yearly_report_xlsx(reader)))["Rapport"]
                             .values)[1:])
    assert "Sekretess" in reader_cover


def test_yearly_report_html(report_pair):
    staff, _ = report_pair
    page = report_files.yearly_report_html(staff).decode("utf-8")
    assert "<html lang='sv'>" in page
    for table in staff.tables:
        assert f"<h2>{table.title}</h2>" in page
    assert "<td class='n'>5,57</td>" in page


def test_exports_are_audited(engine):
    with db.session_scope(engine) as s:
        report_files.record_export(s, "anna", "Avslutsskäl", "xlsx", Period.year(2024))
    with Session(engine) as s:
        entry = s.exec(select(AuditEntry)).one()
    assert (entry.username, entry.action) == ("anna", "export")
    assert "Avslutsskäl (xlsx)" in entry.detail and "2024-01-01–2024-12-31" in entry.detail


def test_file_names_are_plain():
    assert report_files.file_name("Årsrapport", Period.year(2024), "xlsx") == "arsrapport-2024-01-01-2024-12-31.xlsx"


def test_charts_use_the_palette_and_hide_suppressed_bars(report_pair):
    staff, reader = report_pair
    fig = charts.figure(staff.table("effekt"))
    assert [t.marker.color for t in fig.data] == charts.OKABE_ITO[:2]
    assert [t.name for t in fig.data] == ["Operativa insatser", "Samordnande insatser"]
    assert fig.layout.separators == ", "
    hidden = charts.figure(reader.table("avslutsskal"))
    assert all(v is None for v in hidden.data[0].x) and set(hidden.data[0].text) == {"<5"}
    stat = charts.figure(staff.table("statistik"))
    assert [t.name for t in stat.data] == ["GRSK", "GYM"]
    assert list(stat.data[0].y) == [2, 3]  # GRSK incoming 2023, 2024


def test_display_frame_uses_swedish_numbers(report_pair):
    staff, _ = report_pair
    shown = charts.display_frame(staff.table("arendetid"))
    assert shown["Värde"].tolist() == ["3", "5,57", "3,02"]
    assert charts.cell_text(12345) == "12\u00a0345"
    assert charts.display_frame(staff.table("statistik"))["År"].iloc[0] == "2023"
