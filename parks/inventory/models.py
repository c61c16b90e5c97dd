"""Tables of the inventory store: lots and their history, drive times, leads, users, audit log.

One schema serves both back-ends. Geometries are WKB in SQLite and PostGIS ``geometry``
(EPSG:4326, GeoAlchemy2) in PostgreSQL; :class:`GeometryType` hides the difference and hands
shapely geometries in and out. The schema is created and changed only by the Alembic
migrations in ``parks/inventory/migrations`` (a test checks the two agree).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import shapely
from geoalchemy2 import Geometry
from geoalchemy2.elements import WKBElement
from geoalchemy2.shape import to_shape
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator, TypeEngine

SRID = 4326
"""Stored geometries are lon/lat (WEB_CRS), as in the embedded GeoPackage."""

# Bounds of free-text columns: every input has a size limit (forms check them first).
NAME_LEN = 64
FIRM_LEN = 200
NOTE_LEN = 4000
REASON_LEN = 500


class GeometryType(TypeDecorator[Any]):
    """A shapely geometry: WKB in SQLite, a PostGIS geometry (SRID 4326) in PostgreSQL."""

    impl = LargeBinary
    cache_ok = True
    # read by GeoAlchemy2's DDL hooks, which inspect every column type
    geometry_type = "GEOMETRY"
    srid = SRID
    dimension = 2
    spatial_index = False

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """Use GeoAlchemy2's Geometry on PostgreSQL and plain bytes elsewhere."""
        if dialect is not None and dialect.name == "postgresql":
            return dialect.type_descriptor(
                Geometry(geometry_type="GEOMETRY", srid=SRID, spatial_index=False)
            )
        return LargeBinary() if dialect is None else dialect.type_descriptor(LargeBinary())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        """Write a shapely geometry as WKB (an EWKB element on PostGIS)."""
        if value is None:
            return None
        wkb = shapely.to_wkb(value)
        if dialect.name == "postgresql":
            return WKBElement(wkb, srid=SRID)
        return wkb

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        """Read WKB (or a GeoAlchemy2 element) back into a shapely geometry."""
        if value is None:
            return None
        if dialect.name == "postgresql":
            return to_shape(value)
        return shapely.from_wkb(bytes(value))


class Base(DeclarativeBase):
    """Declarative base of the store's tables."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StoreMeta(Base):
    """Key/value facts about the store (the baseline it was filled from)."""

    __tablename__ = "store_meta"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class StoreRevision(Base):
    """One row counting committed lot changes; readers rebuild their views when it moves."""

    __tablename__ = "store_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class User(Base):
    """A staff member who signs in: ``staff`` edit lots and leads, ``admin`` also users/imports."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class LotRecord(Base):
    """A lot as it stands now: the published fields plus the staff-only ones.

    ``version`` grows by one with every accepted change (optimistic locking). Public code
    reads only :data:`parks.inventory.current.PUBLIC_COLUMNS`.
    """

    __tablename__ = "lots"

    lot_id: Mapped[str] = mapped_column(String(120), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    park_id: Mapped[str] = mapped_column(String(32), index=True)
    lot_no: Mapped[str] = mapped_column(String(40))
    phase: Mapped[float | None] = mapped_column(Float)
    area_m2: Mapped[float] = mapped_column(Float)
    published_area_m2: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), index=True)
    available_from: Mapped[dt.date | None] = mapped_column(Date)
    price_per_m2: Mapped[float | None] = mapped_column(Float)
    occupant: Mapped[str | None] = mapped_column(String(FIRM_LEN))
    source: Mapped[str | None] = mapped_column(Text)
    is_illustrative: Mapped[bool] = mapped_column(Boolean, default=False)
    illustrative_reason: Mapped[str | None] = mapped_column(Text)
    geometry: Mapped[Any] = mapped_column(GeometryType)
    verified_on: Mapped[dt.date | None] = mapped_column(Date)
    # staff only: never published
    notes: Mapped[str | None] = mapped_column(String(NOTE_LEN))
    negotiating_firm: Mapped[str | None] = mapped_column(String(FIRM_LEN))
    negotiation_expires: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str | None] = mapped_column(String(NAME_LEN))


