"""The main journey in Chromium, as the team uses it: intake → hand-out → the coordinator's work → closing → dashboard.

Runs on its own empty database (app_server), so the dashboard's figures are this journey's case only.
"""
import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from narvaro.core import clock
from tests.e2e.conftest import PASSWORD, choose, fill_date, go_to, login, settle

pytestmark = pytest.mark.e2e

NUMBER = re.compile(r"NK-\d{4}-\d{4}")


def register_request(page, pupil_code: str) -> str:
    """Fill in the intake form as the team leader does; returns the new case number."""
    today = clock.today()
    go_to(page, "Inkommande ärende")
    page.get_by_label("Elevkod eller initialer", exact=True).fill(pupil_code)
    page.get_by_label("Födelseår", exact=True).fill(str(today.year - 13))
    choose(page, "Kön", "Flicka")
    page.get_by_label("Årskurs", exact=True).fill("7")
    page.get_by_label("Ny skola", exact=True).fill("Påhittade E2E-skolan")
    choose(page, "Skolform (ny skola)", "Grundskola")
    choose(page, "Huvudman (ny skola)", "Kommunal")
    choose(page, "Verksamhetsområde (ny skola)", "Verksamhetsområde 1")
    choose(page, "Inkomstväg", "Skolpliktsbevakning")
    choose(page, "Efterfrågat stöd", "Båda")
    page.get_by_label("Rektor som begär stöd", exact=True).fill("Påhittad Rektor")
    page.get_by_label("Frånvaro vid inkomst (%)", exact=True).fill("60")
    fill_date(page, "Frånvaroutredning gjord", today - dt.timedelta(days=20))
    fill_date(page, "Anmäld till huvudman/skolpliktsbevakning", today)
    page.get_by_text("Skolan har påbörjat egna insatser").click()
    page.get_by_text("Eleven är folkbokförd i kommunen").click()
    page.get_by_role("button", name="Registrera ärende").click()
    done = page.get_by_text("Ärendet är registrerat och ligger i kön med nummer")
    expect(done).to_be_visible()
    return NUMBER.search(done.inner_text()).group(0)


def fill_reason_if_asked(page, label_start: str, text: str) -> None:
    """Forms ask for a reason when a step is left with open checklist items; give one when they do."""
    field = page.get_by_label(re.compile("^" + re.escape(label_start)))
    if field.count():
        field.first.fill(text)


def flash(page, message: str, tab: str | None = None) -> None:
    """The confirmation after a save; messages inside a tab are seen after opening the tab again (a rerun
    shows the first tab)."""
    settle(page)
    if tab:
        page.get_by_role("tab", name=tab).click()
    expect(page.get_by_text(message).first).to_be_visible()


