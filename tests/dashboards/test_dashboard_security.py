"""Hostile input, round two: other pages may not drive the dashboard; uploads stay private.

- the upload folder is this user's own (0700, not a link, not another user's), files
  are 0600 and never written or read through a planted symbolic link;
- the server (``dashboards.guard`` around Solara) refuses a WebSocket or an HTTP
  request from another origin or for another Host, sends frame-refusing headers,
  and with ``--expose`` needs the token of the printed address;
- in Chromium, a page served from another localhost port cannot open a session.

The guard is imported inside the tests, so that each test fails on its own where
the guard is missing.
"""

from __future__ import annotations

import asyncio
import hashlib
import http.cookiejar
import http.server
import logging
import os
import re
import secrets
import stat
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from conftest import ARTIFACTS, free_port, stop_dashboard
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

import contagion  # noqa: F401  (the engine first: `import scenarios` alone hits an import cycle)
import scenarios
from contagion.cli import dashboard as cli_dashboard
from dashboards import address
from dashboards.address import open_session, remember

SCENARIO = scenarios.get("sad_film").replace(viewers=12).to_toml().replace('"sad_film"',
                                                                           '"my_film"')


def digest_of(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.fixture
def uploads(tmp_path, monkeypatch):
    """The upload folder, not made yet, in a fresh temporary folder."""
    folder = tmp_path / "uploads"
    monkeypatch.setattr(address, "UPLOADS", folder)
    return folder


@pytest.fixture
def victim(tmp_path):
    """A file of this user's that a planted link points at."""
    path = tmp_path / "victim.txt"
    path.write_text("precious\n")
    return path


def refusal(caplog) -> str:
    return " ".join(r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR)


# --- the upload folder ---------------------------------------------------------------------

def test_the_upload_folder_is_this_users_own():
    folder, runtime = address.UPLOADS, os.environ.get("XDG_RUNTIME_DIR")
    assert (folder.name == f"contagion-dashboard-uploads-{os.getuid()}"
            or runtime and folder.parent == Path(runtime))


def test_the_upload_folder_is_in_the_runtime_folder_if_that_is_ours(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert address._uploads_path() == tmp_path / "contagion-dashboard-uploads"
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "missing"))
    assert address._uploads_path().name == f"contagion-dashboard-uploads-{os.getuid()}"


def test_the_upload_folder_is_made_private_and_files_are_0600(uploads):
    old = os.umask(0o022)
    try:
        key = remember(SCENARIO)
    finally:
        os.umask(old)
    assert stat.S_IMODE(uploads.stat().st_mode) == 0o700
    files = list(uploads.iterdir())
    assert [f.name for f in files] == [f"{key.removeprefix('upload-')}.toml"]  # no tmp left
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
    session, _ = open_session(f"scenario={key}")
    assert session.scenario.name == "my_film" and session.message is None


def test_a_link_planted_at_the_temporary_name_is_not_followed(uploads, victim, monkeypatch,
                                                              caplog):
    uploads.mkdir(mode=0o700)
    digest = digest_of(SCENARIO)
    monkeypatch.setattr(secrets, "token_hex", lambda n=None: "0" * 16)
    # every temporary name a writer could use: this one's, and the pid-named one of old
    for name in (f".{digest}.{'0' * 16}.tmp", f"{digest}.{os.getpid()}.tmp"):
        (uploads / name).symlink_to(victim)
    key = remember(SCENARIO)
    assert key == f"upload-{digest}"
    assert victim.read_text() == "precious\n"  # not written through the link
    assert not (uploads / f"{digest}.toml").exists()
    assert "kept for this session only" in refusal(caplog)


def test_a_link_planted_at_the_final_name_is_replaced_not_followed(uploads, victim):
    uploads.mkdir(mode=0o700)
    digest = digest_of(SCENARIO)
    (uploads / f"{digest}.toml").symlink_to(victim)
    remember(SCENARIO)
    final = uploads / f"{digest}.toml"
    assert victim.read_text() == "precious\n"
    assert not final.is_symlink() and final.read_text() == SCENARIO
    assert stat.S_IMODE(final.stat().st_mode) == 0o600


