"""The process in the database, in versions: seeding, publishing a draft, refusing an invalid one at its fields,
rollback, the audit log's diff, another app server seeing a publish, old cases and indicators across a rename."""
import datetime as dt

import pytest
from sqlmodel import Session

from narvaro.casework import cases, workflow
from narvaro.core import audit, config, db, versions
from narvaro.core.errors import FieldError, FormError
from narvaro.core.models import CLOSED
from narvaro.reporting import by_sex, indicators
from narvaro.reporting.indicators import Period

D = dt.date
FIELDS = dict(pupil_code="EX-7", school_form="Grundskola", provider="Kommunal", sex="Flicka",
              received_on=D(2024, 3, 4), way_in="Skolpliktsbevakning")


def synced(engine):
    with db.session_scope(engine) as s:
        return versions.sync(s)


def draft(engine) -> dict:
    with Session(engine) as s:
        return versions.to_raw(versions.files(s))


def publish(engine, raw, reason="Efter genomgången i teamet", by="chef"):
    with db.session_scope(engine) as s:
        return versions.publish_draft(s, raw, by, reason).id


def the_four_changes(raw: dict) -> dict:
    """What the team leader does in the issue: a checklist item, a renamed reason, an intervention, a question."""
    raw["process"]["steps"][1]["items"].append({"key": "ny_punkt", "text": "Boka lokal för EHT-mötet"})
    reason = next(r for r in raw["reference"]["closure_reasons"] if r["key"] == "atergatt")
    reason["label"] = "Tillbaka i undervisningen"
    raw["interventions"]["operativa"].append({"key": "promenad", "name": "Promenad före skoldagen",
                                              "description": "Koordinatorn går med eleven en bit."})
    raw["surveys"]["surveys"][0]["questions"][0]["text"] = "Hur har stödet fungerat för er?"
    return raw


def test_first_start_seeds_version_1_from_data_and_reads_it(engine):
    cfg = synced(engine)
    assert cfg.version == 1 and config.get_config() is cfg
    with Session(engine) as s:
        assert [(r.id, r.kind, r.created_by) for r in versions.history(s)] == [(1, versions.SEED, "system")]
        assert versions.files(s) == config.read_texts(config.DATA_DIR)  # the shipped files, comments and all
    assert synced(engine) is cfg  # nothing new: not parsed again, not seeded again
    with Session(engine) as s:
        assert len(versions.history(s)) == 1


def test_publish_is_a_new_version_with_who_why_and_a_readable_diff_in_the_audit_log(engine):
    synced(engine)
    number = publish(engine, the_four_changes(draft(engine)))
    assert number == 2
    cfg = synced(engine)
    assert cfg.version == 2
    assert cfg.process.steps[1].item("ny_punkt").text == "Boka lokal för EHT-mötet"
    assert cfg.reference.returned_reason == "Tillbaka i undervisningen"
    assert "Promenad före skoldagen" in [d.name for _, d in cfg.interventions.all()]
    assert cfg.surveys.surveys[0].questions[0].text == "Hur har stödet fungerat för er?"
    with Session(engine) as s:
        row = versions.get(s, 2)
        assert (row.kind, row.created_by, row.reason) == (versions.PUBLISH, "chef", "Efter genomgången i teamet")
        lines = row.diff.splitlines()
        entry = audit.search(s, action=audit.PROCESS)[0]
    assert "Ändrat reference.yaml › closure_reasons › atergatt › label: 'Återgått till undervisning' → " \
           "'Tillbaka i undervisningen'" in lines
    assert "Tillagt process.yaml › steps › steg1 › items: 'Boka lokal för EHT-mötet'" in lines
    assert "Tillagt interventions.yaml › operativa: 'Promenad före skoldagen'" in lines
    assert any(line.startswith("Ändrat surveys.yaml › surveys ›") and "'Hur har stödet fungerat för er?'" in line
               for line in lines)
    assert len(lines) == 4
    assert entry.username == "chef" and entry.detail.startswith("Version 2 (publicering): Efter genomgången")
    assert all(line in entry.detail for line in lines)


