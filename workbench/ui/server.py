"""The web server the workbench owns, with the Gradio app mounted inside it.

Gradio's own login guards only some of its routes (cancel, reset, heartbeat and the root
page's embedded API schema answer without one). Here one ASGI middleware stands in front
of every route instead: without a valid session cookie a request gets 401 (a browser asking
for a page is sent to ``/login``), whatever the path. It also keeps what one login starts
to that login: a Gradio session (``session_hash``) and a REST call's ``event_id`` belong to
the user who first used them, so nobody can read, cancel or reset another user's events.

Logins are rate-limited per client address; sessions end after a stretch without use and
after a maximum lifetime. The gradio routes learn the user through ``auth_dependency``,
so ``gr.Request.username`` is always the server's own answer.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Annotated
from urllib.parse import parse_qs

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse

from workbench.users import Directory

COOKIE = "workbench-session"
LOGIN_FAILURES_ALLOWED = 5  # per address within the window, then refused until it has passed
LOGIN_WINDOW_SECONDS = 60.0
OPEN_PATHS = ("/login", "/login/", "/logout", "/logout/")
# Routes whose request names a Gradio session (in the JSON body or the query string).
SESSION_BODY_PATHS = ("/gradio_api/queue/join", "/gradio_api/cancel", "/gradio_api/reset",
                      "/gradio_api/reset/")
MAX_CLAIMS = 100_000  # session and event owners remembered; the oldest are forgotten first


@dataclass
class _Session:
    user: str
    started: float
    seen: float


class SessionBook:
    """Login sessions by random token: each ends ``idle_seconds`` after its last use, or ``max_seconds`` after login."""

    def __init__(self, idle_seconds: float, max_seconds: float, clock: Callable[[], float] = time.monotonic):
        self.idle_seconds = idle_seconds
        self.max_seconds = max_seconds
        self.clock = clock
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.Lock()

    def open(self, user: str) -> str:
        """A new session token for ``user``."""
        token = secrets.token_urlsafe(32)
        now = self.clock()
        with self._lock:
            self._prune(now)
            self._sessions[token] = _Session(user, now, now)
        return token

    def user(self, token: str | None) -> str | None:
        """The user of a live session (and mark it used), else None."""
        if not token:
            return None
        now = self.clock()
        with self._lock:
            session = self._sessions.get(token)
            if session is None:
                return None
            if now - session.seen > self.idle_seconds or now - session.started > self.max_seconds:
                del self._sessions[token]
                return None
            session.seen = now
            return session.user

    def close(self, token: str | None) -> None:
        """End a session (log out)."""
        with self._lock:
            self._sessions.pop(token or "", None)

    def _prune(self, now: float) -> None:
        for token in [t for t, s in self._sessions.items()
                      if now - s.seen > self.idle_seconds or now - s.started > self.max_seconds]:
            del self._sessions[token]


class LoginLimiter:
    """Failed logins per client address: after ``allowed`` failures in ``window`` seconds, refuse until they age out."""

    def __init__(self, allowed: int = LOGIN_FAILURES_ALLOWED, window: float = LOGIN_WINDOW_SECONDS,
                 clock: Callable[[], float] = time.monotonic):
        self.allowed, self.window, self.clock = allowed, window, clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_seconds(self, address: str) -> float:
        """How long ``address`` must wait before it may try again (0 when it may now)."""
        now = self.clock()
        with self._lock:
            failures = self._failures.get(address)
            if failures is None:
                return 0.0
            while failures and now - failures[0] > self.window:
                failures.popleft()
            if len(failures) < self.allowed:
                return 0.0
            return max(0.0, self.window - (now - failures[0]))

    def failed(self, address: str) -> None:
        """Count a failed login from ``address``."""
        with self._lock:
            self._failures.setdefault(address, deque()).append(self.clock())

    def succeeded(self, address: str) -> None:
        """Forget ``address``'s failures."""
        with self._lock:
            self._failures.pop(address, None)


