"""Sites a grant is evaluated for: the zones a lot, a park or any point in the city lies in."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import to_metric
from parks.data import Layers, json_list
from parks.errors import InvalidInputError
from parks.grants.rules import Text


@dataclass(frozen=True)
class Site:
    """Where the firm would locate: the zones it lies in, its park, area and price.

    ``zone_kinds`` are the zone kinds the site lies in; ``approximate_zones`` maps a kind to
    why its outline is approximate; ``grant_ids`` lists the programmes the zones' own
    ``grant_ids`` name (informative: eligibility is decided by zone kind); ``zoning`` is the
    用途地域 (None = unknown); ``price_per_m2`` None = no public price; ``point`` is the
    (lon, lat) of a site given as a point rather than a lot or park.
    """

    park_id: str | None = None
    lot_id: str | None = None
    zone_kinds: frozenset[str] = frozenset()
    approximate_zones: tuple[tuple[str, str], ...] = ()
    grant_ids: frozenset[str] = frozenset()
    area_m2: float | None = None
    price_per_m2: float | None = None
    zoning: str | None = None
    park_name: Text | None = None
    point: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.area_m2 is not None and not self.area_m2 > 0:
            problems.append(f"area_m2 must be positive, got {self.area_m2}")
        if self.price_per_m2 is not None and self.price_per_m2 < 0:
            problems.append(f"price_per_m2 must be >= 0, got {self.price_per_m2}")
        if problems:
            raise InvalidInputError(problems)

    @property
    def land_cost_jpy(self) -> int | None:
        """Return price × area in whole yen, or None where either is unknown."""
        if self.price_per_m2 is None or self.area_m2 is None:
            return None
        return round(self.price_per_m2 * self.area_m2)

    def approx_note(self, kind: str) -> str | None:
        """Return why the outline of a zone kind is approximate (None if it is not)."""
        return dict(self.approximate_zones).get(kind)

    def grant_key(self) -> tuple[Any, ...]:
        """Return what grant amounts depend on (not the lot id): the cache key of a site."""
        return (
            self.park_id,
            self.zone_kinds,
            self.zoning,
            self.price_per_m2,
            self.area_m2 if self.price_per_m2 is not None else None,
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the site as JSON data."""
        return {
            "park_id": self.park_id,
            "park_name": None
            if self.park_name is None
            else {"ja": self.park_name.ja, "en": self.park_name.en},
            "lot_id": self.lot_id,
            "point": None if self.point is None else list(self.point),
            "zone_kinds": sorted(self.zone_kinds),
            "approximate_zones": dict(self.approximate_zones),
            "grant_ids_of_zones": sorted(self.grant_ids),
            "area_m2": self.area_m2,
            "price_per_m2": self.price_per_m2,
            "zoning": self.zoning,
        }


def _none_if_missing(value: object) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and pd.isna(value):
        return None
    return value


def _park_name(parks: pd.DataFrame, park_id: str) -> Text | None:
    if park_id not in parks.index:
        return None
    row = parks.loc[park_id]
    return Text(ja=str(row["name_ja"]), en=str(row["name_en"]))


def _sites(
    layers: Layers, frame: gpd.GeoDataFrame, id_column: str, *, min_share: float = 1e-6
) -> dict[str, Site]:
    """Intersect each feature of ``frame`` with the zones and return its Site.

    Only feature-zone pairs whose outlines intersect (an STRtree query per zone) are
    measured, and only features across a zone's outline are intersected with it, so the
    cost grows with the pairs that overlap, not with features × zones.
    """
    zones = to_metric(layers.zones)
    shapes = to_metric(frame)
    geoms = shapes.geometry.to_numpy()
    areas = shapely.area(geoms)
    tree = shapely.STRtree(geoms)
    kinds: list[set[str]] = [set() for _ in range(len(frame))]
    approx: list[dict[str, str]] = [{} for _ in range(len(frame))]
    grant_ids: list[set[str]] = [set() for _ in range(len(frame))]
    for zone_geom, kind, ids, is_approx, approx_note in zip(
        zones.geometry.to_numpy(),
        zones["kind"].astype(str),
        zones["grant_ids"],
        zones["is_approximate"],
        zones["approx_note"],
        strict=True,
    ):
        hits = tree.query(zone_geom, predicate="intersects")
        if len(hits) == 0:
            continue
        shapely.prepare(zone_geom)
        share = np.ones(len(hits))
        edge = ~shapely.covers(zone_geom, geoms[hits])
        crossing = hits[edge]
        share[edge] = (
            shapely.area(shapely.intersection(geoms[crossing], zone_geom)) / areas[crossing]
        )
        zone_ids = [str(g) for g in json_list(ids)]
        zone_note = (
            str(_none_if_missing(approx_note) or "outline approximate") if bool(is_approx) else None
        )
        for i, part in zip(hits.tolist(), share.tolist(), strict=True):
            if not part > min_share:
                continue
            kinds[i].add(kind)
            grant_ids[i].update(zone_ids)
            notes = [zone_note] if zone_note else []
            if part < 0.999:
                notes.append(f"only {part:.0%} of the area lies inside the zone outline")
            if notes:
                approx[i][kind] = "; ".join(notes)
    parks = layers.parks.set_index("park_id")
    park_price = {p: _none_if_missing(v) for p, v in parks["price_per_m2"].items()}
    park_zoning = {p: _none_if_missing(v) for p, v in parks["zoning"].items()}
    park_names = {p: _park_name(parks, str(p)) for p in parks.index}
    empty = pd.Series([None] * len(frame), index=frame.index)
    out = {}
    for i, (key, park_id, price, area) in enumerate(
        zip(
            frame[id_column].astype(str),
            frame["park_id"].astype(str),
            frame.get("price_per_m2", empty),
            frame.get("area_m2", empty),
            strict=True,
        )
    ):
        lot_id = key if id_column == "lot_id" else None
        price = _none_if_missing(price)
        if price is None:
            price = park_price.get(park_id)
        zoning = park_zoning.get(park_id)
        out[key] = Site(
            park_id=park_id,
            lot_id=lot_id,
            zone_kinds=frozenset(kinds[i]),
            approximate_zones=tuple(sorted(approx[i].items())),
            grant_ids=frozenset(grant_ids[i]),
            area_m2=float(area) if lot_id and _none_if_missing(area) else None,
            price_per_m2=None if price is None else float(price),
            zoning=None if zoning is None else str(zoning),
            park_name=park_names.get(park_id),
        )
    return out


