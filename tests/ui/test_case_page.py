"""The case page through AppTest: whole cases walked from intake to each kind of closing.

The first walk starts on the intake page and the board's hand-out; the others start from a handed-out case."""
import datetime as dt

from sqlmodel import Session, select

from narvaro import ui
from narvaro.casework import cases
from narvaro.core import audit, db
from narvaro.core import users as auth
from narvaro.core.models import ACTIVE, CLOSED, Case, CaseIntervention, Meeting
from tests.casework.test_workflow import FIELDS, hand_out
from tests.conftest import ROOT, add_user, open_tab, page_as, text_of, widget

D = dt.date


def open_page(url: str, username: str, number: str, flik: str | None = None):
    """The case page as `username`, reached with ?arende=<number> (as the board links to it), on tab `flik`."""
    from streamlit.testing.v1 import AppTest

    engine = db.make_engine(url)
    with Session(engine) as s:
        row = auth.get_user(s, username)
        user = ui.CurrentUser(id=row.id, username=row.username, name=row.name, role=row.role)
    engine.dispose()
    at = AppTest.from_file(str(ROOT / "pages/arende.py"), default_timeout=60)
    at.session_state[ui.USER_KEY] = user
    at.query_params["arende"] = number
    if flik:
        at.query_params["flik"] = flik
    return at.run()


def new_case(url: str, coordinator: str = "anna", **extra):
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        case = cases.create_case(s, {**FIELDS, **extra}, "chef")
        hand_out(s, case.id, coordinator, D(2025, 8, 20))
        return engine, case.id, case.number


def fresh(engine, case_id):
    with Session(engine) as s:
        return cases.get_case(s, case_id)


def click(at, key):
    at.button(key=key).click().run()
    assert not at.exception, at.exception
    return at


def intake_and_hand_out(url: str, frozen_clock, coordinator: str) -> tuple:
    """The request comes in through the intake page and the team leader hands it out on the board."""
    from tests.ui.test_pages_intake_board import GOOD, _board, _fill, _submit

    add_user(url, "chef", "teamledare")
    frozen_clock(D(2025, 8, 18))
    at = page_as(url, "chef", "pages/inkommande.py")
    _fill(at, **{**GOOD, "pupil_code": "EX-7", "sex": "Flicka", "received_on": D(2025, 8, 18),
                 "investigated_on": D(2025, 8, 1), "reported_on": D(2025, 8, 15)})
    _submit(at)
    assert not at.error and not at.exception
    frozen_clock(D(2025, 8, 20))
    engine = db.make_engine(url)
    with Session(engine) as s:
        case = s.exec(select(Case)).one()
        coordinator_id = auth.get_user(s, coordinator).id
    board = _board(url, "chef")
    assert board.selectbox(key="ho_case").value == case.id
    board.multiselect(key=f"ho_users_{case.id}").set_value([coordinator_id])
    board.button(key="ho_assign").click().run()
    assert f"{case.number} är fördelat till {coordinator.title()}." in [m.value for m in board.success]
    return engine, case.id, case.number


