"""Intake of a request: personnummer, field validation, prerequisites, duplicates (SQLite and PostgreSQL)."""
import datetime as dt

import pytest
from sqlmodel import select

from narvaro.casework import intake
from narvaro.casework.inputs import IntakeCreate
from narvaro.core import db, errors, personnummer
from narvaro.core.models import QUEUED, AuditEntry, Case, CaseEvent, School

TODAY = dt.date(2025, 9, 15)


def with_check_digit(nine: str) -> str:
    """Complete YYMMDDNNN with its Luhn digit."""
    for d in "0123456789":
        if personnummer.luhn_ok(nine + d):
            return nine + d
    raise AssertionError(nine)


PNR = with_check_digit("120304123")  # born 2012-03-04


def complete_form(**over):
    form = dict(pupil_code="ab-12", birth_year=2012, sex="Flicka", school_year="7", personal_number="",
                school_id=None, new_school_name="Påhittade Testskolan", new_school_form="Grundskola",
                new_school_provider="Kommunal", new_school_district="vo1", way_in="Skolpliktsbevakning",
                received_on=dt.date(2025, 9, 10), requesting_rector="Rektor Påhittad", rector_contact="070-000",
                support_requested="Båda", absence_percent_intake=45, absence_period="v. 30–36",
                investigated_on=dt.date(2025, 8, 20), reported_on=dt.date(2025, 9, 1),
                school_interventions_started=True, registered_in_municipality=True)
    form.update(over)
    return IntakeCreate(**form)


def test_personnummer_forms_and_errors():
    assert personnummer.normalize(PNR[:6] + "-" + PNR[6:], TODAY) == "20" + PNR[:6] + "-" + PNR[6:]
    assert personnummer.normalize("20" + PNR, TODAY) == "20" + PNR[:6] + "-" + PNR[6:]
    assert personnummer.normalize("19121212-1212", TODAY) == "19121212-1212"
    assert personnummer.normalize("121212+1212", TODAY) == "19121212-1212"  # '+' = 100 years or older
    samordning = with_check_digit("120364123")  # day 04 + 60
    assert personnummer.normalize(samordning, TODAY).startswith("20120364")
    with pytest.raises(errors.FieldError, match="kontrollsiffran"):
        personnummer.normalize(PNR[:9] + str((int(PNR[9]) + 1) % 10), TODAY)
    with pytest.raises(errors.FieldError, match="giltigt datum"):
        personnummer.normalize(with_check_digit("121332123"), TODAY)
    with pytest.raises(errors.FieldError, match="ÅÅÅÅMMDD-NNNN"):
        personnummer.normalize("12345", TODAY)
    with pytest.raises(errors.FieldError, match="framtiden"):
        personnummer.normalize("20" + with_check_digit("301224123"), TODAY)
    assert personnummer.mask("20120304-1234") == "20120304-****"
    assert personnummer.mask(None) == "–"


def test_every_validation_message():
    _, errors = intake.validate(IntakeCreate(), TODAY)
    # The support wanted is the rector's answer at Start (003:474): not asked for at intake.
    assert set(errors) == {"pupil_code", "way_in", "received_on", "requesting_rector", "school"}
    _, errors = intake.validate(complete_form(
        received_on=TODAY + dt.timedelta(days=1), investigated_on=dt.date(2025, 9, 12),
        reported_on=TODAY + dt.timedelta(days=3), personal_number="201203041230x",
        absence_percent_intake=120, birth_year=1900, school_id=1), TODAY)
    assert errors["received_on"] == "Datumet då ärendet inkom kan inte ligga i framtiden."
    assert errors["reported_on"] == "Anmälan kan inte vara gjord i framtiden."
    assert errors["personal_number"].startswith("Personnumret ska skrivas")
    assert errors["absence_percent_intake"] == "Frånvaron ska vara mellan 0 och 100 procent."
    assert "Födelseåret" in errors["birth_year"]
    assert errors["school"] == "Välj antingen en skola i listan eller skriv in en ny, inte båda."
    _, errors = intake.validate(complete_form(investigated_on=dt.date(2025, 9, 12)), TODAY)
    assert errors == {"investigated_on": "Frånvaroutredningen kan inte vara gjord efter att ärendet inkom (2025-09-10)."}
    _, errors = intake.validate(complete_form(new_school_form="", new_school_provider=None), TODAY)
    assert set(errors) == {"new_school_form", "new_school_provider"}
    _, errors = intake.validate(complete_form(absence_percent_intake=-1), TODAY)
    assert set(errors) == {"absence_percent_intake"}
    clean, errors = intake.validate(complete_form(absence_percent_intake=0), TODAY)
    assert errors == {} and clean["absence_percent_intake"] == 0


