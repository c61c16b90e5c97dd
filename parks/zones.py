"""Subsidy-relevant zones: which zones (and so which grants) a place lies in."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely


def zones_at(zones: gpd.GeoDataFrame, geometry: object) -> pd.DataFrame:
    """Return the zones a geometry (EPSG:4326) lies in, by its representative point.

    A lot or park is in a zone when a point inside it is; using one inner point avoids
    counting a sliver overlap with a neighbouring zone.
    """
    point = shapely.point_on_surface(geometry)
    found: pd.DataFrame = zones[zones.contains(point)]
    return found
