"""The Insatser page and the case panels (interventions, surveys) through AppTest."""
import datetime as dt

from sqlmodel import Session, select

from narvaro.casework import cases, interventions
from narvaro.core import audit, db
from narvaro.core.models import (
    ACTIVE,
    Assignment,
    Case,
    CaseIntervention,
    CatalogueEntry,
    Meeting,
    SurveyResponse,
    User,
)
from tests.casework.test_interventions import build_usage_fixture
from tests.conftest import add_user, page_as, text_of, widget

D = dt.date


def _rows(frame):
    df = frame.value
    return {row["Insats"]: row for row in df.to_dict("records")}


def test_picker_page_usage_suppression_search_and_promotion(app_env, frozen_clock):
    engine = db.make_engine(app_env)
    with db.session_scope(engine) as s:
        build_usage_fixture(s)
    add_user(app_env, "chef", "teamledare")
    add_user(app_env, "anna", "koordinator")

    at = page_as(app_env, "chef", "pages/insatser.py")
    assert not at.exception
    samordnande, stodjande, operativa, custom = at.dataframe
    sms = _rows(operativa)["SMS-kontakt varje morgon"]
    assert (sms["Använd i ärenden"], sms["Avslutade ärenden"], sms["Varav återgått till undervisning"],
            sms["Andel återgått (%)"]) == ("11", "10", "5", "50,00")
    assert sms["Beskrivning"] == "Motiverande SMS-kontakt med eleven varje morgon."
    bup = _rows(samordnande)["Ta och ha kontakt med BUP och HAB"]
    assert (bup["Använd i ärenden"], bup["Varav återgått till undervisning"], bup["Andel återgått (%)"]) == ("<5", "<5", "–")
    assert _rows(samordnande)["Kontakt med myndigheter"]["Använd i ärenden"] == "<5"  # never used: 0 is hidden too
    dog = _rows(custom)["Skolhund"]
    assert (dog["Typ"], dog["Använd i ärenden"], dog["Varav återgått till undervisning"]) == ("Operativa", "6", "<5")

    at.text_input(key="ins_search").set_value("lunch").run()
    assert len(at.dataframe) == 2  # samordnande and stödjande have no match; operativa and the custom table remain
    assert list(_rows(at.dataframe[0])) == ["Äta lunch med eleven på skolan"]
    assert "Inga insatser matchar sökningen." in text_of(at)

    # The team leader lifts the custom intervention into the list (kept in the database).
    at.text_input(key="ins_search").set_value("").run()
    at.selectbox(key="ins_promote_pick").set_value(("Skolhund", "operativa"))
    at.text_area(key="ins_promote_desc").set_value("Promenad med skolans hund före första lektionen.")
    at.button(key="ins_promote").click().run()
    assert not at.exception
    assert "Skolhund finns nu i exempellistan" in text_of(at)
    with Session(engine) as s:
        assert s.exec(select(CatalogueEntry.name).where(CatalogueEntry.key == "skolhund")).one() == "Skolhund"
    moved = _rows(at.dataframe[2])["Skolhund"]  # samordnande, stödjande, operativa
    assert (moved["Använd i ärenden"], moved["Beskrivning"]) == ("6", "Promenad med skolans hund före första lektionen.")
    assert "Inga egna insatser har lagts in" in text_of(at)

    # A coordinator sees the figures but cannot change the list; picking for a case opens it (audited once).
    at = page_as(app_env, "anna", "pages/insatser.py")
    assert not at.exception and "Lyft in en egen insats" not in text_of(at)
    at.text_input(key="ins_case").set_value("nk-2099-0001").run()
    assert "Det finns inget ärende med nummer NK-2099-0001." in text_of(at)
    with db.session_scope(engine) as s:
        open_case = s.exec(select(Case).where(Case.pupil_code == "U-open")).one()
        closed_case = s.exec(select(Case).where(Case.pupil_code == "U-0")).one()
        anna = s.exec(select(User).where(User.username == "anna")).one()
        s.add(Assignment(case_id=open_case.id, user_id=anna.id, lead=True, assigned_by="chef"))
        s.add(Assignment(case_id=closed_case.id, user_id=anna.id, lead=True, assigned_by="chef"))

    # Another coordinator's case does not open here either (as on the case page), and leaves no view in the log.
    add_user(app_env, "bo", "koordinator")
    other = page_as(app_env, "bo", "pages/insatser.py")
    other.text_input(key="ins_case").set_value(open_case.number).run()
    assert "Ärendet är en annan koordinators." in text_of(other) and "Lägg till insats" not in text_of(other)
    with Session(engine) as s:
        assert audit.search(s, case_id=open_case.id, action=audit.VIEW) == []

    at.text_input(key="ins_case").set_value(open_case.number).run()
    at.text_input(key="ins_search").set_value("sms").run()
    assert "Lägg till insats" in text_of(at) and "SMS-kontakt varje morgon" in text_of(at)
    with Session(engine) as s:
        assert len(audit.search(s, case_id=open_case.id, action=audit.VIEW)) == 1
    at.text_input(key="ins_case").set_value(closed_case.number).run()
    assert not at.exception and "Lägg till insats" not in text_of(at)  # a closed case is read-only
    engine.dispose()


