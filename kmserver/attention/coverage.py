"""Coverage: who in a must-read's audience has acknowledged, opened, not opened, not
even received it; what the periodic check must do; who has seen a broadcast.

The queries (``facts``, ``all_facts``, ``due_work``, ``broadcasts``,
``broadcast_seen``) run on a read session off the event loop; ``report`` is
pure and turns the facts into what the coverage screen, ``kmserver acks`` and
the CSV export show. The audience is worked out from the users as they are
now (audience.py), so someone given the topic yesterday counts today.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kmserver import policy
from kmserver.protocol.docmeta import DocMeta
from kmserver.store.accounts import Account
from kmserver.store.attention_models import (
    Ack,
    Broadcast,
    BroadcastSeen,
    MustRead,
    MustReadReceived,
    pair_id,
)
from kmserver.store.feedback_models import iso
from kmserver.store.models import User

STATES = ("acknowledged", "opened", "not_opened", "not_received")
MAX_LISTED = 500  # must-reads in the supervisor's list; broadcasts likewise


def _aware(ts: datetime | None) -> datetime | None:
    # SQLite hands back naive datetimes even for timezone-aware columns.
    return None if ts is None else (ts if ts.tzinfo else ts.replace(tzinfo=UTC))


@dataclass
class Facts:
    must: MustRead
    acks: dict[str, Ack]
    received: set[str]
    users: list[Account]


@dataclass
class DueWork:
    reminders: list[tuple[str, int, int]] = field(default_factory=list)  # doc, rev, round
    overdue: list[tuple[str, int]] = field(default_factory=list)


def _accounts(s: Session) -> list[Account]:
    return [Account(u.id, u.name, u.role, tuple(u.topics or ())) for u in s.scalars(select(User))]


def facts(s: Session, doc_id: str, rev: int | None = None) -> Facts | None:
    """One must-read (the newest of the document when ``rev`` is None)."""
    if rev is None:
        must = s.scalar(
            select(MustRead).where(MustRead.doc_id == doc_id).order_by(MustRead.rev.desc())
        )
    else:
        must = s.get(MustRead, (doc_id, rev))
    if must is None:
        return None
    return _facts_of(s, [must], _accounts(s))[0]


def all_facts(s: Session) -> list[Facts]:
    """Every must-read, newest first (at most MAX_LISTED)."""
    musts = list(s.scalars(select(MustRead).order_by(MustRead.created_at.desc()).limit(MAX_LISTED)))
    return _facts_of(s, musts, _accounts(s))


def _facts_of(s: Session, musts: list[MustRead], users: list[Account]) -> list[Facts]:
    if not musts:
        return []
    docs = {m.doc_id for m in musts}
    acks: defaultdict[tuple[str, int], dict[str, Ack]] = defaultdict(dict)
    for ack in s.scalars(select(Ack).where(Ack.doc_id.in_(docs))):
        acks[(ack.doc_id, ack.rev)][ack.user] = ack
    received: defaultdict[tuple[str, int], set[str]] = defaultdict(set)
    rows = s.execute(
        select(MustReadReceived.doc_id, MustReadReceived.rev, MustReadReceived.user).where(
            MustReadReceived.doc_id.in_(docs)
        )
    )
    for doc_id, rev, user in rows:
        received[(doc_id, rev)].add(user)
    return [Facts(m, acks[(m.doc_id, m.rev)], received[(m.doc_id, m.rev)], users) for m in musts]


def report(facts: Facts, meta: DocMeta, online: set[str]) -> dict[str, Any]:
    """Everything the coverage screen shows of one must-read. ``online``: the names of
    users with a window open now."""
    must, envelope = facts.must, facts.must.envelope()
    rows: list[dict[str, Any]] = []
    waits: list[float] = []
    for user in sorted(facts.users, key=lambda u: u.name):
        if not policy.may_receive(user, envelope, meta):
            continue
        ack = facts.acks.get(user.name)
        opened, acked = _aware(ack and ack.opened_at), _aware(ack and ack.acked_at)
        if acked is not None:
            state = "acknowledged"
        elif opened is not None:
            state = "opened"
        elif user.name in facts.received or ack is not None:
            state = "not_opened"
        else:
            state = "not_received"
        wait = None
        if acked is not None:
            wait = max(0.0, (acked - _aware(must.created_at)).total_seconds())  # type: ignore[operator]
            waits.append(wait)
        rows.append(
            {
                "name": user.name,
                "role": user.role,
                "topics": list(user.topics),
                "state": state,
                "online": user.name in online,
                "opened_at": iso(opened),
                "acked_at": iso(acked),
                "seconds_to_ack": None if wait is None else round(wait),
            }
        )
    return {
        "id": pair_id(must.doc_id, must.rev),
        "doc": must.doc_id,
        "title": meta.published.title if meta.published else meta.title,
        "rev": must.rev,
        "for": list(must.audience),
        "note": must.note,
        "by": must.created_by,
        "at": iso(must.created_at),
        "due": iso(must.due_at),
        "remind_every": must.remind_every,
        "reminded": must.reminded,
        "users": rows,
        "counts": _count(rows),
        "by_role": _grouped(rows, lambda r: [r["role"]]),
        "by_topic": _grouped(rows, lambda r: r["topics"]),
        "median_seconds_to_ack": round(statistics.median(waits)) if waits else None,
    }


def _count(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts = Counter(r["state"] for r in rows)
    return {"total": len(rows), **{state: counts.get(state, 0) for state in STATES}}


def _grouped(rows: list[dict[str, Any]], keys: Any) -> dict[str, dict[str, int]]:
    groups: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        for key in keys(row):
            groups[key].append(row)
    return {key: _count(members) for key, members in sorted(groups.items())}


# -- the periodic check ------------------------------------------------------------------


def due_work(s: Session, now: datetime) -> DueWork:
    """Reminder rounds that have come round, and must-reads past due not yet escalated.
    A must-read everyone has acknowledged needs neither; ``remind_and_escalate`` finds
    that out when it looks for who is still waiting."""
    work = DueWork()
    candidates = s.scalars(
        select(MustRead).where(
            (MustRead.remind_every.is_not(None))
            | (MustRead.due_at.is_not(None) & MustRead.escalated_at.is_(None))
        )
    )
    for must in candidates:
        created = _aware(must.created_at)
        if must.remind_every and created is not None:
            round_ = int((now - created).total_seconds() // must.remind_every)
            if round_ > must.reminded:
                work.reminders.append((must.doc_id, must.rev, round_))
        due = _aware(must.due_at)
        if due is not None and must.escalated_at is None and due <= now:
            work.overdue.append((must.doc_id, must.rev))
    return work


def standing_records(s: Session, now: datetime) -> list[tuple[int, dict[str, Any]]]:
    """Every must-read and every broadcast still active, as (seq, envelope)."""
    active = (Broadcast.ended_at.is_(None)) & (Broadcast.expires_at > now)
    rows: list[Any] = [*s.scalars(select(MustRead)), *s.scalars(select(Broadcast).where(active))]
    return sorted(((r.seq, r.envelope()) for r in rows), key=lambda pair: pair[0])


# -- broadcasts --------------------------------------------------------------------------


def broadcasts(s: Session) -> list[dict[str, Any]]:
    """Active and past broadcasts, newest first, with how many users have seen each."""
    seen = dict(
        s.execute(
            select(BroadcastSeen.broadcast_id, func.count()).group_by(BroadcastSeen.broadcast_id)
        ).all()
    )
    rows = s.scalars(select(Broadcast).order_by(Broadcast.created_at.desc()).limit(MAX_LISTED))
    return [{"id": b.id, **b.envelope()["data"], "seen": int(seen.get(b.id, 0))} for b in rows]


def broadcast_seen(s: Session, broadcast_id: str) -> list[dict[str, Any]] | None:
    """Who has seen it (and when), and who in its audience has not yet."""
    row = s.get(Broadcast, broadcast_id)
    if row is None:
        return None
    seen = {
        b.user: b.at
        for b in s.scalars(select(BroadcastSeen).where(BroadcastSeen.broadcast_id == broadcast_id))
    }
    envelope = row.envelope()
    out = []
    for user in sorted(_accounts(s), key=lambda u: u.name):
        if policy.may_receive(user, envelope, None):
            at = seen.get(user.name)
            out.append({"name": user.name, "role": user.role, "seen_at": iso(_aware(at))})
    return out
