"""The running server: database, writer, hub and the websocket listener."""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from kmserver import logs, metrics, release
from kmserver.admission import Admission
from kmserver.attention.service import Attention
from kmserver.cluster import Cluster
from kmserver.feedback.service import Clock, Feedback, utc_now
from kmserver.hub import Hub
from kmserver.limits import Limits, UserRates
from kmserver.peer import close_draining
from kmserver.protocol import messages as m
from kmserver.protocol.messages import ErrorCode
from kmserver.publishing.review_dates import DEFAULT_REVIEW_DAYS
from kmserver.publishing.service import Publishing
from kmserver.signin import CLOSE_TRY_LATER, SignIn, Throttled
from kmserver.state_cache import CachedState, StateCache
from kmserver.store import documents as docs
from kmserver.store import row_bookkeeping
from kmserver.store.accounts import Accounts, AuthFailed
from kmserver.store.database import PROCESS_ID, Database
from kmserver.store.serve_lock import ServeLock, sqlite_path
from kmserver.visibility import send_states
from kmserver.web import http
from kmserver.web.site import WebSite
from kmserver.writer import Job, TailBatch, Writer
from kmserver.ws_session import WsSession
from kmserver.y_session import YSession

log = logging.getLogger(__name__)

T = TypeVar("T")

CLOSE_AUTH = 4001
EMPTY_UPDATE = b"\x00\x00"
ACCOUNT_CHECK_SECONDS = 2.0  # how soon a role change, removal or revoked token takes effect


@dataclass
class ServerConfig:
    db_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8765
    certfile: str | None = None
    keyfile: str | None = None
    # Browser origins allowed to open a socket. Requests without an Origin header
    # (the desktop app, Node) are always allowed; "*" allows every origin.
    allowed_origins: Sequence[str] = field(default_factory=tuple)
    sqlite_sync: str = "full"
    # Flags and notifications (docs/feedback.md); tests inject the clock.
    flag_escalate_after: float = 4 * 3600.0  # seconds open and unacknowledged
    edit_digest_after: float = 120.0  # seconds without an edit that end a burst
    feedback_tick: float = 5.0  # how often digests and escalations are checked
    # A published document is due for review this many days after it was last
    # verified (or published), unless it sets its own ``review_every``.
    review_every_days: int = DEFAULT_REVIEW_DAYS
    clock: Clock | None = None
    limits: Limits = field(default_factory=Limits)  # kmserver/limits.py, docs/server.md
    metrics: str = "local"  # who may GET /metrics: local (loopback), on, off


