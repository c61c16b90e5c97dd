"""The read API for public code: the lots as they stand now (baseline + every change since).

Public pages, the API and matching read lots through :class:`CurrentLayers`, which hands
out the embedded :class:`~parks.data.Layers` with ``lots``, ``lot_events`` and the drive
times (``lot_access``, ``routes``) taken from the store. Only public columns leave the
store (:data:`PUBLIC_COLUMNS`): staff notes, negotiating firms and expiry dates never do.
Each lot carries ``status_verified_on``, the date its status was last confirmed.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.crs import WEB_CRS
from parks.data import LAYER_COLUMNS, Layers
from parks.inventory.models import (
    LotAccessRow,
    LotRecord,
    LotStatusEvent,
    RouteRow,
    StoreRevision,
)
from parks.inventory.store import Store

PUBLIC_COLUMNS: tuple[str, ...] = (*LAYER_COLUMNS["lots"], "status_verified_on")
"""The lot columns the public side may see (the baseline layer's, plus the verified date)."""

_LOT_FIELDS = tuple(c for c in LAYER_COLUMNS["lots"])


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def current_lots(session: Session) -> gpd.GeoDataFrame:
    """Return every lot now, public columns only, in EPSG:4326 (baseline order first)."""
    columns = [getattr(LotRecord, c) for c in _LOT_FIELDS]
    stmt = select(*columns, LotRecord.verified_on, LotRecord.geometry).order_by(LotRecord.position)
    rows = session.execute(stmt).all()
    records = []
    geoms = []
    for row in rows:
        data = dict(zip((*_LOT_FIELDS, "status_verified_on"), row[:-1], strict=True))
        data["available_from"] = _iso(data["available_from"])
        data["status_verified_on"] = _iso(data["status_verified_on"])
        records.append(data)
        geoms.append(row[-1])
    frame = pd.DataFrame.from_records(records, columns=list(PUBLIC_COLUMNS))
    frame["phase"] = pd.to_numeric(frame["phase"], errors="coerce")
    for col in ("area_m2", "published_area_m2", "price_per_m2"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce")
    frame["is_illustrative"] = frame["is_illustrative"].astype(bool)
    return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geoms, crs=WEB_CRS), crs=WEB_CRS)


def current_events(session: Session) -> pd.DataFrame:
    """Return the public status history: baseline events and every status change since."""
    stmt = select(
        LotStatusEvent.lot_id,
        LotStatusEvent.date,
        LotStatusEvent.status,
        LotStatusEvent.source,
        LotStatusEvent.is_inferred,
        LotStatusEvent.note,
    ).order_by(LotStatusEvent.id)
    rows = session.execute(stmt).all()
    frame = pd.DataFrame.from_records(
        [(r[0], _iso(r[1]), *r[2:]) for r in rows], columns=list(LAYER_COLUMNS["lot_events"])
    )
    frame["is_inferred"] = frame["is_inferred"].astype(bool)
    return frame


def current_access(session: Session) -> pd.DataFrame:
    """Return the ``lot_access`` table of the lots now (drive minutes and metres)."""
    stmt = select(
        LotAccessRow.lot_id,
        LotAccessRow.destination_id,
        LotAccessRow.profile,
        LotAccessRow.minutes,
        LotAccessRow.metres,
        LotAccessRow.source,
    ).order_by(LotAccessRow.id)
    rows = session.execute(stmt).all()
    frame = pd.DataFrame.from_records(
        rows, columns=["lot_id", "destination_id", "profile", "minutes", "metres", "source"]
    )
    frame["minutes"] = pd.to_numeric(frame["minutes"], errors="coerce")
    frame["metres"] = pd.to_numeric(frame["metres"], errors="coerce")
    frame["is_approximate"] = True
    return frame


def current_routes(session: Session) -> gpd.GeoDataFrame:
    """Return the ``routes`` layer of the lots now."""
    stmt = select(RouteRow.lot_id, RouteRow.properties, RouteRow.geometry).order_by(RouteRow.id)
    rows = session.execute(stmt).all()
    records = [{"lot_id": r[0], **json.loads(r[1])} for r in rows]
    frame = pd.DataFrame.from_records(records)
    if frame.empty:
        frame = pd.DataFrame({"lot_id": pd.Series(dtype=object)})
    return gpd.GeoDataFrame(
        frame, geometry=gpd.GeoSeries([r[2] for r in rows], crs=WEB_CRS), crs=WEB_CRS
    )


def current_layers(store: Store, baseline: Layers) -> tuple[int, Layers]:
    """Return the store revision and ``baseline`` with the lots as they are now.

    Everything is read in one snapshot, so lots, history and drive times always belong
    together. The road, park and zone layers are the baseline's own objects (shared, not
    copied), so caches built on them (the road network) stay valid.
    """
    with store.snapshot() as session:
        revision = int(session.get_one(StoreRevision, 1).value)
        lots = current_lots(session)
        events = current_events(session)
        access = current_access(session)
        routes = current_routes(session)
    extra = dict(baseline.extra)
    if not access.empty or "lot_access" in extra:
        extra["lot_access"] = access
    if not routes.empty or "routes" in extra:
        extra["routes"] = routes
    layers = baseline.replace(lots=lots, lot_events=events, **extra)
    return revision, layers


class CurrentLayers:
    """A per-process cache of :func:`current_layers`, rebuilt when the store's revision moves.

    Checking the revision is one indexed read; rebuilding reads the lots, history and drive
    times (a few hundred milliseconds for the embedded data) once per change per process.
    ``on_day_change`` runs first on each new day (the negotiation-expiry sweep).
    """

    def __init__(
        self,
        store: Store,
        baseline: Layers,
        *,
        on_day_change: Callable[[dt.date], Any] | None = None,
    ) -> None:
        self.store = store
        self.baseline = baseline
        self.on_day_change = on_day_change
        self._lock = threading.Lock()
        self._revision: int | None = None
        self._layers: Layers | None = None
        self._day: dt.date | None = None

    def get(self, today: dt.date | None = None) -> Layers:
        """Return the current layers (rebuilt if the store changed since the last call)."""
        today = today or dt.date.today()
        if self.on_day_change is not None and self._day != today:
            with self._lock:
                if self._day != today:
                    self.on_day_change(today)
                    self._day = today
        revision = self.store.revision()
        layers = self._layers
        if layers is not None and revision == self._revision:
            return layers
        with self._lock:
            if self._layers is None or self._revision != revision:
                self._revision, self._layers = current_layers(self.store, self.baseline)
            return self._layers

    @property
    def revision(self) -> int | None:
        """The store revision the cached layers were built at (None before the first call)."""
        return self._revision
