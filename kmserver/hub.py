"""Who is connected, what they may read, and delivery of committed changes.

Runs on the event loop only. The catalog (metadata of every document) lives
here in memory so each delivery can be checked against the access policy
without touching the database.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from kmserver import policy
from kmserver.peer import Peer
from kmserver.protocol import messages as m
from kmserver.protocol import ysync
from kmserver.protocol.docmeta import DocMeta
from kmserver.protocol.feedback import record_frame
from kmserver.store.documents import TailEntry
from kmserver.store.models import LOG_META, LOG_RECORD
from kmserver.writer import Job, TailBatch, UpdateJob

log = logging.getLogger(__name__)

CLOSE_LOST_ACCESS = 4003


class Hub:
    def __init__(self, metas: Iterable[DocMeta], covered: int) -> None:
        self.catalog: dict[str, DocMeta] = {meta.id: meta for meta in metas}
        self.covered = covered  # every entry up to here has been delivered
        self.sessions: set = set()  # live /ws sessions (WsSession)
        self.rooms: defaultdict[str, set[Peer]] = defaultdict(set)  # awareness rooms
        self.y_peers: defaultdict[str, set[Peer]] = defaultdict(set)  # /y/<doc> sockets

    # -- queries ----------------------------------------------------------

    def readable(self, account, doc_id: str) -> DocMeta | None:  # type: ignore[no-untyped-def]
        meta = self.catalog.get(doc_id)
        return meta if meta is not None and policy.can_read(account, meta) else None

    def doc_frame(self, account, meta: DocMeta) -> str:  # type: ignore[no-untyped-def]
        return m.encode("doc", **meta.to_wire(policy.can_edit(account, meta)))

    # -- rooms ------------------------------------------------------------

    def join(self, peer: Peer, doc_id: str) -> None:
        room = self.rooms[doc_id]
        room.add(peer)
        for other in room:
            last = other.awareness_last.get(doc_id)
            if other is not peer and last:
                peer.send_doc_message(doc_id, ysync.awareness(last))

    def leave(self, peer: Peer, doc_id: str) -> None:
        room = self.rooms.get(doc_id)
        if room is None or peer not in room:
            return
        room.discard(peer)
        if not room:
            del self.rooms[doc_id]
        removal = peer.awareness_removal(doc_id)
        if removal and room:
            for other in room:
                other.send_doc_message(doc_id, ysync.awareness(removal))

    def relay_awareness(self, peer: Peer, doc_id: str, payload: bytes) -> None:
        peer.note_awareness(doc_id, payload)
        message = ysync.awareness(payload)
        for other in self.rooms.get(doc_id, ()):
            if other is not peer:
                other.send_doc_message(doc_id, message)

    # -- delivery of committed entries ------------------------------------

    def on_tail(self, jobs: list[Job], batch: TailBatch) -> None:
        """Reply to each job and deliver each entry, all in sequence order."""
        entries = iter(batch.entries)
        pending: TailEntry | None = next(entries, None)
        # session -> {doc id: who changed it}, for the cursor frame after the batch
        reached: defaultdict[Any, dict[str, str | None]] = defaultdict(dict)
        for job in jobs:
            if job.seq is not None:
                while pending is not None and pending.seq <= job.seq:
                    self._deliver(pending, job if pending.seq == job.seq else None, batch, reached)
                    pending = next(entries, None)
            elif isinstance(job, UpdateJob):
                self._reply_unstored(job)
        while pending is not None:
            self._deliver(pending, None, batch, reached)
            pending = next(entries, None)
        if batch.entries:
            self.covered = batch.entries[-1].seq
            for session, changed in reached.items():
                session.deliver(m.encode("cursor", seq=self.covered, by=changed))

    def _reply_unstored(self, job: UpdateJob) -> None:
        origin = job.origin
        if origin is None:
            return
        if job.error is not None:
            origin.update_refused(job.doc_id, job.error.code, job.error.message)
        else:
            origin.update_acked(job.doc_id, self.covered)

    def _deliver(
        self, entry: TailEntry, job: Job | None, batch: TailBatch, reached: defaultdict
    ) -> None:
        if entry.kind == LOG_RECORD:
            self._deliver_record(entry, reached)
            return
        new_meta = batch.metas.get(entry.doc_id)
        old_meta = self.catalog.get(entry.doc_id)
        if new_meta is not None and (old_meta is None or entry.kind == LOG_META):
            self._meta_changed(old_meta, new_meta, reached)
        elif old_meta is not None:
            # Only the sequence number moves; a metadata entry later in this batch
            # still needs the old audience to tell who lost or gained access.
            self.catalog[entry.doc_id] = old_meta.with_changes(
                seq=entry.seq, updated_by=entry.author
            )
        meta = self.catalog.get(entry.doc_id)
        if entry.kind == LOG_META or meta is None:
            return
        # Only an edit has an author socket that already holds it (and awaits an
        # ack); a created document goes to its creator like to everyone else.
        origin = job.origin if isinstance(job, UpdateJob) else None
        if origin is not None and hasattr(origin, "update_acked"):
            origin.update_acked(entry.doc_id, entry.seq)
        frame = ysync.wrap(entry.doc_id, ysync.sync_update(entry.data))
        for session in self.sessions:
            if session is not origin and policy.can_read(session.account, meta):
                session.deliver(frame)
                reached[session][entry.doc_id] = entry.author
        message = ysync.sync_update(entry.data)
        for peer in self.y_peers.get(entry.doc_id, ()):
            if peer is not origin:
                peer.send(message)

    def _deliver_record(self, entry: TailEntry, reached: defaultdict) -> None:
        """A flag, comment, note, watch setting or notification: to every session
        that may read its document, and a private one only to its owner's sessions."""
        envelope = json.loads(entry.data)
        doc_id, owner = envelope.get("doc"), envelope.get("owner")
        meta = self.catalog.get(doc_id) if doc_id else None
        if doc_id and meta is None:
            return
        frame = None
        for session in self.sessions:
            if owner is not None and session.account.name != owner:
                continue
            if meta is not None and not policy.can_read(session.account, meta):
                continue
            frame = frame or record_frame(envelope, entry.seq)
            session.deliver(frame)
            reached.setdefault(session, {})  # the cursor frame after the batch covers it

    def account_changed(self, session: Any, account: Any) -> None:
        """Someone changed a signed-in user's role or topics: re-check what they see."""
        old, session.account = session.account, account
        if session.kind == "y":
            if self.readable(account, session.doc_id) is None:
                session.lost_access(CLOSE_LOST_ACCESS, "you may no longer read this document")
            return
        if not session.live:
            return
        removed = []
        for meta in self.catalog.values():
            before, after = policy.can_read(old, meta), policy.can_read(account, meta)
            if before and not after:
                removed.append(meta.id)
                self.leave(session, meta.id)
            elif after and (
                not before or policy.can_edit(old, meta) != policy.can_edit(account, meta)
            ):
                session.deliver(self.doc_frame(account, meta))
                if not before:
                    session.send_full_state_later(meta.id)
        if removed:
            session.deliver(m.encode("removed", ids=removed))
        session.deliver(
            m.encode(
                "profile",
                user={"name": account.name, "role": account.role, "topics": list(account.topics)},
            )
        )

    def _meta_changed(self, old: DocMeta | None, new: DocMeta, reached: defaultdict) -> None:
        self.catalog[new.id] = new
        for session in self.sessions:
            before = old is not None and policy.can_read(session.account, old)
            after = policy.can_read(session.account, new)
            if after:
                session.deliver(self.doc_frame(session.account, new))
                reached[session][new.id] = new.updated_by
                if not before and old is not None:
                    session.send_full_state_later(new.id)
            elif before:
                session.deliver(m.encode("removed", ids=[new.id]))
                self.leave(session, new.id)
        for peer in list(self.y_peers.get(new.id, ())):
            if not policy.can_read(peer.account, new):
                peer.lost_access(CLOSE_LOST_ACCESS, "you may no longer read this document")
