"""Watch settings, read marks, edit notifications and sign-in bookkeeping. Writer thread."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kmserver import policy
from kmserver.feedback.context import RecordContext
from kmserver.feedback.digest import Burst
from kmserver.feedback.routing import DIGEST, LIVE, edit_text
from kmserver.protocol.feedback import DEFAULT_LEVEL, pref_id
from kmserver.store.accounts import Account
from kmserver.store.feedback_models import FeedbackState, Notification, UserSeen, WatchPref
from kmserver.store.models import LOG_UPDATE, LogEntry

DIGEST_KEY = "digest_seq"


def set_watch(rc: RecordContext, account: Account, scope: str, key: str, level: str) -> int | None:
    if scope == "doc":
        rc.readable(account, key)
    rc.reply["id"] = pref_id(scope, key)
    row = rc.s.get(WatchPref, (account.name, scope, key))
    if level == DEFAULT_LEVEL:
        if row is None or row.deleted:
            rc.reply["seq"] = row.seq if row is not None else 0
            return None
        row.deleted = True
    elif row is not None and not row.deleted and row.level == level:
        rc.reply["seq"] = row.seq
        return None
    elif row is None:
        row = WatchPref(user=account.name, scope=scope, key=key, level=level, seq=0)
        rc.s.add(row)
    else:
        row.level, row.deleted = level, False
    row.updated_at = rc.now
    seq = rc.publish(row, account.name)
    rc.reply["seq"] = seq
    return seq


def mark_read(rc: RecordContext, account: Account, ids: list[str], read: bool) -> int | None:
    """Unknown ids (or someone else's) are ignored: the reply lists the ones that counted."""
    last = None
    known = []
    for nid in ids:
        row = rc.s.get(Notification, nid)
        if row is None or not policy.owns(account, row.recipient):
            continue
        known.append(nid)
        if row.read != read:
            row.read = read
            last = rc.publish(row, account.name)
    rc.reply["ids"] = known
    rc.reply["seq"] = last if last is not None else 0
    return last


def tell_edits(
    rc: RecordContext, started: list[Burst], ended: list[Burst], state: dict | None
) -> int | None:
    """``started``: tell the ``all_edits`` watchers at once; ``ended``: tell them the
    final count (same notification, brought up to date) and the digest watchers.
    ``state`` (which edits are told, see :func:`undigested`) is saved alongside."""
    last = None
    for burst, ongoing in [(b, True) for b in started] + [(b, False) for b in ended]:
        meta = rc.meta(burst.doc_id)
        if meta is None or meta.deleted:
            continue
        wanted = (LIVE,) if ongoing else (LIVE, DIGEST)
        text = edit_text(burst.author, meta.title, burst.count, ongoing)
        detail = {"count": burst.count, "ongoing": ongoing, "first_seq": burst.first_seq}
        if not ongoing:
            detail["last_seq"] = burst.last_seq
        for name, (user, want) in rc.audience(meta).items():
            # Readers hear of new versions, not of keystrokes they cannot see.
            if not policy.sees_working_copy(user, meta):
                continue
            if name != burst.author and want.edits in wanted:
                seq = rc.notify(user, meta, "edit", burst.trigger, text, burst.author, None, detail)
                last = seq or last
    if state is not None:
        save_state(rc.s, DIGEST_KEY, state)
    return last


def save_state(s: Session, key: str, data: dict) -> None:
    row = s.get(FeedbackState, key)
    if row is None:
        s.add(FeedbackState(key=key, data=data))
    else:
        row.data = data


def note_seen(rc: RecordContext, name: str, seq: int) -> None:
    row = rc.s.get(UserSeen, name)
    if row is None:
        rc.s.add(UserSeen(name=name, seq=seq, at=rc.now))
    elif seq >= row.seq:
        row.seq, row.at = seq, rc.now


def init_digest_state(rc: RecordContext, upto: int) -> None:
    if rc.s.get(FeedbackState, DIGEST_KEY) is None:
        save_state(rc.s, DIGEST_KEY, {"upto": upto, "open": []})


# -- reader-pool queries -----------------------------------------------------------


def last_seen(s: Session, name: str) -> dict | None:
    row = s.get(UserSeen, name)
    if row is None:
        return None
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=UTC)
    return {"seq": row.seq, "at": at.isoformat()}


def undigested(s: Session) -> tuple[dict | None, list[tuple[int, str, str, datetime]]]:
    """What was told and the updates that may not have been (to rebuild bursts on start).

    The state is ``{"upto": S, "open": [[doc, author, first_seq], ...]}``: every
    update up to S belonged to a burst that was told, except those of the
    bursts still open then (from their first_seq on).
    """
    row = s.get(FeedbackState, DIGEST_KEY)
    if row is None:
        return None, []
    state = dict(row.data or {})
    lower = min([int(state.get("upto", 0))] + [int(o[2]) - 1 for o in state.get("open", [])])
    entries = s.execute(
        select(LogEntry.seq, LogEntry.doc_id, LogEntry.author, LogEntry.created_at)
        .where(LogEntry.seq > lower, LogEntry.kind == LOG_UPDATE, LogEntry.author.is_not(None))
        .order_by(LogEntry.seq)
    ).all()
    return state, [tuple(e) for e in entries]  # type: ignore[misc]
