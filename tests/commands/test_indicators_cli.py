"""`python -m narvaro indicators` prints the hand-checked figures, as JSON and CSV."""
import csv
import datetime as dt
import io
import json

from narvaro import cli
from narvaro.core import db
from tests.reporting.test_indicators import build_fixture


def _run(capsys, url, *args):
    rc = cli.main(["--database-url", url, "indicators", *args])
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_json(db_url, capsys):
    engine = db.make_engine(db_url)
    with db.session_scope(engine) as s:
        build_fixture(s)
    engine.dispose()
    rc, out, _ = _run(capsys, db_url, "--from", "2024-01-01", "--to", "2024-12-31", "--format", "json")
    assert rc == 0
    data = json.loads(out)
    assert {k: data[k] for k in ("incoming", "closed", "open_at_end", "returned_to_school",
                                 "mean_months", "median_months")} == {
        "incoming": 4, "closed": 3, "open_at_end": 3, "returned_to_school": 2,
        "mean_months": 5.57, "median_months": 3.02}
    assert data["closure_reasons"]["Återgått till undervisning"] == 2
    assert data["closure_reasons"]["Flyttat från kommunen"] == 1
    assert {"skolform": "Anpassad grundskola", "huvudman": "Kommunal", "kon": "Ej angivet", "count": 1} \
        in data["incoming_breakdown"]
    assert sum(r["count"] for r in data["incoming_breakdown"]) == 4
    assert data["queued_at_end"] == 2


def test_csv_and_default_year(db_url, capsys, frozen_clock):
    engine = db.make_engine(db_url)
    with db.session_scope(engine) as s:
        build_fixture(s)
    engine.dispose()
    frozen_clock(dt.date(2024, 5, 1))
    rc, out, _ = _run(capsys, db_url, "--format", "csv")  # no dates: the current calendar year
    assert rc == 0
    rows = dict(csv.reader(io.StringIO(out)))
    assert rows["period.from"] == "2024-01-01" and rows["period.to"] == "2024-12-31"
    assert rows["incoming"] == "4" and rows["mean_months"] == "5.57"
    assert rows["closure_reasons.Återgått till undervisning"] == "2"
    assert rows["incoming_breakdown.Grundskola.Kommunal.Pojke"] == "1"


def test_bad_period(sqlite_url, capsys):
    rc, _, err = _run(capsys, sqlite_url, "--from", "2024-06-01", "--to", "2024-01-01")
    assert rc == 2 and "före startdatumet" in err
