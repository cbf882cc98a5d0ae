"""Who is connected, what they may read, and delivery of committed changes.

Runs on the event loop only. The catalog (metadata of every document) lives
here in memory so each delivery can be checked against the access policy
without touching the database.

Two streams per document (docs/revisions.md): working-copy updates go only
to sessions that see the working copy; publications (``LOG_PUBLISH``) go to
everyone who may read the document, on its ``@published`` stream.
"""

from __future__ import annotations

import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from kmserver import policy
from kmserver.peer import Peer, encode_frame
from kmserver.protocol import awareness, streams, ysync
from kmserver.protocol import messages as m
from kmserver.protocol.codec import ProtocolError
from kmserver.protocol.docmeta import DocMeta, View
from kmserver.protocol.feedback import record_frame
from kmserver.publishing import review_dates
from kmserver.store.documents import TailEntry
from kmserver.store.models import LOG_META, LOG_PUBLISH, LOG_RECORD, LOG_UPDATE
from kmserver.writer import Job, TailBatch, UpdateJob

log = logging.getLogger(__name__)

CLOSE_LOST_ACCESS = 4003
REMOTE_AWARENESS_TTL = 30.0  # s: as y-protocols drops a client not renewed in 30 s


class Hub:
    def __init__(
        self,
        metas: Iterable[DocMeta],
        covered: int,
        review_days: int = review_dates.DEFAULT_REVIEW_DAYS,
    ) -> None:
        self.catalog: dict[str, DocMeta] = {meta.id: meta for meta in metas}
        self.review_days = review_days
        self.covered = covered  # every entry up to here has been delivered
        self.sessions: set = set()  # live /ws sessions (WsSession)
        # Those whose role may see some working copy (policy.may_see_working_copies):
        # each edit is checked against these only, however many reps are connected.
        self.working_sessions: set = set()
        # The same, by user: a private record (a notification) goes to its owner's
        # sessions without a look at everyone else's.
        self.sessions_of: defaultdict[str, set] = defaultdict(set)
        # Documents that became visible (or whose working copy did) in this batch, and to
        # whom: their state and records are read once and sent to all (kmserver/visibility.py).
        self._newly_visible: defaultdict[str, list[tuple[Any, bool, bool]]] = defaultdict(list)
        self.state_sender: Callable[[str, list[tuple[Any, bool, bool]]], object] | None = None
        # Told of every record delivered (envelope, seq, the sessions it reached): who saw a
        # broadcast, whose acknowledgement a coverage screen waits for (kmserver/attention).
        self.delivery_observers: list[Callable[[dict[str, Any], int, list[Any]], None]] = []
        self.rooms: defaultdict[str, set[Peer]] = defaultdict(set)  # awareness rooms
        # Awareness of peers on other server processes (kmserver/cluster.py): doc id ->
        # sender -> (its last update, when), for those who join later; and where ours go.
        self.remote_awareness: defaultdict[str, dict[str, tuple[bytes, float]]] = defaultdict(dict)
        self.awareness_out: Callable[[str, str, bytes], None] | None = None
        self.y_peers: defaultdict[str, set[Peer]] = defaultdict(set)  # /y/<doc> sockets
        self._batch_time: str | None = None  # updated_at of the edits in one batch

    def add_session(self, session: Any) -> None:
        self.sessions.add(session)
        self.sessions_of[session.account.name].add(session)
        self._sort_working(session)

    def _sort_working(self, session: Any) -> None:
        if policy.may_see_working_copies(session.account):
            self.working_sessions.add(session)
        else:
            self.working_sessions.discard(session)

    def remove_session(self, session: Any) -> None:
        self.sessions.discard(session)
        self.working_sessions.discard(session)
        mine = self.sessions_of.get(session.account.name)
        if mine is not None:
            mine.discard(session)
            if not mine:
                del self.sessions_of[session.account.name]

    # -- queries ----------------------------------------------------------

    def readable(self, account, doc_id: str) -> DocMeta | None:  # type: ignore[no-untyped-def]
        meta = self.catalog.get(doc_id)
        return meta if meta is not None and policy.can_read(account, meta) else None

    def view(self, account, meta: DocMeta) -> View:  # type: ignore[no-untyped-def]
        due = review_dates.due(meta, self.review_days)
        return policy.view(account, meta, due.isoformat() if due else None)

    def doc_frame(self, account, meta: DocMeta) -> str:  # type: ignore[no-untyped-def]
        return m.encode("doc", **meta.to_wire(self.view(account, meta)))

    # -- rooms ------------------------------------------------------------

    def join(self, peer: Peer, doc_id: str) -> None:
        room = self.rooms[doc_id]
        room.add(peer)
        peer.joined.add(doc_id)
        for other in room:
            last = other.awareness_last.get(doc_id)
            if other is not peer and last:
                peer.send_doc_message(doc_id, ysync.awareness(last))
        fresh = time.monotonic() - REMOTE_AWARENESS_TTL
        for payload, at in list(self.remote_awareness.get(doc_id, {}).values()):
            if at >= fresh:
                peer.send_doc_message(doc_id, ysync.awareness(payload))

    def leave(self, peer: Peer, doc_id: str) -> None:
        room = self.rooms.get(doc_id)
        if room is None or peer not in room:
            return
        room.discard(peer)
        peer.joined.discard(doc_id)
        if not room:
            del self.rooms[doc_id]
        removal = peer.awareness_removal(doc_id)
        if removal and room:
            for other in room:
                other.send_doc_message(doc_id, ysync.awareness(removal))
        if removal and self.awareness_out is not None:
            self.awareness_out(doc_id, str(id(peer)), removal)

    def relay_awareness(self, peer: Peer, doc_id: str, payload: bytes) -> None:
        peer.note_awareness(doc_id, payload)
        message = ysync.awareness(payload)
        for other in self.rooms.get(doc_id, ()):
            if other is not peer:
                other.send_doc_message(doc_id, message)
        if self.awareness_out is not None:
            self.awareness_out(doc_id, str(id(peer)), payload)

    def awareness_from_elsewhere(self, doc_id: str, sender: str, payload: bytes) -> None:
        """A peer on another server process: to this process's peers of the document,
        and kept (until it says it left, or goes quiet) for those who join later."""
        try:
            states = awareness.parse(payload)
        except ProtocolError:
            return
        kept = self.remote_awareness[doc_id]
        if states and all(state == "null" for _cid, _clock, state in states):
            kept.pop(sender, None)
        else:
            kept[sender] = (payload, time.monotonic())
        if not kept:
            self.remote_awareness.pop(doc_id, None)
        message = ysync.awareness(payload)
        for other in self.rooms.get(doc_id, ()):
            other.send_doc_message(doc_id, message)

    # -- delivery of committed entries ------------------------------------

    def on_tail(self, jobs: list[Job], batch: TailBatch) -> None:
        """Reply to each job and deliver each entry, all in sequence order."""
        self._batch_time = None  # one clock reading per batch, not per edit
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
        self._send_newly_visible()

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
        if new_meta is not None and (old_meta is None or entry.kind in (LOG_META, LOG_PUBLISH)):
            self._meta_changed(old_meta, new_meta, reached)
        elif old_meta is not None and entry.kind == LOG_UPDATE:
            self._working_changed(old_meta, entry)
        meta = self.catalog.get(entry.doc_id)
        if entry.kind == LOG_META or meta is None:
            return
        if entry.kind == LOG_PUBLISH:
            self._deliver_publication(meta, entry, reached)
            return
        # Only an edit has an author socket that already holds it (and awaits an
        # ack); a created document goes to its creator like to everyone else.
        origin = job.origin if isinstance(job, UpdateJob) else None
        if origin is not None and hasattr(origin, "update_acked"):
            origin.update_acked(entry.doc_id, entry.seq)
        # Each message and its websocket frame are built once per update, and only if
        # someone receives it; the check of who may is per recipient and per update.
        frame = encoded = None
        for session in self.working_sessions:
            if session is not origin and policy.sees_working_copy(session.account, meta):
                if frame is None:
                    frame = ysync.wrap(entry.doc_id, ysync.sync_update(entry.data))
                    encoded = encode_frame(frame)
                session.deliver(frame, encoded)
                reached[session][entry.doc_id] = entry.author
        peers = self.y_peers.get(entry.doc_id)
        if peers:
            # peer.working was decided when the socket opened (policy.sees_working_copy)
            # and is re-checked on every change of the document's metadata or the
            # account (_check_y_peer closes a socket whose answer changed).
            message = ysync.sync_update(entry.data)
            encoded = encode_frame(message)
            for peer in peers:
                if peer is not origin and peer.working:
                    peer.send_encoded(message, encoded)

    def _working_changed(self, meta: DocMeta, entry: TailEntry) -> None:
        """An edit of the working copy: its editors learn who has unpublished changes."""
        if self._batch_time is None:
            self._batch_time = datetime.now(UTC).isoformat()
        changes: dict[str, Any] = {
            "seq": entry.seq,
            "updated_by": entry.author,
            "updated_at": self._batch_time,
        }
        new_author = entry.author and entry.author not in meta.pending_authors
        if new_author:
            changes["pending_authors"] = (*meta.pending_authors, entry.author)
        self.catalog[meta.id] = new = meta.with_changes(**changes)
        if new_author:
            for session in self.working_sessions:
                if policy.sees_working_copy(session.account, new):
                    session.deliver(self.doc_frame(session.account, new))

    def _deliver_publication(self, meta: DocMeta, entry: TailEntry, reached: defaultdict) -> None:
        """A new revision: the difference from the previous one, to every reader."""
        frame = encoded = None
        for session in self.sessions:
            if policy.can_read(session.account, meta):
                if frame is None:
                    stream = streams.published(entry.doc_id)
                    frame = ysync.wrap(stream, ysync.sync_update(entry.data))
                    encoded = encode_frame(frame)
                session.deliver(frame, encoded)
                reached[session][entry.doc_id] = entry.author
        peers = self.y_peers.get(entry.doc_id)
        if peers:
            message = ysync.sync_update(entry.data)
            encoded = encode_frame(message)
            for peer in peers:
                if not peer.working:
                    peer.send_encoded(message, encoded)

    def _deliver_record(self, entry: TailEntry, reached: defaultdict) -> None:
        """A record (flag, comment, note, watch setting, notification, must-read,
        acknowledgement, broadcast) to every session that may receive it
        (``policy.may_receive``); a private one is offered only to its owner's sessions."""
        envelope = json.loads(entry.data)
        doc_id, owner = envelope.get("doc"), envelope.get("owner")
        meta = self.catalog.get(doc_id) if doc_id else None
        if doc_id and meta is None:
            return
        frame = None
        sessions = self.sessions_of.get(owner, ()) if owner is not None else self.sessions
        reached_now = []
        for session in sessions:
            if not policy.may_receive(session.account, envelope, meta):
                continue
            frame = frame or record_frame(envelope, entry.seq)
            session.deliver(frame)
            reached.setdefault(session, {})  # the cursor frame after the batch covers it
            reached_now.append(session)
        self.observe_delivery(envelope, entry.seq, reached_now)

    def observe_delivery(self, envelope: dict[str, Any], seq: int, sessions: list[Any]) -> None:
        for observer in self.delivery_observers:
            try:
                observer(envelope, seq, sessions)
            except Exception:
                log.exception("a delivery observer failed")

    def account_changed(self, session: Any, account: Any) -> None:
        """Someone changed a signed-in user's role or topics: re-check what they see."""
        old, session.account = session.account, account
        if session in self.sessions:
            self._sort_working(session)
        if session.kind == "y":
            self._check_y_peer(session, self.catalog.get(session.doc_id))
            return
        if not session.live:
            return
        removed = []
        for meta in self.catalog.values():
            before, after = policy.can_read(old, meta), policy.can_read(account, meta)
            if before and not after:
                removed.append(meta.id)
                self.leave(session, meta.id)
            elif after and (not before or self.view(old, meta) != self.view(account, meta)):
                session.deliver(self.doc_frame(account, meta))
                self._send_missing_state(session, meta, before, policy.sees_working_copy(old, meta))
        if removed:
            session.deliver(m.encode("removed", ids=removed))
        session.deliver(
            m.encode(
                "profile",
                user={"name": account.name, "role": account.role, "topics": list(account.topics)},
            )
        )
        self._send_newly_visible()

    def _send_missing_state(
        self, session: Any, meta: DocMeta, could_read: bool, saw_working: bool
    ) -> None:
        """After a doc frame that widened what the session sees: the state it lacks."""
        working = policy.sees_working_copy(session.account, meta) and not saw_working
        if not could_read or working:
            self._newly_visible[meta.id].append((session, not could_read, working))

    def _send_newly_visible(self) -> None:
        newly, self._newly_visible = self._newly_visible, defaultdict(list)
        if self.state_sender is not None:
            for doc_id, wanted in newly.items():
                self.state_sender(doc_id, wanted)

    def _meta_changed(self, old: DocMeta | None, new: DocMeta, reached: defaultdict) -> None:
        self.catalog[new.id] = new
        frames: dict[tuple[View, bool], str] = {}  # the same frame for the same view

        def frame(account: Any, meta: DocMeta, which: bool) -> str:
            view = self.view(account, meta)
            key = (view, which)
            if key not in frames:
                frames[key] = m.encode("doc", **meta.to_wire(view))
            return frames[key]

        for session in self.sessions:
            account = session.account
            before = old is not None and policy.can_read(account, old)
            after = policy.can_read(account, new)
            if after:
                text = frame(account, new, True)
                if before and old is not None and text == frame(account, old, False):
                    continue  # nothing this user sees changed (e.g. a reader, a working title)
                session.deliver(text)
                reached[session][new.id] = new.updated_by
                if old is not None:
                    saw_working = before and policy.sees_working_copy(account, old)
                    self._send_missing_state(session, new, before, saw_working)
            elif before:
                session.deliver(m.encode("removed", ids=[new.id]))
                self.leave(session, new.id)
        for peer in list(self.y_peers.get(new.id, ())):
            self._check_y_peer(peer, new)

    def _check_y_peer(self, peer: Any, meta: DocMeta | None) -> None:
        if meta is None or not policy.can_read(peer.account, meta):
            peer.lost_access(CLOSE_LOST_ACCESS, "you may no longer read this document")
        elif policy.sees_working_copy(peer.account, meta) != peer.working:
            # The other stream: y-websocket reconnects and gets the right one.
            peer.lost_access(CLOSE_LOST_ACCESS, "your access changed; reconnect")