class Server:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        # Migrated in start(), once this process holds the database (serve_lock.py).
        self.db = Database(config.db_url, config.sqlite_sync, migrated=False)
        self.accounts = Accounts(self.db)
        self.limits = config.limits
        self.rates = UserRates(config.limits)
        self.admission = Admission(config.limits)
        self._readers = ThreadPoolExecutor(4, thread_name_prefix="kmserver-read")
        self.states = StateCache()
        self.signin = SignIn(
            self.accounts, config.limits, lambda job: self.writer.submit(job), self.run_blocking
        )
        self._listener: Any = None
        self._account_watch: asyncio.Task | None = None
        self.peers: set[WsSession | YSession] = set()
        self.metrics = metrics.Metrics()
        self.signin.on_result = self.metrics.signin
        self._open: dict[str, int] = {"ws": 0, "y": 0, "web": 0}  # sockets by kind
        self.cluster: Cluster | None = None
        self._serve_lock: ServeLock | None = None
        self.writer: Writer
        self.hub: Hub
        self.feedback = Feedback(
            self,
            clock=config.clock,
            escalate_after=config.flag_escalate_after,
            digest_after=config.edit_digest_after,
            tick=config.feedback_tick,
        )
        self.publishing = Publishing(self, config.clock or utc_now)
        self.attention = Attention(self, config.clock or utc_now)
        # The web app and the public help centre (kmserver/web/).
        self.web = WebSite(self, self.signin, bool(config.certfile), tuple(config.allowed_origins))
        self.port = config.port

    # -- threads ------------------------------------------------------------

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(session, *args)`` with a read-only session off the event loop."""

        def job() -> T:
            with self.db.read() as s:
                return fn(s, *args)

        return await asyncio.get_running_loop().run_in_executor(self._readers, job)

    async def doc_state(self, doc_id: str, published: bool) -> CachedState:
        """A document's whole state (published or working copy), read once per version
        of the document (kmserver/state_cache.py); an empty update if there is none."""
        meta = self.hub.catalog.get(doc_id)
        version = None if meta is None else (meta.pub_seq, meta.rev) if published else meta.seq
        if version is not None:
            cached = self.states.get(doc_id, published, version)
            if cached is not None:
                return cached
        read = docs.published_state if published else docs.full_state
        state = await self.read(read, doc_id) or EMPTY_UPDATE
        if version is None:
            return CachedState(state)
        return self.states.put(doc_id, published, version, state)

    def _settle_rows(self) -> list[str]:
        with self.db.write() as s, s.begin():
            return row_bookkeeping.settle(s)

    async def run_blocking(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._readers, fn, *args)

    async def sign_out(self, token: str) -> None:
        await self.run_blocking(self.accounts.revoke_token, token)

    # -- life cycle -----------------------------------------------------------

    async def start(self) -> int:
        db_file = sqlite_path(self.db.url)
        if db_file is not None:  # several processes need PostgreSQL
            self._serve_lock = ServeLock(db_file)
            self._serve_lock.acquire()
        # Only now: a second server (a newer release, say) must not change the schema
        # under the one that serves this file before it refuses to start.
        try:
            await self.run_blocking(self.db.migrate)
        except BaseException:
            if self._serve_lock is not None:
                self._serve_lock.release()
            raise
        # Rows a server stopped by kill -9 left behind their log: up to date before the
        # catalog is read from them (store/row_bookkeeping.py).
        settled = await self.run_blocking(self._settle_rows)
        if settled:
            log.info("brought %d document rows up to their log", len(settled))
        self.writer = Writer(self.db, on_tail=self._on_tail)
        self.writer.metrics = self.metrics
        metas = await self.read(docs.all_metas)
        self.hub = Hub(metas, self.writer.covered, self.config.review_every_days)
        loop = asyncio.get_running_loop()
        self.attention.attach()
        self.cluster = Cluster(
            self.db,
            self.writer.poke,
            self.hub.awareness_from_elsewhere,
            asyncio.get_running_loop().call_soon_threadsafe,
        )
        if self.cluster.enabled:
            self.hub.awareness_out = self.cluster.send_awareness
        self.cluster.start()
        cluster = self.cluster
        self.metrics.attach(
            metrics.State(
                connections=lambda: {
                    **self._open,
                    "unauthenticated": self.admission.unauthenticated.total,
                },
                signed_in_users=lambda: len({p.account.name for p in self.peers}),
                covered=lambda: self.hub.covered,
                listen_reconnects=lambda: cluster.reconnects,
            ),
            refused=lambda: self.admission.refused,
        )
        self.hub.state_sender = lambda doc_id, wanted: loop.create_task(
            send_states(self, doc_id, wanted)
        )
        self.writer.start()
        await self.feedback.start()
        ssl_context = None
        if self.config.certfile:
            ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ssl_context.load_cert_chain(self.config.certfile, self.config.keyfile)
        limits = self.limits
        self._listener = await serve(
            self._handle,
            self.config.host,
            self.config.port,
            process_request=self._process_request,
            ssl=ssl_context,
            compression=None,  # CRDT updates are small and binary; deflate costs CPU
            # Until sign-in a frame is a hello; admission raises it to max_frame after.
            max_size=limits.max_frame_before_signin,
            max_queue=(limits.max_received_frames, max(1, limits.max_received_frames // 4)),
            open_timeout=limits.handshake_timeout,
            create_connection=self.admission.connection_class(),
            logger=logs.websockets_logger(),
        )
        self.port = self._listener.sockets[0].getsockname()[1]
        self._account_watch = asyncio.get_running_loop().create_task(self._watch_accounts())
        log.info(
            "serving %s on %s (kmdesk %s, process %s, log at %d%s)",
            self.db.write_engine.url.render_as_string(hide_password=True),
            self.url,
            release.version(),
            PROCESS_ID,
            self.hub.covered,
            ", with other processes: PostgreSQL" if self.cluster and self.cluster.enabled else "",
        )
        return self.port

    def _on_tail(self, jobs: list[Job], batch: TailBatch) -> None:
        self.hub.on_tail(jobs, batch)
        self.feedback.observe(batch)
        self.web.observe(batch)

    @property
    def url(self) -> str:
        scheme = "wss" if self.config.certfile else "ws"
        return f"{scheme}://{self.config.host}:{self.port}"

    async def stop(self) -> None:
        """Stop listening, close every socket, commit everything received."""
        if self._account_watch is not None:
            self._account_watch.cancel()
        await self.feedback.stop()
        if self._listener is not None:
            self.admission.drop_silenced()  # unread: they would hold the close up
            self._listener.close(close_connections=True)
            await self._listener.wait_closed()
        await self.writer.stop()
        if self.cluster is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.cluster.stop)
        self.signin.shutdown()
        self._readers.shutdown(wait=True)
        self.db.dispose()
        self.metrics.close()
        if self._serve_lock is not None:
            self._serve_lock.release()

    async def _watch_accounts(self) -> None:
        """Apply account changes made elsewhere (``kmserver user set/remove/unlock``):
        to live sessions, and lockouts lifted by an admin to sign-in.

        Access is checked against ``session.account`` on every message, so
        refreshing it is what makes a demotion take effect without a reconnect.
        """
        unlocked_mark = datetime.now(UTC)  # the gate is empty at start: nothing before
        while True:
            await asyncio.sleep(ACCOUNT_CHECK_SECONDS)
            try:
                unlocked = await self.run_blocking(self.accounts.unlocked_since, unlocked_mark)
            except Exception:
                log.exception("unlock check failed; will retry")
                unlocked = []
            for name, at in unlocked:  # ``kmserver user unlock NAME`` (or a new password)
                self.signin.unlock(name)
                unlocked_mark = max(unlocked_mark, at)
            peers = list(self.peers)
            if not peers:
                continue
            try:
                valid = await self.run_blocking(
                    self.accounts.resolve_tokens, {p.token for p in peers}
                )
            except Exception:
                log.exception("account check failed; will retry")
                continue
            for peer in peers:
                account = valid.get(peer.token)
                if account is None:
                    await peer.ws.close(CLOSE_AUTH, "session ended; sign in again")
                elif account != peer.account:
                    self.hub.account_changed(peer, account)
                    if peer.kind == "ws" and peer.live:  # a new role or topic: new must-reads
                        await self.attention.resend(peer)

    # -- HTTP part of the handshake -----------------------------------------------

    def _origin_allowed(self, request: Request) -> bool:
        """Browsers send an Origin; a page elsewhere must not open a socket with the
        user's credentials (cross-site WebSocket hijacking). Allowed: no Origin (the
        desktop app, Node), this server's own pages, and ``--allow-origin`` ones."""
        allowed = tuple(self.config.allowed_origins)
        if "Origin" not in request.headers or "*" in allowed:
            return True
        return http.same_origin(request, bool(self.config.certfile), allowed)

    async def _process_request(self, conn: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        if url.path == "/health":
            body = json.dumps({"status": "ok", "seq": self.hub.covered}).encode()
            headers = Headers(
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return Response(200, "OK", headers, body)
        if url.path == "/metrics" and metrics.allowed(
            self.config.metrics, getattr(conn, "km_address", "unknown")
        ):
            body = self.metrics.render()
            headers = Headers(
                [("Content-Type", metrics.CONTENT_TYPE), ("Content-Length", str(len(body)))]
            )
            return Response(200, "OK", headers, body)
        if (url.path == "/ws" or url.path.startswith("/y/")) and not self._origin_allowed(request):
            return conn.respond(403, "this page's origin may not open a socket here\n")
        if url.path == "/ws":
            await self.web.adopt_cookie(conn, request)  # the web app's session cookie
            return None
        if url.path.startswith("/y/"):
            doc_id = url.path[3:]
            token = parse_qs(url.query).get("token", [""])[0]
            address = getattr(conn, "km_address", "unknown")
            if not token:  # not a guess: nothing to check, nothing to count against the address
                return conn.respond(401, "missing, unknown or expired token\n")
            try:
                account = (await self.signin.token(token, address)).account
            except AuthFailed:
                return conn.respond(401, "missing, unknown or expired token\n")
            except Throttled as exc:
                response = conn.respond(429, "too many failed sign-ins; try again later\n")
                response.headers["Retry-After"] = str(exc.retry_after)
                return response
            if self.hub.readable(account, doc_id) is None:
                return conn.respond(404, "no such document\n")
            if not self.admission.sign_in(conn, account.name):
                response = conn.respond(503, "too many connections for this user\n")
                response.headers["Retry-After"] = "5"
                return response
            conn.km_account = account  # type: ignore[attr-defined]
            conn.km_doc = doc_id  # type: ignore[attr-defined]
            conn.km_token = token  # type: ignore[attr-defined]
            return None
        return await self.web.process_request(conn, request)

    # -- websocket handlers -----------------------------------------------------

    async def _handle(self, conn: ServerConnection) -> None:
        session: WsSession | YSession | None = None
        kind: str | None = None
        try:
            if hasattr(conn, "km_handler"):  # a socket of the web side (kmserver/web/)
                kind = "web"
                self._open[kind] += 1
                await conn.km_handler()
                return
            if hasattr(conn, "km_doc"):
                session = YSession(self, conn, conn.km_account, conn.km_doc, conn.km_token)
            else:
                session = await self._sign_in(conn)
                if session is None:
                    return
            kind = "y" if isinstance(session, YSession) else "ws"
            self._open[kind] += 1
            self.peers.add(session)
            await session.run()
        except ConnectionClosed:
            pass
        except Exception:
            log.exception("session failed")
            await close_draining(conn, 1011, "internal error")
        finally:
            if kind is not None:
                self._open[kind] -= 1
            if session is not None:
                self.peers.discard(session)
                if session.too_slow:
                    self.metrics.send_queue_drops.inc()
                await session.close_session()

    async def _sign_in(self, conn: ServerConnection) -> WsSession | None:
        address = getattr(conn, "km_address", "unknown")
        welcome = await self.signin.hello(conn, address, self.web.cookie_session(conn))
        if welcome is None:
            return None
        if not self.admission.sign_in(conn, welcome.account.name):
            limit = self.limits.max_connections_per_user
            text = f"you have {limit} connections open already; close one and try again"
            await conn.send(m.error(ErrorCode.TOO_MANY_CONNECTIONS, text, retry_after=5))
            await close_draining(conn, CLOSE_TRY_LATER, "too many connections")
            return None
        await conn.send(self.signin.welcome_frame(welcome, self.hub.covered))
        return WsSession(self, conn, welcome.account, welcome.token)
