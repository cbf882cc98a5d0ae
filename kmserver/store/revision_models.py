"""Tables of the governed half: published revisions, review submissions, the audit trail.

Revisions are immutable once written and never touched by compaction of
the update log (docs/revisions.md). Their ``state`` is the published CRDT
at that revision: the working copy's state at publish time, garbage
collected, so the text of anything deleted before publication is not in it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kmserver.store.models import Base, SeqType

Stamp = DateTime(timezone=True)


class Revision(Base):
    __tablename__ = "revisions"

    doc_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2, 3, ...
    title: Mapped[str] = mapped_column(String(200))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    body_text: Mapped[str] = mapped_column(Text, default="")  # the Markdown
    state: Mapped[bytes] = mapped_column(LargeBinary)  # the published CRDT at this revision
    published_by: Mapped[str | None] = mapped_column(String(200))
    published_at: Mapped[datetime] = mapped_column(Stamp)
    note: Mapped[str] = mapped_column(Text, default="")
    contributors: Mapped[list[str]] = mapped_column(JSON, default=list)
    restored_from: Mapped[int | None] = mapped_column(Integer)
    submitted_by: Mapped[str | None] = mapped_column(String(200))  # approved submissions
    seq: Mapped[int] = mapped_column(SeqType, default=0)  # its LOG_PUBLISH entry


class Submission(Base):
    """A "review required" document waiting for (or sent back by) a supervisor.

    One row per document: the current round. ``state`` holds the working copy
    as it was submitted, so an approval publishes exactly what was reviewed,
    not what someone typed since."""

    __tablename__ = "submissions"

    doc_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    status: Mapped[str] = mapped_column(String(20))  # submitted | sent_back
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(Stamp)
    note: Mapped[str] = mapped_column(Text, default="")
    title: Mapped[str] = mapped_column(String(200))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    body_text: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[bytes] = mapped_column(LargeBinary)
    contributors: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The revision this builds on: approving after another publication would
    # take back what that one added, so it is refused.
    base_rev: Mapped[int] = mapped_column(Integer, default=0)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(Stamp)
    decision_note: Mapped[str] = mapped_column(Text, default="")


class AuditEvent(Base):
    """Append-only: who did what, when. Never updated or deleted by the server."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_doc_at", "doc_id", "id"),
        Index("ix_audit_actor", "actor", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(Stamp, index=True)
    actor: Mapped[str | None] = mapped_column(String(200))  # None: the command line
    action: Mapped[str] = mapped_column(String(40))
    doc_id: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    # The client's request id: a resend finds the first answer here (never done twice).
    request_id: Mapped[str | None] = mapped_column(String(64), unique=True)
