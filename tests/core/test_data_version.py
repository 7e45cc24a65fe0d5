"""The data version moves with every committed write of case data, and only then: the figure caches key on it."""
import datetime as dt

from sqlmodel import Session

from narvaro.casework import cases
from narvaro.core import audit, db, users
from narvaro.core.permissions import CurrentUser

FIELDS = dict(pupil_code="DV-1", school_form="Grundskola", provider="Kommunal", received_on=dt.date(2025, 9, 1))


def _version(engine) -> int:
    with Session(engine) as s:
        return db.data_version(s)


def test_writes_move_the_version_views_and_logins_do_not(engine, frozen_clock):
    start = _version(engine)
    with db.session_scope(engine) as s:
        number = cases.create_case(s, FIELDS, "tl").number
        users.create_user(s, username="tl", name="Tove", role="teamledare", password=None, by=None)
    after_write = _version(engine)
    assert after_write == start + 1  # one transaction, one step

    with db.session_scope(engine) as s:
        tl = users.get_user(s, "tl")
        cases.open_case_for(s, CurrentUser(tl.id, tl.username, tl.name, tl.role), number)  # a view: audit row only
        audit.record(s, "tl", audit.LOGIN)
    assert _version(engine) == after_write

    with db.session_scope(engine) as s:
        case = cases.find_by_number(s, number)
        cases.claim(s, case.id, case.version, "tl")  # the optimistic lock's UPDATE bypasses the ORM flush
    assert _version(engine) == after_write + 1


def test_a_rolled_back_write_leaves_the_version(engine, frozen_clock):
    with db.session_scope(engine) as s:
        case_id = cases.create_case(s, FIELDS, "tl").id
    start = _version(engine)
    with Session(engine) as s:
        case = cases.claim(s, case_id, 1, "tl")
        case.pupil_code = "ÄNDRAD"
        s.flush()
        s.rollback()
    with db.session_scope(engine) as s:
        audit.record(s, "x", audit.LOGIN)  # a later audit-only commit must not pick up the forgotten change
    assert _version(engine) == start
