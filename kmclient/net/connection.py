"""The one /ws socket of the desktop client, on its own asyncio thread.

The thread only moves bytes and JSON: it signs in, reads frames into an inbox
and writes what the owner thread hands it. It never touches a pycrdt Doc or
the profile database; those belong to the owner (the GUI thread in the app).

Hand-over to the owner: every received frame becomes an event in the inbox;
the first event after the owner last emptied it calls ``notify()`` (from this
thread; it must be thread-safe, e.g. a queued Qt signal), and the owner then
calls :meth:`Connection.take_events` to get everything that piled up. While
the owner is busy, frames simply accumulate, so a large sync reaches it in
batches instead of one wake-up per frame. If the inbox grows past
``INBOX_HIGH_WATER`` the reader pauses, which pushes back on the server
through TCP instead of growing memory.

Reconnects: with jittered exponential backoff (:mod:`kmclient.net.backoff`),
forever, unless retrying cannot help (wrong password, expired token,
incompatible server); then the connection waits for :meth:`sign_in`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable, Coroutine
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus, InvalidURI

from kmclient.net import events as ev
from kmclient.net.backoff import Backoff
from kmserver.protocol.messages import PROTOCOL_VERSION

log = logging.getLogger(__name__)

HELLO_TIMEOUT = 15.0
MAX_FRAME = 64 * 1024 * 1024  # a large document's full state arrives in one frame
INBOX_HIGH_WATER = 1000  # also keeps this thread from hogging the GIL while the owner catches up
CLOSE_AUTH = 4001
CLOSE_PROTOCOL = 4002


class _GiveUp(Exception):
    """A session ended in a way that retrying cannot fix."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class _Dropped(Exception):
    """A session ended in a way worth retrying."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# (ping every, answer within) seconds. A server or network that stops answering
# without closing (a frozen process, a dropped VPN) is noticed within ~20 s: with
# websockets' 20 + 20 a rep's screen said "Online" for up to 40 s after it was gone,
# while flags and edits waited unsent. A ping is a few bytes; an answer needs only the
# server's event loop, which the server keeps responsive under load.
KEEPALIVE = (10.0, 10.0)


class Connection:
    def __init__(
        self,
        url: str,
        credentials: ev.Credentials,
        notify: Callable[[], None],
        *,
        backoff: Backoff | None = None,
        client_name: str = "kmclient",
        open_timeout: float = 10.0,
        keepalive: tuple[float, float] = KEEPALIVE,
    ) -> None:
        base = url.rstrip("/")
        self.url = base if base.endswith("/ws") else base + "/ws"
        self._credentials = credentials
        self._notify = notify
        self.backoff = backoff or Backoff()
        self._client_name = client_name
        self._open_timeout = open_timeout
        self._ping_interval, self._ping_timeout = keepalive
        self._lock = threading.Lock()
        self._inbox: list[ev.NetEvent] = []
        self._notified = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._session = 0
        self._outbox: asyncio.Queue[str | bytes] | None = None
        self._stopping = False
        self._welcomed_at: float | None = None  # when the current socket was signed in
        # Created on the loop thread in _main; used only there.
        self._stop_event: asyncio.Event
        self._retry_now: asyncio.Event
        self._room: asyncio.Event
        self._started = threading.Event()

    # -- owner-thread API ---------------------------------------------------

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("connection already started")
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._main()), name="kmclient-net", daemon=True
        )
        self._thread.start()
        self._started.wait()

    def stop(self, timeout: float = 10.0) -> None:
        """Close the socket and end the thread; frames not yet sent are dropped
        (the owner keeps unconfirmed changes in its outbox)."""
        self._stopping = True
        self._call(lambda: self._stop_event.set())
        if self._thread is not None:
            self._thread.join(timeout)

    def take_events(self) -> list[ev.NetEvent]:
        """Everything received since the last call, in order."""
        with self._lock:
            taken, self._inbox = self._inbox, []
            self._notified = False
        if len(taken) >= INBOX_HIGH_WATER:
            self._call(lambda: self._room.set())
        return taken

    def send(self, session: int, frame: str | bytes) -> None:
        """Queue a frame for the socket of ``session``; dropped if that socket is gone."""
        self._call(lambda: self._enqueue(session, frame))

    def send_json(self, session: int, **msg: Any) -> None:
        self.send(session, json.dumps(msg, ensure_ascii=False, separators=(",", ":")))

    def sign_in(self, credentials: ev.Credentials) -> None:
        """New credentials (after a refused sign-in) and an immediate new attempt."""
        self._credentials = credentials

        def wake() -> None:
            self.backoff.attempts = 0
            self._retry_now.set()

        self._call(wake)

    def retry_now(self) -> None:
        """Skip the rest of the current backoff delay (e.g. the user clicked Retry)."""
        self._call(lambda: self._retry_now.set())

    # -- loop thread ------------------------------------------------------------

    def _call(self, fn: Callable[[], None]) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # loop already closed
            loop.call_soon_threadsafe(fn)

    def _emit(self, event: ev.NetEvent) -> None:
        with self._lock:
            self._inbox.append(event)
            if self._notified:
                return
            self._notified = True
        try:
            self._notify()
        except Exception:  # the owner is gone (closing); nothing to tell
            log.debug("notify failed", exc_info=True)

    def _enqueue(self, session: int, frame: str | bytes) -> None:
        if session == self._session and self._outbox is not None:
            self._outbox.put_nowait(frame)

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        self._retry_now = asyncio.Event()
        self._room = asyncio.Event()
        self._started.set()
        attempt = 0
        while not (self._stopping or self._stop_event.is_set()):
            self._emit(ev.Connecting(attempt))
            self._welcomed_at = None
            ended = await self._until_stopped(self._run_once())
            if ended is None:
                break
            if isinstance(ended, _GiveUp):
                self._emit(
                    ev.Disconnected(self._session_or_none(), ended.code, ended.message, None)
                )
                self._retry_now.clear()
                await self._wait_any(self._retry_now)
                attempt = 0
                continue
            if self._welcomed_at is not None:
                self.backoff.connection_ended(time.monotonic() - self._welcomed_at)
            delay = self.backoff.next_delay()
            self._emit(ev.Disconnected(self._session_or_none(), ended.code, ended.message, delay))
            self._retry_now.clear()
            await self._wait_any(self._retry_now, timeout=delay)
            attempt = self.backoff.attempts
        self._emit(ev.Disconnected(None, ev.STOPPED, "disconnected", None))

    async def _until_stopped(self, session: Coroutine[Any, Any, None]) -> _Dropped | _GiveUp | None:
        """Run one connection until it ends (its reason) or stop() is called (None).

        Stopping cancels it wherever it is, also while connecting or signing in.
        """
        task = asyncio.create_task(session)
        stopped = asyncio.create_task(self._stop_event.wait())
        try:
            await asyncio.wait([task, stopped], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            return None
        exc = task.exception()
        if isinstance(exc, _Dropped | _GiveUp):
            return exc
        log.error("connection failed unexpectedly", exc_info=exc)
        return _Dropped(ev.LOST, f"connection failed ({exc!r})")

    def _session_or_none(self) -> int | None:
        return self._session or None

    async def _wait_any(self, event: asyncio.Event, timeout: float | None = None) -> None:
        waits = [asyncio.ensure_future(e.wait()) for e in (event, self._stop_event)]
        try:
            await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for w in waits:
                w.cancel()

    async def _run_once(self) -> None:
        ws = await self._open()
        try:
            welcome = await self._hello(ws)
            self._session += 1
            session = self._session
            token = welcome.get("token")
            if token:  # later reconnects use the token; the password is forgotten
                self._credentials = ev.Credentials(self._credentials.user, None, token)
            self._outbox = asyncio.Queue()
            self._welcomed_at = time.monotonic()
            self._emit(ev.Welcome(session, welcome))
            sender = asyncio.create_task(self._send_loop(ws, self._outbox))
            try:
                await self._read_loop(ws, session)
            finally:
                self._outbox = None
                sender.cancel()
                await asyncio.gather(sender, return_exceptions=True)
            raise _dropped(ws)
        finally:
            with contextlib.suppress(Exception):
                await ws.close()

    async def _open(self) -> ClientConnection:
        try:
            return await connect(
                self.url,
                open_timeout=self._open_timeout,
                ping_interval=self._ping_interval,
                ping_timeout=self._ping_timeout,
                max_size=MAX_FRAME,
                compression=None,  # as the server: small binary updates
                user_agent_header=f"{self._client_name} websockets",
            )
        except InvalidURI as exc:
            raise _GiveUp(ev.INCOMPATIBLE, f"'{self.url}' is not a server address") from exc
        except InvalidStatus as exc:
            status = exc.response.status_code
            raise _Dropped(
                ev.UNREACHABLE, f"the server at {self.url} answered HTTP {status}"
            ) from exc
        except (OSError, TimeoutError, InvalidHandshake) as exc:
            raise _Dropped(ev.UNREACHABLE, f"cannot reach {self.url} ({_reason(exc)})") from exc

    async def _hello(self, ws: ClientConnection) -> dict[str, Any]:
        creds = self._credentials
        try:
            hello = creds.hello(PROTOCOL_VERSION, self._client_name)
        except ValueError as exc:
            raise _GiveUp(ev.TOKEN_EXPIRED, "not signed in; sign in with your password") from exc
        try:
            await ws.send(json.dumps(hello))
            frame = await asyncio.wait_for(ws.recv(), HELLO_TIMEOUT)
        except (ConnectionClosed, TimeoutError) as exc:
            raise _Dropped(ev.LOST, f"no answer to sign-in from {self.url}") from exc
        try:
            msg = json.loads(frame) if isinstance(frame, str) else {}
        except ValueError:
            msg = {}
        if not isinstance(msg, dict):
            msg = {}
        if msg.get("type") == "welcome":
            return msg
        code = msg.get("code")
        text = msg.get("message") or "sign-in refused"
        if code == "auth_failed":
            if "token" in hello:
                raise _GiveUp(ev.TOKEN_EXPIRED, "your session has expired; sign in again")
            raise _GiveUp(ev.AUTH_FAILED, "wrong user name or password")
        if code == "auth_throttled":
            raise _GiveUp(ev.THROTTLED, text)
        if code == "unsupported_protocol":
            raise _GiveUp(
                ev.INCOMPATIBLE, f"the server speaks another protocol version ({text}); update"
            )
        raise _Dropped(ev.LOST, f"sign-in failed: {text}")

    async def _read_loop(self, ws: ClientConnection, session: int) -> None:
        with contextlib.suppress(ConnectionClosed):
            async for frame in ws:
                if isinstance(frame, str):
                    try:
                        msg = json.loads(frame)
                    except ValueError:
                        msg = None
                    if not isinstance(msg, dict):
                        log.warning("ignoring a control frame that is not a JSON object")
                        continue
                    self._emit(ev.Control(session, msg))
                else:
                    self._emit(ev.Binary(session, frame))
                await self._wait_for_room()

    async def _wait_for_room(self) -> None:
        with self._lock:
            full = len(self._inbox) >= INBOX_HIGH_WATER
        if not full:
            return
        self._room.clear()
        with self._lock:  # the owner may have emptied it meanwhile
            full = len(self._inbox) >= INBOX_HIGH_WATER
        if full:
            await self._room.wait()

    @staticmethod
    async def _send_loop(ws: ClientConnection, queue: asyncio.Queue[str | bytes]) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                await ws.send(await queue.get())


def _dropped(ws: ClientConnection) -> Exception:
    code, reason = ws.close_code, ws.close_reason
    if code == CLOSE_AUTH:
        return _GiveUp(ev.TOKEN_EXPIRED, "the server signed this session out; sign in again")
    detail = f"code {code}" + (f", {reason}" if reason else "")
    return _Dropped(ev.LOST, f"connection lost ({detail})")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, TimeoutError):
        return "timed out"
    return str(exc) or type(exc).__name__
