"""The app through AppTest: first start, login per role, menus per role, and page guards."""
import pytest
from sqlmodel import Session, select

from narvaro.core import db, permissions
from narvaro.core.models import AuditEntry, User
from tests.conftest import TEST_PASSWORD, add_user, logged_in_app, make_app, page_as, rerun_app, text_of, widget


def test_first_start_offers_admin_creation_and_demo(app_env):
    at = make_app().run()
    assert "Välkommen till Närvaro" in text_of(at)
    assert [t.label for t in at.tabs] == ["Skapa administratör", "Öppna demo"]
    at.text_input(key="setup_username").input("chefen")
    at.text_input(key="setup_name").input("Chefen")
    at.text_input(key="setup_password").input("kort")
    at.text_input(key="setup_repeat").input("kort")
    at.button[0].click().run()  # the form's submit button
    assert "Lösenordet måste ha minst 10 tecken." in text_of(at)
    assert at.text_input(key="setup_username").value == "chefen"  # nothing typed is lost
    at.text_input(key="setup_password").input(TEST_PASSWORD)
    at.text_input(key="setup_repeat").input(TEST_PASSWORD)
    at.button[0].click().run()
    at = rerun_app(at)
    assert "Administratören är skapad. Logga in." in text_of(at)
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]  # straight to the login form
    with Session(db.make_engine(app_env)) as s:
        admin = s.exec(select(User)).one()
    assert (admin.username, admin.role) == ("chefen", "admin")


def test_demo_button_loads_fictitious_data_and_shows_passwords_once(app_env):
    at = make_app().run()
    at.button(key="setup_demo").click().run()
    at = rerun_app(at)
    assert "Demodata är laddade" in text_of(at)
    table = at.table[0].value
    assert "demo.teamledare" in list(table["Användarnamn"])
    password = table["Lösenord"][list(table["Användarnamn"]).index("demo.teamledare")]
    _login(at, "demo.teamledare", password)
    assert at.session_state["authentication_status"] is True
    at = rerun_app(at)
    assert "Demoläge" in text_of(at) and not at.table  # passwords shown once, banner says it is a demo
    with Session(db.make_engine(app_env)) as s:
        assert len(s.exec(select(User)).all()) == 11


def _login(at, username, password):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def test_login_with_the_form_and_wrong_password(app_env):
    add_user(app_env, "anna", "lasare")  # a role without a second factor
    at = make_app().run()
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]
    _login(at, "anna", "fel-losenord")
    assert "Fel användarnamn eller lösenord." in text_of(at)
    assert at.session_state["authentication_status"] is False
    _login(at, "anna", TEST_PASSWORD)
    assert at.session_state["authentication_status"] is True
    assert "Min dag" in text_of(at)
    with Session(db.make_engine(app_env)) as s:
        actions = [e.action for e in s.exec(select(AuditEntry).where(AuditEntry.username == "anna")).all()]
    assert actions == ["misslyckad inloggning", "inloggning", "session start"]


EXPECTED_MENU = {
    "admin": {"start", "dashboard", "meeting_view", "import_export", "process_editor", "audit", "users"},
    "teamledare": {"start", "board", "intake", "case", "interventions", "school_work", "dashboard", "meeting_view",
                   "import_export", "process_editor"},
    "koordinator": {"start", "board", "intake", "case", "interventions", "school_work", "dashboard", "meeting_view"},
    "registrator": {"start", "intake"},
    "lasare": {"start", "dashboard", "meeting_view"},
}


@pytest.mark.parametrize("role", sorted(EXPECTED_MENU))
def test_each_role_gets_its_pages(role):
    assert {p.key for p in permissions.PAGES if role in p.roles} == EXPECTED_MENU[role]


@pytest.mark.parametrize("role", sorted(EXPECTED_MENU))
def test_logged_in_role_sees_start_with_its_own_page_links(app_env, role):
    add_user(app_env, f"u.{role}", role)
    at = logged_in_app(f"u.{role}")
    assert not at.exception
    assert at.title[0].value == "Min dag"
    # The menu is the app's own (Streamlit's page list from pages/ is switched off): exactly the role's pages.
    links = [pl.label for pl in at.sidebar.get("page_link")]
    assert links == [p.title for p in permissions.pages_for(role) if p.in_menu]
    forbidden = {p.title for p in permissions.PAGES if role not in p.roles}
    assert not {pl.label for pl in at.get("page_link")} & forbidden


@pytest.mark.parametrize("role", ["teamledare", "koordinator", "registrator", "lasare"])
def test_users_page_opened_without_admin_role_shows_nothing(app_env, role):
    add_user(app_env, "hemlig.person", "admin")
    add_user(app_env, f"u.{role}", role)
    page = page_as(app_env, f"u.{role}", "pages/anvandare.py")
    assert "Du har inte behörighet till den här sidan." in text_of(page)
    assert not page.dataframe and "hemlig.person" not in text_of(page)


