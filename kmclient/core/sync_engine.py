"""The client's sync engine: the local replica kept in step with the server.

Threads (docs/client-core.md has the whole picture):

- the *owner* thread (the GUI thread in the app, the main thread in the CLI)
  runs every method of :class:`SyncEngine`, owns every pycrdt Doc and does
  every write to the profile;
- the connection thread (:mod:`kmclient.net.connection`) only moves frames;
- the indexer thread (:mod:`kmclient.core.indexer`) only writes the index.

The other threads reach the owner through ``post(callable)``, which the
owner supplies: a queued Qt signal in the app, an :class:`OwnerLoop` in the
CLI and tests. ``post`` must be thread-safe and run callables in order.

Wire rules kept here (docs/protocol.md): local edits are stored in the
outbox before they are sent; every update frame gets exactly one reply in
order, so the oldest in-flight row is settled by each ``ack`` or refusal;
after ``sync_end`` the whole outbox is sent again (CRDT updates are
idempotent); the cursor is stored in the same transaction as the data it
covers, never before. Refusals and the repairs after them: :mod:`kmclient.core.refusals`.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kmclient.core.attention_api import AttentionApi
from kmclient.core.crdt import merge_updates
from kmclient.core.feedback import Feedback
from kmclient.core.feedback_api import FeedbackApi
from kmclient.core.feedback_requests import (
    InvalidRequest,
    NoSuchDocument,
    NoSuchRecord,
    NotAllowed,
)
from kmclient.core.indexer import Post
from kmclient.core.model import (
    AwarenessReceived,
    ChangesAttributed,
    ConnState,
    CoverageChanged,
    DocInfo,
    EngineEvent,
    IndexProgress,
    QueryAnswered,
    RequestAnswered,
    StatusChanged,
    SyncCompleted,
    SyncStatus,
    UserProfile,
)
from kmclient.core.publishing_api import QUERIES, PublishingApi
from kmclient.core.refusals import Refusals
from kmclient.core.replica import BatchListener, Listener, Replica
from kmclient.core.search_result import SearchResult
from kmclient.net import events as ev
from kmclient.net.backoff import Backoff
from kmclient.net.connection import Connection
from kmserver.protocol import streams, ysync

if TYPE_CHECKING:  # pycrdt (~25 ms to import): when first needed, not at the app's start
    from pycrdt import Doc

log = logging.getLogger(__name__)


class NotSignedIn(RuntimeError):
    """No saved session for this profile: a password is needed."""


class NotOnline(RuntimeError):
    """A request that only the server can answer, made while not connected."""


class ProfileMismatch(ValueError):
    """The profile belongs to another server or user."""


@dataclass
class _SyncRun:
    started: float
    total: int = 0
    seen: set[str] = field(default_factory=set)
    new: int = 0
    changed: int = 0
    removed: int = 0


class SyncEngine(FeedbackApi, PublishingApi, AttentionApi, Refusals):
    """The public API: this class (documents, sync, editing),
    :class:`~kmclient.core.feedback_api.FeedbackApi` (flags, comments, notes,
    watches, notifications), :class:`~kmclient.core.publishing_api.PublishingApi`
    (publishing, review, history, archive, review dates, audit) and
    :class:`~kmclient.core.attention_api.AttentionApi` (must-reads, broadcasts)."""

    def __init__(
        self,
        profile_dir: Path | str,
        post: Post,
        *,
        backoff: Backoff | None = None,
        client_name: str = "kmclient",
        index_batch: int | None = None,
    ) -> None:
        self._post = post
        self._closed = False
        self.replica = Replica(Path(profile_dir), self._post_if_open, self._on_local, index_batch)
        store = self.replica.store
        self._cursor: int = store.get_setting("cursor", 0)
        saved = store.get_setting("user")
        self._user = (
            UserProfile(saved["name"], saved["role"], tuple(saved["topics"])) if saved else None
        )
        self._status = SyncStatus(unconfirmed=store.outbox_count())
        self.backoff = backoff or Backoff()
        self.client_name = client_name
        # One owner-thread turn handles frames for at most this long, or until
        # this many documents wait to be committed (a commit costs ~0.25 ms per
        # document): turns stay short enough for a responsive UI.
        self.pump_budget = 0.015
        self.pump_max_docs = 64
        self._conn: Connection | None = None
        self._session = 0
        self._live = False  # past sync_end on the current socket
        self._edited: set[str] = set()  # working copies changed by others since the cursor
        # (outbox row, doc id) sent on this socket and not yet answered, oldest first
        self._inflight: deque[tuple[int, str]] = deque()
        self._backlog: deque[ev.NetEvent] = deque()
        self._local: list[tuple[str, bytes]] = []  # captured edits, not yet in the outbox
        self._local_posted = False
        self._repairs: dict[str, list[bytes]] = {}  # doc -> remote updates held meanwhile
        self._repair_asked: set[str] = set()  # step 1 sent on the current socket
        self._run: _SyncRun | None = None
        self._pending_cursor: int | None = None  # stored with the next commit
        # sync_end's cursor is stored; going live is the next turn: (cursor, run)
        self._going_live: tuple[int, _SyncRun | None] | None = None
        # Requests sent on this socket and not yet answered: ref -> (type, doc id)
        self._requests: dict[str, tuple[str, str]] = {}
        self._queries: dict[str, str] = {}  # ask() refs not yet answered -> kind
        self._next_ref = 0
        self._told = self._status  # the status listeners last heard
        # Flags, comments, notes, watches, notifications (kmclient/core/feedback.py).
        self._fb = Feedback(self.replica, self._send_json, lambda: self._user)
        # A sync's batches of documents are stored by the store writer thread: a turn
        # hands one over and goes on, while at most one more is being written.
        self.writing_ahead = 1
        self.replica.on_written = self._on_written

    # -- life cycle ----------------------------------------------------------------

    @property
    def profile_dir(self) -> Path:
        return self.replica.dir

    @property
    def server_url(self) -> str | None:
        return self.replica.store.get_setting("server")

    @property
    def user_name(self) -> str | None:
        """Who this profile signs in as (known before the server's first welcome)."""
        return self.replica.store.get_setting("user_name")

    def connect(
        self,
        server_url: str,
        user: str | None = None,
        password: str | None = None,
        *,
        start: bool = True,
    ) -> None:
        """Start syncing: sign in with ``password`` (first time) or the saved token.
        With ``start=False`` the profile and credentials are checked now and the
        connection waits for :meth:`start_syncing` (a window opens first)."""
        self._check_open()
        store = self.replica.store
        saved_server, saved_user = store.get_setting("server"), store.get_setting("user_name")
        if saved_server and saved_server != server_url:
            raise ProfileMismatch(f"{self.profile_dir} belongs to {saved_server}")
        if saved_user and user and saved_user != user:
            raise ProfileMismatch(f"{self.profile_dir} belongs to user {saved_user}")
        user = user or saved_user
        if password is not None:
            if not user:
                raise NotSignedIn("a user name is needed with the password")
            creds = ev.Credentials(user, password)
        else:
            token = store.get_setting("token")
            if not token:
                raise NotSignedIn("not signed in on this profile yet: give your password")
            creds = ev.Credentials(user, None, token)
        self.replica.set_setting("server", server_url)
        self.replica.set_setting("user_name", user)
        self.replica.commit()
        if self._conn is not None:
            self.disconnect()
        self._conn = Connection(
            server_url,
            creds,
            lambda: self._post_if_open(self._pump),
            backoff=self.backoff,
            client_name=self.client_name,
        )
        if start:
            self._conn.start()

    @property
    def connection_started(self) -> bool:
        """A connection is there and running (or trying to): ``connect`` and, if it was
        told to wait, ``start_syncing`` were called."""
        return self._conn is not None and self._conn.started

    def start_syncing(self) -> None:
        """Start the connection that ``connect(..., start=False)`` made (else nothing)."""
        if self._conn is not None and not self._conn.started and not self._closed:
            self._conn.start()

    def sign_in(self, password: str) -> None:
        """Sign in again after SIGNED_OUT (wrong password, expired session)."""
        if self._conn is None:
            server = self.server_url
            if not server:
                raise NotSignedIn("connect() first")
            self.connect(server, password=password)
            return
        user = self.replica.store.get_setting("user_name")
        self._conn.sign_in(ev.Credentials(user, password))

    def retry_now(self) -> None:
        if self._conn is not None:
            self._conn.retry_now()

    def disconnect(self) -> None:
        """Close the socket; unconfirmed edits stay in the outbox for next time."""
        if self._conn is not None:
            self._conn.stop()
            self._conn = None
        self._backlog.clear()
        self._socket_gone()
        self._set(state=ConnState.OFFLINE, retry_in=None, done=0, total=0)
        self.replica.commit()

    def close(self) -> None:
        """Disconnect, store everything, stop the indexer, release the profile."""
        if self._closed:
            return
        if self._conn is not None:
            self._conn.stop()
            self._conn = None
        self._flush_local()
        self.replica.commit()
        self._closed = True
        self.replica.close()

    def __enter__(self) -> SyncEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError("the sync engine is closed")

    def _post_if_open(self, fn: Callable[[], object]) -> None:
        self._post(lambda: None if self._closed else fn())

    # -- what a UI reads -----------------------------------------------------------

    def listen(self, listener: Listener) -> Callable[[], None]:
        """``listener(event)`` runs on the owner thread for each EngineEvent."""
        return self.replica.listen(listener)

    def listen_batches(self, listener: BatchListener) -> Callable[[], None]:
        """``listener(events)`` with the events told together, in order (Replica.listen_batches)."""
        return self.replica.listen_batches(listener)

    @property
    def status(self) -> SyncStatus:
        return self._status

    @property
    def user(self) -> UserProfile | None:
        return self._user

    @property
    def cursor(self) -> int:
        return self._cursor

    @property
    def unconfirmed(self) -> int:
        return self._status.unconfirmed

    @property
    def index_progress(self) -> IndexProgress:
        return self.replica.index_progress

    def relevance(self, all_topics: bool = False) -> tuple[str, ...] | None:
        """Topics of the default view; None means everything the user may see."""
        if all_topics or self._user is None or not self._user.topics:
            return None
        return self._user.topics

    def documents(self, all_topics: bool = False) -> list[DocInfo]:
        topics = self.relevance(all_topics)
        docs = [d for d in self.replica.docs.values() if d.relevant_to(topics)]
        return sorted(docs, key=lambda d: (d.title.casefold(), d.id))

    def doc(self, doc_id: str) -> DocInfo | None:
        return self.replica.docs.get(doc_id)

    def text(self, doc_id: str) -> str | None:
        """What the user reads: the working copy for its editors, else the latest revision."""
        return self.replica.text(doc_id)

    def search(self, query: str, all_topics: bool = False, limit: int = 20) -> list[SearchResult]:
        return self.replica.search(query, self.relevance(all_topics), limit)

    # -- open documents and local edits ----------------------------------------------

    def open_doc(self, doc_id: str, published: bool = False) -> Doc:
        """The live Doc of a document (its Markdown is the Y.Text ``body``).

        The working copy (editors only), or with ``published`` the latest
        revision (everyone; read-only: never change it). Kept current while
        open. Edit the working copy on this thread (e.g. through
        YTextBinding); every transaction that is not a remote apply is sent to
        the server. Call close_doc() once per open_doc(), with the same
        ``published``.
        """
        self._check_open()
        info = self.replica.docs.get(doc_id)
        if not published and info is not None and not info.working:
            raise NotAllowed(f"you see only the published revision of '{doc_id}'")
        first = not self._in_room(doc_id)
        replica = self.replica
        doc = replica.open_published(doc_id) if published else replica.open_doc(doc_id)
        if first and self._live:
            self._send_json(type="open", doc=doc_id)  # join the awareness room
        return doc

    def close_doc(self, doc_id: str, published: bool = False) -> None:
        self._flush_local()
        if published:
            self.replica.close_published(doc_id)
        else:
            self.replica.close_doc(doc_id)
        if not self._in_room(doc_id) and self._live:
            self._send_json(type="close", doc=doc_id)

    def _in_room(self, doc_id: str) -> bool:
        return doc_id in self.replica.open_docs or doc_id in self.replica.published_docs

    def send_awareness(self, doc_id: str, payload: bytes) -> None:
        """Our caret/selection for others in the document (y-protocols awareness)."""
        if self._live and self._in_room(doc_id):
            self._send(ysync.wrap(doc_id, ysync.awareness(payload)))

    # -- requests --------------------------------------------------------------------

    def set_meta(self, doc_id: str, **changes: Any) -> str:
        """Change title/topics/audience/owner/editors/status (who may: docs/protocol.md).

        Returns the request's ref. The new metadata comes back as a ``meta``
        event once the server has saved it, then a ``RequestAnswered`` with
        that ref (or only the answer, with the refusal). Needs a live connection.
        """
        return self._request("set_meta", doc_id, doc=doc_id, **changes)

    def create_doc(self, doc_id: str, title: str, body: str = "", **meta: Any) -> str:
        """Create a document; it arrives like any other once saved. Returns the
        request's ref, answered by a ``RequestAnswered`` event (e.g. ``conflict``)."""
        return self._request("create_doc", doc_id, id=doc_id, title=title, body=body, **meta)

    def _request(self, kind: str, doc_id: str, **fields: Any) -> str:
        self._check_open()
        if not self._live:
            raise NotOnline("this needs a connection to the server; try again when online")
        self._next_ref += 1
        ref = f"{kind}-{self._next_ref}"
        self._requests[ref] = (kind, doc_id)
        self._send_json(
            type=kind,
            ref=ref,
            **{k: list(v) if isinstance(v, tuple) else v for k, v in fields.items()},
        )
        return ref

    def ask(self, kind: str, **fields: Any) -> str:
        """Ask the server (``history``, ``revision``, ``review_queue``, ``overdue``,
        ``audit``); returns the ref its ``QueryAnswered`` will carry. Needs a live
        connection (else NotOnline)."""
        self._check_open()
        if kind not in QUERIES:
            raise ValueError(f"unknown question '{kind}'")
        if not self._live:
            raise NotOnline("this needs a connection to the server; try again when online")
        self._next_ref += 1
        ref = f"{kind}-{self._next_ref}"
        self._queries[ref] = kind
        self._send_json(type=kind, ref=ref, **fields)
        return ref

    def _answer(self, ref: str, ok: bool, code: str | None = None, message: str = "") -> None:
        kind, doc_id = self._requests.pop(ref)
        self.replica.emit(RequestAnswered(ref, kind, ok, doc_id, code, message))

    def _on_created(self, msg: dict[str, Any]) -> None:
        ref = msg.get("ref")
        if ref in self._requests:
            self._answer(ref, True)

    def _on_local(self, doc_id: str, update: bytes) -> None:
        # Called inside the Doc's transaction commit: only note it, store it soon.
        self._local.append((doc_id, update))
        if not self._local_posted:
            self._local_posted = True
            self._post_if_open(self._flush_local)

    def _flush_local(self) -> None:
        """Captured edits -> outbox (committed) -> socket, in that order."""
        self._local_posted = False
        if not self._local:
            return
        by_doc: dict[str, list[bytes]] = {}
        for doc_id, update in self._local:
            by_doc.setdefault(doc_id, []).append(update)
        self._local = []
        frames = []
        for doc_id, updates in by_doc.items():
            if doc_id not in self.replica.docs:
                continue  # removed while open: nowhere to send it
            update = updates[0] if len(updates) == 1 else merge_updates(*updates)
            self.replica.put_update(doc_id, update, local=True)
            self.replica.touch(doc_id, self.user.name if self.user else None, _now())
            self.replica.queue_outbox(doc_id, update)
            frames.append((doc_id, ysync.wrap(doc_id, ysync.sync_update(update))))
        added = self._commit()
        if self._live:
            for row_id, (doc_id, frame) in zip(added, frames, strict=True):
                self._inflight.append((row_id, doc_id))
                self._send(frame)

    # -- the owner's turn: events from the connection ----------------------------------

    def _pump(self) -> None:
        self._flush_local()
        if self._going_live is not None:  # the second half of sync_end: a turn of its own
            self._go_live(*self._going_live)
            self._commit()
            self._post_if_open(self._pump)  # then the frames that followed sync_end
            return
        if self.replica.writing > self.writing_ahead:
            return  # the store writer is behind: _on_written pumps again
        if self._conn is not None:
            self._backlog.extend(self._conn.take_events())
        deadline = time.perf_counter() + self.pump_budget
        held = False
        while self._backlog:
            event = self._backlog[0]
            if self.replica.writing and _is_sync_end(event):
                # The cursor is stored only after what the writer holds; waiting for
                # it here kept the GUI thread 10-40 ms. _on_written pumps again.
                held = True
                break
            self._backlog.popleft()
            try:
                self._handle(event)
            except Exception:  # one bad frame must not stop the sync
                log.exception("ignoring a frame the client cannot use: %r", event)
            if self._going_live is not None:
                break  # going live gets a turn of its own (a posted _pump, below)
            if time.perf_counter() > deadline or self.replica.uncommitted >= self.pump_max_docs:
                break
        self._publish_progress()
        # During a sync, its documents are stored off this thread (store_writer.py).
        self._commit(wait=self._run is None)
        if self._going_live is not None or (self._backlog and not held):
            self._post_if_open(self._pump)  # give the UI a turn, then go on

    def _on_written(self) -> None:
        if self._backlog or self._conn is not None:
            self._post_if_open(self._pump)

    def _handle(self, event: ev.NetEvent) -> None:
        if isinstance(event, ev.Binary):
            if event.session == self._session:
                self._on_binary(event.data)
        elif isinstance(event, ev.Control):
            if event.session == self._session:
                self._on_control(event.msg)
        elif isinstance(event, ev.Welcome):
            self._on_welcome(event)
        elif isinstance(event, ev.Connecting):
            self._set(state=ConnState.CONNECTING, retry_in=None)
        elif isinstance(event, ev.Disconnected):
            self._on_disconnected(event)

    def _on_welcome(self, event: ev.Welcome) -> None:
        self._socket_gone()
        self._session = event.session
        user = event.msg.get("user") or {}
        self._user = UserProfile(user["name"], user["role"], tuple(user.get("topics") or ()))
        self.replica.set_setting("user", {**user, "topics": list(self._user.topics)})
        if event.msg.get("token"):
            self.replica.set_setting("token", event.msg["token"])
        self._commit()  # known and cursor below must describe what is stored
        self._run = _SyncRun(time.perf_counter())
        self.replica.indexer.pause()  # storing first: browsable sooner, indexed in bulk
        self._set(state=ConnState.SYNCING, error=None, retry_in=None, done=0, total=0)
        known, working = self.replica.sync_ids()
        self._send_json(
            type="sync",
            cursor=self._cursor,
            known=known,
            working=working,
            **self._fb.sync_fields(),  # records_from: 0 once per profile
        )

    def _on_disconnected(self, event: ev.Disconnected) -> None:
        self._socket_gone()
        if event.code == ev.STOPPED:
            self._set(state=ConnState.OFFLINE, retry_in=None)
        elif event.signed_out:
            if event.code == ev.TOKEN_EXPIRED:
                self.replica.set_setting("token", None)
            self._set(state=ConnState.SIGNED_OUT, error=event.message, retry_in=None)
        else:
            self._set(state=ConnState.OFFLINE, error=event.message, retry_in=event.retry_in)

    def _socket_gone(self) -> None:
        self.replica.indexer.resume()
        self._live = False
        self._fb.socket_gone()
        for ref in list(self._requests):  # their answers can no longer come
            self._answer(ref, False, "disconnected", "the connection dropped before an answer")
        for ref, kind in list(self._queries.items()):
            del self._queries[ref]
            self.replica.emit(
                QueryAnswered(ref, kind, False, {}, "disconnected", "the connection dropped")
            )
        self._inflight.clear()
        self._repair_asked.clear()
        self._run = None
        self._going_live = None

    def _on_control(self, msg: dict[str, Any]) -> None:
        kind = msg.get("type")
        if kind == "doc":
            self._on_doc(DocInfo.from_wire(msg))
        elif kind == "sync_begin":
            if self._run is not None:
                self._run.total = int(msg.get("total", 0))
            self._set(total=int(msg.get("total", 0)), done=0)
        elif kind == "removed":
            for doc_id in msg.get("ids", []):
                if self.replica.remove(doc_id) and self._run is not None:
                    self._run.removed += 1
                self._repairs.pop(doc_id, None)
        elif kind == "record":
            self._fb.on_record(msg)
        elif kind == "saved":
            self._fb.on_saved(msg)
        elif kind == "flag_report":
            self._fb.on_report(msg)
        elif kind == "sync_end":
            self._on_sync_end(int(msg["cursor"]), msg.get("last_seen"))
        elif kind == "cursor":
            self._store_cursor(int(msg["seq"]))
            authors = {d: a for d, a in (msg.get("by") or {}).items() if isinstance(a, str)}
            edited, self._edited = self._edited, set()
            if self._live:  # a live edit: "last changed" is now, by its author
                for doc_id in edited & authors.keys():
                    self.replica.touch(doc_id, authors[doc_id], _now())
            if authors:  # after the commit, so listeners see the changes it names
                self.replica.emit(ChangesAttributed(authors))
        elif kind == "ack":
            self._settle(msg.get("doc"))
        elif kind == "error":
            self._on_error(msg)
        elif kind == "created":
            self._on_created(msg)
        elif kind == "meta_saved" and msg.get("ref") in self._requests:
            self._answer(msg["ref"], True)
        elif kind == "coverage_changed":
            self.replica.emit(CoverageChanged(str(msg.get("id") or "")))
        elif kind in QUERIES and msg.get("ref") in self._queries:
            del self._queries[msg["ref"]]
            data = {k: v for k, v in msg.items() if k not in ("type", "ref")}
            self.replica.emit(QueryAnswered(msg["ref"], kind, True, data))

    def _on_doc(self, info: DocInfo) -> None:
        old = self.replica.put_meta(info)
        if not info.working:
            self._repairs.pop(info.id, None)
        run = self._run
        if run is not None and info.id not in run.seen:
            run.seen.add(info.id)
            if old is None:
                run.new += 1
            else:
                run.changed += 1

    def _on_binary(self, frame: bytes) -> None:
        name, raw = ysync.unwrap(frame)
        doc_id, published = streams.parse(name)
        message = ysync.parse_message(raw)
        if message.type == ysync.MessageType.AWARENESS:
            self.replica.emit(AwarenessReceived(doc_id, message.payload))
            return
        if message.type != ysync.MessageType.SYNC or message.step == ysync.SyncStep.STEP1:
            return  # the server never asks us for state on /ws
        if published:
            self.replica.put_published(doc_id, message.payload)
            return
        held = self._repairs.get(doc_id)
        if held is None:
            self.replica.put_update(doc_id, message.payload, local=False)
            self._edited.add(doc_id)  # its author comes with the next cursor frame
        elif message.step == ysync.SyncStep.STEP2 and doc_id in self._repair_asked:
            self._finish_repair(doc_id, message.payload, held)
        else:
            held.append(message.payload)

    def _on_sync_end(self, cursor: int, last_seen: Any = None) -> None:
        """The cursor, in this turn; going live (:meth:`_go_live`) in the next one.

        Until then ``_live`` stays False: an edit made in between goes to the
        outbox, unsent, and is sent with the whole outbox, in order."""
        self._store_cursor(cursor)
        self._fb.sync_ended(last_seen)  # committed with the cursor
        self._commit()
        run, self._run = self._run, None
        self._going_live = (cursor, run)

    def _go_live(self, cursor: int, run: _SyncRun | None) -> None:
        self._going_live = None
        self._live = True
        self.replica.indexer.resume()
        self._set(state=ConnState.ONLINE, error=None, done=run.total if run else 0)
        if run is not None:
            seconds = time.perf_counter() - run.started
            self.replica.emit(SyncCompleted(run.new, run.changed, run.removed, seconds, cursor))
        # Everything unconfirmed again, in order: CRDT updates are idempotent.
        for row in self.replica.store.outbox_rows():
            self._inflight.append((row.id, row.doc_id))
            self._send(ysync.wrap(row.doc_id, ysync.sync_update(row.data)))
        for doc_id in self._repairs:
            self._ask_full_state(doc_id)
        for doc_id in {*self.replica.open_docs.ids(), *self.replica.published_docs.ids()}:
            self._send_json(type="open", doc=doc_id)
        self._fb.go_live()  # unanswered flag/comment/note/watch/read requests, in order

    def _store_cursor(self, cursor: int) -> None:
        # Same transaction as the data received before it (the next commit).
        self.replica.set_setting("cursor", cursor)
        self._pending_cursor = cursor

    def _settle(self, doc_id: str | None, *, keep: bool = False) -> None:
        """One reply to an update frame: the oldest row in flight is answered.

        Replies come in send order, so the oldest row is always the one, and
        it is for the document the reply names. If it is not, replies went
        missing (the server should never do that): those rows are left in the
        outbox, to be sent again after the next sync, instead of being taken
        for confirmed.
        """
        while self._inflight:
            row_id, row_doc = self._inflight.popleft()
            if doc_id is None or row_doc == doc_id:
                if not keep:
                    self.replica.drop_outbox_row(row_id)
                return
            log.warning("no reply for an update of '%s'; it stays in the outbox", row_doc)
            self._set(error="the server did not confirm a change; it will be sent again")
        log.warning("a reply to an update this socket did not send")

    # -- status, commits, sending --------------------------------------------------

    def _set(self, **changes: Any) -> None:
        old, self._status = self._status, replace(self._status, **changes)
        if (old.state, old.error) != (self._status.state, self._status.error):
            # Every transition is told; progress counts are coalesced per turn.
            self._told = self._status
            self.replica.emit(StatusChanged(self._status))

    def _publish_progress(self) -> None:
        if self._run is not None:
            self._status = replace(self._status, done=len(self._run.seen))
        if self._told != self._status:
            self._told = self._status
            self.replica.emit(StatusChanged(self._status))

    def _commit(self, *, wait: bool = True) -> list[int]:
        self._fb.before_commit()
        outbox_changed = self.replica.outbox_changing
        added = self.replica.commit(wait=wait)
        if self._pending_cursor is not None:
            self._cursor, self._pending_cursor = self._pending_cursor, None
        if outbox_changed:
            self._status = replace(self._status, unconfirmed=self.replica.store.outbox_count())
            if self._told != self._status:
                self._told = self._status
                self.replica.notify_now(StatusChanged(self._status))
        return added

    def _send(self, frame: str | bytes) -> None:
        if self._conn is not None:
            self._conn.send(self._session, frame)

    def _send_json(self, **msg: Any) -> None:
        if self._conn is not None:
            self._conn.send_json(self._session, **msg)


def _is_sync_end(event: ev.NetEvent) -> bool:
    return isinstance(event, ev.Control) and event.msg.get("type") == "sync_end"


def _now() -> str:
    return datetime.now(UTC).isoformat()


__all__ = [
    "EngineEvent",
    "InvalidRequest",
    "NoSuchDocument",
    "NoSuchRecord",
    "NotAllowed",
    "NotOnline",
    "NotSignedIn",
    "ProfileMismatch",
    "SyncEngine",
]
