"""Coordinate reference systems: store in WGS84, measure in JGD2011 Plane Rectangular CS VII."""

from __future__ import annotations

from typing import TypeVar

import geopandas as gpd
from pyproj import CRS

from geo.errors import CRSMismatchError

WEB_CRS = CRS.from_epsg(4326)
"""Storage and display CRS (lon/lat)."""

METRIC_CRS = CRS.from_epsg(6675)
"""JGD2011 / Japan Plane Rectangular CS VII: area of use includes Ishikawa; metres."""

FrameT = TypeVar("FrameT", gpd.GeoDataFrame, gpd.GeoSeries)


def require_crs(frame: FrameT, expected: CRS, *, what: str = "input") -> FrameT:
    """Return ``frame`` unchanged if its CRS equals ``expected``; raise otherwise.

    GeoPandas only warns on a mismatch; a silent mismatch gives a wrong number, so we raise.
    """
    if frame.crs is None:
        msg = (
            f"{what} has no CRS; expected {expected.to_string()}. "
            "Set it with .set_crs() if you know it."
        )
        raise CRSMismatchError(msg)
    if CRS.from_user_input(frame.crs) != expected:
        msg = (
            f"{what} is in {CRS.from_user_input(frame.crs).to_string()}, expected "
            f"{expected.to_string()}; reproject with .to_crs({expected.to_string()!r})."
        )
        raise CRSMismatchError(msg)
    return frame


def to_metric(frame: FrameT) -> FrameT:
    """Reproject to METRIC_CRS (raises if the input has no CRS)."""
    if frame.crs is None:
        msg = "cannot reproject: input has no CRS"
        raise CRSMismatchError(msg)
    return frame.to_crs(METRIC_CRS)


def to_web(frame: FrameT) -> FrameT:
    """Reproject to WEB_CRS (raises if the input has no CRS)."""
    if frame.crs is None:
        msg = "cannot reproject: input has no CRS"
        raise CRSMismatchError(msg)
    return frame.to_crs(WEB_CRS)
