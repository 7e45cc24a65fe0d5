"""Users, password rules and lock-out after failed logins (no Streamlit)."""
import datetime as dt

import pytest
from sqlmodel import Session, select

from narvaro.core import clock, db, errors
from narvaro.core import users as auth
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


def test_failed_logins_lock_the_account_then_it_opens_again(engine, frozen_clock):
    rules_max = 5
    with db.session_scope(engine) as s:
        auth.create_user(s, username="kim", name="Kim", role="koordinator", password="Langtlosen123", by=None)
    messages = []
    for _ in range(rules_max):
        with db.session_scope(engine) as s:
            messages.append(auth.record_login(s, "kim", success=False))
    assert messages[:-1] == [None] * (rules_max - 1) and "låst" in messages[-1]
    with Session(engine) as s:
        assert "kim" not in auth.login_credentials(s)["usernames"]
        failed = s.exec(select(AuditEntry).where(AuditEntry.action == "misslyckad inloggning")).all()
        assert len(failed) == rules_max
    frozen_clock(clock.now() + dt.timedelta(minutes=16))
    with Session(engine) as s:
        assert "kim" in auth.login_credentials(s)["usernames"]


def test_inactive_and_passwordless_users_cannot_log_in(engine):
    with db.session_scope(engine) as s:
        auth.create_user(s, username="gammal", name="Gammal", role="koordinator", password=None, by=None)
        auth.create_user(s, username="slutat", name="Slutat", role="koordinator", password="Langtlosen123", by=None)
        auth.update_user(s, "slutat", auth.UserUpdate(role="koordinator", active=False), by="admin")
        auth.create_user(s, username="aktiv", name="Aktiv", role="lasare", password="Langtlosen123", by=None)
    with Session(engine) as s:
        assert list(auth.login_credentials(s)["usernames"]) == ["aktiv"]