def test_complete_request_is_registered_in_the_queue(engine):
    with db.session_scope(engine) as s:
        case = intake.register(s, complete_form(personal_number=PNR), by="reg", today=TODAY)
    with db.session_scope(engine) as s:
        saved = s.get(Case, case.id)
        school = s.exec(select(School)).one()
        assert (saved.number, saved.status, saved.needs_completion, saved.missing_prerequisites) == (
            "NK-2025-0001", QUEUED, False, None)
        assert saved.pupil_code == "AB-12" and saved.personal_number == "20120304-" + PNR[6:]
        assert (saved.school_id, saved.school_form, saved.provider, saved.district) == (
            school.id, "Grundskola", "Kommunal", "vo1")
        assert s.exec(select(AuditEntry.action).where(AuditEntry.case_id == case.id)).all() == ["skapa"]
        assert s.exec(select(CaseEvent.kind).where(CaseEvent.case_id == case.id)).all() == ["registrerat"]
        # The same new school typed again is reused, not duplicated.
        again = intake.register(s, complete_form(pupil_code="CD-34", new_school_name="påhittade testskolan"),
                                by="reg", today=TODAY)
        assert again.school_id == school.id


def test_incomplete_request_is_kept_and_says_what_is_missing(engine):
    form = complete_form(investigated_on=None, school_interventions_started=False)
    with db.session_scope(engine) as s:
        case = intake.register(s, form, by="reg", today=TODAY)
    assert case.status == QUEUED and case.needs_completion is True
    assert case.missing_prerequisites == "frånvaroutredning saknas; skolans egna insatser är inte påbörjade"


def test_invalid_request_is_not_saved(engine):
    with db.session_scope(engine) as s:
        with pytest.raises(errors.FormError) as err:
            intake.register(s, complete_form(received_on=TODAY + dt.timedelta(days=2)), by="reg", today=TODAY)
        assert "received_on" in err.value.errors
        assert s.exec(select(Case)).all() == []


def test_open_case_of_same_pupil_is_flagged_until_confirmed(engine):
    with db.session_scope(engine) as s:
        first = intake.register(s, complete_form(personal_number=PNR), by="reg", today=TODAY)
        with pytest.raises(errors.PossibleDuplicate) as err:
            intake.register(s, complete_form(pupil_code="Ab-12 "), by="reg", today=TODAY)
        assert [(d.number, d.reason) for d in err.value.duplicates] == [(first.number, "elevkod")]
        with pytest.raises(errors.PossibleDuplicate) as err:
            intake.register(s, complete_form(pupil_code="ZZ-99", personal_number="20" + PNR), by="reg", today=TODAY)
        dup = err.value.duplicates[0]
        assert (dup.number, dup.reason, dup.personal_number_masked) == (first.number, "personnummer", "20120304-****")
        second = intake.register(s, complete_form(), by="reg", today=TODAY, confirm_duplicate=True)
        assert second.number == "NK-2025-0002"
        # A closed case is no duplicate.
        first.status = "closed"
        second.status = "closed"
        s.add_all([first, second])
        s.flush()
        assert intake.find_open_duplicates(s, "AB-12", None) == []


def test_the_2024_workflow_settles_support_and_consent_later(engine):
    """Issue 17, item 4: the rector states the support wanted at Start (003:474), consent is gathered in Steg 1 when
    more actors are involved (003:491); komplettering behövs is for the real prerequisites only (003:470-471)."""
    with db.session_scope(engine) as s:
        case = intake.register(s, complete_form(support_requested=None), by="reg", today=TODAY)
    assert (case.support_requested, case.needs_completion, case.missing_prerequisites) == (None, False, None)
    assert "consent_status" not in IntakeCreate.model_fields
    assert set(intake.MISSING_TEXTS) == {"investigated_on", "reported_on", "school_interventions_started",
                                         "registered_in_municipality"}
    with db.session_scope(engine) as s:
        late = intake.register(s, complete_form(pupil_code="EF-56", reported_on=None, support_requested=None),
                               by="reg", today=TODAY)
    assert late.missing_prerequisites == "anmälan till huvudman/skolpliktsbevakning saknas"


def test_named_contact_at_the_school_is_recorded_next_to_the_rector(engine):
    """Issue 17, item 14 (002:894): the named contact at the school, at intake."""
    with db.session_scope(engine) as s:
        case = intake.register(s, complete_form(school_contact="  Kurator Påhittad ", school_contact_info="070-111"),
                               by="reg", today=TODAY)
    assert (case.requesting_rector, case.school_contact, case.school_contact_info) == (
        "Rektor Påhittad", "Kurator Påhittad", "070-111")


def test_migration_takes_consent_out_of_old_completion_flags(tmp_path):
    """Cases flagged at intake only for missing consent lose the flag when the database is upgraded."""
    from alembic import command
    from sqlalchemy import text

    engine = db.make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = db.alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
    with engine.begin() as conn:
        for i, missing in enumerate(["samtycke är inte inhämtat",
                                     "frånvaroutredning saknas; samtycke är inte inhämtat", None], start=1):
            conn.execute(text(
                "INSERT INTO cases (id, number, version, pupil_code, school_form, provider, needs_completion, "
                "missing_prerequisites, received_on, status, cycle, created_at, updated_at) VALUES "
                f"({i}, 'NK-2024-000{i}', 1, 'X{i}', 'Grundskola', 'Kommunal', :n, :m, '2024-01-01', 'queued', 0, "
                "'2024-01-01 00:00:00', '2024-01-01 00:00:00')"), {"n": missing is not None, "m": missing})
    db.migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT id, needs_completion, missing_prerequisites FROM cases ORDER BY id")).all()
    engine.dispose()
    assert [tuple(r) for r in rows] == [(1, 0, None), (2, 1, "frånvaroutredning saknas"), (3, 0, None)]
