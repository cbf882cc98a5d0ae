"""The desktop client's session on /ws: sign-in, delta sync, live traffic."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pycrdt import get_update
from websockets.exceptions import ConnectionClosed

from kmserver import policy
from kmserver.limits import TokenBucket
from kmserver.peer import Peer, close_draining
from kmserver.protocol import messages as m
from kmserver.protocol import streams, ysync
from kmserver.protocol.codec import ProtocolError
from kmserver.protocol.docmeta import DocMeta
from kmserver.protocol.messages import ErrorCode
from kmserver.replies import reply_error
from kmserver.state_cache import EMPTY_STATE_VECTOR
from kmserver.store import documents as docs
from kmserver.writer import CreateJob, JobError, MetaJob, UpdateJob

if TYPE_CHECKING:
    from kmserver.session_api import ServerAPI

log = logging.getLogger(__name__)

SYNC_CHUNK = 100  # documents read per database round trip during a sync
MAX_BUFFERED = 20_000  # live frames held while a sync streams; past this, sync again
NOTICE_EVERY = 10.0  # seconds between two notices that awareness is being dropped
MAX_STRIKES = 20  # bad frames in a row before the peer counts as hostile
CLOSE_POLICY = 1008


class WsSession(Peer):
    kind = "ws"

    def __init__(self, server: ServerAPI, ws, account, token: str) -> None:  # type: ignore[no-untyped-def]
        limits = server.rates.limits
        super().__init__(ws, account, limits.max_send_queue)
        self.server = server
        self.hub = server.hub
        self.token = token
        self.live = False
        self._buffer: list[str | bytes] | None = None  # set while a sync streams
        self._buffered_bytes = 0
        self._overflowed = False
        self._awareness = TokenBucket(limits.awareness_rate)
        self._awareness_notice = -NOTICE_EVERY
        self._strikes = 0
        self._synced_to = 0
        self._holds: set[str] = set()  # what the client holds after the last sync pass
        self._holds_working: set[str] = set()  # ... and whose working copies

    # -- delivery (called by the hub) --------------------------------------

    def deliver(self, frame: str | bytes, encoded: bytes | None = None) -> None:
        """``encoded``: a binary ``frame`` already encoded (``peer.encode_frame``), shared
        by every session the hub delivers it to."""
        if self._buffer is None:
            if encoded is None:
                self.send(frame)
            else:
                self.send_encoded(frame, encoded)  # type: ignore[arg-type]
        elif len(self._buffer) < MAX_BUFFERED and self._buffered_bytes < self.max_bytes:
            self._buffer.append(frame)
            self._buffered_bytes += len(frame)
        else:
            self._overflowed = True

    def send_doc_message(self, doc_id: str, message: bytes) -> None:
        self.deliver(ysync.wrap(doc_id, message))

    def update_acked(self, doc_id: str, seq: int) -> None:
        self.deliver(m.encode("ack", doc=doc_id, seq=seq))

    def update_refused(self, doc_id: str, code: str, message: str) -> None:
        self.deliver(m.error(code, message, doc=doc_id, reply_to="update"))

    # -- the receive loop --------------------------------------------------

    async def run(self) -> None:
        try:
            async for frame in self.ws:
                if self.closing:
                    continue  # closed for falling behind: read on only to reach the close
                try:
                    if isinstance(frame, str):
                        await self._on_text(frame)
                    else:
                        await self._on_binary(frame)
                    self._strikes = 0
                except ProtocolError as exc:
                    self._strike(ErrorCode.BAD_MESSAGE, str(exc))
                if self._strikes >= MAX_STRIKES:
                    await self.wait_drained()  # let the errors reach the peer first
                    await close_draining(self.ws, CLOSE_POLICY, "too many malformed frames")
                    return
        except ConnectionClosed:
            pass

    def _strike(self, code: str, message: str, **extra: Any) -> None:
        self._strikes += 1
        self.send(m.error(code, message, **extra))

    def _error(self, code: str, message: str, msg: dict[str, Any], **extra: Any) -> None:
        if "ref" in msg:
            extra["ref"] = msg["ref"]
        self.send(m.error(code, message, **extra))

    def _limited(self, bucket: TokenBucket | None, cost: float = 1.0) -> float | None:
        """None if ``bucket`` has ``cost`` tokens (taken), else seconds to wait."""
        if bucket is None or bucket.take(cost):
            return None
        return max(1.0, bucket.retry_after(cost))

    async def _on_text(self, text: str) -> None:
        msg = m.parse_client_message(text)
        wait = self._limited(self.server.rates.requests.get(self.account.name))
        if wait is not None:
            reply_error(
                self,
                msg,
                ErrorCode.RATE_LIMITED,
                f"too many requests; try again in {int(wait)} s",
                retry_after=int(wait),
            )
            return
        if msg["type"] in m.FEEDBACK_MESSAGES:  # flags, comments, notes, notifications
            await self.server.feedback.handle(self, msg)
            return
        if msg["type"] in m.REVISION_MESSAGES:  # publishing, history, review, audit
            await self.server.publishing.handle(self, msg)
            return
        if msg["type"] in m.ATTENTION_MESSAGES:  # must-reads, acknowledgements, broadcasts
            await self.server.attention.handle(self, msg)
            return
        handler = getattr(self, f"_do_{msg['type']}")
        await handler(msg)

    async def _do_hello(self, msg: dict[str, Any]) -> None:
        self._error(ErrorCode.BAD_MESSAGE, "already signed in", msg)

    async def _do_logout(self, msg: dict[str, Any]) -> None:
        await self.server.sign_out(self.token)
        await close_draining(self.ws, 1000, "signed out")

    async def _do_open(self, msg: dict[str, Any]) -> None:
        if not self.hub.readable(self.account, msg["doc"]):
            self._error(ErrorCode.NOT_FOUND, f"no document '{msg['doc']}'", msg, doc=msg["doc"])
            return
        limit = self.server.rates.limits.max_open_rooms
        if msg["doc"] not in self.joined and len(self.joined) >= limit:
            self._error(
                ErrorCode.TOO_LARGE, f"at most {limit} documents open at once", msg, doc=msg["doc"]
            )
            return
        self.hub.join(self, msg["doc"])

    async def _do_close(self, msg: dict[str, Any]) -> None:
        self.hub.leave(self, msg["doc"])

    async def _do_create_doc(self, msg: dict[str, Any]) -> None:
        doc_id = msg["id"]
        if not m.valid_doc_id(doc_id):
            self._error(ErrorCode.BAD_MESSAGE, "ids are letters, digits, '-', '_' and '.'", msg)
            return
        if "title" not in msg:
            self._error(ErrorCode.BAD_MESSAGE, "'create_doc' needs field 'title'", msg)
            return
        owner = msg.get("owner", self.account.name)
        fields = {k: msg[k] for k in m.META_FIELDS if k in msg}
        if not policy.can_create(self.account, owner, set(fields) - {"title", "topics"}):
            self._error(
                ErrorCode.FORBIDDEN,
                "you may create drafts you own; a supervisor decides audience, editors and review",
                msg,
            )
            return
        try:
            m.validate_meta(fields)
        except ProtocolError as exc:
            self._error(ErrorCode.BAD_MESSAGE, str(exc), msg)
            return
        meta = DocMeta(
            id=doc_id,
            title=msg["title"],
            topics=tuple(msg.get("topics", ())),
            audience=tuple(msg.get("audience", (m.EVERYONE,))),
            owner=owner,
            editors=tuple(msg.get("editors", ())),
            review_required=bool(msg.get("review_required", False)),
            review_every=msg.get("review_every"),
        )
        job = await self.server.writer.submit(
            CreateJob(
                origin=self,
                meta=meta,
                markdown=msg.get("body", ""),
                author=owner,
                creator=self.account.name,
            )
        )
        if job.error:
            self._error(job.error.code, job.error.message, msg, doc=doc_id)
        else:
            self.send(m.encode("created", id=doc_id, seq=job.seq, **_ref(msg)))

    async def _do_set_meta(self, msg: dict[str, Any]) -> None:
        doc_id = msg["doc"]
        meta = self.hub.readable(self.account, doc_id)
        if meta is None:
            self._error(ErrorCode.NOT_FOUND, f"no document '{doc_id}'", msg, doc=doc_id)
            return
        changes = {k: msg[k] for k in m.META_FIELDS if k in msg}
        try:
            m.validate_meta(changes)
        except ProtocolError as exc:
            self._error(ErrorCode.BAD_MESSAGE, str(exc), msg, doc=doc_id)
            return
        if not policy.can_set_meta(self.account, meta, set(changes)):
            self._error(ErrorCode.FORBIDDEN, "you may not change that here", msg, doc=doc_id)
            return
        if not changes:
            return
        job = await self.server.writer.submit(
            MetaJob(origin=self, doc_id=doc_id, changes=changes, author=self.account.name)
        )
        if job.error:
            self._error(job.error.code, job.error.message, msg, doc=doc_id)
        else:
            self.send(m.encode("meta_saved", doc=doc_id, seq=job.seq, **_ref(msg)))

    async def _do_sync(self, msg: dict[str, Any]) -> None:
        known = set(msg.get("known", []))
        working = set(msg.get("working", []))
        cursor = msg["cursor"]
        records_from = msg.get("records_from", cursor)
        while True:
            self._buffer, self._buffered_bytes, self._overflowed = [], 0, False
            if not self.live:
                self.live = True
                self.hub.add_session(self)
            await self._stream_sync(cursor, known, working, records_from)
            buffered, self._buffer, self._buffered_bytes = self._buffer, None, 0
            if not self._overflowed:
                for frame in buffered:
                    self.send(frame)
                return
            # Too much arrived meanwhile: catch up with a second, shorter delta.
            cursor, known, working = self._synced_to, self._holds, self._holds_working
            records_from = cursor

    async def _stream_sync(
        self, cursor: int, known: set[str], working: set[str], records_from: int
    ) -> None:
        upto = self.hub.covered
        plans: list[_Plan] = []
        visible: set[str] = set()
        for meta in self.hub.catalog.values():
            if not policy.can_read(self.account, meta):
                continue
            visible.add(meta.id)
            sees_working = policy.sees_working_copy(self.account, meta)
            seq = meta.seq if sees_working else meta.pub_seq
            new_working = sees_working and meta.id not in working
            if meta.id not in known or seq > cursor or new_working:
                plans.append(_Plan(meta, meta.id in known, sees_working, new_working))
        removed = sorted(known - visible)
        self.send(m.encode("sync_begin", total=len(plans), cursor=upto))
        for start in range(0, len(plans), SYNC_CHUNK):
            chunk = plans[start : start + SYNC_CHUNK]
            states = await self.server.read(_read_states, chunk, cursor)
            for plan, (pub, work) in zip(chunk, states, strict=True):
                await self.wait_room()  # a large chunk never fills the send queue
                self.send(self.hub.doc_frame(self.account, plan.meta))
                if pub is not None:
                    self.send(ysync.wrap(streams.published(plan.meta.id), ysync.sync_step2(pub)))
                if work is not None:
                    self.send(ysync.wrap(plan.meta.id, ysync.sync_step2(work)))
            await self.wait_drained()
        fresh = {plan.meta.id for plan in plans if not plan.known}
        await self.server.feedback.send_sync_records(self, records_from, upto, fresh)
        last_seen = await self.server.feedback.last_seen(self.account)
        self.send(m.encode("removed", ids=removed))
        self.send(m.encode("sync_end", cursor=upto, last_seen=last_seen))
        self._synced_to = upto
        self._holds = (known - set(removed)) | {plan.meta.id for plan in plans}
        self._holds_working = {
            doc_id
            for doc_id in self._holds
            if (meta := self.hub.catalog.get(doc_id)) is not None
            and policy.sees_working_copy(self.account, meta)
        }

    # -- binary: CRDT and awareness ----------------------------------------

    async def _on_binary(self, frame: bytes) -> None:
        name, raw = ysync.unwrap(frame)
        doc_id, published = streams.parse(name)
        message = ysync.parse_message(raw)
        meta = self.hub.readable(self.account, doc_id)
        if message.type == ysync.MessageType.SYNC and message.step in (
            ysync.SyncStep.STEP2,
            ysync.SyncStep.UPDATE,
        ):
            self._submit_update(doc_id, meta, message.payload, published)
            return
        if meta is None or not policy.receives_stream(self.account, meta, published):
            # the same answer for a state request: a stream the user does not receive
            self._strike(ErrorCode.NOT_FOUND, f"no document '{doc_id}'", doc=doc_id)
            return
        if message.type == ysync.MessageType.AWARENESS:
            self._on_awareness(doc_id, message.payload)
            return
        wait = self._limited(self.server.rates.requests.get(self.account.name))
        if wait is not None:  # a state request costs a database read and maybe megabytes
            self.send(
                m.error(
                    ErrorCode.RATE_LIMITED,
                    f"too many state requests; try again in {int(wait)} s",
                    doc=doc_id,
                    retry_after=int(wait),
                )
            )
            return
        if message.type == ysync.MessageType.SYNC:  # step 1: send what the peer lacks
            cached = await self.server.doc_state(doc_id, published)
            if message.payload == EMPTY_STATE_VECTOR:  # holds nothing: the whole state,
                # its frame built once per version and shared (kmserver/state_cache.py)
                self.send(
                    cached.frame(name, lambda whole: ysync.wrap(name, ysync.sync_step2(whole)))
                )
                return
            try:
                missing = get_update(cached.state, message.payload)
            except Exception as exc:
                raise ProtocolError(f"state vector does not decode: {exc}") from exc
            self.send(ysync.wrap(name, ysync.sync_step2(missing)))

    def _on_awareness(self, doc_id: str, payload: bytes) -> None:
        limits = self.server.rates.limits
        if len(payload) > limits.max_awareness:
            self._strike(
                ErrorCode.TOO_LARGE,
                f"awareness messages are at most {limits.max_awareness} bytes",
                doc=doc_id,
            )
            return
        if not self._awareness.take():
            # Carets are ephemeral: drop them, and say so now and then (not per frame).
            now = self._awareness.clock()
            if now - self._awareness_notice >= NOTICE_EVERY:
                self._awareness_notice = now
                self.send(
                    m.error(
                        ErrorCode.RATE_LIMITED,
                        "too many awareness messages; some were dropped",
                        doc=doc_id,
                        retry_after=1,
                    )
                )
            return
        self.hub.relay_awareness(self, doc_id, payload)

    def _submit_update(
        self, doc_id: str, meta: DocMeta | None, update: bytes, published: bool
    ) -> None:
        # Refusals are queued like updates so every update frame gets exactly
        # one reply (ack or error) in the order the frames were sent.
        refusal = None
        rates = self.server.rates
        if not rates.updates.take(self.account.name) or not rates.update_bytes.take(
            self.account.name, len(update)
        ):
            refusal = JobError(
                ErrorCode.RATE_LIMITED,
                "too many changes at once; this one was not saved, send it again shortly",
            )
        elif meta is None:
            refusal = JobError(ErrorCode.NOT_FOUND, f"no document '{doc_id}'")
        elif published:
            refusal = JobError(ErrorCode.FORBIDDEN, "published revisions change only by publishing")
        elif not policy.can_edit(self.account, meta):
            refusal = JobError(ErrorCode.FORBIDDEN, "you may read this document but not edit it")
        self.server.writer.post(
            UpdateJob(
                origin=self, doc_id=doc_id, update=update, author=self.account.name, refusal=refusal
            )
        )

    async def close_session(self) -> None:
        if self.live:
            self.server.feedback.session_ended(self)
        self.hub.remove_session(self)
        for doc_id in set(self.awareness_clients) | set(self.joined):
            self.hub.leave(self, doc_id)
        await self.finish()


def _ref(msg: dict[str, Any]) -> dict[str, Any]:
    return {"ref": msg["ref"]} if "ref" in msg else {}


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a sync sends of one document."""

    meta: DocMeta
    known: bool  # the client holds the document
    working: bool  # the user sees its working copy
    new_working: bool  # ... and the client does not hold it yet


def _read_states(s, chunk: list[_Plan], cursor: int) -> list[tuple[bytes | None, bytes | None]]:  # type: ignore[no-untyped-def]
    """(published, working) state to send for each document; None: nothing to send."""
    # What a client does not hold yet comes in two queries per chunk (a first
    # sync is all of that); what it holds goes by the cursor, one by one.
    pubs = docs.published_states(s, [p.meta.id for p in chunk if p.meta.rev != 0 and not p.known])
    fulls = docs.full_states(s, [p.meta.id for p in chunk if p.new_working])
    out = []
    for plan in chunk:
        doc_id = plan.meta.id
        if plan.meta.rev == 0:
            pub = None
        elif plan.known:
            pub = docs.published_after(s, doc_id, cursor)
        else:
            pub = pubs.get(doc_id)
        work = None
        if plan.new_working:
            work = fulls[doc_id]
        elif plan.working:
            work = docs.updates_after(s, doc_id, cursor)
        out.append((pub, work))
    return out
