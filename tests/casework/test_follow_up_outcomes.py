"""Issue 17, items 1, 3 and 6: what a follow-up meeting decides is data (003:516-526, 003:563), the first follow-up
has one rule from the seed (003:504), and only the seed's deadlines are shipped. Both databases."""
import datetime as dt
import re

import pytest
from sqlmodel import Session, select

from narvaro.casework import board, cases, meetings, workflow
from narvaro.core.config import get_config, load_config
from narvaro.core.errors import FieldError
from narvaro.core.models import CaseEvent
from tests.casework.test_meetings import follow_up, in_steg2
from tests.casework.test_workflow import run, tick_all
from tests.core.test_config import data_copy  # noqa: F401  (fixture)

D = dt.date


def _card(engine, case_id, today):
    with Session(engine) as s:
        b = board.load_board(s, board.BoardFilters(), today)
        counts = board.warning_counts(s, today)
    found = [(col.key, card) for col in b.columns for card in col.cards if card.id == case_id]
    assert len(found) == 1
    return found[0][0], found[0][1], counts


def test_follow_up_goes_on_to_steg4_without_a_new_meeting_and_the_board_does_not_warn(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)  # the EHT meeting booked the follow-up for 2025-09-29
    frozen_clock(D(2025, 9, 29))
    with pytest.raises(FieldError) as err:  # "go on to Steg 4" books no new meeting
        follow_up(engine, case_id, D(2025, 9, 29), 90, D(2025, 10, 27), outcome="narvaro_i_skolan",
                  open_items_reason="x")
    assert err.value.field == "next_meeting_on"
    with pytest.raises(FieldError) as err:  # an outcome must be chosen
        follow_up(engine, case_id, D(2025, 9, 29), 90, None, open_items_reason="x")
    assert err.value.field == "outcome"
    follow_up(engine, case_id, D(2025, 9, 29), 90, None, outcome="narvaro_i_skolan", open_items_reason="x")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert (case.current_step, case.next_meeting_on, case.cycle, case.step_started_on) == (
            "steg4", None, 1, D(2025, 9, 29))
        assert meetings.last_follow_up(s, case_id).outcome == "narvaro_i_skolan"
        stages = {x.label: x for x in workflow.stages(s, case, D(2025, 12, 1))}
    assert stages["Uppföljningsmöte 1"].state == "klar"
    assert stages["Steg 3"].state == "hoppades över"
    assert stages["Steg 4"].state == "aktuell" and not stages["Steg 4"].overdue and stages["Steg 4"].due is None
    # Two months later the case sits in the Steg 4 column with no "meeting passed" or "no meeting" warning.
    column, card, counts = _card(engine, case_id, D(2025, 12, 1))
    assert column == "steg4" and card.warnings == []
    assert counts[board.NO_MEETING] == 0 and counts[board.MEETING_OVERDUE] == 0


def test_the_old_path_warned_and_a_new_meeting_still_books_steg3(engine, frozen_clock):
    """The outcome "new meeting" keeps the cycle: Steg 3 with the next date, and a passed date still warns."""
    case_id = in_steg2(engine, frozen_clock)
    frozen_clock(D(2025, 9, 29))
    follow_up(engine, case_id, D(2025, 9, 29), 40, D(2025, 10, 27), open_items_reason="x")
    column, card, _ = _card(engine, case_id, D(2025, 11, 10))
    assert column == board.FOLLOW_UP and card.warnings == [board.MEETING_OVERDUE]


def test_moving_on_to_steg4_by_hand_unbooks_the_follow_up(engine, frozen_clock):
    case_id = in_steg2(engine, frozen_clock)
    frozen_clock(D(2025, 9, 29))
    follow_up(engine, case_id, D(2025, 9, 29), 60, D(2025, 10, 27), open_items_reason="x")
    frozen_clock(D(2025, 10, 6))
    tick_all(engine, case_id)
    run(engine, workflow.move_on, case_id, by="anna")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert (case.current_step, case.next_meeting_on) == ("steg4", None)
        events = s.exec(select(CaseEvent.text).where(CaseEvent.case_id == case_id, CaseEvent.kind == "möte")).all()
    assert "Bokat uppföljningsmöte 2025-10-27 avbokat: ärendet gick vidare till Steg 4." in events
    _, card, _ = _card(engine, case_id, D(2025, 11, 30))
    assert card.warnings == []


