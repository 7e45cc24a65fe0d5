"""Closing with the indicator facts, extending the six-month limit, reopening, and the notes/actors services."""
import datetime as dt

import pytest
from sqlmodel import Session

from narvaro.casework import actors, cases, closing, notes, workflow
from narvaro.casework.cases import ClosedCaseError
from narvaro.casework.inputs import CaseClose
from narvaro.core import audit, db
from narvaro.core.config import get_config
from narvaro.core.errors import FieldError, NotAllowed
from narvaro.core.models import ACTIVE, CLOSED
from tests.casework.test_meetings import follow_up, in_steg2
from tests.casework.test_workflow import new_case, run

D = dt.date


def close(engine, case_id, by="anna", **kw):
    args = dict(reason=get_config().reference.returned_reason, closed_on=None, attendance=92.5,
                effect_operative="Tydlig effekt", effect_coordinating="Viss effekt", closing_talk_held=True)
    args.update(kw)
    return run(engine, closing.close_case, case_id, close=CaseClose(**args), by=by)


def test_close_asks_for_the_facts_and_makes_the_case_read_only(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    frozen_clock(D(2025, 11, 3))
    for bad, field in ((dict(reason="Tröttnade"), "reason"), (dict(attendance=None), "attendance"),
                       (dict(attendance=101), "attendance"), (dict(effect_operative="Jättebra"), "effect_operative"),
                       (dict(effect_operative=None, effect_coordinating=None), "effect_operative"),
                       (dict(closing_talk_held=None), "closing_talk_held"),
                       (dict(closed_on=D(2025, 11, 4)), "closed_on")):
        with pytest.raises(FieldError) as err:
            close(engine, case_id, **bad)
        assert err.value.field == field
    close(engine, case_id, confirm_return=True)  # from Steg 2: Steg 4's conditions are not met (see below)
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert (case.status, case.closed_on, case.closure_reason, case.attendance_at_closing, case.effect_operative,
                case.effect_coordinating, case.closing_talk_held, case.current_step, case.next_meeting_on) == (
            CLOSED, D(2025, 11, 3), "Återgått till undervisning", 92.5, "Tydlig effekt", "Viss effekt", True,
            None, None)
        assert closing.days_open(case) == (D(2025, 11, 3) - D(2025, 8, 18)).days
        assert [e.action for e in audit.search(s, case_id=case_id, action=audit.CLOSE)] == [audit.CLOSE]
    with pytest.raises(ClosedCaseError):
        run(engine, notes.add_note, case_id, text="efteråt", written_on=None, by="anna")


def test_rector_decides_to_close_at_a_follow_up_meeting(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    frozen_clock(D(2025, 9, 29))
    with pytest.raises(FieldError) as err:
        follow_up(engine, case_id, D(2025, 9, 29), 10, D(2025, 10, 27), rector_decided_close=True,
                  open_items_reason="x")
    assert err.value.field == "next_meeting_on"
    follow_up(engine, case_id, D(2025, 9, 29), 10, None, rector_decided_close=True, open_items_reason="x")
    assert closing.rector_closed_reason() == "Rektor avslutade, ej önskad effekt"
    close(engine, case_id, reason=closing.rector_closed_reason(), attendance=10, effect_operative="Ingen effekt",
          effect_coordinating=None, closing_talk_held=False)
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert (case.closure_reason, case.cycle, case.effect_coordinating) == (
            "Rektor avslutade, ej önskad effekt", 1, None)


def test_six_month_limit_and_extension(engine, frozen_clock, calendar_days):
    case_id = new_case(engine)
    with Session(engine) as s:
        assert closing.case_limit(cases.get_case(s, case_id)) == D(2026, 2, 20)  # from assigned_on
    run(engine, workflow.record_start, case_id, contacted_on=D(2025, 8, 31), answer="Båda", by="anna")
    with Session(engine) as s:
        assert closing.case_limit(cases.get_case(s, case_id)) == D(2026, 2, 28)  # 31st → month's last day
    with pytest.raises(FieldError) as err:
        run(engine, closing.extend, case_id, until=D(2026, 4, 30), decision="  ", by="chef")
    assert err.value.field == "decision"
    with pytest.raises(FieldError) as err:
        run(engine, closing.extend, case_id, until=D(2026, 2, 1), decision="Beslut", by="chef")
    assert err.value.field == "until"
    run(engine, closing.extend, case_id, until=D(2026, 4, 30), decision="Rektor och VH önskar fortsatt stöd.",
        by="chef")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert (case.extended_until, closing.case_limit(case), case.status) == (D(2026, 4, 30), D(2026, 4, 30), "assigned")


def test_reopen_only_by_team_leader_with_reason_back_to_the_step(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    close(engine, case_id, reason="Flyttat från kommunen")
    with pytest.raises(NotAllowed):
        run(engine, closing.reopen, case_id, reason="Flyttade tillbaka", by="anna", role="koordinator")
    with pytest.raises(FieldError) as err:
        run(engine, closing.reopen, case_id, reason="", by="chef", role="teamledare")
    assert err.value.field == "reopen_reason"
    frozen_clock(D(2025, 9, 20))
    run(engine, closing.reopen, case_id, reason="Familjen flyttade tillbaka", by="chef", role="teamledare")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert (case.status, case.current_step, case.closed_on, case.closure_reason, case.attendance_at_closing,
                case.step_started_on) == (ACTIVE, "steg2", None, None, None, D(2025, 9, 20))
        assert len(audit.search(s, case_id=case_id, action=audit.REOPEN)) == 1

    declined = new_case(engine)
    run(engine, workflow.record_start, declined, contacted_on=D(2025, 9, 2), answer="Nej", by="anna")
    run(engine, closing.reopen, declined, reason="Ny rektor vill ha stöd", by="chef", role="teamledare")
    with Session(engine) as s:
        case = cases.get_case(s, declined)
        assert (case.status, case.current_step, case.rector_answer) == (ACTIVE, "start", None)


def test_notes_are_append_only_and_actors_show_missing_consent(engine, frozen_clock):
    from narvaro.casework import consent

    case_id = new_case(engine)
    with pytest.raises(FieldError) as err:
        run(engine, notes.add_note, case_id, text=" ", written_on=None, by="anna")
    assert err.value.field == "note_text"
    first = run(engine, notes.add_note, case_id, text="Hembesök, eleven öppnade.", written_on=D(2025, 9, 12), by="anna")
    fix = run(engine, notes.add_note, case_id, text="Rättelse: hembesöket var 2025-09-11.", written_on=None,
              by="anna", corrects_id=first.id)
    with Session(engine) as s:
        rows = notes.notes_for(s, case_id)
        assert [n.text for n in rows] == ["Hembesök, eleven öppnade.", "Rättelse: hembesöket var 2025-09-11."]
        assert notes.corrected_by(rows) == {first.id: [rows[1]]} and fix.corrects_id == first.id
    assert not hasattr(notes, "edit_note") and not hasattr(notes, "delete_note")
    with pytest.raises(FieldError) as err:
        run(engine, actors.add_actor, case_id, actor_type="BUP", organisation=None, contact_person="", by="anna")
    assert err.value.field == "contact_person"
    run(engine, actors.add_actor, case_id, actor_type="BUP", organisation="BUP Norr", contact_person="Dr. X", by="anna")
    run(engine, actors.add_actor, case_id, actor_type="Socialtjänst", organisation=None, contact_person="Y", by="anna")
    with db.session_scope(engine) as s:
        consent.add_consent(s, case_id, cases.get_case(s, case_id).version, given_by="Vårdnadshavare 1",
                            actors=["Socialtjänst"], given_on=D(2025, 9, 14), valid_until=None, by="anna")
    with Session(engine) as s:
        assert actors.actors_without_consent(s, case_id) == ["BUP"]


def test_returned_to_school_without_steg4_needs_a_recorded_confirmation(engine, frozen_clock):
    """Issue 17, item 7: the key indicator is not one click away from any step (003:563, 003:567)."""
    case_id = in_steg2(engine, frozen_clock)
    frozen_clock(D(2025, 10, 1))
    with pytest.raises(FieldError) as err:
        close(engine, case_id, closing_talk_held=False)
    assert err.value.field == "confirm_return"
    assert "inget uppföljningsmöte har beslutat" in str(err.value)
    assert "avslutningssamtalet med rektor/EHT har inte hållits" in str(err.value)
    close(engine, case_id, reason="Flyttat från kommunen", closing_talk_held=False)  # other reasons: no question
    run(engine, closing.reopen, case_id, reason="Tillbaka", by="chef", role="teamledare")
    close(engine, case_id, closing_talk_held=False, confirm_return=True)
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert case.closure_reason == "Återgått till undervisning"
        assert case.return_confirmed_unmet.startswith("inget uppföljningsmöte har beslutat")
        assert "bekräftat av anna 2025-10-01" in case.return_confirmed_unmet
        assert any("återgång bekräftad" in (e.detail or "") for e in audit.search(s, case_id=case_id))
    run(engine, closing.reopen, case_id, reason="Igen", by="chef", role="teamledare")
    with Session(engine) as s:
        assert cases.get_case(s, case_id).return_confirmed_unmet is None


def test_returned_to_school_through_steg4_needs_no_confirmation(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    frozen_clock(D(2025, 9, 29))
    follow_up(engine, case_id, D(2025, 9, 29), 95, None, outcome="narvaro_i_skolan", open_items_reason="x")
    frozen_clock(D(2025, 10, 6))
    with Session(engine) as s:
        assert closing.return_conditions_unmet(s, cases.get_case(s, case_id), True) == []
    with pytest.raises(FieldError) as err:  # Steg 4 reached, but no closing talk yet
        close(engine, case_id, closing_talk_held=False)
    assert err.value.field == "confirm_return" and "uppföljningsmöte" not in str(err.value)
    close(engine, case_id)
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert (case.closure_reason, case.return_confirmed_unmet) == ("Återgått till undervisning", None)
