"""Daily screens in Chromium (issue 14): the first paint shows only the role's menu, the document is Swedish,
and the coordinator's start page (Min dag) opens a case in the same session."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PASSWORD, _start, login, menu, open_page, settle
from tools import appserver

pytestmark = pytest.mark.e2e

# Records, from the very first paint, anything that looks like Streamlit's automatic page list: its own nav
# element, or a link named after a file in pages/ (anvandare, granskningslogg, import export, kom igang ...).
WATCH_FIRST_PAINT = r"""
window.__pageList = [];
const FILE_NAMES = /^(anvandare|arende|arendetavla|granskningslogg|import[ _]export|indikatorer|inkommande|insatser|kom[ _]igang|motesvy|skolor|start|app)$/;
new MutationObserver(() => {
  if (document.querySelector('[data-testid="stSidebarNav"]')) window.__pageList.push('stSidebarNav');
  for (const a of document.querySelectorAll('[data-testid="stSidebar"] a')) {
    const text = (a.innerText || '').split('\n').pop().trim();
    if (FILE_NAMES.test(text)) window.__pageList.push(text);
  }
}).observe(document, {childList: true, subtree: true, characterData: true});
"""


def test_first_paint_shows_only_the_roles_menu_in_swedish(tmp_path_factory, playwright_instance, browser):
    # A server of its own: Streamlit's page-list mode belongs to the first run after the process starts.
    server = _start(tmp_path_factory, "first_paint", users=[("fp.koordinator", "Fia Koordinator", "koordinator",
                                                             "vo1")])
    try:
        context = browser.new_context(base_url=server.url, viewport={"width": 1366, "height": 900}, locale="sv-SE")
        context.add_init_script(WATCH_FIRST_PAINT)
        page = context.new_page()
        page.goto("/arendetavla")  # a sub-URL first: that run used to skip app.py and run the page file alone
        expect(page.get_by_label("Användarnamn")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "sv")
        page.goto("/")
        expect(page.get_by_label("Användarnamn")).to_be_visible()
        appserver.login(page, server.url, "fp.koordinator", PASSWORD)
        expect(menu(page).get_by_role("link")).to_have_text([
            re.compile(t + "$") for t in ("Start", "Ärendetavla", "Inkommande ärende", "Insatser",
                                          "Arbete med skolor", "Indikatorer", "Mötesvy")])
        for path in ("arendetavla", "indikatorer", "inkommande"):
            open_page(page, path)
            expect(page.locator("html")).to_have_attribute("lang", "sv")
        assert page.evaluate("window.__pageList") == []
        context.close()
    finally:
        server.stop()


def test_coordinators_start_page_lists_own_cases_and_opens_one(demo_server, new_page):
    page = new_page(demo_server)
    login(page, demo_server, "e2e.koordinator")
    settle(page)
    # Counted, not only seen: while a rerun draws, Streamlit briefly keeps the previous run's copy of an element,
    # so a plain strict lookup could meet two; a heading that stays doubled still fails here.
    for name in ("Min dag", "Mina ärenden, mest brådskande först", re.compile(r"^Möten denna vecka"),
                 "Uppgifter att göra"):
        heading = page.get_by_role("heading", name=name)
        expect(heading).to_have_count(1)
        expect(heading).to_be_visible()
    cases = page.get_by_test_id("stMain").get_by_role("link", name=re.compile(r"NK-\d{4}-\d{4}$"))
    expect(cases.first).to_be_visible()
    first = cases.first.inner_text().split("\n")[-1].strip()
    page.evaluate("window.__sameDocument = true")  # gone if the case opens with a full page load
    cases.first.click()
    settle(page)
    expect(page).to_have_url(re.compile(r"arende\?arende=" + re.escape(first)))
    expect(page.get_by_role("heading", name=re.compile(re.escape(first)))).to_be_visible()
    assert page.evaluate("window.__sameDocument === true")


# The element that has the keyboard focus, also inside a component's shadow root.
DEEP_ACTIVE = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  return el ? {tag: el.tagName, cls: el.className || '', text: (el.innerText || '').trim(),
               href: el.getAttribute('href') || ''} : null;
}"""


