"""Import of earlier cases from CSV or Excel: every row is checked first, then all are written or none.

The file format (Swedish headers, any order) is the one `narvaro.exporter` writes, so an export can be
imported into a fresh database. Only Inkom, Skolform and Huvudman are required. Values from data/
(school form, provider, sex, closing reason, effect ratings, district) are matched without regard to
case and surrounding spaces and stored as the canonical label, since the indicators group on labels.

Re-import: the case number is the key. A row whose number already exists in the database is skipped
(counted as "redan fanns"), never updated: once a case is in the app, the app is where it changes.
A row without a number is skipped when a case with the same Elev-ID and Inkom exists; a row with
neither number nor Elev-ID cannot be recognised again, and the report says so.
"""
from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from types import SimpleNamespace
from typing import Any, Callable

from sqlalchemy import insert, text
from sqlmodel import Session, select

from narvaro.casework import cases, closing
from narvaro.casework.inputs import CaseClose
from narvaro.core import audit, clock, db
from narvaro.core.config import Config, get_config
from narvaro.core.models import ASSIGNED, QUEUED, Assignment, Case, CaseEvent, School, User
from narvaro.core.permissions import COORDINATOR
from narvaro.core.text import fold
from narvaro.core.users import create_user
from narvaro.dataio.import_format import GENERATED_CODE_PREFIX, IMPORT_USER_PREFIX, Report, Row, check, users_by_name

Progress = Callable[[int, int], None]
BATCH = 1000  # cases per INSERT: 50,000 rows are fifty statements (and as many for events), not 150,000

# --- writing ---------------------------------------------------------------------------------------

def username_for(session: Session, name: str) -> str:
    """A free username made from a name: 'Åsa Öberg' → 'import.asa.oberg' (then -2, -3 ... if taken)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    stem = re.sub(r"[^a-z0-9]+", ".", ascii_name).strip(".")[:48] or "koordinator"
    base = IMPORT_USER_PREFIX + stem
    candidate, n = base, 2
    while session.exec(select(User.id).where(User.username == candidate)).first() is not None:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def pupil_code() -> str:
    """A pseudonymous code for a row without Elev-ID: random, so it says nothing about the pupil."""
    return GENERATED_CODE_PREFIX + secrets.token_hex(5).upper()


def import_file(session: Session, data: bytes, file_name: str, by: str | None, dry_run: bool = False,
                config: Config | None = None, progress: Progress | None = None) -> Report:
    """Check the file and, when every row is right and this is not a dry run, write all new rows.

    The caller commits (or rolls back); nothing is flushed before every row has passed its checks.
    `progress(done, total)` is called as the rows are written, after each batch.
    """
    cfg = config or get_config()
    report, rows = check(session, data, file_name, cfg)
    if not report.ok:
        if not dry_run:
            audit.record(session, by, audit.IMPORT, None,
                         f"avvisad import av {file_name}: {len({p.line for p in report.problems})} rader med fel")
        return report
    if dry_run:
        return report

    skipped = set(report.skipped_lines)
    todo = [r for r in rows if r.line not in skipped]
    schools: dict[str, School] = {fold(s.name): s for s in session.exec(select(School)).all()}
    known_users = users_by_name(session)
    users: dict[str, User] = {}
    created_users: list[str] = []
    for row in todo:
        v = row.values
        if v["school"] and fold(v["school"]) not in schools:
            school = School(name=v["school"], school_form=v["school_form"], provider=v["provider"],
                            district=v["district"])
            session.add(school)
            schools[fold(v["school"])] = school
        name = v["coordinator"]
        if name and fold(name) not in users:
            user = known_users.get(fold(name))
            if user is None:
                user = create_user(session, username=username_for(session, name), name=name,
                                        role=COORDINATOR, password=None, by=by, active=False)
                created_users.append(f"{name} ({user.username})")
            users[fold(name)] = user
    session.flush()

    _write_cases(session, todo, schools, users, by, file_name, progress)
    report.new_coordinators = created_users
    report.written = True
    audit.record(session, by, audit.IMPORT, None,
                 f"importerade {file_name}: {report.new} nya ärenden, {report.existing} fanns redan"
                 + (f", nya skolor: {', '.join(report.new_schools)}" if report.new_schools else "")
                 + (f", nya koordinatorer: {', '.join(created_users)}" if created_users else ""))
    return report


def _case_defaults() -> dict[str, Any]:
    """Every column of a new case with the model's defaults, validated once for the whole import."""
    template = Case.model_validate({"number": "-", "pupil_code": "-", "school_form": "-", "provider": "-",
                                    "received_on": clock.today()}).model_dump()
    template.pop("id")
    return template


def _numbers(session: Session, rows: list[Row]) -> dict[int, str]:
    """A number for each row without one, reserved per received year in one go; never one that a row further
    down the file names for itself."""
    in_file = {row.values["number"] for row in rows if row.values["number"]}
    by_year: dict[int, list[Row]] = {}
    for row in rows:
        if not row.values["number"]:
            by_year.setdefault(row.values["received_on"].year, []).append(row)
    numbers: dict[int, str] = {}
    for year, year_rows in sorted(by_year.items()):
        for row, number in zip(year_rows, cases.reserve_case_numbers(session, year, len(year_rows), in_file)):
            numbers[row.line] = number
    return numbers


