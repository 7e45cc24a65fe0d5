"""Meetings: follow-ups with the four questions move the case into the next round, other meetings and tasks, agendas."""
import datetime as dt

import pytest
from sqlmodel import Session, select

from narvaro.casework import agenda, cases, meetings, tasks, workflow
from narvaro.casework.inputs import FollowUpCreate, MeetingCreate, TaskCreate
from narvaro.core.errors import FieldError
from narvaro.core.models import Meeting, StepChange, Task
from tests.casework.test_workflow import new_case, run, tick_all

D = dt.date


def in_steg2(engine, frozen_clock):
    frozen_clock(D(2025, 8, 25))
    case_id = new_case(engine)
    run(engine, workflow.record_start, case_id, contacted_on=D(2025, 8, 25), answer="Båda", by="anna")
    tick_all(engine, case_id)
    run(engine, workflow.move_on, case_id, by="anna")
    frozen_clock(D(2025, 9, 1))
    record_meeting(engine, case_id, kind="EHT-möte", held_on=D(2025, 9, 1),
        participants="Rektor, kurator, koordinator", decisions="Koordinator möter eleven hemma varje vecka.",
        division_of_responsibility="Koordinator: operativt, hembesök tisdagar. Skolan: anpassat schema från v. 37.",
        next_meeting_on=D(2025, 9, 29),
        tasks=[dict(text="Ta fram anpassat schema", owner="Mentor", due_on=D(2025, 9, 8)),
               dict(text="", owner="", due_on=None)], by="anna")
    tick_all(engine, case_id)
    run(engine, workflow.move_on, case_id, by="anna")
    return case_id


def record_meeting(engine, case_id, by="anna", tasks=(), **kw):
    meeting = MeetingCreate(**kw, tasks=[TaskCreate(**t) for t in tasks])
    return run(engine, meetings.record_meeting, case_id, meeting=meeting, by=by)


def follow_up(engine, case_id, held, attendance, next_on, by="anna", **kw):
    """A follow-up meeting; with a next date and no outcome given, it decides a new meeting (Steg 3)."""
    if next_on is not None and not kw.get("rector_decided_close"):
        kw.setdefault("outcome", "nytt_mote")
    meeting = FollowUpCreate(held_on=held, participants="EHT, rektor", situation="Eleven är i skolan fler dagar.",
                             attendance=attendance, further_interventions="Fortsatt hembesök.", next_meeting_on=next_on,
                             **kw)
    return run(engine, meetings.record_follow_up, case_id, meeting=meeting, by=by)


