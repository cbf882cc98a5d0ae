"""Tables for flags, comments, private notes, watch settings, notifications.

Every row carries ``seq``: the update-log sequence number of its newest
change (the log entry of kind ``LOG_RECORD`` holding the same envelope). A
client's cursor therefore covers records and documents alike; delta sync
sends rows with ``seq`` past it. Only new tables: ``create_all`` adds them
to an existing database, no migration needed.

``envelope()`` is what travels (see kmserver/protocol/feedback.py): ``owner``
marks a private record (only that user ever receives it); ``doc`` ties its
visibility to the document's (kmserver/policy.py).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, DateTime, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kmserver.protocol.feedback import pref_id
from kmserver.store.models import Base, SeqType

Stamp = DateTime(timezone=True)


def owned_key(owner: str | None, record_id: str) -> str:
    """The stored key of a private record (a note, a publishing request): the
    client's id and a digest of its owner. Ids of private things are per user,
    so another user's choice of the same id neither collides nor tells them
    anything; rows written before this keep their bare id (see ``wire_id``)."""
    digest = hashlib.sha256((owner or "").encode("utf-8")).hexdigest()[:16]
    return f"{record_id}:{digest}"


def wire_id(key: str) -> str:
    """The client's id of a stored private record."""
    return key.split(":", 1)[0]


def iso(ts: datetime | None) -> str | None:
    if ts is None:
        return None
    # SQLite hands back naive datetimes even for timezone-aware columns.
    return (ts if ts.tzinfo else ts.replace(tzinfo=UTC)).isoformat()


class Flag(Base):
    __tablename__ = "flags"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(200), index=True)
    raised_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    urgency: Mapped[str] = mapped_column(String(10), default="normal")
    anchor: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    state_note: Mapped[str] = mapped_column(Text, default="")
    state_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    open_since: Mapped[datetime] = mapped_column(Stamp)  # escalation counts from here
    acknowledged_at: Mapped[datetime | None] = mapped_column(Stamp)
    closed_at: Mapped[datetime | None] = mapped_column(Stamp)
    escalated_at: Mapped[datetime | None] = mapped_column(Stamp)
    history: Mapped[list] = mapped_column(JSON, default=list)
    create_hash: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(SeqType, default=0, index=True)

    def envelope(self) -> dict[str, Any]:
        return {
            "kind": "flag",
            "id": self.id,
            "doc": self.doc_id,
            "owner": None,
            "deleted": False,
            "data": {
                "by": self.raised_by,
                "reason": self.reason,
                "note": self.note,
                "urgency": self.urgency,
                "anchor": self.anchor,
                "state": self.state,
                "state_note": self.state_note,
                "state_by": self.state_by,
                "created_at": iso(self.created_at),
                "acknowledged_at": iso(self.acknowledged_at),
                "closed_at": iso(self.closed_at),
                "escalated_at": iso(self.escalated_at),
                "history": list(self.history or ()),
            },
        }


class Comment(Base):
    __tablename__ = "comments"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(200), index=True)
    author: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[str | None] = mapped_column(String(64))
    thread_id: Mapped[str] = mapped_column(String(64), index=True)  # the root comment's id
    anchor: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    mentions: Mapped[list] = mapped_column(JSON, default=list)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(Stamp)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    create_hash: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(SeqType, default=0, index=True)

    def envelope(self) -> dict[str, Any]:
        return {
            "kind": "comment",
            "id": self.id,
            "doc": self.doc_id,
            "owner": None,
            "deleted": False,
            "data": {
                "by": self.author,
                "body": self.body,
                "parent": self.parent_id,
                "thread": self.thread_id,
                "anchor": self.anchor,
                "mentions": list(self.mentions or ()),
                "resolved": self.resolved,
                "resolved_by": self.resolved_by,
                "resolved_at": iso(self.resolved_at),
                "created_at": iso(self.created_at),
            },
        }


class PrivateNote(Base):
    __tablename__ = "private_notes"
    __table_args__ = (Index("ix_private_notes_author_seq", "author", "seq"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(200))
    author: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    anchor: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    updated_at: Mapped[datetime] = mapped_column(Stamp)
    create_hash: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(SeqType, default=0)

    def envelope(self) -> dict[str, Any]:
        data = (
            {}
            if self.deleted
            else {
                "body": self.body,
                "anchor": self.anchor,
                "created_at": iso(self.created_at),
                "updated_at": iso(self.updated_at),
            }
        )
        return {
            "kind": "note",
            "id": wire_id(self.id),
            "doc": self.doc_id,
            "owner": self.author,
            "deleted": self.deleted,
            "data": data,
        }


class WatchPref(Base):
    """A user's own setting for one document or topic; absent: role defaults."""

    __tablename__ = "watch_prefs"
    __table_args__ = (Index("ix_watch_prefs_user_seq", "user", "seq"),)

    user: Mapped[str] = mapped_column(String(200), primary_key=True)
    scope: Mapped[str] = mapped_column(String(10), primary_key=True)  # doc | topic
    key: Mapped[str] = mapped_column(String(200), primary_key=True)  # doc id | topic
    level: Mapped[str] = mapped_column(String(20))
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)  # reset to the default
    updated_at: Mapped[datetime] = mapped_column(Stamp)
    seq: Mapped[int] = mapped_column(SeqType, default=0)

    def envelope(self) -> dict[str, Any]:
        return {
            "kind": "pref",
            "id": pref_id(self.scope, self.key),
            "doc": self.key if self.scope == "doc" else None,
            "owner": self.user,
            "deleted": self.deleted,
            "data": {}
            if self.deleted
            else {"scope": self.scope, "key": self.key, "level": self.level},
        }


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_recipient_seq", "recipient", "seq"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # uuid5 of trigger + recipient
    recipient: Mapped[str] = mapped_column(String(200))
    doc_id: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str | None] = mapped_column(String(200))
    ref_kind: Mapped[str | None] = mapped_column(String(20))
    ref_id: Mapped[str | None] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    read: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(Stamp)
    seq: Mapped[int] = mapped_column(SeqType, default=0)

    def envelope(self) -> dict[str, Any]:
        return {
            "kind": "notification",
            "id": self.id,
            "doc": self.doc_id,
            "owner": self.recipient,
            "deleted": False,
            "data": {
                "event": self.event,
                "actor": self.actor,
                "ref": {"kind": self.ref_kind, "id": self.ref_id} if self.ref_id else None,
                "text": self.text,
                "detail": dict(self.detail or {}),
                "read": self.read,
                "created_at": iso(self.created_at),
            },
        }


class UserSeen(Base):
    """Where each user's newest /ws session left off: 'since you last signed in'."""

    __tablename__ = "user_seen"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    at: Mapped[datetime] = mapped_column(Stamp)


class FeedbackState(Base):
    """Small server bookkeeping, e.g. which edits are already told in a digest."""

    __tablename__ = "feedback_state"

    key: Mapped[str] = mapped_column(String(50), primary_key=True)
    data: Mapped[dict] = mapped_column(JSON, default=dict)


RECORD_TABLES: dict[str, type[Base]] = {
    "flag": Flag,
    "comment": Comment,
    "note": PrivateNote,
    "pref": WatchPref,
    "notification": Notification,
}
