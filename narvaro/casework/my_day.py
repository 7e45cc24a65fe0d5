"""Min dag: what each role's start page shows, read with a few small queries.

- a coordinator: their own open cases, most urgent first, each with its next thing to do and its date, this
  week's meetings and the tasks due;
- the team leader: the queue (count, longest wait), incomplete referrals, warnings across the team, caseload;
- a registrator: their own registrations with status only (no case content);
- an administrator: users, failed logins, the latest backup.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func
from sqlmodel import Session, col, select

from narvaro.casework import board, caseload
from narvaro.casework.workflow import window_dates
from narvaro.core import audit, clock, school_year
from narvaro.core.config import Config, get_config
from narvaro.core.models import ACTIVE, ASSIGNED, CLOSED, QUEUED, Assignment, AuditEntry, Case, Consent, Task, User

# How far ahead a consent that runs out is worth a line on the start page (a local choice, not a seed rule).
CONSENT_NOTICE_DAYS = 30


@dataclass(frozen=True)
class Due:
    """One thing to do in a case, with its date."""
    what: str
    on: dt.date

    def overdue(self, today: dt.date) -> bool:
        return self.on < today


@dataclass
class DayCase:
    id: int
    number: str
    pupil_code: str
    step: str
    dues: list[Due] = field(default_factory=list)

    @property
    def next(self) -> Due | None:
        return min(self.dues, key=lambda d: d.on) if self.dues else None


@dataclass
class CoordinatorDay:
    cases: list[DayCase]            # most urgent first
    meetings: list[tuple[dt.date, str, str]]  # (day, case number, pupil code) this week
    tasks: list[tuple[dt.date, str, str]]     # (due, case number, task text) due by the end of the week, overdue first
    week: tuple[dt.date, dt.date]


def week_of(today: dt.date) -> tuple[dt.date, dt.date]:
    monday = today - dt.timedelta(days=today.weekday())
    return monday, monday + dt.timedelta(days=6)


def _step_due(case: Case, cfg: Config) -> Due | None:
    """The current step's deadline from its window in data/process.yaml (none for Steg 3 and 4)."""
    if case.current_step is None:
        return None
    step = next((s for s in cfg.process.steps if s.key == case.current_step), None)
    if step is None or not step.window.days:
        return None
    start = {"received": case.received_on, "first_rector_contact": case.first_rector_contact_on}.get(
        step.window.start, case.step_started_on)
    _, due = window_dates(step, start)
    return Due(f"{step.name} klart", due) if due else None


def _limit_due(case: Case, cfg: Config) -> Due:
    rules = cfg.process.rules
    months = rules.case_max_months
    started = case.first_rector_contact_on or case.assigned_on or case.received_on
    if rules.case_max_count == "school_time":  # as the board counts it: school days, holidays not counted
        limit = school_year.add_days(cfg.calendar, "school_time", started, school_year.months_as_days(months))
    else:
        limit = clock.add_months(started, months)
    if case.extended_until and case.extended_until > limit:
        return Due("Förlängningen går ut", case.extended_until)
    return Due(f"{months} månader", limit)


def coordinator_day(session: Session, user_id: int, today: dt.date, cfg: Config | None = None) -> CoordinatorDay:
    cfg = cfg or get_config()
    steps = {s.key: s.name for s in cfg.process.steps}
    rows = session.exec(
        select(Case).join(Assignment, Assignment.case_id == Case.id)  # type: ignore[arg-type]
        .where(Assignment.user_id == user_id, col(Assignment.ended_at).is_(None),
               col(Case.status).in_((ASSIGNED, ACTIVE)))
        .order_by(Case.id)
    ).all()
    cases = {c.id: c for c in rows}
    out = {cid: DayCase(cid, c.number, c.pupil_code, steps.get(c.current_step or "", "Tilldelad"))
           for cid, c in cases.items()}
    ids = list(cases)
    monday, sunday = week_of(today)
    meetings = []
    for cid, c in cases.items():
        item = out[cid]
        step_due = _step_due(c, cfg)
        if step_due:
            item.dues.append(step_due)
        if c.next_meeting_on:
            item.dues.append(Due("Uppföljningsmöte", c.next_meeting_on))
            if monday <= c.next_meeting_on <= sunday:
                meetings.append((c.next_meeting_on, c.number, c.pupil_code))
        item.dues.append(_limit_due(c, cfg))
    tasks = []
    if ids:
        for cid, due, text in session.exec(
                select(Task.case_id, Task.due_on, Task.text)
                .where(col(Task.case_id).in_(ids), col(Task.done_on).is_(None), col(Task.due_on).is_not(None),
                       col(Task.due_on) <= sunday)
                .order_by(col(Task.due_on), col(Task.id))).all():
            tasks.append((due, cases[cid].number, text))
            if due < today:
                out[cid].dues.append(Due("Försenad uppgift", due))
        horizon = today + dt.timedelta(days=CONSENT_NOTICE_DAYS)
        for cid, until in session.exec(
                select(Consent.case_id, func.max(Consent.valid_until))
                .where(col(Consent.case_id).in_(ids), col(Consent.withdrawn_on).is_(None),
                       col(Consent.valid_until).is_not(None), Consent.given_on <= today)
                .group_by(Consent.case_id)).all():
            if until is not None and until <= horizon:
                out[cid].dues.append(Due("Samtycket går ut" if until >= today else "Samtycket har gått ut", until))
    ordered = sorted(out.values(), key=lambda d: (d.next.on if d.next else dt.date.max, d.number))
    return CoordinatorDay(ordered, sorted(meetings), tasks, (monday, sunday))


