"""Attendance over time on a case: intake, each follow-up meeting, closing; interventions' start and end; the last
three values on the follow-up agenda (SQLite and PostgreSQL)."""
import datetime as dt

from sqlmodel import Session

from narvaro.casework import agenda, attendance_over_time, cases, closing, interventions
from narvaro.casework.inputs import CaseClose
from narvaro.core import db
from tests.casework.test_meetings import follow_up, in_steg2
from tests.casework.test_workflow import run

D = dt.date


def test_points_spans_and_the_agenda(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    with db.session_scope(engine) as s:
        case = cases.get_case(s, case_id)
        case.absence_percent_intake = 62.5
        s.add(case)
    home = run(engine, interventions.add_intervention, case_id, intervention_key="hembesok", performed_by="Koordinator",
               start_on=D(2025, 9, 2), by="anna").id
    run(engine, interventions.add_intervention, case_id, intervention_key="sms_morgon", performed_by="Koordinator",
        start_on=D(2025, 9, 8), by="anna")
    frozen_clock(D(2025, 9, 29))
    follow_up(engine, case_id, D(2025, 9, 29), 55.0, D(2025, 10, 27), open_items_reason="Test")
    frozen_clock(D(2025, 10, 10))
    run(engine, interventions.update_status, case_id, ci_id=home, status="genomförd", by="anna")
    frozen_clock(D(2025, 10, 27))
    follow_up(engine, case_id, D(2025, 10, 27), 80.0, D(2025, 11, 24), open_items_reason="Test")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        got = attendance_over_time.points(s, case)
        assert [(p.on, p.percent, p.label) for p in got] == [
            (D(2025, 8, 18), 37.5, "Inskrivning"), (D(2025, 9, 29), 55.0, "Uppföljningsmöte 1"),
            (D(2025, 10, 27), 80.0, "Uppföljningsmöte 2")]
        spans = attendance_over_time.spans(s, case)
        assert [(x.name, x.start, x.end) for x in spans] == [
            ("Komma hem till eleven och skapa relation", D(2025, 9, 2), D(2025, 10, 10)),
            ("SMS-kontakt varje morgon", D(2025, 9, 8), None)]
        lines = agenda.agenda_lines(s, case, "Uppföljningsmöte", D(2025, 11, 24))
    assert ("   Senaste närvarovärden: 2025-08-18 inskrivning 37,5 %; 2025-09-29 uppföljningsmöte 1 55 %; "
            "2025-10-27 uppföljningsmöte 2 80 %.") in lines
    frozen_clock(D(2025, 11, 3))
    with db.session_scope(engine) as s:
        closing.record_close(s, cases.get_case(s, case_id), CaseClose(closed_on=D(2025, 11, 3), reason="Återgått till "
                             "undervisning", attendance=92.0), by="anna")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        last = attendance_over_time.last_values(s, case, 3)
    assert [(p.label, p.percent) for p in last] == [("Uppföljningsmöte 1", 55.0), ("Uppföljningsmöte 2", 80.0),
                                                    ("Avslut", 92.0)]


def test_back_to_an_open_status_clears_the_end(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    ci = run(engine, interventions.add_intervention, case_id, intervention_key="fika", performed_by="Koordinator",
             start_on=D(2025, 9, 2), by="anna").id
    run(engine, interventions.update_status, case_id, ci_id=ci, status="avbruten", by="anna")
    run(engine, interventions.update_status, case_id, ci_id=ci, status="pågående", by="anna")
    with Session(engine) as s:
        assert attendance_over_time.spans(s, cases.get_case(s, case_id))[0].end is None
