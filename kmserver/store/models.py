"""SQLAlchemy tables: accounts, session tokens, documents and the update log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# SQLite only makes INTEGER PRIMARY KEY an alias of the rowid; BigInteger elsewhere.
SeqType = BigInteger().with_variant(Integer(), "sqlite")

LOG_UPDATE = 0  # a CRDT update of the document's Y.Doc
LOG_META = 1  # a metadata change; carries no data, only takes a sequence number
LOG_RECORD = 2  # a flag, comment, note, watch or notification changed; data: its JSON envelope
LOG_PUBLISH = 3  # a revision was published; data: the update from the previous published CRDT


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(SeqType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)  # unused since 0.2
    # When an admin last lifted this user's sign-in lockout (``kmserver user unlock``,
    # or a new password); running servers forget the user's failures within 2 s. The
    # column keeps its 0.1.0 name: it held the old lockout's end, which lived here.
    unlocked_at: Mapped[datetime | None] = mapped_column("locked_until", DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SessionToken(Base):
    __tablename__ = "session_tokens"

    # sha256 of the token: a stolen database yields no usable tokens.
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    label: Mapped[str] = mapped_column(String(200), default="")


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    audience: Mapped[list[str]] = mapped_column(JSON, default=list)
    owner: Mapped[str | None] = mapped_column(String(200))
    editors: Mapped[list[str]] = mapped_column(JSON, default=list)
    # draft (never published), published, archived (see docs/revisions.md)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    deleted: Mapped[bool] = mapped_column(default=False)
    # Plain Markdown source beside the CRDT, for export and search.
    body_text: Mapped[str] = mapped_column(Text, default="")
    # Highest log sequence number that touched this document (update or meta).
    changed_seq: Mapped[int] = mapped_column(SeqType, default=0, index=True)
    update_rows: Mapped[int] = mapped_column(Integer, default=0)  # rows since compaction
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(200))
    # The latest published revision (0: none yet), and the newest log entry a
    # reader sees (a publication or a metadata change), for readers' delta sync.
    published_rev: Mapped[int] = mapped_column(Integer, default=0)
    pub_seq: Mapped[int] = mapped_column(SeqType, default=0)
    review_required: Mapped[bool] = mapped_column(default=False)
    review_every: Mapped[int | None] = mapped_column(Integer)  # days; None: server default
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verified_by: Mapped[str | None] = mapped_column(String(200))
    # Who changed the working copy since the latest revision (its contributors).
    pending_authors: Mapped[list[str]] = mapped_column(JSON, default=list)


class LogEntry(Base):
    """Append-only log; ``seq`` is the global order every client cursor refers to."""

    __tablename__ = "update_log"
    __table_args__ = (
        Index("ix_update_log_doc_seq", "doc_id", "seq"),
        # AUTOINCREMENT: a sequence number is never reused, even after compaction.
        {"sqlite_autoincrement": True},
    )

    seq: Mapped[int] = mapped_column(SeqType, primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[int] = mapped_column(Integer, default=LOG_UPDATE)
    data: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    author: Mapped[str | None] = mapped_column(String(200))
    # Which process wrote it, so a server can tell its own writes from a CLI import.
    writer: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