def test_case_walked_through_two_follow_ups_to_returned_to_school(app_env, frozen_clock):
    add_user(app_env, "anna", "koordinator", district="vo1")
    engine, cid, number = intake_and_hand_out(app_env, frozen_clock, "anna")
    frozen_clock(D(2025, 8, 25))
    k = lambda name: f"ar_{cid}_{name}"  # noqa: E731
    at = open_page(app_env, "anna", number)
    assert not at.exception
    assert f"Ärende {number}" in text_of(at) and "Start (från 2025-08-18) – aktuellt steg" in text_of(at)
    assert "Registrera rektors besked" in text_of(at)  # cannot move on without a yes

    # Start: first contact and the rector's yes.
    widget(at, "date_input", k("contacted_on")).set_value(D(2025, 8, 25))
    widget(at, "selectbox", k("answer")).set_value("Båda")
    click(at, k("start_save"))
    assert "Kontakten med rektor är sparad." in text_of(at)
    # No double entry: the intake's investigation date, the hand-out, the contact and the answer ticked Start's items.
    page = text_of(at)
    for proof in ("bockad av frånvaroutredningen vid inkomst 2025-08-01", "bockad av fördelningen 2025-08-20",
                  "bockad av kontakt med rektor 2025-08-25", "bockad av rektors besked (Båda) 2025-08-25"):
        assert proof in page, proof
    assert "inte klara" not in page
    click(at, k("move_save"))  # nothing left open: no reason asked
    case = fresh(engine, cid)
    assert (case.status, case.current_step, case.rector_answer) == (ACTIVE, "steg1", "Båda")
    assert "Steg 1 (från 2025-08-25 · senast 2025-09-08 · lov räknas inte) – aktuellt steg" in text_of(at)
    # The first follow-up comes from Steg 2's one window (003:504), counted as if Steg 2 began today.
    assert "Går ärendet vidare i dag hålls det första uppföljningsmötet mellan 2025-09-15 och 2025-09-29." \
        in text_of(at)

    # Steg 1: an item ticked with who/when, the EHT meeting with the written division and a task.
    frozen_clock(D(2025, 9, 1))
    click(at, k("tick_eht_mote"))
    assert "Möte med EHT på skola för att tydliggöra ansvarsfördelning utifrån ett skriftligt formulär" in text_of(at)
    assert "– klar (anna, 2025-09-01 12:00)" in text_of(at)
    open_tab(at, "moten")
    widget(at, "selectbox", k("mt_kind")).set_value("EHT-möte")
    widget(at, "date_input", k("mt_held")).set_value(D(2025, 9, 1))
    widget(at, "text_input", k("mt_participants")).set_value("Rektor, kurator, mentor, koordinator")
    click(at, k("mt_save"))
    assert "Skriv ansvarsfördelningen" in text_of(at)
    assert widget(at, "text_input", k("mt_participants")).value == "Rektor, kurator, mentor, koordinator"
    widget(at, "text_area", k("mt_division")).set_value("Koordinator: hembesök tisdagar (operativt). Mentor: anpassat schema.")
    widget(at, "date_input", k("mt_next")).set_value(D(2025, 9, 29))
    widget(at, "text_input", k("mt_task_1")).set_value("Ta fram anpassat schema")
    widget(at, "text_input", k("mt_owner_1")).set_value("Mentor")
    widget(at, "date_input", k("mt_due_1")).set_value(D(2025, 9, 8))
    click(at, k("mt_save"))
    assert "Mötet är sparat." in text_of(at)
    assert "Ta fram anpassat schema – **Mentor**, senast 2025-09-08" in text_of(at)
    assert fresh(engine, cid).next_meeting_on == D(2025, 9, 29)
    open_tab(at, "arbetsgang")
    widget(at, "text_area", k("move_reason")).set_value("Resten görs i steg 2")
    click(at, k("move_save"))
    assert fresh(engine, cid).current_step == "steg2"
    open_tab(at, "moten")

    # Follow-up 1 (attendance 30 %) books a new meeting (Steg 3); follow-up 2 (65 %) finds the pupil in school and
    # goes on to Steg 4 with no new meeting (003:563).
    for day, attendance, outcome, next_on in ((D(2025, 9, 29), 30, "nytt_mote", D(2025, 10, 27)),
                                              (D(2025, 10, 27), 65, "narvaro_i_skolan", None)):
        frozen_clock(day)
        at.run()
        widget(at, "date_input", k("fu_held")).set_value(day)
        widget(at, "text_input", k("fu_participants")).set_value("EHT och rektor")
        widget(at, "text_area", k("fu_situation")).set_value("Eleven kommer fler dagar.")
        widget(at, "number_input", k("fu_attendance")).set_value(attendance)
        widget(at, "text_area", k("fu_further")).set_value("Fortsatt hembesök och anpassat schema.")
        widget(at, "radio", k("fu_outcome")).set_value(outcome)
        widget(at, "date_input", k("fu_next")).set_value(next_on)
        widget(at, "text_area", k("fu_reason")).set_value("Pågår fortfarande")
        click(at, k("fu_save"))
        assert "Uppföljningsmötet är sparat" in text_of(at)
    assert "Uppföljningsmötet är sparat och ärendet är i Steg 4." in text_of(at)
    case = fresh(engine, cid)
    assert (case.cycle, case.current_step, case.next_meeting_on) == (2, "steg4", None)
    assert "Mötet beslutade: Eleven har närvaro i skolan" in text_of(at)
    assert "Närvaro: 30 %" in text_of(at) and "Närvaro: 65 %" in text_of(at)
    open_tab(at, "arbetsgang")
    assert "Steg 4 (från 2025-10-27) – aktuellt steg" in text_of(at)  # no invented deadline
    assert "Steg 3, omgång 1 (från 2025-09-29 · klart 2025-10-27)" in text_of(at)
    assert "omgång 2" not in text_of(at)  # the second meeting opened no new round

    # A coordinating intervention with BUP is blocked until consent covers BUP.
    open_tab(at, "insatser")
    ip = lambda name: f"ip_{cid}_{name}"  # noqa: E731
    widget(at, "radio", ip("kind")).set_value("samordnande").run()
    widget(at, "selectbox", ip("pick")).set_value("kontakt_bup_hab").run()
    widget(at, "selectbox", ip("actor")).set_value("BUP")
    widget(at, "text_input", ip("plan")).set_value("Samordna med BUP varannan vecka")
    click(at, ip("add"))
    assert "inget giltigt samtycke som omfattar BUP" in text_of(at)
    assert widget(at, "text_input", ip("plan")).value == "Samordna med BUP varannan vecka"
    # The refusal offers "Registrera samtycke": the consent tab opens with BUP filled in ...
    click(at, ip("to_consent"))
    assert at.query_params["flik"] == ["samtycke"] or at.query_params["flik"] == "samtycke"
    assert widget(at, "multiselect", k("cs_actors")).value == ["BUP"]
    assert "kommer du tillbaka till insatsen" in text_of(at)
    widget(at, "selectbox", k("cs_given_by")).set_value("Vårdnadshavare 1")
    widget(at, "date_input", k("cs_given_on")).set_value(D(2025, 10, 20))
    click(at, k("cs_save"))
    # ... and after saving it, the Insatser tab is back with the intervention as it was left.
    assert "Samtycket är registrerat." in text_of(at)
    assert widget(at, "selectbox", ip("pick")).value == "kontakt_bup_hab"
    assert widget(at, "selectbox", ip("actor")).value == "BUP"
    assert widget(at, "text_input", ip("plan")).value == "Samordna med BUP varannan vecka"
    assert "inget giltigt samtycke" not in text_of(at)
    click(at, ip("add"))
    assert "Insatsen är tillagd." in text_of(at)
    # The form starts clean: the next intervention does not inherit BUP or the plan (issue 15's wrong data).
    assert widget(at, "selectbox", ip("actor")).value is None
    assert widget(at, "text_input", ip("plan")).value == ""
    with Session(engine) as s:
        assert s.exec(select(CaseIntervention.actor_type)).all() == ["BUP"]

    # Closing: the facts for the indicators, then the case is read-only.
    frozen_clock(D(2025, 11, 3))
    open_tab(at, "avslut")
    with Session(engine) as s:
        seed = max(s.exec(select(Meeting.id)).all())
    k = lambda name: f"ar_{cid}_{name}_{seed}" if name.startswith("cl_") and name != "cl_save" else f"ar_{cid}_{name}"  # noqa: E731
    assert widget(at, "number_input", k("cl_attendance")).value == 65  # from the last follow-up meeting
    assert "kräver bekräftelse" not in text_of(at)  # Steg 4 reached through the follow-up meeting
    widget(at, "selectbox", k("cl_reason")).set_value("Återgått till undervisning")
    widget(at, "number_input", k("cl_attendance")).set_value(90)
    widget(at, "date_input", k("cl_on")).set_value(D(2025, 11, 3))
    widget(at, "selectbox", k("cl_eff_op")).set_value("Tydlig effekt")
    widget(at, "selectbox", k("cl_eff_co")).set_value("Viss effekt")
    click(at, k("cl_save"))
    assert "Ange om avslutningssamtalet" in text_of(at)
    widget(at, "radio", k("cl_talk")).set_value("Ja")
    click(at, k("cl_save"))
    case = fresh(engine, cid)
    assert (case.status, case.closed_on, case.closure_reason, case.attendance_at_closing, case.effect_operative,
            case.effect_coordinating, case.closing_talk_held) == (
        CLOSED, D(2025, 11, 3), "Återgått till undervisning", 90.0, "Tydlig effekt", "Viss effekt", True)
    assert "Ärendet är avslutat och kan bara läsas." in text_of(at)
    assert not [b for b in at.button if b.key and b.key.startswith(f"ar_{cid}_")]  # no saving on a closed case
    assert "Återöppna ärendet" not in text_of(at)  # a coordinator cannot reopen

    open_tab(at, "tidslinje")
    timeline = at.table[0].value
    kinds = list(timeline["Typ"])
    assert list(timeline.index)[0] == "2025-08-18" and list(timeline.index)[-1] == "2025-11-03"
    assert list(timeline.index) == sorted(timeline.index)
    assert kinds[-1] == "avslut" and kinds.count("möte") == 3 and kinds.count("samtycke") == 1
    with Session(engine) as s:
        # Views: the first opening, two reloads (at.run), seven openings by a link with ?flik= (open_tab) and four
        # reruns from the Insatser panel's widgets; the page's own saves and tab switches are not new views.
        assert len(audit.search(s, case_id=cid, action=audit.VIEW)) == 14
        assert len(s.exec(select(Meeting).where(Meeting.case_id == cid)).all()) == 3


