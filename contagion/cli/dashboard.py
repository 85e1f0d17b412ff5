"""``contagion dashboard``: serve the workshop dashboard (a Solara app) on this machine.

The server binds to localhost unless ``--expose`` is given, and it is set up to
work with no internet: JavaScript, CSS and fonts come from the installed
``solara-assets`` package, and Solara's version check and telemetry are off.
Solara runs behind ``dashboards.guard``: only the dashboard's own pages may use it
(Origin and Host are checked, no other page may frame it), and with ``--expose``
every request needs the token in the printed address.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

from contagion.lifeline import preexec_die_with_parent

__all__ = ["CHROMIUM", "CHROMIUM_FLAGS", "LOCAL_HOSTS", "OFFLINE_ENV", "offline_page", "register",
           "serve_locally", "server_command"]

#: Debian's Chromium, which the scripts and tests that drive the dashboard use
#: (Playwright cannot download a browser on these machines).
CHROMIUM = "/usr/bin/chromium"
#: Its flags: no sandbox (root in a container), no GPU, nothing fetched in the background.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"]
#: Addresses a page of the local dashboard may load; anything else is blocked.
_LOCAL_URLS = ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:", "about:")

APP = "dashboards.app"
#: ``solara run`` with the Origin/Host/token checks around Solara's app (dashboards/guard.py).
GUARD = "dashboards.guard"
#: The environment variable that hands the server its ``--expose`` token (never argv: ``ps``).
TOKEN_ENV = "CONTAGION_DASHBOARD_TOKEN"
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

#: Environment for the server: no calls home, nothing fetched from a CDN by the browser.
OFFLINE_ENV = {
    "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # no usage statistics sent
    "SOLARA_ASSETS_PROXY": "True",  # the browser loads every asset from this server
    "SOLARA_THEME_SHOW_BANNER": "False",
    "SOLARA_THEME_TITLE": "Contagion dashboard",
    # after a restart, an open page runs the app again instead of asking for a refresh;
    # the page's address holds the scenario, values and seed (dashboards/address.py)
    "SOLARA_STATE_AUTO_REMOUNT": "True",
}


def register(subparsers) -> None:
    """Add ``dashboard``."""
    p = subparsers.add_parser(
        "dashboard", help="serve the workshop dashboard in a browser",
        description="Serve the workshop dashboard on this machine and print its address. "
        "It works without internet. By default only this computer can open it; "
        "--expose makes it reachable from the network (anyone who can reach the "
        "port and has the printed address, with its token, can use it). Only the "
        "dashboard's own pages may use it: other pages and frames are refused.")
    p.add_argument("--host", default=None,
                   help="interface to bind (default 127.0.0.1; others need --expose)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 = any free)")
    p.add_argument("--expose", action="store_true",
                   help="allow binding to a network interface (default with it: 0.0.0.0)")
    p.set_defaults(handler=serve)


def check_address(host: str | None, port: int, expose: bool) -> tuple[str, int]:
    """The host and port to bind; ValueError if the choice is unsafe or unusable."""
    host = host or ("0.0.0.0" if expose else "127.0.0.1")
    if host not in LOCAL_HOSTS and not expose:
        raise ValueError(f"--host {host} would make the dashboard reachable from the network; "
                         "add --expose if that is what you want")
    if not 0 <= port <= 65535:
        raise ValueError(f"--port {port} is invalid: allowed 0 to 65535")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # as the server itself binds: a port left in TIME_WAIT by a crashed server (a minute
        # or more after the crash, with a page open) is free to use, a listening one is not
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ValueError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        port = port or probe.getsockname()[1]
    return host, port


def server_command(host: str, port: int, token: str | None = None
                   ) -> tuple[list[str], dict[str, str]]:
    """The ``solara run`` command line and environment that serve the dashboard.

    Solara runs behind the guard (``python -m dashboards.guard run ...``); ``token``,
    if given, is what every request must carry (``--expose``).
    """
    command = [sys.executable, "-m", GUARD, "run", APP, "--host", host, "--port", str(port),
               "--production", "--no-open", "--no-check-version", "--log-level-uvicorn",
               "warning"]
    # Solara warns on every start that samesite=none cookies need https and falls back
    # to lax, which is right on localhost; keep the presenter's terminal clean of it.
    quiet = "ignore:Cookies with samesite=none require https:UserWarning"
    warnings = ",".join(filter(None, [os.environ.get("PYTHONWARNINGS"), quiet]))
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    env.update(OFFLINE_ENV, PYTHONWARNINGS=warnings, **({TOKEN_ENV: token} if token else {}))
    return command, env


def serve(args) -> int:
    """Handle ``contagion dashboard``: run the server until interrupted."""
    host, port = check_address(args.host, args.port, args.expose)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    shown = f"[{shown}]" if ":" in shown else shown
    # exposed, every request needs this token: the printed address carries it
    token = secrets.token_urlsafe(24) if args.expose else None
    print(f"Contagion dashboard: open http://{shown}:{port}/{f'?token={token}' if token else ''}"
          " in a browser (works offline; Ctrl+C stops it)", flush=True)
    if host not in LOCAL_HOSTS:
        print(f"Exposed on {host}: anyone who can reach port {port} on this machine and has "
              "the address above, with its token, can use it.", flush=True)
    command, env = server_command(host, port, token)
    # kill -9 of this command takes the server with it (Linux): no server left listening
    process = subprocess.Popen(command, env=env,
                               preexec_fn=preexec_die_with_parent(signal.SIGKILL))
    signal.signal(signal.SIGTERM, lambda *_: process.terminate())  # stop the server with us
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # sessions still playing: do not leave it holding the port
            process.kill()
            process.wait()
        raise


def offline_page(browser, viewport: dict, blocked: list[str] | None = None):
    """A new page in its own browser context (a new session) that loads nothing from outside.

    ``browser`` is a Playwright browser; requests to anywhere but this machine are
    aborted and, with ``blocked``, their addresses appended to it.
    """
    page = browser.new_context(viewport=viewport).new_page()

    def route(r):
        if r.request.url.startswith(_LOCAL_URLS):
            r.continue_()
        else:
            if blocked is not None:
                blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return page


@contextlib.contextmanager
def serve_locally(timeout: float = 90.0) -> Iterator[str]:
    """The dashboard server on a free localhost port while the ``with`` block runs.

    For scripts that drive it (screenshots, benchmarks): yields the address to open
    once the server answers; on leaving the block the server's process group (its own
    session) is stopped, and killed if it does not stop within 15 s.
    """
    host, port = check_address("127.0.0.1", 0, expose=False)
    command, env = server_command(host, port)
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://{host}:{port}/"
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the dashboard server did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)  # the group this function started
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