def test_invalid_draft_is_refused_with_every_error_at_its_field_and_nothing_published(engine):
    synced(engine)
    raw = draft(engine)
    raw["reference"]["closure_reasons"][3]["label"] = ""
    del raw["reference"]["closure_reasons"][4]["label"]
    raw["process"]["rules"]["caseload_guideline"] = 0
    raw["surveys"]["surveys"][0]["questions"][0]["text"] = None
    raw["process"]["steps"][1]["items"].append(dict(raw["process"]["steps"][1]["items"][0]))  # same key twice
    errors = versions.draft_errors(raw)
    assert set(errors) == {"reference.closure_reasons.4.label", "process.rules.caseload_guideline",
                           "surveys.surveys.0.questions.0.text", "process.steps.1"}, errors
    assert "greater than or equal to 1" in errors["process.rules.caseload_guideline"]
    assert "finns två gånger" in errors["process.steps.1"]
    with pytest.raises(FormError) as err:
        publish(engine, raw)
    assert set(err.value.errors) == set(errors)
    with Session(engine) as s:
        assert versions.newest_number(s) == 1


def test_publish_needs_a_reason_and_a_change_and_keeps_steps_that_open_cases_are_in(engine):
    synced(engine)
    with pytest.raises(FieldError) as err:
        publish(engine, draft(engine), reason=" ")
    assert err.value.field == "reason"
    with pytest.raises(FieldError, match="Inget skiljer sig"):
        publish(engine, draft(engine))
    with db.session_scope(engine) as s:
        cases.create_case(s, {**FIELDS, "status": "active", "current_step": "steg1"}, "chef")
    raw = draft(engine)
    raw["process"]["steps"][1]["key"] = "steg_ett"  # the open case's step would be gone
    with pytest.raises(FieldError, match="'steg1' har pågående ärenden") as err:
        publish(engine, raw)
    assert err.value.field == "process.steps"
    with Session(engine) as s:
        assert versions.newest_number(s) == 1


def test_rollback_is_a_new_version_with_the_old_files_and_is_audited(engine):
    synced(engine)
    publish(engine, the_four_changes(draft(engine)))
    with db.session_scope(engine) as s:
        row = versions.rollback(s, 1, "chef", "Fel ändring")
        assert (row.id, row.kind, row.based_on) == (3, versions.ROLLBACK, 1)
    with Session(engine) as s:
        assert versions.files(s, 3) == versions.files(s, 1)
        assert "'Tillbaka i undervisningen' → 'Återgått till undervisning'" in versions.get(s, 3).diff
        entry = audit.search(s, action=audit.PROCESS)[0]
        assert entry.detail.startswith("Version 3 (återställning) (återställer version 1): Fel ändring")
    assert synced(engine).reference.returned_reason == "Återgått till undervisning"


def test_another_app_server_sees_a_publish_at_its_next_run(db_url):
    """Two engines on one database stand for two app processes: the second reads the new version at once."""
    one, two = db.make_engine(db_url), db.make_engine(db_url)
    try:
        assert synced(two).version == 1
        publish(one, the_four_changes(draft(one)))
        assert synced(two).process.steps[1].item("ny_punkt") is not None
    finally:
        one.dispose()
        two.dispose()


def test_a_closed_case_shows_what_it_was_worked_under_an_open_one_the_newest(engine, frozen_clock):
    frozen_clock(D(2025, 8, 25))
    synced(engine)
    with db.session_scope(engine) as s:
        old = cases.create_case(s, {**FIELDS, "status": CLOSED, "current_step": None, "closed_on": D(2024, 5, 2),
                                    "closure_reason": "Återgått till undervisning"}, "chef")
        now = cases.create_case(s, {**FIELDS, "status": "active", "current_step": "steg1"}, "chef")
        assert old.process_version == now.process_version == 1
    with db.session_scope(engine) as s:
        workflow.mark_item(s, now.id, cases.get_case(s, now.id).version, step_key="steg1",
                           item_key=versions.config_of(s, 1).process.steps[1].items[0].key, by="anna")
    publish(engine, the_four_changes(draft(engine)))
    synced(engine)
    with Session(engine) as s:
        old_case, open_case = cases.get_case(s, old.id), cases.get_case(s, now.id)
        assert [i.item.key for i in workflow.checklist(s, old_case, "steg1")][-1] != "ny_punkt"
        assert versions.for_case(s, old_case).version == 1
        states = workflow.checklist(s, open_case)
        assert states[-1].item.key == "ny_punkt" and not states[-1].done
        assert states[0].done  # ticked under version 1, still ticked
        assert open_case.process_version == 1  # worked under 1 when ticked ...
    with db.session_scope(engine) as s:
        workflow.mark_item(s, now.id, cases.get_case(s, now.id).version, step_key="steg1", item_key="ny_punkt",
                           by="anna")
    with Session(engine) as s:
        assert cases.get_case(s, now.id).process_version == 2  # ... and under 2 since


