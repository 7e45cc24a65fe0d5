"""Issue 17 on the case page through AppTest: the confirmation for "Återgått till undervisning" outside Steg 4, the
Elev och skola tab (voices, contacts, transitions), survey sendings and the rector having seen the school's answers,
and the other meeting's actors."""
import datetime as dt

from sqlmodel import Session, select

from narvaro.casework import workflow
from narvaro.core import db
from narvaro.core.models import CLOSED, Meeting, SchoolTransition, SurveyResponse, SurveySending
from tests.conftest import add_user, open_tab, text_of, widget
from tests.ui.test_case_page import click, fresh, new_case, open_page

D = dt.date


def _in_steg2(app_env, frozen_clock):
    add_user(app_env, "anna", "koordinator")
    frozen_clock(D(2025, 9, 15))
    engine, cid, number = new_case(app_env)
    with db.session_scope(engine) as s:
        workflow.record_start(s, cid, fresh(engine, cid).version, contacted_on=D(2025, 8, 25), answer="Båda",
                              by="anna")
    for _ in range(2):
        with db.session_scope(engine) as s:
            workflow.move_on(s, cid, fresh(engine, cid).version, by="anna", open_items_reason="test",
                             on=D(2025, 8, 25))
    return engine, cid, number


def test_returned_to_school_outside_steg4_asks_for_a_confirmation_that_is_kept(app_env, frozen_clock):
    engine, cid, number = _in_steg2(app_env, frozen_clock)
    at = open_page(app_env, "anna", number, flik="avslut")
    k = lambda name: f"ar_{cid}_{name}" + ("" if name == "cl_save" else "_0")  # noqa: E731
    assert "Avslut med *Återgått till undervisning* kräver bekräftelse: inget uppföljningsmöte har beslutat" \
        in text_of(at)
    widget(at, "selectbox", k("cl_reason")).set_value("Återgått till undervisning")
    widget(at, "number_input", k("cl_attendance")).set_value(85)
    widget(at, "selectbox", k("cl_eff_op")).set_value("Viss effekt")
    widget(at, "selectbox", k("cl_eff_co")).set_value("Ej aktuellt")
    widget(at, "radio", k("cl_talk")).set_value("Nej")
    click(at, k("cl_save"))
    assert any("Villkoren för Steg 4 är inte uppfyllda" in e.value for e in at.error)
    assert fresh(engine, cid).status != CLOSED
    assert widget(at, "number_input", k("cl_attendance")).value == 85  # nothing typed is lost
    widget(at, "checkbox", k("cl_confirm")).check()
    click(at, k("cl_save"))
    case = fresh(engine, cid)
    assert (case.status, case.closure_reason) == (CLOSED, "Återgått till undervisning")
    assert "avslutningssamtalet med rektor/EHT har inte hållits" in case.return_confirmed_unmet
    assert "Återgång bekräftad trots att villkoren för Steg 4 inte var uppfyllda:" in text_of(at)


def test_elev_och_skola_voices_contacts_and_a_transition(app_env, frozen_clock):
    engine, cid, number = _in_steg2(app_env, frozen_clock)
    k = lambda name: f"ar_{cid}_{name}"  # noqa: E731
    at = open_page(app_env, "anna", number, flik="elev")
    assert "Elevens och vårdnadshavarnas röst" in text_of(at)
    click(at, k("vo_save"))
    assert "Välj vems röst det är" in text_of(at)
    widget(at, "selectbox", k("vo_speaker")).set_value("Elev")
    widget(at, "text_area", k("vo_text")).set_value("Vill börja med **två** dagar.")
    click(at, k("vo_save"))
    assert "Synpunkten är sparad." in text_of(at)
    assert "Vill börja med **två** dagar." in [t.value for t in at.text]  # shown as text, never as Markdown

    widget(at, "text_input", k("ct_school_contact")).set_value("Kurator Påhittad")
    widget(at, "text_input", k("ct_school_contact_info")).set_value("070-222")
    click(at, k("ct_save"))
    assert "Kontaktuppgifterna är sparade." in text_of(at)
    assert (fresh(engine, cid).school_contact, fresh(engine, cid).school_contact_info) == ("Kurator Påhittad", "070-222")

    widget(at, "date_input", k("tr_date")).set_value(D(2025, 9, 10))
    widget(at, "text_input", k("tr_new_name")).set_value("Södra gymnasiet")
    widget(at, "selectbox", k("tr_new_form")).set_value("Gymnasieskola")
    click(at, k("tr_save"))
    assert "Välj huvudman för skolan." in text_of(at)
    widget(at, "selectbox", k("tr_new_provider")).set_value("Fristående")
    click(at, k("tr_save"))
    assert "Bytet är registrerat." in text_of(at)
    with Session(engine) as s:
        t = s.exec(select(SchoolTransition)).one()
    assert (t.from_school_form, t.to_school_form, t.to_provider) == ("Grundskola", "Gymnasieskola", "Fristående")
    assert "Ärendet räknas i statistiken under skolformen det kom in med: Grundskola, Kommunal." in text_of(at)


def test_surveys_sent_rector_seen_and_meeting_actors(app_env, frozen_clock):
    engine, cid, number = _in_steg2(app_env, frozen_clock)
    sp = lambda survey, name: f"sp_{cid}_{survey}_{name}"  # noqa: E731
    at = open_page(app_env, "anna", number, flik="avslut")
    assert "Frågorna är ett exempel som teamet ska byta ut" in text_of(at)
    widget(at, "date_input", sp("skola", "sent_on")).set_value(D(2025, 9, 12))
    click(at, sp("skola", "sent_save"))
    assert "Att enkäten skickats är registrerat." in text_of(at)
    assert "Skickad: 2025-09-12" in text_of(at)
    widget(at, "selectbox", sp("skola", "role")).set_value("Mentor")
    widget(at, "date_input", sp("skola", "date")).set_value(D(2025, 9, 14))
    widget(at, "radio", sp("skola", "q_effekt")).set_value("Viss effekt")
    click(at, sp("skola", "save"))
    assert "Rektor har inte tagit del av svaren (enligt det som registrerats)." in text_of(at)
    with Session(engine) as s:
        response = s.exec(select(SurveyResponse)).one()
    widget(at, "date_input", sp(f"r{response.id}", "seen")).set_value(D(2025, 9, 15))
    click(at, sp(f"r{response.id}", "save"))
    assert "Rektor har tagit del av svaren 2025-09-15." in text_of(at)
    with Session(engine) as s:
        assert s.exec(select(SurveySending.sent_on)).all() == [D(2025, 9, 12)]
        assert s.get(SurveyResponse, response.id).rector_seen_on == D(2025, 9, 15)

    k = lambda name: f"ar_{cid}_{name}"  # noqa: E731
    open_tab(at, "moten")
    widget(at, "selectbox", k("mt_kind")).set_value("Nätverksmöte")
    widget(at, "date_input", k("mt_held")).set_value(D(2025, 9, 15))
    widget(at, "text_input", k("mt_participants")).set_value("VH, BUP, socialtjänst")
    widget(at, "multiselect", k("mt_actors")).set_value(["BUP", "Socialtjänst"])
    click(at, k("mt_save"))
    with Session(engine) as s:
        assert s.exec(select(Meeting.actor_types)).one() == "BUP;Socialtjänst"
    assert "Andra aktörer: BUP, Socialtjänst" in "\n".join(t.value for t in at.text)
