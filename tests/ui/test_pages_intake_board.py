"""The intake page and the case board through AppTest, on dated fixtures with a frozen clock."""
import datetime as dt
import json

from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from narvaro import ui
from narvaro.casework import cases, handout
from narvaro.core import db
from narvaro.core import users as auth
from narvaro.core.models import ASSIGNED, Assignment, Case, School
from tests.casework.test_board import build
from tests.casework.test_intake import PNR
from tests.conftest import ROOT, add_user, page_as, text_of, widget

TODAY = dt.date(2025, 9, 15)


def _fill(at, **values):
    for key, value in values.items():
        field = widget(at, "text_input", f"in_{key}") if key in {
            "pupil_code", "personal_number", "new_school_name", "requesting_rector", "absence_period",
            "school_contact", "school_contact_info"} else None
        if field is not None:
            field.input(value)
        elif key in {"received_on", "investigated_on", "reported_on"}:
            widget(at, "date_input", f"in_{key}").set_value(value)
        elif key in {"absence_percent_intake", "birth_year"}:
            widget(at, "number_input", f"in_{key}").set_value(value)
        elif key in {"school_interventions_started", "registered_in_municipality"}:
            widget(at, "checkbox", f"in_{key}").check() if value else widget(at, "checkbox", f"in_{key}").uncheck()
        elif value is None:
            widget(at, "selectbox", f"in_{key}").set_value(None)
        else:
            widget(at, "selectbox", f"in_{key}").select(value)
    return at


def _submit(at):
    return at.button(key="in_submit").click().run()


def _errors(at):
    return [e.value for e in at.error]


GOOD = dict(pupil_code="AB-12", new_school_name="Påhittade Testskolan", new_school_form="Grundskola",
            new_school_provider="Kommunal", new_school_district="vo1", way_in="Skolpliktsbevakning",
            received_on=dt.date(2025, 9, 10), requesting_rector="Rektor Påhittad", support_requested="Båda",
            absence_percent_intake=45.0, investigated_on=dt.date(2025, 8, 20), reported_on=dt.date(2025, 9, 1),
            school_interventions_started=True, registered_in_municipality=True,
            school_contact="Kurator Påhittad", school_contact_info="070-111")


