"""The event-loop side of must-reads and broadcasts (docs/attention.md).

- the client messages: require_reading, acknowledge, opened, coverage, must_reads,
  broadcast, end_broadcast, broadcasts, broadcast_seen;
- a delivery observer on the hub: the first time a must-read or a broadcast
  reaches one of a user's open windows is written down (coverage's "has not
  received it", a broadcast's "seen by"), and an acknowledgement tells the
  supervisors watching that must-read's coverage to look again;
- the periodic check: reminders to those who have not acknowledged, and the
  supervisor told when a must-read is overdue.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kmserver import policy
from kmserver.attention import coverage, ops
from kmserver.feedback.context import RecordJob
from kmserver.protocol import audience
from kmserver.protocol import feedback as fb
from kmserver.protocol import messages as m
from kmserver.protocol.codec import ProtocolError
from kmserver.protocol.messages import ErrorCode
from kmserver.publishing import review_dates
from kmserver.replies import ref, reply_error, reply_saved

if TYPE_CHECKING:
    from kmserver.session_api import ServerAPI

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
MAX_NOTED = 200_000  # (kind, id, user) remembered as noted; past this the memory starts over


class Attention:
    def __init__(self, server: ServerAPI, clock: Clock) -> None:
        self.server = server
        self.clock = clock
        self._handlers: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
            name: getattr(self, f"_on_{name}") for name in m.ATTENTION_MESSAGES
        }
        self._noted: set[tuple[str, str, str]] = set()
        self._to_note: list[tuple[str, str, str]] = []
        self._flush_soon = False
        self._watchers: defaultdict[str, set[Any]] = defaultdict(set)  # must-read id -> sessions

    def attach(self) -> None:
        """Once the hub exists: watch what it delivers."""
        self.server.hub.delivery_observers.append(self._on_delivery)

    async def handle(self, session: Any, msg: dict[str, Any]) -> None:
        try:
            await self._handlers[msg["type"]](session, msg)
        except ProtocolError as exc:
            reply_error(session, msg, ErrorCode.BAD_MESSAGE, str(exc))

    async def _run(self, session: Any, msg: dict[str, Any], kind: str, op: Callable, *args: Any):  # type: ignore[no-untyped-def]
        job = await self.server.writer.submit(
            RecordJob(origin=session, op=op, args=args, now=self.clock())
        )
        if job.error is not None:
            reply_error(session, msg, job.error.code, job.error.message)
        else:
            reply_saved(session, msg, kind, dict(job.result or {}))

    # -- must-reads ---------------------------------------------------------------------

    async def _on_require_reading(self, session: Any, msg: dict[str, Any]) -> None:
        request_id = fb.record_id(msg["id"])
        ask = parse_ask(msg)
        await self._run(
            session, msg, "require_reading", ops.require_reading, session.account, request_id,
            msg["doc"], msg.get("rev"), ask,
        )  # fmt: skip

    async def _on_acknowledge(self, session: Any, msg: dict[str, Any]) -> None:
        await self._run(
            session,
            msg,
            "acknowledge",
            ops.acknowledge,
            session.account,
            msg["doc"],
            msg["rev"],
            False,
        )

    async def _on_opened(self, session: Any, msg: dict[str, Any]) -> None:
        await self._run(
            session, msg, "opened", ops.acknowledge, session.account, msg["doc"], msg["rev"], True
        )

    async def _on_coverage(self, session: Any, msg: dict[str, Any]) -> None:
        """Supervisors: who has acknowledged a must-read, opened it, not opened it, not
        even received it; by role and topic; with ``live`` the session is told
        (``coverage_changed``) each time someone acknowledges."""
        if not policy.can_see_coverage(session.account):
            reply_error(session, msg, ErrorCode.FORBIDDEN, "coverage is for supervisors")
            return
        meta = self.server.hub.readable(session.account, msg["doc"])
        if meta is None:
            reply_error(session, msg, ErrorCode.NOT_FOUND, f"no document '{msg['doc']}'")
            return
        facts = await self.server.read(coverage.facts, msg["doc"], msg.get("rev"))
        if facts is None:
            reply_error(session, msg, ErrorCode.NOT_FOUND, "no must-read of that document")
            return
        live = set(self.server.hub.sessions_of)
        report = coverage.report(facts, meta, live)
        if msg.get("live"):
            self._watchers[report["id"]].add(session)
        session.send(m.encode("coverage", **report, **ref(msg)))

    async def _on_must_reads(self, session: Any, msg: dict[str, Any]) -> None:
        """Supervisors: every must-read, newest first, with its counts."""
        if not policy.can_see_coverage(session.account):
            reply_error(session, msg, ErrorCode.FORBIDDEN, "the must-read list is for supervisors")
            return
        hub = self.server.hub
        items = []
        for facts in await self.server.read(coverage.all_facts):
            meta = hub.catalog.get(facts.must.doc_id)
            if meta is not None and policy.can_read(session.account, meta):
                report = coverage.report(facts, meta, set(hub.sessions_of))
                items.append({k: v for k, v in report.items() if k != "users"})
        session.send(m.encode("must_reads", items=items, **ref(msg)))

    # -- broadcasts ---------------------------------------------------------------------

    async def _on_broadcast(self, session: Any, msg: dict[str, Any]) -> None:
        broadcast_id = fb.record_id(msg["id"])
        await self._run(
            session, msg, "broadcast", ops.send_broadcast, session.account, broadcast_id,
            msg["text"], msg.get("severity", "info"), audience.parse(msg["for"]),
            msg["expires"], msg.get("link"),
        )  # fmt: skip

    async def _on_end_broadcast(self, session: Any, msg: dict[str, Any]) -> None:
        broadcast_id = fb.record_id(msg["id"])
        await self._run(session, msg, "broadcast", ops.end_broadcast, session.account, broadcast_id)

    async def _on_broadcasts(self, session: Any, msg: dict[str, Any]) -> None:
        """Supervisors: active and past broadcasts, with how many have seen each."""
        if not policy.can_see_coverage(session.account):
            reply_error(session, msg, ErrorCode.FORBIDDEN, "the broadcast list is for supervisors")
            return
        items = await self.server.read(coverage.broadcasts)
        session.send(m.encode("broadcasts", items=items, **ref(msg)))

    async def _on_broadcast_seen(self, session: Any, msg: dict[str, Any]) -> None:
        if not policy.can_see_coverage(session.account):
            reply_error(session, msg, ErrorCode.FORBIDDEN, "who has seen it is for supervisors")
            return
        broadcast_id = fb.record_id(msg["id"])
        seen = await self.server.read(coverage.broadcast_seen, broadcast_id)
        if seen is None:
            reply_error(session, msg, ErrorCode.NOT_FOUND, f"no broadcast {broadcast_id}")
            return
        session.send(m.encode("broadcast_seen", id=broadcast_id, users=seen, **ref(msg)))

    async def resend(self, session: Any) -> None:
        """The user's role or topics changed: must-reads and active broadcasts whose
        audience now admits them (the client keeps the newest of each, so a repeat is
        harmless)."""
        pairs = await self.server.read(coverage.standing_records, self.clock())
        hub = self.server.hub
        for seq, envelope in pairs:
            meta = hub.catalog.get(envelope["doc"]) if envelope.get("doc") else None
            if policy.may_receive(session.account, envelope, meta):
                session.deliver(fb.record_frame(envelope, seq))
                hub.observe_delivery(envelope, seq, [session])

    # -- what the hub delivers ----------------------------------------------------------

    def _on_delivery(self, envelope: dict[str, Any], _seq: int, sessions: list[Any]) -> None:
        kind = envelope["kind"]
        if kind in ("must_read", "broadcast"):
            for session in sessions:
                key = (kind, envelope["id"], session.account.name)
                if key not in self._noted:
                    self._noted.add(key)
                    self._to_note.append(key)
            if self._to_note and not self._flush_soon:  # one job for a whole batch
                self._flush_soon = True
                asyncio.get_running_loop().call_soon(self._flush_noted)
        elif kind == "ack":
            for watcher in list(self._watchers.get(envelope["id"], ())):
                if watcher in self.server.hub.sessions:
                    watcher.deliver(m.encode("coverage_changed", id=envelope["id"]))
                else:
                    self._watchers[envelope["id"]].discard(watcher)

    def _flush_noted(self) -> None:
        self._flush_soon = False
        pairs, self._to_note = self._to_note, []
        if not pairs:
            return
        if len(self._noted) > MAX_NOTED:
            self._noted = set(pairs)
        job = RecordJob(op=ops.note_received, args=(pairs,), now=self.clock())
        future = self.server.writer.submit(job)
        future.add_done_callback(_log_failure)

    # -- the periodic check -------------------------------------------------------------

    async def tick(self) -> None:
        now = self.clock()
        due = await self.server.read(coverage.due_work, now)
        if due.reminders or due.overdue:
            job = await self.server.writer.submit(
                RecordJob(op=ops.remind_and_escalate, args=(due.reminders, due.overdue), now=now)
            )
            if job.error is not None:
                log.warning("must-read reminders not sent: %s", job.error.message)


def parse_ask(fields: dict[str, Any]) -> ops.MustReadAsk:
    """A must-read's ``for``, ``due``, ``remind_every`` and ``note`` from a
    ``require_reading`` message or a ``publish`` message's ``must_read`` object."""
    terms = fields.get("for")
    if not isinstance(terms, list):
        raise ProtocolError('\'for\' is a list of audience terms, e.g. ["rep", "topic:parking"]')
    every = fields.get("remind_every")
    if every is not None and (not isinstance(every, int) or isinstance(every, bool)):
        raise ProtocolError("'remind_every' is a number of seconds")
    note = fields.get("note", "")
    if not isinstance(note, str) or len(note) > m.MAX_NOTE:
        raise ProtocolError(f"'note' is text of at most {m.MAX_NOTE} characters")
    due = fields.get("due")
    if due is not None and not isinstance(due, str):
        raise ProtocolError("'due' must be an ISO 8601 date and time")
    return ops.MustReadAsk(audience.parse(terms), parse_due(due), every, note.strip())


def parse_due(value: str | None) -> datetime | None:
    if value is None:
        return None
    due = review_dates.parse_time(value)
    if due is None:
        raise ProtocolError("'due' must be an ISO 8601 date and time, e.g. 2026-12-01T12:00")
    return due


def _log_failure(future: asyncio.Future) -> None:
    if future.cancelled():
        return
    exc = future.exception()
    if exc is not None:
        log.warning("could not note who received a must-read or broadcast: %s", exc)
