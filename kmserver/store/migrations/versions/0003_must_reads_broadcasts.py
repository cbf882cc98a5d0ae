"""Must-read revisions and their acknowledgements, early-warning broadcasts.

New tables only (docs/attention.md).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SeqType = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Stamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "must_reads",
        sa.Column("doc_id", sa.String(200), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("due_at", Stamp, nullable=True),
        sa.Column("remind_every", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("reminded", sa.Integer(), nullable=False),
        sa.Column("escalated_at", Stamp, nullable=True),
        sa.Column("seq", SeqType, nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "rev"),
    )
    op.create_index("ix_must_reads_seq", "must_reads", ["seq"])
    op.create_table(
        "acks",
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("doc_id", sa.String(200), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("opened_at", Stamp, nullable=True),
        sa.Column("acked_at", Stamp, nullable=True),
        sa.Column("seq", SeqType, nullable=False),
        sa.PrimaryKeyConstraint("user", "doc_id", "rev"),
    )
    op.create_index("ix_acks_seq", "acks", ["seq"])
    op.create_table(
        "broadcasts",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("link", sa.String(200), nullable=True),
        sa.Column("created_by", sa.String(200), nullable=True),
        sa.Column("created_at", Stamp, nullable=False),
        sa.Column("expires_at", Stamp, nullable=False),
        sa.Column("ended_at", Stamp, nullable=True),
        sa.Column("ended_by", sa.String(200), nullable=True),
        sa.Column("create_hash", sa.String(64), nullable=False),
        sa.Column("seq", SeqType, nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_broadcasts_seq", "broadcasts", ["seq"])
    op.create_table(
        "must_read_received",
        sa.Column("doc_id", sa.String(200), nullable=False),
        sa.Column("rev", sa.Integer(), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("doc_id", "rev", "user"),
    )
    op.create_table(
        "broadcast_seen",
        sa.Column("broadcast_id", sa.String(64), nullable=False),
        sa.Column("user", sa.String(200), nullable=False),
        sa.Column("at", Stamp, nullable=False),
        sa.PrimaryKeyConstraint("broadcast_id", "user"),
    )


def downgrade() -> None:
    for table in ("broadcast_seen", "must_read_received", "broadcasts", "acks", "must_reads"):
        op.drop_table(table)