class _Claims:
    """Who owns each Gradio session hash and REST event id: the first user to use it."""

    def __init__(self):
        self._owners: dict[str, str] = {}
        self._lock = threading.Lock()

    def claim(self, key: str, user: str) -> bool:
        """Bind ``key`` to ``user`` if unowned; True when ``user`` owns it."""
        with self._lock:
            owner = self._owners.setdefault(key, user)
            if len(self._owners) > MAX_CLAIMS:
                for old in list(self._owners)[:MAX_CLAIMS // 10]:
                    del self._owners[old]
            return owner == user

    def owned_by(self, key: str, user: str) -> bool:
        """True when ``key`` is unowned or owned by ``user``."""
        with self._lock:
            return self._owners.get(key, user) == user


def session_token(cookie_header: str | None) -> str | None:
    """The workbench session token in a ``Cookie`` header, if any."""
    if not cookie_header:
        return None
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except Exception:  # a malformed Cookie header is no session
        return None
    morsel = cookies.get(COOKIE)
    return morsel.value if morsel else None


class AuthGate:
    """ASGI middleware: every route needs a live session, and sessions and events stay their owner's."""

    def __init__(self, app, book: SessionBook, directory: Directory):
        self.app, self.book, self.directory = app, book, directory
        self.claims = _Claims()

    async def __call__(self, scope, receive, send):
        if scope["type"] not in ("http", "websocket"):
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        if path in OPEN_PATHS:
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        user = self.book.user(session_token(headers.get("cookie")))
        if user is not None and self.directory.actor(user) is None:
            user = None  # removed since they logged in
        if user is None:
            if scope["type"] == "websocket":
                return await send({"type": "websocket.close", "code": 1008})
            if scope["method"] == "GET" and "text/html" in headers.get("accept", ""):
                return await _respond(send, 303, b"", [(b"location", b"/login")])
            return await _json(send, 401, {"detail": "log in first: POST /login with username and password"})
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        method = scope["method"]
        owned = _owned_key(method, path, scope.get("query_string", b""))
        if owned is not None and not self.claims.owned_by(owned, user):
            return await _json(send, 404, {"detail": "no such session or event"})
        if method == "POST" and path in SESSION_BODY_PATHS:
            body = await _read_body(receive)
            try:
                payload = json.loads(body or b"{}")
            except ValueError:
                payload = {}
            session_hash = payload.get("session_hash") if isinstance(payload, dict) else None
            if session_hash and not self.claims.claim("s:" + str(session_hash), user):
                return await _json(send, 404, {"detail": "no such session"})
            event_id = payload.get("event_id") if isinstance(payload, dict) else None
            if event_id and not self.claims.owned_by("e:" + str(event_id), user):
                return await _json(send, 404, {"detail": "no such event"})
            return await self.app(scope, _replay(body), send)
        if method == "POST" and path.startswith("/gradio_api/call/"):
            return await self.app(scope, receive, self._claiming_events(send, user))
        return await self.app(scope, receive, send)

    def _claiming_events(self, send, user: str):
        """Wrap ``send`` so the ``event_id`` a REST call answers with belongs to ``user``."""
        chunks: list[bytes] = []

        async def wrapped(message):
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body"):
                    try:
                        event_id = json.loads(b"".join(chunks)).get("event_id")
                    except (ValueError, AttributeError):
                        event_id = None
                    if event_id:
                        self.claims.claim("e:" + str(event_id), user)
            await send(message)

        return wrapped


def _owned_key(method: str, path: str, query_string: bytes) -> str | None:
    """The session (``s:``) or event (``e:``) a GET reads: its queue stream, heartbeat or REST result."""
    if method != "GET":
        return None
    if path.startswith("/gradio_api/queue/data"):
        return "s:" + (parse_qs(query_string.decode("latin-1")).get("session_hash") or [""])[0]
    if path.startswith("/gradio_api/heartbeat/"):
        return "s:" + path.rstrip("/").rsplit("/", 1)[-1]
    if path.startswith("/gradio_api/call/") and path.rstrip("/").count("/") >= 4:
        return "e:" + path.rstrip("/").rsplit("/", 1)[-1]
    return None


async def _read_body(receive) -> bytes:
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body


def _replay(body: bytes):
    sent = False

    async def receive():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


async def _respond(send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-length", str(len(body)).encode()), *headers]})
    await send({"type": "http.response.body", "body": body})


async def _json(send, status: int, payload: dict) -> None:
    await _respond(send, status, json.dumps(payload).encode(), [(b"content-type", b"application/json")])


LOGIN_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Log in · Translation review workbench</title>
<style>body{{font-family:system-ui,sans-serif;max-width:22rem;margin:4rem auto}}label{{display:block;margin:.8rem 0}}
input{{width:100%;padding:.4rem;font-size:1rem}}button{{margin-top:1rem;padding:.5rem 1.2rem;font-size:1rem}}
.wb-login-error{{color:#b00020}}</style></head><body>
<h2>Translation review workbench</h2>{message}
<form method="post" action="/login">
<label>username <input name="username" autocomplete="username" required autofocus></label>
<label>password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Login</button></form></body></html>"""


def build_server(blocks, directory: Directory | None, *, session_minutes: float, max_session_hours: float = 24.0,
                 limiter: LoginLimiter | None = None, **mount_options):
    """A FastAPI app serving ``blocks`` at ``/``; with ``directory``, every route behind its logins.

    ``mount_options`` go to :func:`gradio.mount_gradio_app` (css, head, allowed_paths, ...).
    """
    import gradio as gr

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    if directory is None:
        return gr.mount_gradio_app(app, blocks, path="/", **mount_options)

    book = SessionBook(idle_seconds=session_minutes * 60, max_seconds=max_session_hours * 3600)
    limiter = limiter or LoginLimiter()

    def wants_page(request: Request) -> bool:
        return "text/html" in request.headers.get("accept", "")

    def login_answer(request: Request, status: int, message: str):
        if wants_page(request):
            return HTMLResponse(LOGIN_PAGE.format(message=f'<p class="wb-login-error">{html.escape(message)}</p>'),
                                status_code=status)
        return JSONResponse({"detail": message}, status_code=status)

    @app.get("/login")
    def login_page() -> HTMLResponse:
        return HTMLResponse(LOGIN_PAGE.format(message=""))

    @app.post("/login")
    def login(request: Request, username: Annotated[str, Form()] = "", password: Annotated[str, Form()] = ""):
        address = request.client.host if request.client else "unknown"
        wait = limiter.wait_seconds(address)
        if wait > 0:
            return login_answer(request, 429, f"too many failed logins from {address}; wait {int(wait) + 1} s "
                                              "and try again")
        actor = directory.authenticate(username, password)
        if actor is None:
            limiter.failed(address)
            return login_answer(request, 400, "wrong user name or password; check both and try again")
        limiter.succeeded(address)
        token = book.open(actor.name)
        response = RedirectResponse("/", status_code=303) if wants_page(request) else JSONResponse({"success": True})
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/",
                            max_age=int(max_session_hours * 3600))
        return response

    @app.api_route("/logout", methods=["GET", "POST"])
    def logout(request: Request):
        book.close(session_token(request.headers.get("cookie")))
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(COOKIE, path="/")
        return response

    def current_user(request: Request) -> str | None:
        user = book.user(session_token(request.headers.get("cookie")))
        return user if user is not None and directory.actor(user) is not None else None

    gr.mount_gradio_app(app, blocks, path="/", auth_dependency=current_user, **mount_options)
    app.add_middleware(_GateFactory, book=book, directory=directory)
    return app


class _GateFactory(AuthGate):
    """:class:`AuthGate` with the signature Starlette's ``add_middleware`` calls."""

    def __init__(self, app, *, book: SessionBook, directory: Directory):
        super().__init__(app, book, directory)
