"""An offline basemap for the small maps on lot, park and pitch pages.

The app draws no tiles unless a tile server is configured, so each page map carries the
major roads, water and rail around what it shows, clipped and simplified (a few dozen
kilobytes). ``page-map.js`` draws them under the page's own layers and zooms to those.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import box, shape

from parks.data import Layers

BASEMAP_ROAD_CLASSES = ("motorway", "trunk", "primary", "secondary", "tertiary", "minor")
"""Road classes drawn on a page map (minor roads only near the focus, see ``MINOR_PAD_DEG``)."""

PAD_DEG = 0.01
"""Margin around the page's features within which the basemap is kept (about 1 km)."""

MINOR_PAD_DEG = 0.004
"""Minor roads are kept only this close to the page's features (the streets of the park)."""

SIMPLIFY_DEG = 0.00005
"""Simplification tolerance (about 5 m)."""

DECIMALS = 5


FOCUS_KEYS = ("park", "lots")
"""Collections of a page map whose surroundings the basemap covers (routes run far beyond)."""


def _bounds(data: dict[str, Any]) -> tuple[float, float, float, float] | None:
    geoms = [
        shape(f["geometry"])
        for key in FOCUS_KEYS
        for f in (data.get(key) or {}).get("features", [])
        if f.get("geometry")
    ]
    if not geoms:
        return None
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    return float(minx), float(miny), float(maxx), float(maxy)


def _clip(
    frame: gpd.GeoDataFrame,
    area: Any,
    columns: list[str],
    *,
    simplify_deg: float = SIMPLIFY_DEG,
    decimals: int = DECIMALS,
) -> dict[str, Any]:
    hits = frame[frame.intersects(area)]
    geoms = shapely.clip_by_rect(hits.geometry.values, *area.bounds)
    geoms = shapely.simplify(geoms, simplify_deg, preserve_topology=True)
    geoms = shapely.transform(geoms, lambda xy: xy.round(decimals))
    out = gpd.GeoDataFrame(
        hits[columns].reset_index(drop=True), geometry=list(geoms), crs=frame.crs
    )
    out = out[~out.geometry.is_empty]
    collection: dict[str, Any] = dict(out.__geo_interface__)
    collection.pop("bbox", None)  # NaN for an empty layer, and not needed: Leaflet fits itself
    for feature in collection["features"]:
        feature.pop("bbox", None)
        feature.pop("id", None)
    return collection


def basemap(layers: Layers, bounds: tuple[float, float, float, float]) -> dict[str, Any]:
    """Return roads, water and rail around ``bounds`` (lon/lat) as GeoJSON collections."""
    minx, miny, maxx, maxy = bounds
    area = box(minx - PAD_DEG, miny - PAD_DEG, maxx + PAD_DEG, maxy + PAD_DEG)
    near = box(
        minx - MINOR_PAD_DEG, miny - MINOR_PAD_DEG, maxx + MINOR_PAD_DEG, maxy + MINOR_PAD_DEG
    )
    roads = layers.roads[layers.roads["class"].isin(BASEMAP_ROAD_CLASSES)]
    major = roads[roads["class"] != "minor"]
    minor = roads[roads["class"] == "minor"]
    road_fc = _clip(major, area, ["class"])
    road_fc["features"] += _clip(minor, near, ["class"])["features"]
    rail = layers.rail[layers.rail.geometry.geom_type.isin(["LineString", "MultiLineString"])]
    return {
        "roads": road_fc,
        "water": _clip(layers.water, area, ["class"]),
        "rail": _clip(rail, area, []),
    }


def with_basemap(layers: Layers, data: dict[str, Any]) -> dict[str, Any]:
    """Return ``data`` (GeoJSON collections of a page map) with the basemap around them."""
    bounds = _bounds(data)
    if bounds is None:
        return data
    return {**data, "basemap": basemap(layers, bounds)}


REGION_ROAD_CLASSES = ("motorway", "trunk", "primary", "secondary")
"""Road classes of the region basemap (the search map shows all five parks at once)."""

REGION_PAD_DEG = 0.03
REGION_SIMPLIFY_DEG = 0.0002
REGION_DECIMALS = 4


def region_basemap(layers: Layers) -> dict[str, Any]:
    """Return a light basemap around all parks: major roads, water and rail (about 100 kB).

    Each road class is merged into one feature so the file is mostly coordinates.
    """
    minx, miny, maxx, maxy = (float(v) for v in layers.parks.total_bounds)
    area = box(
        minx - REGION_PAD_DEG, miny - REGION_PAD_DEG, maxx + REGION_PAD_DEG, maxy + REGION_PAD_DEG
    )
    roads = layers.roads[layers.roads["class"].isin(REGION_ROAD_CLASSES)]
    merged = roads.dissolve("class").reset_index()[["class", "geometry"]]
    rail = layers.rail[layers.rail.geometry.geom_type.isin(["LineString", "MultiLineString"])]
    options = {"simplify_deg": REGION_SIMPLIFY_DEG, "decimals": REGION_DECIMALS}
    return {
        "roads": _clip(merged, area, ["class"], **options),
        "water": _clip(layers.water, area, ["class"], **options),
        "rail": _clip(rail, area, [], **options),
    }
