"""Benchmark: does the work grow with what a page shows, not with the size of the database?

For each database size (synthetic cases) it measures, per page:
- the server-side rerun time: median of repeated AppTest runs of the page file as a logged-in user of a role
  that may use it (the same code path as a rerun in the browser, without the network);
- in Chromium (optional): the time from navigation (a fresh page load of the page's URL, logged in by cookie)
  until the page's main content is visible, next to a bare Streamlit page (only st.title) measured in the same run.
With `load`: 20 browser sessions at once doing reruns, against the single-session figure, on SQLite and PostgreSQL.

Everything runs on 127.0.0.1 with throw-away databases. Playwright is a test tool (requirements-dev.txt).
"""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, insert, select, text, update

from . import appserver, auth, db, demo, permissions, settings, ui
from .models import Assignment, AuditEntry, Case, CaseEvent, CaseNumberSeq, Meeting, User

ROLE_ORDER = ("teamledare", "koordinator", "admin", "lasare", "registrator")
TEMPLATE = 1000  # cases made by narvaro.demo.fill_cases; larger sizes repeat them in blocks
TARGET_RERUN = 3.0      # rerun at the largest size within 3× the smallest
TARGET_BROWSER = 1.5    # board and dashboard at 10,000 within 1.5× the bare page
TARGET_LOAD = 3.0       # median rerun with 20 sessions within 3× one session
BROWSER_PAGES = ("board", "dashboard")
# What "main content visible" means per page: the selector must be visible and Streamlit's run finished.
CONTENT = {"meeting_view": '[data-testid="stPlotlyChart"] .main-svg',
           "dashboard": '[data-testid="stPlotlyChart"] .main-svg'}
BARE_SCRIPT = 'import streamlit as st\n\nst.title("Tom sida")\n'
# The same bare page reached by a page URL (/tom) of a two-page app, as every Närvaro page is: for any URL but
# "/", Streamlit's browser code first asks <path>/_stcore/health, fails, and retries one level up (~0.1 s).
BARE_SUBPAGE_SCRIPT = """import streamlit as st


def start():
    st.title("Start")


def tom():
    st.title("Tom sida")


st.navigation([st.Page(start, title="Start", default=True), st.Page(tom, title="Tom sida", url_path="tom")]).run()
"""
WAIT_MS = 120_000  # a generous bound: a page that needs this long is a finding, not a hang


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
            auth.create_user(s, username=username, name=f"Bench {role}", role=role, password=password, by="bench",
                             district="vo1" if role == "koordinator" else None)
            users[role] = BenchUser(username, role, password)
        coordinators = [auth.create_user(s, username=f"bench.k{i}", name=f"Bench koordinator {i}",
                                         role="koordinator", password=None, by="bench", district=d.key)
                        for i, d in enumerate(ui.config().reference.districts)]
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
    returned = ui.config().reference.returned_reason
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


# --- server-side reruns (AppTest) ------------------------------------------------------------------------

def rerun_times(url: str, users: dict[str, BenchUser], case_number: str, repeats: int = 5) -> dict[str, dict]:
    """Median wall time of `repeats` AppTest runs per page (after one warm-up run), in milliseconds."""
    from streamlit.testing.v1 import AppTest

    os.environ["NARVARO_DATABASE_URL"] = url
    out = {}
    for spec, role in bench_pages():
        # Logged in as the authenticator leaves it, then on the page through the menu (as tests/conftest.py does).
        at = AppTest.from_file(str(db.ROOT / "app.py"), default_timeout=300)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = users[role].username
        at.session_state["name"] = users[role].username
        at.run()
        if spec.key == "case":
            at.query_params["arende"] = case_number
        at.switch_page(spec.path)
        at.run()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            at.run()
            times.append((time.perf_counter() - start) * 1000)
        errors = [str(e.value)[:200] for e in at.exception] + [str(e.value)[:200] for e in at.error]
        out[spec.key] = {"role": role, "median_ms": round(statistics.median(times), 1), "errors": errors}
    return out


# --- the browser ------------------------------------------------------------------------------------------

def _content(spec: permissions.PageSpec) -> list[str]:
    """Selectors that must all be visible: the page's own title, and its charts where it has them."""
    extra = [CONTENT[spec.key]] if spec.key in CONTENT else []
    if spec.key == "meeting_view":
        return extra
    return [f'[data-testid="stMain"] h1:has-text("{spec.title}")'] + extra


def _wait_content(page, selectors: list[str], timeout: float) -> None:
    for selector in selectors:
        page.wait_for_selector(selector, state="visible", timeout=timeout)
    appserver.wait_ready(page, timeout)


