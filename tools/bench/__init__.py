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

import datetime as dt
import json
import os
import tempfile
import time
from pathlib import Path

from narvaro.core import db
from tools import appserver
from tools.bench.data import TEMPLATE, build_database

__all__ = ["TEMPLATE", "build_database", "format_table", "main", "run", "verdict"]
from tools.bench.measure import (
    BARE_SCRIPT,
    BARE_SUBPAGE_SCRIPT,
    BROWSER_PAGES,
    _pg_database,
    browser_times,
    load_test,
    rerun_times,
)

TARGET_RERUN = 3.0      # rerun at the largest size within 3× the smallest
TARGET_BROWSER = 1.5    # board, case page and dashboard at 10,000 within 1.5× the floor at a sub-URL
TARGET_START = 1.3      # the start page at 10,000 within 1.3× the floor at "/"
TARGET_LOAD = 3.0       # median rerun with 20 sessions within 3× one session

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

    bare_url = bare_subpage_url = bare_nav_url = None
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
            bare_nav_url = bare_servers[1].url + "/"
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
                                                 bare_subpage_url, case_number=number, bare_nav_url=bare_nav_url)
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
        # The floor: the seven-entry navigation app with empty pages, at "/" (start) and at a sub-URL (the rest).
        floor_root = at10k.get("bare_nav") or at10k["bare"]
        floor_sub = at10k.get("bare_subpage") or at10k["bare"]
        for key in BROWSER_PAGES:
            if key in at10k:
                floor, target, where = ((floor_root, TARGET_START, "/") if key == "start"
                                        else (floor_sub, TARGET_BROWSER, "undersida"))
                ratio = at10k[key] / max(floor, 0.1)
                checks.append({"target": f"webbläsare {key} vid 10000 inom {target}× golvet ({where})",
                               "ratio": round(ratio, 2), "met": ratio <= target})
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
        keys = [k for key in BROWSER_PAGES for k in (key, f"{key}_menu")] + ["bare", "bare_nav", "bare_subpage"]
        lines += ["", "I Chromium, från navigering till synligt huvudinnehåll (median ms):", "",
                  "| sida | " + " | ".join(f"{int(n):,} ärenden".replace(",", "\u00a0") for n in sizes) + " |",
                  "|---|" + "---:|" * len(sizes)]
        for key in keys:
            label = {"bare": "tom Streamlit-sida utan meny (sidladdning, /)",
                     "bare_nav": "golvet: sju tomma sidor i sidomenyn (sidladdning, /)",
                     "bare_subpage": "golvet: sju tomma sidor i sidomenyn (sidladdning, undersida /tom)"}.get(key) or (
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


# --- command line: python -m tools.bench -------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(prog="python -m tools.bench",
                                description="mät sidornas svarstider vid 1 000–100 000 ärenden (och under last)")
    p.add_argument("--sizes", default="1000,10000,100000",
                   help="antal ärenden per databas, kommaseparerat (standard 1000,10000,100000)")
    p.add_argument("--repeats", type=int, default=5, help="mätningar per sida och storlek (medianen redovisas)")
    p.add_argument("--no-browser", action="store_true", help="hoppa över mätningen i Chromium")
    p.add_argument("--load", action="store_true",
                   help="mät också 20 samtidiga webbläsarsessioner mot en, på SQLite och PostgreSQL")
    p.add_argument("--sessions", type=int, default=20, help="samtidiga sessioner i lastmätningen")
    # 10 s between clicks is a busy person working a case; 2 s (every session clicking without pause) is a
    # stress test that on a 2-core machine mostly measures the 20 Chromium tabs sharing the cores with the app.
    p.add_argument("--think", type=float, default=10.0,
                   help="medeltid i sekunder mellan en sessions omkörningar (en person som klickar; standard 10)")
    p.add_argument("--pg-url", help="PostgreSQL-server för lastmätningen (en tillfällig databas skapas där)")
    p.add_argument("--out", help="mapp för JSON-resultaten (standard bench-results/)")
    args = p.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    results = run(sizes, repeats=args.repeats, browser=not args.no_browser, load=args.load,
                  pg_admin_url=args.pg_url, sessions=args.sessions, think=args.think, out_dir=args.out,
                  progress=lambda m: print(m, flush=True))
    print()
    print(format_table(results))
    print(f"\nResultat: {results['file']}")
    return 0

