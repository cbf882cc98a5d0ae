"""Flags: raise, change state, escalate (writer thread); inbox and report (readers).

Life cycle: ``open`` -> ``acknowledged`` -> ``resolved`` (with a resolution
note) or ``dismissed`` (with a reason); a closed flag may be reopened.
Owners, editors and supervisors triage (``policy.can_edit``); the person who
raised a flag may also withdraw it (``dismissed``) or reopen it. Every change
of state notifies the raiser (and the owner when someone else made it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmserver import policy
from kmserver.feedback.context import RecordContext, not_found
from kmserver.feedback.routing import STATE_VERBS
from kmserver.protocol.docmeta import DocMeta
from kmserver.protocol.feedback import CLOSED_STATES, content_hash, urgency_rank
from kmserver.protocol.messages import ErrorCode
from kmserver.store.accounts import Account
from kmserver.store.feedback_models import Flag, iso
from kmserver.writer import JobError

UNRESOLVED = ("open", "acknowledged")


def aware(ts: datetime | None) -> datetime | None:
    return ts if ts is None or ts.tzinfo else ts.replace(tzinfo=UTC)


def _history(flag: Flag, entry: dict[str, Any]) -> None:
    flag.history = [*(flag.history or ()), entry]  # a new list: JSON columns track assignment


def raise_flag(
    rc: RecordContext,
    account: Account,
    flag_id: str,
    doc_id: str,
    reason: str,
    note: str,
    urgency: str,
    anchor: dict | None,
) -> int | None:
    meta = rc.readable(account, doc_id)
    digest = content_hash(
        {
            "by": account.name,
            "doc": doc_id,
            "reason": reason,
            "note": note,
            "urgency": urgency,
            "anchor": anchor,
        }
    )
    existing = rc.s.get(Flag, flag_id)
    if existing is not None:
        rc.resend(existing, digest)
        return None
    users = rc.users()
    owner = users.get(meta.owner) if meta.owner else None
    owner_can_act = owner is not None and policy.can_edit(owner, meta)
    flag = Flag(
        id=flag_id,
        doc_id=doc_id,
        raised_by=account.name,
        reason=reason,
        note=note,
        urgency=urgency,
        anchor=anchor,
        state="open",
        state_note="",
        created_at=rc.now,
        open_since=rc.now,
        escalated_at=None if owner_can_act else rc.now,
        history=[{"state": "open", "by": account.name, "at": iso(rc.now), "note": note}],
        create_hash=digest,
        seq=0,
    )
    rc.s.add(flag)
    seq = rc.publish(flag, account.name)
    rc.reply["seq"] = seq

    text = f"{account.name} flagged {meta.title} as {reason}" + (f": {note}" if note else "")
    detail = {"reason": reason, "urgency": urgency, "state": "open"}
    told = {account.name}

    def tell(user: Account, event: str, trigger: str, words: str) -> None:
        rc.notify(user, meta, event, trigger, words, account.name, ("flag", flag_id), detail)
        told.add(user.name)

    for name in (meta.owner, *meta.editors):
        user = users.get(name) if name else None
        if user is not None and user.name not in told:
            tell(user, "flag_raised", f"flag:{flag_id}:raised", text)
    if not owner_can_act:
        why = f"{meta.owner} cannot act on it" if meta.owner else "the document has no owner"
        for user in _supervisors(users, meta):
            if user.name not in told:
                tell(user, "flag_escalated", f"flag:{flag_id}:escalated:{seq}", f"{text} ({why})")
    for name, (user, want) in rc.audience(meta).items():
        if want.activity and name not in told:
            tell(user, "flag_raised", f"flag:{flag_id}:raised", text)
    return seq


def change_state(
    rc: RecordContext, account: Account, flag_id: str, state: str, expect: str, note: str | None
) -> int | None:
    flag = rc.s.get(Flag, flag_id)
    meta = rc.meta(flag.doc_id) if flag is not None else None
    if flag is None or meta is None or not policy.can_read(account, meta):
        raise not_found(f"flag {flag_id}")
    if flag.state == state and note in (None, flag.state_note):
        rc.reply["seq"] = flag.seq  # a resend: already so
        return None
    if flag.state != expect:
        raise JobError(ErrorCode.CONFLICT, f"the flag is {flag.state} now, not {expect}")
    triager = policy.can_edit(account, meta)
    if not policy.can_set_flag_state(account, meta, flag.raised_by, state):
        raise JobError(ErrorCode.FORBIDDEN, f"you may not mark this flag {state}")
    flag.state = state
    flag.state_note = note or ""
    flag.state_by = account.name
    if state != "open" and triager and flag.acknowledged_at is None:
        flag.acknowledged_at = rc.now  # the first answer (a withdrawal is not one)
    if state in CLOSED_STATES:
        flag.closed_at = rc.now
    else:
        flag.closed_at = None
    if state == "open":  # reopened: it may escalate again if nobody picks it up
        flag.open_since, flag.escalated_at = rc.now, None
    _history(flag, {"state": state, "by": account.name, "at": iso(rc.now), "note": note or ""})
    seq = rc.publish(flag, account.name)
    rc.reply["seq"] = seq

    users = rc.users()
    text = f"{account.name} {STATE_VERBS[state]} the flag on {meta.title}" + (
        f": {note}" if note else ""
    )
    detail = {"reason": flag.reason, "urgency": flag.urgency, "state": state}
    for name in dict.fromkeys((flag.raised_by, meta.owner)):
        user = users.get(name) if name else None
        if user is not None and user.name != account.name:
            rc.notify(
                user,
                meta,
                "flag_state",
                f"flag:{flag_id}:state:{seq}",
                text,
                account.name,
                ("flag", flag_id),
                detail,
            )
    return seq


def escalate(rc: RecordContext, flag_ids: list[str], cutoff: datetime) -> int | None:
    """Flags still open and unacknowledged since before ``cutoff`` go to the supervisors."""
    users = rc.users()
    last = None
    for flag_id in flag_ids:
        flag = rc.s.get(Flag, flag_id)
        if flag is None or not _escalation_due(flag, cutoff):
            continue
        meta = rc.meta(flag.doc_id)
        if meta is None or meta.deleted:
            continue
        flag.escalated_at = rc.now
        last = seq = rc.publish(flag, None)
        waited = int((rc.now - aware(flag.open_since)).total_seconds() // 60)  # type: ignore[operator]
        text = (
            f"A flag on {meta.title} has waited {waited} min without an answer "
            f"({flag.reason}, raised by {flag.raised_by})"
        )
        detail = {"reason": flag.reason, "urgency": flag.urgency, "state": flag.state}
        for user in _supervisors(users, meta):
            if user.name != flag.raised_by:
                rc.notify(
                    user,
                    meta,
                    "flag_escalated",
                    f"flag:{flag_id}:escalated:{seq}",
                    text,
                    None,
                    ("flag", flag_id),
                    detail,
                )
    return last


def _supervisors(users: dict[str, Account], meta: DocMeta) -> list[Account]:
    return [u for u in users.values() if u.role == "supervisor" and policy.can_read(u, meta)]


def _escalation_due(flag: Flag, cutoff: datetime) -> bool:
    opened = aware(flag.open_since)
    return (
        flag.state == "open"
        and flag.escalated_at is None
        and opened is not None
        and opened <= cutoff
    )


# -- reader-pool queries -----------------------------------------------------------


def escalation_candidates(s: Session, cutoff: datetime) -> list[str]:
    rows = s.scalars(select(Flag).where(Flag.state == "open", Flag.escalated_at.is_(None))).all()
    return [f.id for f in rows if _escalation_due(f, cutoff)]


def unresolved(s: Session) -> list[tuple[int, dict[str, Any]]]:
    rows = s.scalars(select(Flag).where(Flag.state.in_(UNRESOLVED))).all()
    return [(f.seq, f.envelope()) for f in rows]


def all_flags(s: Session, state: str | None) -> list[tuple[int, dict[str, Any]]]:
    query = select(Flag).order_by(Flag.created_at)
    if state is not None:
        query = query.where(Flag.state == state)
    return [(f.seq, f.envelope()) for f in s.scalars(query)]


def inbox_order(envelope: dict[str, Any]) -> tuple[int, str]:
    """Most urgent first, then oldest first."""
    data = envelope["data"]
    return (-urgency_rank(data["urgency"]), data["created_at"] or "")


def seconds_between(start: str | None, end: str | None) -> int | None:
    if not start or not end:
        return None
    return int((datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds())
