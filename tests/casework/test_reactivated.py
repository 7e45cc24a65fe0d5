"""A pupil who comes back: at intake an earlier closed case of the same pupil (pupil code or personnummer) is found,
and the new case is marked återaktualiserat with that case's number, closing date and reason (SQLite, PostgreSQL)."""
import datetime as dt

from sqlmodel import Session, select

from narvaro.casework import closing, intake
from narvaro.casework.inputs import CaseClose
from narvaro.core import db
from narvaro.core.models import Case, CaseEvent
from tests.casework.test_intake import PNR, TODAY, complete_form

D = dt.date


def register(engine, **over):
    got = over["received_on"]
    over.setdefault("investigated_on", got - dt.timedelta(days=20))
    over.setdefault("reported_on", got - dt.timedelta(days=5))
    with db.session_scope(engine) as s:
        return intake.register(s, complete_form(**over), by="reg", today=TODAY, confirm_duplicate=True).id


def close(engine, case_id, on, reason):
    with db.session_scope(engine) as s:
        case = s.get(Case, case_id)
        closing.record_close(s, case, CaseClose(closed_on=on, reason=reason), by="chef")


def test_new_case_of_a_pupil_with_closed_cases_points_at_the_latest(engine, frozen_clock):
    first = register(engine, pupil_code="AB-12", received_on=D(2024, 1, 10))
    close(engine, first, D(2024, 5, 2), "Återgått till undervisning")
    second = register(engine, pupil_code="AB-12", received_on=D(2024, 8, 20))
    close(engine, second, D(2024, 12, 1), "Flyttat från kommunen")
    open_one = register(engine, pupil_code="XY-99", received_on=D(2025, 1, 5))
    again = register(engine, pupil_code=" ab-12 ", received_on=D(2025, 9, 10))  # case and spaces do not matter
    with Session(engine) as s:
        new = s.get(Case, again)
        earlier = intake.earlier_case(s, new)
        assert new.reactivated_from == second and earlier.number.endswith("0002")
        assert (earlier.closed_on, earlier.reason) == (D(2024, 12, 1), "Flyttat från kommunen")
        assert [e.number for e in intake.find_earlier_closed(s, "AB-12", None)] == [earlier.number, "NK-2024-0001"]
        assert intake.earlier_case(s, s.get(Case, open_one)) is None  # an open case is not "earlier"
        event = s.exec(select(CaseEvent).where(CaseEvent.case_id == again, CaseEvent.kind == "återaktualiserat")).one()
        assert f"{earlier.number}, avslutat 2024-12-01 (Flyttat från kommunen)" in event.text


def test_the_same_personnummer_under_another_code_is_the_same_pupil(engine, frozen_clock):
    first = register(engine, pupil_code="OLD-1", personal_number=PNR, received_on=D(2024, 2, 1))
    close(engine, first, D(2024, 6, 1), "Återgått till undervisning")
    new = register(engine, pupil_code="NEW-1", personal_number=PNR, received_on=D(2025, 9, 1))
    other = register(engine, pupil_code="NEW-2", received_on=D(2025, 9, 1))
    with Session(engine) as s:
        assert s.get(Case, new).reactivated_from == first
        assert s.get(Case, other).reactivated_from is None
