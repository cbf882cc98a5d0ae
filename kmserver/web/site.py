"""The web side of the port: the web app, its cookie session, and the public help centre.

``Server._process_request`` hands every URL it does not own to
:meth:`WebSite.process_request`, and every /ws handshake to
:meth:`WebSite.adopt_cookie`.

Sign-in reuses the desktop's path exactly: the page opens /ws and sends the
same ``hello`` with name and password (the same accounts, throttling and
token rules), then trades the fresh token for a cookie with one body-less
``POST /api/session`` (``Authorization: Bearer``) and forgets it. From then on
the token lives only in an ``HttpOnly``, ``SameSite=Strict`` cookie (``Secure``,
and named ``__Host-…``, over TLS); a later /ws handshake carries it and its
``hello`` names no credentials. The token is never in a URL.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection
from websockets.http11 import Request, Response

from kmserver.signin import SignIn, Throttled, Welcome
from kmserver.store.accounts import AuthFailed
from kmserver.web import http
from kmserver.web.help import LANGS, HelpCentre
from kmserver.web.public import INDEX, PublicArticles
from kmserver.writer import TailBatch

if TYPE_CHECKING:
    from kmserver.session_api import ServerAPI

COOKIE = "kmdesk_session"
SECURE_COOKIE = "__Host-kmdesk_session"  # Secure, Path=/, no Domain: this origin only
MAX_TOKEN = 200


class WebSite:
    def __init__(
        self, server: ServerAPI, signin: SignIn, secure: bool, allowed_origins: tuple[str, ...]
    ) -> None:
        self.server = server
        self.signin = signin
        self.secure = secure
        self.cookie_name = SECURE_COOKIE if self.secure else COOKIE
        self.allowed_origins = allowed_origins
        self.static = http.load_static()
        self.public = PublicArticles(server)
        self.help = HelpCentre(self.public)

    def observe(self, batch: TailBatch) -> None:
        self.public.observe(batch)

    # -- the cookie --------------------------------------------------------------

    def _cookie(self, token: str, max_age: int) -> tuple[str, str]:
        flags = "; Secure" if self.secure else ""
        value = f"{self.cookie_name}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict"
        return ("Set-Cookie", value + flags)

    def _token(self, request: Request) -> str | None:
        token = http.cookies(request).get(self.cookie_name, "")
        return token if 0 < len(token) <= MAX_TOKEN else None

    async def adopt_cookie(self, conn: ServerConnection, request: Request) -> None:
        """A /ws handshake from the web app: remember whose cookie it carries.

        Only a page of this origin may use the cookie (a cross-site page
        opening a socket to us must not ride on it); its ``hello`` then needs
        no credentials (kmserver/server.py).
        """
        token = self._token(request)
        if token is None or not http.same_origin(request, self.secure, self.allowed_origins):
            return
        try:
            welcome = await self.signin.token(token, getattr(conn, "km_address", "unknown"))
        except (AuthFailed, Throttled):
            return  # its hello must then bring credentials (the page shows sign-in)
        welcome.from_cookie = True
        conn.km_cookie = welcome  # type: ignore[attr-defined]

    @staticmethod
    def cookie_session(conn: ServerConnection) -> Welcome | None:
        return getattr(conn, "km_cookie", None)

    # -- routes ------------------------------------------------------------------

    async def process_request(self, conn: ServerConnection, request: Request) -> Response | None:
        response = await self._route(conn, request)
        if response is not None and request.method == "HEAD":  # the headers of the GET only
            response = dataclasses.replace(response, body=b"")
        return response

    async def _route(self, conn: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        path, method = url.path, request.method
        if path == "/help/live":
            return self._help_live(conn, request, url.query)
        if method == "POST":
            if path == "/api/session":
                return await self._sign_in(conn, request)
            if path == "/api/signout":
                return await self._sign_out(request)
            return http.respond(405, "method not allowed\n", headers=[("Allow", "GET")])
        if method not in ("GET", "HEAD"):
            return http.respond(405, "method not allowed\n", headers=[("Allow", "GET, POST")])
        if path in ("/", "/index.html"):
            return self._static(request, "index.html")
        if path.startswith("/static/"):
            return self._static(request, path.removeprefix("/static/"))
        if path == "/help" or path.startswith("/help/"):
            response = await self.help.route(request)
            lang = parse_qs(url.query).get("lang", [""])[0]
            if response is not None and lang in LANGS:
                response.headers["Set-Cookie"] = (
                    f"kmdesk_lang={lang}; Path=/; Max-Age=31536000; SameSite=Lax"
                )
            return response
        return http.respond(404, "not found\n")

    def _static(self, request: Request, name: str) -> Response:
        file = self.static.get(name)
        if file is None:
            return http.respond(404, "not found\n")
        return http.static_response(request, file)

    def _help_live(self, conn: ServerConnection, request: Request, query: str) -> Response | None:
        """``/help/live?article=<id>`` (or no query: the index) keeps a help page live."""
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return http.respond(400, "a websocket endpoint\n")
        article = parse_qs(query).get("article", [INDEX])[0]
        if article != INDEX and self.public.meta(article) is None:
            return http.respond(404, "not found\n")
        handler: Callable[[], Awaitable[None]] = lambda: self.public.watch(conn, article)  # noqa: E731
        conn.km_handler = handler  # type: ignore[attr-defined]
        return None

    async def _sign_in(self, conn: ServerConnection, request: Request) -> Response:
        """Trade a session token (from the /ws welcome) for the cookie."""
        if not http.same_origin(request, self.secure, self.allowed_origins):
            return http.json_response(403, {"error": "forbidden", "message": "wrong origin"})
        scheme, _, token = (request.headers.get("Authorization") or "").partition(" ")
        if scheme != "Bearer" or not 0 < len(token) <= MAX_TOKEN:
            return http.json_response(400, {"error": "bad_request", "message": "no token"})
        try:
            welcome = await self.signin.token(token, getattr(conn, "km_address", "unknown"))
        except AuthFailed:
            return http.json_response(401, {"error": "auth_failed", "message": "sign in again"})
        except Throttled as exc:
            body = {"error": "auth_throttled", "message": str(exc), "retry_after": exc.retry_after}
            return http.json_response(429, body, [("Retry-After", str(exc.retry_after))])
        account, expires = welcome.account, welcome.expires
        max_age = max(0, int((expires - datetime.now(UTC)).total_seconds()))
        user = {"name": account.name, "role": account.role}
        return http.json_response(200, {"user": user}, [self._cookie(token, max_age)])

    async def _sign_out(self, request: Request) -> Response:
        """End the session: the token is revoked (its sockets close within seconds)."""
        if not http.same_origin(request, self.secure, self.allowed_origins):
            return http.json_response(403, {"error": "forbidden", "message": "wrong origin"})
        token = self._token(request)
        if token is not None:
            await self.server.sign_out(token)
        return http.json_response(200, {"signed_out": True}, [self._cookie("", 0)])