def test_reading_refuses_a_link(uploads, tmp_path):
    uploads.mkdir(mode=0o700)
    elsewhere = tmp_path / "elsewhere.toml"
    elsewhere.write_text(SCENARIO)
    digest = digest_of(SCENARIO)
    (uploads / f"{digest}.toml").symlink_to(elsewhere)
    session, _ = open_session(f"scenario=upload-{digest}")
    assert session.key == "football_crowd"
    assert "cannot be read" in session.message and "drop it again" in session.message


def test_a_folder_anyone_may_write_to_is_refused(uploads, caplog):
    uploads.mkdir()
    uploads.chmod(0o777)
    key = remember(SCENARIO)
    assert list(uploads.iterdir()) == []
    assert f"refusing the upload folder {uploads}: its mode is 0777, not 0700" in refusal(caplog)
    session, _ = open_session(f"scenario={key}")
    assert "its mode is 0777" in session.message and "\n" not in session.message


def test_a_folder_of_another_user_is_refused(uploads, monkeypatch, caplog):
    uploads.mkdir(mode=0o700)
    if os.geteuid() == 0:
        os.chown(uploads, 65534, 65534)  # nobody's
    else:  # cannot give it away: be someone else instead
        real = os.getuid()
        monkeypatch.setattr(os, "getuid", lambda: real + 1)
    remember(SCENARIO)
    assert list(uploads.iterdir()) == []
    assert "belongs to another user" in refusal(caplog)


def test_a_folder_that_is_a_link_is_refused(uploads, tmp_path, caplog):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    uploads.symlink_to(real)
    remember(SCENARIO)
    assert list(real.iterdir()) == []
    assert "is a symbolic link" in refusal(caplog)


# --- the guard, as an ASGI middleware ------------------------------------------------------

PORT = 8765


async def _inner(scope, receive, send):
    """Stands for Solara: accepts every WebSocket, answers every page."""
    if scope["type"] == "websocket":
        await receive()
        await send({"type": "websocket.accept"})
    else:
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html")]})
        await send({"type": "http.response.body", "body": b"<html>dashboard</html>"})


def make_guard(host: str = "127.0.0.1", token: str | None = None):
    from dashboards.guard import Guard
    return Guard(_inner, host, PORT, token)


