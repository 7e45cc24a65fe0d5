"""Every indicator on a hand-built set of cases, with the answers worked out by hand (SQLite and PostgreSQL).

The period is 2024. The cases sit on its edges: received on the first and the last day, closed on the
first and the last day, received before and closed after, and cases wholly before or after it.
"""
import datetime as dt

import pytest
from sqlmodel import Session

from narvaro.casework import cases
from narvaro.core import db
from narvaro.core import users as auth
from narvaro.core.models import ACTIVE, CLOSED, QUEUED, Assignment
from narvaro.reporting import indicators
from narvaro.reporting.indicators import Period

D = dt.date
RETURNED = "Återgått till undervisning"
MOVED = "Flyttat från kommunen"


def _case(s, number, received, *, form="Grundskola", provider="Kommunal", sex="Pojke", assigned=None,
          closed=None, reason=None, absence=None, at_closing=None, eff_op=None, eff_co=None):
    fields = dict(number=number, pupil_code=f"T-{number}", school_form=form, provider=provider, sex=sex,
                  received_on=received, assigned_on=assigned, closed_on=closed, closure_reason=reason,
                  absence_percent_intake=absence, attendance_at_closing=at_closing,
                  effect_operative=eff_op, effect_coordinating=eff_co,
                  status=CLOSED if closed else (ACTIVE if assigned else QUEUED))
    return cases.create_case(s, fields, "test")


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 9, 0, tzinfo=dt.timezone.utc)


def build_fixture(s: Session) -> dict[str, int]:
    """The hand-checked cases; returns their ids by letter."""
    c = {}
    # A: received in 2023, closed on the period's first day: 52 days.
    c["A"] = _case(s, "T-A", D(2023, 11, 10), assigned=D(2023, 11, 20), closed=D(2024, 1, 1), reason=RETURNED,
                   absence=60, at_closing=90, eff_op="Tydlig effekt", eff_co="Viss effekt").id
    # B: received on the first day, closed on the last day: 365 days (2024 is a leap year); queued 10 days.
    c["B"] = _case(s, "T-B", D(2024, 1, 1), provider="Fristående", sex="Flicka", assigned=D(2024, 1, 11),
                   closed=D(2024, 12, 31), reason=RETURNED, absence=50, at_closing=80,
                   eff_op="Viss effekt", eff_co="Viss effekt").id
    # C: received before the period, closed after it: open at the end, not closed in it.
    c["C"] = _case(s, "T-C", D(2023, 6, 1), form="Gymnasieskola", sex="Flicka", assigned=D(2023, 6, 5),
                   closed=D(2025, 2, 1), reason=RETURNED, absence=10, at_closing=100).id
    # D: received on the last day, never handed out, sex left empty.
    c["D"] = _case(s, "T-D", D(2024, 12, 31), form="Anpassad grundskola", sex="").id
    # E: 92 days (1 March – 1 June), queued 20 days, no attendance at closing, no operative rating.
    c["E"] = _case(s, "T-E", D(2024, 3, 1), form="Gymnasieskola", provider="Fristående", assigned=D(2024, 3, 21),
                   closed=D(2024, 6, 1), reason=MOVED, absence=40, eff_co="Ingen effekt").id
    # F: received in the period, handed out only after it: still in the queue at the end.
    c["F"] = _case(s, "T-F", D(2024, 12, 15), assigned=D(2025, 1, 10)).id
    # G: after the period; sex unknown (None).
    c["G"] = _case(s, "T-G", D(2025, 1, 1), sex=None).id
    # H: wholly before the period: received and closed the same day.
    c["H"] = _case(s, "T-H", D(2023, 12, 31), sex="Flicka", assigned=D(2023, 12, 31), closed=D(2023, 12, 31),
                   reason=MOVED).id
    return c


@pytest.fixture
def fixture_db(engine):
    with db.session_scope(engine) as s:
        ids = build_fixture(s)
    return ids


