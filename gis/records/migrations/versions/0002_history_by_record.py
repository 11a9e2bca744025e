"""history looked up by record

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04

New records take an id no record of their kind has ever had (the
history remembers deleted ones), which is looked up here, as is the
last change of a record when a stale edit is refused.
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("vp_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_vp_history_kind_record_id", ["kind", "record_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("vp_history", schema=None) as batch_op:
        batch_op.drop_index("ix_vp_history_kind_record_id")
