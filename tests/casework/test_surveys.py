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


def test_sent_surveys_give_response_rates_and_the_rector_seeing_the_schools_answers(engine, case_id):
    """Issue 17, item 2: when each survey was sent (so response rates can be shown) and whether the rector has seen
    the school's answers (003:315). Counted per case and survey, by the first sending date."""
    with db.session_scope(engine) as s:
        other = cases.create_case(s, dict(FIELDS, pupil_code="EX-2", received_on=D(2024, 10, 1)), "tl").id
    assert surveys.is_example()

    def send(cid, key, day):
        with db.session_scope(engine) as s:
            return surveys.record_sending(s, cid, cases.get_case(s, cid).version, survey_key=key, sent_on=day,
                                          by="anna")

    with pytest.raises(errors.FieldError) as err:
        send(case_id, "skola", D(2025, 9, 16))
    assert err.value.field == "sent_on"
    send(case_id, "skola", D(2025, 6, 10))
    send(case_id, "skola", D(2025, 6, 24))     # a reminder: the case still counts once
    send(case_id, "vardnadshavare", D(2025, 6, 10))
    send(other, "skola", D(2025, 6, 11))
    send(other, "elev", D(2024, 12, 30))      # before the period
    with Session(engine) as s:
        v = cases.get_case(s, case_id).version
    with pytest.raises(errors.FieldError) as err:  # the guardians' survey does not ask about the rector
        _enter_seen(engine, case_id, v, "vardnadshavare", "Vårdnadshavare 1", {"bemotande": "Bra"}, D(2025, 6, 20))
    assert err.value.field == "rector_seen_on"
    with pytest.raises(errors.FieldError) as err:  # not before the answer
        _enter_seen(engine, case_id, v, "skola", "Mentor", {"effekt": "Viss effekt"}, D(2025, 6, 1))
    assert err.value.field == "rector_seen_on"
    _enter_seen(engine, case_id, v, "skola", "Mentor", {"effekt": "Viss effekt"}, None)
    answer = _enter_seen(engine, other, _v(engine, other), "skola", "Rektor", {"effekt": "Tydlig effekt"}, None)
    with Session(engine) as s:
        rates = {r["Enkät"]: r for r in survey_counts.response_rates(s, D(2025, 1, 1), D(2025, 12, 31))}
    assert (rates["Enkät till skolan"]["Skickade"], rates["Enkät till skolan"]["Besvarade"],
            rates["Enkät till skolan"]["Svarsfrekvens (%)"], rates["Enkät till skolan"]["Rektor har tagit del"]) == (
        2, 2, 100.0, 0)
    assert (rates["Enkät till vårdnadshavare"]["Skickade"], rates["Enkät till vårdnadshavare"]["Besvarade"],
            rates["Enkät till vårdnadshavare"]["Svarsfrekvens (%)"],
            rates["Enkät till vårdnadshavare"]["Rektor har tagit del"]) == (1, 0, 0.0, None)
    assert rates["Kort enkät till eleven"]["Skickade"] == 0  # sent in 2024
    with db.session_scope(engine) as s:
        surveys.mark_rector_seen(s, other, _v(engine, other), answer.id, seen_on=D(2025, 6, 30), by="anna")
    with Session(engine) as s:
        rates = {r["Enkät"]: r for r in survey_counts.response_rates(s, D(2025, 1, 1), D(2025, 12, 31))}
        assert rates["Enkät till skolan"]["Rektor har tagit del"] == 1
        assert [x.sent_on for x in surveys.sendings(s, case_id)] == [D(2025, 6, 10), D(2025, 6, 10), D(2025, 6, 24)]
        report = tables.build(s, Period.year(2025), role="lasare")
        table = report.table("enkat_svarsfrekvens")
    assert "exempel" in table.note
    assert table.df["Skickade"].tolist() == ["<5", "<5", "<5"]


def _v(engine, cid):
    with Session(engine) as s:
        return cases.get_case(s, cid).version


def _enter_seen(engine, cid, version, key, role, answers, seen):
    with db.session_scope(engine) as s:
        return surveys.record_response(s, cid, version, survey_key=key, respondent_role=role,
                                       answered_on=D(2025, 6, 20), answers=answers, by="anna", rector_seen_on=seen)
