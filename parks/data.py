"""The embedded dataset: layer names, their columns, and the one loader the app uses."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import geopandas as gpd
import pandas as pd

from geo.crs import WEB_CRS
from geo.io import is_table, list_layers, read_table, read_vector
from parks.errors import DataNotFoundError, LotNotFoundError, ParkNotFoundError
from parks.messages import Message

GPKG_NAME = "kanazawa.gpkg"
"""File name of the embedded GeoPackage inside the data directory."""

PARK_IDS = ("techno-park", "inaho", "katatsu", "morimoto-ic", "yasuhara")
"""Stable ids of the five city-built parks (GLOSSARY.md)."""

LOT_STATUSES = ("available", "negotiating", "reserved", "sold", "planned")
"""Allowed lot statuses (GLOSSARY.md)."""

DESTINATION_KINDS = ("interchange", "port", "airport", "station")

ZONE_KINDS = (
    "factory_site_zone",
    "priority_promotion_zone",
    "city_core_zone",
    "satellite_office_zone",
)

# Required columns per layer (geometry is implied for spatial layers).
LAYER_COLUMNS: dict[str, tuple[str, ...]] = {
    "parks": (
        "park_id",
        "name_ja",
        "name_en",
        "address_ja",
        "saleable_area_m2",
        "total_area_m2",
        "measured_area_m2",
        "area_note",
        "opened",
        "phases",
        "target_industries",
        "admitted_industries",
        "groundwater",
        "occupants",
        "price_per_m2",
        "zoning",
        "coverage_ratio",
        "floor_area_ratio",
        "utilities",
        "outline_method",
        "outline_confidence",
        "is_illustrative",
        "source",
    ),
    "lots": (
        "lot_id",
        "park_id",
        "lot_no",
        "phase",
        "area_m2",
        "published_area_m2",
        "status",
        "available_from",
        "price_per_m2",
        "occupant",
        "source",
        "is_illustrative",
        "illustrative_reason",
    ),
    "lot_events": ("lot_id", "date", "status", "source", "is_inferred", "note"),
    "destinations": ("id", "kind", "name_ja", "name_en", "source"),
    "roads": ("class", "oneway", "ramp", "brunnel", "source"),
    "expressways": ("road_name", "from_name", "to_name", "length_km", "source"),
    "zones": (
        "zone_id",
        "kind",
        "name_ja",
        "name_en",
        "grant_ids",
        "park_id",
        "source",
        "is_approximate",
        "approx_note",
    ),
    "boundary": ("name_ja", "name_en", "source"),
    "water": ("class", "source"),
    "rail": ("name", "source"),
    "stations": ("name", "line", "source"),
}
EXTRA_COLUMNS: dict[str, tuple[str, ...]] = {
    "parks": (
        "opened_note",
        "small_areas",
        "small_areas_whole",
        "admitted_note",
        "groundwater_source",
        "unknown_facts",
        "facts_note",
        "outline_source",
        "outline_parts",
    ),
    "lots": ("area_basis",),
}
"""Columns ``siting build-data`` also writes (not required: an imported layer may lack them).

``parks.unknown_facts`` says which facts no public source states (ask 企業立地課);
``parks.facts_note`` is a JSON list of qualitative statements with source and date;
``parks.small_areas`` the census small areas the outline covers (JSON list);
``lots.area_basis`` says whether a lot's area is published, derived or an equal share.
"""

TABLE_LAYERS = ("lot_events",)
"""Layers stored as attribute tables (no geometry)."""

OPTIONAL_LAYERS = ("lot_access", "routes", "isochrones")
"""Layers added by later build steps (``siting build-access``); absent until then."""


F = TypeVar("F", bound=pd.DataFrame)


class _Layer(Generic[F]):
    """A layer attribute of :class:`Layers`: read from the GeoPackage the first time it is used."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> _Layer[F]: ...

    @overload
    def __get__(self, obj: Layers, owner: type | None = None) -> F: ...

    def __get__(self, obj: Layers | None, owner: type | None = None) -> F | _Layer[F]:
        if obj is None:
            return self
        frame: F = obj.frame(self.name)
        return frame


