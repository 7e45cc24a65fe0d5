"""Run the app as a real server on 127.0.0.1 and open it in Debian's Chromium: shared by the browser tests and the benchmark.

Nothing here is used by the app itself. Playwright is a test tool (requirements-dev.txt), so it is imported
only by the functions that need it.
"""
from __future__ import annotations

import base64
import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from narvaro.core import settings
from narvaro.core.db import ROOT

CHROMIUM = os.environ.get("NARVARO_CHROMIUM", "/usr/bin/chromium")
# No sandbox: the tests run as root in containers. The rest keeps Chromium from talking to anything but 127.0.0.1.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(database_url: str, cookie_key: str = "e2e-cookie-key-not-secret-only-for-local-tests", **extra: str) -> dict[str, str]:
    """The environment for the app and its command line: one database, a fixed cookie key, no login delay."""
    env = dict(os.environ)
    env.update(NARVARO_DATABASE_URL=database_url, NARVARO_COOKIE_KEY=cookie_key, NARVARO_LOGIN_SLEEP="0",
               PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def create_user(database_url: str, username: str, name: str, role: str, password: str,
                district: str | None = None) -> None:
    """Create a user the way an administrator does, through `python -m narvaro create-user --password-stdin`."""
    cmd = [sys.executable, "-m", "narvaro", "create-user", username, "--name", name, "--role", role, "--password-stdin"]
    if district:
        cmd += ["--district", district]
    done = subprocess.run(cmd, input=password + "\n", text=True, capture_output=True, cwd=ROOT,
                          env=app_env(database_url), timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"create-user {username} misslyckades: {done.stderr or done.stdout}")
    enrol_totp(database_url, username)


def totp_secret(username: str) -> str:
    """The test user's TOTP secret, made from the name (test users only; a real one is random, see core.second_factor)."""
    return base64.b32encode(hashlib.sha256(b"narvaro-e2e-totp:" + username.encode()).digest()[:20]).decode()


def enrol_totp(database_url: str, username: str) -> None:
    """Give a test user its second factor, as if enrolled with an authenticator app (the enrolment screen itself is
    tested through the app)."""
    from narvaro.core import db, users

    engine = db.make_engine(database_url)
    with db.session_scope(engine) as s:
        user = users.get_user(s, username)
        user.totp_secret, user.totp_last_step = totp_secret(username), None
        s.add(user)
    engine.dispose()


_last_step: dict[str, int] = {}


def totp_code(username: str) -> str:
    """A valid code for the test user, never one used before (the server takes each code once, and one 30-second step
    ahead); a third login within one step waits for the clock."""
    import pyotp

    step = max(int(time.time() // 30), _last_step.get(username, -1) + 1)
    while step > int(time.time() // 30) + 1:
        time.sleep(0.5)
    _last_step[username] = step
    return pyotp.TOTP(totp_secret(username)).at(step * 30)


class AppServer:
    """`streamlit run <script>` on a free port of 127.0.0.1, with its output in a log file."""

    def __init__(self, database_url: str, log_path: Path, script: str = "app.py", cwd: Path = ROOT,
                 env: dict[str, str] | None = None, args: list[str] | None = None, port: int | None = None):
        self.database_url = database_url
        self.log_path = Path(log_path)
        self.script = script
        self.cwd = Path(cwd)
        self.env = env or app_env(database_url)
        self.port = port or free_port()
        self.args = list(args or [])  # more `streamlit run` options, e.g. --secrets.files or --server.baseUrlPath
        base = self.args[self.args.index("--server.baseUrlPath") + 1] if "--server.baseUrlPath" in self.args else ""
        self.base_path = "/" + base.strip("/") if base.strip("/") else ""
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.base_path}"

    def start(self, timeout: float = 90) -> "AppServer":
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", self.script, "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false", *self.args],
            cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Servern avslutades direkt (kod {self.proc.returncode}):\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        return self
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"Servern svarade inte inom {timeout} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self.proc = None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def __enter__(self) -> "AppServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def launch_chromium(playwright):
    """Debian's Chromium through Playwright (a Playwright browser download does not work on these machines)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# Settled: no element still a loading skeleton, and every chart drawn (plotly puts its SVG in last).
SETTLED_JS = """() => !document.querySelector('[data-testid="stSkeleton"]')
    && [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'))"""


def wait_ready(page, timeout: float = 60_000) -> None:
    """Wait until the page has settled by the app's own state, never for a fixed time: Streamlit has finished the
    run (the app root's data-test-script-state), no skeleton is left and every chart is drawn."""
    page.wait_for_selector(READY, timeout=timeout)
    page.wait_for_function(SETTLED_JS, timeout=timeout)


def login(page, base_url: str, username: str, password: str, timeout: float = 60_000) -> None:
    """Open the app and log in through the form, by the fields' labels."""
    page.goto(base_url + "/")
    wait_ready(page, timeout)  # a run still going could draw the form anew and drop what was typed
    page.get_by_label("Användarnamn").fill(username, timeout=timeout)
    page.get_by_label("Lösenord", exact=True).fill(password)
    page.get_by_role("button", name="Logga in").click()
    logout, code = page.get_by_role("button", name="Logga ut", exact=True), page.get_by_label("Engångskod")
    logout.or_(code).first.wait_for(timeout=timeout)
    if code.is_visible():  # the role needs the second factor
        code.fill(totp_code(username))
        page.get_by_role("button", name="Verifiera").click()
    logout.wait_for(timeout=timeout)
    wait_ready(page, timeout)
    # The login cookie is written by a component once the page has drawn it, a moment after the run ends; a
    # page load before that would meet the login form again.
    name = settings.cookie_name()
    deadline = time.monotonic() + timeout / 1000
    while not any(c["name"] == name for c in page.context.cookies()):
        if time.monotonic() > deadline:
            raise TimeoutError(f"inloggningscookien {name} sattes aldrig")
        page.wait_for_timeout(50)