@dataclass
class LeaderDay:
    queued: int
    longest_wait: int | None        # days the first case in the queue has waited
    incomplete: list[board.Card]    # queued, marked "komplettering behövs"
    warnings: dict[str, int]
    loads: list[caseload.Load]


def leader_day(session: Session, today: dt.date, cfg: Config | None = None) -> LeaderDay:
    cfg = cfg or get_config()
    queued, oldest = session.exec(select(func.count(), func.min(Case.received_on)).where(Case.status == QUEUED)).one()
    incomplete = [c for c in board.queue(session, today, cfg=cfg) if c.needs_completion]
    return LeaderDay(int(queued), (today - oldest).days if oldest else None, incomplete,
                     board.warning_counts(session, today, cfg=cfg), caseload.handout_candidates(session))


NEEDS_COMPLETION, IN_QUEUE, ASSIGNED_LABEL, CLOSED_LABEL = "komplettering behövs", "i kö", "tilldelad", "avslutad"


@dataclass(frozen=True)
class Registration:
    """A request as its registrator may see it afterwards: number, dates and status, no case content."""
    number: str
    received_on: dt.date
    registered_on: dt.date
    status: str
    missing: str | None  # what the request lacks, while it is marked for completion


def registration_status(case_status: str, needs_completion: bool) -> str:
    if case_status == CLOSED:
        return CLOSED_LABEL
    if needs_completion:
        return NEEDS_COMPLETION
    return IN_QUEUE if case_status == QUEUED else ASSIGNED_LABEL


def registrations(session: Session, username: str, limit: int = 100) -> list[Registration]:
    """The requests `username` registered, newest first."""
    rows = session.exec(
        select(Case.number, Case.received_on, Case.created_at, Case.status, Case.needs_completion,
               Case.missing_prerequisites)
        .where(Case.created_by == username).order_by(col(Case.created_at).desc(), col(Case.id).desc()).limit(limit)
    ).all()
    return [Registration(number, received, clock.local(created).date(),
                         registration_status(status, bool(needs)), missing if needs else None)
            for number, received, created, status, needs, missing in rows]


@dataclass
class AdminDay:
    users_by_role: dict[str, int]   # active users
    inactive: int
    locked: int
    failed_logins: list[tuple[dt.datetime, str | None]]  # the latest, newest first
    failed_week: int
    last_backup: dt.datetime | None


def admin_day(session: Session, now: dt.datetime, limit: int = 10) -> AdminDay:
    by_role = dict(session.exec(select(User.role, func.count()).where(User.active == True)  # noqa: E712
                                .group_by(User.role)).all())
    inactive = session.exec(select(func.count()).select_from(User).where(User.active == False)).one()  # noqa: E712
    locked = session.exec(select(func.count()).select_from(User).where(col(User.locked_until) > now)).one()
    failed = session.exec(select(AuditEntry.at, AuditEntry.username).where(AuditEntry.action == audit.LOGIN_FAILED)
                          .order_by(col(AuditEntry.id).desc()).limit(limit)).all()
    week = session.exec(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.action == audit.LOGIN_FAILED, AuditEntry.at >= now - dt.timedelta(days=7))).one()
    backup = session.exec(select(func.max(AuditEntry.at)).where(AuditEntry.action == audit.BACKUP)).one()
    return AdminDay({k: int(v) for k, v in by_role.items()}, int(inactive), int(locked),
                    [(at, who) for at, who in failed], int(week), backup)