def test_registrator_registers_requests_and_sees_every_message(app_env, frozen_clock):
    add_user(app_env, "reg", "registrator")
    at = page_as(app_env, "reg", "pages/inkommande.py")
    assert not at.exception
    _submit(at)
    for message in ("Ange elevkod eller initialer.", "Välj en skola i listan eller skriv in en ny skola.",
                    "Välj hur ärendet kom in.", "Ange vilken rektor som begär stöd."):
        assert message in _errors(at)
    # The support wanted is not known until the rector's answer at Start (003:474); consent comes in Steg 1.
    assert "Välj vilket stöd som efterfrågas." not in _errors(at)
    assert "in_consent_status" not in [w.key for w in at.selectbox]

    _fill(at, **{**GOOD, "received_on": dt.date(2025, 9, 20), "personal_number": "20120304-123X",
                 "absence_percent_intake": 150.0, "new_school_form": "Grundskola"})
    widget(at, "selectbox", "in_new_school_provider").set_value(None)
    _submit(at)
    errors = _errors(at)
    assert "Datumet då ärendet inkom kan inte ligga i framtiden." in errors
    assert "Personnumret ska skrivas ÅÅÅÅMMDD-NNNN (eller ÅÅMMDD-NNNN)." in errors
    assert "Frånvaron ska vara mellan 0 och 100 procent." in errors
    assert "Välj huvudman för den nya skolan." in errors
    # Nothing typed is lost.
    assert widget(at, "text_input", "in_pupil_code").value == "AB-12"
    assert widget(at, "text_input", "in_personal_number").value == "20120304-123X"
    assert widget(at, "number_input", "in_absence_percent_intake").value == 150.0

    wrong_digit = PNR[:9] + str((int(PNR[9]) + 1) % 10)
    _fill(at, received_on=dt.date(2025, 9, 10), investigated_on=dt.date(2025, 9, 12), reported_on=dt.date(2025, 9, 16),
          personal_number=wrong_digit, absence_percent_intake=45.0, new_school_provider="Kommunal")
    _submit(at)
    errors = _errors(at)
    assert "Frånvaroutredningen kan inte vara gjord efter att ärendet inkom (2025-09-10)." in errors
    assert "Anmälan kan inte vara gjord i framtiden." in errors
    assert "Personnumret stämmer inte (kontrollsiffran är fel)." in errors

    _fill(at, investigated_on=dt.date(2025, 8, 20), reported_on=dt.date(2025, 9, 1), personal_number=PNR)
    _submit(at)
    assert not at.error
    assert "Ärendet är registrerat och ligger i kön med nummer **NK-2025-0001**." in [s.value for s in at.success]
    # An empty form for the next request: no field carries a value from the case just saved.
    assert widget(at, "text_input", "in_pupil_code").key == "in_pupil_code_g1"
    for kind in ("text_input", "number_input", "selectbox", "date_input"):
        for w in getattr(at, kind):
            if w.key and w.key.startswith("in_") and w.key != "in_received_on_g1":
                assert w.value in ("", None), (w.key, w.value)
    assert not any(w.value for w in at.checkbox if (w.key or "").startswith("in_"))

    # An incomplete request is kept, marked for completion.
    _fill(at, **{**GOOD, "pupil_code": "CD-34", "investigated_on": None, "support_requested": None})
    widget(at, "selectbox", "in_new_school_provider").set_value(None)
    widget(at, "text_input", "in_new_school_name").input("")
    with Session(db.make_engine(app_env)) as s:
        school_id = s.exec(select(School.id)).one()
    widget(at, "selectbox", "in_school_id").select(school_id)
    _submit(at)
    assert "NK-2025-0002" in at.success[0].value
    assert at.warning[0].value == "Komplettering behövs: frånvaroutredning saknas."
    with Session(db.make_engine(app_env)) as s:
        first, second = s.exec(select(Case).order_by(Case.id)).all()
        assert len(s.exec(select(School)).all()) == 1
    assert (first.needs_completion, first.personal_number, first.created_by) == (False, "20120304-" + PNR[6:], "reg")
    assert (first.school_contact, first.school_contact_info) == ("Kurator Påhittad", "070-111")
    assert (second.needs_completion, second.school_id, second.support_requested) == (True, first.school_id, None)


def test_duplicate_is_flagged_with_a_link_and_can_be_saved_anyway(app_env, frozen_clock):
    add_user(app_env, "tl", "teamledare")
    engine = db.make_engine(app_env)
    with db.session_scope(engine) as s:
        school = School(name="Påhittade Skolan", school_form="Grundskola", provider="Kommunal", district="vo2")
        s.add(school)
        old = cases.create_case(s, dict(pupil_code="AB-12", received_on=dt.date(2025, 5, 1),
                                        school_form="Grundskola", provider="Kommunal"), "tl")
    at = page_as(app_env, "tl", "pages/inkommande.py")
    _fill(at, **{k: v for k, v in GOOD.items() if not k.startswith("new_school")})
    widget(at, "selectbox", "in_school_id").select(school.id)
    _submit(at)
    assert "Möjlig dubblett: eleven har redan ett öppet ärende. Kontrollera innan du sparar." in [w.value for w in at.warning]
    assert f"**{old.number}** – samma elevkod" in text_of(at)
    assert f"(/arende?arende={old.number})" in text_of(at)  # the link to that case
    with Session(engine) as s:
        assert len(s.exec(select(Case)).all()) == 1  # nothing saved before the user confirms
    # The main button is "Avbryt"; saving anyway is the second choice.
    assert (at.button(key="in_cancel_dup").label, at.button(key="in_cancel_dup").proto.type) == ("Avbryt", "primary")
    assert at.button(key="in_confirm").proto.type != "primary"
    at.button(key="in_confirm").click().run()
    assert "NK-2025-0002" in at.success[0].value
    with Session(engine) as s:
        assert [c.pupil_code for c in s.exec(select(Case).order_by(Case.id)).all()] == ["AB-12", "AB-12"]


