"""A candidate area: a drawn or uploaded polygon, checked whole before anything uses it.

Every problem is gathered before refusing (a bad upload is rejected with all its faults
listed), and nothing is stored: the area lives only in memory for one assessment.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS, WEB_CRS
from geo.upload import UploadError, UploadLimits, read_upload
from parks.data import Layers
from parks.messages import N_, Message
from parks.planning.errors import AreaRejectedError

MAX_AREA_KM2 = 50.0
"""Largest area assessed: a new industrial park, not a district."""

MIN_AREA_M2 = 100.0
"""Smallest area assessed (smaller usually means metres were read as degrees)."""

MAX_OUTSIDE_SHARE = 0.5
"""Largest share of an area that may lie outside the city."""

MAX_VERTICES = 20_000
MAX_DRAWN_BYTES = 2_000_000

FAR_KM = 100.0
"""An area farther than this from the city almost always has a wrong CRS."""


UPLOAD_MESSAGES = {
    "format": N_(
        "file %(name)s is not a GeoJSON (.geojson, .json), GeoPackage (.gpkg) or zipped Shapefile (.zip)"
    ),
    "empty": N_("file %(name)s is empty"),
    "too_large": N_("file %(name)s is %(size)s bytes; the limit is %(limit)s"),
    "unreadable": N_(
        "cannot read %(name)s as %(kind)s: the content is not in that format or is damaged"
    ),
    "layers": N_("%(name)s must hold exactly one layer with geometries; found %(found)s"),
    "features": N_("%(name)s holds %(count)s features; the limit is %(limit)s"),
    "no_geometry": N_("%(name)s has no geometries"),
    "bad_zip": N_("%(name)s is not a valid zip file"),
    "zip_entries": N_("%(name)s holds %(count)s files; the limit is %(limit)s"),
    "zip_size": N_("%(name)s unpacks to %(size)s bytes; the limit is %(limit)s"),
    "zip_shp": N_("%(name)s must hold exactly one .shp file; found %(count)s"),
    "zip_parts": N_("%(name)s: the Shapefile lacks its %(parts)s file"),
    "content": N_("file %(name)s does not hold %(kind)s data (its content is of another kind)"),
}
"""Translatable messages of :class:`geo.upload.UploadError` by its key."""

DRAWN = N_("the drawn area")


def upload_message(exc: UploadError, *, name: Message | str | None = None) -> Message:
    """Return the translatable message of an upload refusal."""
    params = dict(exc.params)
    if name is not None:
        params["name"] = name
    return Message(UPLOAD_MESSAGES[exc.key], params)


@dataclass(frozen=True)
class Area:
    """A checked candidate area, in lon/lat and in metres (EPSG:6675)."""

    web: BaseGeometry
    metric: BaseGeometry
    features: int
    source_crs: str
    notes: tuple[Message, ...] = field(default_factory=tuple)

    @property
    def area_ha(self) -> float:
        """Area in hectares, measured in EPSG:6675."""
        return float(self.metric.area) / 10_000.0

    def geojson(self) -> dict[str, Any]:
        """Return the outline as a GeoJSON geometry (lon/lat)."""
        out: dict[str, Any] = json.loads(json.dumps(shapely.geometry.mapping(self.web)))
        return out


def city_polygon(layers: Layers) -> BaseGeometry:
    """Return the city boundary as one polygon in EPSG:6675."""
    return shapely.union_all(layers.boundary.to_crs(METRIC_CRS).geometry.to_numpy())


def _where(crs: CRS, reason: str) -> str:
    """Turn the 'at x y' of a validity reason into lon/lat."""

    found = re.search(r"\[([-\d.e+]+)\s+([-\d.e+]+)\]", reason)
    if not found:
        return ""
    x, y = float(found.group(1)), float(found.group(2))
    if not crs.is_geographic:
        pt = gpd.GeoSeries([shapely.Point(x, y)], crs=crs).to_crs(WEB_CRS).iloc[0]
        x, y = pt.x, pt.y
    return f"{x:.5f}, {y:.5f}"


def area_from_frame(frame: gpd.GeoDataFrame, layers: Layers, *, name: Message | str) -> Area:
    """Check the polygons of ``frame`` and return them as one :class:`Area`.

    Raises
    ------
    AreaRejectedError
        Listing every problem: no CRS, coordinates that do not fit the CRS, no feature, a
        feature that is not a polygon, a self-intersecting or otherwise invalid outline,
        more than :data:`MAX_AREA_KM2`, under :data:`MIN_AREA_M2`, or more than half
        outside the city (or wholly outside it).
    """
    problems: list[Message] = []
    if frame.crs is None:
        raise AreaRejectedError(
            Message(
                "%(name)s has no coordinate reference system (CRS); give the file one (a .prj "
                "for a Shapefile) or upload GeoJSON in longitude/latitude",
                {"name": name},
            )
        )
    crs = CRS.from_user_input(frame.crs)
    geoms = list(frame.geometry)
    if not geoms:
        raise AreaRejectedError(Message("%(name)s holds no feature", {"name": name}))
    n_vertices = int(shapely.get_num_coordinates(np.asarray(geoms, dtype=object)).sum())
    if n_vertices > MAX_VERTICES:
        raise AreaRejectedError(
            Message(
                "%(name)s has %(count)s vertices; the limit is %(limit)s",
                {"name": name, "count": n_vertices, "limit": MAX_VERTICES},
            )
        )
    polygons: list[BaseGeometry] = []
    for i, geom in enumerate(geoms, start=1):
        label: Message | str = (
            Message("%(name)s, feature %(number)s", {"name": name, "number": i})
            if len(geoms) > 1
            else name
        )
        if geom is None or geom.is_empty:
            problems.append(Message("%(name)s has an empty geometry", {"name": label}))
        elif geom.geom_type not in ("Polygon", "MultiPolygon"):
            problems.append(
                Message(
                    "%(name)s is a %(kind)s, not a polygon; draw or upload the outline of the area",
                    {"name": label, "kind": geom.geom_type},
                )
            )
        elif not geom.is_valid:
            reason = shapely.is_valid_reason(geom)
            where = _where(crs, reason)
            if reason.startswith("Self-intersection") or reason.startswith(
                "Ring Self-intersection"
            ):
                problems.append(
                    Message(
                        "%(name)s crosses itself (near %(where)s); redraw the outline so its edges do not cross",
                        {"name": label, "where": where or "?"},
                    )
                )
            else:
                problems.append(
                    Message(
                        "%(name)s is not a valid polygon (%(reason)s)",
                        {"name": label, "reason": reason},
                    )
                )
        else:
            polygons.append(geom)
    if problems:
        raise AreaRejectedError(problems)
    minx, miny, maxx, maxy = shapely.total_bounds(np.asarray(polygons, dtype=object))
    if crs.is_geographic and not (minx >= -180 and maxx <= 180 and miny >= -90 and maxy <= 90):
        raise AreaRejectedError(
            Message(
                "%(name)s has coordinates such as (%(x)s, %(y)s) that are not longitude/latitude, "
                "yet its CRS is %(crs)s: the CRS is wrong or missing%(hint)s",
                {
                    "name": name,
                    "x": f"{minx:.1f}",
                    "y": f"{miny:.1f}",
                    "crs": crs.to_string(),
                    "hint": _swapped_hint(polygons, crs, city_polygon(layers)),
                },
            )
        )
    try:
        metric = gpd.GeoSeries(polygons, crs=crs).to_crs(METRIC_CRS)
    except Exception as exc:  # pyproj raises several types for impossible transforms
        raise AreaRejectedError(
            Message(
                "%(name)s cannot be reprojected from %(crs)s: %(error)s",
                {"name": name, "crs": crs.to_string(), "error": str(exc)},
            )
        ) from exc
    if not np.isfinite(metric.total_bounds).all():
        raise AreaRejectedError(
            Message(
                "%(name)s does not fit its CRS %(crs)s (coordinates cannot be placed on Earth)",
                {"name": name, "crs": crs.to_string()},
            )
        )
    geom = shapely.union_all(metric.to_numpy())
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    city = city_polygon(layers)
    area_m2 = float(geom.area)
    notes: list[Message] = []
    if len(polygons) > 1:
        notes.append(
            Message("%(count)s features were merged into one area", {"count": len(polygons)})
        )
    distance_km = float(geom.distance(city)) / 1000.0
    if distance_km > 0:
        hint = _swapped_hint(polygons, crs, city)
        if distance_km > FAR_KM:
            problems.append(
                Message(
                    "%(name)s lies %(km)s km from Kanazawa: check its CRS (the file says %(crs)s)%(hint)s",
                    {
                        "name": name,
                        "km": f"{distance_km:,.0f}",
                        "crs": crs.to_string(),
                        "hint": hint,
                    },
                )
            )
        else:
            problems.append(
                Message(
                    "%(name)s lies outside Kanazawa city, %(km)s km from its boundary%(hint)s",
                    {"name": name, "km": f"{distance_km:.1f}", "hint": hint},
                )
            )
    else:
        outside = float(geom.difference(city).area) / area_m2 if area_m2 > 0 else 0.0
        if outside > MAX_OUTSIDE_SHARE:
            problems.append(
                Message(
                    "%(share)s of %(name)s lies outside Kanazawa city; at most %(limit)s may",
                    {"name": name, "share": f"{outside:.0%}", "limit": f"{MAX_OUTSIDE_SHARE:.0%}"},
                )
            )
    if area_m2 > MAX_AREA_KM2 * 1e6:
        problems.append(
            Message(
                "%(name)s covers %(km2)s km²; the limit is %(limit)s km²",
                {"name": name, "km2": f"{area_m2 / 1e6:,.1f}", "limit": f"{MAX_AREA_KM2:.0f}"},
            )
        )
    elif area_m2 < MIN_AREA_M2:
        problems.append(
            Message(
                "%(name)s covers only %(m2)s m²; the smallest area assessed is %(limit)s m²",
                {"name": name, "m2": f"{area_m2:,.1f}", "limit": f"{MIN_AREA_M2:.0f}"},
            )
        )
    if problems:
        raise AreaRejectedError(problems)
    web = gpd.GeoSeries([geom], crs=METRIC_CRS).to_crs(WEB_CRS).iloc[0]
    return Area(
        web=web, metric=geom, features=len(polygons), source_crs=crs.to_string(), notes=tuple(notes)
    )


def _swapped_hint(polygons: list[BaseGeometry], crs: CRS, city: BaseGeometry) -> Message | str:
    """Return a hint when swapping x and y would put the area in the city."""
    if not crs.is_geographic:
        return ""
    swapped = [shapely.transform(g, lambda xy: xy[:, ::-1]) for g in polygons]
    try:
        metric = gpd.GeoSeries(swapped, crs=crs).to_crs(METRIC_CRS)
    except Exception:
        return ""
    if metric.intersects(city).any():
        return Message("; latitude and longitude seem to be swapped")
    return ""


def area_from_upload(
    data: bytes, filename: str, layers: Layers, *, limits: UploadLimits | None = None
) -> Area:
    """Read and check an uploaded GeoJSON, GeoPackage or zipped Shapefile (in memory only).

    Raises
    ------
    AreaRejectedError
        If the file cannot be read or its area breaks a rule (see :func:`area_from_frame`).
    """
    try:
        frame = read_upload(data, filename, limits=limits or UploadLimits(max_features=500))
    except UploadError as exc:
        raise AreaRejectedError(upload_message(exc)) from exc
    return area_from_frame(frame, layers, name=_display_name(filename))


def area_from_geojson(
    text: str | bytes, layers: Layers, *, name: Message | str | None = None
) -> Area:
    """Read and check a drawn area sent as GeoJSON (geometry, Feature or FeatureCollection)."""
    name = Message(DRAWN) if name is None else name
    raw = text.encode("utf-8") if isinstance(text, str) else text
    if len(raw) > MAX_DRAWN_BYTES:
        raise AreaRejectedError(
            Message(
                "the drawn area is %(size)s bytes of GeoJSON; the limit is %(limit)s",
                {"size": len(raw), "limit": MAX_DRAWN_BYTES},
            )
        )
    try:
        json.loads(raw)
    except (ValueError, RecursionError) as exc:  # nested beyond Python's stack: not an area
        raise AreaRejectedError(Message("the drawn area is not valid JSON")) from exc
    try:
        frame = read_upload(raw, "area.geojson", limits=UploadLimits(max_features=500))
    except UploadError as exc:
        raise AreaRejectedError(upload_message(exc, name=name)) from exc
    return area_from_frame(frame, layers, name=name)


def area_from_geometry(geom: BaseGeometry, layers: Layers, *, name: str) -> Area:
    """Check a shapely geometry given in lon/lat (a lot, a park, a candidate)."""
    frame = gpd.GeoDataFrame(geometry=[geom], crs=WEB_CRS)
    return area_from_frame(frame, layers, name=name)


def _display_name(filename: str) -> str:
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return base[:80] or "the file"
