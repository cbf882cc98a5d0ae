"""A connected socket as the hub sees it: an account and an ordered send queue.

Sends never block the hub: frames go into a per-connection queue drained by
its own task. A reader that falls too far behind (in bytes: one large state
weighs more than a thousand keystrokes) is disconnected (it resyncs from its
cursor on reconnect) instead of growing the server's memory without bound,
which ``websockets.broadcast`` would allow.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque

from websockets.asyncio.server import ServerConnection, broadcast
from websockets.exceptions import ConnectionClosed

from kmserver.protocol import awareness
from kmserver.store.accounts import Account

log = logging.getLogger(__name__)

MAX_QUEUED_FRAMES = 50_000
MAX_QUEUED_BYTES = 16 * 1024 * 1024  # default of --max-send-queue (kmserver/limits.py)
CLOSE_TOO_SLOW = 4008
SLOW_CLOSE_SECONDS = 5.0  # for the close handshake of a reader that is too far behind
FAST_WRITE_LIMIT = 256 * 1024  # past this much unsent, frames queue for the sender task


async def close_draining(ws: ServerConnection, code: int, reason: str) -> None:
    """Close, discarding whatever the peer still sends until its close frame.

    A session that stops reading and only calls ``close()`` can wait the whole
    close timeout: once ``max_received_frames`` are queued unread, websockets
    stops reading the socket, and the peer's close frame sits behind them.
    """
    closing = asyncio.ensure_future(ws.close(code, reason))
    with contextlib.suppress(ConnectionClosed):
        async for _ in ws:
            pass
    await closing


class Peer:
    kind = "peer"

    def __init__(
        self, ws: ServerConnection, account: Account, max_bytes: int = MAX_QUEUED_BYTES
    ) -> None:
        self.ws = ws
        self.account = account
        self.max_bytes = max_bytes
        self.queued_bytes = 0  # in ``_queue``, not yet handed to the socket
        self._queue: deque[str | bytes] = deque()
        self._ready = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self._closed = False
        self._sender = asyncio.get_running_loop().create_task(self._send_loop())
        # doc id -> {awareness client id: clock} this connection speaks for
        self.awareness_clients: dict[str, dict[int, int]] = {}
        self.awareness_last: dict[str, bytes] = {}
        self.joined: set[str] = set()  # awareness rooms this peer is in (kept by the hub)

    def send(self, frame: str | bytes) -> None:
        if self._closed:
            return
        size = len(frame)
        # One frame always fits (a state larger than the limit still reaches a reader
        # that reads); behind that, the queue is bounded in frames and in bytes.
        over = self.queued_bytes and self.queued_bytes + size > self.max_bytes
        if len(self._queue) >= MAX_QUEUED_FRAMES or over:
            log.warning(
                "%s is %d frames (%d bytes) behind; disconnecting",
                self.account.name,
                len(self._queue),
                self.queued_bytes + size,
            )
            self._closed = True
            self._queue.clear()
            self.queued_bytes = 0
            asyncio.get_running_loop().create_task(self._close_too_slow())
            return
        if not self._queue and self._transport_buffered() < FAST_WRITE_LIMIT:
            # Nothing waits ahead of this frame: write it now instead of waking the
            # sender task (one task switch less per frame and recipient).
            broadcast((self.ws,), frame)
            return
        self.queued_bytes += size
        self._queue.append(frame)
        self._drained.clear()
        self._ready.set()

    async def _close_too_slow(self) -> None:
        # A reader this far behind may never read the close frame either (its
        # socket buffers are full): give it a moment, then drop the connection.
        try:
            await asyncio.wait_for(
                self.ws.close(CLOSE_TOO_SLOW, "too far behind; reconnect to resync"),
                SLOW_CLOSE_SECONDS,
            )
        except TimeoutError:
            if self.ws.transport is not None:
                self.ws.transport.abort()

    @property
    def closing(self) -> bool:
        """The server is closing this socket (e.g. too far behind): its frames are moot."""
        return self._closed

    def _transport_buffered(self) -> int:
        transport = self.ws.transport
        return transport.get_write_buffer_size() if transport is not None else 0

    async def wait_drained(self) -> None:
        await self._drained.wait()

    async def wait_room(self) -> None:
        """Before queueing a burst (a sync, a large state): wait while a quarter of
        the byte limit is still queued, so a reader's own requests never push it
        over and only a reader that stops reading is closed."""
        if self.queued_bytes > self.max_bytes // 4:
            await self._drained.wait()

    async def _send_loop(self) -> None:
        try:
            while True:
                await self._ready.wait()
                while self._queue:
                    frame = self._queue.popleft()
                    self.queued_bytes -= len(frame)
                    await self.ws.send(frame)
                self._ready.clear()
                self._drained.set()
        except ConnectionClosed:
            pass
        finally:
            self._closed = True
            self._drained.set()

    async def finish(self) -> None:
        self._closed = True
        self._sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._sender

    # -- awareness ------------------------------------------------------

    def note_awareness(self, doc_id: str, payload: bytes) -> None:
        """Remember the clients this peer announced, to remove them when it leaves."""
        clients = self.awareness_clients.setdefault(doc_id, {})
        for client_id, clock, state in awareness.parse(payload):
            if state == "null":
                clients.pop(client_id, None)
            else:
                clients[client_id] = clock
        self.awareness_last[doc_id] = payload

    def awareness_removal(self, doc_id: str) -> bytes | None:
        clients = self.awareness_clients.pop(doc_id, None)
        self.awareness_last.pop(doc_id, None)
        return awareness.removal(clients) if clients else None

    def send_doc_message(self, doc_id: str, message: bytes) -> None:
        raise NotImplementedError
