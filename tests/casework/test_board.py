"""The board's queries and warning rules on dated fixtures (frozen clock), on SQLite and PostgreSQL."""
import datetime as dt

from narvaro.casework import board, caseload, cases, closing
from narvaro.casework.board import BoardFilters
from narvaro.core import clock, db
from narvaro.core import users as auth
from narvaro.core.models import ACTIVE, ASSIGNED, CLOSED, Assignment

TODAY = dt.date(2025, 9, 15)
D = dt.date


def make(s, code, received, school_form="Grundskola", provider="Kommunal", district="vo1", **fields):
    case = cases.create_case(s, dict(pupil_code=code, received_on=received, school_form=school_form,
                                     provider=provider, district=district), "test")
    for key, value in fields.items():
        setattr(case, key, value)
    s.add(case)
    s.flush()
    return case


def build(s):
    """One case per rule and per column, with dates on both sides of each limit."""
    anna = auth.create_user(s, username="anna", name="Anna", role="koordinator", password=None, by="t", district="vo1")
    bo = auth.create_user(s, username="bo", name="Bo", role="koordinator", password=None, by="t", district="vo2")
    c = {}
    c["q_old"] = make(s, "Q-OLD", D(2025, 8, 1))                   # 45 days in the queue
    c["q_new"] = make(s, "Q-NEW", D(2025, 9, 10))
    c["q_old2"] = make(s, "Q-OLD2", D(2025, 8, 1))                 # same day, registered later
    c["q_limit"] = make(s, "Q-LIMIT", D(2025, 8, 16), needs_completion=True,
                        missing_prerequisites="frånvaroutredning saknas")  # exactly 30 days: no warning
    started = dict(status=ASSIGNED, assigned_on=D(2025, 8, 10), current_step="start", step_started_on=D(2025, 8, 10))
    c["a_late"] = make(s, "A-LATE", D(2025, 8, 5), first_rector_contact_on=D(2025, 8, 20), **started)
    c["s1_ok"] = make(s, "S1-OK", D(2025, 8, 5), status=ACTIVE, assigned_on=D(2025, 8, 10), current_step="steg1",
                      first_rector_contact_on=D(2025, 9, 1), step_started_on=D(2025, 9, 1),
                      school_form="Gymnasieskola", provider="Fristående", district="gymnasiet")  # 14 days exactly
    c["s1_late"] = make(s, "S1-LATE", D(2025, 8, 5), status=ACTIVE, assigned_on=D(2025, 8, 10), current_step="steg1",
                        first_rector_contact_on=D(2025, 8, 31), step_started_on=D(2025, 8, 31))
    c["s2_nomeet"] = make(s, "S2-NO", D(2025, 7, 1), status=ACTIVE, assigned_on=D(2025, 7, 5), current_step="steg2",
                          first_rector_contact_on=D(2025, 7, 7), step_started_on=D(2025, 7, 20))
    c["f_overdue"] = make(s, "F-LATE", D(2025, 6, 1), status=ACTIVE, assigned_on=D(2025, 6, 5), current_step="steg3",
                          first_rector_contact_on=D(2025, 6, 7), step_started_on=D(2025, 8, 1),
                          next_meeting_on=D(2025, 9, 14))
    c["old"] = make(s, "OLD", D(2025, 2, 1), status=ACTIVE, assigned_on=D(2025, 3, 1), current_step="steg3",
                    first_rector_contact_on=D(2025, 3, 14), step_started_on=D(2025, 9, 1),
                    next_meeting_on=D(2025, 10, 1))
    c["old_ext"] = make(s, "OLD-EXT", D(2025, 2, 1), status=ACTIVE, assigned_on=D(2025, 3, 1), current_step="steg3",
                        first_rector_contact_on=D(2025, 3, 14), step_started_on=D(2025, 9, 1),
                        next_meeting_on=D(2025, 10, 1), extended_until=D(2025, 12, 31))
    c["six_months"] = make(s, "SIX", D(2025, 3, 1), status=ACTIVE, assigned_on=D(2025, 3, 10), current_step="steg3",
                           first_rector_contact_on=D(2025, 3, 15), step_started_on=D(2025, 9, 1),
                           next_meeting_on=D(2025, 10, 1))  # exactly six months: not yet over
    for i in range(12):
        c[f"closed{i}"] = make(s, f"C-{i}", D(2025, 1, 1), status=CLOSED, closed_on=D(2025, 6, 1) + dt.timedelta(days=i),
                               current_step=None)
    for key, user in (("a_late", anna), ("s1_late", anna), ("closed0", anna), ("s1_ok", bo), ("s2_nomeet", bo)):
        s.add(Assignment(case_id=c[key].id, user_id=user.id, assigned_by="t"))
    s.add(Assignment(case_id=c["f_overdue"].id, user_id=anna.id, assigned_by="t", ended_at=dt.datetime(2025, 8, 1, 9, tzinfo=dt.timezone.utc)))
    s.flush()
    return c


