"""/y/<doc_id>: the plain y-websocket protocol, so stock Yjs clients can read and co-edit.

An editor's socket carries the document's working copy, exactly as on
/ws; a reader's carries the latest published revision, read-only, and stays
live as new revisions are published. An edit a reader's client makes is
refused with y-protocols' auth message (permission denied), not a close:
y-websocket reconnects and resends after a close, forever.

y-websocket has no acknowledgements and no error channel for edits, so the
rate limits apply here as backpressure: over the update or request rate the
session stops reading until the bucket refills (nothing is refused or lost,
the peer just slows down); awareness over its rate is dropped.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from pycrdt import get_state, get_update
from websockets.exceptions import ConnectionClosed

from kmserver import policy
from kmserver.limits import TokenBucket
from kmserver.peer import Peer, close_draining
from kmserver.protocol import ysync
from kmserver.protocol.codec import ProtocolError, write_var_string, write_var_uint
from kmserver.state_cache import EMPTY_STATE_VECTOR
from kmserver.writer import UpdateJob, would_change

if TYPE_CHECKING:
    from kmserver.session_api import ServerAPI

log = logging.getLogger(__name__)

CLOSE_POLICY = 1008
PERMISSION_DENIED = 0  # y-protocols auth message: varUint(2) varUint(0) varString(reason)


def permission_denied(reason: str) -> bytes:
    return (
        write_var_uint(ysync.MessageType.AUTH)
        + write_var_uint(PERMISSION_DENIED)
        + write_var_string(reason)
    )


class YSession(Peer):
    kind = "y"

    def __init__(self, server: ServerAPI, ws, account, doc_id: str, token: str) -> None:  # type: ignore[no-untyped-def]
        limits = server.rates.limits
        super().__init__(ws, account, limits.max_send_queue)
        self._awareness = TokenBucket(limits.awareness_rate)
        self.token = token
        self.server = server
        self.hub = server.hub
        self.doc_id = doc_id
        meta = self.hub.catalog.get(doc_id)
        # Decided once per socket; the hub closes it (4003) if that changes.
        self.working = meta is not None and policy.sees_working_copy(account, meta)

    def send_doc_message(self, doc_id: str, message: bytes) -> None:
        if doc_id == self.doc_id:
            self.send(message)

    def update_acked(self, doc_id: str, seq: int) -> None:
        pass  # y-websocket has no acknowledgements

    def update_refused(self, doc_id: str, code: str, message: str) -> None:
        if code == "forbidden":
            self.send(permission_denied(message))  # the client stays connected and in sync
        else:
            self.lost_access(CLOSE_POLICY, message[:120])

    def lost_access(self, code: int, reason: str) -> None:
        asyncio.get_running_loop().create_task(self.ws.close(code, reason))

    async def _state(self) -> bytes:
        return (await self.server.doc_state(self.doc_id, not self.working)).state

    async def run(self) -> None:
        state = await self._state()
        self.hub.y_peers[self.doc_id].add(self)
        self.send(ysync.sync_step1(get_state(state)))
        self.hub.join(self, self.doc_id)
        try:
            async for frame in self.ws:
                if self.closing:
                    continue  # closed for falling behind: read on only to reach the close
                if isinstance(frame, str):
                    await close_draining(self.ws, CLOSE_POLICY, "y-websocket frames are binary")
                    return
                try:
                    await self._on_message(ysync.parse_message(frame))
                except ProtocolError as exc:
                    await close_draining(self.ws, CLOSE_POLICY, str(exc)[:120])
                    return
        except ConnectionClosed:
            pass

    async def _pace(self, *costs: tuple[TokenBucket, float]) -> None:
        """Backpressure: wait (not reading) until every bucket has its cost."""
        for bucket, cost in costs:
            while not bucket.take(cost):
                await asyncio.sleep(min(5.0, max(0.05, bucket.retry_after(cost))))

    async def _on_message(self, message: ysync.YMessage) -> None:
        rates, name = self.server.rates, self.account.name
        if message.type == ysync.MessageType.SYNC and message.step == ysync.SyncStep.STEP1:
            await self._pace((rates.requests.get(name), 1))
        elif message.type == ysync.MessageType.SYNC:
            size = len(message.payload)
            await self._pace((rates.updates.get(name), 1), (rates.update_bytes.get(name), size))
        meta = self.hub.readable(self.account, self.doc_id)  # after any wait: access now
        if meta is None:
            self.lost_access(4003, "you may no longer read this document")
            return
        if message.type == ysync.MessageType.SYNC:
            if message.step == ysync.SyncStep.STEP1:
                cached = await self.server.doc_state(self.doc_id, not self.working)
                if message.payload == EMPTY_STATE_VECTOR:  # holds nothing: built once
                    self.send(cached.frame("y", ysync.sync_step2))
                    return
                try:
                    missing = get_update(cached.state, message.payload)
                except Exception as exc:
                    raise ProtocolError("state vector does not decode") from exc
                self.send(ysync.sync_step2(missing))
            elif self.working:
                self.server.writer.post(
                    UpdateJob(
                        origin=self,
                        doc_id=self.doc_id,
                        update=message.payload,
                        author=self.account.name,
                        may_edit=policy.can_edit(self.account, meta),
                    )
                )
            else:
                await self._check_reader_update(message.payload)
        elif message.type == ysync.MessageType.AWARENESS:
            limit = rates.limits.max_awareness
            if len(message.payload) <= limit and self._awareness.take():
                self.hub.relay_awareness(self, self.doc_id, message.payload)
        elif message.type == ysync.MessageType.QUERY_AWARENESS:
            for other in self.hub.rooms.get(self.doc_id, ()):
                last = other.awareness_last.get(self.doc_id)
                if other is not self and last:
                    self.send(ysync.awareness(last))

    async def _check_reader_update(self, update: bytes) -> None:
        """A reader's client sends what it has (its sync step 2) and, with a local
        edit, more: anything beyond the published text is refused, in words."""
        published = await self._state()
        try:
            changes = await self.server.run_blocking(would_change, published, update)
        except Exception as exc:
            raise ProtocolError("update does not decode") from exc
        if changes:
            self.send(permission_denied("this document is read-only for you"))

    async def close_session(self) -> None:
        peers = self.hub.y_peers.get(self.doc_id)
        if peers is not None:
            peers.discard(self)
            if not peers:
                del self.hub.y_peers[self.doc_id]
        self.hub.leave(self, self.doc_id)
        await self.finish()
