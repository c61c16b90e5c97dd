"""Filling an empty store from the published baseline (the embedded GeoPackage)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from parks.data import Layers, gpkg_path, load_layers
from parks.inventory.models import (
    LotAccessRow,
    LotEdit,
    LotRecord,
    LotStatusEvent,
    RouteRow,
)
from parks.inventory.store import (
    BASELINE_KEY,
    Store,
    bump_revision,
    file_fingerprint,
    meta_value,
    set_meta,
)

log = logging.getLogger(__name__)

BASELINE_USER = "baseline"
"""``user_name`` of rows copied from the published baseline."""


def missing(value: Any) -> bool:
    """Return True for None, NaN and empty strings (how the layers spell 'not known')."""
    if value is None:
        return True
    if isinstance(value, float) and pd.isna(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def to_date(value: Any) -> dt.date | None:
    """Read an ISO date column value (None when missing)."""
    if missing(value):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def to_float(value: Any) -> float | None:
    """Read a number column value (None when missing)."""
    return None if missing(value) else float(value)


def to_text(value: Any) -> str | None:
    """Read a text column value (None when missing)."""
    return None if missing(value) else str(value)


def lot_rows(lots: gpd.GeoDataFrame, *, start: int = 0) -> list[dict[str, Any]]:
    """Return store rows for a lot layer (public columns; staff fields empty)."""
    rows = []
    for k, lot in enumerate(lots.itertuples(index=False)):
        rows.append(
            {
                "lot_id": str(lot.lot_id),
                "position": start + k,
                "park_id": str(lot.park_id),
                "lot_no": str(lot.lot_no),
                "phase": to_float(lot.phase),
                "area_m2": float(lot.area_m2),
                "published_area_m2": to_float(lot.published_area_m2),
                "status": str(lot.status),
                "available_from": to_date(lot.available_from),
                "price_per_m2": to_float(lot.price_per_m2),
                "occupant": to_text(lot.occupant),
                "source": to_text(lot.source),
                "is_illustrative": bool(lot.is_illustrative),
                "illustrative_reason": to_text(lot.illustrative_reason),
                "geometry": lot.geometry,
                "version": 1,
            }
        )
    return rows


def access_rows(table: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Return store rows for a ``lot_access`` table."""
    if table is None or table.empty:
        return []
    return [
        {
            "lot_id": str(r.lot_id),
            "destination_id": str(r.destination_id),
            "profile": str(r.profile),
            "minutes": to_float(r.minutes),
            "metres": to_float(r.metres),
            "source": to_text(getattr(r, "source", None)),
        }
        for r in table.itertuples(index=False)
    ]


def route_rows(routes: pd.DataFrame | None) -> list[dict[str, Any]]:
    """Return store rows for a ``routes`` layer (properties kept as JSON)."""
    if routes is None or routes.empty:
        return []
    props = [c for c in routes.columns if c not in ("geometry", "lot_id")]
    rows = []
    for record, geom in zip(
        routes[["lot_id", *props]].to_dict("records"), routes.geometry, strict=True
    ):
        lot_id = str(record.pop("lot_id"))
        clean = {k: (None if missing(v) else v) for k, v in record.items()}
        rows.append(
            {
                "lot_id": lot_id,
                "properties": json.dumps(clean, default=_json_default, ensure_ascii=False),
                "geometry": geom,
            }
        )
    return rows


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    return str(value)


def event_rows(events: pd.DataFrame, *, from_baseline: bool) -> list[dict[str, Any]]:
    """Return store rows for a ``lot_events`` table."""
    return [
        {
            "lot_id": str(e.lot_id),
            "date": to_date(e.date),
            "status": str(e.status),
            "source": to_text(e.source),
            "is_inferred": bool(e.is_inferred),
            "note": to_text(e.note),
            "from_baseline": from_baseline,
        }
        for e in events.itertuples(index=False)
    ]


def verified_dates(events: pd.DataFrame) -> dict[str, dt.date]:
    """Return, per lot, the date of its latest dated status event (when it was last verified)."""
    if events.empty:
        return {}
    latest = events.assign(_d=events["date"].astype(str)).groupby("lot_id")["_d"].max()
    return {str(k): dt.date.fromisoformat(v[:10]) for k, v in latest.items()}


def _has_staff_changes(session: Session) -> bool:
    count = session.execute(
        select(func.count()).select_from(LotEdit).where(LotEdit.kind != "baseline")
    ).scalar()
    return bool(count)


def seed_from_baseline(store: Store, data_dir: Path, *, layers: Layers | None = None) -> bool:
    """Copy the baseline's lots, history and drive times into an empty store.

    A store that was filled from an older baseline and never changed since is refilled
    from the new one; a store with staff changes is kept (they are the record) and a
    warning is logged. Returns True when the store was (re)filled.
    """
    fingerprint = file_fingerprint(gpkg_path(data_dir))
    with store.read() as session:
        seeded = meta_value(session, BASELINE_KEY)
        if seeded == fingerprint:
            return False
        if seeded is not None and _has_staff_changes(session):
            log.warning(
                "the published baseline in %s changed since the store was filled; the store "
                "keeps its lots and their changes",
                data_dir,
            )
            return False
    layers = layers if layers is not None else load_layers(data_dir)
    with store.write() as session:
        if meta_value(session, BASELINE_KEY) == fingerprint:
            return False  # another process filled it while we loaded the layers
        for table in (LotRecord, LotStatusEvent, LotAccessRow, RouteRow, LotEdit):
            session.execute(delete(table))
        verified = verified_dates(layers.lot_events)
        rows = lot_rows(layers.lots)
        for row in rows:
            row["verified_on"] = verified.get(row["lot_id"])
        session.execute(insert(LotRecord), rows)
        events = event_rows(layers.lot_events, from_baseline=True)
        if events:
            session.execute(insert(LotStatusEvent), events)
        access = access_rows(layers.optional("lot_access"))
        if access:
            session.execute(insert(LotAccessRow), access)
        routes = route_rows(layers.optional("routes"))
        if routes:
            session.execute(insert(RouteRow), routes)
        set_meta(session, BASELINE_KEY, fingerprint)
        bump_revision(session)
    log.info("inventory store filled from the baseline in %s (%d lots)", data_dir, len(rows))
    return True
