"""The writer-thread side of records: one Job type and what its operations see.

A record operation runs inside the writer's batch transaction (kmserver/writer.py):
it checks access against the committed document row, raises ``JobError``
before it writes anything, and publishes every record it changes with
:meth:`RecordContext.publish`, which appends a ``LOG_RECORD`` entry carrying
the record's envelope. The tail then delivers those entries, in sequence
order, only after the commit: records follow the same durability and order
rules as CRDT updates.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, false, or_, select

from kmserver import policy
from kmserver.feedback.routing import Interest, interest
from kmserver.protocol.docmeta import DocMeta
from kmserver.protocol.messages import ErrorCode
from kmserver.store import documents as docs
from kmserver.store.accounts import Account
from kmserver.store.feedback_models import Notification, WatchPref
from kmserver.store.models import LOG_RECORD, LogEntry, User
from kmserver.writer import Job, JobError, WriteContext

log = logging.getLogger(__name__)

# Notification ids are uuid5(trigger + recipient): running the same trigger
# twice (a retried batch, a recovered digest) can never notify twice.
NOTIFY_NAMESPACE = uuid.UUID("5b0e8a5e-3c43-4a8e-9a8f-6c1f0b6f3d21")


def not_found(what: str) -> JobError:
    return JobError(ErrorCode.NOT_FOUND, f"no {what}")


@dataclass(eq=False)
class RecordJob(Job):
    """Runs ``op(RecordContext, *args)`` in the writer's transaction.

    ``seq`` (for the tail) is the sequence number the operation wrote, or None
    for a resend that changed nothing; ``result`` holds the reply fields.
    """

    op: Callable[..., int | None] | None = None
    args: tuple[Any, ...] = ()
    now: datetime | None = None

    def apply(self, ctx: WriteContext) -> int | None:
        assert self.op is not None and self.now is not None
        rc = RecordContext(ctx, self.now)
        mark = ctx.checkpoint()
        # A savepoint: a failure here must not cost the other jobs of the batch
        # (flushed first, so rolling it back can only undo this job's writes).
        ctx.s.flush()
        try:
            with ctx.s.begin_nested():
                seq = self.op(rc, *self.args)
        except JobError:
            ctx.rollback_to(mark)
            raise
        except Exception as exc:
            ctx.rollback_to(mark)
            log.exception("record change failed")
            raise JobError(ErrorCode.INTERNAL, "the change could not be saved") from exc
        self.result = rc.reply
        return seq


@dataclass
class RecordContext:
    ctx: WriteContext
    now: datetime
    reply: dict[str, Any] = field(default_factory=dict)
    _users: dict[str, Account] | None = None
    _prefetched: dict[str, Any] = field(default_factory=dict)  # notification id -> row or None

    @property
    def s(self):  # type: ignore[no-untyped-def]
        return self.ctx.s

    # -- reading ----------------------------------------------------------

    def meta(self, doc_id: str) -> DocMeta | None:
        row = docs.get_document(self.s, doc_id)
        return docs.meta_of(self.s, row) if row is not None else None

    def readable(self, account: Account, doc_id: str) -> DocMeta:
        """The document's metadata, or the same not_found a missing document gets."""
        meta = self.meta(doc_id)
        if meta is None or not policy.can_read(account, meta):
            raise not_found(f"document '{doc_id}'")
        return meta

    def users(self) -> dict[str, Account]:
        if self._users is None:
            self._users = {
                u.name: Account(u.id, u.name, u.role, tuple(u.topics or ()))
                for u in self.s.scalars(select(User))
            }
        return self._users

    def audience(self, meta: DocMeta) -> dict[str, tuple[Account, Interest]]:
        """Every user who may read the document, with what they want to hear about it."""
        topic_match = WatchPref.key.in_(meta.topics) if meta.topics else false()
        rows = self.s.execute(
            select(WatchPref.user, WatchPref.scope, WatchPref.level).where(
                WatchPref.deleted.is_(False),
                or_(
                    and_(WatchPref.scope == "doc", WatchPref.key == meta.id),
                    and_(WatchPref.scope == "topic", topic_match),
                ),
            )
        ).all()
        doc_levels: dict[str, str] = {}
        topic_levels: dict[str, list[str]] = {}
        for user, scope, level in rows:
            if scope == "doc":
                doc_levels[user] = level
            else:
                topic_levels.setdefault(user, []).append(level)
        return {
            name: (
                account,
                interest(account, meta, doc_levels.get(name), topic_levels.get(name, ())),
            )
            for name, account in self.users().items()
            if policy.can_read(account, meta)
        }

    # -- writing ----------------------------------------------------------

    def resend(self, row: Any, digest: str) -> None:
        """A create naming an existing id: the same create again, or a conflict."""
        if row.create_hash != digest:
            raise JobError(ErrorCode.CONFLICT, f"id {row.id} is taken by different content")
        self.reply["seq"] = row.seq

    def publish(self, row: Any, author: str | None) -> int:
        """Give the row's new state a sequence number and hand it to the tail."""
        envelope = row.envelope()
        if row.seq:  # only the newest state of a record needs its log entry
            self.s.execute(
                delete(LogEntry).where(LogEntry.seq == row.seq, LogEntry.kind == LOG_RECORD)
            )
        data = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        doc_id = envelope["doc"] or ""
        seq = docs.append_log(self.s, doc_id, LOG_RECORD, data, author, self.ctx.writer_id)
        row.seq = seq
        self.ctx.wrote(doc_id, seq, LOG_RECORD, data, author)
        return seq

    def prefetch(self, trigger: str, recipients: list[Account]) -> None:
        """Load, in one query, the notifications ``trigger`` may already have made for
        ``recipients``; the ``notify`` calls that follow find them without a query each
        (a publication tells hundreds of readers)."""
        ids = [str(uuid.uuid5(NOTIFY_NAMESPACE, f"{trigger}|{r.name}")) for r in recipients]
        found: dict[str, Notification | None] = dict.fromkeys(ids)
        for start in range(0, len(ids), 500):
            chunk = select(Notification).where(Notification.id.in_(ids[start : start + 500]))
            found.update({row.id: row for row in self.s.scalars(chunk)})
        self._prefetched.update(found)

    def notify(
        self,
        recipient: Account,
        meta: DocMeta,
        event: str,
        trigger: str,
        text: str,
        actor: str | None,
        ref: tuple[str, str] | None = None,
        detail: dict[str, Any] | None = None,
    ) -> int | None:
        """Create (or bring up to date) one user's notification about ``trigger``;
        returns the sequence number written, if any."""
        if not policy.can_read(recipient, meta):
            return None
        nid = str(uuid.uuid5(NOTIFY_NAMESPACE, f"{trigger}|{recipient.name}"))
        detail = detail or {}
        if nid in self._prefetched:
            row = self._prefetched.pop(nid)
        else:
            row = self.s.get(Notification, nid)
        if row is None:
            row = Notification(
                id=nid,
                recipient=recipient.name,
                doc_id=meta.id,
                event=event,
                actor=actor,
                ref_kind=ref[0] if ref else None,
                ref_id=ref[1] if ref else None,
                text=text,
                detail=detail,
                read=False,
                created_at=self.now,
                seq=0,
            )
            self.s.add(row)
        elif (row.event, row.text, row.detail) == (event, text, detail):
            return None
        else:
            row.event, row.text, row.detail = event, text, detail
        return self.publish(row, actor)