def test_counts_on_the_period_edges(engine, fixture_db):
    with Session(engine) as s:
        ind = indicators.compute(s, Period.year(2024))
    assert ind.incoming == 4          # B, D, E, F
    assert ind.closed == 3            # A (first day), B (last day), E
    assert ind.open_at_end == 3       # C (closes after), D, F; B closed on the last day is not open
    assert ind.queued_at_end == 2     # D never assigned, F assigned after the end


def test_case_time_mean_and_median_in_months(engine, fixture_db):
    with Session(engine) as s:
        ind = indicators.compute(s, Period.year(2024))
        half = indicators.compute(s, Period(D(2024, 1, 1), D(2024, 6, 30)))
    # 52, 365 and 92 days: mean 169.67 days = 5.57 months, median 92 days = 3.02 months.
    assert ind.case_time.n == 3
    assert ind.case_time.mean_days == pytest.approx(509 / 3)
    assert (ind.case_time.mean_months, ind.case_time.median_months) == (5.57, 3.02)
    # An even count: A and E, 52 and 92 days; the median is the mean of the two middle ones, 72 days.
    assert half.case_time.median_days == 72
    assert (half.case_time.mean_months, half.case_time.median_months) == (2.37, 2.37)


def test_closing_reasons_and_returned_to_school(engine, fixture_db):
    with Session(engine) as s:
        ind = indicators.compute(s, Period.year(2024))
    assert ind.closure_reasons[RETURNED] == 2 and ind.closure_reasons[MOVED] == 1
    assert sum(ind.closure_reasons.values()) == 3
    assert list(ind.closure_reasons)[0] == RETURNED  # configured order, zeros kept
    assert ind.closure_reasons["Övrigt"] == 0
    assert ind.returned_to_school == 2
    assert ind.returned_share == 66.67


def test_effects_and_attendance(engine, fixture_db):
    with Session(engine) as s:
        ind = indicators.compute(s, Period.year(2024))
    assert ind.effect_operative == {"Tydlig effekt": 1, "Viss effekt": 1, "Ingen effekt": 0,
                                    "För tidigt att säga": 0, "Ej angivet": 1}
    assert ind.effect_coordinating == {"Tydlig effekt": 0, "Viss effekt": 2, "Ingen effekt": 1,
                                       "För tidigt att säga": 0}
    # Intake: absence 60, 50, 40 -> attendance 40, 50, 60; closing: 90 and 80 (E has none).
    assert ind.attendance == indicators.Attendance(3, 50.0, 2, 85.0)


def test_incoming_breakdown_and_queue_time(engine, fixture_db):
    with Session(engine) as s:
        ind = indicators.compute(s, Period.year(2024))
    assert ind.incoming_breakdown == [
        {"skolform": "Anpassad grundskola", "huvudman": "Kommunal", "kon": "Ej angivet", "count": 1},
        {"skolform": "Grundskola", "huvudman": "Fristående", "kon": "Flicka", "count": 1},
        {"skolform": "Grundskola", "huvudman": "Kommunal", "kon": "Pojke", "count": 1},
        {"skolform": "Gymnasieskola", "huvudman": "Fristående", "kon": "Pojke", "count": 1},
    ]
    # Assigned in 2024: B after 10 days, E after 20.
    assert (ind.queue_time.n, ind.queue_time.mean_days, ind.queue_time.median_days) == (2, 15.0, 15.0)


def test_a_one_day_period(engine, fixture_db):
    with Session(engine) as s:
        first = indicators.compute(s, Period(D(2024, 1, 1), D(2024, 1, 1)))
    assert (first.incoming, first.closed) == (1, 1)        # B received, A closed that day
    assert first.open_at_end == 2                          # B and C
    assert first.case_time.mean_days == 52


