"""A connected socket as the hub sees it: an account and an ordered send queue.

Sends never block the hub: frames go into a per-connection queue drained by
its own task. A reader that falls too far behind is disconnected (it resyncs
from its cursor on reconnect) instead of growing the server's memory without
bound, which ``websockets.broadcast`` would allow.
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
CLOSE_TOO_SLOW = 4008
FAST_WRITE_LIMIT = 256 * 1024  # past this much unsent, frames queue for the sender task


class Peer:
    kind = "peer"

    def __init__(self, ws: ServerConnection, account: Account) -> None:
        self.ws = ws
        self.account = account
        self._queue: deque[str | bytes] = deque()
        self._ready = asyncio.Event()
        self._drained = asyncio.Event()
        self._drained.set()
        self._closed = False
        self._sender = asyncio.get_running_loop().create_task(self._send_loop())
        # doc id -> {awareness client id: clock} this connection speaks for
        self.awareness_clients: dict[str, dict[int, int]] = {}
        self.awareness_last: dict[str, bytes] = {}

    def send(self, frame: str | bytes) -> None:
        if self._closed:
            return
        if len(self._queue) >= MAX_QUEUED_FRAMES:
            log.warning(
                "%s is %d frames behind; disconnecting", self.account.name, len(self._queue)
            )
            self._closed = True
            asyncio.get_running_loop().create_task(
                self.ws.close(CLOSE_TOO_SLOW, "too far behind; reconnect to resync")
            )
            return
        if not self._queue and self._transport_buffered() < FAST_WRITE_LIMIT:
            # Nothing waits ahead of this frame: write it now instead of waking the
            # sender task (one task switch less per frame and recipient).
            broadcast((self.ws,), frame)
            return
        self._queue.append(frame)
        self._drained.clear()
        self._ready.set()

    def _transport_buffered(self) -> int:
        transport = self.ws.transport
        return transport.get_write_buffer_size() if transport is not None else 0

    async def wait_drained(self) -> None:
        await self._drained.wait()

    async def _send_loop(self) -> None:
        try:
            while True:
                await self._ready.wait()
                while self._queue:
                    await self.ws.send(self._queue.popleft())
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
