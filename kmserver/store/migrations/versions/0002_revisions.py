"""Working copies and published revisions, review submissions, the audit trail.

Every document that was published becomes a working copy (its CRDT, as
before) with one published revision: its current text, title and topics,
published by whoever changed it last, at that time. Drafts stay drafts
(no revision). The revision's CRDT is the working copy's state with deleted
text garbage-collected, so no unpublished text reaches a reader; a
``LOG_PUBLISH`` entry per revision lets readers' clients pick it up.

Self-contained on purpose (pycrdt and SQLAlchemy Core only): later changes
to the application's code must not change what this migration does.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from pycrdt import Doc, Text, merge_updates

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SeqType = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)
LOG_UPDATE, LOG_PUBLISH = 0, 3
NOTE = "Published before kmdesk kept revisions"


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(
            sa.Column("published_rev", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("pub_seq", SeqType, nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("review_required", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("review_every", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("verified_at", Stamp, nullable=True))
        batch.add_column(sa.Column("verified_by", sa.String(200), nullable=True))
        batch.add_column(
            sa.Column("pending_authors", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
    op.create_table(
        "revisions",
        sa.Column("doc_id", sa.String(200), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("published_by", sa.String(200), nullable=True),
        sa.Column("published_at", Stamp, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("contributors", sa.JSON(), nullable=False),
        sa.Column("restored_from", sa.Integer(), nullable=True),
        sa.Column("submitted_by", sa.String(200), nullable=True),
        sa.Column("seq", SeqType, nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "number"),
    )
    op.create_table(
        "submissions",
        sa.Column("doc_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("submitted_at", Stamp, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("state", sa.LargeBinary(), nullable=False),
        sa.Column("contributors", sa.JSON(), nullable=False),
        sa.Column("base_rev", sa.Integer(), nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", Stamp, nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("doc_id"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", SeqType, autoincrement=True, nullable=False),
        sa.Column("at", Stamp, nullable=False),
        sa.Column("actor", sa.String(200), nullable=True),
        sa.Column("action", sa.String(40), nullable=False),
        sa.Column("doc_id", sa.String(200), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("request_id", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("request_id"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_audit_doc_at", "audit_log", ["doc_id", "id"])
    op.create_index("ix_audit_actor", "audit_log", ["actor", "id"])
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    _publish_existing()


def _publish_existing() -> None:
    bind = op.get_bind()
    meta = sa.MetaData()
    documents = sa.Table("documents", meta, autoload_with=bind)
    log = sa.Table("update_log", meta, autoload_with=bind)
    revisions = sa.Table("revisions", meta, autoload_with=bind)
    audit = sa.Table("audit_log", meta, autoload_with=bind)
    now = datetime.now(UTC)
    published = 0
    rows = bind.execute(sa.select(documents).where(documents.c.deleted.is_(False))).all()
    for row in rows:
        if row.status != "published":
            bind.execute(
                documents.update()
                .where(documents.c.id == row.id)
                .values(status="draft", pub_seq=row.changed_seq)
            )
            continue
        updates = bind.scalars(
            sa.select(log.c.data)
            .where(log.c.doc_id == row.id, log.c.kind == LOG_UPDATE)
            .order_by(log.c.seq)
        ).all()
        doc = Doc()
        doc["body"] = text = Text()
        if updates:
            doc.apply_update(updates[0] if len(updates) == 1 else merge_updates(*updates))
        snapshot = doc.get_update()  # applied in a Doc: deleted text is collected
        by = row.updated_by or row.owner
        at = row.updated_at or now
        seq = bind.execute(
            log.insert()
            .values(
                doc_id=row.id,
                kind=LOG_PUBLISH,
                data=snapshot,
                author=by,
                writer="migration-0002",
                created_at=now,
            )
            .returning(log.c.seq)
        ).scalar_one()
        bind.execute(
            revisions.insert().values(
                doc_id=row.id,
                number=1,
                title=row.title,
                topics=list(row.topics or ()),
                body_text=str(text),
                state=snapshot,
                published_by=by,
                published_at=at,
                note=NOTE,
                contributors=[],
                seq=seq,
            )
        )
        bind.execute(
            documents.update()
            .where(documents.c.id == row.id)
            .values(
                published_rev=1,
                pub_seq=seq,
                changed_seq=seq,
                verified_at=at,
                verified_by=by,
            )
        )
        published += 1
    bind.execute(
        audit.insert().values(
            at=now,
            actor=None,
            action="upgrade",
            doc_id=None,
            detail={"to": "revisions", "published": published, "drafts": len(rows) - published},
        )
    )


def downgrade() -> None:
    raise NotImplementedError("revisions cannot be taken back out of a database; restore a backup")
