"""The running server: database, writer, hub and the websocket listener."""

from __future__ import annotations

import asyncio
import json
import logging
import ssl
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from kmserver.attention.service import Attention
from kmserver.cluster import Cluster
from kmserver.feedback.service import Clock, Feedback, utc_now
from kmserver.hub import Hub
from kmserver.protocol import messages as m
from kmserver.protocol.codec import ProtocolError
from kmserver.protocol.messages import ErrorCode
from kmserver.publishing.review_dates import DEFAULT_REVIEW_DAYS
from kmserver.publishing.service import Publishing
from kmserver.store import documents as docs
from kmserver.store.accounts import TOKEN_TTL, Account, Accounts, AuthFailed, AuthThrottled
from kmserver.store.database import PROCESS_ID, Database
from kmserver.store.serve_lock import ServeLock, sqlite_path
from kmserver.visibility import send_states
from kmserver.web.site import WebSite
from kmserver.writer import Job, TailBatch, Writer
from kmserver.ws_session import WsSession
from kmserver.y_session import YSession

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_FRAME = 4 * 1024 * 1024
HELLO_TIMEOUT = 15.0
CLOSE_AUTH = 4001
CLOSE_PROTOCOL = 4002
ACCOUNT_CHECK_SECONDS = 2.0  # how soon a role change, removal or revoked token takes effect


@dataclass
class ServerConfig:
    db_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8765
    certfile: str | None = None
    keyfile: str | None = None
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