def _write_cases(session: Session, rows: list[Row], schools: dict[str, School], users: dict[str, User],
                 by: str | None, file_name: str, progress: Progress | None) -> None:
    """All rows as multi-row INSERTs of BATCH cases (then their assignments and timeline events), in the caller's
    transaction: the whole file lands at its commit, or nothing does."""
    generated = _numbers(session, rows)
    defaults = _case_defaults()
    now, today = clock.now(), clock.today()
    for start in range(0, len(rows), BATCH):
        batch = rows[start:start + BATCH]
        fields = [_case_fields(row, defaults, schools, users, by, generated) for row in batch]
        ids = _reserve_ids(session, len(batch))
        if ids:
            for (f, _), case_id in zip(fields, ids):
                f["id"] = case_id
        _insert(session, Case, [f for f, _ in fields])
        if not ids:
            # The new ids by number (unique): INSERT ... RETURNING in row order goes row by row on SQLite.
            numbers = [f["number"] for f, _ in fields]
            id_of = dict(session.exec(select(Case.number, Case.id).where(Case.number.in_(numbers))).all())  # type: ignore[attr-defined]
            ids = [id_of[n] for n in numbers]
        assignments = [
            {"case_id": case_id, "user_id": user.id, "lead": True, "assigned_by": by, "ended_at": None,
             "assigned_at": dt.datetime.combine(f["assigned_on"] or f["received_on"], dt.time(9), tzinfo=clock.LOCAL)}
            for case_id, (f, user) in zip(ids, fields) if user is not None]
        if assignments:
            _insert(session, Assignment, assignments)
        _insert(session, CaseEvent, [
            {"case_id": case_id, "kind": "importerat", "by": by, "on_date": today, "at": now,
             "text": f"Ärendet importerades från {file_name} (rad {row.line})."}
            for case_id, row in zip(ids, batch)])
        if progress is not None:
            progress(start + len(batch), len(rows))


def _reserve_ids(session: Session, n: int) -> list[int]:
    """On PostgreSQL, the ids of the next n cases taken from the table's own sequence, so the COPY carries them.
    Looking them up by number after the COPY took 150 ms a batch there (the planner still thought the growing
    table empty): 8 of 12 s for 50,000 rows. SQLite has no sequence; the lookup is fast there ([] = look up)."""
    if session.get_bind().dialect.name != "postgresql":
        return []
    rows = session.execute(text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"),
                           {"table": Case.__table__.name, "n": n}).all()
    return [r[0] for r in rows]


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """Many rows in one go on the session's own connection (so in its transaction): a COPY on PostgreSQL (an
    executemany there is a statement per row), the driver's executemany on SQLite (values converted by the
    column types once, not through SQLAlchemy's per-row machinery)."""
    table = model.__table__
    columns = list(rows[0])
    names = ", ".join(f'"{c}"' for c in columns)
    raw = session.connection().connection.driver_connection
    db.note_change(session)  # these writes bypass the ORM events that bump the data version
    dialect = session.get_bind().dialect
    if dialect.name == "postgresql":
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
        return
    convert = [table.c[c].type.bind_processor(dialect) for c in columns]
    values = [tuple(f(row[c]) if f else row[c] for c, f in zip(columns, convert)) for row in rows]
    raw.executemany(f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(columns))})', values)


def _case_fields(row: Row, defaults: dict[str, Any], schools: dict[str, School], users: dict[str, User],
                 by: str | None, generated: dict[int, str]) -> tuple[dict[str, Any], User | None]:
    v = row.values
    school = schools.get(fold(v["school"])) if v["school"] else None
    user = users.get(fold(v["coordinator"])) if v["coordinator"] else None
    received: dt.date = v["received_on"]
    fields: dict[str, Any] = dict(defaults)
    fields.update({
        "number": v["number"] or generated[row.line],
        "pupil_code": v["pupil_code"] or pupil_code(),
        "sex": v["sex"], "school_year": v["school_year"],
        "school_id": school.id if school else None,
        "school_form": v["school_form"], "provider": v["provider"],
        "district": v["district"] or (school.district if school else None),
        "received_on": received,
        "absence_percent_intake": v["absence_percent_intake"],
        "created_by": by, "updated_by": by,
    })
    assigned = v["assigned_on"]
    if v["closed_on"]:
        fields.update(assigned_on=assigned)
    elif user is not None:
        assigned = assigned or received
        fields.update(status=ASSIGNED, assigned_on=assigned, current_step="start", step_started_on=assigned)
    else:
        fields.update(status=QUEUED, assigned_on=assigned)
    if v["closed_on"]:
        closed = SimpleNamespace(**fields)  # apply_close is the one place that says what a closed case is
        closing.apply_close(closed, CaseClose(
            reason=v["closure_reason"], closed_on=v["closed_on"], attendance=v["attendance_at_closing"],
            effect_operative=v["effect_operative"], effect_coordinating=v["effect_coordinating"]))
        fields = vars(closed)
    return fields, user
