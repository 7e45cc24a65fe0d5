"""Deadlines counted in school time (data/process.yaml count: school_time) skip holidays: the case page's dates
and the board's warnings agree across jullov, and a school year missing in data/calendar.yaml gives a warning."""
import datetime as dt

from narvaro.casework import board, closing, workflow
from narvaro.casework.board import BoardFilters
from narvaro.core import db
from narvaro.core.config import get_config
from narvaro.core.models import ACTIVE
from tests.casework.test_board import make

D = dt.date


def warned(s, day):
    b = board.load_board(s, BoardFilters(), day)
    return {card.pupil_code: card.warnings for col in b.columns for card in col.cards}


def test_steg1_deadline_crosses_jullov_on_the_case_page_and_the_board(engine, frozen_clock):
    frozen_clock(D(2025, 12, 10))
    with db.session_scope(engine) as s:
        case = make(s, "JUL", D(2025, 11, 20), status=ACTIVE, assigned_on=D(2025, 11, 25), current_step="steg1",
                    first_rector_contact_on=D(2025, 12, 10), step_started_on=D(2025, 12, 10))
        steg1 = next(st for st in workflow.stages(s, case) if st.key == "steg1")
        # Two school weeks from 10 Dec: jullov (20 Dec-7 Jan) does not run, so 12 Jan, not 24 Dec.
        assert steg1.due == D(2026, 1, 12) and steg1.note == "lov räknas inte"
        for day, late in [(D(2025, 12, 27), False), (D(2026, 1, 12), False), (D(2026, 1, 13), True)]:
            frozen_clock(day)
            assert ("steg1_sen" in warned(s, day)["JUL"]) is late, day
    assert "lov räknas inte" in board.warning_labels()[board.STEP1_LATE]


def test_first_follow_up_window_skips_jullov(engine, frozen_clock):
    frozen_clock(D(2025, 12, 1))
    with db.session_scope(engine) as s:
        case = make(s, "U1", D(2025, 11, 1), status=ACTIVE, assigned_on=D(2025, 11, 5), current_step="steg2",
                    first_rector_contact_on=D(2025, 11, 10), step_started_on=D(2025, 12, 1))
        # 3-5 school weeks from 1 Dec: 2-19 Dec is 18 days, then from 8 Jan: 21 -> 10 Jan, 35 -> 24 Jan.
        assert workflow.follow_up_window(case) == (D(2026, 1, 10), D(2026, 1, 24))


def test_six_month_limit_does_not_run_in_holidays_and_the_board_agrees(engine, frozen_clock):
    cal = get_config().calendar
    start = D(2025, 9, 15)
    # Counted by hand: 183 days that are in a term and in no holiday.
    day, n = start, 0
    while n < 183:
        day += dt.timedelta(days=1)
        n += cal.year_of(day) is not None and cal.holiday_on(day) is None
    with db.session_scope(engine) as s:
        case = make(s, "SEX", D(2025, 9, 1), status=ACTIVE, assigned_on=D(2025, 9, 10), current_step="steg3",
                    first_rector_contact_on=start, step_started_on=D(2025, 11, 1), next_meeting_on=D(2026, 12, 1))
        limit = closing.case_limit(case)
        assert limit == day and limit > D(2026, 3, 15) + dt.timedelta(days=30)  # höstlov, jullov, sportlov, påsklov
        assert closing.limit_note(case) == "lov räknas inte"
        for today, over in [(limit, False), (limit + dt.timedelta(days=1), True)]:
            frozen_clock(today)
            assert ("for_gammalt" in warned(s, today)["SEX"]) is over, today
            assert closing.is_past_limit(case, today) is over
    assert board.calendar_warning(D(2026, 3, 1)) is None


def test_a_missing_school_year_warns_instead_of_giving_a_date(engine, frozen_clock):
    frozen_clock(D(2031, 9, 10))
    with db.session_scope(engine) as s:
        case = make(s, "2031", D(2031, 9, 1), status=ACTIVE, assigned_on=D(2031, 9, 2), current_step="steg1",
                    first_rector_contact_on=D(2031, 9, 3), step_started_on=D(2031, 9, 3))
        steg1 = next(st for st in workflow.stages(s, case) if st.key == "steg1")
        assert steg1.due is None and "Läsåret 2031/32 saknas" in steg1.note
        assert closing.case_limit(case) is None and "Läsåret 2031/32 saknas" in closing.limit_note(case)
        assert not closing.is_past_limit(case)
        warned(s, D(2031, 9, 10))  # the board still loads
    assert "Läsåret 2031/32 saknas" in board.calendar_warning(D(2031, 9, 10))


def test_the_board_and_start_page_say_holidays_do_not_count():
    note = board.school_time_note()
    assert note == "Tidsgränserna för Steg 1, Steg 2, sexmånadersgränsen räknas i skoltid: lov räknas inte."
