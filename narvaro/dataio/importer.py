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
from typing import Any

from sqlmodel import Session, select

from narvaro.casework import cases, closing
from narvaro.casework.inputs import CaseClose
from narvaro.core import audit, clock
from narvaro.core.config import Config, get_config
from narvaro.core.models import ASSIGNED, QUEUED, Assignment, Case, School, User
from narvaro.core.permissions import COORDINATOR
from narvaro.core.text import fold
from narvaro.core.users import create_user
from narvaro.dataio.import_format import GENERATED_CODE_PREFIX, IMPORT_USER_PREFIX, Report, Row, check, users_by_name

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
                config: Config | None = None) -> Report:
    """Check the file and, when every row is right and this is not a dry run, write all new rows.

    The caller commits (or rolls back); nothing is flushed before every row has passed its checks.
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

    # Rows with their own number first, so a generated number never takes one the file names further down.
    ordered = [r for r in todo if r.values["number"]] + [r for r in todo if not r.values["number"]]
    for row in ordered:
        _write_case(session, row, schools, users, by, file_name)
    report.new_coordinators = created_users
    report.written = True
    audit.record(session, by, audit.IMPORT, None,
                 f"importerade {file_name}: {report.new} nya ärenden, {report.existing} fanns redan"
                 + (f", nya skolor: {', '.join(report.new_schools)}" if report.new_schools else "")
                 + (f", nya koordinatorer: {', '.join(created_users)}" if created_users else ""))
    return report


def _write_case(session: Session, row: Row, schools: dict[str, School], users: dict[str, User],
                by: str | None, file_name: str) -> None:
    v = row.values
    school = schools.get(fold(v["school"])) if v["school"] else None
    user = users.get(fold(v["coordinator"])) if v["coordinator"] else None
    received: dt.date = v["received_on"]
    fields: dict[str, Any] = {
        "number": v["number"] or cases.next_case_number(session, received.year),
        "pupil_code": v["pupil_code"] or pupil_code(),
        "sex": v["sex"], "school_year": v["school_year"],
        "school_id": school.id if school else None,
        "school_form": v["school_form"], "provider": v["provider"],
        "district": v["district"] or (school.district if school else None),
        "received_on": received,
        "absence_percent_intake": v["absence_percent_intake"],
        "created_by": by, "updated_by": by,
    }
    assigned = v["assigned_on"]
    if v["closed_on"]:
        fields.update(assigned_on=assigned)
    elif user is not None:
        assigned = assigned or received
        fields.update(status=ASSIGNED, assigned_on=assigned, current_step="start", step_started_on=assigned)
    else:
        fields.update(status=QUEUED, assigned_on=assigned)
    case = Case.model_validate(fields)
    if v["closed_on"]:
        closing.apply_close(case, CaseClose(
            reason=v["closure_reason"], closed_on=v["closed_on"], attendance=v["attendance_at_closing"],
            effect_operative=v["effect_operative"], effect_coordinating=v["effect_coordinating"]))
    session.add(case)
    session.flush()
    if user is not None:
        on = assigned or received
        session.add(Assignment(case_id=case.id, user_id=user.id, lead=True, assigned_by=by,
                               assigned_at=dt.datetime.combine(on, dt.time(9), tzinfo=clock.LOCAL)))
    cases.add_event(session, case.id, "importerat", f"Ärendet importerades från {file_name} (rad {row.line}).",
                    by, clock.today())