def test_journey(app_server, new_page):
    today = clock.today()
    leader = new_page(app_server)
    login(leader, app_server, "e2e.teamledare")
    number = register_request(leader, "E2E-RESA")

    go_to(leader, "Ärendetavla")
    expect(leader.get_by_label("Ärende i kön (i turordning)", exact=True)).to_be_visible()
    expect(leader.get_by_text("Förslag: Kim Koordinator")).to_be_visible()  # same district as the school
    leader.get_by_role("button", name="Fördela").click()
    flash(leader, f"{number} är fördelat till Kim Koordinator.")

    # The coordinator opens the case from the board.
    page = new_page(app_server)
    login(page, app_server, "e2e.koordinator")
    go_to(page, "Ärendetavla")
    page.get_by_role("link", name=re.compile(re.escape(number))).first.click()
    expect(page.get_by_role("heading", name=f"Ärende {number}")).to_be_visible()
    settle(page)

    # Start: the rector wants both kinds of support; on to Steg 1.
    choose(page, "Rektors besked: önskas stöd?", "Båda")
    page.get_by_role("button", name="Spara kontakt och besked").click()
    flash(page, "Kontakten med rektor är sparad.")
    fill_reason_if_asked(page, "Skäl att gå vidare med öppna punkter", "Prövning i webbläsartest.")
    page.get_by_role("button", name="Gå vidare till Steg 1").click()
    flash(page, "Ärendet är nu i Steg 1.")

    # Steg 1: tick the first item of the checklist, then on to Steg 2.
    page.get_by_role("button", name="Klar", exact=True).first.click()
    flash(page, "Punkten är avbockad.")
    fill_reason_if_asked(page, "Skäl att gå vidare med öppna punkter", "Resten görs under veckan.")
    page.get_by_role("button", name="Gå vidare till Steg 2").click()
    flash(page, "Ärendet är nu i Steg 2.")

    # Möten: book the follow-up meeting, then record it with attendance.
    page.get_by_role("tab", name="Möten").click()
    page.get_by_text(re.compile(r"^Boka eller flytta uppföljningsmöte")).click()
    fill_date(page, "Datum för uppföljningsmöte", today + dt.timedelta(days=28))
    page.get_by_role("button", name="Boka", exact=True).click()
    flash(page, f"Uppföljningsmöte bokat till {(today + dt.timedelta(days=28)).isoformat()}.")
    page.get_by_role("tab", name="Möten").click()
    page.get_by_label("Deltagare", exact=True).first.fill("Rektor, EHT, koordinator")
    page.get_by_label("Nuläge?", exact=True).fill("Eleven är i skolan tre dagar i veckan.")
    page.get_by_label(re.compile(r"^Närvaro\? Procent")).fill("85")
    page.get_by_label("Fortsatta insatser?", exact=True).fill("SMS varje morgon fortsätter.")
    # The pupil attends school: the meeting goes on to Steg 4 with no new meeting (003:563, issue 17).
    page.get_by_role("radiogroup", name="Mötet beslutar").get_by_text(
        "Eleven har närvaro i skolan: vidare till Steg 4, inget nytt möte").click()
    fill_reason_if_asked(page, "Skäl att lämna steget med", "Punkterna görs till nästa möte.")
    page.get_by_role("button", name="Spara uppföljningsmöte").click()
    flash(page, "Uppföljningsmötet är sparat och ärendet är i Steg 4.")

    # Insatser: one coordinating and one operative from the example list.
    page.get_by_role("tab", name="Insatser").click()
    choose(page, "Insats", "Ta och ha kontakt med BUP och HAB")
    page.get_by_role("button", name="Lägg till insats").click()
    flash(page, "Insatsen är tillagd.", tab="Insatser")
    page.get_by_role("radiogroup", name="Typ av insats").get_by_text("Operativa").click()
    settle(page)
    page.get_by_role("tab", name="Insatser").click()
    choose(page, "Insats", "SMS-kontakt varje morgon")
    page.get_by_role("button", name="Lägg till insats").click()
    flash(page, "Insatsen är tillagd.", tab="Insatser")
    panel = page.get_by_role("tabpanel", name="Insatser")
    expect(panel.get_by_text("Ta och ha kontakt med BUP och HAB").first).to_be_visible()
    expect(panel.get_by_text("SMS-kontakt varje morgon").first).to_be_visible()

    # Avslut: the pupil is back in school; Steg 4 was reached through the follow-up meeting, so no confirmation.
    page.get_by_role("tab", name="Avslut").click()
    expect(page.get_by_text(re.compile("kräver bekräftelse"))).to_have_count(0)
    choose(page, "Skäl till avslut", "Återgått till undervisning")
    expect(page.get_by_label("Närvaro vid avslut (procent)", exact=True)).to_have_value(re.compile(r"^85"))
    choose(page, "Effekt av operativa insatser", "Tydlig effekt")
    choose(page, "Effekt av samordnande insatser", "Viss effekt")
    page.get_by_role("radiogroup", name="Har avslutningssamtalet med rektor/EHT hållits?").get_by_text("Ja").click()
    page.get_by_role("button", name="Avsluta ärendet").click()
    expect(page.get_by_text("Ärendet är avslutat och kan bara läsas.").first).to_be_visible()
    settle(page)

    # The dashboard (meeting view, overview of this year): one in, one closed, returned to school.
    go_to(page, "Mötesvy")
    main = page.get_by_test_id("stMain")
    expect(main.locator(".mv-label", has_text="Inkomna ärenden")).to_be_visible()
    expect(main.get_by_role("heading", level=1)).to_have_text("Översikt")  # screen readers can jump to it
    figures = main.locator(".mv-figure").all_inner_texts()
    labels = main.locator(".mv-label").all_inner_texts()
    shown = dict(zip(labels, figures))
    assert shown["Inkomna ärenden"] == "1" and shown["Avslutade ärenden"] == "1", shown
    go_to(page, "Indikatorer")
    chart = page.get_by_test_id("stPlotlyChart").first
    expect(chart).to_contain_text("Avslutade: återgått till undervisning")