def _board(url, username, params=None):
    with Session(db.make_engine(url)) as s:
        row = auth.get_user(s, username)
        me = ui.CurrentUser(id=row.id, username=row.username, name=row.name, role=row.role, district=row.district)
    at = AppTest.from_file(str(ROOT / "pages/arendetavla.py"), default_timeout=60)
    at.session_state[ui.USER_KEY] = me
    for key, value in (params or {}).items():
        at.query_params[key] = value
    return at.run()


def _fixture(url):
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        build(s)
    engine.dispose()


def board_data(at) -> dict:
    """What the page gave the board component (narvaro.ui.board_view): AppTest does not run its script."""
    (component,) = at.get("bidi_component")
    return json.loads(component.proto.json)


def board_cards(at) -> list[dict]:
    """Every card in board order, with its pupil code and the group it is shown in."""
    out = []
    for column in board_data(at)["columns"]:
        for group in column["groups"]:
            for card in group["cards"]:
                out.append({**card, "code": card["lines"][0].split(" · ")[0], "column": column["key"],
                            "group": group["title"]})
    return out


def test_board_queue_order_warnings_and_filters_in_the_url(app_env, frozen_clock, calendar_days):
    _fixture(app_env)
    add_user(app_env, "tl", "teamledare")
    at = _board(app_env, "tl")
    assert not at.exception
    shown = text_of(at)
    queue = [c for c in board_cards(at) if c["column"] == "ko"]
    # Turn order; the incomplete one is shown apart, after the complete ones, and keeps its place number.
    assert [(c["code"], c["group"]) for c in queue] == [
        ("Q-OLD", ""), ("Q-OLD2", ""), ("Q-NEW", ""), ("Q-LIMIT", "Komplettering behövs")]
    assert queue[0]["lines"][1] == "Plats 1 i kön · väntat 45 dagar"
    assert queue[3]["lines"][1:] == ["Plats 3 i kön · väntat 30 dagar", "Saknas: frånvaroutredning saknas"]
    for rule in ("Steg 1 inte klart inom 14 dagar från första kontakt med rektor: **2**",
                 "Inget uppföljningsmöte bokat: **1**",
                 "Uppföljningen är försenad: mötesdatumet har passerat: **1**",
                 "Ärendet har pågått mer än 6 månader: **1**",
                 "Har väntat i kö mer än 30 dagar: **2**"):
        assert rule in at.warning[0].value
    assert "räknas i skoltid" not in shown  # this test's process counts calendar days (fixture calendar_days)
    card = next(c for c in board_cards(at) if c["code"] == "F-LATE")
    assert "Nästa möte: 2025-09-14" in card["lines"]
    assert card["warnings"] == ["Uppföljningen är försenad: mötesdatumet har passerat"]

    at.checkbox(key="bd_warnings").check().run()
    at.selectbox(key="bd_district").select("vo1").run()
    assert dict(at.query_params) == {"varningar": "1", "omrade": "vo1"}
    codes = {c["code"] for c in board_cards(at)}
    assert "Q-OLD" in codes and "Q-NEW" not in codes and "S1-OK" not in codes

    # The same URL opened later (a bookmark) shows the same view.
    again = _board(app_env, "tl", {"varningar": "1", "omrade": "vo1", "lage": "ko"})
    assert again.selectbox(key="bd_district").value == "vo1" and again.checkbox(key="bd_warnings").value
    codes = {c["code"] for c in board_cards(again)}
    assert "Q-OLD" in codes and "Q-OLD2" in codes and "A-LATE" not in codes