def numbers(col):
    return [card.pupil_code for card in col.cards]


def test_columns_queue_order_and_card_fields(engine, frozen_clock):
    with db.session_scope(engine) as s:
        build(s)
        b = board.load_board(s, BoardFilters(), TODAY)
    assert [c.key for c in b.columns] == ["ko", "tilldelad", "steg1", "steg2", "steg3", "steg4", "uppfoljning", "avslutad"]
    assert numbers(b.column("ko")) == ["Q-OLD", "Q-OLD2", "Q-LIMIT", "Q-NEW"]  # turn order: received, then id
    assert [c.days_since_received for c in b.column("ko").cards] == [45, 45, 30, 5]
    assert numbers(b.column("tilldelad")) == ["A-LATE"]
    assert numbers(b.column("steg1")) == ["S1-LATE", "S1-OK"]  # longest in the step first
    assert numbers(b.column("steg2")) == ["S2-NO"] and numbers(b.column("steg3")) == []
    assert numbers(b.column("uppfoljning")) == ["F-LATE", "OLD", "OLD-EXT", "SIX"]
    closed = b.column("avslutad")
    assert numbers(closed) == [f"C-{i}" for i in range(11, 1, -1)] and closed.more == 0  # the latest ten
    late = b.column("tilldelad").cards[0]
    assert (late.coordinators, late.days_in_step, late.days_since_received, late.school_form) == (
        ["Anna"], 36, 41, "Grundskola")
    overdue = b.column("uppfoljning").cards[0]
    assert overdue.coordinators == [] and overdue.next_meeting_on == D(2025, 9, 14)  # the ended assignment is gone
    assert b.column("ko").cards[2].needs_completion and not b.column("ko").cards[0].needs_completion


def test_each_warning_rule_on_both_sides_of_its_limit(engine, frozen_clock, calendar_days):
    with db.session_scope(engine) as s:
        build(s)
        b = board.load_board(s, BoardFilters(), TODAY)
        counts = board.warning_counts(s, TODAY)
    warned = {card.pupil_code: card.warnings for col in b.columns for card in col.cards}
    assert warned["Q-OLD"] == ["lang_ko"] and warned["Q-LIMIT"] == [] and warned["Q-NEW"] == []
    assert warned["A-LATE"] == ["steg1_sen"]
    assert warned["S1-LATE"] == ["steg1_sen"] and warned["S1-OK"] == []
    assert warned["S2-NO"] == ["inget_mote"]
    assert warned["F-LATE"] == ["mote_passerat"]
    assert warned["OLD"] == ["for_gammalt"] and warned["OLD-EXT"] == [] and warned["SIX"] == []
    assert all(warned[f"C-{i}"] == [] for i in range(2, 12))
    assert counts == {"steg1_sen": 2, "inget_mote": 1, "mote_passerat": 1, "for_gammalt": 1, "lang_ko": 2}
    # A day later the six-month case and the 30-day queue case cross their limits.
    with db.session_scope(engine) as s:
        later = board.warning_counts(s, TODAY + dt.timedelta(days=1))
        extended = board.warning_counts(s, D(2026, 1, 1))
    assert later["for_gammalt"] == 2 and later["lang_ko"] == 3
    assert extended["for_gammalt"] == 4  # F-LATE, OLD, SIX, and OLD-EXT whose extension has run out


def test_filters_and_their_url_form(engine, frozen_clock):
    with db.session_scope(engine) as s:
        build(s)
        anna = board.load_board(s, BoardFilters(coordinator="anna"), TODAY)
        gym = board.load_board(s, BoardFilters(school_form="Gymnasieskola", provider="Fristående"), TODAY)
        vo1_warn = board.load_board(s, BoardFilters(district="vo1", warnings_only=True, state="ko"), TODAY)
        mine = board.load_board(s, BoardFilters(mine=True).resolved("bo"), TODAY)
    assert {c.pupil_code for col in anna.columns for c in col.cards} == {"A-LATE", "S1-LATE", "C-0"}
    assert {c.pupil_code for col in gym.columns for c in col.cards} == {"S1-OK"}
    assert [c.key for c in vo1_warn.columns] == ["ko"] and numbers(vo1_warn.columns[0]) == ["Q-OLD", "Q-OLD2"]
    assert {c.pupil_code for col in mine.columns for c in col.cards} == {"S1-OK", "S2-NO"}
    f = BoardFilters(coordinator="anna", district="vo1", state="steg2", warnings_only=True)
    assert f.to_params() == {"koordinator": "anna", "omrade": "vo1", "lage": "steg2", "varningar": "1"}
    assert BoardFilters.from_params(f.to_params()) == f
    # Values that are not in data/ are dropped, not trusted.
    assert BoardFilters.from_params({"omrade": "vo9", "lage": "x", "skolform": "Grundskola"}) == BoardFilters(
        school_form="Grundskola")


