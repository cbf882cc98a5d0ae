"""The engine's side of flags, comments, private notes, watches and notifications.

Owner thread only, driven by :class:`~kmclient.core.sync_engine.SyncEngine`
(which hands it ``record``, ``saved``, ``error`` and ``flag_report`` frames
and tells it when a sync ends or the socket goes) and by the public calls
of :class:`~kmclient.core.feedback_api.FeedbackApi`.

- **Records in.** A ``record`` frame is kept if its ``seq`` is at least the
  one held (memory decides, the SQL upsert enforces), buffered in the turn's
  batch and committed with the cursor that covers it. A document's records
  leave with the document.
- **Requests out.** Stored in the ``requests`` table (committed, FULL sync)
  before they are sent; sent at once when live, all again in order after each
  ``sync_end``; each carries ``ref = "rq-<row id>"`` and is removed on its
  ``saved``, or on an error other than ``internal`` (then ``RequestFailed``).
  Until then it is laid over the records (``feedback_requests.overlay``).
- **Memory.** Only what must be cheap: the seq of every record held, open
  flags by document (search results and the reading view ask per document),
  unread notification ids, ids ever announced, and the pending requests.
  Everything else is read from the profile when asked.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from kmclient.core import records_db
from kmclient.core.attention_model import MustRead
from kmclient.core.feedback_model import (
    OPEN_STATES,
    Flag,
    FlagReport,
    FlagReportRow,
    Notification,
    build_report,
    parse_time,
)
from kmclient.core.feedback_requests import KIND_OF, Draft, check, overlay
from kmclient.core.model import (
    FlagReportReceived,
    MustReadArrived,
    NotificationArrived,
    QuietModeEnded,
    RecordsChanged,
    RequestFailed,
    UserProfile,
)
from kmclient.core.records_db import RecordRow, RequestRow
from kmclient.core.replica import Replica
from kmserver.protocol import audience
from kmserver.protocol.feedback import RECORD_KINDS

log = logging.getLogger(__name__)

RECORDS_SYNCED = "records_synced"  # setting: this profile has asked for every record once
LAST_SEEN = "last_seen"  # setting: sync_end.last_seen of the first sync of the last run
REPORT_ROLES = ("supervisor", "admin")


def now_iso() -> str:
    return datetime.now(UTC).isoformat()


class Feedback:
    def __init__(
        self,
        replica: Replica,
        send_json: Callable[..., None],
        user: Callable[[], UserProfile | None],
    ) -> None:
        self.replica = replica
        self._db = replica.store.engine
        self._send_json = send_json
        self._user = user
        self._live = False
        self._first_sync_done = False  # in this run: later notifications pop up
        self._records_synced = bool(replica.store.get_setting(RECORDS_SYNCED))
        self._last_seen: dict[str, Any] | None = replica.store.get_setting(LAST_SEEN)
        self._seqs = records_db.load_seqs(self._db)
        self._announced = records_db.load_announced(self._db)
        self._unread = records_db.load_unread(self._db)
        self._open: dict[str, dict[str, Flag]] = {}
        for row in records_db.load_open_flags(self._db):
            self._index_flag(row)
        self._pending: list[RequestRow] = records_db.load_requests(self._db)
        self._next_id = max((r.id for r in self._pending), default=0) + 1
        self._inflight: dict[str, int] = {}  # ref -> request row id, on this socket
        self._sent: set[int] = set()  # row ids sent on this socket
        self._quiet = False
        self._held: list[Notification] = []
        self._held_must_reads: list[MustRead] = []
        self._changed: set[tuple[str, str | None]] = set()
        self._flag_version = 0  # moves with every change of a flag (held or pending)
        self._report: tuple[int, str | None, FlagReport] | None = None
        self._report_ask: tuple[str, str | None] | None = None  # (ref, state) in flight
        self._report_refs = 0
        replica.on_remove(self._doc_removed)

    # -- the sync engine's hooks ---------------------------------------------------

    def sync_fields(self) -> dict[str, Any]:
        """Extra fields of the ``sync`` message: every record once for a profile
        that has not asked yet (new, or written by a version that ignored records)."""
        return {} if self._records_synced else {"records_from": 0}

    def sync_ended(self, last_seen: Any) -> None:
        """Before the commit that stores the sync's cursor (same transaction)."""
        if not self._records_synced:
            self._records_synced = True
            self.replica.set_setting(RECORDS_SYNCED, True)
        if not self._first_sync_done:
            self._last_seen = last_seen if isinstance(last_seen, dict) else None
            self.replica.set_setting(LAST_SEEN, self._last_seen)

    def go_live(self) -> None:
        """After that commit: send every unanswered request again, in order."""
        self._first_sync_done = True
        self._live = True
        self.flush()

    def socket_gone(self) -> None:
        self._live = False
        self._inflight.clear()
        self._sent.clear()
        self._report_ask = None

    def before_commit(self) -> None:
        """Tell listeners (after the commit) what changed in this turn."""
        if self._changed:
            kinds = frozenset(k for k, _ in self._changed)
            docs = frozenset(d for _, d in self._changed)
            self._changed = set()
            self.replica.emit(RecordsChanged(kinds, docs))

    def on_record(self, msg: dict[str, Any]) -> None:
        row = RecordRow.from_wire(msg)
        if row.kind not in RECORD_KINDS:
            return
        if row.doc_id is not None and row.doc_id not in self.replica.docs:
            log.debug("a record of a document not held: %s %s", row.kind, row.doc_id)
            return
        held = self._seqs.get(row.key)
        if held is not None and row.seq < held:
            return  # an older state never replaces a newer one
        self._seqs[row.key] = row.seq
        self.replica.put_record(row)
        self._touch(row.kind, row.doc_id)
        if row.kind == "flag":
            self._index_flag(row)
        elif row.kind == "notification":
            self._notification(row)
        elif row.kind == "must_read":
            self._must_read(row)

    def on_saved(self, msg: dict[str, Any]) -> bool:
        row_id = self._inflight.pop(msg.get("ref"), None)  # type: ignore[arg-type]
        if row_id is None:
            return False
        self._settle(row_id)
        return True

    def on_error(self, msg: dict[str, Any]) -> bool:
        """An error answering one of our requests (True), or someone else's."""
        ref = msg.get("ref")
        if self._report_ask is not None and ref == self._report_ask[0]:
            self._report_ask = None
            return True
        row_id = self._inflight.pop(ref, None)  # type: ignore[arg-type]
        if row_id is None:
            return False
        code = str(msg.get("code") or "error")
        # the server failed or was busy, not the request: again after the next sync
        if code in ("internal", "rate_limited"):
            log.warning("the server could not save a request (%s); will retry", msg)
            return True
        row = self._settle(row_id)
        if row is not None:
            text = str(msg.get("message") or code)
            self.replica.emit(RequestFailed(row.type, row.record_id, code, text, row.doc_id))
        return True

    def on_report(self, msg: dict[str, Any]) -> None:
        if self._report_ask is None or msg.get("ref") != self._report_ask[0]:
            return
        state = self._report_ask[1]
        self._report_ask = None
        rows = []
        for item in msg.get("flags") or ():
            flag = Flag.from_record(item["id"], item["doc"], item["seq"], item["data"], False)
            rows.append(
                FlagReportRow(flag, item.get("time_to_acknowledge"), item.get("time_to_resolve"))
            )
        summary = msg.get("summary") or {}
        report = FlagReport(
            tuple(rows),
            dict(summary.get("counts") or {}),
            summary.get("median_time_to_resolve"),
            "server",
        )
        self._report = (self._flag_version, state, report)
        self.replica.emit(FlagReportReceived(report))

    # -- requests ------------------------------------------------------------------

    def queue(self, kind: str, record_id: str | None, doc_id: str | None, body: dict) -> None:
        """Check and buffer a request; the caller commits, then calls flush()."""
        check(kind, body)
        row = RequestRow(self._next_id, kind, record_id, doc_id, body, now_iso())
        self._next_id += 1
        self._pending.append(row)
        self.replica.queue_request(row)
        self._touch(KIND_OF[kind], doc_id)

    def flush(self) -> None:
        """Send what is stored and not yet sent on this socket (when live)."""
        if not self._live:
            return
        for row in self._pending:
            if row.id not in self._sent:
                self._sent.add(row.id)
                ref = f"rq-{row.id}"
                self._inflight[ref] = row.id
                self._send_json(type=row.type, ref=ref, **row.body)

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    def pending_of(self, doc_id: str) -> list[RequestRow]:
        return [r for r in self._pending if r.doc_id == doc_id]

    def _settle(self, row_id: int) -> RequestRow | None:
        for i, row in enumerate(self._pending):
            if row.id == row_id:
                del self._pending[i]
                self.replica.drop_request(row_id)
                self._touch(KIND_OF[row.type], row.doc_id)
                return row
        return None

    # -- what is held, with pending requests laid over it -----------------------------

    def view(
        self,
        kind: str,
        doc_id: str | None = None,
        *,
        ids: Iterable[str] | None = None,
        seq_above: int | None = None,
    ) -> list[Draft]:
        wanted = None if ids is None else set(ids)
        drafts = {
            r.id: Draft.of(r)
            for r in records_db.load_records(
                self._db, kind, doc_id, ids=wanted, seq_above=seq_above
            )
        }
        for row in self.replica.pending_records().values():  # this turn's, not committed yet
            if (
                row.kind == kind
                and (doc_id is None or row.doc_id == doc_id)
                and (wanted is None or row.id in wanted)
                and (seq_above is None or row.seq > seq_above)
                and (row.id not in drafts or drafts[row.id].seq <= row.seq)
            ):
                drafts[row.id] = Draft.of(row)
        me = self._me()
        for req in self._pending:
            if KIND_OF[req.type] != kind or (doc_id is not None and req.doc_id != doc_id):
                continue
            if wanted is not None and req.record_id not in wanted and req.type != "read":
                continue
            if seq_above is not None and req.type in ("flag", "comment", "note", "watch"):
                continue  # made here: not "since you last signed in"
            overlay(drafts, req, me)
        docs = self.replica.docs
        return [
            d
            for d in sorted(drafts.values(), key=lambda d: (d.seq == 0, d.seq, d.order))
            if d.doc_id is None or d.doc_id in docs
        ]

    def open_flags(self, doc_id: str) -> list[Flag]:
        """Open or acknowledged flags of a document (cheap: from memory when nothing
        about them is pending)."""
        if doc_id not in self.replica.docs:
            return []
        if not any(KIND_OF[r.type] == "flag" and r.doc_id == doc_id for r in self._pending):
            return list(self._open.get(doc_id, {}).values())
        flags = [_flag(d) for d in self.view("flag", doc_id) if not d.deleted]
        return [f for f in flags if f.is_open]

    def open_flag_docs(self) -> set[str]:
        docs = {d for d, flags in self._open.items() if flags}
        docs.update(r.doc_id for r in self._pending if KIND_OF[r.type] == "flag" and r.doc_id)
        return docs

    def unread_ids(self) -> set[str]:
        unread = set(self._unread)
        for req in self._pending:
            if req.type == "read":
                for nid in req.body["ids"]:
                    if req.body.get("read", True):
                        unread.discard(nid)
                    elif ("notification", nid) in self._seqs:
                        unread.add(nid)
        return unread

    def holds(self, kind: str, record_id: str) -> bool:
        return (kind, record_id) in self._seqs

    @property
    def flag_version(self) -> int:
        return self._flag_version

    @property
    def last_seen(self) -> dict[str, Any] | None:
        return self._last_seen

    # -- flag report ---------------------------------------------------------------------

    def flag_report(self, state: str | None) -> FlagReport:
        if self._report is not None:
            version, asked, report = self._report
            if version == self._flag_version and asked == state:
                return report
        flags = [_flag(d) for d in self.view("flag") if not d.deleted]
        local = build_report([f for f in flags if state is None or f.state == state])
        if self._live and self._report_ask is None:
            self._report_refs += 1
            ref = f"report-{self._report_refs}"
            self._report_ask = (ref, state)
            self._send_json(type="flag_report", ref=ref, **({"state": state} if state else {}))
        return local

    # -- quiet mode ----------------------------------------------------------------------

    @property
    def quiet(self) -> bool:
        return self._quiet

    def set_quiet(self, quiet: bool) -> None:
        if quiet == self._quiet:
            return
        self._quiet = quiet
        if not quiet:
            unread = self.unread_ids()
            held = tuple(n for n in self._held if n.id in unread)
            acked = {d.id for d in self.view("ack") if d.data.get("acked_at")}
            musts = tuple(m for m in self._held_must_reads if m.id not in acked)
            self._held, self._held_must_reads = [], []
            self.replica.notify_now(QuietModeEnded(held, musts))

    # -- internals ---------------------------------------------------------------------

    def _me(self) -> str:
        user = self._user()
        return user.name if user else ""

    def touch(self, kind: str, doc_id: str | None) -> None:
        """Something local changed what the queries of ``kind`` return (e.g. a hidden
        broadcast): RecordsChanged names it after the next commit."""
        self._touch(kind, doc_id)

    def _touch(self, kind: str, doc_id: str | None) -> None:
        self._changed.add((kind, doc_id))
        if kind == "flag":
            self._flag_version += 1

    def _index_flag(self, row: RecordRow) -> None:
        if row.doc_id is None:
            return
        flags = self._open.setdefault(row.doc_id, {})
        if not row.deleted and row.data.get("state") in OPEN_STATES:
            flags[row.id] = Flag.from_record(row.id, row.doc_id, row.seq, row.data, False)
        else:
            flags.pop(row.id, None)
            if not flags:
                del self._open[row.doc_id]

    def _notification(self, row: RecordRow) -> None:
        read = bool(row.data.get("read"))
        if read:
            self._unread.pop(row.id, None)
        else:
            self._unread[row.id] = row.doc_id
        if row.id in self._announced:
            return  # an update of one already told (e.g. an edit count completed)
        self._announced.add(row.id)
        self.replica.mark_announced(row.id)
        note = Notification.from_record(row.id, row.doc_id, row.seq, row.data, False)
        popup = self._first_sync_done and not read
        if popup and self._quiet:
            self._held.append(note)
            popup = False
        self.replica.emit(NotificationArrived(note, popup))

    def _must_read(self, row: RecordRow) -> None:
        key = f"must_read:{row.id}"  # told once per revision, ever (like notifications)
        info = self.replica.docs.get(row.doc_id or "")
        user = self._user()
        terms = row.data.get("audience") or ()
        if key in self._announced or info is None or row.deleted:
            return
        if user is not None and terms and not audience.admits(user, terms):
            return
        self._announced.add(key)
        self.replica.mark_announced(key)
        acks = self.view("ack", row.doc_id, ids=[row.id])
        ack = acks[0] if acks else None
        title = info.published.title if info.published else info.title
        must = MustRead.from_records(
            info.id, title, row.data, ack.data if ack else None, bool(ack and ack.pending)
        )
        popup = self._first_sync_done and not must.acknowledged
        if popup and self._quiet:
            self._held_must_reads.append(must)
            popup = False
        self.replica.emit(MustReadArrived(must, popup))

    def _doc_removed(self, doc_id: str) -> None:
        keys = records_db.keys_of_doc(self._db, doc_id)
        keys += [k for k, r in self.replica.pending_records().items() if r.doc_id == doc_id]
        kinds = set()
        for key in keys:
            self._seqs.pop(key, None)
            kinds.add(key[0])
        self._open.pop(doc_id, None)
        self._unread = {i: d for i, d in self._unread.items() if d != doc_id}
        for kind in kinds or ("flag",):
            self._touch(kind, doc_id)


def _flag(draft: Draft) -> Flag:
    return Flag.from_record(draft.id, draft.doc_id or "", draft.seq, draft.data, draft.pending)


def parse_last_seen(value: dict[str, Any] | None) -> tuple[int | None, datetime | None]:
    if not isinstance(value, dict):
        return None, None
    seq = value.get("seq")
    return (int(seq) if isinstance(seq, int) else None), parse_time(value.get("at"))