def _time_load(page, url: str, selectors: list[str], timeout: float = 120_000) -> float:
    """A fresh load of the URL (bookmark, shared link, F5): a new Streamlit session, logged in by the cookie."""
    start = time.perf_counter()
    page.goto(url, wait_until="commit")
    _wait_content(page, selectors, timeout)
    return (time.perf_counter() - start) * 1000


def _time_nav(page, spec: permissions.PageSpec, timeout: float = 120_000) -> float:
    """From the start page, a click on the page's menu link (same session, no page load)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name="Start").first.click()
    _wait_content(page, ['[data-testid="stMain"] h1:has-text("Närvaro")'], timeout)
    link = page.get_by_test_id("stSidebarNav").get_by_role("link").filter(has_text=spec.title).first
    start = time.perf_counter()
    link.click()
    _wait_content(page, _content(spec), timeout)
    return (time.perf_counter() - start) * 1000


def browser_times(url: str, users: dict[str, BenchUser], keys: tuple[str, ...], repeats: int, log_dir: Path,
                  bare_url: str, bare_subpage_url: str | None = None) -> dict[str, float]:
    """Median ms from navigation until the page's main content is visible, and the same for the bare page
    (at "/" and, when given, at a page URL like ours)."""
    from playwright.sync_api import sync_playwright

    specs = {spec.key: (spec, role) for spec, role in bench_pages()}
    out: dict = {}
    bare_times: list[float] = []
    bare_sub_times: list[float] = []
    with appserver.AppServer(url, log_dir / "bench-server.log") as server, sync_playwright() as p:
        browser = appserver.launch_chromium(p)
        bare = browser.new_page()
        _time_load(bare, bare_url, ["h1"])  # warm-up: fonts and scripts into the cache
        logged_in = {}
        for key in keys:
            if key not in specs:
                continue
            spec, role = specs[key]
            if role not in logged_in:
                page = browser.new_context().new_page()
                appserver.login(page, server.url, users[role].username, users[role].password)
                logged_in[role] = page
            page = logged_in[role]
            target = f"{server.url}/{spec.url_path}"
            _time_load(page, target, _content(spec))  # warm-up
            loads, navs = [], []
            for _ in range(repeats):  # interleaved with the bare page, so both see the same machine load
                loads.append(_time_load(page, target, _content(spec)))
                bare_times.append(_time_load(bare, bare_url, ["h1"]))
                if bare_subpage_url:
                    bare_sub_times.append(_time_load(bare, bare_subpage_url, ['[data-testid="stMain"] h1']))
                navs.append(_time_nav(page, spec))
            out[key] = round(statistics.median(loads), 1)
            out[f"{key}_menu"] = round(statistics.median(navs), 1)
        browser.close()
    out["bare"] = round(statistics.median(bare_times), 1) if bare_times else None
    if bare_sub_times:
        out["bare_subpage"] = round(statistics.median(bare_sub_times), 1)
    return out


# --- load: many sessions at once ------------------------------------------------------------------------------

_RERUN_PROBE = """() => {
  window.__rr = {t0: null, times: []};
  document.addEventListener('keydown', e => { if (e.key === 'r') window.__rr.t0 = performance.now(); }, true);
  const app = document.querySelector('[data-testid="stApp"]');
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'notRunning' && window.__rr.t0 !== null) {
      window.__rr.times.push(performance.now() - window.__rr.t0);
      window.__rr.t0 = null;
    }
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


async def _session(browser, base: str, user: BenchUser, path: str, log_dir: Path):
    context = await browser.new_context()
    page = await context.new_page()
    try:
        return await _open_session(page, base, user, path)
    except Exception:
        # What the browser saw is the quickest way to the cause (a login refused, an error on the page).
        await page.screenshot(path=str(log_dir / f"load-failure-{uuid.uuid4().hex[:6]}.png"), full_page=True)
        raise


async def _open_session(page, base: str, user: BenchUser, path: str):
    await page.goto(base + "/")
    await page.get_by_label("Användarnamn").fill(user.username, timeout=WAIT_MS)
    await page.get_by_label("Lösenord", exact=True).fill(user.password)
    await page.get_by_role("button", name="Logga in").click()
    await page.get_by_role("button", name="Logga ut").wait_for(timeout=WAIT_MS)
    name = settings.cookie_name()  # written a moment after the run ends; the page load below needs it
    deadline = time.monotonic() + WAIT_MS / 1000
    while not any(c["name"] == name for c in await page.context.cookies()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"inloggningscookien {name} sattes aldrig")
        await page.wait_for_timeout(50)
    await page.goto(f"{base}/{path}")
    await page.wait_for_selector(appserver.READY, timeout=WAIT_MS)
    await page.evaluate(_RERUN_PROBE)
    return page


