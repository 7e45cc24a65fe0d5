"""Benchmark databases: one user per role and synthetic cases, the archive grown as history (see build_database)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text, update

from narvaro.core import db, permissions
from narvaro.core.config import get_config
from narvaro.core.models import Assignment, AuditEntry, Case, CaseEvent, CaseNumberSeq, Meeting, User
from narvaro.core.users import create_user
from narvaro.dataio import demo
from tools import appserver

ROLE_ORDER = ("teamledare", "koordinator", "admin", "lasare", "registrator")
TEMPLATE = 1000  # cases made by narvaro.demo.fill_cases; larger sizes repeat them in blocks

@dataclass
class BenchUser:
    username: str
    role: str
    password: str


def bench_pages() -> list[tuple[permissions.PageSpec, str]]:
    """Every page whose file exists, with the first role (in ROLE_ORDER) that may use it."""
    out = []
    for spec in permissions.PAGES:
        if (db.ROOT / spec.path).exists():
            out.append((spec, next(r for r in ROLE_ORDER if r in spec.roles)))
    return out


# --- data -------------------------------------------------------------------------------------------

def build_database(url: str, n: int, seed: int = 2024) -> tuple[dict[str, BenchUser], str]:
    """Migrate `url`, create one user per role and `n` synthetic cases. Returns (users by role, an active case number).

    The first TEMPLATE cases come from narvaro.demo.fill_cases (every state, meetings, closings) over the last three
    years; larger sizes copy them block by block with new ids, numbers and pupil codes, in bulk inserts, so 100,000
    cases take seconds. The copies are *history*: moved back in time and closed. That is how a real database grows
    (a team has its ~100 open cases whatever the size of the archive), and it is what the targets test: this year's
    board and dashboard must not get slower because earlier years are stored.
    """
    engine = db.make_engine(url)
    db.migrate(engine)
    users: dict[str, BenchUser] = {}
    with db.session_scope(engine) as s:
        password = demo.generate_password()
        for role in ROLE_ORDER:
            username = f"bench.{role}"
            bench_user = create_user(s, username=username, name=f"Bench {role}", role=role, password=password,
                                     by="bench", district="vo1" if role == "koordinator" else None)
            bench_user.totp_secret = appserver.totp_secret(username)  # as if enrolled (appserver.login types the code)
            users[role] = BenchUser(username, role, password)
        coordinators = [create_user(s, username=f"bench.k{i}", name=f"Bench koordinator {i}",
                                         role="koordinator", password=None, by="bench", district=d.key)
                        for i, d in enumerate(get_config().reference.districts)]
        coordinators.insert(0, s.exec(select(User).where(User.username == "bench.koordinator")).scalar_one())
        schools = demo.ensure_schools(s)
        demo.fill_cases(s, random.Random(seed), min(n, TEMPLATE), schools, coordinators, by="bench",
                        code_prefix="BENCH")
    if n > TEMPLATE:
        _replicate(engine, n)
    with db.session_scope(engine) as s:
        number = s.exec(select(Case.number).where(Case.status == "active").order_by(Case.id)).first()[0]
    engine.dispose()
    return users, number


def _rows(conn, table, where) -> list[dict]:
    return [dict(r._mapping) for r in conn.execute(select(table).where(where))]


HISTORY_SLOTS = 10  # copies land 3, 6, ... 30 years back, so each past year holds several blocks


def _back_in_time(row: dict, years: int) -> dict:
    """Every date and timestamp of a row moved `years` back (leap days become the 28th)."""
    out = {}
    for key, value in row.items():
        if isinstance(value, (dt.date, dt.datetime)):
            value = value.replace(year=value.year - years, day=min(value.day, 28) if value.month == 2 else value.day)
        out[key] = value
    return out


def _as_history(row: dict, returned: str) -> dict:
    """A copied case that was still open is closed, as every case of an earlier year is by now."""
    if row["status"] == "closed":
        return row
    start = row["step_started_on"] or row["assigned_on"] or row["received_on"]
    return {**row, "status": "closed", "current_step": None, "next_meeting_on": None,
            "closed_on": start + dt.timedelta(days=30), "closure_reason": returned,
            "assigned_on": row["assigned_on"] or row["received_on"] + dt.timedelta(days=7)}


def _replicate(engine, n: int) -> None:
    cases_t, stride = Case.__table__, TEMPLATE
    children = [Assignment.__table__, Meeting.__table__, CaseEvent.__table__, AuditEntry.__table__]
    returned = get_config().reference.returned_reason
    with engine.begin() as conn:
        template = _rows(conn, cases_t, cases_t.c.id <= stride)
        kids = {t: _rows(conn, t, t.c.case_id <= stride) for t in children}
        for block in range(1, -(-n // stride)):
            count = min(stride, n - block * stride)
            years_back = 3 * (1 + (block - 1) % HISTORY_SLOTS)
            new_cases = []
            for row in template[:count]:
                year, seq = row["number"].split("-")[1:]
                new_cases.append(_as_history(_back_in_time({
                    **row, "id": row["id"] + block * stride,
                    "number": f"NK-{year}-{int(seq) + block * stride:04d}",
                    "pupil_code": f"BENCH-{row['id'] + block * stride:06d}"}, years_back), returned))
            conn.execute(insert(cases_t), new_cases)
            limit = block * stride + count
            for t, rows in kids.items():
                copied = [_back_in_time({**{k: v for k, v in r.items() if k != "id"},
                                         "case_id": r["case_id"] + block * stride}, years_back)
                          for r in rows if r["case_id"] + block * stride <= limit]
                if copied:
                    conn.execute(insert(t), copied)
        # New intakes after the benchmark must get numbers past the copied ones.
        seq_t = CaseNumberSeq.__table__
        for (year,) in conn.execute(select(seq_t.c.year)).all():
            top = conn.execute(select(func.max(cases_t.c.number)).where(cases_t.c.number.like(f"NK-{year}-%"))).scalar()
            numbers = [int(r[0].split("-")[2]) for r in conn.execute(
                select(cases_t.c.number).where(cases_t.c.number.like(f"NK-{year}-%")))]
            if top:
                conn.execute(update(seq_t).where(seq_t.c.year == year).values(last=max(numbers)))
        if engine.dialect.name == "postgresql":
            for t in [cases_t, *children]:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                                  f"(SELECT MAX(id) FROM {t.name}))"))


