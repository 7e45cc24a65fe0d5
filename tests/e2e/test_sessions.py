"""Sessions live on the server (issue 18): a login cookie copied before "Logga ut" opens nothing after it, and
"Avsluta alla mina inloggningar" (logga ut överallt) ends the user's other browsers at their next load."""
import pytest
from playwright.sync_api import expect

from narvaro.core import settings
from tests.e2e.conftest import login
from tools import appserver

pytestmark = pytest.mark.e2e


def _cookie(page):
    return next(c for c in page.context.cookies() if c["name"] == settings.cookie_name())


def _login_form(page):
    expect(page.get_by_label("Användarnamn")).to_be_visible()
    expect(page.get_by_role("button", name="Logga ut", exact=True)).to_have_count(0)


def test_a_cookie_copied_before_logout_is_refused_after_it(app_server, new_page):
    page = new_page(app_server)
    login(page, app_server, "e2e.koordinator")  # a role with the second factor (a real TOTP code)
    cookie = _cookie(page)
    assert "e2e.koordinator" not in cookie["value"] and "." not in cookie["value"]  # a random token, not a JWT

    thief = new_page(app_server)
    thief.context.add_cookies([cookie])
    thief.goto(app_server.url + "/")
    appserver.wait_ready(thief)
    expect(thief.get_by_role("button", name="Logga ut", exact=True)).to_be_visible()  # the copy works while logged in

    page.get_by_role("button", name="Logga ut", exact=True).click()
    _login_form(page)

    late = new_page(app_server)
    late.context.add_cookies([cookie])
    late.goto(app_server.url + "/")
    appserver.wait_ready(late)
    _login_form(late)
    thief.reload()  # the browser that held the copy is out too
    appserver.wait_ready(thief)
    _login_form(thief)


def test_logout_everywhere_ends_the_other_browsers(app_server, new_page):
    first, second = new_page(app_server), new_page(app_server)
    login(first, app_server, "e2e.lasare")
    login(second, app_server, "e2e.lasare")
    second.get_by_role("button", name="Avsluta alla mina inloggningar").click()
    _login_form(second)
    first.reload()
    appserver.wait_ready(first)
    _login_form(first)
