"""Credentials and the evidence of levels held: issuers, achievements and their alignments
to competencies, awards, observations (from ratings and from credentials), and the
credentials the organisation issued itself.
"""

from __future__ import annotations

import sqlalchemy as sa

from skillgap.store.tables.base import JSON, UTCDateTime, competency_fk, id_column, metadata

issuers = sa.Table(
    "issuers",
    metadata,
    id_column(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("url", sa.String),
    sa.Column("email", sa.String),
    sa.Column("tier", sa.String(24), nullable=False),
)

achievements = sa.Table(
    "achievements",
    metadata,
    id_column(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("issuer_id", sa.ForeignKey("issuers.id"), nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("criteria", sa.Text, nullable=False),
    sa.Column("achievement_type", sa.String, nullable=False),
    sa.Column("assessment", sa.String(24), nullable=False),
    sa.Column("valid_for_days", sa.Integer),
    sa.Column("stackable_into", JSON, nullable=False),
)

alignments = sa.Table(
    "alignments",
    metadata,
    sa.Column("achievement_id", sa.ForeignKey("achievements.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("target_name", sa.String, nullable=False),
    sa.Column("framework_id", sa.String),
    sa.Column("competency_code", sa.String),
    sa.Column("level", sa.Integer),
    sa.Column("target_url", sa.String),
    sa.Column("status", sa.String(16), nullable=False),
    competency_fk("alignments"),
)

awards = sa.Table(
    "awards",
    metadata,
    id_column(),
    sa.Column("achievement_id", sa.ForeignKey("achievements.id"), nullable=False),
    sa.Column("recipient", sa.String, nullable=False),
    sa.Column("person_id", sa.ForeignKey("people.employee_id"), index=True),
    sa.Column("issued_on", UTCDateTime, nullable=False),
    sa.Column("expires_on", UTCDateTime),
    sa.Column("evidence", JSON, nullable=False),
    sa.Column("verification", JSON),
    sa.Column("source", sa.Text, nullable=False),
    # added in 0004 (nullable: awards of older workspaces have none; read as "")
    sa.Column("format", sa.String),
    sa.Column("document", sa.Text),
)

observations = sa.Table(
    "observations",
    metadata,
    id_column(),
    sa.Column("person_id", sa.ForeignKey("people.employee_id"), nullable=False, index=True),
    sa.Column("framework_id", sa.String, nullable=False),
    sa.Column("competency_code", sa.String, nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("scale_id", sa.ForeignKey("scales.id"), nullable=False),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("observed_on", sa.Date, nullable=False),
    sa.Column("confidence", sa.Float, nullable=False),
    sa.Column("provenance", sa.Text, nullable=False),
    sa.Column("award_id", sa.ForeignKey("awards.id")),
    competency_fk("observations"),
)

# added in 0005: credentials the organisation issued and signed itself. The signing key is
# never stored here; each row keeps the credential as handed out and its status list index.
issued_credentials = sa.Table(
    "issued_credentials",
    metadata,
    id_column(),  # the credential's id (urn:uuid:...), also the id of the person's award
    sa.Column("award_id", sa.ForeignKey("awards.id"), nullable=False),
    sa.Column("person_id", sa.ForeignKey("people.employee_id"), nullable=False, index=True),
    sa.Column("achievement_id", sa.ForeignKey("achievements.id"), nullable=False),
    sa.Column("status_index", sa.Integer, nullable=False, unique=True),
    sa.Column("format", sa.String(8), nullable=False),
    sa.Column("issued_on", UTCDateTime, nullable=False),
    sa.Column("expires_on", UTCDateTime),
    sa.Column("revoked", sa.Boolean, nullable=False),
    sa.Column("revoked_on", UTCDateTime),
    sa.Column("revocation_reason", sa.Text),
    sa.Column("document", sa.Text, nullable=False),
)
