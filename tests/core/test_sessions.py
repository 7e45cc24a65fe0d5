"""Server-side login sessions: the cookie's token opens nothing once its session has ended (no Streamlit)."""
import datetime as dt

from sqlmodel import Session, select

from narvaro.core import clock, db, sessions
from narvaro.core import users as auth
from narvaro.core.auth_models import LoginSession
from narvaro.core.models import AuditEntry


def _user(engine, username="kim"):
    with db.session_scope(engine) as s:
        auth.create_user(s, username=username, name=username.title(), role="koordinator",
                         password="Langtlosen123", by=None)


def _start(engine, username="kim", done=True):
    with db.session_scope(engine) as s:
        return sessions.start(s, username, "lösenord", second_factor_done=done, address="10.0.0.1")


def _check(engine, token):
    with db.session_scope(engine) as s:
        return sessions.check(s, token)


def test_the_cookie_holds_only_a_random_token_and_the_row_only_its_hash(engine):
    _user(engine)
    token = _start(engine)
    assert len(token) >= 40 and "kim" not in token
    with Session(engine) as s:
        row = s.exec(select(LoginSession)).one()
    assert row.token_hash != token and len(row.token_hash) == 64
    assert _check(engine, token) == ("kim", None)
    assert _check(engine, token + "x") == (None, None)


def test_logout_ends_the_session_so_a_copied_token_opens_nothing(engine):
    _user(engine)
    token = _start(engine)
    copied = str(token)
    with db.session_scope(engine) as s:
        sessions.end(s, token)
    assert _check(engine, copied) == (None, sessions.LOGOUT)
    with Session(engine) as s:
        actions = [(e.action, e.detail) for e in s.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]
    assert ("session slut", "kim: utloggad") in actions and actions[1][0] == "session start"


def test_a_session_waiting_for_its_second_factor_opens_nothing(engine):
    _user(engine)
    token = _start(engine, done=False)
    assert _check(engine, token) == (None, None)
    with db.session_scope(engine) as s:
        sessions.complete_second_factor(s, token)
    assert _check(engine, token) == ("kim", None)


def test_idle_timeout_is_kept_on_the_server(engine, frozen_clock):
    _user(engine)
    token = _start(engine)
    frozen_clock(clock.now() + dt.timedelta(minutes=29))
    assert _check(engine, token) == ("kim", None)  # seen: the idle time starts again
    frozen_clock(clock.now() + dt.timedelta(minutes=29))
    assert _check(engine, token) == ("kim", None)
    frozen_clock(clock.now() + dt.timedelta(minutes=31))
    assert _check(engine, token) == (None, sessions.IDLE)
    with Session(engine) as s:
        assert s.exec(select(LoginSession)).one().revoked_reason == sessions.IDLE


def test_logout_everywhere_a_new_password_and_deactivation_end_every_session(engine):
    _user(engine)
    _user(engine, "other")
    a, b, c = _start(engine), _start(engine), _start(engine, "other")
    with db.session_scope(engine) as s:
        assert sessions.end_all(s, "kim", sessions.EVERYWHERE) == 2
    assert _check(engine, a)[0] is None and _check(engine, b)[0] is None
    assert _check(engine, c) == ("other", None)  # another user's session is untouched
    d = _start(engine)
    with db.session_scope(engine) as s:
        auth.set_password(s, auth.get_user(s, "kim"), "Nyttlosen12345", by="admin")
    assert _check(engine, d) == (None, sessions.PASSWORD_CHANGED)
    e = _start(engine)
    with db.session_scope(engine) as s:
        auth.update_user(s, "kim", auth.UserUpdate(role="koordinator", active=False), by="admin")
    assert _check(engine, e) == (None, sessions.INACTIVE_ACCOUNT)
    with Session(engine) as s:
        assert [r.username for r in sessions.live(s)] == ["other"]
        ended_by_admin = s.exec(select(AuditEntry).where(AuditEntry.action == "session slut",
                                                         AuditEntry.username == "admin")).all()
    assert len(ended_by_admin) == 2
