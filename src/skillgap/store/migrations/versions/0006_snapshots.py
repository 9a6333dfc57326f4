"""Snapshots: the organisation's gaps as of a date, per person and requirement.

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-11
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("id", sa.String, nullable=False),
        sa.Column("taken_at", sa.DateTime, nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("reason", sa.String, nullable=False),
        sa.Column("people", sa.Integer, nullable=False),
        sa.Column("assessed", sa.Integer, nullable=False),
        sa.Column("readiness_verified", sa.Float),
        sa.Column("readiness_best", sa.Float),
        sa.Column("ahead_verified", sa.Float),
        sa.Column("ahead_best", sa.Float),
        sa.Column("open_verified", sa.Integer, nullable=False),
        sa.Column("open_best", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_snapshots"),
    )
    op.create_index("ix_snapshots_as_of", "snapshots", ["as_of"])
    op.create_table(
        "snapshot_people",
        sa.Column("snapshot_id", sa.String, nullable=False),
        sa.Column("person_id", sa.String, nullable=False),
        sa.Column("department", sa.String),
        sa.Column("team", sa.String),
        sa.Column("role_id", sa.String, nullable=False),
        sa.Column("readiness_verified", sa.Float, nullable=False),
        sa.Column("readiness_best", sa.Float, nullable=False),
        sa.Column("horizon", sa.Date),
        sa.Column("horizon_readiness_verified", sa.Float),
        sa.Column("horizon_readiness_best", sa.Float),
        sa.PrimaryKeyConstraint("snapshot_id", "person_id", name="pk_snapshot_people"),
        sa.ForeignKeyConstraint(
            ["snapshot_id"], ["snapshots.id"], name="fk_snapshot_people_snapshot_id_snapshots"
        ),
    )
    op.create_table(
        "snapshot_lines",
        sa.Column("snapshot_id", sa.String, nullable=False),
        sa.Column("person_id", sa.String, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("framework_id", sa.String, nullable=False),
        sa.Column("competency_code", sa.String, nullable=False),
        sa.Column("importance", sa.String(16), nullable=False),
        sa.Column("required", sa.Float, nullable=False),
        sa.Column("held_verified", sa.Float),
        sa.Column("held_best", sa.Float),
        sa.PrimaryKeyConstraint("snapshot_id", "person_id", "position", name="pk_snapshot_lines"),
        # no foreign key to snapshot_people, deliberately: see store/tables/history.py
    )


def downgrade() -> None:
    op.drop_table("snapshot_lines")
    op.drop_table("snapshot_people")
    op.drop_index("ix_snapshots_as_of", table_name="snapshots")
    op.drop_table("snapshots")