async def _reruns(page, count: int, think: float, rng: random.Random) -> list[float]:
    """Press "r" (Streamlit's rerun key) `count` times, each after a person's pause; the page times each rerun."""
    for i in range(count):
        await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
        await page.locator('[data-testid="stMain"] h1').first.click()  # focus the page, not a field
        await page.keyboard.press("r")
        await page.wait_for_function(f"() => window.__rr.times.length > {i}", timeout=WAIT_MS)
    return await page.evaluate("() => window.__rr.times")


async def _load(base: str, user: BenchUser, sessions: int, reruns: int, think: float, path: str,
                log_dir: Path) -> dict:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=appserver.CHROMIUM, args=appserver.CHROMIUM_ARGS)
        single_page = await _session(browser, base, user, path, log_dir)
        single = await _reruns(single_page, reruns, think, random.Random(1))
        pages = [single_page] + [await _session(browser, base, user, path, log_dir) for _ in range(sessions - 1)]
        for pg in pages:
            await pg.evaluate("() => { window.__rr.times = []; }")
        results = await asyncio.gather(*[_reruns(pg, reruns, think, random.Random(i)) for i, pg in enumerate(pages)])
        await browser.close()
    together = [t for r in results for t in r]
    one, many = statistics.median(single), statistics.median(together)
    return {"sessions": sessions, "reruns_per_session": reruns, "think_s": think, "page": path,
            "single_median_ms": round(one, 1), "concurrent_median_ms": round(many, 1),
            "concurrent_p90_ms": round(sorted(together)[int(0.9 * (len(together) - 1))], 1),
            "ratio": round(many / one, 2)}


def load_test(url: str, users: dict[str, BenchUser], log_dir: Path, sessions: int = 20, reruns: int = 8,
              think: float = 10.0, path: str = "arendetavla") -> dict:
    with appserver.AppServer(url, log_dir / f"load-{uuid.uuid4().hex[:6]}.log") as server:
        return asyncio.run(_load(server.url, users["koordinator"], sessions, reruns, think, path, log_dir))


def _pg_database(admin_url: str):
    """A throw-away PostgreSQL database; returns (url, drop function)."""
    from sqlalchemy import create_engine

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"narvaro_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name, drop


# --- the whole run ------------------------------------------------------------------------------------------