class LotEdit(Base):
    """One accepted change to one lot: who, when, the fields before and after, and why.

    ``kind`` is ``status`` (a workflow move), ``edit`` (price, dates, notes), ``expiry``
    (a negotiation that ran out), ``import`` (an official lot layer) or ``baseline``.
    """

    __tablename__ = "lot_edits"
    __table_args__ = (Index("ix_lot_edits_lot_id_version", "lot_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lot_id: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    user_name: Mapped[str] = mapped_column(String(NAME_LEN))
    before: Mapped[str] = mapped_column(Text)
    after: Mapped[str] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(String(REASON_LEN))


class LotStatusEvent(Base):
    """A public status-history row (same shape as the baseline's ``lot_events`` layer)."""

    __tablename__ = "lot_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lot_id: Mapped[str] = mapped_column(String(120), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str | None] = mapped_column(Text)
    is_inferred: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    from_baseline: Mapped[bool] = mapped_column(Boolean, default=False)


class LotAccessRow(Base):
    """Drive minutes and metres from one lot to one destination under one speed profile."""

    __tablename__ = "lot_access"
    __table_args__ = (Index("ix_lot_access_lot_profile", "lot_id", "profile"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lot_id: Mapped[str] = mapped_column(String(120))
    destination_id: Mapped[str] = mapped_column(String(64))
    profile: Mapped[str] = mapped_column(String(32))
    minutes: Mapped[float | None] = mapped_column(Float)
    metres: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str | None] = mapped_column(Text)


class RouteRow(Base):
    """The drawn route from a lot to its nearest destination of a kind (``routes`` layer)."""

    __tablename__ = "routes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lot_id: Mapped[str] = mapped_column(String(120), index=True)
    properties: Mapped[str] = mapped_column(Text)
    geometry: Mapped[Any] = mapped_column(GeometryType)


class Lead(Base):
    """An enquiry from a firm (問い合わせ): who, what it needs, and where it stands. Confidential."""

    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    firm: Mapped[str] = mapped_column(String(FIRM_LEN))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    profile: Mapped[str] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(String(2000))
    consent: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str] = mapped_column(String(16))
    stage: Mapped[str] = mapped_column(String(16), index=True)
    next_action: Mapped[str | None] = mapped_column(String(300))
    next_action_on: Mapped[dt.date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(String(NOTE_LEN))
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1)


class LeadLot(Base):
    """A lot a lead is interested in."""

    __tablename__ = "lead_lots"
    __table_args__ = (UniqueConstraint("lead_id", "lot_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    lot_id: Mapped[str] = mapped_column(String(120))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class AuditEntry(Base):
    """Who did what outside the lot history: sign-ins, users, imports, lead changes."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    user_name: Mapped[str | None] = mapped_column(String(NAME_LEN))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))
    detail: Mapped[str | None] = mapped_column(Text)


class PendingImport(Base):
    """An uploaded lot file waiting for confirmation (kept in the store: no temporary files)."""

    __tablename__ = "pending_imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    user_name: Mapped[str] = mapped_column(String(NAME_LEN))
    filename: Mapped[str] = mapped_column(String(200))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    base_revision: Mapped[int] = mapped_column(Integer)


class StaffSession(Base):
    """A sign-in: the browser holds a random token, the store only its SHA-256.

    Signing out (or disabling the account, or a new password) deletes the row, so a copy of
    the session cookie taken earlier no longer signs anyone in.
    """

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=_now, index=True
    )


class LoginFailure(Base):
    """A refused sign-in, counted per client address and per account name (throttling).

    Kept in the store so every server process (gunicorn worker) sees the same counts.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN), index=True)
