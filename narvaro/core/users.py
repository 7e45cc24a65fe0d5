"""Users, passwords and the login rules (lock-out after failed attempts). No Streamlit here."""
from __future__ import annotations

import datetime as dt
import re
from typing import Optional

import bcrypt
from sqlmodel import Session, SQLModel, select

from narvaro.core import audit, clock, sessions
from narvaro.core.config import get_config
from narvaro.core.errors import FieldError, NotAllowed, NotFound
from narvaro.core.auth_models import LoginThrottle
from narvaro.core.models import User
from narvaro.core.permissions import ADMIN, CASE_WORKERS, ROLES

MIN_PASSWORD_LENGTH = 10
_USERNAME = re.compile(r"^[a-z0-9._-]{2,64}$")


class UserUpdate(SQLModel):
    """The admin's change to a user: role, active, district, and a new password when one is typed."""
    role: str
    active: bool
    district: Optional[str] = None
    password: Optional[str] = None


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_password(password: str, hashed: str | None) -> bool:
    if not hashed:
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Lösenordet måste ha minst {MIN_PASSWORD_LENGTH} tecken."
    if password.lower() == password or password.upper() == password or not re.search(r"\d", password):
        return "Lösenordet måste innehålla både stora och små bokstäver och minst en siffra."
    return None


def create_user(session: Session, *, username: str, name: str, role: str, password: str | None,
                by: str | None, district: str | None = None, email: str | None = None,
                active: bool = True) -> User:
    """Create a user. `password=None` makes a user without login (e.g. a coordinator from imported history)."""
    username = (username or "").strip().lower()
    if not _USERNAME.match(username):
        raise FieldError("username", "Användarnamnet ska vara 2–64 tecken: små bokstäver a–z, siffror, punkt, bindestreck.")
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise FieldError("username", f"Användarnamnet {username!r} finns redan.")
    if not (name or "").strip():
        raise FieldError("name", "Ange namn.")
    if role not in ROLES:
        raise FieldError("role", f"Okänd roll {role!r}.")
    if district and district not in {d.key for d in get_config().reference.districts}:
        raise FieldError("district", f"Okänt verksamhetsområde {district!r}.")
    if password is not None:
        problem = password_problem(password)
        if problem:
            raise FieldError("password", problem)
    user = User(username=username, name=name.strip(), role=role, district=district or None,
                email=(email or "").strip() or None, active=active,
                password_hash=hash_password(password) if password is not None else None)
    session.add(user)
    session.flush()
    audit.record(session, by, audit.USER_ADMIN, detail=f"skapade användare {username} ({role})")
    return user


def set_password(session: Session, user: User, password: str, by: str | None) -> None:
    problem = password_problem(password)
    if problem:
        raise FieldError("password", problem)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    session.add(user)
    audit.record(session, by, audit.USER_ADMIN, detail=f"nytt lösenord för {user.username}")
    sessions.end_all(session, user.username, sessions.PASSWORD_CHANGED, by=by)


def update_user(session: Session, username: str, change: UserUpdate, *, by: str) -> User:
    """Change a user's role, activity, district and (if given) password. An administrator cannot take away
    their own administrator role or deactivate themself: the last admin would lock everyone out."""
    user = get_user(session, username)
    if user is None:
        raise NotFound(f"Användaren {username} finns inte.")
    if change.role not in ROLES:
        raise FieldError("role", f"Okänd roll {change.role!r}.")
    if user.username == by and (change.role != ADMIN or not change.active):
        raise FieldError("role", "Du kan inte ta bort din egen administratörsroll eller inaktivera dig själv.")
    user.role, user.active, user.district = change.role, change.active, change.district or None
    if change.active:
        user.locked_until, user.failed_logins = None, 0
    else:
        sessions.end_all(session, user.username, sessions.INACTIVE_ACCOUNT, by=by)
    session.add(user)
    audit.record(session, by, audit.USER_ADMIN,
                 detail=f"ändrade {user.username}: roll {change.role}, {'aktiv' if change.active else 'inaktiv'}")
    if change.password:
        set_password(session, user, change.password, by=by)
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.username)).all())


