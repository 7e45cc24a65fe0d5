"""Which role may use which page. The menu is built from this, and every page checks it again itself."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageSpec:
    key: str
    path: str          # file under pages/
    title: str
    icon: str
    roles: frozenset[str]
    url_path: str
    in_menu: bool = True  # the case workspace is reached from the board, not the menu


ALL_STAFF = frozenset({"admin", "teamledare", "koordinator"})
CASE_WORKERS = frozenset({"teamledare", "koordinator"})

# Order is the menu order.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("start", "pages/start.py", "Start", ":material/home:",
             frozenset({"admin", "teamledare", "koordinator", "registrator", "lasare"}), "start"),
    PageSpec("board", "pages/arendetavla.py", "Ärendetavla", ":material/view_kanban:",
             CASE_WORKERS, "arendetavla"),
    PageSpec("intake", "pages/inkommande.py", "Inkommande ärende", ":material/note_add:",
             frozenset({"teamledare", "koordinator", "registrator"}), "inkommande"),
    PageSpec("case", "pages/arende.py", "Ärende", ":material/folder_open:",
             CASE_WORKERS, "arende", in_menu=False),
    PageSpec("interventions", "pages/insatser.py", "Insatser", ":material/checklist:",
             CASE_WORKERS, "insatser"),
    PageSpec("dashboard", "pages/indikatorer.py", "Indikatorer", ":material/monitoring:",
             frozenset({"admin", "teamledare", "koordinator", "lasare"}), "indikatorer"),
    PageSpec("meeting_view", "pages/motesvy.py", "Mötesvy", ":material/present_to_all:",
             frozenset({"admin", "teamledare", "koordinator", "lasare"}), "motesvy"),
    PageSpec("import_export", "pages/import_export.py", "Import och export", ":material/swap_vert:",
             frozenset({"admin", "teamledare"}), "import-export"),
    PageSpec("audit", "pages/granskningslogg.py", "Granskningslogg", ":material/policy:",
             frozenset({"admin"}), "granskningslogg"),
    PageSpec("users", "pages/anvandare.py", "Användare", ":material/group:",
             frozenset({"admin"}), "anvandare"),
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
