"""Sign-in with the municipality's account (issue 18, item 1): a real OpenID Connect provider (the PyPI package
oidc-provider-mock) on a free local port, Streamlit's st.login with Authlib, and the provider's form in Chromium."""
import secrets as pysecrets

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from narvaro.core import db, settings
from narvaro.core.auth_models import LoginSession
from narvaro.core.models import AuditEntry
from tests.e2e.conftest import PASSWORD
from tools import appserver

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def provider():
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread(port=0, require_nonce=True) as server:
        url = f"http://127.0.0.1:{server.server_port}"
        for sub, claims in {
            "kim-sub": {"email": "Kim.Koordinator@kommun.example", "name": "Kim K", "preferred_username": "kimk"},
            "okand-sub": {"email": "okand@kommun.example", "name": "Okänd"},
        }.items():
            assert httpx.put(f"{url}/users/{sub}", json=claims).status_code == 204
        yield url


def _secrets(folder, app_port: int, provider_url: str, local_login: bool = True):
    path = folder / "secrets.toml"
    path.write_text(
        ("" if local_login else "local_login = false\n")
        + "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{app_port}/oauth2callback"\n'
        f'cookie_secret = "{pysecrets.token_urlsafe(32)}"\n'
        'client_id = "narvaro"\n'
        f'client_secret = "{pysecrets.token_urlsafe(16)}"\n'
        f'server_metadata_url = "{provider_url}/.well-known/openid-configuration"\n')
    return path


@pytest.fixture(scope="module")
def oidc_server(tmp_path_factory, provider, playwright_instance):
    folder = tmp_path_factory.mktemp("oidc")
    url = f"sqlite:///{folder / 'narvaro.sqlite3'}"
    appserver.create_user(url, "kim", "Kim Koordinator", "koordinator", PASSWORD, "vo1")
    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        from narvaro.core import users

        users.get_user(s, "kim").email = "kim.koordinator@kommun.example"
    engine.dispose()
    port = appserver.free_port()
    path = _secrets(folder, port, provider)
    server = appserver.AppServer(url, folder / "server.log", port=port, args=["--secrets.files", str(path)],
                                 env=appserver.app_env(url, NARVARO_SECRETS_FILE=str(path)))
    server.start()
    yield server
    server.stop()


def _sign_in_at_provider(page, server, sub: str) -> None:
    page.goto(server.url + "/")
    page.get_by_role("button", name="Logga in med kommunens konto").click()
    page.get_by_placeholder("sub").fill(sub)  # the provider's own form
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(server.url + "/**")
    appserver.wait_ready(page)


def _wait_for_session_cookie(page) -> None:
    """Närvaro's session cookie is written by a component a moment after the run that signed the person in."""
    page.wait_for_function("() => document.cookie.includes('" + settings.cookie_name() + "=')")
    appserver.wait_ready(page)


def test_a_known_person_signs_in_with_the_provider_and_reaches_the_roles_start_page(oidc_server, new_page):
    page = new_page(oidc_server)
    _sign_in_at_provider(page, oidc_server, "kim-sub")
    expect(page.get_by_role("button", name="Logga ut", exact=True)).to_be_visible()
    expect(page.get_by_text("Kim Koordinator", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Meny").get_by_role("link", name="Ärendetavla")).to_be_visible()
    engine = db.make_engine(oidc_server.database_url)
    with Session(engine) as s:
        row = s.exec(select(LoginSession).where(LoginSession.username == "kim")).one()
        assert row.method == "oidc" and row.revoked_at is None and row.external_marker
    engine.dispose()


def test_an_unknown_person_is_refused_and_the_attempt_is_audited(oidc_server, new_page):
    page = new_page(oidc_server)
    _sign_in_at_provider(page, oidc_server, "okand-sub")
    expect(page.get_by_text("Ingen behörighet – kontakta administratören.")).to_be_visible()
    expect(page.get_by_role("button", name="Logga ut", exact=True)).to_have_count(0)
    engine = db.make_engine(oidc_server.database_url)
    with Session(engine) as s:
        details = [e.detail for e in s.exec(select(AuditEntry).where(AuditEntry.action == "nekad")).all()]
    engine.dispose()
    assert "inloggning via kommunens konto: ingen användare för okand@kommun.example" in details


def test_the_providers_cookie_copied_before_logout_opens_nothing_after_it(oidc_server, new_page):
    page = new_page(oidc_server)
    _sign_in_at_provider(page, oidc_server, "kim-sub")
    expect(page.get_by_role("button", name="Logga ut", exact=True)).to_be_visible()
    _wait_for_session_cookie(page)
    copied = page.context.cookies()  # Streamlit's signed identity cookie and Närvaro's session cookie
    assert any(c["name"].startswith("_streamlit_user") for c in copied)
    page.get_by_role("button", name="Logga ut", exact=True).click()
    expect(page.get_by_role("button", name="Logga ut", exact=True)).to_have_count(0)

    thief = new_page(oidc_server)
    thief.context.add_cookies(copied)
    thief.goto(oidc_server.url + "/")
    # Refused and signed out of the provider too: Streamlit's st.logout goes on to the provider's end-session page.
    expect(thief.get_by_role("heading", name="End Session")
           .or_(thief.get_by_role("button", name="Logga in med kommunens konto"))).to_be_visible()
    expect(thief.get_by_role("button", name="Logga ut", exact=True)).to_have_count(0)
    engine = db.make_engine(oidc_server.database_url)
    with Session(engine) as s:
        refused = [e.detail for e in s.exec(select(AuditEntry).where(AuditEntry.action == "nekad")).all()]
    engine.dispose()
    assert any(d.startswith("inloggning via kommunens konto: använd inloggning") for d in refused)
