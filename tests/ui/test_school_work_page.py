"""Issue 17, item 11 through AppTest: the Arbete med skolor page records work with a school, adds a school with no
case, and shows which schools and districts refer cases and which never have. Checked by role."""
import datetime as dt

from sqlmodel import Session, select

from narvaro.casework import cases
from narvaro.core import audit, db
from narvaro.core.models import School, SchoolActivity
from tests.conftest import add_user, page_as, text_of

D = dt.date


def test_record_work_add_a_school_and_see_who_never_referred(app_env, frozen_clock):
    add_user(app_env, "anna", "koordinator")
    engine = db.make_engine(app_env)
    with db.session_scope(engine) as s:
        school = School(name="Norrskolan", school_form="Grundskola", provider="Kommunal", district="vo1")
        s.add(school)
        s.flush()
        cases.create_case(s, dict(pupil_code="P1", school_id=school.id, school_form="Grundskola",
                                  provider="Kommunal", district="vo1", received_on=D(2025, 3, 1)), "tl")
    at = page_as(app_env, "anna", "pages/skolor.py")
    assert not at.exception
    at.text_input(key="sk_new_name").set_value("Östskolan")
    at.selectbox(key="sk_new_form").set_value("Grundskola")
    at.selectbox(key="sk_new_provider").set_value("Kommunal")
    at.selectbox(key="sk_new_district").set_value("vo2")
    at.button(key="sk_new_save").click().run()
    assert "Skolan Östskolan är tillagd." in text_of(at)
    with Session(engine) as s:
        ost = s.exec(select(School).where(School.name == "Östskolan")).one()

    at.button(key="sk_save").click().run()
    assert "Välj skola." in text_of(at)
    at.selectbox(key="sk_school").set_value(ost.id)
    at.selectbox(key="sk_kind").set_value("Öppen teamträff")
    at.date_input(key="sk_date").set_value(D(2025, 9, 2))
    at.number_input(key="sk_minutes").set_value(90)
    at.button(key="sk_save").click().run()
    assert "Arbetet är registrerat." in text_of(at)
    with Session(engine) as s:
        assert [(a.kind, a.minutes, a.created_by) for a in s.exec(select(SchoolActivity))] == [
            ("Öppen teamträff", 90, "anna")]

    work, districts, schools, recent = (t.value for t in at.dataframe)
    assert work.values.tolist()[1] == ["Öppen teamträff", 1, 1.5, 1]
    by_name = {r["Skola"]: r for r in schools.to_dict("records")}
    assert (by_name["Norrskolan"]["Ärenden under året"], by_name["Norrskolan"]["Aldrig skickat ärende"]) == (1, "")
    assert (by_name["Östskolan"]["Ärenden totalt"], by_name["Östskolan"]["Aldrig skickat ärende"]) == (0, "ja")
    vo2 = next(r for r in districts.to_dict("records") if r["Verksamhetsområde"] == "Verksamhetsområde 2")
    assert (vo2["Skolor"], vo2["Skolor som aldrig skickat ärende"]) == (1, 1)
    assert recent.values.tolist()[0][1:3] == ["Östskolan", "Öppen teamträff"]


def test_registrator_and_lasare_are_refused_and_it_is_logged(app_env):
    add_user(app_env, "reg", "registrator")
    add_user(app_env, "las", "lasare")
    for username in ("reg", "las"):
        at = page_as(app_env, username, "pages/skolor.py")
        assert "Du har inte behörighet till den här sidan." in [e.value for e in at.error]
        assert not at.dataframe
    engine = db.make_engine(app_env)
    with Session(engine) as s:
        refused = [e.username for e in audit.search(s) if "skolor" in (e.detail or "") or "school_work" in
                   (e.detail or "")]
    assert sorted(refused) == ["las", "reg"]
