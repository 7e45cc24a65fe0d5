"""The audit log: every kind of action leaves an entry (services, SQLite and PostgreSQL); the admin's search page
and the import/export page through AppTest."""
import datetime as dt

from sqlmodel import Session, func, select

from narvaro.casework import cases
from narvaro.core import audit, clock, db
from narvaro.core import users as auth
from narvaro.core.models import AuditEntry, Case
from narvaro.dataio import exporter, importer, retention
from tests.conftest import add_user, page_as, text_of
from tests.dataio.test_import import BAD, GOOD, csv_bytes


def test_each_action_is_recorded(engine, frozen_clock, tmp_path):
    with db.session_scope(engine) as s:
        auth.create_user(s, username="anna", name="Anna", role="koordinator", password="Hemligt1234", by="admin")
        importer.import_file(s, csv_bytes(GOOD), "historik.csv", "admin")
    with db.session_scope(engine) as s:
        case = cases.find_by_number(s, "NK-2022-0002")
        audit.record(s, "anna", audit.VIEW, case.id)
        cases.update_case(s, case.id, case.version, {"school_year": "3"}, "anna")
        auth.record_login(s, "anna", success=True)
        auth.record_login(s, "anna", success=False)
        exporter.export_bytes(s, "xlsx")
        exporter.record_export(s, "admin", "xlsx", False, "nedladdning")
    frozen_clock(dt.datetime(2030, 1, 2, 10, 0))
    with db.session_scope(engine) as s:
        purged = retention.purge(s, "admin")
    with Session(engine) as s:
        counts = dict(s.exec(select(AuditEntry.action, func.count(AuditEntry.id)).group_by(AuditEntry.action)).all())
        viewed = audit.search(s, case_id=case.id, action=audit.VIEW)
    assert counts[audit.IMPORT] == 1 and counts[audit.EXPORT] == 1
    assert counts[audit.VIEW] == 1 and counts[audit.CHANGE] == 1
    assert counts[audit.LOGIN] == 1 and counts[audit.LOGIN_FAILED] == 1
    assert counts[audit.PURGE] == len(purged) == 2  # the two closed cases of GOOD
    assert [(e.username, e.case_id) for e in viewed] == [("anna", case.id)]


def _seed(url):
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        importer.import_file(s, csv_bytes(GOOD), "historik.csv", "chef")
    with db.session_scope(engine) as s:
        case = cases.find_by_number(s, "NK-2022-0001")
        audit.record(s, "anna", audit.VIEW, case.id)
        auth.record_login(s, "anna", success=False)
    engine.dispose()


def test_date_search_uses_swedish_days(engine, frozen_clock):
    """Half past midnight in Stockholm is the evening before in UTC: it belongs to the Swedish day."""
    frozen_clock(dt.datetime(2025, 6, 10, 0, 30, tzinfo=clock.LOCAL))
    with db.session_scope(engine) as s:
        audit.record(s, "anna", audit.VIEW, None)
    with Session(engine) as s:
        assert len(audit.search(s, date_from=dt.date(2025, 6, 10), date_to=dt.date(2025, 6, 10))) == 1
        assert audit.search(s, date_from=dt.date(2025, 6, 9), date_to=dt.date(2025, 6, 9)) == []


def test_audit_page_search_by_user_case_date_and_action(app_env, frozen_clock):
    add_user(app_env, "admin1", "admin")
    add_user(app_env, "chef", "teamledare")
    _seed(app_env)
    at = page_as(app_env, "admin1", "pages/granskningslogg.py")
    assert not at.exception
    rows = at.dataframe[0].value
    assert {"import", "visa", "misslyckad inloggning"} <= set(rows["Händelse"])
    assert not at.button and not at.get("data_editor")  # nothing to edit or delete

    at.text_input(key="audit_case").input("nk-2022-0001").run()
    rows = at.dataframe[0].value
    assert list(rows["Händelse"]) == ["visa"] and list(rows["Ärende"]) == ["NK-2022-0001"]
    assert list(rows["Användare"]) == ["anna"]

    at.text_input(key="audit_case").input("").run()
    at.selectbox(key="audit_user").select("anna").run()
    at.selectbox(key="audit_action").select("misslyckad inloggning").run()
    assert len(at.dataframe[0].value) == 1

    at.date_input(key="audit_to").set_value(dt.date(2025, 9, 14)).run()  # before everything happened
    assert "Inga händelser matchar sökningen." in text_of(at)
    at.date_input(key="audit_from").set_value(dt.date(2025, 9, 20)).run()
    assert "Till-datumet ligger före från-datumet." in text_of(at)
    at.date_input(key="audit_from").set_value(dt.date(2025, 9, 1)).run()

    at.text_input(key="audit_case").input("NK-1999-9999").run()
    assert "Det finns inget ärende med numret NK-1999-9999." in text_of(at)
    assert at.text_input(key="audit_case").value == "NK-1999-9999"

    chef = page_as(app_env, "chef", "pages/granskningslogg.py")
    assert "Du har inte behörighet" in text_of(chef) and not chef.get("dataframe")


def test_import_page_reports_bad_rows_then_imports_a_good_file(app_env, frozen_clock):
    add_user(app_env, "chef", "teamledare")
    add_user(app_env, "anna", "koordinator")
    at = page_as(app_env, "chef", "pages/import_export.py")
    assert not at.exception
    at.file_uploader(key="imp_file").set_value(("fel.csv", csv_bytes(BAD), "text/csv")).run()
    assert "6 av 7 rader har fel" in text_of(at)
    problems = at.dataframe[0].value
    assert sorted(set(problems["Rad"])) == [3, 4, 5, 6, 7, 8]
    assert not at.button  # no import button while a row is wrong

    at.file_uploader(key="imp_file").set_value(("bra.csv", csv_bytes(GOOD), "text/csv")).run()
    assert [m.value for m in at.metric] == ["4", "4", "0"]
    assert "Åsa Öberg" in text_of(at)
    engine = db.make_engine(app_env)
    with Session(engine) as s:
        assert s.exec(select(func.count(Case.id))).one() == 0  # the check wrote nothing
    at.button(key="imp_go").click().run()
    assert not at.exception
    assert "4 nya ärenden importerade" in text_of(at)
    with Session(engine) as s:
        assert s.exec(select(func.count(Case.id))).one() == 4
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "import")).one()
    engine.dispose()
    assert entry.username == "chef"
    assert "Alla ärenden i filen finns redan" in text_of(at)  # the same file again: nothing new

    assert at.get("download_button")  # the export tab offers the download
    coordinator = page_as(app_env, "anna", "pages/import_export.py")
    assert "Du har inte behörighet" in text_of(coordinator) and not coordinator.file_uploader