def call(guard, kind: str, headers: dict[str, str], method: str = "GET", target: str = "/"):
    """(status, headers, body) of one request; a WebSocket that opens is status 101."""
    path, _, query = target.partition("?")
    scope = {"type": kind, "path": path, "raw_path": path.encode(), "root_path": "",
             "query_string": query.encode(), "scheme": "ws" if kind == "websocket" else "http",
             "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
    if kind == "http":
        scope["method"] = method
    else:
        scope["extensions"] = {"websocket.http.response": {}}
    sent = []

    async def receive():
        if kind == "websocket":
            return {"type": "websocket.connect"}
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    # in a thread of its own: Playwright's sync API keeps an event loop in this one
    worker = threading.Thread(target=asyncio.run, args=(guard(scope, receive, send),))
    worker.start()
    worker.join()
    if sent[0]["type"] == "websocket.accept":
        return 101, {}, b""
    if sent[0]["type"] == "websocket.close":
        return 403, {}, b""
    head = {k.decode(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], head, b"".join(m.get("body", b"") for m in sent[1:])


HOST = {"Host": f"127.0.0.1:{PORT}"}
FOREIGN = ["http://127.0.0.1:9999", "http://localhost:8000", "http://evil.example",
           f"http://evil.example:{PORT}", "null", f"http://127.0.0.1:{PORT}.evil.example",
           f"http://localhost.evil.example:{PORT}", "file:///tmp/page.html"]


@pytest.mark.parametrize("origin", FOREIGN)
def test_a_foreign_origin_is_refused_on_the_websocket(origin):
    status, head, body = call(make_guard(), "websocket", {**HOST, "Origin": origin})
    assert status == 403
    assert body.decode().startswith("refused: a page from") and body.count(b"\n") == 1
    assert head["x-frame-options"] == "DENY"


def test_a_websocket_without_origin_is_refused():
    status, _, body = call(make_guard(), "websocket", HOST)
    assert status == 403 and b"no Origin" in body


@pytest.mark.parametrize("origin", FOREIGN)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_foreign_origin_is_refused_on_http(origin, method):
    status, head, body = call(make_guard(), "http", {**HOST, "Origin": origin}, method)
    assert status == 403 and body.decode().count("\n") == 1
    assert head["content-security-policy"] == "frame-ancestors 'none'"


@pytest.mark.parametrize("origin,host", [
    (f"http://127.0.0.1:{PORT}", f"127.0.0.1:{PORT}"),
    (f"http://localhost:{PORT}", f"localhost:{PORT}"),
    (f"http://[::1]:{PORT}", f"[::1]:{PORT}"),
    (f"http://localhost:{PORT}", f"127.0.0.1:{PORT}"),  # another name of the same server
])
def test_the_own_origin_is_accepted(origin, host):
    guard = make_guard()
    assert call(guard, "websocket", {"Host": host, "Origin": origin})[0] == 101
    status, head, body = call(guard, "http", {"Host": host, "Origin": origin}, "POST")
    assert status == 200 and body == b"<html>dashboard</html>"


def test_a_get_without_origin_passes_with_frame_headers_and_a_post_does_not():
    status, head, _ = call(make_guard(), "http", HOST)
    assert status == 200
    assert head["x-frame-options"] == "DENY"
    assert head["content-security-policy"] == "frame-ancestors 'none'"
    assert call(make_guard(), "http", HOST, "POST")[0] == 403


@pytest.mark.parametrize("kind", ["http", "websocket"])
def test_another_host_is_refused(kind):
    """DNS rebinding: a site whose name now points at 127.0.0.1 is still another site."""
    rebound = {"Host": f"evil.example:{PORT}", "Origin": f"http://evil.example:{PORT}"}
    status, _, body = call(make_guard(), kind, rebound)
    assert status == 403 and b"is not this dashboard's address" in body
    assert call(make_guard(), kind, {"Host": "127.0.0.1:9", "Origin": "http://127.0.0.1:9"}
                )[0] == 403


def test_exposed_every_request_needs_the_token():
    guard = make_guard("0.0.0.0", token="s3cret")
    lan = {"Host": f"192.168.1.20:{PORT}"}
    status, _, body = call(guard, "http", lan)
    assert status == 403 and b"--expose" in body and b"token" in body
    assert call(guard, "http", lan, target="/?token=wrong")[0] == 403
    status, head, _ = call(guard, "http", lan, target="/?scenario=sad_film&token=s3cret&seed=3")
    assert status == 303 and head["location"] == "/?scenario=sad_film&seed=3"  # token dropped
    cookie = head["set-cookie"].split(";")[0]
    assert cookie == f"contagion-token-{PORT}=s3cret" and "HttpOnly" in head["set-cookie"]
    assert call(guard, "http", {**lan, "Cookie": cookie})[0] == 200
    assert call(guard, "http", {**lan, "Cookie": f"contagion-token-{PORT}=wrong"})[0] == 403
    own = {**lan, "Origin": f"http://192.168.1.20:{PORT}"}
    assert call(guard, "websocket", own)[0] == 403
    assert call(guard, "websocket", {**own, "Cookie": cookie})[0] == 101
    assert call(guard, "websocket", {**own, "Origin": "http://192.168.1.30:8000",
                                     "Cookie": cookie})[0] == 403


def test_a_redirect_never_leaves_the_site():
    guard = make_guard(token="t")
    status, head, _ = call(guard, "http", HOST, target="//evil.example/?token=t")
    assert status == 303 and not head["location"].startswith("//")


def test_the_token_goes_to_the_server_in_its_environment_not_its_command_line():
    from dashboards.guard import LOCAL_NAMES, TOKEN_ENV
    assert cli_dashboard.TOKEN_ENV == TOKEN_ENV and set(cli_dashboard.LOCAL_HOSTS) == set(
        LOCAL_NAMES)
    command, env = cli_dashboard.server_command("0.0.0.0", PORT, token="s3cret")
    assert "s3cret" not in " ".join(command) and env[TOKEN_ENV] == "s3cret"
    assert command[1:3] == ["-m", "dashboards.guard"]
    assert TOKEN_ENV not in cli_dashboard.server_command("127.0.0.1", PORT)[1]


# --- the real server -----------------------------------------------------------------------

def kernel_socket(base: str) -> str:
    """The address of a new Solara session's WebSocket on the server at ``base``."""
    return (base.replace("http://", "ws://") + f"jupyter/api/kernels/{uuid.uuid4()}/channels"
            f"?session_id={uuid.uuid4()}")


def open_socket(base: str, origin: str | None, cookie: str | None = None) -> int:
    headers = {"Cookie": cookie} if cookie else None
    try:
        with connect(kernel_socket(base), origin=origin, additional_headers=headers,
                     open_timeout=30):
            return 101
    except InvalidStatus as exc:
        assert exc.response.body.decode().startswith("refused: ")
        return exc.response.status_code


@pytest.mark.timeout(240)
def test_the_served_dashboard_refuses_other_origins(dashboard_url):
    page = urllib.request.urlopen(dashboard_url, timeout=30)
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
    port = dashboard_url.rstrip("/").rsplit(":", 1)[1]
    assert open_socket(dashboard_url, "http://127.0.0.1:9999") == 403
    assert open_socket(dashboard_url, None) == 403
    assert open_socket(dashboard_url, f"http://127.0.0.1:{port}") == 101
    foreign = urllib.request.Request(dashboard_url, headers={"Origin": "http://127.0.0.1:9999"})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(foreign, timeout=30)
    assert refused.value.code == 403


@pytest.mark.timeout(240)
def test_exposed_the_printed_address_carries_the_token_and_nothing_works_without(tmp_path):
    port = free_port()
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / f"dashboard-server-{port}.log"
    with log.open("w") as out:  # --host 127.0.0.1: exposed, but not on this machine's network
        server = subprocess.Popen(
            [sys.executable, "-m", "contagion.cli", "dashboard", "--expose", "--host",
             "127.0.0.1", "--port", str(port)], stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 120
        while True:  # up once it refuses a request without the token
            try:
                urllib.request.urlopen(base, timeout=2)
                raise AssertionError("the exposed dashboard answered without its token")
            except urllib.error.HTTPError as exc:
                assert exc.code == 403 and b"--expose" in exc.read()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.3)
        printed = re.search(r"open (http://\S+) in a browser", log.read_text())[1]
        assert printed.startswith(base + "?token=") and len(printed) > len(base) + 30
        token = printed.split("token=")[1]
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
        for child in children.read_text().split() if children.exists() else []:
            assert token not in Path(f"/proc/{child}/cmdline").read_text()  # ps shows argv
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = browser.open(printed + "&seed=4", timeout=30)
        assert page.status == 200 and page.url == base + "?seed=4"  # the token left the address
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        own = f"http://127.0.0.1:{port}"
        assert open_socket(base, own) == 403
        assert open_socket(base, own, cookie) == 101
        assert open_socket(base, "http://127.0.0.1:9999", cookie) == 403
    finally:
        stop_dashboard(server)


# --- in Chromium ---------------------------------------------------------------------------

HOSTILE = """<!doctype html><html><body><p>another site</p><script>
window.result = new Promise(resolve => {
  const ws = new WebSocket(%r);
  ws.onopen = () => { ws.close(); resolve("open"); };
  ws.onerror = () => resolve("error");
  ws.onclose = () => resolve("closed");
});
</script><iframe src=%r onload="window.framed = true" width="600" height="400"></iframe>
</body></html>"""


@pytest.fixture
def hostile_site():
    """Serves one page (``body``, set by the test) on another localhost port."""
    class Page(http.server.BaseHTTPRequestHandler):
        body = b""

        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(Page.body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Page, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.browser
@pytest.mark.timeout(240)
def test_a_page_from_another_port_cannot_open_a_session_or_frame_the_dashboard(
        page, dashboard_url, hostile_site):
    handler, hostile_url = hostile_site
    handler.body = (HOSTILE % (kernel_socket(dashboard_url), dashboard_url)).encode()
    page.goto(hostile_url)
    assert page.evaluate("() => window.result") != "open"
    # the browser refuses to show the dashboard in the other site's frame: an error page
    page.wait_for_function("() => window.framed === true", timeout=60_000)
    assert [frame.url for frame in page.frames[1:]] == ["chrome-error://chromewebdata/"]
