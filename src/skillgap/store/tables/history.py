"""Dated snapshots of the organisation's gaps: totals, a row per person, a line per
requirement.
"""

from __future__ import annotations

import sqlalchemy as sa

from skillgap.store.tables.base import UTCDateTime, id_column, metadata

# added in 0006: dated snapshots of the organisation's gaps, kept as they were computed. No
# foreign keys to people, roles or competencies: history outlives what it names, and must
# never stop a framework or a role from being replaced.
snapshots = sa.Table(
    "snapshots",
    metadata,
    id_column(),
    sa.Column("taken_at", UTCDateTime, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False, index=True),
    sa.Column("reason", sa.String, nullable=False),
    # totals, so that listing snapshots reads no rows
    sa.Column("people", sa.Integer, nullable=False),
    sa.Column("assessed", sa.Integer, nullable=False),
    sa.Column("readiness_verified", sa.Float),
    sa.Column("readiness_best", sa.Float),
    sa.Column("ahead_verified", sa.Float),
    sa.Column("ahead_best", sa.Float),
    sa.Column("open_verified", sa.Integer, nullable=False),
    sa.Column("open_best", sa.Integer, nullable=False),
)

snapshot_people = sa.Table(
    "snapshot_people",
    metadata,
    sa.Column("snapshot_id", sa.ForeignKey("snapshots.id"), primary_key=True),
    sa.Column("person_id", sa.String, primary_key=True),
    sa.Column("department", sa.String),
    sa.Column("team", sa.String),
    sa.Column("role_id", sa.String, nullable=False),
    sa.Column("readiness_verified", sa.Float, nullable=False),
    sa.Column("readiness_best", sa.Float, nullable=False),
    sa.Column("horizon", sa.Date),
    sa.Column("horizon_readiness_verified", sa.Float),
    sa.Column("horizon_readiness_best", sa.Float),
)

snapshot_lines = sa.Table(
    "snapshot_lines",
    metadata,
    sa.Column("snapshot_id", sa.String, primary_key=True),
    sa.Column("person_id", sa.String, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("framework_id", sa.String, nullable=False),
    sa.Column("competency_code", sa.String, nullable=False),
    sa.Column("importance", sa.String(16), nullable=False),
    sa.Column("required", sa.Float, nullable=False),
    sa.Column("held_verified", sa.Float),
    sa.Column("held_best", sa.Float),
    # No foreign key to snapshot_people, deliberately: lines are written once, only by the
    # snapshot mapper and only with their person's row, and checking one per line doubled
    # the time to store a snapshot of 100,000 people x 20 lines on PostgreSQL (21 s -> 9 s).
)

# added in 0009: what changed from each snapshot to the next, person by person, so that a
# person's progress is one read by person id however many snapshots there are. Derived
# from the snapshots' rows (``analysis.progress.period_changes``) when a snapshot is taken;
# a period not listed in snapshot_periods is computed from the rows when read.
snapshot_periods = sa.Table(
    "snapshot_periods",
    metadata,
    sa.Column("snapshot_id", sa.ForeignKey("snapshots.id"), primary_key=True),  # its end
    sa.Column("previous_id", sa.ForeignKey("snapshots.id"), nullable=False),  # its start
)

snapshot_changes = sa.Table(
    "snapshot_changes",
    metadata,
    sa.Column("person_id", sa.String, primary_key=True),
    sa.Column("snapshot_id", sa.String, primary_key=True, index=True),  # the period's end
    sa.Column("verified", sa.Boolean, primary_key=True),  # the view
    sa.Column("department", sa.String),  # the person's, at the period's end
    sa.Column("role_id", sa.String),
    sa.Column("readiness_before", sa.Float),  # both NULL: readiness did not move
    sa.Column("readiness_after", sa.Float),
    # JSON lists of [framework, code, importance, required before, required after, held
    # before, held after, cause]; no foreign key, as for snapshot_lines (written once, only
    # with their period's row)
    sa.Column("closed", sa.Text, nullable=False),
    sa.Column("opened", sa.Text, nullable=False),
)