def test_rector_decides_to_close_is_an_outcome_in_the_data(engine, frozen_clock):
    outcome = next(o for o in get_config().process.follow_up_outcomes if o.closes)
    assert "rektor beslutar om avslut av insats" in outcome.text  # 003:526
    case_id = in_steg2(engine, frozen_clock)
    frozen_clock(D(2025, 9, 29))
    follow_up(engine, case_id, D(2025, 9, 29), 10, None, outcome=outcome.key, open_items_reason="x")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        last = meetings.last_follow_up(s, case_id)
        assert (case.current_step, case.next_meeting_on, last.rector_decided_close) == ("steg4", None, True)
    _, card, _ = _card(engine, case_id, D(2025, 11, 30))
    assert card.warnings == []


def test_one_steg2_rule_from_the_seed(engine, frozen_clock):
    """003:504: about 3–5 weeks from week 2 (when Steg 1 is done) to the follow-up meeting. One rule, in the step."""
    cfg = get_config()
    assert not hasattr(cfg.process.rules, "first_follow_up_min_days")
    assert "first_follow_up" not in (cfg.data_dir / "process.yaml").read_text(encoding="utf-8")
    window = cfg.process.step("steg2").window
    assert (window.start, window.min_days, window.days) == ("step_start", 21, 35)
    case_id = in_steg2(engine, frozen_clock)  # Steg 2 entered 2025-09-01
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        steg2 = next(x for x in workflow.stages(s, case, D(2025, 9, 1)) if x.label == "Steg 2")
        hint = meetings.first_follow_up_window(case)
    # The case page's step box and its hint for the first follow-up are the same dates.
    assert (steg2.start, steg2.earliest, steg2.due) == (D(2025, 9, 1), D(2025, 9, 22), D(2025, 10, 6))
    assert hint == (steg2.earliest, steg2.due)


def test_in_steg1_the_hint_counts_as_if_steg2_began_today(engine, frozen_clock):
    from tests.casework.test_workflow import new_case

    frozen_clock(D(2025, 9, 2))
    case_id = new_case(engine)
    run(engine, workflow.record_start, case_id, contacted_on=D(2025, 9, 1), answer="Båda", by="anna")
    run(engine, workflow.move_on, case_id, by="anna", open_items_reason="x")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        assert meetings.first_follow_up_window(case, today=D(2025, 9, 10)) == (D(2025, 10, 1), D(2025, 10, 15))


def test_only_the_seeds_deadlines_are_shipped(engine, frozen_clock):
    """Steg 3 and Steg 4 have no duration in the seed (003:534, 003:563): an overrunning Steg 4 is not late."""
    cfg = get_config()
    assert [s.window.days for s in cfg.process.steps] == [None, 14, 35, None, None]
    assert not any(s.window.local_choice for s in cfg.process.steps)
    text = (cfg.data_dir / "process.yaml").read_text(encoding="utf-8")
    rule_lines = {line.split(":")[0].strip(): line for line in text.splitlines() if line.startswith("  ")
                  and line.split(":")[0].strip() in cfg.process.rules.model_fields}
    # Every rule says where it comes from: a seed line (e.g. 003:484), or that it is a local choice.
    assert set(rule_lines) == set(cfg.process.rules.model_fields)
    for line in rule_lines.values():
        comment = line.split("#", 1)[1]
        assert "lokalt val" in comment or re.search(r"\b00\d:\d+", comment), line
    assert "lokalt val" in rule_lines["queue_warning_days"]


def test_a_local_deadline_is_marked_as_such(data_copy, engine, frozen_clock):  # noqa: F811
    path = data_copy / "process.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "    window: {from: step_start}  # 003:563", "    window: {from: step_start, days: 30, local_choice: true}  #")
    path.write_text(text, encoding="utf-8")
    cfg = load_config(data_copy)
    assert cfg.process.step("steg4").window.local_choice
    case_id = in_steg2(engine, frozen_clock)
    frozen_clock(D(2025, 9, 29))
    follow_up(engine, case_id, D(2025, 9, 29), 90, None, outcome="narvaro_i_skolan", open_items_reason="x")
    with Session(engine) as s:
        case = cases.get_case(s, case_id)
        steg4 = next(x for x in workflow.stages(s, case, D(2025, 11, 30), cfg) if x.label == "Steg 4")
    assert steg4.local_choice and steg4.overdue and steg4.due == D(2025, 10, 29)
