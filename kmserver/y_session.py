"""/y/<doc_id>: the plain y-websocket protocol, so stock Yjs clients can co-edit."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from pycrdt import get_state, get_update
from websockets.exceptions import ConnectionClosed

from kmserver import policy
from kmserver.peer import Peer
from kmserver.protocol import ysync
from kmserver.protocol.codec import ProtocolError
from kmserver.store import documents as docs
from kmserver.writer import UpdateJob

if TYPE_CHECKING:
    from kmserver.server import Server

CLOSE_POLICY = 1008


class YSession(Peer):
    kind = "y"

    def __init__(self, server: Server, ws, account, doc_id: str, token: str) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ws, account)
        self.token = token
        self.server = server
        self.hub = server.hub
        self.doc_id = doc_id

    def send_doc_message(self, doc_id: str, message: bytes) -> None:
        if doc_id == self.doc_id:
            self.send(message)

    def update_acked(self, doc_id: str, seq: int) -> None:
        pass  # y-websocket has no acknowledgements

    def update_refused(self, doc_id: str, code: str, message: str) -> None:
        self.lost_access(CLOSE_POLICY, "read-only" if code == "forbidden" else message[:120])

    def lost_access(self, code: int, reason: str) -> None:
        asyncio.get_running_loop().create_task(self.ws.close(code, reason))

    async def run(self) -> None:
        state = await self.server.read(docs.full_state, self.doc_id)
        self.hub.y_peers[self.doc_id].add(self)
        self.send(ysync.sync_step1(get_state(state)))
        self.hub.join(self, self.doc_id)
        try:
            async for frame in self.ws:
                if isinstance(frame, str):
                    await self.ws.close(CLOSE_POLICY, "y-websocket frames are binary")
                    return
                try:
                    await self._on_message(ysync.parse_message(frame))
                except ProtocolError as exc:
                    await self.ws.close(CLOSE_POLICY, str(exc)[:120])
                    return
        except ConnectionClosed:
            pass

    async def _on_message(self, message: ysync.YMessage) -> None:
        meta = self.hub.readable(self.account, self.doc_id)
        if meta is None:
            self.lost_access(4003, "you may no longer read this document")
            return
        if message.type == ysync.MessageType.SYNC:
            if message.step == ysync.SyncStep.STEP1:
                state = await self.server.read(docs.full_state, self.doc_id)
                try:
                    missing = get_update(state, message.payload)
                except Exception as exc:
                    raise ProtocolError("state vector does not decode") from exc
                self.send(ysync.sync_step2(missing))
            else:
                self.server.writer.submit(
                    UpdateJob(
                        origin=self,
                        doc_id=self.doc_id,
                        update=message.payload,
                        author=self.account.name,
                        may_edit=policy.can_edit(self.account, meta),
                    )
                )
        elif message.type == ysync.MessageType.AWARENESS:
            self.hub.relay_awareness(self, self.doc_id, message.payload)
        elif message.type == ysync.MessageType.QUERY_AWARENESS:
            for other in self.hub.rooms.get(self.doc_id, ()):
                last = other.awareness_last.get(self.doc_id)
                if other is not self and last:
                    self.send(ysync.awareness(last))

    async def close_session(self) -> None:
        peers = self.hub.y_peers.get(self.doc_id)
        if peers is not None:
            peers.discard(self)
            if not peers:
                del self.hub.y_peers[self.doc_id]
        self.hub.leave(self, self.doc_id)
        await self.finish()
