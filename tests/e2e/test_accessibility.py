"""axe-core on every page of the app, in Chromium: no serious or critical violation caused by our own content.

Violations that come from Streamlit's own markup (not from anything a page file controls) are listed in
docs/accessibility.md with the reason, and excluded here by rule and selector, each with its comment.
Everything else fails the test with the rule, the element and axe's help link.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from narvaro.core import db, permissions
from narvaro.core.models import ACTIVE, Case
from tests.e2e.conftest import login, open_page
from tools import appserver

pytestmark = pytest.mark.e2e

# (rule id, regular expression matched against the element's CSS selector as axe reports it)
# Every entry is a Streamlit problem documented in docs/accessibility.md; nothing the app renders itself.
KNOWN_STREAMLIT = [
]

SERIOUS = {"serious", "critical"}


def _known(rule: str, target: str) -> bool:
    return any(rule == r and re.search(pattern, target) for r, pattern in KNOWN_STREAMLIT)


def run_axe(page, axe_source: str) -> list[dict]:
    """Serious and critical violations on the page as it is now, minus the documented Streamlit ones."""
    appserver.wait_ready(page)
    page.wait_for_timeout(300)  # let Streamlit finish painting after the run (charts, data grids)
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source)
    # iframes: false – the only frames are the login cookie helper's invisible component frame (see the doc).
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations'], iframes: false})")
    found = []
    for violation in result["violations"]:
        if violation["impact"] not in SERIOUS:
            continue
        for node in violation["nodes"]:
            target = " ".join(str(t) for t in node["target"])
            if not _known(violation["id"], target):
                found.append({"rule": violation["id"], "impact": violation["impact"], "target": target,
                              "html": node["html"][:200], "help": violation["helpUrl"]})
    return found


def _report(problems: dict[str, list[dict]]) -> str:
    lines = []
    for where, items in problems.items():
        for v in items:
            lines.append(f"{where}: {v['rule']} ({v['impact']}) på {v['target']}\n    {v['html']}\n    {v['help']}")
    return "\n".join(lines)


CHARTS_WITHOUT_TABLE = """() => {
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"], [data-testid="stVegaLiteChart"],'
                  + ' [data-testid="stArrowVegaLiteChart"], [data-testid="stPyplot"]')];
  const isTable = '[data-testid="stDataFrame"], [data-testid="stTable"]';
  const missing = [];
  for (const chart of charts) {
    // The nearest enclosing block that holds a table must hold at least as many tables as charts.
    let block = chart.parentElement;
    while (block && !block.querySelector(isTable)) block = block.parentElement;
    const nCharts = block ? block.querySelectorAll('[data-testid="stPlotlyChart"]').length : 1;
    const nTables = block ? block.querySelectorAll(isTable).length : 0;
    if (nTables < nCharts) missing.push(chart.getAttribute('aria-label') || chart.innerText.slice(0, 80));
  }
  return {charts: charts.length, missing};
}"""


def _case_number(server) -> str:
    engine = db.make_engine(server.database_url)
    with Session(engine) as s:
        number = s.exec(select(Case.number).where(Case.status == ACTIVE).order_by(Case.id)).first()
    engine.dispose()
    return number


ROLE_FOR_PAGE = ["teamledare", "koordinator", "admin", "lasare", "registrator"]
USER_OF_ROLE = {"teamledare": "e2e.teamledare", "koordinator": "e2e.koordinator", "admin": "e2e.admin",
                "lasare": "e2e.lasare", "registrator": "e2e.registrator"}


def test_every_page_has_no_serious_violation(demo_server, new_page, axe_source):
    problems: dict[str, list[dict]] = {}

    page = new_page(demo_server)
    page.goto("/")
    expect(page.get_by_label("Användarnamn")).to_be_visible()
    problems["inloggning"] = run_axe(page, axe_source)
    page.get_by_label("Användarnamn").fill("e2e.koordinator")
    page.get_by_label("Lösenord", exact=True).fill("fel-Losenord-1")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_text("Fel användarnamn eller lösenord.")).to_be_visible()
    problems["inloggning, fel lösenord"] = run_axe(page, axe_source)

    pages_by_role: dict[str, list[permissions.PageSpec]] = {}
    for spec in permissions.PAGES:
        if (permissions._ROOT / spec.path).exists():
            role = next(r for r in ROLE_FOR_PAGE if r in spec.roles)
            pages_by_role.setdefault(role, []).append(spec)
    visited = []
    n_charts: dict[str, int] = {}
    for role, specs in pages_by_role.items():
        page = new_page(demo_server)
        login(page, demo_server, USER_OF_ROLE[role])
        for spec in specs:
            path = spec.url_path + (f"?arende={_case_number(demo_server)}" if spec.key == "case" else "")
            open_page(page, path)
            expect(page.get_by_role("main")).to_be_visible()
            problems[f"{spec.title} ({role})"] = run_axe(page, axe_source)
            visited.append(spec.key)
            charts = page.evaluate(CHARTS_WITHOUT_TABLE)
            n_charts[spec.key] = charts["charts"]
            assert not charts["missing"], f"{spec.title}: diagram utan datatabell: {charts['missing']}"
            if spec.key == "dashboard":  # its sections are drawn only when opened: each one, by its URL
                from narvaro.reporting.tables import SECTIONS

                for slug in [*list(SECTIONS)[1:], "arsrapport"]:
                    open_page(page, f"{spec.url_path}?avsnitt={slug}")
                    problems[f"{spec.title}, {slug} ({role})"] = run_axe(page, axe_source)
                    charts = page.evaluate(CHARTS_WITHOUT_TABLE)
                    n_charts[spec.key] += charts["charts"]
                    assert not charts["missing"], f"{spec.title} {slug}: diagram utan datatabell: {charts['missing']}"
    assert {"start", "dashboard", "meeting_view", "users"} <= set(visited)
    assert n_charts["dashboard"] >= 3 and n_charts["meeting_view"] >= 1  # the chart check really saw charts
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, "Allvarliga tillgänglighetsfel:\n" + _report(problems)


def test_first_start_page_has_no_serious_violation(empty_server, new_page, axe_source):
    page = new_page(empty_server)
    open_page(page, "/")
    expect(page.get_by_role("tab", name="Skapa administratör")).to_be_visible()
    problems = run_axe(page, axe_source)
    assert not problems, "Allvarliga tillgänglighetsfel:\n" + _report({"Kom igång": problems})