def has_users(session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is not None


def create_first_admin(session: Session, *, username: str, name: str, password: str, repeat: str) -> User:
    """The first administrator of an empty database; refused once anyone exists (the page is then gone, but a
    second tab may still show it)."""
    if password != repeat:
        raise FieldError("repeat", "Lösenorden är inte lika.")
    if has_users(session):
        raise NotAllowed("Det finns redan användare. Ladda om sidan och logga in.")
    return create_user(session, username=username, name=name, role=ADMIN, password=password, by=None)


def get_user(session: Session, username: str | None) -> User | None:
    if not username:
        return None
    return session.exec(select(User).where(User.username == username.lower())).first()


def is_locked(user: User, at: dt.datetime | None = None) -> bool:
    at = at or clock.now()
    return user.locked_until is not None and user.locked_until > at


def login_credentials(session: Session) -> dict:
    """The credentials streamlit-authenticator checks against: active, unlocked users with a password."""
    users = session.exec(select(User).where(User.active == True, User.password_hash != None)).all()  # noqa: E711,E712
    now = clock.now()
    return {"usernames": {
        u.username: {"name": u.name, "password": u.password_hash, "roles": [u.role], "email": u.email or ""}
        for u in users if not is_locked(u, now)
    }}


GENERIC_FAILURE = "Fel användarnamn eller lösenord."  # the same for an unknown user, a wrong password, a lock


def login_wait_seconds(session: Session, username: str, address: str) -> int:
    """Seconds before the next attempt for this typed username from this address (0: go ahead). The delay
    doubles per failure after the free ones, so guessing is slow while a lock needs very many attempts."""
    rules = get_config().process.rules
    row = _throttle(session, username, address)
    if row is None or row.failures < rules.login_free_attempts:
        return 0
    delay = min(2 ** (row.failures - rules.login_free_attempts + 1), rules.login_max_delay_seconds)
    left = (row.last_failure_at + dt.timedelta(seconds=delay) - clock.now()).total_seconds()
    return max(0, int(left + 0.999))


def _throttle(session: Session, username: str, address: str) -> LoginThrottle | None:
    return session.exec(select(LoginThrottle).where(LoginThrottle.username == username[:200],
                                                    LoginThrottle.address == address[:64])).first()


def record_login(session: Session, username: str, success: bool, address: str | None = None) -> None:
    """Count a password attempt: audited in every case (known user or not, locked or not), with the address."""
    rules = get_config().process.rules
    username = (username or "").strip().lower()
    user = get_user(session, username)
    where = f"från {address}" if address else None
    address = address or "okänd"
    row = _throttle(session, username, address)
    if success:
        if user is not None:
            user.failed_logins, user.locked_until = 0, None
            session.add(user)
        if row is not None:
            session.delete(row)
        audit.record(session, username, audit.LOGIN, detail=where)
        return
    if row is None:
        row = LoginThrottle(username=username[:200], address=address[:64], failures=0)
    row.failures += 1
    row.last_failure_at = clock.now()
    session.add(row)
    if user is not None and is_locked(user):
        # Not a wrong password: the attempt was refused unchecked, and the log says so (loggkontroll).
        audit.record_refusal(session, username, "inloggning: kontot är låst" + (f", {where}" if where else ""))
        return
    audit.record(session, username or None, audit.LOGIN_FAILED, detail=where)
    if user is None:
        return
    user.failed_logins += 1
    if user.failed_logins >= rules.max_failed_logins:
        user.locked_until = clock.now() + dt.timedelta(minutes=rules.login_lock_minutes)
        user.failed_logins = 0
        audit.record(session, username, audit.USER_ADMIN,
                     detail=f"kontot låst i {rules.login_lock_minutes} minuter efter {rules.max_failed_logins} misslyckade inloggningar")
    session.add(user)


def record_waiting(session: Session, username: str, address: str) -> None:
    """An attempt made before the delay was over: not checked, but audited."""
    audit.record_refusal(session, (username or "").strip().lower() or None, f"inloggning under väntetid från {address}")


def coordinators(session: Session, active_only: bool = True) -> list[User]:
    q = select(User).where(User.role.in_(CASE_WORKERS))  # type: ignore[union-attr]
    if active_only:
        q = q.where(User.active == True)  # noqa: E712
    return list(session.exec(q.order_by(User.name)).all())