def _panels(case_id: int, username: str) -> None:
    from narvaro import ui
    from narvaro.casework import cases
    from narvaro.ui.case import common as case_common
    from narvaro.ui.case import interventions as interventions_panel
    from narvaro.ui.case import surveys as surveys_panel

    with ui.session() as s:
        case = cases.get_case(s, case_id)
    user = ui.CurrentUser(id=1, username=username, name=username.title(), role="koordinator")
    case_common.take_flash()
    interventions_panel.render(case, user, read_only=False)
    surveys_panel.render(case, user, read_only=False)


def _panel_app(case_id):
    from streamlit.testing.v1 import AppTest

    return AppTest.from_function(_panels, args=(case_id, "anna"), default_timeout=60).run()


def _case(url):
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        case = cases.create_case(s, dict(pupil_code="P-1", school_form="Grundskola", provider="Kommunal",
                                         received_on=D(2025, 8, 1), assigned_on=D(2025, 8, 4), status=ACTIVE,
                                         current_step="steg2"), "chef")
        s.add(Meeting(case_id=case.id, kind="Uppföljningsmöte", held_on=D(2025, 9, 10), created_by="anna"))
    return engine, case.id


def test_interventions_panel_pick_block_stale_status_and_effect(app_env, frozen_clock):
    engine, case_id = _case(app_env)
    k = lambda name: f"ip_{case_id}_{name}"  # noqa: E731
    at = _panel_app(case_id)
    assert not at.exception and "Inga insatser på ärendet ännu." in text_of(at)

    # Operative, found by searching.
    widget(at, "radio", k("kind")).set_value("operativa").run()
    widget(at, "text_input", k("search")).set_value("sms").run()
    assert widget(at, "selectbox", k("pick")).value == "sms_morgon"
    assert "Motiverande SMS-kontakt med eleven varje morgon." in text_of(at)
    widget(at, "text_input", k("plan")).set_value("SMS varje morgon kl 7")
    at.button(key=k("add")).click().run()
    assert "Insatsen är tillagd." in text_of(at)
    assert "SMS-kontakt varje morgon" in text_of(at) and "Frekvens eller plan: SMS varje morgon kl 7" in text_of(at)

    # Coordinating with BUP and no consent: blocked, with the reason next to the actor, and the plan kept.
    widget(at, "radio", k("kind")).set_value("samordnande").run()
    widget(at, "selectbox", k("pick")).set_value("kontakt_bup_hab").run()
    widget(at, "selectbox", k("actor")).set_value("BUP")
    widget(at, "text_input", k("plan")).set_value("Ringa BUP varannan vecka")
    at.button(key=k("add")).click().run()
    assert "inget giltigt samtycke som omfattar BUP" in text_of(at)
    assert widget(at, "text_input", k("plan")).value == "Ringa BUP varannan vecka"

    # A custom coordinating intervention without actor, but someone else saved the case meanwhile.
    widget(at, "selectbox", k("pick")).set_value("__egen__").run()
    widget(at, "text_input", k("name")).set_value("Samordna skolskjuts")
    widget(at, "selectbox", k("actor")).set_value(None)
    with db.session_scope(engine) as s:
        cases.update_case(s, case_id, cases.get_case(s, case_id).version, {"school_year": "8"}, "bo")
    at.button(key=k("add")).click().run()
    assert "har ändrats av någon annan" in text_of(at)
    assert widget(at, "text_input", k("name")).value == "Samordna skolskjuts"
    at.button(key=k("add")).click().run()  # the page now holds the fresh version
    assert "Insatsen är tillagd." in text_of(at)
    with Session(engine) as s:
        rows = {r.name: r for r in s.exec(select(CaseIntervention).where(CaseIntervention.case_id == case_id))}
    assert set(rows) == {"SMS-kontakt varje morgon", "Samordna skolskjuts"}
    assert (rows["Samordna skolskjuts"].intervention_key, rows["Samordna skolskjuts"].kind) == (None, "samordnande")

    sms_id = rows["SMS-kontakt varje morgon"].id
    widget(at, "selectbox", k(f"status_{sms_id}")).set_value("pågående")
    at.button(key=k(f"status_save_{sms_id}")).click().run()
    assert "Status ändrad till pågående." in text_of(at)
    at.button(key=k(f"rate_save_{sms_id}")).click().run()  # no rating chosen
    assert "Välj en effekt ur listan." in text_of(at)
    widget(at, "selectbox", k(f"rating_{sms_id}")).set_value("Viss effekt")
    widget(at, "text_area", k(f"comment_{sms_id}")).set_value("Kommer oftare")
    at.button(key=k(f"rate_save_{sms_id}")).click().run()
    assert not at.exception
    assert "2025-09-10: **Viss effekt** – Kommer oftare" in text_of(at)
    with Session(engine) as s:
        assert s.get(CaseIntervention, sms_id).status == "pågående"
        assert interventions.ratings(s, case_id)[sms_id][0].meeting_on == D(2025, 9, 10)
    engine.dispose()


