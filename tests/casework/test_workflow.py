"""The arbetsgång on one case: step windows on fixed dates, checklist marks, the rector's answer, moving on."""
import datetime as dt

import pytest
from sqlmodel import Session, select

from narvaro.casework import cases, handout, meetings, workflow
from narvaro.casework.cases import ClosedCaseError, StaleCaseError
from narvaro.core import clock, db, permissions
from narvaro.core.config import get_config
from narvaro.core.errors import FieldError
from narvaro.core.models import ACTIVE, ASSIGNED, CLOSED, ChecklistMark, StepChange, User

D = dt.date
FIELDS = dict(pupil_code="EX-7", school_form="Grundskola", provider="Kommunal", sex="Flicka",
              received_on=D(2025, 8, 18), way_in="Skolpliktsbevakning")


def hand_out(session: Session, case_id: int, username: str, on: dt.date, by: str = "chef") -> None:
    """Hand the queued case to `username` with the real hand-out service (the coordinator is created if new)."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        user = User(username=username, name=username.title(), role="koordinator")
        session.add(user)
        session.flush()
    handout.assign(session, case_id, cases.get_case(session, case_id).version, user_ids=[user.id], by=by, role="teamledare", today=on)


def new_case(engine, username: str = "anna", assigned: dt.date = D(2025, 8, 20), **extra) -> int:
    with db.session_scope(engine) as s:
        case = cases.create_case(s, {**FIELDS, **extra}, "chef")
        hand_out(s, case.id, username, assigned)
        return case.id


def version(engine, case_id: int) -> int:
    with Session(engine) as s:
        return cases.get_case(s, case_id).version


def run(engine, fn, case_id, **kw):
    """Call a service the way the page does: the version read just before, one transaction."""
    with db.session_scope(engine) as s:
        return fn(s, case_id, version(engine, case_id), **kw)


def tick_all(engine, case_id, by="anna"):
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        keys = [i.item.key for i in workflow.checklist(s, case) if not i.done]
        step = case.current_step
    for key in keys:
        run(engine, workflow.mark_item, case_id, step_key=step, item_key=key, by=by)


def test_step_windows_and_deadlines_on_fixed_dates(engine, frozen_clock):
    frozen_clock(D(2025, 8, 25))
    case_id = new_case(engine)
    run(engine, workflow.record_start, case_id, contacted_on=D(2025, 8, 25), answer="Båda", by="anna")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        start, steg1 = workflow.stages(s, case)[:2]
    assert (start.state, start.start, start.due) == ("aktuell", D(2025, 8, 18), None)
    assert (steg1.state, steg1.start, steg1.due) == ("kommande", D(2025, 8, 25), D(2025, 9, 8))

    tick_all(engine, case_id)
    run(engine, workflow.move_on, case_id, by="anna")
    frozen_clock(D(2025, 9, 9))  # one day past Steg 1's two weeks
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert case.status == ACTIVE and case.current_step == "steg1" and case.step_started_on == D(2025, 8, 25)
        st = {x.label: x for x in workflow.stages(s, case)}
    assert (st["Start"].state, st["Start"].end) == ("klar", D(2025, 8, 25))
    assert st["Steg 1"].state == "aktuell" and st["Steg 1"].overdue and st["Steg 1"].due == D(2025, 9, 8)
    assert st["Steg 2"].due is None  # counted from the day the step begins
    assert st["Uppföljningsmöte 1"].note == "Inget datum bokat"

    run(engine, workflow.move_on, case_id, by="anna", open_items_reason="EHT-mötet flyttat av skolan")
    frozen_clock(D(2025, 10, 1))
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        st = {x.label: x for x in workflow.stages(s, case)}
        change = s.exec(select(StepChange).where(StepChange.to_step == "steg2")).one()
    assert change.open_items_reason == "EHT-mötet flyttat av skolan" and change.on_date == D(2025, 9, 9)
    assert (st["Steg 1"].state, st["Steg 1"].end) == ("klar", D(2025, 9, 9))
    assert (st["Steg 2"].start, st["Steg 2"].due, st["Steg 2"].overdue) == (D(2025, 9, 9), D(2025, 10, 14), False)
    with Session(engine) as s:
        assert workflow.current_stage(s, case, D(2025, 10, 15)).overdue


def test_items_ticked_with_who_and_when_and_not_applicable_needs_reason(engine, frozen_clock):
    case_id = new_case(engine)  # the hand-out ticks "delat ut" (tests/casework/test_proofs.py)
    run(engine, workflow.mark_item, case_id, step_key="start", item_key="utredning_inkommen", by="anna")
    with pytest.raises(FieldError) as err:
        run(engine, workflow.mark_item, case_id, step_key="start", item_key="kontakt_rektor", by="anna",
            not_applicable=True)
    assert err.value.field == "reason"
    run(engine, workflow.mark_item, case_id, step_key="start", item_key="kontakt_rektor", by="anna",
        not_applicable=True, reason="Rektor sökte direkt")
    with pytest.raises(FieldError, match="redan markerad"):
        run(engine, workflow.mark_item, case_id, step_key="start", item_key="kontakt_rektor", by="anna")
    with pytest.raises(FieldError, match="aktuella steget"):
        run(engine, workflow.mark_item, case_id, step_key="steg1", item_key="eht_mote", by="anna")
    with Session(engine) as s:
        items = {i.item.key: i for i in workflow.checklist(s, cases.get_case(s, case_id))}
    first = items["utredning_inkommen"].mark
    assert (first.marked_by, clock.local(first.marked_at), first.proof) == ("anna", clock.now(), None)
    assert items["kontakt_rektor"].mark.not_applicable and items["kontakt_rektor"].mark.reason == "Rektor sökte direkt"
    assert not items["rektor_besked"].done
    run(engine, workflow.unmark_item, case_id, step_key="start", item_key="utredning_inkommen", by="anna")
    with Session(engine) as s:
        assert len(s.exec(select(ChecklistMark)).all()) == 2  # "delat ut" (hand-out) and "kontakt" (ej aktuell)


def test_start_needs_a_yes_before_moving_on_and_open_items_need_a_reason(engine, frozen_clock):
    case_id = new_case(engine)
    with pytest.raises(FieldError, match="rektors besked"):
        run(engine, workflow.move_on, case_id, by="anna")
    with pytest.raises(FieldError) as err:
        run(engine, workflow.record_start, case_id, contacted_on=D(2025, 9, 20), answer=None, by="anna")
    assert err.value.field == "contacted_on"
    run(engine, workflow.record_start, case_id, contacted_on=D(2025, 9, 1), answer="Operativt", by="anna")
    with pytest.raises(FieldError) as err:
        run(engine, workflow.move_on, case_id, by="anna")
    # The hand-out, the contact and the answer ticked their items; the investigation's date was not given.
    assert err.value.field == "open_items_reason" and "1 punkt i steget" in str(err.value)
    with Session(engine) as s:
        assert cases.get_case(s, case_id).status == ASSIGNED  # nothing saved
    run(engine, workflow.move_on, case_id, by="anna", open_items_reason="  Bockas av i efterhand ")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert (case.status, case.current_step, case.rector_answer, case.first_rector_contact_on) == (
            ACTIVE, "steg1", "Operativt", D(2025, 9, 1))
        assert s.exec(select(StepChange)).one().open_items_reason == "Bockas av i efterhand"
    # Steg 2 ends with a follow-up meeting, not with a button.
    tick_all(engine, case_id)
    run(engine, workflow.move_on, case_id, by="anna")
    tick_all(engine, case_id)
    with pytest.raises(FieldError, match="uppföljningsmöte"):
        run(engine, workflow.move_on, case_id, by="anna")


def test_rector_saying_no_closes_the_case_with_the_reason_from_data(engine, frozen_clock):
    case_id = new_case(engine)
    run(engine, workflow.record_start, case_id, contacted_on=D(2025, 9, 10), answer=workflow.NO_SUPPORT, by="anna")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert (case.status, case.closure_reason, case.closed_on, case.current_step) == (
            CLOSED, get_config().reference.rector_declined_reason, D(2025, 9, 15), None)
    with pytest.raises(ClosedCaseError):
        run(engine, workflow.mark_item, case_id, step_key="start", item_key="kontakt_rektor", by="anna")


def test_stale_version_is_refused(engine, frozen_clock):
    case_id = new_case(engine)
    seen = version(engine, case_id)
    run(engine, workflow.mark_item, case_id, step_key="start", item_key="utredning_inkommen", by="bertil")
    with pytest.raises(StaleCaseError), db.session_scope(engine) as s:
        workflow.record_start(s, case_id, seen, contacted_on=D(2025, 9, 1), answer="Båda", by="anna")
    with Session(engine) as s:
        assert cases.get_case(s, case_id).first_rector_contact_on is None


def test_who_may_open_a_case(engine, frozen_clock):
    case_id = new_case(engine, "anna")
    with db.session_scope(engine) as s:
        queued = cases.create_case(s, FIELDS, "chef")
        s.add(User(username="bertil", name="Bertil", role="koordinator"))
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        anna = s.exec(select(User).where(User.username == "anna")).one()
        bertil = s.exec(select(User).where(User.username == "bertil")).one()
        assert permissions.may_open(s, "koordinator", anna.id, case)
        assert not permissions.may_open(s, "koordinator", bertil.id, case)
        assert permissions.may_open(s, "teamledare", bertil.id, case)
        assert permissions.may_open(s, "koordinator", bertil.id, queued)
        assert not permissions.may_work_on(s, "koordinator", bertil.id, queued)
        assert not permissions.may_open(s, "registrator", anna.id, case)
        assert meetings.first_follow_up_window(case) is None
