"""Case numbers and optimistic locking, on SQLite and PostgreSQL."""
import datetime as dt

import pytest
from sqlmodel import Session, select

from narvaro.casework import cases
from narvaro.core import audit, db, errors
from narvaro.core.models import AuditEntry, Case, CaseEvent

FIELDS = dict(pupil_code="EX-1", school_form="Grundskola", provider="Kommunal", received_on=dt.date(2025, 3, 1))


def test_case_numbers_count_per_year(engine):
    with db.session_scope(engine) as s:
        a = cases.create_case(s, FIELDS, "tl")
        b = cases.create_case(s, FIELDS, "tl")
        c = cases.create_case(s, {**FIELDS, "received_on": dt.date(2026, 1, 2)}, "tl")
    assert (a.number, b.number, c.number) == ("NK-2025-0001", "NK-2025-0002", "NK-2026-0001")


def test_generated_number_skips_an_imported_one(engine):
    with db.session_scope(engine) as s:
        cases.create_case(s, {**FIELDS, "number": "NK-2025-0001"}, "import")
        new = cases.create_case(s, FIELDS, "tl")
    assert new.number == "NK-2025-0002"


def test_second_concurrent_save_is_refused_and_first_kept(engine):
    with db.session_scope(engine) as s:
        case = cases.create_case(s, FIELDS, "tl")
    # Two people open version 1 of the case.
    with Session(engine) as anna, Session(engine) as bo:
        seen_by_anna = cases.get_case(anna, case.id).version
        seen_by_bo = cases.get_case(bo, case.id).version
        cases.update_case(anna, case.id, seen_by_anna, {"school_year": "7"}, "anna")
        anna.commit()
        with pytest.raises(errors.StaleCaseError) as err:
            cases.update_case(bo, case.id, seen_by_bo, {"school_year": "8"}, "bo")
        bo.rollback()
    assert "har ändrats av någon annan" in str(err.value)
    with Session(engine) as s:
        stored = s.get(Case, case.id)
        assert stored.school_year == "7" and stored.version == 2 and stored.updated_by == "anna"


def test_changes_record_who_and_when_in_audit(engine, frozen_clock):
    with db.session_scope(engine) as s:
        case = cases.create_case(s, FIELDS, "tl")
    with db.session_scope(engine) as s:
        cases.update_case(s, case.id, 1, {"district": "vo2"}, "anna", event="Verksamhetsområde ändrat")
        audit.record(s, "bo", audit.VIEW, case.id)
    with Session(engine) as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.case_id == case.id).order_by(AuditEntry.id)).all()
        assert [(e.username, e.action) for e in entries] == [("tl", "skapa"), ("anna", "ändra"), ("bo", "visa")]
        events = s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id)).all()
        assert [e.kind for e in events] == ["registrerat", "ändring"]


def test_update_rejects_unknown_field(engine):
    with db.session_scope(engine) as s:
        case = cases.create_case(s, FIELDS, "tl")
    with pytest.raises(KeyError):
        with db.session_scope(engine) as s:
            cases.update_case(s, case.id, 1, {"no_such_field": 1}, "anna")
