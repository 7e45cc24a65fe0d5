"""Login through the app (AppTest): one message for every failure, the growing delay, the second factor with real
TOTP codes, server sessions ended by logout and "logga ut överallt", and the admin's session and 2FA tools."""
import pyotp
from sqlmodel import Session, select

from narvaro.core import clock, db, sessions
from narvaro.core import users as auth
from narvaro.core.auth_models import LoginSession
from narvaro.core.models import AuditEntry
from narvaro.ui.state import SESSION_TOKEN_KEY
from tests.conftest import TEST_PASSWORD, add_user, logged_in_app, make_app, rerun_app, text_of


def _login(at, username, password):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click().run()
    return at


def _signed_in(at) -> bool:
    return any(b.label == "Logga ut" for b in at.button)


def _error(at) -> str:
    return " ".join(e.value for e in at.error)


def test_unknown_user_wrong_password_and_locked_account_get_the_same_message(app_env):
    add_user(app_env, "anna", "lasare")
    add_user(app_env, "last", "lasare")
    engine = db.make_engine(app_env)
    with db.session_scope(engine) as s:
        user = auth.get_user(s, "last")
        user.locked_until = clock.now().replace(year=clock.now().year + 1)
        s.add(user)
    messages = []
    for username, password in (("finns.inte", "fel-losenord"), ("anna", "fel-losenord"), ("last", TEST_PASSWORD)):
        at = _login(make_app().run(), username, password)
        messages.append(_error(at))
        assert at.session_state["authentication_status"] is False
    assert messages == ["Fel användarnamn eller lösenord."] * 3
    with Session(engine) as s:
        rows = [(e.username, e.action) for e in s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]
    assert ("finns.inte", "misslyckad inloggning") in rows and ("anna", "misslyckad inloggning") in rows
    assert ("last", "nekad") in rows  # the locked account's attempt is audited as a refusal
    engine.dispose()


def test_repeated_failures_meet_a_delay_not_a_lock(app_env, frozen_clock):
    add_user(app_env, "anna", "lasare")
    at = make_app().run()
    for _ in range(3):
        _login(at, "anna", "fel-losenord")
        assert _error(at) == "Fel användarnamn eller lösenord."
    _login(at, "anna", TEST_PASSWORD)  # the right password, but too soon: not even checked
    assert "Vänta 2 sekunder" in _error(at) and at.session_state["authentication_status"] is False
    engine = db.make_engine(app_env)
    with Session(engine) as s:
        assert "anna" in auth.login_credentials(s)["usernames"]  # not locked
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "nekad")).one().detail.startswith(
            "inloggning under väntetid")
    engine.dispose()


def _secret_shown(at) -> str:
    return next(c.value for c in at.code if len(c.value) == 32 and c.value.isalnum())


def test_second_factor_enrolment_and_login_with_real_totp_codes(app_env):
    add_user(app_env, "kim", "koordinator", district="vo1")
    at = _login(make_app().run(), "kim", TEST_PASSWORD)
    assert "Tvåstegsverifiering" in text_of(at) and not _signed_in(at)
    assert at.session_state["authentication_status"] is True  # the password is right, the session is not on yet
    secret = _secret_shown(at)
    at.text_input(key="narvaro_2fa_enrol_code").input("123456" if pyotp.TOTP(secret).now() != "123456" else "654321")
    next(b for b in at.button if b.label == "Koppla appen").click().run()
    assert "Koden stämmer inte" in _error(at)
    used = pyotp.TOTP(secret).now()
    at.text_input(key="narvaro_2fa_enrol_code").input(used)
    next(b for b in at.button if b.label == "Koppla appen").click().run()
    recovery = at.code[0].value.split("\n")
    assert len(recovery) == 8
    next(b for b in at.button if b.label.startswith("Jag har sparat koderna")).click().run()
    at = rerun_app(at)
    assert _signed_in(at)

    # Another browser: password, then a code from the app; the code just used cannot be used again.
    other = _login(make_app().run(), "kim", TEST_PASSWORD)
    assert [t.label for t in other.text_input] == ["Engångskod"]
    other.text_input(key="narvaro_2fa_code").input(used)
    next(b for b in other.button if b.label == "Verifiera").click().run()
    assert "Koden stämmer inte" in _error(other)
    other.text_input(key="narvaro_2fa_code").input(recovery[0])
    next(b for b in other.button if b.label == "Verifiera").click().run()
    other = rerun_app(other)
    assert _signed_in(other)


