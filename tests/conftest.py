"""Shared fixtures: a real database per test (SQLite file, and PostgreSQL), a frozen clock, AppTest login.

PostgreSQL tests need the server on 127.0.0.1:5432 (NARVARO_TEST_PG_URL to override). Outside CI they
are skipped with a reason when it is down; in CI (CI=true) a missing server is an error, never a skip.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session, SQLModel

from narvaro.core import clock, db

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("NARVARO_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("CI", "").lower() in {"1", "true", "yes"} or bool(os.environ.get("NARVARO_REQUIRE_POSTGRES"))

os.environ.setdefault("NARVARO_LOGIN_SLEEP", "0")


def pytest_configure(config):
    config.addinivalue_line("markers", "e2e: end-to-end tests in a real browser (Chromium via Playwright)")
    config.addinivalue_line("markers", "postgres_only: runs against PostgreSQL only")


@pytest.fixture(scope="session")
def pg_database():
    """A throw-away PostgreSQL database for this test run, migrated once."""
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:  # pragma: no cover - depends on the machine
        if REQUIRE_PG:
            pytest.fail(f"PostgreSQL krävs i CI men svarar inte på {PG_ADMIN_URL}: {exc}")
        pytest.skip(f"PostgreSQL svarar inte ({exc}); sätt CI=true för att göra det till ett fel")
    name = f"narvaro_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    engine = db.make_engine(url)
    db.migrate(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _truncate_pg(engine) -> None:
    """Empty every table. A session an earlier test forgot to close would hold its locks forever and make
    TRUNCATE wait without end, so such leftovers are ended first and the wait is bounded: a leak fails
    loudly here instead of hanging the whole run."""
    tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND state LIKE 'idle in transaction%'"))
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL lock_timeout = '30s'"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The URL of an empty, migrated database; every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'narvaro.sqlite3'}"
        engine = db.make_engine(url)
        db.migrate(engine)
        engine.dispose()
        yield url
    else:
        url = request.getfixturevalue("pg_database")
        engine = db.make_engine(url)
        _truncate_pg(engine)
        engine.dispose()
        yield url


@pytest.fixture
def engine(db_url):
    engine = db.make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_url(tmp_path):
    """An empty, migrated SQLite database (for tests that only need one backend, e.g. AppTest)."""
    url = f"sqlite:///{tmp_path / 'app.sqlite3'}"
    engine = db.make_engine(url)
    db.migrate(engine)
    engine.dispose()
    return url


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(autouse=True)
def _process_from_files():
    """Each test starts with the process read from data/ (a test that publishes a version leaves nothing behind)."""
    from narvaro.core import versions

    versions.forget()
    yield
    versions.forget()


@pytest.fixture
def frozen_clock():
    """Freeze 'now'; call the returned function to move it."""
    def set_to(day: dt.date | dt.datetime):
        clock.freeze(day)
    set_to(dt.datetime(2025, 9, 15, 10, 0))
    yield set_to
    clock.freeze(None)


# --- AppTest helpers -------------------------------------------------------------------------

@pytest.fixture
def app_env(sqlite_url, monkeypatch):
    """Point the app at a fresh SQLite database; returns its URL."""
    monkeypatch.setenv("NARVARO_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("NARVARO_COOKIE_KEY", "test-only-key-" + uuid.uuid4().hex)
    return sqlite_url


def make_app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)


def start_session(username: str) -> str:
    """A signed-in server-side session for `username` (second factor passed), as a login makes; returns its token."""
    from narvaro.core import sessions

    engine = db.make_engine(os.environ["NARVARO_DATABASE_URL"])
    with db.session_scope(engine) as s:
        token = sessions.start(s, username, "test", second_factor_done=True)
    engine.dispose()
    return token


def logged_in_app(username: str, page: str | None = None):
    """An AppTest with `username` logged in (as the login form and its session would), optionally on `page`."""
    from narvaro.ui.state import SESSION_TOKEN_KEY

    at = make_app()
    at.session_state["authentication_status"] = True
    at.session_state["username"] = username
    at.session_state["name"] = username
    at.session_state[SESSION_TOKEN_KEY] = start_session(username)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    return at


def text_of(at) -> str:
    """All text an AppTest run shows (markdown, titles, alerts, captions), for assertions on content. Markdown
    escapes (narvaro.ui.safe.md) are taken away, as the browser does when it renders them."""
    parts = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success", "text",
                 "toast"):
        parts += [str(getattr(el, "value", "")) for el in getattr(at, kind)]
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~:$&])", r"\1", "\n".join(parts))


# Made per run: no password, not even a test one, is written in the repository.
TEST_PASSWORD = "Tt1-" + uuid.uuid4().hex


def add_user(url: str, username: str, role: str, district: str | None = None, password: str = TEST_PASSWORD):
    from narvaro.core import users as auth

    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        user = auth.create_user(s, username=username, name=username.title(), role=role, password=password,
                                district=district, by="test")
    engine.dispose()
    return user


def page_as(url: str, username: str, page: str):
    """Run one page file on its own as `username`: what a hand-typed URL would reach, bypassing the menu."""
    from streamlit.testing.v1 import AppTest

    from narvaro import ui
    from narvaro.core import users as auth

    engine = db.make_engine(url)
    with Session(engine) as s:
        row = auth.get_user(s, username)
        user = ui.CurrentUser(id=row.id, username=row.username, name=row.name, role=row.role, district=row.district)
    engine.dispose()
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    at.session_state[ui.USER_KEY] = user
    return at.run()


def rerun_app(at):
    """Continue the same browser session with a fresh run of app.py (as a page load does).

    AppTest reruns only the current page file after an interaction (it finds the `pages/` folder and
    runs that file on its own), so checks that live in app.py (setup → login, inactivity) need this.
    """
    fresh = make_app()
    for key, value in at.session_state.to_dict().items():
        if not key.startswith("$$"):  # widget ids belong to the old run
            fresh.session_state[key] = value
    return fresh.run()


def widget(at, kind: str, base: str):
    """The widget keyed `base` in its current generation: a form's fields get fresh keys after each successful save
    (base, base_g1, base_g2, ...), so nothing typed for one record is carried into the next."""
    found = [e for e in getattr(at, kind) if e.key == base or re.fullmatch(re.escape(base) + r"_g\d+", e.key or "")]
    if not found:
        raise KeyError(base)
    return max(found, key=lambda e: 0 if e.key == base else int(e.key.rsplit("_g", 1)[1]))


def open_tab(at, slug: str):
    """Open a tab of the case page as a link would (?flik=<slug>): only the open tab is drawn."""
    at.query_params["flik"] = slug
    return at.run()


@pytest.fixture
def calendar_days(tmp_path, monkeypatch):
    """The shipped process with every deadline counted in calendar days (count: calendar), for the tests of the
    calendar-day rules themselves (month ends, exact limits); the school-time rules have tests of their own."""
    import shutil

    from narvaro.core import config

    target = tmp_path / "data_calendar_days"
    shutil.copytree(ROOT / "data", target)
    proc = target / "process.yaml"
    proc.write_text(proc.read_text(encoding="utf-8").replace(": school_time", ": calendar"), encoding="utf-8")
    monkeypatch.setenv("NARVARO_DATA_DIR", str(target))
    config.reload_config()
    yield config.get_config()
    monkeypatch.delenv("NARVARO_DATA_DIR")
    config.reload_config()
