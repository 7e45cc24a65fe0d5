"""Closing surveys: the forms, answers entered back on the case, and the summary the dashboard shows."""
import datetime as dt
import json
import re

import pytest
from sqlmodel import Session, select

from narvaro.casework import cases, surveys
from narvaro.casework.cases import StaleCaseError
from narvaro.core import audit, db, errors
from narvaro.core.models import CLOSED, CaseEvent
from narvaro.reporting import surveys as survey_counts
from narvaro.reporting import tables
from narvaro.reporting.indicators import Period

D = dt.date
FIELDS = dict(pupil_code="EX-1", school_form="Grundskola", provider="Kommunal", received_on=D(2025, 1, 10),
              assigned_on=D(2025, 1, 20), status=CLOSED, closed_on=D(2025, 6, 10),
              closure_reason="Återgått till undervisning")


@pytest.fixture
def case_id(engine, frozen_clock):
    with db.session_scope(engine) as s:
        return cases.create_case(s, FIELDS, "tl").id


def test_forms_hold_every_question_and_no_links():
    vh = surveys.get_survey("vardnadshavare")
    text = surveys.form_text(vh)
    for q in vh.questions:
        assert q.text in text
    assert "Instämmer helt / Instämmer delvis / Instämmer inte" in text
    assert "Vårdnadshavare 1 / Vårdnadshavare 2" in text
    assert not re.search(r"https?://|www\.|<a ", text)
    page = surveys.form_html(surveys.get_survey("skola"), "NK-2025-0007")
    assert page.startswith("<!DOCTYPE html>") and "Ärende: NK-2025-0007" in page
    assert "&#9744; Elevhälsoteam" in page and "Vilken effekt hade koordinatorns insatser" in page
    assert "<a " not in page and "http" not in page
    assert surveys.file_name(vh, "NK-2025-0007", "html") == "enkat_vardnadshavare_NK-2025-0007.html"


def _enter(engine, case_id, version, survey_key, role, day, answers):
    with db.session_scope(engine) as s:
        return surveys.record_response(s, case_id, version, survey_key=survey_key, respondent_role=role,
                                       answered_on=day, answers=answers, by="anna")


def test_round_trip_form_answers_summary(engine, case_id):
    vh = surveys.get_survey("vardnadshavare")
    # The form gives the alternatives; what is filled in is entered exactly as offered.
    offered = re.search(r"1\. .*\n\s+Svarsalternativ \(välj ett\): (.*)\n", surveys.form_text(vh)).group(1).split(" / ")
    _enter(engine, case_id, 1, "vardnadshavare", "Vårdnadshavare 1", D(2025, 6, 12),
           {"stod_hjalpte": offered[0], "bemotande": "Mycket bra", "kommentar": " Tack för hjälpen "})
    _enter(engine, case_id, 2, "vardnadshavare", "Vårdnadshavare 2", D(2025, 6, 14),
           {"stod_hjalpte": offered[0], "bemotande": "Bra", "samarbete": ""})
    _enter(engine, case_id, 3, "skola", "Rektor", D(2025, 6, 20), {"effekt": "Viss effekt"})
    _enter(engine, case_id, 4, "skola", "Mentor", D(2025, 7, 2), {"effekt": "Tydlig effekt"})

    with Session(engine) as s:
        got = surveys.responses(s, case_id)
        assert [(r.survey_key, r.respondent_role) for r in got] == [
            ("vardnadshavare", "Vårdnadshavare 1"), ("vardnadshavare", "Vårdnadshavare 2"), ("skola", "Rektor"),
            ("skola", "Mentor")]
        assert surveys.answers_of(got[0]) == {"stod_hjalpte": "Instämmer helt", "bemotande": "Mycket bra",
                                              "kommentar": "Tack för hjälpen"}
        assert surveys.answers_of(got[1]) == {"stod_hjalpte": "Instämmer helt", "bemotande": "Bra"}
        assert len(audit.search(s, case_id=case_id, action=audit.CHANGE)) == 4
        assert len(s.exec(select(CaseEvent).where(CaseEvent.kind == "enkät")).all()) == 4

        rows = survey_counts.summary(s, D(2025, 6, 1), D(2025, 6, 30))
    vh_name, sk_name = "Enkät till vårdnadshavare", "Enkät till skolan"
    table = [(r["Enkät"], r["Fråga"], r["Svar"], r["Antal"]) for r in rows]
    q1 = vh.questions[0].text
    q2 = vh.questions[1].text
    q_eff = surveys.get_survey("skola").questions[0].text
    assert table == [
        (vh_name, "Svarandens roll", "Vårdnadshavare 1", 1),
        (vh_name, "Svarandens roll", "Vårdnadshavare 2", 1),
        (vh_name, q1, "Instämmer helt", 2),
        (vh_name, q2, "Mycket bra", 1),
        (vh_name, q2, "Bra", 1),
        (sk_name, "Svarandens roll", "Rektor", 1),
        (sk_name, q_eff, "Viss effekt", 1),
    ]
    # Free text is read on the case, never counted on the dashboard.
    assert "Tack för hjälpen" not in json.dumps(rows, ensure_ascii=False)
    with Session(engine) as s:
        assert survey_counts.summary(s, D(2025, 7, 1), D(2025, 7, 31)) == [
            (dict(zip(["Enkät", "Fråga", "Svar", "Antal"], r))) for r in
            [(sk_name, "Svarandens roll", "Mentor", 1), (sk_name, q_eff, "Tydlig effekt", 1)]]
        assert survey_counts.summary(s, D(2024, 1, 1), D(2024, 12, 31)) == []

        # The dashboard picks the summary up; for a läsare every count is hidden.
        period = Period(D(2025, 6, 1), D(2025, 6, 30))
        staff = tables.build(s, period, (2025, 2025), "teamledare").table("enkater").df
        assert list(staff["Antal"]) == [1, 1, 2, 1, 1, 1, 1]
        reader = tables.build(s, period, (2025, 2025), "lasare").table("enkater").df
        assert set(reader["Antal"]) == {"<5"}


def test_bad_answers_name_the_field_and_nothing_is_saved(engine, case_id):
    ok = dict(survey_key="skola", respondent_role="Rektor", answered_on=D(2025, 6, 20), answers={"effekt": "Viss effekt"})
    bad = [
        (dict(ok, survey_key="finns_inte"), "survey_key"),
        (dict(ok, respondent_role="Vaktmästare"), "respondent_role"),
        (dict(ok, respondent_role="Vårdnadshavare 1"), "respondent_role"),  # a guardian's role on the school survey
        (dict(ok, answered_on=None), "answered_on"),
        (dict(ok, answered_on=D(2025, 9, 16)), "answered_on"),  # after today (frozen 2025-09-15)
        (dict(ok, answers={"effekt": "Stor effekt"}), "effekt"),
        (dict(ok, answers={"kommentar": "x" * 2001}), "kommentar"),
        (dict(ok, answers={"okand": "Ja"}), "okand"),
        (dict(ok, answers={"effekt": None, "kommentar": "  "}), "effekt"),
    ]
    for kwargs, field in bad:
        with pytest.raises(errors.FieldError) as err:
            with db.session_scope(engine) as s:
                surveys.record_response(s, case_id, 1, by="anna", **kwargs)
        assert err.value.field == field, kwargs
    with pytest.raises(StaleCaseError):
        with db.session_scope(engine) as s:
            surveys.record_response(s, case_id, 7, by="anna", **ok)
    with Session(engine) as s:
        assert surveys.responses(s, case_id) == []
        assert cases.get_case(s, case_id).version == 1