FOCUSED_NAME = """() => {
  const el = document.activeElement;
  if (!el) return '';
  const group = el.closest('[role="group"][aria-label]');  // a date field's segments
  return el.getAttribute('aria-label') || (group && group.getAttribute('aria-label')) || el.innerText || '';
}"""


def tab_to(page, name: str, limit: int = 120) -> None:
    """Press Tab until the focused element is named `name` (its label); bounded, never the mouse."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED_NAME).strip()
        if focused == name or focused.endswith(name) and len(focused) - len(name) < 25:
            return
    raise AssertionError(f"Tab nådde aldrig {name!r}")


def key_choose(page, label: str, option: str) -> None:
    tab_to(page, label)
    page.keyboard.type(option)
    expect(page.get_by_role("option", name=option, exact=True).first).to_be_visible()
    page.keyboard.press("Enter")


def test_keyboard_only(demo_server, new_page):
    """Log in and register a request with the keyboard alone: Tab, typing, Space and Enter."""
    page = new_page(demo_server)
    page.goto("/")
    expect(page.get_by_label("Användarnamn", exact=True)).to_be_visible()
    tab_to(page, "Användarnamn")
    page.keyboard.type("e2e.registrator")
    tab_to(page, "Lösenord")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Logga ut")).to_be_visible()
    settle(page)

    page.keyboard.press("Escape")
    tab_to(page, "Inkommande ärende")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Inkommande ärende")).to_be_visible()
    settle(page)
    # A fresh browser fetches the select widgets' code on first use; Tab skips a field still loading.
    for label in ("Skolform (ny skola)", "Inkomstväg", "Efterfrågat stöd"):
        expect(page.get_by_label(label, exact=True)).to_be_visible(timeout=30_000)

    tab_to(page, "Elevkod eller initialer")
    page.keyboard.type("E2E-TANGENT")
    tab_to(page, "Ny skola")
    page.keyboard.type("Påhittade Tangentskolan")
    key_choose(page, "Skolform (ny skola)", "Grundskola")
    key_choose(page, "Huvudman (ny skola)", "Fristående")
    key_choose(page, "Verksamhetsområde (ny skola)", "Fristående grundskolor")
    key_choose(page, "Inkomstväg", "Rektor direkt")
    key_choose(page, "Efterfrågat stöd", "Operativt")
    tab_to(page, "Rektor som begär stöd")
    page.keyboard.type("Påhittad Rektor")
    tab_to(page, "Skolan har påbörjat egna insatser")
    page.keyboard.press("Space")
    tab_to(page, "Registrera ärende")
    page.keyboard.press("Enter")
    done = page.get_by_text("Ärendet är registrerat och ligger i kön med nummer")
    expect(done).to_be_visible()
    assert NUMBER.search(done.inner_text())
    expect(page.get_by_text(re.compile(r"^Komplettering behövs:"))).to_be_visible()  # the prerequisites left out
