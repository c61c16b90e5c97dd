"""A light offline basemap for the search page's map (major roads, water, rail).

The lot, park and pitch maps use ``map-core.js``, which fetches its own basemap layers; the
search map draws this one file (about 100 kB) under the result lots.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import shapely
from shapely.geometry import box

from parks.data import Layers

SIMPLIFY_DEG = 0.00005
"""Simplification tolerance (about 5 m)."""

DECIMALS = 5


REGION_ROAD_CLASSES = ("motorway", "trunk", "primary", "secondary")
"""Road classes of the region basemap (the search map shows all five parks at once)."""

REGION_PAD_DEG = 0.03
REGION_SIMPLIFY_DEG = 0.0002
REGION_DECIMALS = 4


def _clip(
    frame: gpd.GeoDataFrame, area: Any, columns: list[str], *, simplify_deg: float, decimals: int
) -> dict[str, Any]:
    """Return ``frame`` clipped to ``area``, simplified and rounded, as a GeoJSON collection."""
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