def test_rector_no_least_people_reopen_and_stale_save(app_env, frozen_clock):
    add_user(app_env, "anna", "koordinator")
    add_user(app_env, "bertil", "koordinator")
    add_user(app_env, "chef", "teamledare")
    engine, cid, number = new_case(app_env)
    k = lambda name: f"ar_{cid}_{name}"  # noqa: E731

    # Another coordinator's case is refused (and not audited as a view); the team leader may open it.
    at = open_page(app_env, "bertil", number)
    assert "Ärendet är en annan koordinators" in text_of(at) and "Elev:" not in text_of(at)
    with Session(engine) as s:
        assert audit.search(s, case_id=cid, action=audit.VIEW) == []

    at = open_page(app_env, "anna", number, flik="anteckningar")
    with Session(engine) as s:
        assert len(audit.search(s, case_id=cid, action=audit.VIEW)) == 1
    # Someone else saves in between: the note is refused, nothing overwritten, the text is kept.
    with db.session_scope(engine) as s:
        cases.update_case(s, cid, fresh(engine, cid).version, {"school_year": "8"}, "chef")
    widget(at, "text_area", k("note_text")).set_value("Samtal med mentor om schemat.")
    click(at, k("note_save"))
    assert "har ändrats av någon annan" in text_of(at)
    assert widget(at, "text_area", k("note_text")).value == "Samtal med mentor om schemat."
    click(at, k("note_save"))  # the page read the new version
    assert "Anteckningen är sparad." in text_of(at) and "Samtal med mentor om schemat." in text_of(at)

    # The rector says no at Start (later that day): the case closes with that reason.
    frozen_clock(dt.datetime(2025, 9, 15, 11, 0))
    open_tab(at, "arbetsgang")
    widget(at, "date_input", k("contacted_on")).set_value(D(2025, 9, 10))
    widget(at, "selectbox", k("answer")).set_value("Nej")
    click(at, k("start_save"))
    assert "Ärendet är avslutat: rektor önskar inte stöd." in text_of(at)
    case = fresh(engine, cid)
    assert (case.status, case.closure_reason, case.closed_on) == (CLOSED, "Rektor önskar inte stöd", D(2025, 9, 15))

    # The team leader reopens it with a reason; the timeline tells the story.
    at = open_page(app_env, "chef", number, flik="avslut")
    click(at, k("reopen_save"))
    assert "Skriv varför ärendet återöppnas." in text_of(at)
    widget(at, "text_area", k("reopen_reason")).set_value("Ny rektor önskar stöd")
    click(at, k("reopen_save"))
    case = fresh(engine, cid)
    assert (case.status, case.current_step, case.rector_answer, case.closure_reason) == (ACTIVE, "start", None, None)
    assert "Ärendet är återöppnat." in text_of(at)
    open_tab(at, "tidslinje")
    assert list(at.table[0].value["Typ"]) == ["registrerat", "tilldelat", "rektor", "anteckning", "rektor", "avslut",
                                              "återöppnat"]