def test_admin_sees_and_creates_users(app_env):
    add_user(app_env, "chefen", "admin")
    at = logged_in_app("chefen", "pages/anvandare.py")
    assert not at.exception
    assert "chefen" in list(at.dataframe[0].value["Användarnamn"])
    at.text_input(key="nu_username").input("ny.koordinator")
    at.text_input(key="nu_name").input("Ny Koordinator")
    at.selectbox(key="nu_role").select("koordinator")
    at.text_input(key="nu_password").input("svagt")
    submit = next(b for b in at.button if b.label == "Skapa användare")
    submit.click().run()
    assert "Lösenordet måste ha minst 10 tecken." in text_of(at)
    assert at.text_input(key="nu_username").value == "ny.koordinator"  # a refusal keeps what was typed
    at.text_input(key="nu_password").input(TEST_PASSWORD)
    next(b for b in at.button if b.label == "Skapa användare").click().run()
    assert "ny.koordinator" in list(at.dataframe[0].value["Användarnamn"])
    assert "Användaren ny.koordinator är skapad." in text_of(at)
    # The form starts clean for the next user: fresh keys, empty fields, the first role.
    assert [widget(at, "text_input", f"nu_{f}").value for f in ("username", "name", "password")] == ["", "", ""]
    assert widget(at, "text_input", "nu_username").key == "nu_username_g1"
    assert widget(at, "selectbox", "nu_role").value != "koordinator"


def test_session_ends_after_inactivity(app_env, frozen_clock):
    import datetime as dt

    from narvaro.core import clock

    add_user(app_env, "anna", "koordinator")
    at = logged_in_app("anna")
    assert "Min dag" in text_of(at)
    frozen_clock(clock.now() + dt.timedelta(minutes=29))
    at = rerun_app(at)
    assert "Min dag" in text_of(at)  # activity within the limit keeps the session
    frozen_clock(clock.now() + dt.timedelta(minutes=31))
    at = rerun_app(at)
    assert "Min dag" not in text_of(at)
    assert "utan aktivitet" in text_of(at)
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]


def test_app_runs_the_same_on_postgresql(pg_database, monkeypatch):
    """NARVARO_DATABASE_URL pointing at PostgreSQL: login form, login, and the admin's pages work."""
    from tests.conftest import _truncate_pg

    engine = db.make_engine(pg_database)
    _truncate_pg(engine)
    monkeypatch.setenv("NARVARO_DATABASE_URL", pg_database)
    monkeypatch.setenv("NARVARO_COOKIE_KEY", "test-only-key-pg-" + "x" * 32)
    add_user(pg_database, "chefen", "admin")
    at = make_app().run()
    _login(at, "chefen", TEST_PASSWORD)
    assert at.session_state["authentication_status"] is True
    at = logged_in_app("chefen", "pages/anvandare.py")
    assert not at.exception
    assert list(at.dataframe[0].value["Användarnamn"]) == ["chefen"]
    with Session(engine) as s:
        assert "inloggning" in [e.action for e in s.exec(select(AuditEntry)).all()]
    engine.dispose()


def test_a_short_cookie_key_stops_the_app_with_a_clear_message(app_env, monkeypatch):
    add_user(app_env, "anna", "koordinator")
    monkeypatch.setenv("NARVARO_COOKIE_KEY", "kort-nyckel")
    at = make_app().run()
    assert not at.exception
    assert "Nyckeln för inloggningscookien" in at.error[0].value and "minst 32 tecken" in at.error[0].value
    assert not at.text_input  # no login form on a badly configured server


def test_no_page_relies_on_streamlit_magic():
    """.streamlit/config.toml turns magic off (it re-parsed every page at every page load). A bare expression
    on a page would then silently show nothing, so none may exist beyond docstrings."""
    import ast

    scripts = [db.ROOT / "app.py"] + sorted((db.ROOT / "pages").glob("*.py"))
    bare = []
    for path in scripts:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(body[0]) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and (body := node.body)
                      and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)}
        bare += [f"{path.name}:{n.lineno}" for n in ast.walk(tree)
                 if isinstance(n, ast.Expr) and id(n) not in docstrings
                 and not isinstance(n.value, (ast.Call, ast.Await, ast.Yield, ast.YieldFrom))]
    assert len(scripts) > 5
    assert "magicEnabled = false" in (db.ROOT / ".streamlit" / "config.toml").read_text()
    assert not bare, f"Uttryck som bara magic skulle visa: {bare}"