def test_indicators_for_earlier_years_are_unchanged_by_a_rename(engine, frozen_clock):
    frozen_clock(D(2025, 8, 25))
    synced(engine)
    with db.session_scope(engine) as s:
        for reason in ("Återgått till undervisning", "Återgått till undervisning", "Flyttat från kommunen"):
            cases.create_case(s, {**FIELDS, "status": CLOSED, "closed_on": D(2024, 5, 2), "closure_reason": reason},
                              "chef")
    year = Period(D(2024, 1, 1), D(2024, 12, 31))
    with Session(engine) as s:
        before = indicators.compute(s, year)
        sex_before = by_sex.compute(s, year)
    raw = the_four_changes(draft(engine))
    next(r for r in raw["reference"]["closure_reasons"] if r["key"] == "flyttat")["label"] = "Flyttat"
    publish(engine, raw)
    cfg = synced(engine)
    with Session(engine) as s:
        after = indicators.compute(s, year)
        sex_after = by_sex.compute(s, year)
    assert before.returned_to_school == after.returned_to_school == 2
    assert before.closure_reasons["Återgått till undervisning"] == after.closure_reasons["Tillbaka i undervisningen"]
    assert after.closure_reasons["Flyttat"] == 1 and "Flyttat från kommunen" not in after.closure_reasons
    assert sum(before.closure_reasons.values()) == sum(after.closure_reasons.values()) == 3
    assert [r.returned_to_school for r in sex_before] == [r.returned_to_school for r in sex_after] == [0, 2, 0]
    assert cfg.closure_label("Återgått till undervisning") == "Tillbaka i undervisningen"


def test_the_dashboard_says_which_process_version_a_period_used(engine, frozen_clock):
    from narvaro.reporting import tables

    frozen_clock(dt.datetime(2025, 1, 10, 9, 0))
    synced(engine)
    frozen_clock(dt.datetime(2025, 6, 2, 9, 0))
    publish(engine, the_four_changes(draft(engine)))
    with Session(engine) as s:
        assert versions.during(s, D(2024, 1, 1), D(2024, 12, 31)) == [(1, None)]  # before the seed: the first
        assert versions.during(s, D(2025, 1, 1), D(2025, 12, 31)) == [(1, None), (2, D(2025, 6, 2))]
        assert versions.during(s, D(2026, 1, 1), D(2026, 12, 31)) == [(2, None)]
        assert tables.build(s, Period(D(2025, 1, 1), D(2025, 12, 31))).process_versions == (
            "Arbetsgångens versioner under perioden: version 1 från periodens början, version 2 från 2025-06-02.")
        assert tables.build(s, Period(D(2026, 1, 1), D(2026, 12, 31))).process_versions == (
            "Arbetsgångens version 2 gällde hela perioden.")


def test_a_draft_with_markup_in_its_text_is_refused_at_the_field(engine):
    """Process text is typed in the editor and drawn in labels that render Markdown: no image, link or HTML, in the
    editor's draft or in files published another way (the CLI)."""
    synced(engine)
    raw = draft(engine)
    raw["process"]["steps"][1]["items"][0]["text"] = "Ring rektor ![x](https://evil.example/x.png)"
    raw["reference"]["closure_reasons"][0]["label"] = "<img src=https://evil.example/y.png>"
    raw["surveys"]["surveys"][0]["questions"][0]["text"] = "Se [här](javascript:alert(1))"
    fields = {"process.steps.1.items.0.text", "reference.closure_reasons.0.label", "surveys.surveys.0.questions.0.text"}
    errors = versions.draft_errors(raw)
    assert set(errors) == fields and all("länkar, bilder eller HTML" in e for e in errors.values()), errors
    with pytest.raises(FormError) as err, db.session_scope(engine) as s:
        versions.publish(s, versions.to_texts(raw), "chef", "Prövar")
    assert set(err.value.errors) == fields
    with Session(engine) as s:
        assert versions.newest_number(s) == 1