def test_a_session_ended_elsewhere_is_logged_out_at_the_next_run(app_env):
    """"Logga ut överallt" from another browser (or the admin) ends this one at its next click. (AppTest reruns
    only the page after a click, so the sidebar buttons themselves are driven in tests/e2e/test_sessions.py.)"""
    add_user(app_env, "anna", "lasare")
    first = logged_in_app("anna")
    assert _signed_in(first)
    engine = db.make_engine(app_env)
    with db.session_scope(engine) as s:
        sessions.end_all(s, "anna", sessions.EVERYWHERE)
    first = rerun_app(first)
    assert not _signed_in(first) and "Du är utloggad" in text_of(first)
    assert [t.label for t in first.text_input] == ["Användarnamn", "Lösenord"]
    with Session(engine) as s:
        assert s.exec(select(LoginSession)).one().revoked_reason == sessions.EVERYWHERE
    engine.dispose()


def test_admin_ends_a_users_sessions_and_resets_the_second_factor(app_env):
    from narvaro.core import second_factor

    add_user(app_env, "chefen", "admin")
    add_user(app_env, "kim", "koordinator", district="vo1")
    engine = db.make_engine(app_env)
    with db.session_scope(engine) as s:
        secret = second_factor.new_secret()
        second_factor.enroll(s, auth.get_user(s, "kim"), secret, pyotp.TOTP(secret).now())
    logged_in_app("kim")
    at = logged_in_app("chefen", "pages/anvandare.py")
    table = at.dataframe[0].value.set_index("Användarnamn")
    assert table.loc["kim", "Inloggningar nu"] == 1 and table.loc["kim", "Tvåstegsverifiering"] == "kopplad"
    at.selectbox(key="edit_user").select("kim").run()
    at.button(key="end_sessions").click().run()
    assert "1 inloggning(ar) för kim avslutade." in text_of(at)
    at.button(key="reset_2fa").click().run()
    with Session(engine) as s:
        assert sessions.live(s, "kim") == [] and auth.get_user(s, "kim").totp_secret is None
        details = [e.detail for e in s.exec(select(AuditEntry).where(AuditEntry.username == "chefen")).all()]
    assert "återställde andra faktorn för kim" in details and "kim: avslutad av administratör" in details
    engine.dispose()


def _oidc_secrets(tmp_path, local_login: bool) -> str:
    path = tmp_path / "secrets.toml"
    path.write_text(("" if local_login else "local_login = false\n") + "[auth]\n"
                    'redirect_uri = "http://127.0.0.1:1/oauth2callback"\ncookie_secret = "' + "c" * 40 + '"\n'
                    'client_id = "narvaro"\nclient_secret = "hemligt"\n'
                    'server_metadata_url = "http://127.0.0.1:1/.well-known/openid-configuration"\n')
    return str(path)


def test_with_a_provider_the_admin_can_switch_local_passwords_off(app_env, tmp_path, monkeypatch):
    from narvaro.core import settings

    add_user(app_env, "anna", "lasare")
    assert settings.local_login_enabled() and not settings.oidc_configured()
    monkeypatch.setenv("NARVARO_SECRETS_FILE", _oidc_secrets(tmp_path, local_login=True))
    at = make_app().run()
    assert [b.label for b in at.button][0] == "Logga in med kommunens konto"
    assert [t.label for t in at.text_input] == ["Användarnamn", "Lösenord"]  # local accounts still on
    (tmp_path / "off").mkdir()
    monkeypatch.setenv("NARVARO_SECRETS_FILE", _oidc_secrets(tmp_path / "off", local_login=False))
    assert settings.oidc_configured() and not settings.local_login_enabled()
    at = make_app().run()
    assert not at.text_input and [b.label for b in at.button] == ["Logga in med kommunens konto"]
