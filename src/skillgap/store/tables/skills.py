"""Proficiency scales, frameworks (capability groups, competencies), occupations and
roles with their requirements.
"""

from __future__ import annotations

import sqlalchemy as sa

from skillgap.store.tables.base import JSON, competency_fk, id_column, metadata

scales = sa.Table(
    "scales",
    metadata,
    id_column(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
)

scale_levels = sa.Table(
    "scale_levels",
    metadata,
    sa.Column("scale_id", sa.ForeignKey("scales.id"), primary_key=True),
    sa.Column("value", sa.Integer, primary_key=True),
    sa.Column("label", sa.String, nullable=False),
    sa.Column("canonical", sa.Float, nullable=False),
    sa.Column("descriptor", sa.Text, nullable=False),
)

frameworks = sa.Table(
    "frameworks",
    metadata,
    id_column(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("version", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("scale_id", sa.ForeignKey("scales.id"), nullable=False),
    # added in 0003
    sa.Column("uri", sa.String),
    sa.Column("extra", JSON),
)

capability_groups = sa.Table(
    "capability_groups",
    metadata,
    sa.Column("framework_id", sa.ForeignKey("frameworks.id"), primary_key=True),
    sa.Column("code", sa.String, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("parent", sa.String),
    # added in 0003
    sa.Column("uri", sa.String),
    sa.Column("extra", JSON),
)

competencies = sa.Table(
    "competencies",
    metadata,
    sa.Column("framework_id", sa.ForeignKey("frameworks.id"), primary_key=True),
    sa.Column("code", sa.String, primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("group_code", sa.String),
    sa.Column("kind", sa.String(8), nullable=False),
    sa.Column("uri", sa.String, index=True),
    sa.Column("alt_labels", JSON, nullable=False),
    # added in 0003 (nullable: rows of older workspaces have none)
    sa.Column("skill_type", sa.String),
    sa.Column("reuse_level", sa.String),
    sa.Column("retired", sa.Boolean),
    sa.Column("extra", JSON),
)


occupations = sa.Table(
    "occupations",
    metadata,
    id_column(),  # framework:code
    sa.Column("framework_id", sa.ForeignKey("frameworks.id"), nullable=False, index=True),
    sa.Column("code", sa.String, nullable=False),
    sa.Column("title", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("uri", sa.String),
    sa.Column("alt_titles", JSON, nullable=False),
    sa.Column("level_scale", sa.String),
    sa.Column("extra", JSON),
)

occupation_skills = sa.Table(
    "occupation_skills",
    metadata,
    sa.Column("occupation_id", sa.ForeignKey("occupations.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("framework_id", sa.String, nullable=False),
    sa.Column("competency_code", sa.String, nullable=False),
    sa.Column("relation", sa.String(16), nullable=False),
    sa.Column("importance", sa.Float),
    sa.Column("level", sa.Float),
    competency_fk("occupation_skills"),
)

roles = sa.Table(
    "roles",
    metadata,
    id_column(),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("description", sa.Text, nullable=False),
    sa.Column("family", sa.String, nullable=False),
)

requirements = sa.Table(
    "requirements",
    metadata,
    sa.Column("role_id", sa.ForeignKey("roles.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("framework_id", sa.String, nullable=False),
    sa.Column("competency_code", sa.String, nullable=False),
    sa.Column("level", sa.Integer, nullable=False),
    sa.Column("importance", sa.String(16), nullable=False),
    sa.Column("horizon", sa.Date),
    competency_fk("requirements"),
)
