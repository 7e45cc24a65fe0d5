"""Benchmark measurements: server-side reruns (AppTest), page loads in Chromium, many sessions at once."""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import time
import uuid
from pathlib import Path

from sqlalchemy import text

from narvaro.core import db, permissions, settings
from tools import appserver
from tools.bench.data import BenchUser, bench_pages

BROWSER_PAGES = ("start", "board", "case", "dashboard")
# What "main content visible" means per page: the selector must be visible and Streamlit's run finished.
# (The dashboard's overview has no chart since its key figures became numbers; wait_ready still waits for every chart.)
CONTENT = {"meeting_view": '[data-testid="stPlotlyChart"] .main-svg'}
BARE_SCRIPT = 'import streamlit as st\n\nst.title("Tom sida")\n'
# The framework's floor (issue 14): a Streamlit app with the same seven-entry sidebar navigation as a coordinator's
# menu and empty pages, measured at "/" and at a page URL (/tom). For any URL but "/", Streamlit's browser code
# first asks <path>/_stcore/health, fails, and retries one level up (~0.1 s), so the sub-URL is the fair floor for
# every page but the start page.
BARE_SUBPAGE_SCRIPT = """import streamlit as st

TITLES = ["Start", "Tom sida", "Inkommande ärende", "Insatser", "Arbete med skolor", "Indikatorer", "Mötesvy"]


def page(title):
    def draw():
        st.title(title)
    draw.__name__ = "p" + str(TITLES.index(title))
    return draw


st.navigation([st.Page(page(t), title=t, default=(i == 0), url_path=None if i == 0 else ("tom" if i == 1 else f"p{i}"))
               for i, t in enumerate(TITLES)]).run()
"""
VIEWPORT = {"width": 1366, "height": 900}
WAIT_MS = 120_000  # a generous bound: a page that needs this long is a finding, not a hang


# --- server-side reruns (AppTest) ------------------------------------------------------------------------

def _server_session(url: str, username: str) -> str:
    """A signed-in server-side session, as the login form and its second factor leave one (core.sessions)."""
    from narvaro.core import sessions

    engine = db.make_engine(url)
    with db.session_scope(engine) as s:
        token = sessions.start(s, username, "bench", second_factor_done=True)
    engine.dispose()
    return token


def rerun_times(url: str, users: dict[str, BenchUser], case_number: str, repeats: int = 5) -> dict[str, dict]:
    """Median wall time of `repeats` AppTest runs per page (after one warm-up run), in milliseconds."""
    from streamlit.testing.v1 import AppTest

    from narvaro.ui.state import SESSION_TOKEN_KEY

    os.environ["NARVARO_DATABASE_URL"] = url
    out = {}
    for spec, role in bench_pages():
        # Logged in as the authenticator leaves it, then on the page through the menu (as tests/conftest.py does).
        at = AppTest.from_file(str(db.ROOT / "app.py"), default_timeout=300)
        at.session_state["authentication_status"] = True
        at.session_state["username"] = users[role].username
        at.session_state["name"] = users[role].username
        at.session_state[SESSION_TOKEN_KEY] = _server_session(url, users[role].username)
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

TITLES = {"start": "Min dag"}  # the start page's heading is not its menu title


def _content(spec: permissions.PageSpec) -> list[str]:
    """Selectors that must all be visible: the page's own title, and its charts where it has them."""
    extra = [CONTENT[spec.key]] if spec.key in CONTENT else []
    if spec.key == "meeting_view":
        return extra
    return [f'[data-testid="stMain"] h1:has-text("{TITLES.get(spec.key, spec.title)}")'] + extra


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


def _menu(page):
    return page.get_by_test_id("stSidebar").get_by_role("navigation", name="Meny")


def _time_nav(page, spec: permissions.PageSpec, timeout: float = 120_000) -> float:
    """From the start page, a click on the page's menu link (same session, no page load)."""
    _menu(page).get_by_role("link", name="Start").first.click()
    _wait_content(page, ['[data-testid="stMain"] h1:has-text("Min dag")'], timeout)
    link = _menu(page).get_by_role("link").filter(has_text=spec.title).first
    start = time.perf_counter()
    link.click()
    _wait_content(page, _content(spec), timeout)
    return (time.perf_counter() - start) * 1000