def test_list_view_has_the_same_cases_as_rows_and_stays_in_the_url(app_env, frozen_clock):
    _fixture(app_env)
    add_user(app_env, "tl", "teamledare")
    at = _board(app_env, "tl", {"vy": "lista", "lage": "uppfoljning"})
    assert not at.exception
    data = board_data(at)
    assert data["view"] == "list" and dict(at.query_params) == {"lage": "uppfoljning", "vy": "lista"}
    assert data["headers"] == ["Ärende", "Elevkod", "Skola", "Koordinator", "Läge", "Dagar i steget", "Nästa möte",
                               "Varningar"]
    rows = {r["cells"][1]: r["cells"] for r in data["rows"]}
    assert set(rows) == {"F-LATE", "OLD", "OLD-EXT", "SIX"}
    assert rows["F-LATE"][4:] == ["Steg 3", "45", "2025-09-14", "Uppföljningen är försenad: mötesdatumet har passerat"]
    at.segmented_control(key="bd_view").set_value("tavla").run()
    assert board_data(at)["view"] == "board" and "vy" not in dict(at.query_params)


def test_mina_arenden_for_a_coordinator_and_no_hand_out(app_env, frozen_clock):
    _fixture(app_env)
    at = _board(app_env, "anna", {"mina": "1"})
    shown = text_of(at)
    codes = {c["code"] for c in board_cards(at)}
    assert {"A-LATE", "S1-LATE"} <= codes
    assert "S1-OK" not in codes and "Q-OLD" not in codes
    assert "Fördela ur kön" not in shown
    add_user(app_env, "reg", "registrator")
    assert "Du har inte behörighet till den här sidan." in text_of(page_as(app_env, "reg", "pages/arendetavla.py"))


def test_hand_out_suggestion_success_and_concurrent_conflict(app_env, frozen_clock):
    _fixture(app_env)
    add_user(app_env, "tl", "teamledare")
    add_user(app_env, "tl2", "teamledare")
    engine = db.make_engine(app_env)
    with Session(engine) as s:
        anna, bo = auth.get_user(s, "anna"), auth.get_user(s, "bo")
        anna_id, bo_id = anna.id, bo.id
        first = s.exec(select(Case).where(Case.pupil_code == "Q-OLD")).one()
    at = _board(app_env, "tl")
    assert at.selectbox(key="ho_case").value == first.id  # next in turn is offered first
    # Q-OLD is in vo1 and Anna (vo1) has 2 open cases, under the guideline of 15.
    assert "Förslag: **Anna** (Verksamhetsområde 1, 2 pågående ärenden)." in [i.value for i in at.info]
    assert at.multiselect(key=f"ho_users_{first.id}").value == [anna_id]
    loads = at.dataframe[0].value
    assert dict(zip(loads["Koordinator"], loads["Pågående ärenden"])) == {"Anna": 2, "Bo": 2, "Tl": 0, "Tl2": 0}

    at.button(key="ho_assign").click().run()
    assert f"{first.number} är fördelat till Anna." in [m.value for m in at.success]
    with Session(engine) as s:
        assigned = s.get(Case, first.id)
        assert assigned.status == ASSIGNED and assigned.assigned_on == TODAY
    assert at.selectbox(key="ho_case").value != first.id  # the next in turn

    # Two team leaders on the same queued case: the other one saves first.
    target = at.selectbox(key="ho_case").value
    at.multiselect(key=f"ho_users_{target}").set_value([bo_id]).run()
    with db.session_scope(engine) as s:
        version = s.get(Case, target).version
        handout.assign(s, target, version, user_ids=[anna_id], by="tl2", role="teamledare", today=TODAY)
    at.button(key="ho_assign").click().run()
    message = at.error[0].value
    assert "har redan fördelats eller ändrats av någon annan" in message
    with Session(engine) as s:
        assert s.exec(select(Assignment.user_id).where(Assignment.case_id == target)).all() == [anna_id]
