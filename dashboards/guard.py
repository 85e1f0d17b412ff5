"""Only the dashboard's own pages may use the dashboard: Origin, Host and token checks.

Solara accepts a WebSocket from any page the browser has open, so without this a
page from another site, or from another port of this machine, could open a session
and upload a scenario (cross-site WebSocket hijacking). :class:`Guard` is an ASGI
middleware around Solara's starlette app that

- refuses, with HTTP 403 and a one-line reason, a request whose ``Host`` is not the
  served address (``127.0.0.1``, ``localhost`` or ``[::1]`` at the served port, or
  the ``--host`` given): this stops DNS rebinding;
- refuses a WebSocket whose ``Origin`` is missing or not one of those addresses, and
  an HTTP request whose ``Origin`` is another site (a GET or HEAD without ``Origin``,
  as curl sends it, passes);
- with a token (``--expose``), refuses every request without it: the address the
  command prints carries ``?token=...``; the first load with it sets a cookie and
  redirects to the same address without the token, so it does not stay in the
  address bar (or on the projector);
- sends ``X-Frame-Options: DENY`` and ``Content-Security-Policy: frame-ancestors 'none'``
  with every response, so no other page can show the dashboard in a frame.

``python -m dashboards.guard run dashboards.app --host H --port P ...`` is ``solara run``
with the guard around its app (``contagion dashboard`` starts it so); the token, if
any, comes in the environment variable :data:`TOKEN_ENV`, never on the command line
where other users could read it.
"""

from __future__ import annotations

import hmac
import logging
import os
import sys
from collections.abc import Iterable
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

__all__ = ["FRAME_HEADERS", "LOCAL_NAMES", "TOKEN_ENV", "Guard", "main"]

log = logging.getLogger("dashboards")

#: The environment variable that hands the server its token (``--expose``).
TOKEN_ENV = "CONTAGION_DASHBOARD_TOKEN"
#: Names of this machine that a local page may use.
LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")
#: Headers on every response: no page may show the dashboard in a frame.
FRAME_HEADERS = [(b"x-frame-options", b"DENY"),
                 (b"content-security-policy", b"frame-ancestors 'none'")]
_WILDCARDS = ("0.0.0.0", "::", "")
_SAFE_METHODS = ("GET", "HEAD")


def _split_host(value: str, default_port: int) -> tuple[str, int] | None:
    """``("localhost", 8765)`` from a Host header ``localhost:8765``; None if malformed."""
    try:
        parts = urlsplit("//" + value)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname or parts.username is not None or parts.path or parts.query:
        return None
    return parts.hostname.rstrip("."), port if port is not None else default_port


def _split_origin(value: str) -> tuple[str, int] | None:
    """``("127.0.0.1", 8765)`` from an Origin ``http://127.0.0.1:8765``; None otherwise."""
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        return None
    default = 443 if parts.scheme == "https" else 80
    return parts.hostname.rstrip("."), port if port is not None else default