def sites_for_lots(layers: Layers, lot_ids: Iterable[str] | None = None) -> dict[str, Site]:
    """Return the Site of many lots at once (all lots when ``lot_ids`` is None).

    A lot lies in a zone when any of its area overlaps the zone outline (measured in
    EPSG:6675); partial overlap and approximate outlines are noted in ``approximate_zones``.
    """
    lots = layers.lots
    if lot_ids is not None:
        wanted = list(lot_ids)
        for lot_id in wanted:
            layers.lot(lot_id)  # raises LotNotFoundError naming the id
        lots = lots[lots["lot_id"].isin(wanted)]
    return _sites(layers, lots, "lot_id")


def site_for_lot(layers: Layers, lot_id: str) -> Site:
    """Return the Site of one lot (zones it lies in, area, price).

    Raises
    ------
    LotNotFoundError
        If no lot has this id.
    """
    return sites_for_lots(layers, [lot_id])[lot_id]


def site_for_park(layers: Layers, park_id: str) -> Site:
    """Return the Site of a whole park (zones it lies in, price; no area: not a lot).

    Raises
    ------
    ParkNotFoundError
        If no park has this id.
    """
    layers.park(park_id)
    parks = layers.parks[layers.parks["park_id"] == park_id].copy()
    parks["area_m2"] = None
    return _sites(layers, parks, "park_id")[park_id]


def validate_point(lon: float, lat: float) -> tuple[float, float]:
    """Return ``(lon, lat)`` as floats if both are finite degrees in range.

    Raises
    ------
    InvalidInputError
        Naming what is wrong with the coordinates.
    """
    problems = []
    if not (isinstance(lon, int | float) and math.isfinite(lon) and -180 <= lon <= 180):
        problems.append(f"longitude must be a number from -180 to 180, got {lon!r}")
    if not (isinstance(lat, int | float) and math.isfinite(lat) and -90 <= lat <= 90):
        problems.append(f"latitude must be a number from -90 to 90, got {lat!r}")
    if problems:
        raise InvalidInputError(problems)
    return float(lon), float(lat)


def site_for_point(layers: Layers, lon: float, lat: float) -> Site:
    """Return the Site of any point in Kanazawa: the zones and the park (if any) it lies in.

    For private land, a vacant factory or a candidate area outside the five parks: the
    zones are the same approximate outlines as for lots, and a point outside every
    工場適地 outline is evaluated as such (city grants then ask for the mayor's recognition).

    Raises
    ------
    InvalidInputError
        If the coordinates are not numbers in range, or the point lies outside Kanazawa City.
    """
    lon, lat = validate_point(lon, lat)
    point = shapely.Point(lon, lat)
    boundary = layers.boundary.geometry
    if not bool(boundary.covers(point).any()):
        msg = (
            f"the point ({lon:.5f}, {lat:.5f}) lies outside Kanazawa City; grants are "
            "evaluated only for sites inside the city (give LON,LAT in degrees, e.g. "
            "136.6485,36.5780)"
        )
        raise InvalidInputError(msg)
    zones = layers.zones[layers.zones.geometry.covers(point)]
    approx = {
        str(z["kind"]): str(_none_if_missing(z["approx_note"]) or "outline approximate")
        for _, z in zones.iterrows()
        if bool(z["is_approximate"])
    }
    grant_ids: set[str] = set()
    for value in zones["grant_ids"]:
        grant_ids.update(map(str, json_list(value)))
    inside = layers.parks[layers.parks.geometry.covers(point)]
    park_id = str(inside["park_id"].iloc[0]) if not inside.empty else None
    parks = layers.parks.set_index("park_id")
    price = zoning = None
    if park_id is not None:
        price = _none_if_missing(parks.loc[park_id, "price_per_m2"])
        zoning = _none_if_missing(parks.loc[park_id, "zoning"])
    return Site(
        park_id=park_id,
        zone_kinds=frozenset(str(k) for k in zones["kind"]),
        approximate_zones=tuple(sorted(approx.items())),
        grant_ids=frozenset(grant_ids),
        price_per_m2=None if price is None else float(price),
        zoning=None if zoning is None else str(zoning),
        park_name=None if park_id is None else _park_name(parks, park_id),
        point=(lon, lat),
    )
