"""The event-loop side of flags, comments, notes, watches and notifications.

- handles the client messages (``ws_session`` dispatches them here), checks
  their fields, runs the change on the writer and answers ``saved`` only
  after the commit (the ``record`` frames went out before, from the tail);
- sends a session the records of its view during sync, and those of a
  document that has just become visible;
- follows the log tail to see bursts of editing begin and end, and runs the
  periodic check (edit digests, flag escalation) on an injectable clock.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import statistics
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from kmserver import policy
from kmserver.feedback import comments, flags, notify
from kmserver.feedback.context import RecordJob
from kmserver.feedback.digest import Burst, Bursts
from kmserver.protocol import feedback as fb
from kmserver.protocol import messages as m
from kmserver.protocol.codec import ProtocolError
from kmserver.protocol.messages import ErrorCode
from kmserver.replies import ref, reply_error, reply_saved
from kmserver.store import documents as docs
from kmserver.store import records
from kmserver.store.models import LOG_UPDATE
from kmserver.writer import TailBatch

if TYPE_CHECKING:
    from kmserver.session_api import ServerAPI

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
SEND_CHUNK = 500  # record frames between waits for the socket to drain


def utc_now() -> datetime:
    return datetime.now(UTC)


class Feedback:
    def __init__(
        self,
        server: ServerAPI,
        *,
        clock: Clock | None = None,
        escalate_after: float = 4 * 3600,
        digest_after: float = 120,
        tick: float = 5,
    ) -> None:
        self.server = server
        self.clock = clock or utc_now
        self.escalate_after = timedelta(seconds=escalate_after)
        self.bursts = Bursts(digest_after)
        self.tick_seconds = tick
        self._tick_lock = asyncio.Lock()
        self._loop_task: asyncio.Task | None = None
        self._handlers: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
            name: getattr(self, f"_on_{name}") for name in m.FEEDBACK_MESSAGES
        }

    # -- life cycle -------------------------------------------------------------

    async def start(self) -> None:
        state, entries = await self.server.read(notify.undigested)
        if state is None:
            upto = await self.server.read(docs.max_seq)
            await self._run(notify.init_digest_state, upto)
            self.bursts.observed = upto
        else:
            self.bursts.restore(state, entries)
        self._loop_task = asyncio.get_running_loop().create_task(self._every_tick())

    async def stop(self) -> None:
        if self._loop_task is not None:
            self._loop_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._loop_task

    async def _every_tick(self) -> None:
        while True:
            await asyncio.sleep(self.tick_seconds)
            try:
                await self.tick()
            except Exception:
                log.exception("feedback check failed; will retry")

    async def tick(self) -> None:
        """Tell the bursts of editing that have ended; escalate flags left waiting; tell
        owners of documents whose review date has passed."""
        async with self._tick_lock:
            now = self.clock()
            ended = self.bursts.pop_due(now)
            if ended:
                try:
                    await self._run(notify.tell_edits, [], ended, self.bursts.state())
                except Exception:
                    for burst in ended:  # told next time (ids are stable: never twice)
                        self.bursts.open.setdefault((burst.doc_id, burst.author), burst)
                    raise
            cutoff = now - self.escalate_after
            due = await self.server.read(flags.escalation_candidates, cutoff)
            if due:
                await self._run(flags.escalate, due, cutoff)
            await self.server.publishing.tick()  # review dates passed
            await self.server.attention.tick()  # must-read reminders, overdue must-reads

    def observe(self, batch: TailBatch) -> None:
        """Called with every committed batch, after the hub delivered it."""
        started: list[Burst] = []
        now = self.clock()
        for entry in batch.entries:
            if entry.kind == LOG_UPDATE and entry.author:
                burst = self.bursts.observe(entry.doc_id, entry.author, entry.seq, now)
                if burst is not None:
                    started.append(dataclasses.replace(burst))
        if started:
            future = self.server.writer.submit(
                RecordJob(op=notify.tell_edits, args=(started, [], None), now=now)
            )
            future.add_done_callback(_log_failure)

    async def _run(self, op: Callable[..., Any], *args: Any) -> Any:
        job = await self.server.writer.submit(RecordJob(op=op, args=args, now=self.clock()))
        if job.error is not None:
            raise RuntimeError(job.error.message)
        return job

    # -- sync ---------------------------------------------------------------------

    def _visible(self, account: Any, envelope: dict[str, Any]) -> bool:
        doc_id = envelope.get("doc")
        meta = self.server.hub.catalog.get(doc_id) if doc_id else None
        return policy.may_receive(account, envelope, meta)

    async def send_sync_records(
        self, session: Any, since: int, upto: int, new_docs: set[str]
    ) -> None:
        """During sync: the records of the view changed in (since, upto] and all
        records of the documents the client does not hold yet. Later ones
        arrive live, so a record is never sent older than the client has it."""
        pairs = await self.server.read(records.changed, session.account.name, since, upto, new_docs)
        sent = 0
        for seq, envelope in pairs:
            if self._visible(session.account, envelope):
                session.send(fb.record_frame(envelope, seq))
                self.server.hub.observe_delivery(envelope, seq, [session])
                sent += 1
                if sent % SEND_CHUNK == 0:
                    await session.wait_drained()

    async def last_seen(self, account: Any) -> dict | None:
        return await self.server.read(notify.last_seen, account.name)

    def session_ended(self, session: Any) -> None:
        """Remember where the user left off, for 'what changed since you last signed in'."""
        job = RecordJob(
            op=notify.note_seen,
            args=(session.account.name, self.server.hub.covered),
            now=self.clock(),
        )
        self.server.writer.submit(job).add_done_callback(_log_failure)

    # -- client messages ----------------------------------------------------------------

    async def handle(self, session: Any, msg: dict[str, Any]) -> None:
        try:
            await self._handlers[msg["type"]](session, msg)
        except ProtocolError as exc:
            reply_error(session, msg, ErrorCode.BAD_MESSAGE, str(exc))

    async def _submit(
        self,
        session: Any,
        msg: dict[str, Any],
        kind: str,
        rid: str | None,
        op: Callable[..., int | None],
        *args: Any,
    ) -> None:
        job = await self.server.writer.submit(
            RecordJob(origin=session, op=op, args=(session.account, *args), now=self.clock())
        )
        if job.error is not None:
            reply_error(session, msg, job.error.code, job.error.message)
            return
        fields = dict(job.result or {})
        if rid is not None:
            fields.setdefault("id", rid)
        reply_saved(session, msg, kind, fields)

    async def _on_flag(self, session: Any, msg: dict[str, Any]) -> None:
        flag_id = fb.record_id(msg["id"])
        _one_of("reason", msg["reason"], fb.FLAG_REASONS)
        urgency = msg.get("urgency", "normal")
        _one_of("urgency", urgency, fb.URGENCIES)
        anchor = fb.validate_anchor(msg.get("anchor"))
        await self._submit(
            session,
            msg,
            "flag",
            flag_id,
            flags.raise_flag,
            flag_id,
            msg["doc"],
            msg["reason"],
            msg.get("note", ""),
            urgency,
            anchor,
        )

    async def _on_flag_state(self, session: Any, msg: dict[str, Any]) -> None:
        flag_id = fb.record_id(msg["id"])
        _one_of("state", msg["state"], fb.FLAG_STATES)
        _one_of("expect", msg["expect"], fb.FLAG_STATES)
        note = msg.get("note")
        if msg["state"] in fb.CLOSED_STATES and not (note or "").strip():
            raise ProtocolError(f"a {msg['state']} flag needs a note (the resolution or reason)")
        await self._submit(
            session,
            msg,
            "flag",
            flag_id,
            flags.change_state,
            flag_id,
            msg["state"],
            msg["expect"],
            note,
        )

    async def _on_comment(self, session: Any, msg: dict[str, Any]) -> None:
        comment_id = fb.record_id(msg["id"])
        parent = fb.record_id(msg["parent"]) if "parent" in msg else None
        if not msg["body"].strip():
            raise ProtocolError("a comment needs some text")
        anchor = fb.validate_anchor(msg.get("anchor"))
        await self._submit(
            session,
            msg,
            "comment",
            comment_id,
            comments.add_comment,
            comment_id,
            msg["doc"],
            msg["body"],
            parent,
            anchor,
        )

    async def _on_comment_state(self, session: Any, msg: dict[str, Any]) -> None:
        comment_id = fb.record_id(msg["id"])
        await self._submit(
            session, msg, "comment", comment_id, comments.set_resolved, comment_id, msg["resolved"]
        )

    async def _on_note(self, session: Any, msg: dict[str, Any]) -> None:
        note_id = fb.record_id(msg["id"])
        anchor = fb.validate_anchor(msg.get("anchor"))
        await self._submit(
            session,
            msg,
            "note",
            note_id,
            comments.add_note,
            note_id,
            msg["doc"],
            msg["body"],
            anchor,
        )

    async def _on_note_edit(self, session: Any, msg: dict[str, Any]) -> None:
        note_id = fb.record_id(msg["id"])
        anchor = fb.validate_anchor(msg.get("anchor"))
        await self._submit(
            session,
            msg,
            "note",
            note_id,
            comments.edit_note,
            note_id,
            msg["body"],
            anchor,
            "anchor" in msg,
        )

    async def _on_note_delete(self, session: Any, msg: dict[str, Any]) -> None:
        note_id = fb.record_id(msg["id"])
        await self._submit(session, msg, "note", note_id, comments.delete_note, note_id)

    async def _on_watch(self, session: Any, msg: dict[str, Any]) -> None:
        if ("doc" in msg) == ("topic" in msg):
            raise ProtocolError("'watch' needs either 'doc' or 'topic'")
        _one_of("level", msg["level"], (*fb.WATCH_LEVELS, fb.DEFAULT_LEVEL))
        scope = "doc" if "doc" in msg else "topic"
        key = msg[scope]
        if not key.strip():
            raise ProtocolError(f"'{scope}' must not be empty")
        await self._submit(session, msg, "pref", None, notify.set_watch, scope, key, msg["level"])

    async def _on_read(self, session: Any, msg: dict[str, Any]) -> None:
        ids = [fb.record_id(i) for i in msg["ids"]]
        await self._submit(
            session, msg, "notification", None, notify.mark_read, ids, msg.get("read", True)
        )

    async def _on_flag_inbox(self, session: Any, msg: dict[str, Any]) -> None:
        """Unresolved flags on the documents the user owns or edits (and, for
        supervisors, the escalated ones): most urgent first, then oldest."""
        account, hub = session.account, self.server.hub
        pairs = await self.server.read(flags.unresolved)
        mine = []
        for seq, envelope in pairs:
            meta = hub.catalog.get(envelope["doc"])
            escalated = envelope["data"]["escalated_at"] is not None
            if meta is not None and policy.in_flag_inbox(account, meta, escalated):
                mine.append((seq, envelope))
        mine.sort(key=lambda pair: flags.inbox_order(pair[1]))
        flag_list = [fb.record_wire(envelope, seq) for seq, envelope in mine]
        session.send(m.encode("flag_inbox", flags=flag_list, **ref(msg)))

    async def _on_flag_report(self, session: Any, msg: dict[str, Any]) -> None:
        """Supervisors: every flag, with the time each took to acknowledge and resolve."""
        if not policy.can_read_flag_report(session.account):
            reply_error(session, msg, ErrorCode.FORBIDDEN, "the flag report is for supervisors")
            return
        state = msg.get("state")
        if state is not None:
            _one_of("state", state, fb.FLAG_STATES)
        pairs = await self.server.read(flags.all_flags, state)
        items, counts, resolve_times = [], dict.fromkeys(fb.FLAG_STATES, 0), []
        for seq, envelope in pairs:
            data = envelope["data"]
            item = fb.record_wire(envelope, seq)
            item["time_to_acknowledge"] = flags.seconds_between(
                data["created_at"], data["acknowledged_at"]
            )
            item["time_to_resolve"] = flags.seconds_between(data["created_at"], data["closed_at"])
            counts[data["state"]] += 1
            if data["state"] == "resolved" and item["time_to_resolve"] is not None:
                resolve_times.append(item["time_to_resolve"])
            items.append(item)
        summary = {
            "counts": counts,
            "median_time_to_resolve": int(statistics.median(resolve_times))
            if resolve_times
            else None,
        }
        session.send(m.encode("flag_report", flags=items, summary=summary, **ref(msg)))


def _one_of(name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise ProtocolError(f"'{name}' must be one of {', '.join(allowed)}")


def _log_failure(future: asyncio.Future) -> None:
    if future.cancelled():
        return
    exc = future.exception()
    if exc is not None:
        log.warning("feedback bookkeeping not saved: %s", exc)
    elif future.result().error is not None:
        log.warning("feedback bookkeeping refused: %s", future.result().error.message)
