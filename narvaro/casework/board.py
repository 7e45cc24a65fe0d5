"""The case board: columns by state, the warning rules and the filters.

Everything here is a query that loads only what the board shows: counts come from GROUP BY, each
column is fetched with its own WHERE ... ORDER BY ... LIMIT. The warning rules are SQL conditions
built from data/process.yaml, so the same rule both marks a card and filters "warnings only".
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from sqlalchemy import and_, func, literal, not_, or_
from sqlalchemy import case as sql_case
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from narvaro.core import clock, school_year
from narvaro.core.config import Config, get_config
from narvaro.core.errors import CalendarGap
from narvaro.core.models import ACTIVE, ASSIGNED, CLOSED, QUEUED, Assignment, Case, School, User

CARD_LIMIT = 50
CLOSED_LIMIT = 10
QUEUE, ASSIGNED_COL, FOLLOW_UP, CLOSED_COL = "ko", "tilldelad", "uppfoljning", "avslutad"
# Every closed case in the archive has no next meeting, so an index lookup on "IS NULL" would visit them all;
# wrapped, the planner takes the status index (a handful of open cases) instead.
NO_NEXT_MEETING = func.coalesce(Case.next_meeting_on, Case.next_meeting_on).is_(None)

# Warning keys, in the order the board lists them.
STEP1_LATE, NO_MEETING, MEETING_OVERDUE, TOO_OLD, QUEUE_LONG = (
    "steg1_sen", "inget_mote", "mote_passerat", "for_gammalt", "lang_ko")


def _holidays(count: str) -> str:
    return f" ({school_year.NO_HOLIDAY_NOTE})" if count == "school_time" else ""


def warning_labels(cfg: Config | None = None) -> dict[str, str]:
    rules = (cfg or get_config()).process.rules
    return {
        STEP1_LATE: f"Steg 1 inte klart inom {rules.step1_days} dagar från första kontakt med rektor"
                    + _holidays(rules.step1_count),
        NO_MEETING: "Inget uppföljningsmöte bokat",
        MEETING_OVERDUE: "Uppföljningen är försenad: mötesdatumet har passerat",
        TOO_OLD: f"Ärendet har pågått mer än {rules.case_max_months} månader" + _holidays(rules.case_max_count),
        QUEUE_LONG: f"Har väntat i kö mer än {rules.queue_warning_days} dagar",
    }


def _step1_keys(cfg: Config) -> list[str]:
    """The steps that are not 'done with step 1' yet: up to the step counted from the first rector contact."""
    keys = [s.key for s in cfg.process.steps]
    marked = [i for i, s in enumerate(cfg.process.steps) if s.window.start == "first_rector_contact"]
    last = marked[-1] if marked else 1
    return keys[: last + 1]


def _overdue_before(cfg: Config, count: str, today: dt.date, n: int) -> dt.date:
    """The start day before which a deadline of n days has passed today; with no school year in the calendar the
    rule counts calendar days (calendar_warning tells the board so)."""
    try:
        return school_year.overdue_before(cfg.calendar, count, today, n)  # type: ignore[arg-type]
    except CalendarGap:
        return today - dt.timedelta(days=n)


def _too_old_before(cfg: Config, today: dt.date) -> dt.date:
    rules = cfg.process.rules
    if rules.case_max_count == "school_time":
        days = school_year.months_as_days(rules.case_max_months)
        try:
            return cfg.calendar.latest_overdue_start(today, days)
        except CalendarGap:
            pass
    return clock.earliest_start_within(today, rules.case_max_months)


def calendar_warning(today: dt.date, cfg: Config | None = None) -> str | None:
    """A warning for the board and start page when the school year of today (or of the six months before) is
    missing in data/calendar.yaml: deadlines counted in school time are then counted in calendar days."""
    cfg = cfg or get_config()
    rules = cfg.process.rules
    if "school_time" not in (rules.step1_count, rules.case_max_count):
        return None
    try:
        cfg.calendar.latest_overdue_start(today, school_year.months_as_days(rules.case_max_months))
    except CalendarGap as gap:
        return f"{gap} Tills dess räknas tidsgränserna på tavlan i kalenderdagar."
    return None


def school_time_note(cfg: Config | None = None) -> str:
    """What the board and start page say about deadlines counted in school time, "" when none is."""
    cfg = cfg or get_config()
    counted = [s.name for s in cfg.process.steps if s.window.count == "school_time" and s.window.days]
    if cfg.process.rules.case_max_count == "school_time":
        counted.append("sexmånadersgränsen")
    if not counted:
        return ""
    return f"Tidsgränserna för {', '.join(counted)} räknas i skoltid: {school_year.NO_HOLIDAY_NOTE}."


def warning_conditions(today: dt.date, cfg: Config | None = None) -> dict[str, ColumnElement[bool]]:
    """Each warning rule as a SQL condition on `cases` for the given day. A deadline counted in school time is
    turned into the day a start must be before (holidays skipped), so the rule stays one SQL comparison."""
    cfg = cfg or get_config()
    rules = cfg.process.rules
    open_ = Case.status.in_((ASSIGNED, ACTIVE))  # type: ignore[union-attr]
    meeting_steps = [s.key for s in cfg.process.steps if s.ends_with_meeting]
    started = func.coalesce(Case.first_rector_contact_on, Case.assigned_on, Case.received_on)
    return {
        STEP1_LATE: and_(open_, Case.first_rector_contact_on.is_not(None),  # type: ignore[union-attr]
                         Case.first_rector_contact_on < _overdue_before(cfg, rules.step1_count, today,
                                                                        rules.step1_days),
                         or_(Case.current_step.is_(None),  # type: ignore[union-attr]
                             Case.current_step.in_(_step1_keys(cfg)))),  # type: ignore[union-attr]
        NO_MEETING: and_(Case.status == ACTIVE, Case.current_step.in_(meeting_steps),  # type: ignore[union-attr]
                         NO_NEXT_MEETING),
        MEETING_OVERDUE: and_(open_, Case.next_meeting_on < today),
        TOO_OLD: and_(open_, started < _too_old_before(cfg, today),
                      or_(Case.extended_until.is_(None), Case.extended_until < today)),  # type: ignore[union-attr]
        QUEUE_LONG: and_(Case.status == QUEUED,
                         Case.received_on < today - dt.timedelta(days=rules.queue_warning_days)),
    }


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    title: str


def columns(cfg: Config | None = None) -> list[ColumnSpec]:
    """Kö, Tilldelad, the workflow steps after the first, Uppföljning bokad, Avslutad (senaste)."""
    cfg = cfg or get_config()
    steps = [ColumnSpec(s.key, s.name) for s in cfg.process.steps[1:]]
    return [ColumnSpec(QUEUE, "Kö"), ColumnSpec(ASSIGNED_COL, "Tilldelad"), *steps,
            ColumnSpec(FOLLOW_UP, "Uppföljning bokad"), ColumnSpec(CLOSED_COL, "Avslutad (senaste)")]


def column_conditions(cfg: Config | None = None) -> dict[str, ColumnElement[bool]]:
    """Mutually exclusive conditions: every case belongs to exactly one column."""
    cfg = cfg or get_config()
    later = [s.key for s in cfg.process.steps[1:]]
    active_no_meeting = and_(Case.status == ACTIVE, NO_NEXT_MEETING)
    conds: dict[str, ColumnElement[bool]] = {
        QUEUE: Case.status == QUEUED,
        ASSIGNED_COL: or_(Case.status == ASSIGNED,
                          and_(active_no_meeting, or_(Case.current_step.is_(None),  # type: ignore[union-attr]
                                                      not_(Case.current_step.in_(later))))),  # type: ignore[union-attr]
    }
    for key in later:
        conds[key] = and_(active_no_meeting, Case.current_step == key)
    conds[FOLLOW_UP] = and_(Case.status == ACTIVE, Case.next_meeting_on.is_not(None))  # type: ignore[union-attr]
    # Walked newest first along the closed_on index: the archive of closed cases is never scanned.
    conds[CLOSED_COL] = Case.closed_on.is_not(None)  # type: ignore[union-attr]
    return conds


# The board counts and warns about open cases only; their status index keeps the archive out of every aggregate.
OPEN = Case.status.in_((QUEUED, ASSIGNED, ACTIVE))  # type: ignore[union-attr]


_ORDER = {
    QUEUE: (Case.received_on, Case.id),
    ASSIGNED_COL: (Case.assigned_on, Case.id),
    FOLLOW_UP: (Case.next_meeting_on, Case.id),
    CLOSED_COL: (Case.closed_on.desc(), Case.id.desc()),  # type: ignore[union-attr]
}


@dataclass(frozen=True)
class BoardFilters:
    coordinator: str | None = None  # username
    district: str | None = None
    school_form: str | None = None
    provider: str | None = None
    state: str | None = None        # a column key
    warnings_only: bool = False
    mine: bool = False              # "mina ärenden": the page resolves it to the user as coordinator

    # URL parameter names, so a view can be bookmarked and shared.
    PARAMS = {"coordinator": "koordinator", "district": "omrade", "school_form": "skolform",
              "provider": "huvudman", "state": "lage", "warnings_only": "varningar", "mine": "mina"}

    @classmethod
    def from_params(cls, params: Mapping[str, Any], cfg: Config | None = None) -> "BoardFilters":
        """Read filters from query parameters; unknown values are dropped rather than trusted."""
        cfg = cfg or get_config()
        ref = cfg.reference

        def pick(name: str, allowed: list[str] | None) -> str | None:
            value = params.get(cls.PARAMS[name])
            if isinstance(value, list):
                value = value[0] if value else None
            value = str(value).strip() if value else None
            return value if value and (allowed is None or value in allowed) else None

        def flag(name: str) -> bool:
            return str(params.get(cls.PARAMS[name], "")).lower() in {"1", "ja", "true"}

        return cls(coordinator=pick("coordinator", None),
                   district=pick("district", [d.key for d in ref.districts]),
                   school_form=pick("school_form", ref.school_forms),
                   provider=pick("provider", ref.providers),
                   state=pick("state", [c.key for c in columns(cfg)]),
                   warnings_only=flag("warnings_only"), mine=flag("mine"))

    def to_params(self) -> dict[str, str]:
        out = {}
        for name, param in self.PARAMS.items():
            value = getattr(self, name)
            if value is True:
                out[param] = "1"
            elif value:
                out[param] = str(value)
        return out

    def resolved(self, username: str | None) -> "BoardFilters":
        """'Mina ärenden' means: the logged-in user as the coordinator filter."""
        return replace(self, coordinator=username) if self.mine and username else self


def filter_conditions(filters: BoardFilters, today: dt.date, cfg: Config | None = None) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if filters.coordinator:
        on_case = (select(Assignment.case_id).join(User, User.id == Assignment.user_id)  # type: ignore[arg-type]
                   .where(User.username == filters.coordinator, Assignment.ended_at.is_(None)))  # type: ignore[union-attr]
        conds.append(Case.id.in_(on_case))  # type: ignore[union-attr]
    if filters.district:
        conds.append(Case.district == filters.district)
    if filters.school_form:
        conds.append(Case.school_form == filters.school_form)
    if filters.provider:
        conds.append(Case.provider == filters.provider)
    if filters.warnings_only:
        conds.append(or_(*warning_conditions(today, cfg).values()))
    return conds


@dataclass
class Card:
    id: int
    number: str
    version: int
    pupil_code: str
    school: str | None
    school_form: str
    district: str | None
    status: str
    current_step: str | None
    received_on: dt.date
    days_since_received: int
    days_in_step: int | None
    next_meeting_on: dt.date | None
    closed_on: dt.date | None
    needs_completion: bool
    missing_prerequisites: str | None
    warnings: list[str] = field(default_factory=list)
    coordinators: list[str] = field(default_factory=list)


@dataclass
class Column:
    key: str
    title: str
    total: int            # every case in the column (the filters apply)
    cards: list[Card]
    visible: int | None = None  # of those, the cases the viewer may open (None: all of them)

    @property
    def hidden(self) -> int:
        """Cases the viewer may not open: shown only as this count."""
        return 0 if self.visible is None else max(0, self.total - self.visible)

    @property
    def more(self) -> int:
        return max(0, (self.total if self.visible is None else self.visible) - len(self.cards))


@dataclass
class Board:
    today: dt.date
    filters: BoardFilters
    columns: list[Column]
    warning_counts: dict[str, int]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


def _order(key: str) -> tuple:
    return _ORDER.get(key, (Case.step_started_on, Case.id))


def column_counts(session: Session, conds: list[ColumnElement[bool]], cfg: Config) -> dict[str, int]:
    """Cards per column in one GROUP BY."""
    which = sql_case(*[(cond, literal(key)) for key, cond in column_conditions(cfg).items()], else_=literal("")).label("col")
    rows = session.exec(select(which, func.count()).select_from(Case).where(*conds).group_by(which)).all()
    return {key: int(n) for key, n in rows}


def warning_counts(session: Session, today: dt.date, filters: BoardFilters | None = None,
                   cfg: Config | None = None) -> dict[str, int]:
    """How many cases each warning rule hits (one aggregate query)."""
    cfg = cfg or get_config()
    conds = filter_conditions(filters or BoardFilters(), today, cfg)
    rules = warning_conditions(today, cfg)
    sums = [func.coalesce(func.sum(sql_case((cond, 1), else_=0)), 0).label(key) for key, cond in rules.items()]
    row = session.exec(select(*sums).select_from(Case).where(OPEN, *conds)).one()
    return {key: int(value) for key, value in zip(rules, row)}


def _cards(session: Session, key: str, where: list[ColumnElement[bool]], limit: int, today: dt.date,
           cfg: Config) -> list[Card]:
    rules = warning_conditions(today, cfg)
    flags = [sql_case((cond, 1), else_=0).label(f"w_{k}") for k, cond in rules.items()]
    q = (select(Case.id, Case.number, Case.version, Case.pupil_code, School.name, Case.school_form, Case.district,
                Case.status, Case.current_step, Case.received_on, Case.step_started_on, Case.next_meeting_on,
                Case.closed_on, Case.needs_completion, Case.missing_prerequisites, *flags)
         .select_from(Case).outerjoin(School, School.id == Case.school_id)  # type: ignore[arg-type]
         .where(*where).order_by(*_order(key)).limit(limit))
    cards = []
    for row in session.exec(q).all():
        (cid, number, version, code, school, form, district, status, step, received, step_start, next_meeting,
         closed, needs, missing, *hits) = row
        end = closed or today
        cards.append(Card(
            id=cid, number=number, version=version, pupil_code=code, school=school, school_form=form,
            district=district, status=status, current_step=step, received_on=received,
            days_since_received=(end - received).days,
            days_in_step=(today - step_start).days if step_start and status != CLOSED else None,
            next_meeting_on=next_meeting, closed_on=closed, needs_completion=bool(needs),
            missing_prerequisites=missing, warnings=[k for k, hit in zip(rules, hits) if hit]))
    return cards


def coordinator_names(session: Session, case_ids: list[int]) -> dict[int, list[str]]:
    """The coordinators currently on each of the given cases, lead first."""
    if not case_ids:
        return {}
    rows = session.exec(
        select(Assignment.case_id, User.name).join(User, User.id == Assignment.user_id)  # type: ignore[arg-type]
        .where(Assignment.case_id.in_(case_ids), Assignment.ended_at.is_(None))  # type: ignore[union-attr]
        .order_by(Assignment.case_id, Assignment.lead.desc(), User.name)  # type: ignore[union-attr]
    ).all()
    out: dict[int, list[str]] = {}
    for case_id, name in rows:
        out.setdefault(case_id, []).append(name)
    return out


def load_board(session: Session, filters: BoardFilters, today: dt.date, limit: int = CARD_LIMIT,
               closed_limit: int = CLOSED_LIMIT, cfg: Config | None = None,
               visible: ColumnElement[bool] | None = None) -> Board:
    """Everything the board page shows: per column a count and at most `limit` cards (closed: the latest).

    `visible` (permissions.openable) limits the cards to the cases the viewer may open; the others are only
    counted (Column.hidden)."""
    cfg = cfg or get_config()
    conds = filter_conditions(filters, today, cfg)
    counts = column_counts(session, [OPEN, *conds], cfg)
    seen = counts if visible is None else column_counts(session, [OPEN, *conds, visible], cfg)
    mine = [] if visible is None else [visible]
    col_conds = column_conditions(cfg)
    shown = [c for c in columns(cfg) if filters.state in (None, c.key)]
    result = []
    for spec in shown:
        n = closed_limit if spec.key == CLOSED_COL else limit
        cards = _cards(session, spec.key, [*conds, *mine, col_conds[spec.key]], n, today, cfg)
        if spec.key == CLOSED_COL:
            total, count = len(cards), None
        else:
            total, count = counts.get(spec.key, 0), (None if visible is None else seen.get(spec.key, 0))
        result.append(Column(spec.key, spec.title, total, cards, count))
    names = coordinator_names(session, [card.id for col in result for card in col.cards])
    for col in result:
        for card in col.cards:
            card.coordinators = names.get(card.id, [])
    return Board(today, filters, result, warning_counts(session, today, filters, cfg))


def queue(session: Session, today: dt.date, limit: int = CARD_LIMIT, filters: BoardFilters | None = None,
          cfg: Config | None = None) -> list[Card]:
    """Queued cases in turn order (received, then registration order)."""
    cfg = cfg or get_config()
    conds = filter_conditions(filters or BoardFilters(), today, cfg)
    return _cards(session, QUEUE, [*conds, column_conditions(cfg)[QUEUE]], limit, today, cfg)
