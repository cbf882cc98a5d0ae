"""Must-reads, acknowledgements and broadcasts: operations in the writer's transaction.

Like the publishing operations (kmserver/publishing/ops.py) each is a
``RecordJob`` operation that checks the policy, raises ``JobError`` before it
writes, writes its audit event in the same transaction, and publishes the
records it changes on the update log, so they reach people only after the
commit, in order, offline ones on their next sync, never twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select

from kmserver import policy
from kmserver.feedback.context import RecordContext, not_found
from kmserver.protocol import audience
from kmserver.protocol import feedback as fb
from kmserver.protocol.codec import ProtocolError
from kmserver.protocol.messages import (
    MAX_BROADCAST,
    MAX_EXPIRY,
    MAX_REMIND,
    MIN_EXPIRY,
    MIN_REMIND,
    SEVERITIES,
    ErrorCode,
)
from kmserver.store import documents as docs
from kmserver.store import revisions
from kmserver.store.accounts import Account
from kmserver.store.attention_models import (
    Ack,
    Broadcast,
    BroadcastSeen,
    MustRead,
    MustReadReceived,
    pair_id,
)
from kmserver.writer import JobError

MAX_TOPICS_LISTED = 20  # in the refusal of an unknown topic


@dataclass(frozen=True)
class MustReadAsk:
    """What makes a revision a must-read: who for, by when, how often to remind."""

    terms: list[str]
    due: datetime | None = None
    remind_every: int | None = None
    note: str = ""


def _audience(rc: RecordContext, terms: list[str]) -> list[str]:
    """The terms, checked against today's users: a misspelt name or topic would reach
    nobody, and the supervisor would believe it had been sent."""
    try:
        terms = audience.parse(terms)
    except ProtocolError as exc:
        raise JobError(ErrorCode.BAD_MESSAGE, str(exc)) from exc
    users = rc.users()
    rep_topics = sorted({t for u in users.values() if u.role == "rep" for t in u.topics})
    for term in terms:
        kind, _, value = term.partition(":")
        if kind == "user" and value not in users:
            raise JobError(ErrorCode.BAD_MESSAGE, f"there is no user called '{value}'")
        if kind == "topic" and value not in rep_topics:
            known = ", ".join(rep_topics[:MAX_TOPICS_LISTED]) or "none"
            raise JobError(
                ErrorCode.BAD_MESSAGE,
                f"no rep has the topic '{value}' (reps' topics: {known})",
            )
    return terms


def _name(actor: Account | None) -> str | None:
    return actor.name if actor is not None else None


def _done_before(rc: RecordContext, actor: Account | None, request_id: str | None) -> bool:
    """A resend: answer with the first answer (kept in the audit event)."""
    if request_id is None:
        return False
    done = revisions.find_request(rc.s, request_id, _name(actor))  # ids are per user
    if done is None:
        return False
    rc.reply.update(done.detail.get("reply") or {})
    return True


def _audit(
    rc: RecordContext,
    actor: Account | None,
    request_id: str | None,
    action: str,
    doc_id: str | None,
    detail: dict[str, Any],
    reply: dict[str, Any],
) -> None:
    rc.reply.update(reply)
    revisions.add_audit(
        rc.s, rc.now, _name(actor), action, doc_id, {**detail, "reply": reply}, request_id
    )


# -- must-reads ------------------------------------------------------------------------


def require_reading(
    rc: RecordContext,
    actor: Account | None,
    request_id: str | None,
    doc_id: str,
    rev: int | None,
    ask: MustReadAsk,
) -> int | None:
    """Make a published revision (the latest when ``rev`` is None) a must-read for
    ``ask.terms``. Asked again for the same revision, its audience, due time and
    reminders are replaced (acknowledgements stay)."""
    if _done_before(rc, actor, request_id):
        return None
    if ask.due is not None and ask.due <= rc.now:
        raise JobError(ErrorCode.BAD_MESSAGE, "the due time has passed: choose a later one")
    if ask.remind_every is not None and not MIN_REMIND <= ask.remind_every <= MAX_REMIND:
        raise JobError(
            ErrorCode.BAD_MESSAGE, "reminders go out every 10 minutes at most, 30 days at least"
        )
    row = docs.get_document(rc.s, doc_id)
    meta = docs.meta_of(rc.s, row) if row is not None else None
    if row is None or meta is None or meta.deleted:
        raise not_found(f"document '{doc_id}'")
    if actor is not None:
        if not policy.can_read(actor, meta):
            raise not_found(f"document '{doc_id}'")
        if not policy.can_require_reading(actor, meta):
            raise JobError(
                ErrorCode.FORBIDDEN, "only supervisors make a published version a must-read"
            )
    number = rev or row.published_rev
    if not number or revisions.get(rc.s, doc_id, number) is None:
        raise not_found(f"published version {rev} of '{doc_id}'" if rev else "published version")
    if number != row.published_rev:
        raise JobError(
            ErrorCode.CONFLICT,
            f"version {number} is no longer the published one (version {row.published_rev} is)",
        )
    terms = _audience(rc, ask.terms)
    must = rc.s.get(MustRead, (doc_id, number))
    if must is None:
        must = MustRead(doc_id=doc_id, rev=number, created_at=rc.now, reminded=0, seq=0)
        rc.s.add(must)
    must.audience, must.due_at, must.remind_every = terms, ask.due, ask.remind_every
    must.note, must.created_by, must.escalated_at = ask.note, _name(actor), None
    seq = rc.publish(must, _name(actor))
    reply = {"doc": doc_id, "rev": number, "id": pair_id(doc_id, number), "seq": seq}
    detail = {"rev": number, "for": terms, "due": ask.due.isoformat() if ask.due else None}
    _audit(rc, actor, request_id, "must_read", doc_id, detail, reply)
    return seq


def acknowledge(
    rc: RecordContext, actor: Account, doc_id: str, rev: int, opened_only: bool = False
) -> int | None:
    """The user opened (``opened_only``) or acknowledged a must-read revision. By value:
    saying it again changes nothing and answers the same. Acknowledging a revision also
    acknowledges the document's earlier must-reads the user had left: its text is what
    they replaced (the client shows the changes since the last one acknowledged)."""
    must = rc.s.get(MustRead, (doc_id, rev))
    meta = rc.meta(doc_id)
    envelope = must.envelope() if must is not None else None
    if must is None or envelope is None or not policy.may_receive(actor, envelope, meta):
        raise not_found(f"must-read of version {rev} of '{doc_id}'")
    rc.reply.update({"id": pair_id(doc_id, rev), "doc": doc_id, "rev": rev})
    if not opened_only:
        earlier = rc.s.scalars(
            select(MustRead).where(MustRead.doc_id == doc_id, MustRead.rev < rev)
        )
        for older in earlier:
            if policy.may_receive(actor, older.envelope(), meta):
                _mark(rc, actor, doc_id, older.rev, False)
    seq = _mark(rc, actor, doc_id, rev, opened_only)
    if seq is None:
        rc.reply["seq"] = rc.s.get(Ack, (actor.name, doc_id, rev)).seq  # type: ignore[union-attr]
        return None
    if not opened_only:
        revisions.add_audit(rc.s, rc.now, actor.name, "acknowledge", doc_id, {"rev": rev})
    rc.reply["seq"] = seq
    return seq


def _mark(
    rc: RecordContext,
    actor: Account,
    doc_id: str,
    rev: int,
    opened_only: bool,
) -> int | None:
    """Set opened (and acknowledged) once; the new seq, or None when nothing changed."""
    ack = rc.s.get(Ack, (actor.name, doc_id, rev))
    if ack is None:
        ack = Ack(user=actor.name, doc_id=doc_id, rev=rev, seq=0)
        rc.s.add(ack)
    changed = False
    if ack.opened_at is None:
        ack.opened_at, changed = rc.now, True
    if not opened_only and ack.acked_at is None:
        ack.acked_at, changed = rc.now, True
    return rc.publish(ack, actor.name) if changed else None


def remind_and_escalate(
    rc: RecordContext, reminders: list[tuple[str, int, int]], overdue: list[tuple[str, int]]
) -> int | None:
    """``reminders``: (doc, rev, round) to remind the audience that has not acknowledged;
    ``overdue``: (doc, rev) past their due time, told to the supervisor who asked."""
    users, last = rc.users(), None
    for doc_id, rev, round_ in reminders:
        must, meta = rc.s.get(MustRead, (doc_id, rev)), rc.meta(doc_id)
        if must is None or meta is None or must.reminded >= round_:
            continue
        title = meta.published.title if meta.published else meta.title
        text = f"Reminder: please read and acknowledge version {rev} of {title}"
        trigger = f"must-read-remind:{doc_id}:{rev}:{round_}"
        waiting = _waiting(rc, must, meta, users)
        rc.prefetch(trigger, waiting)
        for user in waiting:
            seq = rc.notify(
                user,
                meta,
                "must_read_reminder",
                trigger,
                text,
                must.created_by,
                None,
                {"rev": rev, "round": round_},
            )
            last = seq or last
        must.reminded = round_
    for doc_id, rev in overdue:
        must, meta = rc.s.get(MustRead, (doc_id, rev)), rc.meta(doc_id)
        if must is None or meta is None or must.escalated_at is not None:
            continue
        must.escalated_at = rc.now
        waiting = _waiting(rc, must, meta, users)
        boss = users.get(must.created_by or "")
        told = [boss] if boss is not None else [u for u in users.values() if u.role == "supervisor"]
        title = meta.published.title if meta.published else meta.title
        due = must.due_at.strftime("%Y-%m-%d %H:%M UTC") if must.due_at else "now"
        text = f"{len(waiting)} have not acknowledged version {rev} of {title}, due {due}"
        for user in told:
            seq = rc.notify(
                user,
                meta,
                "must_read_overdue",
                f"must-read-overdue:{doc_id}:{rev}",
                text,
                None,
                None,
                {"rev": rev, "waiting": len(waiting)},
            )
            last = seq or last
    return last


def _waiting(rc: RecordContext, must: MustRead, meta: Any, users: dict[str, Account]) -> list:
    acked = set(
        rc.s.scalars(
            select(Ack.user).where(
                Ack.doc_id == must.doc_id, Ack.rev == must.rev, Ack.acked_at.is_not(None)
            )
        )
    )
    envelope = must.envelope()
    return [
        user
        for name, user in users.items()
        if name not in acked and policy.may_receive(user, envelope, meta)
    ]


def note_received(rc: RecordContext, pairs: list[tuple[str, str, str]]) -> int | None:
    """(kind, record id, user): a must-read or a broadcast reached an open window of
    the user. Only the first time counts; nothing is published. One query and one
    insert per record, not per user: a must-read reaches thousands at once."""
    by_record: dict[tuple[str, str], set[str]] = {}
    for kind, record, user in pairs:
        by_record.setdefault((kind, record), set()).add(user)
    for (kind, record), users in by_record.items():
        wanted = sorted(users)
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            if kind == "broadcast":
                known = set(
                    rc.s.scalars(
                        select(BroadcastSeen.user).where(
                            BroadcastSeen.broadcast_id == record, BroadcastSeen.user.in_(chunk)
                        )
                    )
                )
                rows: list[dict[str, Any]] = [
                    {"broadcast_id": record, "user": u, "at": rc.now}
                    for u in chunk
                    if u not in known
                ]
                table: Any = BroadcastSeen
            else:
                doc_id, _, rev_text = record.rpartition("@")
                rev = int(rev_text)
                known = set(
                    rc.s.scalars(
                        select(MustReadReceived.user).where(
                            MustReadReceived.doc_id == doc_id,
                            MustReadReceived.rev == rev,
                            MustReadReceived.user.in_(chunk),
                        )
                    )
                )
                rows = [
                    {"doc_id": doc_id, "rev": rev, "user": u, "at": rc.now}
                    for u in chunk
                    if u not in known
                ]
                table = MustReadReceived
            if rows:
                rc.s.execute(insert(table), rows)
    return None


# -- broadcasts --------------------------------------------------------------------------


def send_broadcast(
    rc: RecordContext,
    actor: Account | None,
    broadcast_id: str,
    text: str,
    severity: str,
    terms: list[str],
    expires_in: int,
    link: str | None = None,
) -> int | None:
    if actor is not None and not policy.can_broadcast(actor):
        raise JobError(ErrorCode.FORBIDDEN, "only supervisors send broadcasts")
    text = text.strip()
    if not text or len(text) > MAX_BROADCAST:
        raise JobError(ErrorCode.BAD_MESSAGE, f"a broadcast is 1 to {MAX_BROADCAST} characters")
    if severity not in SEVERITIES:
        raise JobError(ErrorCode.BAD_MESSAGE, f"severity is one of {', '.join(SEVERITIES)}")
    if not MIN_EXPIRY <= expires_in <= MAX_EXPIRY:
        raise JobError(ErrorCode.BAD_MESSAGE, "a broadcast lasts from a minute to a week")
    terms = _audience(rc, terms)
    if link is not None:
        linked = rc.meta(link)
        if linked is None or linked.deleted or (actor and not policy.can_read(actor, linked)):
            raise not_found(f"document '{link}'")
    fields = {"text": text, "severity": severity, "for": terms, "expires": expires_in, "link": link}
    digest = fb.content_hash({**fields, "by": _name(actor)})
    row = rc.s.get(Broadcast, broadcast_id)
    if row is not None:
        rc.resend(row, digest)
        rc.reply.update({"id": broadcast_id})
        return None
    row = Broadcast(
        id=broadcast_id,
        text=text,
        severity=severity,
        audience=terms,
        link=link,
        created_by=_name(actor),
        created_at=rc.now,
        expires_at=rc.now + timedelta(seconds=expires_in),
        create_hash=digest,
        seq=0,
    )
    rc.s.add(row)
    seq = rc.publish(row, _name(actor))
    _audit(
        rc,
        actor,
        None,
        "broadcast",
        None,
        {"id": broadcast_id, **fields},
        {"id": broadcast_id, "seq": seq},
    )
    return seq


def end_broadcast(rc: RecordContext, actor: Account | None, broadcast_id: str) -> int | None:
    if actor is not None and not policy.can_broadcast(actor):
        raise JobError(ErrorCode.FORBIDDEN, "only supervisors end broadcasts")
    row = rc.s.get(Broadcast, broadcast_id)
    if row is None:
        raise not_found(f"broadcast {broadcast_id}")
    rc.reply.update({"id": broadcast_id})
    if row.ended_at is not None:
        rc.reply["seq"] = row.seq
        return None
    row.ended_at, row.ended_by = rc.now, _name(actor)
    seq = rc.publish(row, _name(actor))
    rc.reply["seq"] = seq
    revisions.add_audit(rc.s, rc.now, _name(actor), "end_broadcast", None, {"id": broadcast_id})
    return seq
