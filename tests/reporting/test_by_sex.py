"""Issue 17, item 9: girls' equal access (000:113-116, 004:54). `by_sex` for each kön label, on imported history,
against a hand count; in the dashboard table (suppressed for läsare), the yearly report and the CLI JSON."""
import datetime as dt
import json

from sqlmodel import Session

from narvaro import cli
from narvaro.core import db
from narvaro.dataio import importer, report_files
from narvaro.reporting import by_sex, tables
from narvaro.reporting.indicators import Period

HEADER = ["Ärendenummer", "Inkom", "Tilldelad", "Avslutad", "Skolform", "Huvudman", "Kön", "Koordinator",
          "Avslutsorsak"]
# Hand count for 2024 (queue days = Tilldelad − Inkom; case days = Avslutad − Inkom):
ROWS = [
    # Flicka: incoming 3 (rows 1-3); closed 2 (rows 1, 2), returned 1; days 121 and 182, mean 151.5 → 4.98 months;
    #         assigned in 2024: 10, 4, 30 → median 10.
    ["NK-2024-0001", "2024-01-10", "2024-01-20", "2024-05-10", "Grundskola", "Kommunal", "Flicka", "Åsa Ö",
     "Återgått till undervisning"],
    ["NK-2024-0002", "2024-02-01", "2024-02-05", "2024-08-01", "Grundskola", "Fristående", "flicka", "Åsa Ö",
     "Flyttat från kommunen"],
    ["NK-2024-0003", "2024-03-01", "2024-03-31", "", "Gymnasieskola", "Kommunal", "Flicka", "Åsa Ö", ""],
    # Pojke: incoming 3 (rows 4, 5, 7; row 6 came in 2023); closed 3 (rows 4, 5, 6), returned 2; days 91, 183 and
    #        121, mean 131.67 → 4.33 months; assigned in 2024: 7, 20, 62 → median 20 (row 7 waits in the queue).
    ["NK-2024-0004", "2024-01-05", "2024-01-12", "2024-04-05", "Grundskola", "Kommunal", "Pojke", "Åsa Ö",
     "Återgått till undervisning"],
    ["NK-2024-0005", "2024-06-01", "2024-06-21", "2024-12-01", "Grundskola", "Kommunal", "Pojke", "Åsa Ö",
     "Återgått till undervisning"],
    ["NK-2023-0009", "2023-11-01", "2024-01-02", "2024-03-01", "Grundskola", "Kommunal", "Pojke", "Åsa Ö", "Övrigt"],
    ["NK-2024-0006", "2024-04-01", "", "", "Grundskola", "Kommunal", "Pojke", "", ""],
    # Ej angivet: incoming 1, in the queue; Annat: nothing in 2024 (received and closed in 2022).
    ["NK-2024-0007", "2024-09-01", "", "", "Grundskola", "Kommunal", "", "", ""],
    ["NK-2022-0001", "2022-02-01", "2022-02-11", "2022-06-01", "Grundskola", "Kommunal", "Annat", "Åsa Ö",
     "Återgått till undervisning"],
]
EXPECTED = {
    "Pojke": {"incoming": 3, "closed": 3, "returned_to_school": 2, "mean_months": 4.33, "median_queue_days": 20.0},
    "Flicka": {"incoming": 3, "closed": 2, "returned_to_school": 1, "mean_months": 4.98, "median_queue_days": 10.0},
    "Annat": {"incoming": 0, "closed": 0, "returned_to_school": 0, "mean_months": None, "median_queue_days": None},
    "Ej angivet": {"incoming": 1, "closed": 0, "returned_to_school": 0, "mean_months": None,
                   "median_queue_days": None},
}


def _import(engine, frozen_clock):
    frozen_clock(dt.date(2025, 3, 1))
    data = ("\r\n".join(";".join(r) for r in [HEADER, *ROWS]) + "\r\n").encode("utf-8-sig")
    with db.session_scope(engine) as s:
        report = importer.import_file(s, data, "historik.csv", "tester")
    assert report.ok, report.lines()


def test_by_sex_matches_a_hand_count_on_imported_history(engine, frozen_clock):
    _import(engine, frozen_clock)
    with Session(engine) as s:
        rows = by_sex.compute(s, Period.year(2024))
    assert by_sex.as_json(rows) == EXPECTED
    assert list(by_sex.as_json(rows)) == ["Pojke", "Flicka", "Annat", "Ej angivet"]  # data/ order, then unstated


def test_cli_json_has_by_sex_with_exactly_the_keys(db_url, frozen_clock, capsys):
    engine = db.make_engine(db_url)
    _import(engine, frozen_clock)
    engine.dispose()
    assert cli.main(["--database-url", db_url, "indicators", "--from", "2024-01-01", "--to", "2024-12-31"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["by_sex"] == EXPECTED
    assert all(list(v) == list(by_sex.JSON_KEYS) for v in data["by_sex"].values())
    assert cli.main(["--database-url", db_url, "indicators", "--from", "2024-01-01", "--to", "2024-12-31",
                     "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert "by_sex.Flicka.mean_months,4.98" in out and "by_sex.Annat.median_queue_days," in out


def test_dashboard_table_yearly_report_and_suppression_for_lasare(engine, frozen_clock):
    _import(engine, frozen_clock)
    with Session(engine) as s:
        staff = tables.build(s, Period.year(2024), role="teamledare").table("kon_utfall")
        reader_report = tables.build(s, Period.year(2024), role="lasare")
    reader = reader_report.table("kon_utfall")
    assert staff.df.values.tolist() == [
        ["Pojke", 3, 3, 2, 4.33, 20.0], ["Flicka", 3, 2, 1, 4.98, 10.0], ["Annat", 0, 0, 0, None, None],
        ["Ej angivet", 1, 0, 0, None, None]]
    # Every count is under 5: the läsare sees "<5", and no mean or median resting on fewer than 5 cases.
    assert set(reader.df["Inkomna"]) == {"<5"} and set(reader.df["Avslutade"]) == {"<5"}
    assert set(reader.df["Genomsnittlig tid öppet (mån)"]) <= {"–", None}
    assert set(reader.df["Median kötid (dagar)"]) <= {"–", None}
    page = report_files.yearly_report_html(reader_report).decode("utf-8")
    assert "<h2>Utfall per kön</h2>" in page and "4,98" not in page
