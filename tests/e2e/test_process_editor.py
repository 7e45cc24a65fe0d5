"""The team leader changes the arbetsgång in one browser on one app process, publishes, and a coordinator's case page
in a second browser session on another app process (same PostgreSQL) shows the change at its next load."""
import datetime as dt
import re
import socket

import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from narvaro.casework import cases, handout, workflow
from narvaro.core import clock, db, versions
from narvaro.core import users as auth
from tests.e2e.conftest import fresh_shared_database, login, open_page, settle
from tools import appserver

pytestmark = pytest.mark.e2e
PORTS = range(8860, 8900)  # this range: the first two free ones, so parallel runs do not collide
ITEM = "Boka lokal för EHT-mötet"
RENAMED = "Tillbaka i undervisningen"
INTERVENTION = "Promenad före skoldagen"
QUESTION = "Hur har stödet fungerat för er?"


def _free(ports, n: int) -> list[int]:
    found = []
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == n:
            return found
    raise RuntimeError(f"inga {n} lediga portar i {ports}")


@pytest.fixture
def two_servers(pg_database, tmp_path, playwright_instance):
    fresh_shared_database(pg_database)
    servers = []
    for i, port in enumerate(_free(PORTS, 2), 1):
        server = appserver.AppServer(pg_database, tmp_path / f"server-{i}.log")
        server.port = port
        servers.append(server.start())
    yield servers
    for server in servers:
        server.stop()


def case_in_steg1(url: str) -> str:
    """A case handed to the coordinator whose rector said yes today: it is in Steg 1."""
    today = clock.today()
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        case = cases.create_case(s, dict(pupil_code="E2E-ARB", school_form="Grundskola", provider="Kommunal",
                                         sex="Flicka", received_on=today - dt.timedelta(days=3),
                                         way_in="Skolpliktsbevakning"), "e2e.teamledare")
        coordinator = auth.get_user(s, "e2e.koordinator")
        handout.assign(s, case.id, case.version, user_ids=[coordinator.id], by="e2e.teamledare", role="teamledare",
                       today=today)
    with db.session_scope(engine) as s:
        case = cases.get_case(s, case.id)
        workflow.record_start(s, case.id, case.version, contacted_on=today, answer="Båda", by="e2e.koordinator")
    with db.session_scope(engine) as s:
        case = cases.get_case(s, case.id)
        workflow.move_on(s, case.id, case.version, by="e2e.koordinator", open_items_reason="Testärende")
        number = case.number
    engine.dispose()
    return number


# Resolves once the grid has the keyboard focus (or fails after 10 s), checked at every frame.
FOCUSED = ("el => new Promise((done, fail) => { const t0 = performance.now(); const check = () => "
           "el.contains(document.activeElement) ? done() : performance.now() - t0 > 10000 ? "
           "fail(new Error('the grid did not get the focus')) : requestAnimationFrame(check); check(); })")


def table(page, scope, n: int = 0):
    """The n-th editable table in `scope`, with its toolbar (its element container)."""
    return scope.get_by_test_id("stElementContainer").filter(has=page.get_by_test_id("stDataFrame")).nth(n)


def edit_cell(page, box_of, row: int | None, right: int, value: str) -> None:
    """Type `value` into a cell of an editable table, as a user does: select the row's first cell (row None: a row
    added with the table's "add row" button, reached with Ctrl+Down), move right to the column, press Enter and
    type."""
    grid = box_of.get_by_test_id("stDataFrame")
    grid.scroll_into_view_if_needed()
    if row is None:
        grid.hover()
        box_of.get_by_role("button", name=re.compile("Add row|Lägg till rad")).dispatch_event("click")
    box = grid.bounding_box()
    y = box["y"] + 36 + 35 * (row or 0) + 17  # rows are 35 px under a 36 px header
    editor = page.locator("textarea.gdg-input")
    for attempt in range(3):  # a rerun that redraws the grid (after the row was added) closes an open cell editor
        settle(page)
        page.mouse.click(box["x"] + 80, y)
        try:
            grid.evaluate(FOCUSED)  # the keys go to the grid only once it has the focus
            if row is None:
                page.keyboard.press("Control+ArrowDown")  # to the last row, the one just added
            for _ in range(right):
                page.keyboard.press("ArrowRight")
            page.keyboard.press("Enter")
            editor.fill(value, timeout=5_000)
            break
        except Exception:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    settle(page)


