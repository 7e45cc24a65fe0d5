"""No double entry (issue 15 item 4): the actions that prove a checklist item tick it, say so, and can be taken back
only with a reason. On SQLite and PostgreSQL (the `engine` fixture)."""
import datetime as dt

import pytest
from sqlmodel import Session, select

from narvaro.casework import cases, meetings, timeline, workflow
from narvaro.casework.inputs import MeetingCreate
from narvaro.core import audit
from narvaro.core.errors import FieldError
from narvaro.core.models import ChecklistMark
from tests.casework.test_workflow import new_case, run

D = dt.date


def marks(engine, case_id: int) -> dict[tuple[str, str], ChecklistMark]:
    with Session(engine) as s:
        return {(m.step_key, m.item_key): m for m in s.exec(select(ChecklistMark).where(ChecklistMark.case_id == case_id))}


def test_hand_out_investigation_contact_answer_eht_and_booking_tick_their_items(engine, frozen_clock):
    frozen_clock(D(2025, 8, 20))
    case_id = new_case(engine, investigated_on=D(2025, 8, 1))
    got = marks(engine, case_id)
    assert got[("start", "delat_ut")].proof == "fördelningen 2025-08-20"
    assert got[("start", "utredning_inkommen")].proof == "frånvaroutredningen vid inkomst 2025-08-01"
    assert ("start", "kontakt_rektor") not in got

    frozen_clock(D(2025, 8, 25))
    run(engine, workflow.record_start, case_id, contacted_on=D(2025, 8, 22), answer=None, by="anna")
    got = marks(engine, case_id)
    assert got[("start", "kontakt_rektor")].proof == "kontakt med rektor 2025-08-22"
    assert ("start", "rektor_besked") not in got  # no answer yet: nothing proven
    run(engine, workflow.record_start, case_id, contacted_on=D(2025, 8, 22), answer="Båda", by="anna")
    assert marks(engine, case_id)[("start", "rektor_besked")].proof == "rektors besked (Båda) 2025-08-25"
    # Start is fully ticked: moving on needs no reason.
    run(engine, workflow.move_on, case_id, by="anna")

    # Another kind of meeting proves neither; the EHT meeting with its division and a follow-up date proves both.
    meeting = dict(held_on=D(2025, 8, 25), participants="Rektor, EHT")
    run(engine, meetings.record_meeting, case_id, meeting=MeetingCreate(kind="Nätverksmöte", **meeting,
                                                                       division_of_responsibility="Ingen ännu"),
        by="anna")
    assert ("steg1", "eht_mote") not in marks(engine, case_id)
    assert ("steg1", "datum_uppfoljning") not in marks(engine, case_id)
    run(engine, meetings.record_meeting, case_id, by="anna", meeting=MeetingCreate(
        kind="EHT-möte", **meeting, division_of_responsibility="Koordinator: hembesök. Mentor: schema.",
        next_meeting_on=D(2025, 9, 29)))
    got = marks(engine, case_id)
    assert got[("steg1", "eht_mote")].proof == "EHT-möte med ansvarsfördelning 2025-08-25"
    assert got[("steg1", "datum_uppfoljning")].proof == "EHT-möte som bokade uppföljningsmötet 2025-08-25"
    assert not got[("steg1", "eht_mote")].not_applicable
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        open_keys = [i.key for i in workflow.open_items(s, case)]
    assert "eht_mote" not in open_keys and "datum_uppfoljning" not in open_keys and "satta_sig_in" in open_keys


def test_booking_ticks_the_follow_up_date_and_a_manual_tick_is_never_doubled(engine, frozen_clock):
    frozen_clock(D(2025, 8, 25))
    case_id = new_case(engine)
    run(engine, workflow.record_start, case_id, contacted_on=D(2025, 8, 25), answer="Operativt", by="anna")
    run(engine, workflow.move_on, case_id, by="anna", open_items_reason="Utredningen saknas")
    run(engine, workflow.mark_item, case_id, step_key="steg1", item_key="datum_uppfoljning", by="anna")
    run(engine, meetings.book_follow_up, case_id, on=D(2025, 9, 29), by="anna")
    mark = marks(engine, case_id)[("steg1", "datum_uppfoljning")]
    assert mark.proof is None and mark.marked_by == "anna"  # the hand tick stays; no second mark, no error


def test_an_item_ticked_by_an_action_is_taken_back_only_with_a_reason_kept_in_the_timeline(engine, frozen_clock):
    frozen_clock(D(2025, 8, 25))
    case_id = new_case(engine)
    with pytest.raises(FieldError) as err:
        run(engine, workflow.unmark_item, case_id, step_key="start", item_key="delat_ut", by="anna")
    assert err.value.field == "unmark_reason" and "fördelningen 2025-08-20" in str(err.value)
    assert ("start", "delat_ut") in marks(engine, case_id)
    run(engine, workflow.unmark_item, case_id, step_key="start", item_key="delat_ut", by="anna",
        reason="Fel koordinator, fördelas om")
    assert ("start", "delat_ut") not in marks(engine, case_id)
    with Session(engine) as s:
        events = [e.text for e in timeline.timeline(s, case_id)]
        logged = [a.detail for a in audit.search(s, case_id=case_id, action=audit.CHANGE)]
    assert any("togs bort: Fel koordinator, fördelas om" in e for e in events)
    assert any("delat_ut klar (bockad av fördelningen 2025-08-20)" in (d or "") for d in logged)
    assert any("delat_ut markering borttagen (Fel koordinator, fördelas om)" in (d or "") for d in logged)
