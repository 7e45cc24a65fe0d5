"""Users, password rules and lock-out after failed logins (no Streamlit)."""
import datetime as dt

import pytest
from sqlmodel import Session, select

from narvaro.core import clock, db, errors
from narvaro.core import users as auth
from narvaro.core.config import get_config
from narvaro.core.models import AuditEntry


def test_create_user_validates_each_field(engine):
    with db.session_scope(engine) as s:
        with pytest.raises(errors.FieldError) as e:
            auth.create_user(s, username="Ö", name="X", role="admin", password="Langtlosen123", by=None)
        assert e.value.field == "username"
        with pytest.raises(errors.FieldError) as e:
            auth.create_user(s, username="kim", name="Kim", role="admin", password="kort", by=None)
        assert e.value.field == "password"
        with pytest.raises(errors.FieldError) as e:
            auth.create_user(s, username="kim", name="Kim", role="chef", password="Langtlosen123", by=None)
        assert e.value.field == "role"
        auth.create_user(s, username="Kim", name="Kim", role="admin", password="Langtlosen123", by=None)
        with pytest.raises(errors.FieldError, match="finns redan"):
            auth.create_user(s, username="kim", name="Kim 2", role="admin", password="Langtlosen123", by=None)


def test_password_is_stored_as_bcrypt_hash(engine):
    with db.session_scope(engine) as s:
        user = auth.create_user(s, username="kim", name="Kim", role="admin", password="Langtlosen123", by=None)
    assert user.password_hash.startswith("$2") and "Langtlosen123" not in user.password_hash
    assert auth.check_password("Langtlosen123", user.password_hash)
    assert not auth.check_password("fel", user.password_hash)


def test_many_failed_logins_lock_the_account_then_it_opens_again(engine, frozen_clock):
    rules = get_config().process.rules
    assert rules.max_failed_logins >= 20  # 16.5: locking takes many attempts, not five
    with db.session_scope(engine) as s:
        auth.create_user(s, username="kim", name="Kim", role="koordinator", password="Langtlosen123", by=None)
    for i in range(rules.max_failed_logins):
        with db.session_scope(engine) as s:  # from ever new addresses, so no delay is in the way
            auth.record_login(s, "kim", success=False, address=f"10.0.0.{i}")
        if i == rules.max_failed_logins - 2:
            with Session(engine) as s:
                assert "kim" in auth.login_credentials(s)["usernames"]  # not locked one attempt before
    with Session(engine) as s:
        assert "kim" not in auth.login_credentials(s)["usernames"]
        failed = s.exec(select(AuditEntry).where(AuditEntry.action == "misslyckad inloggning")).all()
        assert len(failed) == rules.max_failed_logins and failed[0].detail == "från 10.0.0.0"
    with db.session_scope(engine) as s:  # an attempt on the locked account is still audited, as a refusal
        auth.record_login(s, "kim", success=False, address="10.9.9.9")
    with Session(engine) as s:
        refused = s.exec(select(AuditEntry).where(AuditEntry.action == "nekad")).all()
        assert [e.detail for e in refused] == ["inloggning: kontot är låst, från 10.9.9.9"]
    frozen_clock(clock.now() + dt.timedelta(minutes=rules.login_lock_minutes + 1))
    with Session(engine) as s:
        assert "kim" in auth.login_credentials(s)["usernames"]


def test_the_delay_grows_per_username_and_address_known_or_not(engine, frozen_clock):
    rules = get_config().process.rules
    with db.session_scope(engine) as s:
        auth.create_user(s, username="kim", name="Kim", role="koordinator", password="Langtlosen123", by=None)
    for username in ("kim", "finns.inte"):  # the same for a user who exists and one who does not
        waits = []
        for _ in range(rules.login_free_attempts + 3):
            with db.session_scope(engine) as s:
                waits.append(auth.login_wait_seconds(s, username, "10.0.0.1"))
                auth.record_login(s, username, success=False, address="10.0.0.1")
            frozen_clock(clock.now())  # no time passes between attempts
        assert waits[:rules.login_free_attempts] == [0] * rules.login_free_attempts
        assert waits[rules.login_free_attempts:] == [2, 4, 8]
        with Session(engine) as s:
            delays = auth.login_wait_seconds(s, username, "10.0.0.1")
            assert delays == 16  # 2, 4, 8, 16: doubling per failure after the free ones
            assert auth.login_wait_seconds(s, username, "10.0.0.2") == 0  # another address is not held up
    frozen_clock(clock.now() + dt.timedelta(seconds=16))
    with db.session_scope(engine) as s:
        assert auth.login_wait_seconds(s, "kim", "10.0.0.1") == 0
        auth.record_login(s, "kim", success=True, address="10.0.0.1")
    with Session(engine) as s:
        assert auth.get_user(s, "kim").failed_logins == 0 and "kim" in auth.login_credentials(s)["usernames"]
    with db.session_scope(engine) as s:  # a success clears the delay for that address
        auth.record_login(s, "kim", success=False, address="10.0.0.1")
        assert auth.login_wait_seconds(s, "kim", "10.0.0.1") == 0


def test_the_delay_is_capped(engine, frozen_clock):
    rules = get_config().process.rules
    for _ in range(rules.login_free_attempts + 20):
        with db.session_scope(engine) as s:
            auth.record_login(s, "vem", success=False, address="10.0.0.1")
    with Session(engine) as s:
        assert auth.login_wait_seconds(s, "vem", "10.0.0.1") == rules.login_max_delay_seconds


def test_inactive_and_passwordless_users_cannot_log_in(engine):
    with db.session_scope(engine) as s:
        auth.create_user(s, username="gammal", name="Gammal", role="koordinator", password=None, by=None)
        auth.create_user(s, username="slutat", name="Slutat", role="koordinator", password="Langtlosen123", by=None)
        auth.update_user(s, "slutat", auth.UserUpdate(role="koordinator", active=False), by="admin")
        auth.create_user(s, username="aktiv", name="Aktiv", role="lasare", password="Langtlosen123", by=None)
    with Session(engine) as s:
        assert list(auth.login_credentials(s)["usernames"]) == ["aktiv"]
