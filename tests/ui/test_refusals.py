"""Issue 16, finding 3: every refusal is an audit row (who, what, when, refused) that the admin can filter on:
a case one may not open, a page outside one's role, a login attempt on a locked account."""
import datetime as dt

from sqlmodel import Session, select

from narvaro.core import audit, db
from narvaro.core import users as auth
from narvaro.core.models import AuditEntry, Case
from tests.conftest import add_user, page_as, text_of
from tests.ui.test_case_page import new_case, open_page


def _refusals(url):
    engine = db.make_engine(url)
    with Session(engine) as s:
        rows = s.exec(select(AuditEntry).where(AuditEntry.action == audit.REFUSED).order_by(AuditEntry.id)).all()
    engine.dispose()
    return [(r.username, r.detail, r.case_id) for r in rows]


def test_locked_account_login_attempt_is_a_refusal(engine, frozen_clock):
    with db.session_scope(engine) as s:
        auth.create_user(s, username="anna", name="Anna", role="koordinator", password="Hemligt1234", by="admin")
    with db.session_scope(engine) as s:
        user = auth.get_user(s, "anna")
        user.locked_until = dt.datetime(2025, 9, 15, 9, 0, tzinfo=dt.timezone.utc) + dt.timedelta(hours=1)
        s.add(user)
    with db.session_scope(engine) as s:
        auth.record_login(s, "anna", success=False)
    with Session(engine) as s:
        rows = s.exec(select(AuditEntry).where(AuditEntry.action == audit.REFUSED)).all()
    assert [(r.username, r.detail) for r in rows] == [("anna", "inloggning: kontot är låst")]
    assert rows[0].at is not None


def test_refused_case_and_page_are_logged_and_the_admin_filters_on_them(app_env, frozen_clock):
    add_user(app_env, "admin1", "admin")
    add_user(app_env, "chef", "teamledare")
    add_user(app_env, "anna", "koordinator")
    add_user(app_env, "bo", "koordinator")
    engine, case_id, number = new_case(app_env)
    engine.dispose()

    assert "Ärendet är en annan koordinators" in text_of(open_page(app_env, "bo", number))
    page_as(app_env, "anna", "pages/granskningslogg.py")
    assert ("bo", f"öppna ärende {number}", case_id) in _refusals(app_env)
    assert ("anna", "sidan audit", None) in _refusals(app_env)

    at = page_as(app_env, "admin1", "pages/granskningslogg.py")
    at.selectbox(key="audit_action").select(audit.REFUSED).run()
    rows = at.dataframe[0].value
    assert set(rows["Händelse"]) == {audit.REFUSED} and set(rows["Användare"]) == {"anna", "bo"}
