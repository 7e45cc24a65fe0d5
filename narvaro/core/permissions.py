"""Roles and every rule about who may do what: the menu per role, and who may open or change a case.

The menu is built from PAGES, and every page checks `may_use` again itself; the case page, the board and
every search ask `may_open`, so a screen never shows a case that the case page would refuse.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import false, or_
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, select

from narvaro.core.models import CLOSED, QUEUED, Assignment, Case

_ROOT = Path(__file__).resolve().parents[2]

ADMIN, TEAM_LEADER, COORDINATOR, REGISTRATOR, READER = "admin", "teamledare", "koordinator", "registrator", "lasare"
ROLES = (ADMIN, TEAM_LEADER, COORDINATOR, REGISTRATOR, READER)
ROLE_LABELS = {
    ADMIN: "Administratör",
    TEAM_LEADER: "Teamledare",
    COORDINATOR: "Koordinator",
    REGISTRATOR: "Registrator",
    READER: "Läsare",
}

ALL_STAFF = frozenset({ADMIN, TEAM_LEADER, COORDINATOR})
CASE_WORKERS = frozenset({TEAM_LEADER, COORDINATOR})     # work cases: may be handed cases, read their content
HANDOUT_ROLES = frozenset({TEAM_LEADER})                 # hand out cases from the queue
REOPEN_ROLES = frozenset({TEAM_LEADER})                  # reopen a closed case
PROMOTER_ROLES = frozenset({TEAM_LEADER})                # lift a custom intervention into the exempellista
INTAKE_ROLES = frozenset({TEAM_LEADER, COORDINATOR, REGISTRATOR})
FIGURE_ROLES = frozenset({ADMIN, TEAM_LEADER, COORDINATOR, READER})  # the indicators
DATA_ROLES = frozenset({ADMIN, TEAM_LEADER})             # import and export
PROCESS_ROLES = frozenset({ADMIN, TEAM_LEADER})          # change the arbetsgång: publish and roll back versions
SCHOOL_WORK_ROLES = CASE_WORKERS                         # record work with schools; see which schools refer cases


def role_label(role: str | None) -> str:
    return ROLE_LABELS.get(role or "", role or "")


def sees_only_aggregates(role: str | None) -> bool:
    """Läsare see suppressed aggregates only: small counts hidden, staff not named."""
    return role == READER


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in person as every rule sees them (read fresh from the database at each page load)."""
    id: int
    username: str
    name: str
    role: str
    district: str | None = None


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str          # file under pages/
    title: str
    icon: str
    roles: frozenset[str]
    url_path: str
    in_menu: bool = True  # the case workspace is reached from the board, not the menu


# Order is the menu order.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("start", "pages/start.py", "Start", ":material/home:", frozenset(ROLES), "start"),
    PageSpec("board", "pages/arendetavla.py", "Ärendetavla", ":material/view_kanban:", CASE_WORKERS, "arendetavla"),
    PageSpec("intake", "pages/inkommande.py", "Inkommande ärende", ":material/note_add:", INTAKE_ROLES, "inkommande"),
    PageSpec("case", "pages/arende.py", "Ärende", ":material/folder_open:", CASE_WORKERS, "arende", in_menu=False),
    PageSpec("interventions", "pages/insatser.py", "Insatser", ":material/checklist:", CASE_WORKERS, "insatser"),
    PageSpec("school_work", "pages/skolor.py", "Arbete med skolor", ":material/school:", SCHOOL_WORK_ROLES, "skolor"),
    PageSpec("dashboard", "pages/indikatorer.py", "Indikatorer", ":material/monitoring:", FIGURE_ROLES, "indikatorer"),
    PageSpec("meeting_view", "pages/motesvy.py", "Mötesvy", ":material/present_to_all:", FIGURE_ROLES, "motesvy"),
    PageSpec("import_export", "pages/import_export.py", "Import och export", ":material/swap_vert:", DATA_ROLES,
             "import-export"),
    PageSpec("process_editor", "pages/arbetsgang.py", "Arbetsgång", ":material/account_tree:", PROCESS_ROLES,
             "arbetsgang"),
    PageSpec("audit", "pages/granskningslogg.py", "Granskningslogg", ":material/policy:", frozenset({ADMIN}),
             "granskningslogg"),
    PageSpec("users", "pages/anvandare.py", "Användare", ":material/group:", frozenset({ADMIN}), "anvandare"),
)

BY_KEY = {p.key: p for p in PAGES}


def may_use(role: str | None, page_key: str) -> bool:
    spec = BY_KEY.get(page_key)
    return bool(role and spec and role in spec.roles)


def pages_for(role: str | None) -> list[PageSpec]:
    """The pages a role gets, in menu order (only those whose page file exists)."""
    return [p for p in PAGES if role in p.roles and (_ROOT / p.path).exists()]


def may_read_case_content(role: str | None) -> bool:
    """Registrators register requests but must not read what happens in a case; läsare see aggregates only."""
    return role in CASE_WORKERS


def may_open(session: Session, role: str, user_id: int, case: Case) -> bool:
    """Least people: the team leader sees every case; a coordinator the cases they are (or were) on,
    and queued cases, which they need to see for the hand-out talk."""
    if role == TEAM_LEADER:
        return True
    if role != COORDINATOR:
        return False
    if case.status == QUEUED:
        return True
    row = session.exec(select(Assignment.id).where(Assignment.case_id == case.id,
                                                   Assignment.user_id == user_id)).first()
    return row is not None


def openable(role: str | None, user_id: int | None) -> ColumnElement[bool] | None:
    """`may_open` as a SQL condition on `cases`, for lists of cases (the board, the list view, searches): None
    means every case. A coordinator's lists then hold exactly the cases the case page would open for them."""
    if role == TEAM_LEADER:
        return None
    if role != COORDINATOR or user_id is None:
        return false()
    mine = select(Assignment.case_id).where(Assignment.user_id == user_id)
    return or_(Case.status == QUEUED, Case.id.in_(mine))  # type: ignore[union-attr]


def may_work_on(session: Session, role: str, user_id: int, case: Case) -> bool:
    """Changing a case needs it handed out and open, and the person on it (or the team leader)."""
    if case.status in (QUEUED, CLOSED) or role not in CASE_WORKERS:
        return False
    return may_open(session, role, user_id, case)


def may_enter_survey_answers(role: str | None, case: Case) -> bool:
    """Answers arrive after closing, so a closed case still takes them; a queued one has no one on it yet."""
    return role in CASE_WORKERS and case.status != QUEUED
