"""Tables of what must reach people: must-read revisions, acknowledgements, broadcasts.

Each row is a record on the update log (like flags and comments, see
feedback_models.py): ``seq`` is its newest log entry, ``envelope()`` what
travels. Must-reads and broadcasts carry an ``audience`` (kmserver/protocol/
audience.py) that the server checks for every user on delivery, so only the
people they are for ever learn they exist; an acknowledgement is private to
its user.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kmserver.store.feedback_models import iso
from kmserver.store.models import Base, SeqType

Stamp = DateTime(timezone=True)


def pair_id(doc_id: str, rev: int) -> str:
    """The record id of a must-read and of its acknowledgements: ``<doc id>@<rev>``."""
    return f"{doc_id}@{rev}"


class MustRead(Base):
    """A published revision that everyone in its audience must acknowledge."""

    __tablename__ = "must_reads"

    doc_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    rev: Mapped[int] = mapped_column(Integer, primary_key=True)
    audience: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime | None] = mapped_column(Stamp)
    remind_every: Mapped[int | None] = mapped_column(Integer)  # seconds; None: no reminders
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    reminded: Mapped[int] = mapped_column(Integer, default=0)  # the last reminder round sent
    escalated_at: Mapped[datetime | None] = mapped_column(Stamp)  # told the supervisor: overdue
    seq: Mapped[int] = mapped_column(SeqType, default=0, index=True)

    def envelope(self) -> dict[str, Any]:
        return {
            "kind": "must_read",
            "id": pair_id(self.doc_id, self.rev),
            "doc": self.doc_id,
            "owner": None,
            "audience": list(self.audience),
            "deleted": False,
            "data": {
                "rev": self.rev,
                "audience": list(self.audience),
                "note": self.note,
                "by": self.created_by,
                "at": iso(self.created_at),
                "due": iso(self.due_at),
                "remind_every": self.remind_every,
            },
        }


class Ack(Base):
    """One user's opening and acknowledgement of one must-read revision."""

    __tablename__ = "acks"

    user: Mapped[str] = mapped_column(String(200), primary_key=True)
    doc_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    rev: Mapped[int] = mapped_column(Integer, primary_key=True)
    opened_at: Mapped[datetime | None] = mapped_column(Stamp)
    acked_at: Mapped[datetime | None] = mapped_column(Stamp)
    seq: Mapped[int] = mapped_column(SeqType, default=0, index=True)

    def envelope(self) -> dict[str, Any]:
        return {
            "kind": "ack",
            "id": pair_id(self.doc_id, self.rev),
            "doc": self.doc_id,
            "owner": self.user,
            "deleted": False,
            "data": {
                "rev": self.rev,
                "opened_at": iso(self.opened_at),
                "acked_at": iso(self.acked_at),
            },
        }


class Broadcast(Base):
    """An early warning: short, for an audience, until it expires or is ended."""

    __tablename__ = "broadcasts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the client's uuid
    text: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10))  # info, warning, critical
    audience: Mapped[list[str]] = mapped_column(JSON)
    link: Mapped[str | None] = mapped_column(String(200))  # a document id
    created_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(Stamp)
    expires_at: Mapped[datetime] = mapped_column(Stamp)
    ended_at: Mapped[datetime | None] = mapped_column(Stamp)
    ended_by: Mapped[str | None] = mapped_column(String(200))
    create_hash: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(SeqType, default=0, index=True)

    def envelope(self) -> dict[str, Any]:
        return {
            "kind": "broadcast",
            "id": self.id,
            "doc": None,
            "owner": None,
            "audience": list(self.audience),
            "deleted": False,
            "data": {
                "text": self.text,
                "severity": self.severity,
                "audience": list(self.audience),
                "link": self.link,
                "by": self.created_by,
                "at": iso(self.created_at),
                "expires_at": iso(self.expires_at),
                "ended_at": iso(self.ended_at),
                "ended_by": self.ended_by,
            },
        }


class BroadcastSeen(Base):
    """A broadcast reached one of the user's open windows (first time only)."""

    __tablename__ = "broadcast_seen"

    broadcast_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(Stamp)


class MustReadReceived(Base):
    """A must-read reached one of the user's open windows (first time only): "has not
    even received it" in the coverage is the audience without a row here."""

    __tablename__ = "must_read_received"

    doc_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    rev: Mapped[int] = mapped_column(Integer, primary_key=True)
    user: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(Stamp)
