"""In the browser: a wrong password is refused, and a läsare reaches only the aggregated pages."""
import re

import pytest
from playwright.sync_api import expect

from narvaro.core import permissions
from tests.e2e.conftest import PASSWORD, login, menu, open_page

pytestmark = pytest.mark.e2e


def test_wrong_password_is_refused(app_server, new_page):
    page = new_page(app_server)
    page.goto("/")
    page.get_by_label("Användarnamn").fill("e2e.koordinator")
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD + "x")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text("Fel användarnamn eller lösenord.")).to_be_visible()
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    expect(page.get_by_label("Användarnamn")).to_have_value("e2e.koordinator")  # nothing typed is lost


def test_lasare_sees_only_aggregates(demo_server, new_page):
    page = new_page(demo_server)
    login(page, demo_server, "e2e.lasare")
    nav = menu(page)
    # The link text starts with the material icon's ligature name (e.g. "homeStart"); see docs/accessibility.md.
    expect(nav.get_by_role("link")).to_have_text([re.compile(r"Start$"), re.compile(r"Indikatorer$"),
                                                   re.compile(r"Mötesvy$")])

    open_page(page, "indikatorer")
    expect(page.get_by_role("heading", name="Indikatorer")).to_be_visible()
    expect(page.get_by_text("Du ser sammanställningar")).to_be_visible()
    expect(page.get_by_text("<5").first).to_be_visible()  # small cells suppressed
    body = page.locator("body").inner_text()
    assert "DEMO-0" not in body and "NK-" not in body  # no pupil code, no case number

    # Hand-typed URLs of case pages do not open them for a läsare.
    for path in ("arendetavla", "inkommande", "arende?arende=NK-2025-0001"):
        open_page(page, path)
        expect(page.get_by_role("heading", name="Min dag")).to_be_visible()  # sent to the start page
        body = page.locator("body").inner_text()
        assert "DEMO-0" not in body and "Elevkod" not in body


# Counts Streamlit script runs in the page: the app root's data-test-script-state turns "running" once per run.
_RUN_COUNTER = """
window.__runs = 0;
new MutationObserver(() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (app && !window.__watching) {
    window.__watching = true;
    new MutationObserver(() => {
      if (app.getAttribute('data-test-script-state') === 'running') window.__runs += 1;
    }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
}).observe(document, {childList: true, subtree: true});
"""


def test_login_cookie_keeps_a_reload_logged_in_and_logout_ends_it(app_server, new_page):
    page = new_page(app_server)
    login(page, app_server, "e2e.koordinator")
    page.context.add_init_script(_RUN_COUNTER)

    open_page(page, "arendetavla")  # a new page load: logged in by the cookie alone
    expect(page.get_by_role("heading", name="Ärendetavla")).to_be_visible()
    page.wait_for_timeout(1500)  # a second run, had one been triggered, starts within this
    assert page.evaluate("window.__runs") == 1  # the page load runs the script once, not twice

    page.get_by_role("button", name="Logga ut").click()
    expect(page.get_by_label("Användarnamn")).to_be_visible()
    page.wait_for_timeout(1000)  # the browser deletes the cookie when the login form is drawn
    open_page(page, "arendetavla")
    expect(page.get_by_label("Användarnamn")).to_be_visible()  # the cookie is gone: a reload stays logged out
    expect(page.get_by_role("button", name="Logga ut")).to_have_count(0)
    other = page.context.new_page()  # and so does another tab of the same browser
    open_page(other, "arendetavla")
    expect(other.get_by_label("Användarnamn")).to_be_visible()

    login(other, app_server, "e2e.koordinator")  # logging in again writes a new cookie
    open_page(page, "arendetavla")
    expect(page.get_by_role("heading", name="Ärendetavla")).to_be_visible()


def test_no_request_leaves_the_app_server(demo_server, new_page):
    """Pupils' data stay on the municipal server, and so does the fact that someone is using the app: no page
    fetches anything (fonts, icons, scripts) from another host. Streamlit's :material: favicon used to."""
    page = new_page(demo_server)
    elsewhere: list[str] = []
    page.context.on("request", lambda r: None if r.url.startswith((demo_server.url, "data:", "blob:"))
                    else elsewhere.append(r.url))
    login(page, demo_server, "e2e.teamledare")
    seen = 0
    for spec in permissions.pages_for("teamledare"):
        if spec.in_menu:
            open_page(page, spec.url_path)
            expect(page.get_by_role("main")).to_be_visible()
            seen += 1
    page.wait_for_timeout(500)  # a favicon is fetched after the run
    assert seen >= 6
    assert not elsewhere, f"Anrop till andra servrar: {sorted(set(elsewhere))}"
