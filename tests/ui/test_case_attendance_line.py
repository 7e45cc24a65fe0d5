"""The case page shows attendance over time: a chart with its table beside it (AppTest, SQLite)."""
import datetime as dt
import json

from sqlmodel import Session

from narvaro.casework import cases, interventions
from narvaro.core import db
from tests.casework.test_meetings import follow_up, in_steg2
from tests.casework.test_workflow import run
from tests.ui.test_case_page import open_page

D = dt.date


def test_case_page_draws_attendance_and_interventions(app_env, frozen_clock):
    engine = db.make_engine(app_env)
    case_id = in_steg2(engine, frozen_clock)
    with db.session_scope(engine) as s:
        case = cases.get_case(s, case_id)
        case.absence_percent_intake = 60
        s.add(case)
    run(engine, interventions.add_intervention, case_id, intervention_key="hembesok", performed_by="Koordinator",
        start_on=D(2025, 9, 2), by="anna")
    frozen_clock(D(2025, 9, 29))
    follow_up(engine, case_id, D(2025, 9, 29), 75.0, D(2025, 10, 27), open_items_reason="Test")
    with Session(engine) as s:
        number = cases.get_case(s, case_id).number
    at = open_page(app_env, "anna", number, flik="tidslinje")  # only the open tab is drawn
    assert not at.exception
    tables = [df.value for df in at.dataframe]
    line = next(t for t in tables if "Tillfälle" in t.columns)
    assert line.to_dict("records") == [
        {"Datum": "2025-08-18", "Tillfälle": "Inskrivning", "Närvaro (%)": "40,00"},
        {"Datum": "2025-09-29", "Tillfälle": "Uppföljningsmöte 1", "Närvaro (%)": "75,00"}]
    spans = next(t for t in tables if "Insats" in t.columns and "Start" in t.columns)
    assert spans.to_dict("records")[0]["Start"] == "2025-09-02"
    assert "Närvaro över tid" in [h.value for h in at.subheader]
    [chart] = at.get("plotly_chart")
    fig = json.loads(chart.proto.spec)
    assert fig["data"][0]["y"] == [40.0, 75.0] and fig["data"][0]["x"][0].startswith("2025-08-18")
    marks = [a["text"] for a in fig["layout"]["annotations"]]
    assert marks == ["Start: Komma hem till eleven och skapa relation"]
    assert fig["layout"]["shapes"][0]["line"]["dash"] == "dash"  # a start is dashed, an end dotted: not colour only
    engine.dispose()
