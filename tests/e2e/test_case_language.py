"""Issue 15 in Chromium: Swedish where Streamlit speaks English (item 7), and the duplicate warning whose main button
is "Avbryt" with a link that opens the existing case (item 5). On the demo database."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from narvaro.core import db
from narvaro.core.models import ACTIVE, Case, School
from narvaro.ui.swedish import LABELS
from tests.e2e.conftest import choose, login, open_page, settle

pytestmark = pytest.mark.e2e

NAMES = """() => [...document.querySelectorAll('[aria-label], [title]')]
  .filter((el) => !el.closest('[data-testid="stPlotlyChart"]'))
  .flatMap((el) => [el.getAttribute('aria-label'), el.getAttribute('title')]).filter(Boolean)"""


def _open_case(server) -> str:
    engine = db.make_engine(server.database_url)
    with Session(engine) as s:
        number = s.exec(select(Case.number).where(Case.status == ACTIVE)).first()
    engine.dispose()
    return number


def test_screen_readers_meet_swedish_on_the_case_page_and_lists(demo_server, new_page):
    page = new_page(demo_server)
    login(page, demo_server, "e2e.teamledare")
    number = _open_case(demo_server)
    open_page(page, f"arende?arende={number}&flik=samtycke")
    expect(page.get_by_role("tab", name="Samtycke och aktörer")).to_have_attribute("aria-selected", "true")
    page.get_by_label("Gäller aktörer", exact=True).click()
    page.get_by_role("option", name="BUP", exact=True).click()  # a chosen value: "Remove BUP", "Clear all"
    page.get_by_label("Organisation eller enhet", exact=True).fill("BUP Norr")  # "Press Enter to submit form"
    page.wait_for_timeout(300)
    assert page.evaluate("document.documentElement.lang") == "sv"
    names = page.evaluate(NAMES)
    english = [n for n in names if n in LABELS or n.startswith("Remove ") or re.fullmatch(r"[a-z0-9_]+ icon", n)]
    assert not english, english
    assert "Ta bort BUP" in names and "Rensa alla" in names, names
    expect(page.get_by_text("Press Enter to submit form")).to_be_hidden()  # hidden, and aria-hidden
    icons = page.get_by_test_id("stIconMaterial")
    assert icons.count() > 0
    assert all(v == "true" for v in page.evaluate(
        "[...document.querySelectorAll('[data-testid=stIconMaterial]')].map((e) => e.getAttribute('aria-hidden'))"))
    # Another tab by its URL: headings with their anchor links, the timeline table.
    open_page(page, "arende?arende=" + number + "&flik=tidslinje")
    names = page.evaluate(NAMES)
    assert not [n for n in names if n in LABELS], names


def test_a_possible_duplicate_has_avbryt_as_main_button_and_a_link_to_the_case(demo_server, new_page):
    engine = db.make_engine(demo_server.database_url)
    with Session(engine) as s:
        case = s.exec(select(Case).where(Case.status == ACTIVE)).first()
        school = s.get(School, case.school_id) if case.school_id else s.exec(select(School)).first()
    engine.dispose()
    page = new_page(demo_server)
    login(page, demo_server, "e2e.teamledare")
    open_page(page, "inkommande")
    page.get_by_label("Elevkod eller initialer", exact=True).fill(case.pupil_code)
    box = page.get_by_role("combobox", name="Skola", exact=True)  # the section heading is "Skola" too
    box.click()
    box.fill(school.name)
    page.get_by_role("option", name=re.compile("^" + re.escape(school.name))).first.click()
    choose(page, "Inkomstväg", "Skolpliktsbevakning")
    page.get_by_label("Rektor som begär stöd", exact=True).fill("Påhittad Rektor")
    page.get_by_role("button", name="Registrera ärende").click()
    settle(page)
    expect(page.get_by_text("Möjlig dubblett")).to_be_visible()
    expect(page.get_by_test_id("stBaseButton-primary").filter(has_text="Avbryt")).to_be_visible()
    expect(page.get_by_test_id("stBaseButton-secondary").filter(has_text="Spara ändå som nytt ärende")).to_be_visible()
    page.get_by_role("button", name="Avbryt").click()
    settle(page)
    expect(page.get_by_text("Möjlig dubblett")).to_have_count(0)
    expect(page.get_by_label("Elevkod eller initialer", exact=True)).to_have_value(case.pupil_code)  # nothing lost
    page.get_by_role("button", name="Registrera ärende").click()
    settle(page)
    page.get_by_role("link", name=re.compile(re.escape(f"Öppna ärende {case.number}"))).click()
    settle(page)
    expect(page.get_by_role("heading", name=f"Ärende {case.number}")).to_be_visible()
