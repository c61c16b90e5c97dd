"""Access: drive minutes from lots to interchanges, the port, the airport and the station.

Wires the generic road network (:mod:`geo.network`, :mod:`geo.isochrone`) to the embedded
layers: the OSM 2017 ``roads``, the N06 ``expressways`` (standing in for the extract's badly
connected motorway) joined to the local roads at each interchange of ``destinations``, the
``lots`` (attached at the boundary point nearest a road) and the ``destinations``.

Every figure rests on assumed speeds (``speed_profiles.yaml``), so every output says so.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml

from geo.crs import METRIC_CRS, WEB_CRS
from geo.errors import NetworkError
from geo.isochrone import IsochroneGrid, isochrone_grid, isochrones_from_points, validate_minutes
from geo.network import (
    Attachment,
    DriveMatrix,
    RoadNetwork,
    WeightedGraph,
    attach,
    drive_minutes,
    network_from_lines,
    route_line,
    weighted_graph,
)
from parks.data import DESTINATION_KINDS, Layers
from parks.drive_times import drive_minutes_table as drive_minutes_table  # its first home
from parks.drive_times import nearest_per_kind, stored_lot_access
from parks.errors import InvalidInputError, SitingError

log = logging.getLogger(__name__)

SPEED_PROFILES_PATH = Path(__file__).with_name("speed_profiles.yaml")
"""The documented, assumed speed table shipped with the package."""

PROFILES = ("normal", "winter")
"""Speed profiles built by default."""

ISOCHRONE_MINUTES = (5.0, 10.0, 15.0, 20.0, 30.0)
"""Bands stored around every destination."""

ROUTE_PROFILE = "normal"
"""Profile whose routes are stored (routes differ little between profiles)."""

PROVENANCE = (
    "computed: shortest drive time over OpenStreetMap Japan 2017-10 roads (OpenMapTiles z13, "
    "© OpenMapTiles © OpenStreetMap contributors, ODbL) and the 国土数値情報 N06-23 "
    "expressway sections (CC BY-SA 3.0), at ASSUMED speeds per road class "
    "(parks/speed_profiles.yaml, profile {profile}); not a measured travel time"
)
"""Source text of every derived access feature; ``{profile}`` is filled in."""

SHORT_PROVENANCE = "computed: OSM 2017 roads + N06 expressway, ASSUMED speeds ({profile})"

LIMITED_CLASS = "motorway"
UNPAINTED_KEYS = ("motorway", "access_connector")
MAX_ATTACH_M = 2000.0
ISOCHRONE_CELL_M = 100.0
ISOCHRONE_BUFFER_M = 150.0
ROUTE_SIMPLIFY_M = 15.0
ISOCHRONE_SIMPLIFY_M = 80.0


class AccessError(SitingError, ValueError):
    """The access network cannot be built or queried with the given data."""


@dataclass(frozen=True)
class SpeedProfile:
    """One speed table (km/h per road class), always labelled as an assumption."""

    name: str
    label: str
    kmh: Mapping[str, float]
    is_assumption: bool = True
    note: str = ""

    def __post_init__(self) -> None:
        problems = [
            f"profile {self.name!r}: speed for {key!r} must be a positive number, got {value!r}"
            for key, value in self.kmh.items()
            if not isinstance(value, int | float) or isinstance(value, bool) or value <= 0
        ]
        for key in ("connector", "access_connector", LIMITED_CLASS):
            if key not in self.kmh:
                problems.append(f"profile {self.name!r} lacks a speed for {key!r}")
        if problems:
            raise InvalidInputError(problems)


def load_speed_profiles(path: Path | None = None) -> dict[str, SpeedProfile]:
    """Read speed profiles from YAML (default: the shipped ``speed_profiles.yaml``).

    Raises
    ------
    InvalidInputError
        If the file has no ``profiles`` mapping or a profile is malformed.
    """
    path = SPEED_PROFILES_PATH if path is None else Path(path)
    with path.open(encoding="utf-8") as fh:
        doc = yaml.safe_load(fh) or {}
    raw = doc.get("profiles") if isinstance(doc, dict) else None
    if not isinstance(raw, dict) or not raw:
        msg = f"{path}: expected a 'profiles' mapping of name -> {{label, kmh}}"
        raise InvalidInputError(msg)
    profiles: dict[str, SpeedProfile] = {}
    problems: list[str] = []
    for name, body in raw.items():
        if not isinstance(body, dict) or not isinstance(body.get("kmh"), dict):
            problems.append(f"{path}: profile {name!r} needs a 'kmh' mapping")
            continue
        try:
            profiles[str(name)] = SpeedProfile(
                name=str(name),
                label=str(body.get("label", name)),
                kmh={str(k): v for k, v in body["kmh"].items()},
                is_assumption=bool(body.get("is_assumption", True)),
                note=str(body.get("note", "")),
            )
        except InvalidInputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InvalidInputError(problems)
    return profiles


def drivable_classes(profiles: Mapping[str, SpeedProfile]) -> set[str]:
    """Road classes with a speed in every profile (connector keys excluded)."""
    keys = [
        {k for k in p.kmh if not k.endswith("_ramp") and k not in ("connector", "access_connector")}
        for p in profiles.values()
    ]
    return set.intersection(*keys) if keys else set()


# --------------------------------------------------------------------------------------------
# the network of one Layers object (built once, cached)


@dataclass(frozen=True, eq=False)
class AccessNetwork:
    """The road network of a dataset with its weighted graphs and attached destinations."""

    network: RoadNetwork
    profiles: Mapping[str, SpeedProfile]
    graphs: Mapping[str, WeightedGraph]
    destinations: gpd.GeoDataFrame
    destination_attachment: Attachment
    water: gpd.GeoSeries | None
    _grids: dict[str, IsochroneGrid] = field(default_factory=dict, repr=False)

    def graph(self, profile: str) -> WeightedGraph:
        """Return the weighted graph of one profile."""
        if profile not in self.graphs:
            msg = f"unknown speed profile {profile!r}; known: {', '.join(self.graphs)}"
            raise InvalidInputError(msg)
        return self.graphs[profile]

    def grid(self, profile: str) -> IsochroneGrid:
        """Return (building once) the isochrone grid of one profile."""
        if profile not in self._grids:
            self._grids[profile] = isochrone_grid(
                self.graph(profile),
                cell_m=ISOCHRONE_CELL_M,
                exclude=self.water,
                unpainted_keys=UNPAINTED_KEYS,
            )
        return self._grids[profile]


_CACHE: dict[tuple[int, ...], tuple[weakref.ref[gpd.GeoDataFrame], AccessNetwork]] = {}


def access_network(
    layers: Layers,
    *,
    speed_profiles: Mapping[str, SpeedProfile] | None = None,
) -> AccessNetwork:
    """Build the routable network of ``layers``, cached per road layers and speed table.

    The key is the identity of the frames the network is built from (roads, expressways,
    destinations, water), not of ``layers`` itself: the inventory store hands out a new
    Layers object whenever a lot changes, and those share the road frames.

    Raises
    ------
    AccessError
        If the roads hold no drivable line or a destination lies outside the network.
    """
    key = (
        id(layers.roads),
        id(layers.expressways),
        id(layers.destinations),
        id(layers.water),
        id(speed_profiles),
    )
    hit = _CACHE.get(key)
    if hit is not None and hit[0]() is layers.roads:
        return hit[1]
    profiles = load_speed_profiles() if speed_profiles is None else dict(speed_profiles)
    built = _build_network(layers, profiles)

    def forget(_ref: object, k: tuple[int, ...] = key) -> None:
        _CACHE.pop(k, None)

    _CACHE[key] = (weakref.ref(layers.roads, forget), built)
    return built


def _build_network(layers: Layers, profiles: Mapping[str, SpeedProfile]) -> AccessNetwork:
    dests = layers.destinations.reset_index(drop=True)
    bad = sorted(set(dests["kind"]) - set(DESTINATION_KINDS))
    if bad:
        msg = f"destinations have unknown kind(s) {bad}; expected {DESTINATION_KINDS}"
        raise AccessError(msg)
    interchanges = dests[dests["kind"] == "interchange"]
    try:
        network = network_from_lines(
            layers.roads,
            crs=METRIC_CRS,
            limited_access=layers.expressways,
            access_points=interchanges.geometry,
            limited_class=LIMITED_CLASS,
            drivable_classes=drivable_classes(profiles),
        )
        graphs = {name: weighted_graph(network, p.kmh) for name, p in profiles.items()}
        attachment = _attach_destinations(network, dests)
    except NetworkError as exc:
        raise AccessError(str(exc)) from exc
    skipped = [str(interchanges.iloc[k]["id"]) for k in network.report.access_skipped]
    if skipped:
        log.info("interchanges not joined to the local roads (too far): %s", ", ".join(skipped))
    water = layers.water.geometry if len(layers.water) else None
    return AccessNetwork(
        network=network,
        profiles=profiles,
        graphs=graphs,
        destinations=dests,
        destination_attachment=attachment,
        water=water,
    )


def _attach_destinations(network: RoadNetwork, dests: gpd.GeoDataFrame) -> Attachment:
    """Interchanges attach to the expressway, everything else to the local roads."""
    is_ic = (dests["kind"] == "interchange").to_numpy()
    node = np.zeros(len(dests), dtype=np.int64)
    con = np.zeros(len(dests))
    anchor = np.zeros((len(dests), 2))
    plan: tuple[tuple[np.ndarray, Literal["limited", "local"]], ...] = (
        (is_ic, "limited"),
        (~is_ic, "local"),
    )
    for mask, nodes in plan:
        if mask.any():
            part = attach(network, dests.geometry[mask], nodes=nodes, max_distance_m=MAX_ATTACH_M)
            node[mask], con[mask], anchor[mask] = part.node, part.connector_m, part.anchor_xy
    return Attachment(node=node, connector_m=con, anchor_xy=anchor)


# --------------------------------------------------------------------------------------------
# build step


def build_access(
    layers: Layers,
    *,
    profiles: Sequence[str] = PROFILES,
    speed_profiles: Mapping[str, SpeedProfile] | None = None,
    isochrone_minutes: Sequence[float] = ISOCHRONE_MINUTES,
) -> dict[str, pd.DataFrame]:
    """Compute the ``lot_access`` table and the ``routes`` and ``isochrones`` layers.

    Parameters
    ----------
    layers
        The embedded dataset (needs ``roads``, ``expressways``, ``lots``, ``destinations``).
    profiles
        Speed profiles to compute drive minutes and isochrones for.
    speed_profiles
        Speed tables to use instead of the shipped ``speed_profiles.yaml``.
    isochrone_minutes
        Bands around every destination.

    Returns
    -------
    dict
        ``lot_access`` (lot_id, destination_id, profile, minutes, metres), ``routes`` (lines
        from each lot to its nearest destination of each kind, profile ``normal``) and
        ``isochrones`` (polygons: destination_id, minutes, profile), all in EPSG:4326.
    """
    acc = access_network(layers, speed_profiles=speed_profiles)
    validate_minutes_input(isochrone_minutes)
    out = lot_drive_times(layers, layers.lots, profiles=profiles, speed_profiles=speed_profiles)
    isochrones = [_destination_isochrones(acc, p, isochrone_minutes) for p in profiles]
    out["isochrones"] = gpd.GeoDataFrame(
        pd.concat(isochrones, ignore_index=True), geometry="geometry", crs=WEB_CRS
    )
    out["isochrones"]["is_approximate"] = True  # assumed speeds, not measured travel times
    return out


def lot_drive_times(
    layers: Layers,
    lots: gpd.GeoDataFrame,
    *,
    profiles: Sequence[str] = PROFILES,
    speed_profiles: Mapping[str, SpeedProfile] | None = None,
) -> dict[str, pd.DataFrame]:
    """Compute the ``lot_access`` table and ``routes`` layer of ``lots`` only.

    The road network of ``layers`` is reused (cached), so this costs seconds for a few
    hundred lots; the lot import computes new lots' drive times with it before it swaps
    lots and drive times in together.

    Raises
    ------
    InvalidInputError
        If a speed profile is unknown.
    AccessError
        If a lot lies too far from every road.
    """
    acc = access_network(layers, speed_profiles=speed_profiles)
    missing = [p for p in profiles if p not in acc.graphs]
    if missing:
        msg = f"unknown speed profile(s) {missing}; known: {', '.join(acc.graphs)}"
        raise InvalidInputError(msg)
    lots = lots.reset_index(drop=True)
    lot_att = _attach_lots(acc, lots)
    tables = []
    routes = []
    for profile in profiles:
        graph = acc.graph(profile)
        matrix = drive_minutes(
            graph, lot_att, acc.destination_attachment, with_paths=profile == ROUTE_PROFILE
        )
        table = _lot_access_frame(lots, acc.destinations, matrix.minutes, matrix.metres, profile)
        tables.append(table)
        if profile == ROUTE_PROFILE:
            routes.append(_routes(acc, graph, lots, lot_att, table, matrix, profile))
    route_frame = pd.concat(routes, ignore_index=True) if routes else _empty_routes()
    access_table = pd.concat(tables, ignore_index=True)
    # short provenance: the table has ~10,000 rows; the full text is on routes and isochrones
    access_table["source"] = [SHORT_PROVENANCE.format(profile=p) for p in access_table["profile"]]
    out = {
        "lot_access": access_table,
        "routes": gpd.GeoDataFrame(route_frame, geometry="geometry", crs=WEB_CRS),
    }
    for frame in out.values():
        frame["is_approximate"] = True  # assumed speeds, not measured travel times
    return out


def validate_minutes_input(minutes: Sequence[float]) -> None:
    """Check band limits, raising :class:`InvalidInputError` with every problem."""
    try:
        validate_minutes(minutes)
    except NetworkError as exc:
        raise InvalidInputError(str(exc)) from exc


def _attach_lots(acc: AccessNetwork, lots: gpd.GeoDataFrame) -> Attachment:
    try:
        return attach(acc.network, lots.geometry, nodes="local", max_distance_m=MAX_ATTACH_M)
    except NetworkError as exc:
        raise AccessError(str(exc)) from exc


def _lot_access_frame(
    lots: gpd.GeoDataFrame,
    dests: gpd.GeoDataFrame,
    minutes: np.ndarray,
    metres: np.ndarray | None,
    profile: str,
) -> pd.DataFrame:
    n_lots, n_dests = minutes.shape
    frame = pd.DataFrame(
        {
            "lot_id": np.repeat(lots["lot_id"].to_numpy(), n_dests),
            "destination_id": np.tile(dests["id"].to_numpy(), n_lots),
            "profile": profile,
            "minutes": np.round(minutes.ravel(), 2),
            "metres": np.round(metres.ravel()) if metres is not None else np.nan,
        }
    )
    unreachable = ~np.isfinite(frame["minutes"])
    if unreachable.any():
        log.warning("%d lot-destination pairs are unreachable", int(unreachable.sum()))
        frame.loc[unreachable, ["minutes", "metres"]] = np.nan
    return frame


def _routes(
    acc: AccessNetwork,
    graph: WeightedGraph,
    lots: gpd.GeoDataFrame,
    lot_att: Attachment,
    table: pd.DataFrame,
    matrix: DriveMatrix,
    profile: str,
) -> pd.DataFrame:
    nearest = nearest_per_kind(table, acc.destinations)
    lot_row = pd.Series(np.arange(len(lots)), index=lots["lot_id"].to_numpy())
    dest_row = pd.Series(np.arange(len(acc.destinations)), index=acc.destinations["id"].to_numpy())
    dest_xy = shapely.get_coordinates(acc.destinations.to_crs(METRIC_CRS).geometry.to_numpy())
    geoms = []
    for lot_id, dest_id in zip(nearest["lot_id"], nearest["destination_id"], strict=True):
        i, j = int(lot_row[lot_id]), int(dest_row[dest_id])
        nodes = matrix.path_nodes(i, j)
        line = route_line(graph, nodes)
        coords = np.vstack([lot_att.anchor_xy[i], shapely.get_coordinates(line), dest_xy[j]])
        geoms.append(shapely.LineString(coords))
    metric = gpd.GeoSeries(geoms, crs=METRIC_CRS).simplify(ROUTE_SIMPLIFY_M)
    return pd.DataFrame(
        {
            "lot_id": nearest["lot_id"],
            "destination_id": nearest["destination_id"],
            "kind": nearest["kind"],
            "profile": profile,
            "minutes": nearest["minutes"],
            "metres": nearest["metres"],
            "source": PROVENANCE.format(profile=profile),
            "geometry": metric.to_crs(WEB_CRS).to_numpy(),
        }
    )


def _empty_routes() -> pd.DataFrame:
    cols = ["lot_id", "destination_id", "kind", "profile", "minutes", "metres", "source"]
    return pd.DataFrame({**{c: [] for c in cols}, "geometry": []})


def _destination_isochrones(
    acc: AccessNetwork, profile: str, minutes: Sequence[float]
) -> pd.DataFrame:
    """Bands of the time needed to reach each destination."""
    bands = isochrones_from_points(
        acc.grid(profile),
        acc.destination_attachment,
        list(minutes),
        direction="to",
        buffer_m=ISOCHRONE_BUFFER_M,
        simplify_m=ISOCHRONE_SIMPLIFY_M,
    )
    ids = acc.destinations["id"].to_numpy()
    return pd.DataFrame(
        {
            "destination_id": ids[bands["source"].to_numpy()],
            "minutes": bands["minutes"].to_numpy(),
            "profile": profile,
            "source": PROVENANCE.format(profile=profile),
            "geometry": bands.to_crs(WEB_CRS).geometry.to_numpy(),
        }
    )


# --------------------------------------------------------------------------------------------
# queries


def lot_access(layers: Layers, *, profile: str = "normal") -> pd.DataFrame:
    """Return the ``lot_access`` rows of one profile (stored table, else computed)."""
    stored = stored_lot_access(layers, profile)
    if stored is not None:
        return stored
    acc = access_network(layers)
    graph = acc.graph(profile)
    lots = layers.lots.reset_index(drop=True)
    matrix = drive_minutes(graph, _attach_lots(acc, lots), acc.destination_attachment)
    return _lot_access_frame(lots, acc.destinations, matrix.minutes, matrix.metres, profile)


def nearest_destinations(
    layers: Layers, lot_id: str, *, profile: str = "normal"
) -> dict[str, dict[str, Any]]:
    """Return the fastest destination of each kind for one lot.

    Returns
    -------
    dict
        ``{kind: {"destination_id", "minutes", "metres"}}`` for kinds interchange, port,
        airport, station (a kind with no reachable destination is left out).

    Raises
    ------
    LotNotFoundError
        If no lot has ``lot_id``.
    """
    layers.lot(lot_id)
    table = lot_access(layers, profile=profile)
    rows = nearest_per_kind(table[table["lot_id"] == lot_id], layers.destinations)
    return {
        str(r.kind): {
            "destination_id": str(r.destination_id),
            "minutes": float(r.minutes),  # type: ignore[arg-type]
            "metres": float(r.metres),  # type: ignore[arg-type]
        }
        for r in rows.itertuples()
    }


DESTINATION_SNAP_M = 10.0
"""A point this close to a destination is that destination (its stored bands apply)."""


def destination_at(layers: Layers, lon: float, lat: float) -> str | None:
    """Return the id of the destination within ``DESTINATION_SNAP_M`` of a point, or None."""
    dests = layers.destinations
    if dests.empty:
        return None
    point = gpd.GeoSeries([shapely.Point(lon, lat)], crs=WEB_CRS).to_crs(METRIC_CRS).iloc[0]
    metres = dests.to_crs(METRIC_CRS).distance(point).to_numpy()
    nearest = int(np.argmin(metres))
    return str(dests["id"].iloc[nearest]) if metres[nearest] <= DESTINATION_SNAP_M else None


def _stored_bands(
    layers: Layers, destination_id: str, minutes: Sequence[float], profile: str
) -> gpd.GeoDataFrame | None:
    """Return the bands ``build-access`` stored for a destination, or None if some are missing."""
    stored = layers.optional("isochrones")
    if not isinstance(stored, gpd.GeoDataFrame) or stored.empty:
        return None
    rows = stored[(stored["destination_id"] == destination_id) & (stored["profile"] == profile)]
    by_minutes = {float(m): i for i, m in zip(rows.index, rows["minutes"], strict=True)}
    if not all(float(m) in by_minutes for m in minutes):
        return None
    picked = rows.loc[[by_minutes[float(m)] for m in minutes]]
    return gpd.GeoDataFrame(
        {
            "minutes": [float(m) for m in minutes],
            "profile": profile,
            "direction": "to",
            "precomputed": True,
            "source": picked["source"].to_numpy(),
        },
        geometry=picked.geometry.to_numpy(),
        crs=WEB_CRS,
    )


def isochrone(
    layers: Layers,
    lon: float,
    lat: float,
    minutes: Sequence[float],
    *,
    profile: str = "normal",
    direction: Literal["from", "to"] = "from",
) -> gpd.GeoDataFrame:
    """Return the areas reachable from a point (or reaching it) within each number of minutes.

    ``direction="from"`` gives where one can drive from the point; ``"to"`` where one can
    drive to it from. When the point is a destination and ``direction`` is ``"to"``, the
    bands ``siting build-access`` stored are returned as they are (``precomputed`` True);
    otherwise they are computed on the same grid at the same simplification.

    Raises
    ------
    InvalidInputError
        If a band is zero, negative or not a number, or the point lies outside the road
        network's area (farther than 2 km from any road).
    """
    problems: list[str] = []
    try:
        validate_minutes(minutes)
    except NetworkError as exc:
        problems.append(str(exc))
    for name, value, lo, hi in (("lon", lon, -180, 180), ("lat", lat, -90, 90)):
        if not isinstance(value, int | float) or not np.isfinite(value) or not lo <= value <= hi:
            problems.append(f"{name} must be a number in [{lo}, {hi}], got {value!r}")
    if direction not in ("from", "to"):
        problems.append(f"direction must be 'from' or 'to', got {direction!r}")
    if problems:
        raise InvalidInputError(problems)
    if direction == "to":
        destination_id = destination_at(layers, lon, lat)
        if destination_id is not None:
            stored = _stored_bands(layers, destination_id, minutes, profile)
            if stored is not None:
                return stored
    acc = access_network(layers)
    acc.graph(profile)  # raises on an unknown profile
    grid = acc.grid(profile)
    point = gpd.GeoSeries([shapely.Point(lon, lat)], crs=WEB_CRS)
    try:
        source = attach(acc.network, point, nodes="local", max_distance_m=MAX_ATTACH_M)
    except NetworkError as exc:
        msg = f"point ({lon}, {lat}) is outside the road network's area: {exc}"
        raise InvalidInputError(msg) from exc
    bands = isochrones_from_points(
        grid,
        source,
        list(minutes),
        direction=direction,
        buffer_m=ISOCHRONE_BUFFER_M,
        simplify_m=ISOCHRONE_SIMPLIFY_M,
    )
    return gpd.GeoDataFrame(
        {
            "minutes": bands["minutes"].to_numpy(),
            "profile": profile,
            "direction": direction,
            "precomputed": False,
            "source": PROVENANCE.format(profile=profile),
        },
        geometry=bands.to_crs(WEB_CRS).geometry.to_numpy(),
        crs=WEB_CRS,
    )