def tab(page, name: str) -> None:
    page.get_by_role("tab", name=name).click()
    settle(page)


def option_exists(page, label: str, option: str) -> None:
    """The selectbox offers `option` (typed to filter, as the list shows only its first options)."""
    box = page.get_by_label(label, exact=True)
    box.click()
    box.fill(option)
    expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
    page.keyboard.press("Escape")


def test_publish_on_one_server_and_see_it_on_the_case_page_of_the_other(two_servers, new_page):
    first, second = two_servers
    number = case_in_steg1(first.database_url)

    reader = new_page(second)
    login(reader, second, "e2e.koordinator")
    open_page(reader, f"arende?arende={number}")
    expect(reader.get_by_text("Datum för uppföljningsmöte bestäms.")).to_be_visible()  # Steg 1's checklist
    expect(reader.get_by_text(ITEM)).to_have_count(0)

    editor = new_page(first)
    login(editor, first, "e2e.teamledare")
    open_page(editor, "arbetsgang")
    expect(editor.get_by_text("utgår från version 1")).to_be_visible()
    steg1 = editor.get_by_test_id("stExpander").filter(has_text="Checklista").nth(1)  # Steg 1, open
    edit_cell(editor, table(editor, steg1), None, 2, ITEM)  # columns: Ordning, Nyckel, Text
    tab(editor, "Avslut och listor")
    panel = editor.get_by_role("tabpanel", name="Avslut och listor")
    edit_cell(editor, table(editor, panel), 0, 2, RENAMED)  # Återgått till undervisning: Ordning, Nyckel, Namn
    tab(editor, "Exempellista")
    panel = editor.get_by_role("tabpanel", name="Exempellista")
    edit_cell(editor, table(editor, panel, 2), None, 2, INTERVENTION)  # operativa: Ordning, Nyckel, Namn
    tab(editor, "Enkäter")
    panel = editor.get_by_role("tabpanel", name="Enkäter")
    edit_cell(editor, table(editor, panel), 0, 2, QUESTION)  # the first question: Ordning, Nyckel, Text
    tab(editor, "Förhandsvisa och publicera")
    changes = editor.get_by_test_id("stText").first
    for expected in (f"items: '{ITEM}'", f"→ '{RENAMED}'", f"operativa: '{INTERVENTION}'", f"→ '{QUESTION}'"):
        expect(changes).to_contain_text(expected)
    editor.get_by_label(re.compile("Varför ändras arbetsgången")).fill("Efter genomgången i teamet")
    editor.get_by_role("button", name="Publicera ny version").click()
    settle(editor)
    expect(editor.get_by_text("Version 2 är publicerad")).to_be_visible()

    reader.reload()
    settle(reader)
    expect(reader.get_by_text(ITEM)).to_be_visible()  # at once, on the other app process
    open_page(reader, f"arende?arende={number}&flik=avslut")
    option_exists(reader, "Skäl till avslut", RENAMED)
    open_page(reader, f"arende?arende={number}&flik=insatser")
    reader.get_by_role("radiogroup", name="Typ av insats").get_by_text("Operativ", exact=False).click()
    settle(reader)
    option_exists(reader, "Insats", INTERVENTION)

    engine = db.make_engine(first.database_url)
    with Session(engine) as s:
        cfg = versions.config_of(s, versions.newest_number(s))
    engine.dispose()
    assert cfg.version == 2 and cfg.surveys.surveys[0].questions[0].text == QUESTION
