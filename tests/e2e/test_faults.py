"""Issue 16, finding 9, in the browser: PostgreSQL goes away under the running app (a proxy between them is
stopped; the shared server itself is never touched) and comes back.

While it is away every page shows a calm Swedish message with the menu, no traceback, server path, host or
driver; a note saved then is not saved and says so. When the database is back the page recovers by itself (no
reload), the note's text is still in the form (the case page cannot draw the form while it cannot read the case,
but Streamlit keeps its state), and it saves."""
import datetime as dt
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from narvaro.casework import cases
from narvaro.core import db
from narvaro.core.models import ServiceNote
from tests.casework.test_workflow import FIELDS, hand_out
from tests.conftest import _truncate_pg
from tests.e2e.conftest import PASSWORD, go_to, login, menu, open_page, settle
from tests.tcp_proxy import TcpProxy
from tools import appserver

pytestmark = pytest.mark.e2e
PROXY_PORT = 8713
LEAKS = ("Traceback", "psycopg", "OperationalError", "127.0.0.1", "5432", "/narvaro/", ".py", "This app has")


@pytest.fixture
def server_behind_proxy(pg_database, playwright_instance, tmp_path):
    engine = db.make_engine(pg_database)
    _truncate_pg(engine)
    parts = urlsplit(pg_database)
    proxy = TcpProxy(PROXY_PORT, (parts.hostname, parts.port or 5432)).start()
    url = pg_database.replace(f"{parts.hostname}:{parts.port}", f"127.0.0.1:{PROXY_PORT}")
    appserver.create_user(url, "e2e.koordinator", "Kim Koordinator", "koordinator", PASSWORD, "vo1")
    with db.session_scope(engine) as s:
        case = cases.create_case(s, dict(FIELDS), "chef")
        hand_out(s, case.id, "e2e.koordinator", dt.date.today())
        number = case.number
    server = appserver.AppServer(url, tmp_path / "server.log").start()
    yield server, proxy, engine, number
    server.stop()
    proxy.stop()
    engine.dispose()


def _calm(page):
    body = page.locator("body").inner_text()
    for leak in LEAKS:
        assert leak not in body, leak


def test_database_away_then_back(server_behind_proxy, new_page):
    server, proxy, engine, number = server_behind_proxy
    page = new_page(server)
    login(page, server, "e2e.koordinator")
    open_page(page, f"arende?arende={number}")
    expect(page.get_by_text("Elev:").first).to_be_visible()

    proxy.stop()
    go_to(page, "Ärendetavla")  # the next click while the database is away
    expect(page.get_by_text("Databasen svarar inte just nu").first).to_be_visible()
    expect(menu(page)).to_be_visible()  # the menu is kept
    _calm(page)

    proxy.start()  # back: the page notices by itself, without a reload
    expect(page.get_by_role("heading", name="Ärendetavla")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Databasen svarar inte just nu")).to_have_count(0)

    # A new page load (a new session) while it is away: no one is known yet, so no menu, but the same calm
    # message, and the login comes back by itself.
    proxy.stop()
    other = new_page(server)
    other.goto("/")
    expect(other.get_by_text("Databasen svarar inte just nu").first).to_be_visible()
    _calm(other)
    proxy.start()
    expect(other.get_by_label("Användarnamn")).to_be_visible(timeout=30_000)

    open_page(page, f"arende?arende={number}")
    expect(page.get_by_text("Elev:").first).to_be_visible()

    page.get_by_role("tab", name="Anteckningar").click()
    note = page.get_by_label("Anteckning", exact=True)
    note.fill("Samtal med mentor under avbrottet.")
    proxy.stop()
    page.get_by_role("button", name="Spara anteckning").click()
    settle(page)
    expect(page.get_by_text("Databasen svarar inte just nu").first).to_be_visible()
    expect(page.get_by_text("inte sparat").first).to_be_visible()
    _calm(page)

    proxy.start()  # the page comes back by itself, with the text as it was typed
    page.get_by_role("tab", name="Anteckningar").click()
    expect(note).to_have_value("Samtal med mentor under avbrottet.", timeout=30_000)
    page.get_by_role("button", name="Spara anteckning").click()
    settle(page)
    expect(page.get_by_text("Anteckningen är sparad.").first).to_be_visible()
    with Session(engine) as s:
        assert s.exec(select(ServiceNote.text)).all() == ["Samtal med mentor under avbrottet."]
