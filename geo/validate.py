"""Geometry checks that gather every problem before anyone raises (nothing is half-accepted)."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import shapely


def geometry_problems(
    frame: gpd.GeoDataFrame,
    labels: Sequence[str],
    *,
    allowed_types: tuple[str, ...] = ("Polygon", "MultiPolygon"),
) -> list[str]:
    """Return a message for every missing, empty, wrongly typed or invalid geometry."""
    problems: list[str] = []
    for label, geom in zip(labels, frame.geometry, strict=True):
        if geom is None or geom.is_empty:
            problems.append(f"{label}: geometry is empty")
        elif geom.geom_type not in allowed_types:
            problems.append(
                f"{label}: geometry is a {geom.geom_type}, expected {' or '.join(allowed_types)}"
            )
        elif not geom.is_valid:
            problems.append(f"{label}: invalid geometry ({shapely.is_valid_reason(geom)})")
    return problems


def overlap_problems(
    frame: gpd.GeoDataFrame, labels: Sequence[str], *, min_area: float = 1.0
) -> list[str]:
    """Return a message for every pair of polygons that overlap by more than ``min_area``.

    The frame must be in a metric CRS; polygons that only touch along an edge are fine.
    """
    geoms = frame.geometry.values
    ok = ~(shapely.is_empty(geoms) | ~shapely.is_valid(geoms))
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    problems: list[str] = []
    for i, j in zip(left, right, strict=True):
        if i >= j or not (ok[i] and ok[j]):
            continue
        area = shapely.area(shapely.intersection(geoms[i], geoms[j]))
        if area > min_area:
            problems.append(f"{labels[i]} and {labels[j]} overlap by {area:,.0f} m²")
    return problems


def outside_problems(
    frame: gpd.GeoDataFrame,
    labels: Sequence[str],
    areas: gpd.GeoSeries,
    area_labels: Sequence[str],
    *,
    tolerance: float,
) -> tuple[list[str], list[str | None]]:
    """Find, for each polygon, the area it lies in (within ``tolerance`` metres).

    Returns the problems (polygons near no area) and, per polygon, the label of the nearest
    area it lies in (None when none). Both inputs must share one metric CRS.
    """
    problems: list[str] = []
    found: list[str | None] = []
    area_geoms = areas.values
    for label, geom in zip(labels, frame.geometry, strict=True):
        if geom is None or geom.is_empty:
            found.append(None)
            continue
        dist = shapely.distance(area_geoms, shapely.point_on_surface(geom))
        k = int(np.argmin(dist))
        if dist[k] > tolerance:
            problems.append(
                f"{label}: lies outside every park (nearest {area_labels[k]}, {dist[k] / 1000:.1f} km away)"
            )
            found.append(None)
        else:
            found.append(area_labels[k])
    return problems, found
