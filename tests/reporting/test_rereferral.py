"""A pupil who comes back (rereferred within 12 months), checked by hand on a history file brought in through the
importer: pupils who come back early, late (after 365 days), on day 365 and 366, after the period ends, twice, or
whose case closed for another reason. The CLI's JSON keys carry the figure. SQLite and PostgreSQL."""
import json

from narvaro import cli
from narvaro.core import db
from tests.dataio.test_import import HEADER, _import, csv_bytes

RET, MOVED = "Återgått till undervisning", "Flyttat från kommunen"


def row(code, received, closed="", reason=""):
    return ["", code, received, closed, "Grundskola", "Kommunal", "Flicka", "Norrskolan", "7", "", reason]


HISTORY = [
    row("P-EARLY", "2022-11-01", "2023-03-01", RET), row("p-early ", "2023-05-01"),   # back after 61 days: counts
    row("P-LATE", "2022-10-01", "2023-02-01", RET), row("P-LATE", "2024-03-01"),      # back after 394 days: not
    row("P-D365", "2023-01-10", "2023-06-30", RET), row("P-D365", "2024-06-29"),      # day 365 (leap year): counts
    row("P-D366", "2023-02-10", "2023-09-01", RET), row("P-D366", "2024-09-01"),      # day 366: not
    row("P-OTHER", "2023-01-05", "2023-04-01", MOVED), row("P-OTHER", "2023-06-01"),  # closed for another reason
    row("P-PAST", "2023-08-01", "2023-12-15", RET), row("P-PAST", "2024-02-01"),      # window runs past the period
    row("P-TWICE", "2022-09-01", "2023-01-10", RET),                                  # closed twice in 2023,
    row("P-TWICE", "2023-02-01", "2023-05-01", RET), row("P-TWICE", "2023-08-01"),    # back twice: one pupil
    row("P-NEVER", "2023-01-20", "2023-07-01", RET), row("P-NEVER2", "2023-02-20", "2023-08-01", RET),
    row("P-BEFORE", "2022-06-01", "2022-12-20", RET), row("P-BEFORE", "2023-01-15"),  # closed before the period
]


def test_rereferred_within_12_months_on_imported_history(db_url, capsys, frozen_clock):
    engine = db.make_engine(db_url)
    report = _import(engine, csv_bytes(HISTORY))
    assert report.ok and report.written, report.lines()
    engine.dispose()
    rc = cli.main(["--database-url", db_url, "indicators", "--from", "2023-01-01", "--to", "2023-12-31",
                   "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0
    # Closed as returned in 2023: EARLY, LATE, D365, D366, PAST, TWICE (x2), NEVER, NEVER2 = 9 cases.
    assert data["returned_to_school"] == 9
    # Came back within 365 days: EARLY, D365, PAST, TWICE = 4 pupils; 4 / 9 = 44.44 %.
    assert data["rereferred_within_12_months"] == 4
    assert data["rereferred_share_percent"] == 44.44
    rc = cli.main(["--database-url", db_url, "indicators", "--from", "2022-01-01", "--to", "2022-12-31",
                   "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert (data["returned_to_school"], data["rereferred_within_12_months"], data["rereferred_share_percent"]) == (
        1, 1, 100.0)  # P-BEFORE, back 26 days later


def test_no_returned_cases_gives_no_share(db_url, capsys):
    rc = cli.main(["--database-url", db_url, "indicators", "--from", "2023-01-01", "--to", "2023-12-31",
                   "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0 and data["rereferred_within_12_months"] == 0 and data["rereferred_share_percent"] is None


def test_the_yearly_report_carries_the_indicator_with_its_definition(db_url, frozen_clock):
    from sqlmodel import Session

    from narvaro.dataio import report_files
    from narvaro.reporting import tables
    from narvaro.reporting.indicators import Period

    engine = db.make_engine(db_url)
    _import(engine, csv_bytes(HISTORY))
    with Session(engine) as s:
        report = tables.build(s, Period.year(2023), role="teamledare")
    engine.dispose()
    back = report.table("aterkomst")
    assert dict(zip(back.df["Mått"], back.df["Värde"]))["Elever med nytt ärende inom 12 månader"] == 4
    page = report_files.yearly_report_html(report).decode("utf-8")
    assert "Återaktualiserade inom 12 månader" in page and "högst 365 dagar efter avslutsdagen" in page