class Guard:
    """ASGI middleware: the checks above, in front of ``app``.

    ``host`` and ``port`` are what the server binds; ``token`` (None: none needed)
    is what ``--expose`` asks every request to carry, in its query or its cookie.
    """

    def __init__(self, app, host: str, port: int, token: str | None = None):
        if not 0 < port < 65536:
            raise ValueError(f"the guard needs the served port, not {port}")
        self.app, self.port, self.token = app, port, token or None
        names = set(LOCAL_NAMES)
        if host.strip("[]") not in _WILDCARDS:
            names.add(host.strip("[]").lower())
        self.allowed = {(name, port) for name in names}
        # bound to every interface, the machine's names and addresses are not known
        # here: any Host is accepted, and the token (always set with --expose) checks
        self.any_host = host.strip("[]") in _WILDCARDS and self.token is not None
        self.cookie = f"contagion-token-{port}"  # cookies ignore ports: one per server
        self._said: set[str] = set()

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)  # lifespan
            return
        headers = _headers(scope["headers"])
        refusal, good_query_token = self.check(scope, headers)
        if refusal is not None:
            self._note(scope, refusal)
            await self._refuse(scope, receive, send, refusal)
            return
        if good_query_token and scope["type"] == "http" and scope["method"] in _SAFE_METHODS:
            await self._keep_token(scope, send)
            return

        async def framed(message):
            if message["type"] in ("http.response.start", "websocket.http.response.start"):
                message = {**message, "headers": [*message.get("headers", []), *FRAME_HEADERS]}
            await send(message)

        await self.app(scope, receive, framed)

    def check(self, scope, headers: dict[str, str]) -> tuple[str | None, bool]:
        """(why the request is refused or None, whether its query holds the right token)."""
        websocket = scope["type"] == "websocket"
        host = _split_host(headers.get("host", ""), self.port)
        if host is None:
            return "refused: the request names no valid Host", False
        if not self.any_host and host not in self.allowed:
            return (f"refused: Host {headers['host']} is not this dashboard's address "
                    f"(open http://127.0.0.1:{self.port}/)"), False
        origin = headers.get("origin")
        if origin is None:
            if websocket:
                return "refused: a WebSocket must come from the dashboard's own page (no Origin)", \
                    False
            if scope["method"] not in _SAFE_METHODS:
                return f"refused: a {scope['method']} must come from the dashboard's own page " \
                    "(no Origin)", False
        elif _split_origin(origin) not in self.allowed | {host}:
            return (f"refused: a page from {origin[:80]} may not use this dashboard; "
                    "only its own page may"), False
        if self.token is None:
            return None, False
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        in_query = query.get("token")
        if in_query is not None and hmac.compare_digest(in_query.encode(), self.token.encode()):
            return None, True
        cookie = _cookies(headers.get("cookie", "")).get(self.cookie)
        if cookie is not None and hmac.compare_digest(cookie.encode(), self.token.encode()):
            return None, False
        return ("refused: this dashboard was started with --expose; open the address it "
                "printed, with its ?token=..."), False

    def _note(self, scope, refusal: str) -> None:
        """One line in the server's log per kind of refusal (a page retrying does not flood it)."""
        if refusal not in self._said and len(self._said) < 100:
            self._said.add(refusal)
            kind = "WebSocket" if scope["type"] == "websocket" else "HTTP"
            log.warning("dashboard: %s %s", kind, refusal)

    async def _refuse(self, scope, receive, send, reason: str) -> None:
        body = (reason + "\n").encode("utf-8")
        headers = [(b"content-type", b"text/plain; charset=utf-8"),
                   (b"content-length", str(len(body)).encode()), *FRAME_HEADERS]
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 403, "headers": headers})
            await send({"type": "http.response.body", "body": body})
        elif "websocket.http.response" in scope.get("extensions", {}):
            await send({"type": "websocket.http.response.start", "status": 403,
                        "headers": headers})
            await send({"type": "websocket.http.response.body", "body": body})
        else:  # a close before the handshake is answered with 403 by the server
            await send({"type": "websocket.close", "code": 1008, "reason": reason[:120]})

    async def _keep_token(self, scope, send) -> None:
        """Set the token's cookie and send the browser to the address without the token."""
        query = [(k, v) for k, v in parse_qsl(scope.get("query_string", b"").decode("latin-1"),
                                              keep_blank_values=True) if k != "token"]
        path = quote(scope.get("root_path", "") + scope["path"], safe="/:@!$&'()*+,;=-._~")
        # "/" + ...: never "//elsewhere", which a browser would read as another site
        location = "/" + path.lstrip("/") + (f"?{urlencode(query)}" if query else "")
        cookie = f"{self.cookie}={self.token}; Path=/; HttpOnly; SameSite=Lax"
        headers = [(b"location", location.encode("latin-1", "replace")),
                   (b"set-cookie", cookie.encode()), (b"cache-control", b"no-store"),
                   (b"content-length", b"0"), *FRAME_HEADERS]
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})


def _headers(raw: Iterable[tuple[bytes, bytes]]) -> dict[str, str]:
    """Lower-cased names; of a header sent twice, the first (a second Origin is not read)."""
    headers: dict[str, str] = {}
    for name, value in raw:
        headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
    return headers


def _cookies(header: str) -> dict[str, str]:
    """``a=1; b=2`` as a dict (of a cookie sent twice, the first)."""
    cookies: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep:
            cookies.setdefault(name.strip(), value.strip().strip('"'))
    return cookies


def _option(argv: list[str], name: str) -> str | None:
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def main(argv: list[str] | None = None) -> None:
    """``solara run ...`` with :class:`Guard` around Solara's app (needs ``--host``, ``--port``)."""
    argv = sys.argv[1:] if argv is None else argv
    host, port = _option(argv, "--host"), _option(argv, "--port")
    if host is None or port is None or not port.isdigit() or int(port) == 0:
        raise SystemExit("dashboards.guard: give --host and a --port (not 0) for solara run")
    import uvicorn
    from solara.__main__ import main as solara_main

    # Solara's app module reads what ``solara run`` sets up when uvicorn imports it, so
    # the guard goes around the app uvicorn has loaded, in front of everything else
    load = uvicorn.Config.load

    def load_guarded(config) -> None:
        load(config)
        config.loaded_app = Guard(config.loaded_app, host, int(port), os.environ.get(TOKEN_ENV))

    uvicorn.Config.load = load_guarded
    sys.argv = ["solara", *argv]
    solara_main()


if __name__ == "__main__":
    main()