def test_eht_meeting_books_first_follow_up_and_turns_decisions_into_tasks(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert case.next_meeting_on == D(2025, 9, 29) and case.current_step == "steg2"
        # Steg 2 began 2025-09-01: the first follow-up 3–5 weeks later (003:504), the one rule in process.yaml.
        assert meetings.first_follow_up_window(case) == (D(2025, 9, 22), D(2025, 10, 6))
        (task,) = tasks.open_tasks(s, case_id)
        assert (task.text, task.owner, task.due_on) == ("Ta fram anpassat schema", "Mentor", D(2025, 9, 8))
    run(engine, tasks.complete_task, case_id, task_id=task.id, by="anna")
    with Session(engine) as s:
        assert tasks.open_tasks(s, case_id) == []
        assert s.get(Task, task.id).done_on == D(2025, 9, 1)


def test_eht_meeting_in_steg1_needs_the_written_division(engine, frozen_clock):
    case_id = new_case(engine)
    run(engine, workflow.record_start, case_id, contacted_on=D(2025, 9, 1), answer="Samordnande", by="anna")
    run(engine, workflow.move_on, case_id, by="anna", open_items_reason="test")
    with pytest.raises(FieldError) as err:
        record_meeting(engine, case_id, kind="EHT-möte", held_on=D(2025, 9, 10),
            participants="EHT", decisions=None, by="anna")
    assert err.value.field == "division_of_responsibility"
    with pytest.raises(FieldError) as err:
        record_meeting(engine, case_id, kind="Nätverksmöte", held_on=D(2025, 9, 16),
            participants="BUP", decisions=None, by="anna")
    assert err.value.field == "held_on"  # in the future
    with pytest.raises(FieldError) as err:
        record_meeting(engine, case_id, kind="SIP", held_on=D(2025, 9, 12), participants="BUP",
            decisions="x", tasks=[dict(text="Kalla till SIP", owner="", due_on=None)], by="anna")
    assert err.value.field == "task_owner"
    with pytest.raises(FieldError, match="Uppföljningsmöten hålls i Steg 2, Steg 3"):
        follow_up(engine, case_id, D(2025, 9, 12), 40, D(2025, 10, 1))


def test_two_follow_up_cycles_with_attendance_rising(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    frozen_clock(D(2025, 9, 29))
    with pytest.raises(FieldError) as err:
        follow_up(engine, case_id, D(2025, 9, 29), 130, D(2025, 10, 27))
    assert err.value.field == "attendance"
    with pytest.raises(FieldError) as err:
        follow_up(engine, case_id, D(2025, 9, 29), 35, None, outcome="nytt_mote")
    assert err.value.field == "next_meeting_on"
    follow_up(engine, case_id, D(2025, 9, 29), 35, D(2025, 10, 27), open_items_reason="Samarbetet pågår")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert (case.cycle, case.current_step, case.step_started_on, case.next_meeting_on) == (
            1, "steg3", D(2025, 9, 29), D(2025, 10, 27))
        assert meetings.attendance_period_start(s, case) == D(2025, 9, 29)
    frozen_clock(D(2025, 10, 27))
    tick_all(engine, case_id)
    follow_up(engine, case_id, D(2025, 10, 27), 70, D(2025, 11, 24))
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert (case.cycle, case.current_step, case.next_meeting_on) == (2, "steg3", D(2025, 11, 24))
        rows = s.exec(select(Meeting).where(Meeting.kind == meetings.FOLLOW_UP).order_by(Meeting.held_on)).all()
        assert [m.attendance_percent for m in rows] == [35.0, 70.0]
        changes = s.exec(select(StepChange).order_by(StepChange.id)).all()
        assert [(c.from_step, c.to_step, c.cycle) for c in changes][-2:] == [("steg2", "steg3", 1), ("steg3", "steg3", 2)]
        labels = [(x.label, x.state) for x in workflow.stages(s, case, D(2025, 10, 28))]
        # The second round's checklist is a fresh one.
        assert not any(i.done for i in workflow.checklist(s, case))
    assert labels == [("Start", "klar"), ("Steg 1", "klar"), ("Steg 2", "klar"), ("Uppföljningsmöte 1", "klar"),
                      ("Steg 3, omgång 1", "klar"), ("Uppföljningsmöte 2", "klar"), ("Steg 3, omgång 2", "aktuell"),
                      ("Uppföljningsmöte 3", "kommande"), ("Steg 4", "kommande"), ("Avslut", "kommande")]


def test_agenda_lists_the_four_questions_and_open_tasks_without_personal_data(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        text = agenda.agenda_text(s, case, meetings.FOLLOW_UP, D(2025, 9, 29))
        page = agenda.agenda_html(s, case, meetings.FOLLOW_UP, D(2025, 9, 29))
        other = agenda.agenda_text(s, case, "Nätverksmöte", None)
    assert text.startswith("Dagordning: Uppföljningsmöte")
    assert f"Ärende: {case.number}   Elev: EX-7" in text and "Datum: 2025-09-29" in text
    for q in ("1. Nuläge?", "2. Närvaro?", "3. Fortsatta insatser?", "4. Nytt möte"):
        assert q in text
    assert "Perioden sedan 2025-08-25." in text and "Mötesledare: Anna" in text
    assert "Ta fram anpassat schema – Mentor, senast 2025-09-08" in text
    assert "<h1>Dagordning: Uppföljningsmöte</h1>" in page and "Ta fram anpassat schema" in page
    assert "Datum: ____-__-__" in other and "Beslut och ansvarsfördelning" in other


def test_a_follow_up_held_on_another_day_than_booked_asks_for_a_confirmation(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)  # booked to 2025-09-29 at the EHT meeting
    frozen_clock(D(2025, 10, 1))
    with pytest.raises(FieldError) as err:
        follow_up(engine, case_id, D(2025, 10, 1), 40, D(2025, 10, 29), open_items_reason="Pågår")
    assert err.value.field == "confirm_other_day" and "bokat till 2025-09-29, inte 2025-10-01" in str(err.value)
    with Session(engine) as s:
        assert s.exec(select(Meeting).where(Meeting.kind == meetings.FOLLOW_UP)).all() == []  # nothing saved
    follow_up(engine, case_id, D(2025, 10, 1), 40, D(2025, 10, 29), confirm_other_day=True,
              open_items_reason="Pågår")
    frozen_clock(D(2025, 10, 29))
    follow_up(engine, case_id, D(2025, 10, 29), 60, D(2025, 11, 26),  # on the booked day: no question
              open_items_reason="Pågår")
    with Session(engine) as s:
        assert [m.held_on for m in s.exec(select(Meeting).where(Meeting.kind == meetings.FOLLOW_UP))] == [
            D(2025, 10, 1), D(2025, 10, 29)]