def test_surveys_panel_offers_forms_and_takes_answers(app_env, frozen_clock):
    engine, case_id = _case(app_env)
    k = lambda name: f"sp_{case_id}_vardnadshavare_{name}"  # noqa: E731
    at = _panel_app(case_id)
    assert any("Upplever du att stödet" in c.value and "http" not in c.value for c in at.code)

    widget(at, "radio", k("q_stod_hjalpte")).set_value("Instämmer delvis")
    widget(at, "text_area", k("q_kommentar")).set_value("Bra stöd")
    at.button(key=k("save")).click().run()  # no role, no date
    assert "Välj vem som svarat" in text_of(at)
    assert widget(at, "radio", k("q_stod_hjalpte")).value == "Instämmer delvis"
    widget(at, "selectbox", k("role")).set_value("Vårdnadshavare 2")
    widget(at, "date_input", k("date")).set_value(D(2025, 9, 12))
    at.button(key=k("save")).click().run()
    assert "Svaret på enkät till vårdnadshavare är sparat." in text_of(at)
    assert "Vårdnadshavare 2 · 2025-09-12" in text_of(at)
    with Session(engine) as s:
        row = s.exec(select(SurveyResponse)).one()
    assert (row.respondent_role, row.survey_key) == ("Vårdnadshavare 2", "vardnadshavare")
    assert widget(at, "radio", k("q_stod_hjalpte")).value is None  # the form is empty for the next respondent
    engine.dispose()