def test_rector_decides_to_close_at_follow_up_and_other_closing_reasons(app_env, frozen_clock):
    from narvaro.casework import meetings, workflow

    add_user(app_env, "anna", "koordinator")
    engine, cid, number = new_case(app_env)
    with db.session_scope(engine) as s:
        workflow.record_start(s, cid, fresh(engine, cid).version, contacted_on=D(2025, 8, 25), answer="Operativt",
                              by="anna")
    for _ in range(2):
        with db.session_scope(engine) as s:
            workflow.move_on(s, cid, fresh(engine, cid).version, by="anna", open_items_reason="test",
                             on=D(2025, 8, 25))
    k = lambda name: f"ar_{cid}_{name}"  # noqa: E731
    at = open_page(app_env, "anna", number, flik="moten")
    widget(at, "date_input", k("fu_held")).set_value(D(2025, 9, 15))
    widget(at, "text_input", k("fu_participants")).set_value("EHT och rektor")
    widget(at, "text_area", k("fu_situation")).set_value("Ingen förändring.")
    widget(at, "number_input", k("fu_attendance")).set_value(5)
    widget(at, "radio", k("fu_outcome")).set_value("rektor_avslutar")
    widget(at, "text_area", k("fu_reason")).set_value("Rektor avslutar")
    click(at, k("fu_save"))
    assert "Rektor har beslutat att avsluta" in text_of(at)
    with Session(engine) as s:
        seed = s.exec(select(Meeting.id)).one()
    k = lambda name: f"ar_{cid}_{name}_{seed}" if name.startswith("cl_") and name != "cl_save" else f"ar_{cid}_{name}"  # noqa: E731
    open_tab(at, "avslut")
    assert "Rektor beslutade vid uppföljningsmötet 2025-09-15 att avsluta ärendet." in text_of(at)
    assert widget(at, "selectbox", k("cl_reason")).value == "Rektor avslutade, ej önskad effekt"
    widget(at, "selectbox", k("cl_eff_op")).set_value("Ingen effekt")
    widget(at, "radio", k("cl_talk")).set_value("Nej")
    # No effect is chosen by default: an unchosen one is asked for, and what was chosen stays.
    assert widget(at, "selectbox", k("cl_eff_co")).value is None
    click(at, k("cl_save"))
    assert "Välj effekten, eller Ej aktuellt om det inte fanns sådana insatser." in text_of(at)
    assert fresh(engine, cid).status != CLOSED
    assert widget(at, "selectbox", k("cl_eff_op")).value == "Ingen effekt"
    widget(at, "selectbox", k("cl_eff_co")).set_value("Ej aktuellt")
    click(at, k("cl_save"))
    case = fresh(engine, cid)
    assert (case.status, case.closure_reason, case.attendance_at_closing, case.effect_coordinating) == (
        CLOSED, "Rektor avslutade, ej önskad effekt", 5.0, None)
    with Session(engine) as s:
        assert meetings.last_follow_up(s, cid).rector_decided_close

    # Any other reason from data/ through the same form, e.g. the family moved.
    engine, cid2, number2 = new_case(app_env)
    k2 = lambda name: f"ar_{cid2}_{name}" + ("" if name == "cl_save" else "_0")  # noqa: E731
    at = open_page(app_env, "anna", number2, flik="avslut")
    widget(at, "selectbox", k2("cl_reason")).set_value("Flyttat från kommunen")
    widget(at, "number_input", k2("cl_attendance")).set_value(40)
    widget(at, "selectbox", k2("cl_eff_op")).set_value("För tidigt att säga")
    widget(at, "selectbox", k2("cl_eff_co")).set_value("Ej aktuellt")
    widget(at, "radio", k2("cl_talk")).set_value("Nej")
    click(at, k2("cl_save"))
    assert fresh(engine, cid2).closure_reason == "Flyttat från kommunen"