def test_caseload_counts_open_cases_of_running_assignments(engine, fixture_db):
    with db.session_scope(engine) as s:
        anna = auth.create_user(s, username="anna", name="Anna", role="koordinator", password=None, by="t")
        bo = auth.create_user(s, username="bo", name="Bo", role="koordinator", password=None, by="t")
        cilla = auth.create_user(s, username="cilla", name="Cilla", role="koordinator", password=None, by="t")
        s.add(Assignment(case_id=fixture_db["C"], user_id=anna.id, assigned_at=_at(D(2023, 6, 5))))
        s.add(Assignment(case_id=fixture_db["B"], user_id=anna.id, assigned_at=_at(D(2024, 1, 11))))  # closed
        s.add(Assignment(case_id=fixture_db["F"], user_id=bo.id, assigned_at=_at(D(2025, 1, 10))))   # later
        s.add(Assignment(case_id=fixture_db["C"], user_id=cilla.id, assigned_at=_at(D(2023, 6, 5)),
                         ended_at=_at(D(2024, 6, 1))))                                              # ended
    with Session(engine) as s:
        at_end = indicators.caseload(s, D(2024, 12, 31))
        in_may = indicators.caseload(s, D(2024, 5, 1))
    assert at_end == [{"koordinator": "Anna", "pagaende": 1}, {"koordinator": "Bo", "pagaende": 0},
                      {"koordinator": "Cilla", "pagaende": 0}]
    assert in_may == [{"koordinator": "Anna", "pagaende": 2}, {"koordinator": "Cilla", "pagaende": 1},
                      {"koordinator": "Bo", "pagaende": 0}]


def test_statistics_table_and_sex_split(engine, fixture_db):
    with Session(engine) as s:
        years = indicators.statistics_table(s, 2023, 2024)
        split = indicators.sex_split(s, 2023, 2025)
    y23, y24 = years
    assert y23.incoming == {("GRSK", "Kommunal", "Pojke"): 1, ("GYM", "Kommunal", "Flicka"): 1,
                            ("GRSK", "Kommunal", "Flicka"): 1}
    assert (y23.incoming_total, y23.closed, y23.mean_months) == (3, 1, 0.0)
    # Anpassad grundskola counts as GRSK, as in the evaluation's table.
    assert y24.incoming == {("GRSK", "Fristående", "Flicka"): 1, ("GRSK", "Kommunal", "Ej angivet"): 1,
                            ("GYM", "Fristående", "Pojke"): 1, ("GRSK", "Kommunal", "Pojke"): 1}
    assert (y24.incoming_total, y24.closed, y24.mean_months) == (4, 3, 5.57)
    assert split == [
        {"ar": 2023, "kon": "Flicka", "antal": 2}, {"ar": 2023, "kon": "Pojke", "antal": 1},
        {"ar": 2024, "kon": "Ej angivet", "antal": 1}, {"ar": 2024, "kon": "Flicka", "antal": 1},
        {"ar": 2024, "kon": "Pojke", "antal": 2},
        {"ar": 2025, "kon": "Ej angivet", "antal": 1},
    ]


def test_empty_period_has_no_means():
    assert indicators.months(None) is None
    assert indicators.round2(2.005) == 2.01  # half up, not binary-float rounding


def test_empty_database(engine):
    with Session(engine) as s:
        ind = indicators.compute(s, Period.year(2024))
    assert (ind.incoming, ind.closed, ind.case_time.mean_months, ind.case_time.median_months) == (0, 0, None, None)
    assert ind.returned_share is None and ind.attendance.mean_closing is None


def test_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError, match="före startdatumet"):
        Period(D(2024, 2, 1), D(2024, 1, 31))
    assert Period.year(2024).label == "2024"
    assert Period(D(2024, 1, 1), D(2024, 6, 30)).label == "2024-01-01 – 2024-06-30"


def test_no_effect_recorded_is_one_group_whether_null_or_empty(engine, frozen_clock):
    """An imported case may hold "" where the app stores NULL; both are "Ej angivet", counted together."""
    with db.session_scope(engine) as s:
        _case(s, "T-N", D(2024, 2, 1), assigned=D(2024, 2, 2), closed=D(2024, 5, 1), reason=RETURNED, eff_op=None)
        _case(s, "T-E", D(2024, 2, 1), assigned=D(2024, 2, 2), closed=D(2024, 5, 2), reason=RETURNED, eff_op="")
    with Session(engine) as s:
        result = indicators.compute(s, Period(D(2024, 1, 1), D(2024, 12, 31)))
    assert result.effect_operative[indicators.UNSTATED] == 2
