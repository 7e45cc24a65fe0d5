"""The process editor (Arbetsgång) through AppTest: the team leader's four changes in tables, publishing, invalid
drafts refused with each error at its table and row, rollback, the audit page's diff, and who may use it."""
from sqlmodel import Session

from narvaro.core import audit, clock, db, versions
from tests.conftest import add_user, page_as, text_of

GEN = "pe1_"  # the tables' keys in a first draft (narvaro.ui.process_editor)


def edit(at, table, edited=None, added=None, deleted=None):
    at.session_state[GEN + table] = {"edited_rows": edited or {}, "added_rows": added or [],
                                     "deleted_rows": deleted or []}


def newest(url):
    engine = db.make_engine(url)
    with Session(engine) as s:
        row = versions.newest(s)
        cfg = versions.config_of(s, row.id)
        entries = audit.search(s, action=audit.PROCESS)
    engine.dispose()
    return row, cfg, entries


def test_team_leader_makes_the_four_changes_and_publishes_then_rolls_back(app_env):
    add_user(app_env, "chef", "teamledare")
    at = page_as(app_env, "chef", "pages/arbetsgang.py")
    assert not at.exception and "utgår från version 1" in text_of(at)
    assert "Inga ändringar ännu." in text_of(at) and at.button(key="pe_publish").disabled
    returned = next(i for i, r in enumerate(newest(app_env)[1].reference.closure_reasons) if r.returned_to_school)
    edit(at, "process.steps.1.items", added=[{"text": "Boka lokal för EHT-mötet", "administration": True}])
    edit(at, "reference.closure_reasons", edited={returned: {"label": "Tillbaka i undervisningen"}})
    edit(at, "interventions.operativa", added=[{"name": "Promenad före skoldagen", "description": "En bit."}])
    edit(at, "surveys.surveys.0.questions", edited={0: {"text": "Hur har stödet fungerat för er?"}})
    at.run()
    assert not at.exception and not at.error
    shown = text_of(at)
    assert "Ändringar mot version 1" in shown
    changes = "\n".join(t.value for t in at.text)
    assert "Tillagt process.yaml › steps › steg1 › items: 'Boka lokal för EHT-mötet'" in changes
    assert "label: 'Återgått till undervisning' → 'Tillbaka i undervisningen'" in changes
    assert "Tillagt interventions.yaml › operativa: 'Promenad före skoldagen'" in changes
    assert "'Hur har stödet fungerat för er?'" in changes
    at.selectbox(key=GEN + "preview_step").select(1).run()
    assert any("Boka lokal för EHT-mötet" in c.label.replace("\\", "") for c in at.checkbox)

    at.button(key="pe_publish").click().run()
    assert "Skriv varför arbetsgången ändras." in text_of(at)
    assert newest(app_env)[0].id == 1
    at.text_area(key=GEN + "reason").input("Efter genomgången i teamet").run()
    at.button(key="pe_publish").click().run()
    assert not at.exception
    assert "Version 2 är publicerad" in text_of(at)
    row, cfg, entries = newest(app_env)
    assert (row.id, row.created_by, row.reason) == (2, "chef", "Efter genomgången i teamet")
    assert cfg.process.step("steg1").item("boka_lokal_for_eht_motet").administration
    assert cfg.reference.returned_reason == "Tillbaka i undervisningen"
    assert cfg.reference.closure_reasons[returned].key == "atergatt"  # the key stays: the same reason
    assert "Promenad före skoldagen" in [d.name for _, d in cfg.interventions.all()]
    assert cfg.surveys.surveys[0].questions[0].text == "Hur har stödet fungerat för er?"
    assert "utgår från version 2" in text_of(at) and "Inga ändringar ännu." in text_of(at)

    at.selectbox(key="pe_rollback_to").select(1)
    at.text_input(key="pe_rollback_reason").input("Vi tar det vid nästa möte")
    at.button(key="pe_rollback").click().run()
    assert not at.exception and "Version 1 är återställd som version 3." in text_of(at)
    row, cfg, entries = newest(app_env)
    assert (row.id, row.kind, row.based_on) == (3, versions.ROLLBACK, 1)
    assert cfg.reference.returned_reason == "Återgått till undervisning"
    assert [e.detail.split(":")[0] for e in entries] == [
        "Version 3 (återställning) (återställer version 1)", "Version 2 (publicering)", "Version 1 (grund)"]

    dashboard = page_as(app_env, "chef", "pages/indikatorer.py")
    assert "Arbetsgångens versioner under perioden: version 1 från periodens början, version 2 från " \
           f"{clock.local(row.created_at).date().isoformat()}, version 3 från" in text_of(dashboard)

    add_user(app_env, "admin1", "admin")
    log = page_as(app_env, "admin1", "pages/granskningslogg.py")
    log.selectbox(key="audit_action").select(audit.PROCESS).run()
    details = list(log.dataframe[0].value.iloc[:, -1])
    assert any("Version 2 (publicering): Efter genomgången i teamet" in d and "Tillbaka i undervisningen" in d
               for d in details)


def test_an_invalid_draft_names_every_error_at_its_table_and_is_not_published(app_env):
    add_user(app_env, "chef", "teamledare")
    at = page_as(app_env, "chef", "pages/arbetsgang.py")
    returned = next(i for i, r in enumerate(newest(app_env)[1].reference.closure_reasons) if r.returned_to_school)
    edit(at, "reference.closure_reasons", edited={returned: {"returned_to_school": False}})
    edit(at, "process.steps.1.items", edited={2: {"text": None}})
    edit(at, "surveys.surveys.0.questions", edited={1: {"text": ""}})
    at.run()
    assert not at.exception
    assert "Utkastet har 3 fel." in text_of(at)
    steps_tab, _, lists_tab, _, surveys_tab = at.tabs[:5]
    assert any("Rad 3, Text: Field required" in e.value.replace("\\", "") for e in steps_tab.error)
    assert any("exakt ett avslutsskäl ska ha returned_to_school" in e.value.replace("\\", "") for e in lists_tab.error)
    assert any("Rad 2, Text: Field required" in e.value.replace("\\", "") for e in surveys_tab.error)
    assert at.button(key="pe_publish").disabled
    assert newest(app_env)[0].id == 1


def test_only_admin_and_team_leader_reach_the_editor_and_a_refusal_is_logged(app_env):
    add_user(app_env, "anna", "koordinator")
    add_user(app_env, "admin1", "admin")
    refused = page_as(app_env, "anna", "pages/arbetsgang.py")
    assert "Du har inte behörighet" in text_of(refused) and not refused.get("data_editor")
    assert not page_as(app_env, "admin1", "pages/arbetsgang.py").exception
    engine = db.make_engine(app_env)
    with Session(engine) as s:
        assert [e.detail for e in audit.search(s, username="anna", action=audit.REFUSED)] == ["sidan process_editor"]
    engine.dispose()