def browser_times(url: str, users: dict[str, BenchUser], keys: tuple[str, ...], repeats: int, log_dir: Path,
                  bare_url: str, bare_subpage_url: str | None = None, case_number: str | None = None,
                  bare_nav_url: str | None = None) -> dict[str, float]:
    """Median ms from navigation until the page's main content is visible, and the same for the bare page
    (at "/" and, when given, at a page URL like ours)."""
    from playwright.sync_api import sync_playwright

    specs = {spec.key: (spec, role) for spec, role in bench_pages()}
    out: dict = {}
    bare_times: list[float] = []
    bare_sub_times: list[float] = []
    with appserver.AppServer(url, log_dir / "bench-server.log") as server, sync_playwright() as p:
        browser = appserver.launch_chromium(p)
        bare = browser.new_page(viewport=VIEWPORT)
        _time_load(bare, bare_url, ["h1"])  # warm-up: fonts and scripts into the cache
        bare_nav_times: list[float] = []
        logged_in = {}
        for key in keys:
            if key not in specs:
                continue
            spec, role = specs[key]
            if role not in logged_in:
                page = browser.new_context(viewport=VIEWPORT).new_page()
                appserver.login(page, server.url, users[role].username, users[role].password)
                logged_in[role] = page
            page = logged_in[role]
            target = f"{server.url}/{spec.url_path}"
            if key == "start":
                target = f"{server.url}/"
            elif key == "case":
                target += f"?arende={case_number}"
            _time_load(page, target, _content(spec))  # warm-up
            loads, navs = [], []
            for _ in range(repeats):  # interleaved with the bare page, so both see the same machine load
                loads.append(_time_load(page, target, _content(spec)))
                bare_times.append(_time_load(bare, bare_url, ["h1"]))
                if bare_subpage_url:
                    bare_sub_times.append(_time_load(bare, bare_subpage_url, ['[data-testid="stMain"] h1']))
                if bare_nav_url:
                    bare_nav_times.append(_time_load(bare, bare_nav_url, ['[data-testid="stMain"] h1']))
                if spec.in_menu and key != "start":
                    navs.append(_time_nav(page, spec))
            out[key] = round(statistics.median(loads), 1)
            if navs:
                out[f"{key}_menu"] = round(statistics.median(navs), 1)
        browser.close()
    out["bare"] = round(statistics.median(bare_times), 1) if bare_times else None
    if bare_sub_times:
        out["bare_subpage"] = round(statistics.median(bare_sub_times), 1)
    if bare_nav_times:
        out["bare_nav"] = round(statistics.median(bare_nav_times), 1)
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


async def _session(browser, base: str, user: BenchUser, path: str, log_dir: Path, cookies=None):
    """A browser session on `path`: logged in through the form, or (cookies given) with the first session's login
    cookie, as a second tab of the same person. A person logs in once; the second factor's codes work once each."""
    context = await browser.new_context()
    if cookies:
        await context.add_cookies(cookies)
    page = await context.new_page()
    try:
        if cookies:
            await page.goto(f"{base}/{path}")
            await page.wait_for_selector(appserver.READY, timeout=WAIT_MS)
            await page.evaluate(_RERUN_PROBE)
            return page
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
    logout, code = page.get_by_role("button", name="Logga ut", exact=True), page.get_by_label("Engångskod")
    await logout.or_(code).first.wait_for(timeout=WAIT_MS)
    if await code.is_visible():  # the role needs the second factor
        await code.fill(appserver.totp_code(user.username))
        await page.get_by_role("button", name="Verifiera").click()
    await logout.wait_for(timeout=WAIT_MS)
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
        cookies = await single_page.context.cookies()
        pages = [single_page] + [await _session(browser, base, user, path, log_dir, cookies)
                                 for _ in range(sessions - 1)]
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


