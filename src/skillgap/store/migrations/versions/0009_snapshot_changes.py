"""Snapshot periods: what changed for each person from one snapshot to the next.

Revision ID: 0009
Revises: 0008
Create Date: 2027-03-01

The tables start empty: a period not stored is computed from the snapshots' rows when it is
read, and the next snapshot taken stores every period still missing (see
``services.snapshots.store_periods``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshot_periods",
        sa.Column("snapshot_id", sa.String, nullable=False),
        sa.Column("previous_id", sa.String, nullable=False),
        sa.PrimaryKeyConstraint("snapshot_id", name="pk_snapshot_periods"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name="fk_snapshot_periods_snapshot_id_snapshots"
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"], ["snapshots.id"], name="fk_snapshot_periods_previous_id_snapshots"
        ),
    )
    op.create_table(
        "snapshot_changes",
        sa.Column("person_id", sa.String, nullable=False),
        sa.Column("snapshot_id", sa.String, nullable=False),
        sa.Column("verified", sa.Boolean, nullable=False),
        sa.Column("department", sa.String),
        sa.Column("role_id", sa.String),
        sa.Column("readiness_before", sa.Float),
        sa.Column("readiness_after", sa.Float),
        sa.Column("closed", sa.Text, nullable=False),
        sa.Column("opened", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("person_id", "snapshot_id", "verified", name="pk_snapshot_changes"),
    )
    op.create_index("ix_snapshot_changes_snapshot_id", "snapshot_changes", ["snapshot_id"])


def downgrade() -> None:
    op.drop_index("ix_snapshot_changes_snapshot_id", table_name="snapshot_changes")
    op.drop_table("snapshot_changes")
    op.drop_table("snapshot_periods")
