"""deploy/nginx/narvaro.conf with Debian's real nginx in front of two app processes on one PostgreSQL (issue 18,
items 4-5): HTTPS with a throwaway self-signed certificate, the base path /narvaro, the websocket, the security
headers, a Secure session cookie, sticky sessions, and a session ended on one process refused on the other.

nginx runs as a foreground test process with its own prefix and main config in a temporary folder; the site file
is the one in deploy/, with only the lines marked "# test:" changed (ports, certificate)."""
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from narvaro.core import settings
from tests.e2e.conftest import IN_CI, PASSWORD, fresh_shared_database, go_to
from tests.e2e.test_journey import register_request
from tools import appserver

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
NGINX = "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx" / "narvaro.conf"


def render_site(site: str, *, http: int, https: int, upstreams: list[int], cert: Path, key: Path) -> str:
    """The deploy/ site with the lines marked '# test:' pointed at this test's ports and certificate."""
    out = []
    for line in site.splitlines():
        if "# test: upstream" in line:
            n = int(line.rsplit(" ", 1)[1]) - 1
            line = f"    server 127.0.0.1:{upstreams[n]};"
        elif "# test: http" in line and "https" not in line:
            line = f"    listen 127.0.0.1:{http};"
        elif "# test: https" in line:
            line = f"    listen 127.0.0.1:{https} ssl http2;"
        elif "# test: certificate" in line:
            line = f"    ssl_certificate {cert};"
        elif "# test: key" in line:
            line = f"    ssl_certificate_key {key};"
        elif line.strip() == "location = / {":
            # Test only: which process answered (never in the deploy file: it names internal addresses).
            out.append("    add_header X-Test-Upstream $upstream_addr always;")
        out.append(line)
    return "\n".join(out) + "\n"


