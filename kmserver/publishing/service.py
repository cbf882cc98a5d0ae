"""The event-loop side of publishing: the client messages of docs/protocol.md, section 5.

Changes (publish, submit, review, restore, archive, verify) run on the
writer as record jobs (kmserver/publishing/ops.py) and are answered
``saved`` after the commit, like flags; the ``doc`` frames and CRDT updates
they cause reach every session from the log tail first. Questions (history,
a revision's text, the review queue, overdue documents, the audit trail) are
read from the reader pool or the hub's catalog, checked against the policy
for the asking user.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kmserver import policy
from kmserver.attention.service import parse_ask
from kmserver.feedback.context import RecordJob
from kmserver.protocol import feedback as fb
from kmserver.protocol import messages as m
from kmserver.protocol.codec import ProtocolError
from kmserver.protocol.messages import ErrorCode
from kmserver.publishing import ops, review_dates
from kmserver.replies import ref, reply_error, reply_saved
from kmserver.store import revisions

if TYPE_CHECKING:
    from kmserver.session_api import ServerAPI

Clock = Callable[[], datetime]


class Publishing:
    def __init__(self, server: ServerAPI, clock: Clock) -> None:
        self.server = server
        self.clock = clock
        self._told_due: set[tuple[str, str]] = set()  # (doc, due date) told in this process
        self._handlers: dict[str, Callable[[Any, dict[str, Any]], Any]] = {
            name: getattr(self, f"_on_{name}") for name in m.REVISION_MESSAGES
        }

    async def tick(self) -> None:
        """Part of the periodic check: tell owners of documents whose review date passed."""
        now, hub = self.clock(), self.server.hub
        items = []
        for meta in hub.catalog.values():
            standing = review_dates.standing(meta, now, hub.review_days)
            if standing is not None and standing.overdue:
                key = (meta.id, standing.due.isoformat())
                if key not in self._told_due:
                    items.append(key)
        if not items:
            return
        job = await self.server.writer.submit(
            RecordJob(op=ops.tell_review_due, args=(items,), now=now)
        )
        if job.error is None:
            self._told_due.update(items)

    async def handle(self, session: Any, msg: dict[str, Any]) -> None:
        try:
            await self._handlers[msg["type"]](session, msg)
        except ProtocolError as exc:
            reply_error(session, msg, ErrorCode.BAD_MESSAGE, str(exc))

    async def _change(self, session: Any, msg: dict[str, Any], op: Callable, *args: Any) -> None:
        request_id = fb.record_id(msg["id"])
        job = await self.server.writer.submit(
            RecordJob(
                origin=session,
                op=op,
                args=(session.account, request_id, msg["doc"], *args),
                now=self.clock(),
            )
        )
        if job.error is not None:
            reply_error(session, msg, job.error.code, job.error.message)
        else:
            reply_saved(session, msg, msg["type"], {"id": request_id, **(job.result or {})})

    # -- changes --------------------------------------------------------------------

    async def _on_publish(self, session: Any, msg: dict[str, Any]) -> None:
        ask = parse_ask(msg["must_read"]) if "must_read" in msg else None
        await self._change(session, msg, ops.publish, msg.get("note", "").strip(), ask)

    async def _on_submit(self, session: Any, msg: dict[str, Any]) -> None:
        await self._change(session, msg, ops.submit, msg.get("note", "").strip())

    async def _on_review(self, session: Any, msg: dict[str, Any]) -> None:
        if msg["decision"] not in m.REVIEW_DECISIONS:
            raise ProtocolError(f"'decision' must be one of {', '.join(m.REVIEW_DECISIONS)}")
        note = msg.get("note", "").strip()
        if msg["decision"] == "send_back" and not note:
            raise ProtocolError("say why it goes back: 'note' is the comment for the owner")
        await self._change(session, msg, ops.review, msg["decision"], note)

    async def _on_restore(self, session: Any, msg: dict[str, Any]) -> None:
        if msg["rev"] < 1:
            raise ProtocolError("'rev' is a revision number (1, 2, ...)")
        await self._change(session, msg, ops.restore, msg["rev"], msg.get("note", "").strip())

    async def _on_archive(self, session: Any, msg: dict[str, Any]) -> None:
        await self._change(session, msg, ops.archive, msg["archived"])

    async def _on_verify(self, session: Any, msg: dict[str, Any]) -> None:
        await self._change(session, msg, ops.verify)

    # -- questions ------------------------------------------------------------------

    def _readable(self, session: Any, msg: dict[str, Any]) -> Any:
        meta = self.server.hub.readable(session.account, msg["doc"])
        if meta is None:
            reply_error(session, msg, ErrorCode.NOT_FOUND, f"no document '{msg['doc']}'")
        return meta

    async def _on_history(self, session: Any, msg: dict[str, Any]) -> None:
        if self._readable(session, msg) is None:
            return
        revs = await self.server.read(revisions.history, msg["doc"])
        items = [revisions.summary(rev) for rev in revs]
        session.send(m.encode("history", doc=msg["doc"], revisions=items, **ref(msg)))

    async def _on_revision(self, session: Any, msg: dict[str, Any]) -> None:
        if self._readable(session, msg) is None:
            return
        rev = await self.server.read(revisions.get, msg["doc"], msg["rev"])
        if rev is None:
            reply_error(session, msg, ErrorCode.NOT_FOUND, f"no revision {msg['rev']}")
            return
        session.send(m.encode("revision", doc=msg["doc"], **revisions.full(rev), **ref(msg)))

    async def _on_review_queue(self, session: Any, msg: dict[str, Any]) -> None:
        """Supervisors: every submission; owners: those of documents they edit."""
        account, hub = session.account, self.server.hub
        subs = await self.server.read(revisions.submissions)
        items = []
        for sub in subs:
            meta = hub.catalog.get(sub.doc_id)
            if meta is not None and policy.sees_submission(account, meta):
                items.append(revisions.submission_wire(sub))
        session.send(m.encode("review_queue", items=items, **ref(msg)))

    async def _on_overdue(self, session: Any, msg: dict[str, Any]) -> None:
        """Documents due for review, or due soon: one's own (owners), all (supervisors)."""
        account, hub = session.account, self.server.hub
        now = self.clock()
        items = []
        for meta in hub.catalog.values():
            if not policy.in_overdue_list(account, meta):
                continue
            standing = review_dates.standing(meta, now, hub.review_days)
            if standing is None or not (standing.overdue or standing.soon):
                continue
            items.append(
                {
                    "doc": meta.id,
                    "title": meta.published.title if meta.published else meta.title,
                    "owner": meta.owner,
                    "due": standing.due.isoformat(),
                    "overdue": standing.overdue,
                    "verified_at": meta.verified_at,
                    "verified_by": meta.verified_by,
                }
            )
        items.sort(key=lambda item: item["due"])
        session.send(m.encode("overdue", items=items, **ref(msg)))

    async def _on_audit(self, session: Any, msg: dict[str, Any]) -> None:
        if not policy.can_read_audit(session.account):
            reply_error(session, msg, ErrorCode.FORBIDDEN, "the audit trail is for supervisors")
            return
        since = None
        if "since" in msg:
            since = review_dates.parse_time(msg["since"])
            if since is None:
                raise ProtocolError("'since' must be an ISO 8601 date or time")
        limit = min(msg.get("limit", revisions.AUDIT_LIMIT), revisions.AUDIT_LIMIT)
        events = await self.server.read(
            lambda s: revisions.audit_events(
                s, doc_id=msg.get("doc"), actor=msg.get("user"), since=since, limit=limit
            )
        )
        items = [revisions.audit_wire(event) for event in events]
        session.send(m.encode("audit", events=items, **ref(msg)))
