"""Static maps as SVG: a metric frame fitted to a box, layers clipped to it, paths written.

A :class:`MapFrame` is a rectangle of a projected (metric) CRS drawn into a box of
``width_px`` by ``height_px`` SVG user units, y pointing down, with one scale on both axes.
:func:`clip_to_frame` cuts a layer (any CRS, with a spatial index) to the frame and
simplifies it for the scale; :func:`path_data` writes a geometry as SVG path data;
:func:`scale_bar` and :func:`north_angle_deg` give the map furniture. The markup helpers
(:func:`svg_tag`, :func:`svg_text`) escape every attribute and every text, so a name with
``<`` or ``&`` stays text whatever the data holds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from geo.crs import WEB_CRS
from geo.errors import CRSMismatchError

# ---------------------------------------------------------------------------------- markup


class Svg(str):
    """SVG markup that is already escaped (what :func:`svg_tag` and :func:`svg_text` return)."""

    __slots__ = ()


def svg_text(value: object) -> Svg:
    """Return ``value`` as escaped character data."""
    return Svg(escape(str(value), quote=True))


def _number(value: float) -> str:
    """Return a number compactly: ``12``, ``12.5`` (at most two decimals)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _attribute(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return _number(value)
    return escape(str(value), quote=True)


def svg_tag(name: str, attributes: Mapping[str, object] | None = None, *children: Svg) -> Svg:
    """Return one element with escaped attributes and already-built children.

    Attributes whose value is None are left out; a trailing underscore is dropped and an
    underscore inside a name becomes a hyphen (``class_`` is ``class``, ``stroke_width`` is
    ``stroke-width``). Children must be :class:`Svg` (from this function
    or :func:`svg_text`), so nothing unescaped can slip in.

    Raises
    ------
    TypeError
        If a child is a plain string rather than :class:`Svg`.

    Examples
    --------
    >>> svg_tag("text", {"x": 1.0, "font_size": 12}, svg_text("A & <B>"))
    '<text x="1" font-size="12">A &amp; &lt;B&gt;</text>'
    """
    parts = [name]
    for key, value in (attributes or {}).items():
        if value is None:
            continue
        parts.append(f'{key.rstrip("_").replace("_", "-")}="{_attribute(value)}"')
    head = " ".join(parts)
    for child in children:
        if not isinstance(child, Svg):
            msg = f"children of <{name}> must be Svg markup, got {type(child).__name__}"
            raise TypeError(msg)
    if not children:
        return Svg(f"<{head}/>")
    return Svg(f"<{head}>{''.join(children)}</{name}>")


def svg_group(attributes: Mapping[str, object] | None, children: Iterable[Svg]) -> Svg:
    """Return a ``<g>`` of ``children`` (nothing when there are none)."""
    items = list(children)
    if not items:
        return Svg("")
    return svg_tag("g", attributes, *items)


# ----------------------------------------------------------------------------------- frame


@dataclass(frozen=True)
class MapFrame:
    """A rectangle of a projected CRS drawn into ``width_px`` x ``height_px`` (y down).

    Both axes share one scale, so the rectangle's aspect equals the box's.
    """

    west: float
    south: float
    east: float
    north: float
    width_px: float
    height_px: float
    crs: CRS

    def __post_init__(self) -> None:
        problems = []
        if not (self.east > self.west and self.north > self.south):
            problems.append(
                f"the frame needs west < east and south < north; got "
                f"{self.west}, {self.south}, {self.east}, {self.north}"
            )
        if not (self.width_px > 0 and self.height_px > 0):
            problems.append(f"the box must be positive; got {self.width_px} x {self.height_px}")
        elif not problems:
            x_scale = (self.east - self.west) / self.width_px
            y_scale = (self.north - self.south) / self.height_px
            if not math.isclose(x_scale, y_scale, rel_tol=1e-6):
                problems.append(
                    f"the frame's aspect must equal the box's; got {x_scale:g} and "
                    f"{y_scale:g} units per pixel"
                )
        if not CRS.from_user_input(self.crs).is_projected:
            problems.append(f"the frame's CRS must be projected (metres); got {self.crs}")
        if problems:
            msg = "; ".join(problems)
            raise ValueError(msg)

    @property
    def metres_per_px(self) -> float:
        """Ground distance of one SVG unit, in the CRS's units (metres)."""
        return (self.east - self.west) / self.width_px

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """West, south, east, north in the frame's CRS."""
        return self.west, self.south, self.east, self.north

    def box(self, *, margin_px: float = 0.0) -> shapely.Polygon:
        """Return the frame's rectangle in its CRS, grown by ``margin_px`` on every side."""
        margin = margin_px * self.metres_per_px
        return shapely.box(
            self.west - margin, self.south - margin, self.east + margin, self.north + margin
        )

    def to_px(self, x: float, y: float) -> tuple[float, float]:
        """Return the SVG position of a point given in the frame's CRS."""
        scale = self.metres_per_px
        return (x - self.west) / scale, (self.north - y) / scale

    def px_coordinates(self, coords: np.ndarray) -> np.ndarray:
        """Return ``(n, 2)`` CRS coordinates as SVG positions."""
        scale = self.metres_per_px
        out = np.empty_like(coords, dtype=float)
        out[:, 0] = (coords[:, 0] - self.west) / scale
        out[:, 1] = (self.north - coords[:, 1]) / scale
        return out


def frame_around(
    bounds: tuple[float, float, float, float] | np.ndarray,
    *,
    width_px: float,
    height_px: float,
    crs: CRS,
    pad_ratio: float = 0.1,
    min_width_m: float = 0.0,
) -> MapFrame:
    """Return the frame centred on ``bounds`` that shows them whole in a box of that size.

    Parameters
    ----------
    bounds
        West, south, east, north in ``crs`` (metres).
    width_px, height_px
        The box the map is drawn into.
    crs
        A projected CRS in metres, e.g. :data:`geo.crs.METRIC_CRS`.
    pad_ratio
        Room left around ``bounds``, as a share of their size on each side.
    min_width_m
        Smallest ground width shown, so that a small feature keeps its surroundings.

    Returns
    -------
    MapFrame
        The rectangle has the box's aspect; the bounds' longer side (relative to the box)
        with its padding spans the box.
    """
    west, south, east, north = (float(v) for v in bounds)
    if not all(math.isfinite(v) for v in (west, south, east, north)) or east < west:
        msg = f"bounds must be finite west, south, east, north; got {tuple(bounds)!r}"
        raise ValueError(msg)
    aspect = width_px / height_px
    width = max((east - west) * (1 + 2 * pad_ratio), 1.0)
    height = max((north - south) * (1 + 2 * pad_ratio), 1.0)
    width = max(width, height * aspect, min_width_m)
    height = width / aspect
    cx, cy = (west + east) / 2, (south + north) / 2
    return MapFrame(
        cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2, width_px, height_px, crs
    )


# ------------------------------------------------------------------------------- clipping


@lru_cache(maxsize=16)
def _transformer(source: CRS, target: CRS) -> Transformer:
    """Return a (cached: building one costs milliseconds) lon/lat-ordered transformer."""
    return Transformer.from_crs(source, target, always_xy=True)


def _box_in(frame: MapFrame, crs: CRS, *, margin_px: float) -> shapely.Polygon:
    """Return the frame's box (densified, so curved edges stay covered) in ``crs``."""
    box = frame.box(margin_px=margin_px)
    if CRS.from_user_input(crs) == CRS.from_user_input(frame.crs):
        return box
    dense = shapely.segmentize(box, max_segment_length=box.length / 80)
    transformer = _transformer(CRS.from_user_input(frame.crs), CRS.from_user_input(crs))
    return shapely.transform(dense, lambda xy: np.column_stack(transformer.transform(*xy.T)))


_MULTI = {0: shapely.multipoints, 1: shapely.multilinestrings, 2: shapely.multipolygons}
"""Multi-part constructor by dimension (parts are kept as they are, never merged)."""


def _same_dimension(geoms: np.ndarray, dims: np.ndarray) -> np.ndarray:
    """Return each geometry keeping only its parts of the given dimension (others emptied).

    Cutting a line with a box can leave a stray point where the line only touches the box;
    a map draws lines as lines, so such parts go.
    """
    out = geoms.copy()
    mixed = shapely.get_type_id(geoms) == shapely.GeometryType.GEOMETRYCOLLECTION
    for i in np.flatnonzero(mixed):
        parts = shapely.get_parts(geoms[i])
        kept = parts[shapely.get_dimensions(parts) == dims[i]]
        out[i] = _MULTI[int(dims[i])](kept) if len(kept) else shapely.GeometryCollection()
    lower = ~mixed & (shapely.get_dimensions(geoms) < dims)
    out[lower] = shapely.GeometryCollection()
    return out


def clip_to_frame(
    layer: gpd.GeoDataFrame,
    frame: MapFrame,
    *,
    margin_px: float = 0.0,
    simplify_px: float = 0.0,
) -> gpd.GeoDataFrame:
    """Return the rows of ``layer`` that reach the frame, cut to it, in the frame's CRS.

    Candidates come from the layer's spatial index (queried with the frame's box in the
    layer's own CRS), so only they are reprojected. Each geometry is then cut to the box
    (grown by ``margin_px``) and simplified to within ``simplify_px`` SVG units (topology
    kept, so polygons stay valid); rows left empty are dropped. A line cut in two stays one
    row with a multi-part geometry.

    Parameters
    ----------
    layer
        Any CRS (EPSG:4326 as stored).
    frame
        The map's frame.
    margin_px
        Room kept beyond the frame, e.g. so that an outline cut at the frame's edge is drawn
        outside the visible area.
    simplify_px
        Douglas-Peucker tolerance in SVG units (0: none).

    Returns
    -------
    geopandas.GeoDataFrame
        The layer's columns, index kept, geometry in ``frame.crs``.

    Raises
    ------
    CRSMismatchError
        If the layer has no CRS.
    """
    if layer.crs is None:
        msg = "the layer has no CRS; set it with .set_crs() before drawing it on a map"
        raise CRSMismatchError(msg)
    if layer.empty:
        return layer.iloc[:0].to_crs(frame.crs)
    query = _box_in(frame, layer.crs, margin_px=margin_px)
    hits = np.sort(layer.sindex.query(query, predicate="intersects"))
    chosen = layer.iloc[hits]
    chosen = chosen[~(shapely.is_missing(chosen.geometry.values) | chosen.geometry.is_empty)]
    metric = chosen.to_crs(frame.crs)
    geoms = metric.geometry.values
    dims = shapely.get_dimensions(geoms)
    cut = shapely.intersection(geoms, frame.box(margin_px=margin_px))
    cut = _same_dimension(np.asarray(cut), dims)
    if simplify_px > 0:
        cut = shapely.simplify(cut, simplify_px * frame.metres_per_px, preserve_topology=True)
    keep = ~shapely.is_empty(cut)
    out = metric.iloc[np.flatnonzero(keep)].copy()
    out[out.geometry.name] = gpd.GeoSeries(cut[keep], index=out.index, crs=frame.crs)
    return out


# ---------------------------------------------------------------------------------- paths


def _line_parts(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the lines and rings of ``geoms`` (any mix) and whether each ring is closed."""
    parts = shapely.get_parts(geoms)
    while True:  # collections may nest
        nested = shapely.get_type_id(parts) == shapely.GeometryType.GEOMETRYCOLLECTION
        if not nested.any():
            break
        parts = np.concatenate([parts[~nested], shapely.get_parts(parts[nested])])
    kinds = shapely.get_type_id(parts)
    lines = parts[
        (kinds == shapely.GeometryType.LINESTRING) | (kinds == shapely.GeometryType.LINEARRING)
    ]
    rings = shapely.get_rings(parts[kinds == shapely.GeometryType.POLYGON])
    closed = np.concatenate([np.zeros(len(lines), bool), np.ones(len(rings), bool)])
    return np.concatenate([lines, rings]), closed


def paths_data(geoms: Iterable[BaseGeometry], frame: MapFrame, *, decimals: int = 1) -> str:
    """Return SVG path data for lines and polygons given in the frame's CRS.

    Each line and each ring becomes one subpath (``M x y L x y ...``, rings closed with
    ``Z``); polygons with holes draw correctly with ``fill-rule="evenodd"``. Points have no
    path (draw them as symbols at :meth:`MapFrame.to_px`). Lines come first, then rings.

    Examples
    --------
    >>> frame = MapFrame(0, 0, 100, 50, 200, 100, CRS.from_epsg(6675))
    >>> paths_data([shapely.LineString([(0, 50), (100, 0)])], frame)
    'M0.0 0.0L200.0 100.0'
    >>> paths_data([shapely.box(0, 0, 50, 50)], frame)
    'M100.0 100.0L100.0 0.0 0.0 0.0 0.0 100.0Z'
    """
    array = np.asarray(list(geoms), dtype=object)
    if not len(array):
        return ""
    pieces, closed = _line_parts(array)
    coords, index = shapely.get_coordinates(pieces, return_index=True)
    if not len(coords):
        return ""
    px = np.round(frame.px_coordinates(coords), decimals)
    pairs = [f"{x:.{decimals}f} {y:.{decimals}f}" for x, y in px.tolist()]
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    ends = np.r_[starts[1:], len(index)]
    out = []
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        is_ring = bool(closed[index[start]])
        if is_ring and end - start > 1 and pairs[start] == pairs[end - 1]:
            end -= 1  # Z closes the ring
        out.append("M" + pairs[start])
        if end - start > 1:
            out.append("L" + " ".join(pairs[start + 1 : end]))
        if is_ring:
            out.append("Z")
    return "".join(out)


def path_data(geom: BaseGeometry, frame: MapFrame, *, decimals: int = 1) -> str:
    """Return SVG path data for one geometry (see :func:`paths_data`)."""
    return paths_data([geom], frame, decimals=decimals)


# ------------------------------------------------------------------------------ furniture


def nice_length(limit: float) -> float:
    """Return the largest 1, 2 or 5 times a power of ten that is at most ``limit``.

    Examples
    --------
    >>> nice_length(740), nice_length(1999), nice_length(5)
    (500.0, 1000.0, 5.0)
    """
    if not (limit > 0 and math.isfinite(limit)):
        msg = f"limit must be a positive number; got {limit!r}"
        raise ValueError(msg)
    power = 10.0 ** math.floor(math.log10(limit))
    for step in (5.0, 2.0, 1.0):
        if step * power <= limit * (1 + 1e-12):
            return step * power
    return power  # pragma: no cover - 1 x power is always at most limit


@dataclass(frozen=True)
class ScaleBar:
    """A scale bar: its ground length and its length in SVG units."""

    metres: float
    px: float

    @property
    def label(self) -> str:
        """``500 m`` or ``2 km``."""
        if self.metres >= 1000:
            return f"{_number(self.metres / 1000)} km"
        return f"{_number(self.metres)} m"


def scale_bar(frame: MapFrame, *, max_px: float) -> ScaleBar:
    """Return the longest round-length scale bar that fits in ``max_px`` SVG units."""
    metres = nice_length(max_px * frame.metres_per_px)
    return ScaleBar(metres=metres, px=metres / frame.metres_per_px)


def north_angle_deg(frame: MapFrame) -> float:
    """Return the direction of true north at the frame's centre, clockwise from up (degrees).

    Grid north of a projected CRS leans from true north away from the projection's central
    meridian (meridian convergence); a north arrow turned by this angle points true north.
    """
    cx, cy = (frame.west + frame.east) / 2, (frame.south + frame.north) / 2
    to_geo = _transformer(CRS.from_user_input(frame.crs), WEB_CRS)
    to_grid = _transformer(WEB_CRS, CRS.from_user_input(frame.crs))
    lon, lat = to_geo.transform(cx, cy)
    nx, ny = to_grid.transform(lon, lat + 0.01)
    return math.degrees(math.atan2(nx - cx, ny - cy))