def run(sizes: list[int], repeats: int = 5, browser: bool = True, load: bool = False, load_cases: int = 1000,
        pg_admin_url: str | None = None, sessions: int = 20, think: float = 10.0, out_dir: Path | None = None,
        progress=print) -> dict:
    out_dir = Path(out_dir or db.ROOT / "bench-results")
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="narvaro-bench-"))
    results: dict = {"started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                     "machine": {"cpus": os.cpu_count()}, "sizes": {}, "repeats": repeats, "work_dir": str(work)}

    def save() -> Path:
        # After every stage, so a failure late in a long run keeps what was measured before it.
        results["verdict"] = verdict(results)
        name = out_dir / f"bench-{results['started'].replace(':', '').replace('+0000', '')}.json"
        for path in (name, out_dir / "latest.json"):
            path.write_text(json.dumps(results, indent=2, ensure_ascii=False))
        return name

    def measure_load(backend: str, url: str) -> None:
        users, _ = build_database(url, load_cases)
        try:
            results["load"][backend] = load_test(url, users, work, sessions, think=think)
        except Exception as exc:  # a failed load run is a result too; the screenshot is in work_dir
            results["load"][backend] = {"error": f"{type(exc).__name__}: {str(exc)[:300]}"}

    bare_url = bare_subpage_url = None
    bare_servers = []
    try:
        if browser:
            (work / "bare").mkdir()
            (work / "bare" / "tom.py").write_text(BARE_SCRIPT)
            (work / "bare" / "tom_undersida.py").write_text(BARE_SUBPAGE_SCRIPT)
            for script in ("tom.py", "tom_undersida.py"):
                bare_servers.append(appserver.AppServer("sqlite://", work / f"{script}.log", script=script,
                                                        cwd=work / "bare").start())
            bare_url = bare_servers[0].url + "/"
            bare_subpage_url = bare_servers[1].url + "/tom"
        for n in sizes:
            url = f"sqlite:///{work / f'bench-{n}.sqlite3'}"
            progress(f"{n} ärenden: fyller databasen …")
            started = time.perf_counter()
            users, number = build_database(url, n)
            entry: dict = {"fill_s": round(time.perf_counter() - started, 1)}
            progress(f"{n} ärenden: omkörningstider (AppTest) …")
            entry["rerun"] = rerun_times(url, users, number, repeats)
            if browser:
                progress(f"{n} ärenden: Chromium …")
                entry["browser"] = browser_times(url, users, BROWSER_PAGES, repeats, work, bare_url,
                                                 bare_subpage_url)
            results["sizes"][str(n)] = entry
            save()
        if load:
            results["load"] = {}
            progress(f"Last: {sessions} sessioner, SQLite …")
            url = f"sqlite:///{work / 'load.sqlite3'}"
            measure_load("sqlite", url)
            save()
            admin = pg_admin_url or os.environ.get("NARVARO_TEST_PG_URL",
                                                   "postgresql+psycopg://postgres@127.0.0.1:5432/test")
            progress(f"Last: {sessions} sessioner, PostgreSQL …")
            url, drop = _pg_database(admin)
            try:
                measure_load("postgresql", url)
            finally:
                drop()
    finally:
        for server in bare_servers:
            server.stop()
    results["file"] = str(save())
    return results


def verdict(results: dict) -> list[dict]:
    """Each target with its figures and whether it was met."""
    checks = []
    sizes = sorted(int(n) for n in results["sizes"])
    if len(sizes) >= 2:
        small, big = results["sizes"][str(sizes[0])]["rerun"], results["sizes"][str(sizes[-1])]["rerun"]
        for key in small:
            if key in big:
                ratio = big[key]["median_ms"] / max(small[key]["median_ms"], 0.1)
                checks.append({"target": f"omkörning {key}: {sizes[-1]} inom {TARGET_RERUN}× {sizes[0]}",
                               "ratio": round(ratio, 2), "met": ratio <= TARGET_RERUN})
    at10k = results["sizes"].get("10000", {}).get("browser")
    if at10k:
        for key in BROWSER_PAGES:
            if key in at10k:
                ratio = at10k[key] / max(at10k["bare"], 0.1)
                checks.append({"target": f"webbläsare {key} vid 10000 inom {TARGET_BROWSER}× tom sida",
                               "ratio": round(ratio, 2), "met": ratio <= TARGET_BROWSER})
    for backend, figures in results.get("load", {}).items():
        if "error" in figures:
            checks.append({"target": f"last {backend}: körningen misslyckades ({figures['error']})",
                           "ratio": None, "met": False})
            continue
        checks.append({"target": f"last {backend}: {figures['sessions']} sessioner inom {TARGET_LOAD}× en",
                       "ratio": figures["ratio"], "met": figures["ratio"] <= TARGET_LOAD})
    return checks


def format_table(results: dict) -> str:
    """A Markdown table per measurement (pasted as is into README)."""
    sizes = sorted(results["sizes"], key=int)
    lines = ["Omkörning på servern (AppTest, median ms):", "",
             "| sida | roll | " + " | ".join(f"{int(n):,} ärenden".replace(",", "\u00a0") for n in sizes) + " |",
             "|---|---|" + "---:|" * len(sizes)]
    first = results["sizes"][sizes[0]]["rerun"] if sizes else {}
    for key, fig in first.items():
        cells = [f"{results['sizes'][n]['rerun'].get(key, {}).get('median_ms', '–')}" for n in sizes]
        errors = any(results["sizes"][n]["rerun"].get(key, {}).get("errors") for n in sizes)
        lines.append(f"| {key}{' (fel!)' if errors else ''} | {fig['role']} | " + " | ".join(cells) + " |")
    if any("browser" in results["sizes"][n] for n in sizes):
        keys = [k for key in BROWSER_PAGES for k in (key, f"{key}_menu")] + ["bare", "bare_subpage"]
        lines += ["", "I Chromium, från navigering till synligt huvudinnehåll (median ms):", "",
                  "| sida | " + " | ".join(f"{int(n):,} ärenden".replace(",", "\u00a0") for n in sizes) + " |",
                  "|---|" + "---:|" * len(sizes)]
        for key in keys:
            label = {"bare": "tom Streamlit-sida (sidladdning, /)",
                     "bare_subpage": "tom Streamlit-sida (sidladdning, undersida /tom)"}.get(key) or (
                f"{key[:-5]} (byte i menyn)" if key.endswith("_menu") else f"{key} (sidladdning)")
            lines.append(f"| {label} | " + " | ".join(
                str(results["sizes"][n].get("browser", {}).get(key, "–")) for n in sizes) + " |")
    if results.get("load"):
        lines += ["", "Last (omkörning i webbläsaren, median ms):", "",
                  "| databas | sessioner | en session | alla samtidigt | p90 samtidigt | kvot |", "|---|---:|---:|---:|---:|---:|"]
        for backend, f in results["load"].items():
            if "error" in f:
                lines.append(f"| {backend} | – | – | – | – | misslyckades |")
                continue
            lines.append(f"| {backend} | {f['sessions']} | {f['single_median_ms']} | {f['concurrent_median_ms']} | "
                         f"{f['concurrent_p90_ms']} | {f['ratio']} |")
    lines += ["", "Mål:", ""]
    for check in results.get("verdict", []):
        lines.append(f"- {'uppfyllt' if check['met'] else '**EJ uppfyllt**'}: {check['target']} (kvot {check['ratio']})")
    return "\n".join(lines)