class Layers:
    """All layers of the embedded dataset (EPSG:4326), each read on first use.

    A command pays only for the layers it touches (matching never reads the 46,000 roads);
    the web app calls :meth:`load_all` at start so it serves one consistent snapshot.
    """

    parks: _Layer[gpd.GeoDataFrame] = _Layer()
    lots: _Layer[gpd.GeoDataFrame] = _Layer()
    lot_events: _Layer[pd.DataFrame] = _Layer()
    destinations: _Layer[gpd.GeoDataFrame] = _Layer()
    roads: _Layer[gpd.GeoDataFrame] = _Layer()
    expressways: _Layer[gpd.GeoDataFrame] = _Layer()
    zones: _Layer[gpd.GeoDataFrame] = _Layer()
    boundary: _Layer[gpd.GeoDataFrame] = _Layer()
    water: _Layer[gpd.GeoDataFrame] = _Layer()
    rail: _Layer[gpd.GeoDataFrame] = _Layer()
    stations: _Layer[gpd.GeoDataFrame] = _Layer()

    def __init__(
        self,
        data_dir: Path,
        *,
        present: Iterable[str] = (),
        frames: Mapping[str, pd.DataFrame] | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self._present = frozenset(present)
        self._frames: dict[str, pd.DataFrame] = dict(frames or {})
        self._lock = threading.Lock()

    def frame(self, name: str) -> Any:
        """Return one layer by name, reading it now if it was not read yet."""
        frame = self._frames.get(name)
        if frame is None:
            with self._lock:
                frame = self._frames.get(name)
                if frame is None:
                    frame = _read_layer(gpkg_path(self.data_dir), name)
                    self._frames[name] = frame
        return frame

    def load_all(self) -> Layers:
        """Read every layer now (required and optional); return self."""
        for name in (*LAYER_COLUMNS, *self.extra_names()):
            self.frame(name)
        return self

    def extra_names(self) -> tuple[str, ...]:
        """Names of the optional layers this dataset has."""
        return tuple(
            name for name in OPTIONAL_LAYERS if name in self._present or name in self._frames
        )

    @property
    def extra(self) -> dict[str, pd.DataFrame]:
        """The optional layers the dataset has, by name."""
        return {name: self.frame(name) for name in self.extra_names()}

    def replace(self, **frames: pd.DataFrame) -> Layers:
        """Return a copy with some layers replaced (the others shared or read lazily)."""
        return Layers(self.data_dir, present=self._present, frames={**self._frames, **frames})

    def park(self, park_id: str) -> pd.Series:
        """Return one park's row."""
        rows = self.parks[self.parks["park_id"] == park_id]
        if rows.empty:
            raise ParkNotFoundError(
                Message(
                    "no park %(park)s; known parks: %(parks)s",
                    {"park": repr(park_id), "parks": ", ".join(self.parks["park_id"])},
                )
            )
        row: pd.Series = rows.iloc[0]
        return row

    def lot(self, lot_id: str) -> pd.Series:
        """Return one lot's row."""
        rows = self.lots[self.lots["lot_id"] == lot_id]
        if rows.empty:
            raise LotNotFoundError(
                Message("no lot %(lot)s (lot ids look like 'morimoto-ic/9')", {"lot": repr(lot_id)})
            )
        row: pd.Series = rows.iloc[0]
        return row

    def lots_of(self, park_id: str) -> gpd.GeoDataFrame:
        """Return the lots of one park."""
        self.park(park_id)
        return self.lots[self.lots["park_id"] == park_id]

    def optional(self, name: str) -> pd.DataFrame | None:
        """Return a layer added by a later build step, or None if it was not built."""
        if name not in self.extra_names():
            return None
        frame: pd.DataFrame = self.frame(name)
        return frame


def gpkg_path(data_dir: Path) -> Path:
    """Return the path of the embedded GeoPackage inside ``data_dir``."""
    return Path(data_dir) / GPKG_NAME


def _read_layer(path: Path, name: str) -> pd.DataFrame:
    """Read one layer: attribute tables as DataFrames, the rest reprojected to WEB_CRS."""
    if name in TABLE_LAYERS or is_table(path, name):
        return read_table(path, name)
    frame = read_vector(path, name)
    if name in LAYER_COLUMNS and frame.crs is not None:
        frame = frame.to_crs(WEB_CRS)
    out: pd.DataFrame = frame
    return out


def load_layers(data_dir: Path) -> Layers:
    """Open the embedded dataset in ``data_dir``; each layer is read when first used.

    JSON-encoded list columns stay strings, use :func:`json_list` to decode them.

    Raises
    ------
    DataNotFoundError
        If there is no dataset, or it lacks a required layer.
    """
    path = gpkg_path(data_dir)
    if not path.exists():
        msg = f"no dataset at {path}; build it with `siting build-data` (see README)"
        raise DataNotFoundError(msg)
    present = set(list_layers(path))
    missing = [name for name in LAYER_COLUMNS if name not in present]
    if missing:
        msg = f"{path} lacks layer(s) {', '.join(missing)}; rebuild with `siting build-data`"
        raise DataNotFoundError(msg)
    return Layers(Path(data_dir), present=present)


def json_list(value: object) -> list[Any]:
    """Decode a JSON-encoded list column value (None or NaN gives an empty list)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return []
    if isinstance(value, list):
        return value
    decoded = json.loads(str(value))
    return decoded if isinstance(decoded, list) else [decoded]