class Server:
    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.db = Database(config.db_url, config.sqlite_sync)
        self.accounts = Accounts(self.db)
        self._readers = ThreadPoolExecutor(4, thread_name_prefix="kmserver-read")
        self._listener: Any = None
        self._account_watch: asyncio.Task | None = None
        self.peers: set[WsSession | YSession] = set()
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
        self.web = WebSite(self)  # the web app and the public help centre (kmserver/web/)
        self.port = config.port

    # -- threads ------------------------------------------------------------

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(session, *args)`` with a read-only session off the event loop."""

        def job() -> T:
            with self.db.read() as s:
                return fn(s, *args)

        return await asyncio.get_running_loop().run_in_executor(self._readers, job)

    async def run_blocking(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._readers, fn, *args)

    # -- life cycle -----------------------------------------------------------

    async def start(self) -> int:
        db_file = sqlite_path(self.db.url)
        if db_file is not None:  # several processes need PostgreSQL
            self._serve_lock = ServeLock(db_file)
            self._serve_lock.acquire()
        self.writer = Writer(self.db, on_tail=self._on_tail)
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
        self.hub.state_sender = lambda doc_id, wanted: loop.create_task(
            send_states(self, doc_id, wanted)
        )
        self.writer.start()
        await self.feedback.start()
        ssl_context = None
        if self.config.certfile:
            ssl_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            ssl_context.load_cert_chain(self.config.certfile, self.config.keyfile)
        origins = [None, *self.config.allowed_origins] if self.config.allowed_origins else None
        self._listener = await serve(
            self._handle,
            self.config.host,
            self.config.port,
            process_request=self._process_request,
            origins=origins,
            ssl=ssl_context,
            compression=None,  # CRDT updates are small and binary; deflate costs CPU
            max_size=MAX_FRAME,
            max_queue=64,
        )
        self.port = self._listener.sockets[0].getsockname()[1]
        self._account_watch = asyncio.get_running_loop().create_task(self._watch_accounts())
        log.info(
            "serving %s on %s (process %s, log at %d%s)",
            self.db.write_engine.url.render_as_string(hide_password=True),
            self.url,
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
            self._listener.close(close_connections=True)
            await self._listener.wait_closed()
        await self.writer.stop()
        if self.cluster is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.cluster.stop)
        self._readers.shutdown(wait=True)
        self.db.dispose()
        if self._serve_lock is not None:
            self._serve_lock.release()

    async def _watch_accounts(self) -> None:
        """Apply account changes made elsewhere (``kmserver user set/remove``) to live sessions.

        Access is checked against ``session.account`` on every message, so
        refreshing it is what makes a demotion take effect without a reconnect.
        """
        while True:
            await asyncio.sleep(ACCOUNT_CHECK_SECONDS)
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

    async def _process_request(self, conn: ServerConnection, request: Request) -> Response | None:
        url = urlsplit(request.path)
        if url.path == "/health":
            body = json.dumps({"status": "ok", "seq": self.hub.covered}).encode()
            headers = Headers(
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
            )
            return Response(200, "OK", headers, body)
        if url.path == "/ws":
            await self.web.adopt_cookie(conn, request)  # the web app's session cookie
            return None
        if url.path.startswith("/y/"):
            doc_id = url.path[3:]
            token = parse_qs(url.query).get("token", [""])[0]
            resolved = await self.run_blocking(self.accounts.resolve_token, token)
            if resolved is None:
                return conn.respond(401, "missing, unknown or expired token\n")
            account = resolved[0]
            if self.hub.readable(account, doc_id) is None:
                return conn.respond(404, "no such document\n")
            conn.km_account = account  # type: ignore[attr-defined]
            conn.km_doc = doc_id  # type: ignore[attr-defined]
            conn.km_token = token  # type: ignore[attr-defined]
            return None
        return await self.web.process_request(conn, request)

    # -- websocket handlers -----------------------------------------------------

    async def _handle(self, conn: ServerConnection) -> None:
        session: WsSession | YSession | None = None
        try:
            if hasattr(conn, "km_handler"):  # a socket of the web side (kmserver/web/)
                await conn.km_handler()
                return
            if hasattr(conn, "km_doc"):
                session = YSession(self, conn, conn.km_account, conn.km_doc, conn.km_token)
            else:
                signed_in = await self._hello(conn)
                if signed_in is None:
                    return
                session = WsSession(self, conn, *signed_in)
            self.peers.add(session)
            await session.run()
        except ConnectionClosed:
            pass
        except Exception:
            log.exception("session failed")
            await conn.close(1011, "internal error")
        finally:
            if session is not None:
                self.peers.discard(session)
                await session.close_session()

    async def _hello(self, conn: ServerConnection) -> tuple[Account, str] | None:
        async def refuse(code: str, text: str, close: int, **extra: Any) -> None:
            await conn.send(m.error(code, text, **extra))
            await conn.close(close, text[:120])

        try:
            frame = await asyncio.wait_for(conn.recv(), HELLO_TIMEOUT)
        except TimeoutError:
            await refuse(ErrorCode.NOT_SIGNED_IN, "send hello first", CLOSE_AUTH)
            return None
        try:
            if not isinstance(frame, str):
                raise ProtocolError("the first frame must be a JSON hello")
            msg = m.parse_client_message(frame)
            if msg["type"] != "hello":
                raise ProtocolError("the first frame must be a hello")
        except ProtocolError as exc:
            await refuse(ErrorCode.NOT_SIGNED_IN, str(exc), CLOSE_AUTH)
            return None
        if msg["protocol"] != m.PROTOCOL_VERSION:
            await refuse(
                ErrorCode.UNSUPPORTED_PROTOCOL,
                f"this server speaks protocol {m.PROTOCOL_VERSION}",
                CLOSE_PROTOCOL,
                supported=[m.PROTOCOL_VERSION],
            )
            return None
        cookie = self.web.cookie_session(conn)
        if cookie is not None and not ("token" in msg or "user" in msg):
            account, token, expires = cookie  # the web app: the token stays in its cookie
        elif "token" in msg:
            resolved = await self.run_blocking(self.accounts.resolve_token, msg["token"])
            if resolved is None:
                await refuse(ErrorCode.AUTH_FAILED, "session expired; sign in again", CLOSE_AUTH)
                return None
            account, expires = resolved
            token = msg["token"]
        elif "user" in msg and "password" in msg:
            try:
                account = await self.run_blocking(
                    self.accounts.authenticate, msg["user"], msg["password"]
                )
            except AuthFailed:
                await refuse(ErrorCode.AUTH_FAILED, "wrong user name or password", CLOSE_AUTH)
                return None
            except AuthThrottled as exc:
                await refuse(
                    ErrorCode.AUTH_THROTTLED, str(exc), CLOSE_AUTH, retry_after=exc.retry_after
                )
                return None
            token, expires = await self.run_blocking(
                self.accounts.issue_token, account, TOKEN_TTL, msg.get("client", "")
            )
        else:
            await refuse(
                ErrorCode.NOT_SIGNED_IN, "hello needs a token or user and password", CLOSE_AUTH
            )
            return None
        await conn.send(
            m.encode(
                "welcome",
                protocol=m.PROTOCOL_VERSION,
                user={"name": account.name, "role": account.role, "topics": list(account.topics)},
                **({} if cookie is not None and token == cookie[1] else {"token": token}),
                expires=expires.isoformat(),
                seq=self.hub.covered,
            )
        )
        return account, token