def _tab_to(page, wanted: str, limit: int = 120) -> dict:
    """Press Tab until the focused element has class `wanted` (keyboard only: no click, no focus() call)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(DEEP_ACTIVE)
        if active and wanted in active["cls"].split():
            return active
    raise AssertionError(f"Tab nådde aldrig ett element med klassen {wanted}")


def test_board_card_opens_the_case_by_keyboard_alone(demo_server, new_page, axe_source):
    from tests.e2e.test_accessibility import run_axe

    page = new_page(demo_server)
    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, demo_server, "e2e.teamledare")
    open_page(page, "arendetavla")
    cards = page.locator("a.nv-card")
    expect(cards.first).to_be_visible()
    # Whole case numbers: never wrapped or clipped at 1366 px.
    assert page.evaluate("""() => [...document.querySelectorAll('*')].filter(e => e.shadowRoot)
        .flatMap(h => [...h.shadowRoot.querySelectorAll('.nv-num')])
        .every(n => n.scrollWidth <= n.clientWidth + 1 && n.getClientRects().length === 1)""")
    assert run_axe(page, axe_source) == []
    page.evaluate("window.__sameDocument = true")
    card = _tab_to(page, "nv-card")
    number = card["text"].split("\n")[0]
    assert re.fullmatch(r"NK-\d{4}-\d{4}", number) and card["href"].endswith(number)
    page.keyboard.press("Enter")
    settle(page)
    expect(page).to_have_url(re.compile(r"arende\?arende=" + re.escape(number)))
    expect(page.get_by_role("heading", name=re.compile(re.escape(number)))).to_be_visible()
    assert page.evaluate("window.__sameDocument === true")  # the same session: no full page load


def test_list_view_sorts_and_opens_a_case(demo_server, new_page, axe_source):
    from tests.e2e.test_accessibility import run_axe

    page = new_page(demo_server)
    login(page, demo_server, "e2e.teamledare")
    open_page(page, "arendetavla?vy=lista")
    table = page.locator("table.nv-list")
    expect(table).to_be_visible()
    assert run_axe(page, axe_source) == []
    rows = table.locator("tbody tr")
    expect(rows.first).to_be_visible()
    header = table.get_by_role("columnheader", name="Elevkod")
    expect(header).to_have_attribute("aria-sort", "none")
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "ascending")
    codes = [t.strip() for t in table.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert codes == sorted(codes, key=str.lower) and len(codes) > 3
    header.get_by_role("button").click()
    expect(header).to_have_attribute("aria-sort", "descending")
    # The view is in the URL: the Tavla button goes back to the board.
    page.get_by_role("radio", name="Tavla").click()
    settle(page)
    expect(page.locator("a.nv-card").first).to_be_visible()
    assert "vy=lista" not in page.url
    page.get_by_role("radio", name="Lista").click()
    settle(page)
    expect(page).to_have_url(re.compile(r"vy=lista"))
    link = page.locator("table.nv-list tbody a").first
    number = link.inner_text().strip()
    link.click()
    settle(page)
    expect(page).to_have_url(re.compile(r"arende\?arende=" + re.escape(number)))


@pytest.mark.parametrize("username", ["e2e.koordinator", "e2e.teamledare", "e2e.registrator", "e2e.lasare",
                                      "e2e.admin"])
def test_start_page_of_every_role_passes_axe(demo_server, new_page, axe_source, username):
    from tests.e2e.test_accessibility import run_axe

    page = new_page(demo_server)
    login(page, demo_server, username)
    open_page(page, "")  # a page load of its own: no element left over from the login's run
    expect(page.get_by_role("heading", name="Min dag", level=1)).to_be_visible()
    assert run_axe(page, axe_source) == []


def test_dashboard_sections_open_on_demand_and_stay_in_the_url(demo_server, new_page):
    page = new_page(demo_server)
    login(page, demo_server, "e2e.teamledare")
    open_page(page, "indikatorer")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("tab", name="Översikt")).to_have_attribute("aria-selected", "true")
    expect(main.get_by_role("heading", name="Översikt", level=3)).to_be_visible()
    expect(main.get_by_role("heading", name="Statistiktabell")).to_have_count(0)  # not drawn until opened
    main.get_by_role("tab", name="Statistiktabell och kön").click()
    settle(page)
    expect(main.get_by_role("heading", name=re.compile(r"^Statistiktabell"))).to_be_visible()
    expect(page).to_have_url(re.compile(r"avsnitt=statistik"))
    open_page(page, page.url.split("/", 3)[3])  # a reload opens the same section
    expect(main.get_by_role("tab", name="Statistiktabell och kön")).to_have_attribute("aria-selected", "true")
