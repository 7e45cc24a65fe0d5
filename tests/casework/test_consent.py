"""Consent validity and the block on coordinating work without it."""
import datetime as dt

import pytest
from sqlmodel import Session

from narvaro.casework import cases, consent
from narvaro.core import db, errors

FIELDS = dict(pupil_code="EX-1", school_form="Grundskola", provider="Kommunal", received_on=dt.date(2025, 8, 1))


@pytest.fixture
def case_id(engine, frozen_clock):
    with db.session_scope(engine) as s:
        return cases.create_case(s, FIELDS, "tl").id


def test_consent_covers_named_actors_within_its_dates(engine, case_id):
    with Session(engine) as s:
        assert not consent.has_valid_consent(s, case_id, "BUP")
    with db.session_scope(engine) as s:
        c = consent.add_consent(s, case_id, 1, given_by="Vårdnadshavare 1", actors=["BUP", "Socialtjänst"],
                                given_on=dt.date(2025, 9, 1), valid_until=dt.date(2026, 2, 28), by="anna")
    with Session(engine) as s:
        assert consent.has_valid_consent(s, case_id, "BUP", dt.date(2025, 9, 10))
        assert not consent.has_valid_consent(s, case_id, "HAB", dt.date(2025, 9, 10))
        assert not consent.has_valid_consent(s, case_id, "BUP", dt.date(2025, 8, 31))
        assert not consent.has_valid_consent(s, case_id, "BUP", dt.date(2026, 3, 1))
        with pytest.raises(errors.MissingConsent, match="inget giltigt samtycke som omfattar HAB"):
            consent.require_consent(s, case_id, "HAB", dt.date(2025, 9, 10))
    with db.session_scope(engine) as s:
        consent.withdraw(s, case_id, 2, c.id, dt.date(2025, 9, 12), by="anna")
    with Session(engine) as s:
        assert consent.has_valid_consent(s, case_id, "BUP", dt.date(2025, 9, 11))
        assert not consent.has_valid_consent(s, case_id, "BUP", dt.date(2025, 9, 12))


def test_bad_consent_input_names_the_field(engine, case_id):
    bad = [
        (dict(given_by="Granne", actors=["BUP"], given_on=dt.date(2025, 9, 1), valid_until=None), "given_by"),
        (dict(given_by="Elev", actors=[], given_on=dt.date(2025, 9, 1), valid_until=None), "actors"),
        (dict(given_by="Elev", actors=["BUP"], given_on=dt.date(2025, 12, 1), valid_until=None), "given_on"),
        (dict(given_by="Elev", actors=["BUP"], given_on=dt.date(2025, 9, 1), valid_until=dt.date(2025, 8, 1)), "valid_until"),
    ]
    for kwargs, field in bad:
        with pytest.raises(errors.FieldError) as err:
            with db.session_scope(engine) as s:
                consent.add_consent(s, case_id, 1, by="anna", **kwargs)
        assert err.value.field == field
