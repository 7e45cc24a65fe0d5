"""Browser fixtures: the app as a real Streamlit server on 127.0.0.1 with a fresh database, driven by Chromium.

Session-scoped servers keep the suite fast: `app_server` starts empty (the journey's figures are its own),
`demo_server` holds fictitious demo cases so every page has something to show (accessibility). Each test
gets fresh browser contexts (= separate logins) from `new_page`; when a test fails, every page it opened is
saved as a screenshot in test-artifacts/ together with the server log.

Chromium is Debian's (/usr/bin/chromium). Outside CI a missing browser skips these tests with the reason;
with CI=true it is a failure, never a skip.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from narvaro.core import db
from tools import appserver

ROOT = Path(__file__).resolve().parents[2]
E2E_DIR = Path(__file__).resolve().parent
ARTIFACTS = ROOT / "test-artifacts"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
PASSWORD = "Ee2-" + uuid.uuid4().hex  # made per run, never written in the repository

# username, name, role, district
USERS = [
    ("e2e.teamledare", "Tove Teamledare", "teamledare", None),
    ("e2e.koordinator", "Kim Koordinator", "koordinator", "vo1"),
    ("e2e.lasare", "Lo Läsare", "lasare", None),
    ("e2e.admin", "Ada Admin", "admin", None),
    ("e2e.registrator", "Rut Registrator", "registrator", None),
]



def fresh_shared_database(url: str) -> None:
    """Empty the run's shared PostgreSQL database (other tests wrote to it) and create the e2e users in it."""
    from sqlalchemy import text
    from sqlmodel import SQLModel

    from narvaro.core import models  # noqa: F401  (the tables fill the metadata)

    engine = db.make_engine(url)
    with engine.begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    for username, name, role, district in USERS:
        appserver.create_user(url, username, name, role, PASSWORD, district)

def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: webbläsartesterna får inte hoppas över)")
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright_instance():
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError as exc:  # pragma: no cover - depends on the machine
        _missing(f"Playwright saknas ({exc}); installera requirements-dev.txt")
    if not Path(appserver.CHROMIUM).exists():
        _missing(f"Chromium saknas på {appserver.CHROMIUM}; installera Debians paket 'chromium'")
    # Assertions wait for the app's state; on a busy two-core CI machine a page may need far more than
    # Playwright's default 5 s to get there, and a slow pass is not a failure.
    expect.set_options(timeout=30_000)
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance):
    b = appserver.launch_chromium(playwright_instance)
    yield b
    b.close()


def _start(tmp_path_factory, name: str, database_url: str | None = None, fill=None,
           users=USERS) -> appserver.AppServer:
    folder = tmp_path_factory.mktemp(name)
    url = database_url or f"sqlite:///{folder / 'narvaro.sqlite3'}"
    for username, full_name, role, district in users:
        appserver.create_user(url, username, full_name, role, PASSWORD, district)
    if fill:
        engine = db.make_engine(url)
        with db.session_scope(engine) as s:
            fill(s)
        engine.dispose()
    return appserver.AppServer(url, folder / "server.log").start()


@pytest.fixture(scope="session")
def app_server(tmp_path_factory, playwright_instance):
    """The app on an empty SQLite database with one user per role (created through the command line)."""
    server = _start(tmp_path_factory, "app")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def empty_server(tmp_path_factory, playwright_instance):
    """The app on a database without users: the first-start page."""
    server = _start(tmp_path_factory, "empty", users=[])
    yield server
    server.stop()


def _demo_cases(session):
    import random

    from sqlmodel import select

    from narvaro.core.models import User
    from narvaro.dataio import demo

    schools = demo.ensure_schools(session)
    coordinators = list(session.exec(select(User).where(User.role == "koordinator")).all())
    demo.fill_cases(session, random.Random(8), 150, schools, coordinators, by="e2e")


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory, playwright_instance):
    """The app with 150 fictitious cases in every state, so boards, lists and charts have content."""
    server = _start(tmp_path_factory, "demo", fill=_demo_cases)
    yield server
    server.stop()


@pytest.fixture
def new_page(request, browser):
    """new_page(server) → a page in a fresh browser context (its own cookies = its own login)."""
    contexts = []
    servers = []

    def make(server: appserver.AppServer):
        context = browser.new_context(base_url=server.url, viewport={"width": 1400, "height": 1000}, locale="sv-SE")
        context.set_default_timeout(30_000)
        contexts.append(context)
        servers.append(server)
        return context.new_page()

    yield make
    failed = any(getattr(request.node, f"rep_{when}", None) is not None and getattr(request.node, f"rep_{when}").failed
                 for when in ("setup", "call"))
    if failed:
        _save_artifacts(request.node.nodeid, contexts, servers)
    for context in contexts:
        context.close()


def _save_artifacts(nodeid: str, contexts, servers) -> None:
    folder = ARTIFACTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid)
    folder.mkdir(parents=True, exist_ok=True)
    n = 0
    for context in contexts:
        for page in context.pages:
            n += 1
            try:
                page.screenshot(path=str(folder / f"sida-{n}.png"), full_page=True)
                (folder / f"sida-{n}.url.txt").write_text(page.url)
            except Exception as exc:  # a crashed page must not hide the test's own failure
                (folder / f"sida-{n}.fel.txt").write_text(repr(exc))
    for i, server in enumerate(dict.fromkeys(servers), 1):
        (folder / f"server-{i}.log").write_text(server.log_tail(20_000))


def login(page, server: appserver.AppServer, username: str, password: str = PASSWORD) -> None:
    appserver.login(page, server.url, username, password)


def open_page(page, url_path: str) -> None:
    """Go to a page by its URL (as a bookmark or a shared link would) and wait for the run to finish."""
    page.goto("/" + url_path.lstrip("/"))
    appserver.wait_ready(page)


def settle(page) -> None:
    """After an interaction: give Streamlit a moment to start the rerun, then wait for it to finish."""
    try:
        page.wait_for_selector('[data-testid="stApp"]:not([data-test-script-state="notRunning"])', timeout=1500)
    except Exception:
        pass  # the rerun may already be over
    appserver.wait_ready(page)


# --- axe-core ------------------------------------------------------------------------------------

AXE_VERSION_FILE = E2E_DIR / "package.json"
AXE_JS = E2E_DIR / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's script, installed from the npm registry into tests/e2e/node_modules if missing."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            _missing("npm saknas: axe-core kan inte installeras (installera Debians paket 'npm')")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], check=True,
                       cwd=E2E_DIR, timeout=300)
    return AXE_JS.read_text(encoding="utf-8")


# --- Streamlit widgets, found by their labels ---------------------------------------------------

def choose(page, label: str, option: str, scope=None) -> None:
    """Pick `option` in the selectbox labelled `label` (type to filter, then click the option)."""
    box = (scope or page).get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).first.click()


def fill_date(page, label: str, day) -> None:
    """Type a date into a date field: its year, month and day segments take the digits in turn."""
    field = page.get_by_label(label, exact=True)
    field.get_by_role("spinbutton").first.click()
    page.keyboard.type(day.strftime("%Y%m%d"))
    page.keyboard.press("Tab")


def menu(page):
    """The role's menu in the sidebar (drawn by narvaro.ui.shell; Streamlit's own page list is switched off)."""
    return page.get_by_test_id("stSidebar").get_by_role("navigation", name="Meny")


def go_to(page, title: str) -> None:
    """Follow the menu link with this title (the icon name precedes the text in the link)."""
    menu(page).get_by_role("link", name=re.compile(re.escape(title) + "$")).click()
    settle(page)
