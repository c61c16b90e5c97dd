"""Initial store: lots, their history and drive times, leads, users, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from parks.inventory.models import GeometryType

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("firm", sa.String(length=200), nullable=False),
        sa.Column("contact_name", sa.String(length=100), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("profile", sa.Text(), nullable=False),
        sa.Column("message", sa.String(length=2000), nullable=True),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("next_action", sa.String(length=300), nullable=True),
        sa.Column("next_action_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.String(length=4000), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_leads_stage"), ["stage"], unique=False)

    op.create_table(
        "lot_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.String(length=120), nullable=False),
        sa.Column("destination_id", sa.String(length=64), nullable=False),
        sa.Column("profile", sa.String(length=32), nullable=False),
        sa.Column("minutes", sa.Float(), nullable=True),
        sa.Column("metres", sa.Float(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lot_access", schema=None) as batch_op:
        batch_op.create_index("ix_lot_access_lot_profile", ["lot_id", "profile"], unique=False)

    op.create_table(
        "lot_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lot_edits", schema=None) as batch_op:
        batch_op.create_index("ix_lot_edits_lot_id_version", ["lot_id", "version"], unique=False)

    op.create_table(
        "lot_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.String(length=120), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("is_inferred", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("from_baseline", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lot_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lot_events_lot_id"), ["lot_id"], unique=False)

    op.create_table(
        "lots",
        sa.Column("lot_id", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("park_id", sa.String(length=32), nullable=False),
        sa.Column("lot_no", sa.String(length=40), nullable=False),
        sa.Column("phase", sa.Float(), nullable=True),
        sa.Column("area_m2", sa.Float(), nullable=False),
        sa.Column("published_area_m2", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("available_from", sa.Date(), nullable=True),
        sa.Column("price_per_m2", sa.Float(), nullable=True),
        sa.Column("occupant", sa.String(length=200), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("is_illustrative", sa.Boolean(), nullable=False),
        sa.Column("illustrative_reason", sa.Text(), nullable=True),
        sa.Column("geometry", GeometryType(), nullable=False),
        sa.Column("verified_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.String(length=4000), nullable=True),
        sa.Column("negotiating_firm", sa.String(length=200), nullable=True),
        sa.Column("negotiation_expires", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("lot_id"),
    )
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lots_park_id"), ["park_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lots_status"), ["status"], unique=False)

    op.create_table(
        "pending_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_name", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("base_revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    op.create_table(
        "routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.String(length=120), nullable=False),
        sa.Column("properties", sa.Text(), nullable=False),
        sa.Column("geometry", GeometryType(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("routes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_routes_lot_id"), ["lot_id"], unique=False)

    op.create_table(
        "store_meta",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "store_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "lead_lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.String(length=120), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["leads.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lead_id", "lot_id"),
    )
    with op.batch_alter_table("lead_lots", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lead_lots_lead_id"), ["lead_id"], unique=False)

    op.bulk_insert(
        sa.table("store_revision", sa.column("id"), sa.column("value")), [{"id": 1, "value": 0}]
    )
    if op.get_bind().dialect.name == "postgresql":
        # spatial indexes for the lot and route outlines (PostGIS)
        op.create_index("ix_lots_geometry", "lots", ["geometry"], postgresql_using="gist")
        op.create_index("ix_routes_geometry", "routes", ["geometry"], postgresql_using="gist")


def downgrade() -> None:
    with op.batch_alter_table("lead_lots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lead_lots_lead_id"))

    op.drop_table("lead_lots")
    op.drop_table("users")
    op.drop_table("store_revision")
    op.drop_table("store_meta")
    with op.batch_alter_table("routes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_routes_lot_id"))

    op.drop_table("routes")
    op.drop_table("pending_imports")
    with op.batch_alter_table("lots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lots_status"))
        batch_op.drop_index(batch_op.f("ix_lots_park_id"))

    op.drop_table("lots")
    with op.batch_alter_table("lot_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_events_lot_id"))

    op.drop_table("lot_events")
    with op.batch_alter_table("lot_edits", schema=None) as batch_op:
        batch_op.drop_index("ix_lot_edits_lot_id_version")

    op.drop_table("lot_edits")
    with op.batch_alter_table("lot_access", schema=None) as batch_op:
        batch_op.drop_index("ix_lot_access_lot_profile")

    op.drop_table("lot_access")
    with op.batch_alter_table("leads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_leads_stage"))

    op.drop_table("leads")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