def test_columns_are_capped_with_a_count_of_the_rest(engine, frozen_clock):
    with db.session_scope(engine) as s:
        for i in range(7):
            make(s, f"Q{i}", D(2025, 9, 1) + dt.timedelta(days=i))
        b = board.load_board(s, BoardFilters(), TODAY, limit=5)
    queue = b.column("ko")
    assert (len(queue.cards), queue.total, queue.more) == (5, 7, 2)
    assert numbers(queue) == ["Q0", "Q1", "Q2", "Q3", "Q4"]


def test_caseload_counts_open_cases_per_coordinator(engine, frozen_clock):
    with db.session_scope(engine) as s:
        build(s)
        auth.create_user(s, username="cilla", name="Cilla", role="koordinator", password=None, by="t")
        auth.create_user(s, username="reg", name="Reg", role="registrator", password=None, by="t")
        loads = {ld.username: (ld.open_cases, ld.district) for ld in caseload.handout_candidates(s)}
    # Anna: two open cases (the closed one and the ended assignment do not count).
    assert loads == {"anna": (2, "vo1"), "bo": (2, "vo2"), "cilla": (0, None)}


def test_add_months_clamps_to_month_end():
    assert clock.add_months(D(2025, 8, 31), -6) == D(2025, 2, 28)
    assert clock.add_months(D(2025, 1, 15), -1) == D(2024, 12, 15)


def test_board_and_case_page_agree_on_the_six_month_limit_at_month_ends(engine, frozen_clock, calendar_days):
    """Started 28 February: the limit shown on the case is 28 August, so both warn from 29 August."""
    with db.session_scope(engine) as s:
        case = make(s, "FEB", D(2025, 2, 1), status=ACTIVE, assigned_on=D(2025, 2, 28), current_step="steg3",
                    next_meeting_on=D(2025, 10, 1))
        assert closing.case_limit(case) == D(2025, 8, 28)
        for day, overdue in [(D(2025, 8, 28), False), (D(2025, 8, 29), True), (D(2025, 8, 31), True)]:
            frozen_clock(day)
            b = board.load_board(s, BoardFilters(), day)
            warned = {card.number: card.warnings for col in b.columns for card in col.cards}
            assert ("for_gammalt" in warned[case.number]) is overdue, day
            assert (closing.case_limit(case) < day) is overdue, day


def test_a_coordinator_sees_cards_only_of_cases_the_case_page_opens_for_them(engine, frozen_clock):
    """Least data (issue 16:4): the board lists the queue and the coordinator's own (or former) cases; the other
    cases in each column are only counted."""
    from sqlmodel import select

    from narvaro.core import permissions
    from narvaro.core.models import Case, User

    with db.session_scope(engine) as s:
        c = build(s)
        anna = s.exec(select(User).where(User.username == "anna")).one()
        hers = board.load_board(s, BoardFilters(), TODAY, visible=permissions.openable("koordinator", anna.id))
        shown = {card.id for col in hers.columns for card in col.cards}
        all_cases = s.exec(select(Case)).all()
        opens = {case.id for case in all_cases if permissions.may_open(s, "koordinator", anna.id, case)}
        # The same cases as may_open, minus closed ones beyond the latest (only C-0 is hers).
        assert shown == {cid for cid in opens if s.get(Case, cid).status != CLOSED} | {c["closed0"].id}
        leader = board.load_board(s, BoardFilters(), TODAY, visible=permissions.openable("teamledare", 1))
    assert {card.pupil_code for col in hers.columns for card in col.cards} == {
        "Q-OLD", "Q-OLD2", "Q-LIMIT", "Q-NEW", "A-LATE", "S1-LATE", "F-LATE", "C-0"}
    assert c["s1_ok"].id not in shown and c["old"].id not in shown
    steg1 = hers.column("steg1")
    assert (steg1.total, steg1.visible, steg1.hidden, numbers(steg1)) == (2, 1, 1, ["S1-LATE"])
    follow = hers.column("uppfoljning")
    assert (follow.total, follow.hidden, numbers(follow)) == (4, 3, ["F-LATE"])
    assert hers.column("ko").hidden == 0 and numbers(hers.column("avslutad")) == ["C-0"]
    assert numbers(leader.column("steg1")) == ["S1-LATE", "S1-OK"] and leader.column("steg1").hidden == 0