def _wait_port(port: int, proc: subprocess.Popen, log: Path, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx avslutades: {log.read_text(errors='replace')[-3000:]}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError("nginx svarade inte")


@pytest.fixture(scope="module")
def stack(pg_database, tmp_path_factory, playwright_instance):
    if not Path(NGINX).exists() or not shutil.which("openssl"):
        if IN_CI:
            pytest.fail("nginx eller openssl saknas (CI=true): apt-get install nginx openssl")
        pytest.skip("nginx eller openssl saknas: apt-get install nginx openssl")
    work = tmp_path_factory.mktemp("nginx")
    fresh_shared_database(pg_database)
    cert, key = work / "narvaro.crt", work / "narvaro.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    env = appserver.app_env(pg_database, NARVARO_BEHIND_PROXY="1")
    servers = [appserver.AppServer(pg_database, work / f"app-{i}.log", env=env,
                                   args=["--server.baseUrlPath", "narvaro"]).start() for i in (1, 2)]
    http, https = appserver.free_port(), appserver.free_port()
    (work / "narvaro.conf").write_text(render_site(SITE.read_text(), http=http, https=https,
                                                   upstreams=[s.port for s in servers], cert=cert, key=key))
    for d in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / d).mkdir()
    (work / "nginx.conf").write_text(f"""
user root;
worker_processes 1;
daemon off;
pid {work}/nginx.pid;
error_log {work}/error.log;
events {{ worker_connections 512; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {work}/access.log;
    client_body_temp_path {work}/body; proxy_temp_path {work}/proxy; fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi; scgi_temp_path {work}/scgi;
    include {work}/narvaro.conf;
}}
""")
    check = subprocess.run([NGINX, "-t", "-p", str(work), "-c", str(work / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    proc = subprocess.Popen([NGINX, "-p", str(work), "-c", str(work / "nginx.conf")],
                            stdout=subprocess.DEVNULL, stderr=open(work / "nginx.out", "wb"))
    try:
        _wait_port(https, proc, work / "error.log")
        yield {"base": f"https://127.0.0.1:{https}/narvaro", "http": http, "servers": servers, "work": work}
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        for server in servers:
            server.stop()


@pytest.fixture
def https_page(browser, request):
    """Fresh browser contexts that accept the throwaway certificate; each page records which process answered."""
    contexts = []

    def make():
        context = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1000}, locale="sv-SE")
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.upstreams = set()
        page.csp_errors = []
        page.on("response", lambda r: page.upstreams.add(r.headers.get("x-test-upstream")) if "/narvaro" in r.url else None)
        page.on("console", lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
        return page

    yield make
    failed = getattr(request.node, "rep_call", None) is not None and request.node.rep_call.failed
    for i, context in enumerate(contexts):
        if failed:
            for page in context.pages:
                folder = ROOT / "test-artifacts" / request.node.name
                folder.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(folder / f"sida-{i}.png"))
        context.close()


def test_https_at_the_base_path_with_security_headers_and_a_secure_session_cookie(stack, https_page):
    page = https_page()
    response = page.goto(stack["base"] + "/")
    headers = response.headers
    assert headers["strict-transport-security"].startswith("max-age=")
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "http" not in csp
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    appserver.login(page, stack["base"], "e2e.teamledare", PASSWORD)  # through the websocket, at /narvaro
    cookie = next(c for c in page.context.cookies() if c["name"] == settings.cookie_name())
    assert cookie["secure"] is True
    route = next(c for c in page.context.cookies() if c["name"] == "narvaro_route")
    assert route["secure"] and route["httpOnly"]
    go_to(page, "Ärendetavla")
    assert page.url.startswith(stack["base"] + "/arendetavla")
    assert page.csp_errors == []  # the app works under the policy: nothing it needs was blocked
    with socket.create_connection(("127.0.0.1", stack["http"])) as s:  # plain HTTP is sent to HTTPS
        s.sendall(b"GET /narvaro/ HTTP/1.1\r\nHost: narvaro.kommun.example\r\nConnection: close\r\n\r\n")
        answer = s.recv(4096).decode()
    assert answer.startswith("HTTP/1.1 301") and "Location: https://narvaro.kommun.example/narvaro/" in answer


def _pinned_elsewhere(https_page, stack, other_than: str):
    """A browser whose route cookie sends it to the other process."""
    for i in range(40):
        page = https_page()
        page.context.add_cookies([{"name": "narvaro_route", "value": f"prov-{i}", "url": stack["base"] + "/"}])
        page.goto(stack["base"] + "/")
        appserver.wait_ready(page)
        if page.upstreams - {None} and other_than not in page.upstreams:
            return page
        page.context.close()
    raise AssertionError("ingen routningscookie gav den andra processen")


def test_two_processes_share_the_data_keep_each_browser_on_its_process_and_end_sessions_everywhere(stack, https_page):
    first = https_page()
    appserver.login(first, stack["base"], "e2e.teamledare", PASSWORD)
    (upstream,) = first.upstreams - {None}  # every request of this browser went to one process
    second = _pinned_elsewhere(https_page, stack, upstream)
    appserver.login(second, stack["base"], "e2e.teamledare", PASSWORD)
    assert len(second.upstreams - {None}) == 1 and upstream not in second.upstreams

    number = register_request(first, "E2E-NGINX")  # a change through one process ...
    go_to(second, "Ärendetavla")
    expect(second.get_by_role("link", name=re.compile(re.escape(number)))).to_be_visible()  # ... seen through the other
    go_to(first, "Ärendetavla")
    expect(first.get_by_role("button", name="Logga ut", exact=True)).to_be_visible()
    assert first.upstreams - {None} == {upstream}  # the session stayed on its process throughout

    # The first browser's session cookie, carried to the other process: the session is in the database, so it opens
    # the app there too, until the first browser logs out; then it opens nothing on either process.
    session_cookie = next(c for c in first.context.cookies() if c["name"] == settings.cookie_name())
    copy = _pinned_elsewhere(https_page, stack, upstream)
    copy.context.add_cookies([session_cookie])
    copy.reload()
    appserver.wait_ready(copy)
    expect(copy.get_by_role("button", name="Logga ut", exact=True)).to_be_visible()
    first.get_by_role("button", name="Logga ut", exact=True).click()
    expect(first.get_by_label("Användarnamn")).to_be_visible()
    copy.reload()
    appserver.wait_ready(copy)
    expect(copy.get_by_label("Användarnamn")).to_be_visible()
    expect(copy.get_by_role("button", name="Logga ut", exact=True)).to_have_count(0)
