"""The map's layers as data: what each layer is, how it is drawn, and its web-ready features.

Nothing here knows HTTP. :mod:`webapp.layers` serves the features built here as GeoJSON
(``GET /api/layers/<name>``), simplified for the zoom, and ``static/map-core.js`` draws them
with the styles declared here, which reach the browser in the page's map config. So the
colours, dash patterns and layer names have one source: this module.

Layers are drawn bottom to top in the order of :data:`LAYERS`. Display text (names, labels)
comes in the requested language; ids (``lot_id``, ``park_id``) travel only as keys for links
and styling, never as text a user reads.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.crs import WEB_CRS
from parks.data import LOT_STATUSES, Layers
from parks.messages import N_
from webapp.i18n import Lang, gettext_in

# ---------------------------------------------------------------------------------- styles

STATUS_COLOURS: dict[str, str] = {
    "available": "#1a9850",
    "negotiating": "#fdae61",
    "reserved": "#d73027",
    "sold": "#7f7f7f",
    "planned": "#4575b4",
}
"""Fill colour of a lot by status (the legend uses the same table)."""

UNKNOWN_STATUS_COLOUR = "#ffffff"
"""Fill of a lot whose status is not on record (before its first event, or unexpected)."""

UNKNOWN_STATUS_OUTLINE = "#555555"

ILLUSTRATIVE_DASH = "6 4"
"""Dash pattern of everything derived or illustrative: generated lots, derived park outlines,
approximate zones. The legend explains it once."""

BAND_COLOURS: tuple[str, ...] = ("#3f007d", "#6a51a3", "#8c74c0", "#b4a7d6", "#dcd5ee")
"""Fill of drive-time bands, shortest first: a sequential purple scale that no lot status
colour (green, orange, red, grey, blue) can be mistaken for."""

BAND_FILL_OPACITY = 0.5

ROAD_STYLES: dict[str, dict[str, Any]] = {
    "motorway": {"color": "#8c8c8c", "weight": 3},
    "trunk": {"color": "#9a9a9a", "weight": 2.5},
    "primary": {"color": "#a8a8a8", "weight": 2},
    "secondary": {"color": "#b8b8b8", "weight": 1.5},
    "tertiary": {"color": "#c8c8c8", "weight": 1.2},
    "minor": {"color": "#d6d6d6", "weight": 1},
    "service": {"color": "#dedede", "weight": 0.8},
}
"""Basemap roads in neutral greys, so that only the data (lots, bands) carries colour."""

ROAD_CLASSES_BY_ZOOM: tuple[tuple[int, tuple[str, ...]], ...] = (
    (0, ("motorway", "trunk", "primary")),
    (11, ("secondary",)),
    (13, ("tertiary",)),
    (15, ("minor", "service")),
)
"""Road classes added from each zoom: below zoom 11 only the main network is useful, and the
minor streets (40,000 pieces) only once a park fills the screen."""

# ---------------------------------------------------------------------------- zoom detail

DETAIL_ZOOMS: tuple[int, ...] = (9, 11, 13, 15, 17)
"""Zoom steps at which detailed layers are simplified; a request's zoom is rounded down to
one of them, so the browser re-requests a layer only when the zoom crosses a step."""

FULL_DETAIL_ZOOM = DETAIL_ZOOMS[-1]
"""From this zoom (and when no zoom is given) geometries are sent unsimplified."""

SIMPLIFY_PX = 0.5
"""Douglas-Peucker tolerance in screen pixels at the step's zoom: at most one pixel of error
at the next zoom, before the browser asks for the next step."""

MAX_BBOX_PX = 4096
"""Largest side of a ``bbox`` request, in screen pixels at the step's zoom (the browser asks
for its view padded on every side)."""

MAP_PROFILE = "normal"
"""Speed profile of the drive-time bands and routes drawn (the API serves the others)."""


def degrees_per_pixel(zoom: float) -> float:
    """Return the width of one 256-px-tile screen pixel in degrees of longitude at ``zoom``."""
    return 360.0 / (256.0 * 2.0**zoom)


def detail_zoom(zoom: int | None) -> int:
    """Return the detail step for a requested zoom: the largest step not above it.

    None (no zoom given) and zooms from :data:`FULL_DETAIL_ZOOM` up mean full detail.

    Examples
    --------
    >>> detail_zoom(12), detail_zoom(3), detail_zoom(None)
    (11, 9, 17)
    """
    if zoom is None:
        return FULL_DETAIL_ZOOM
    steps = [z for z in DETAIL_ZOOMS if z <= zoom]
    return steps[-1] if steps else DETAIL_ZOOMS[0]


def simplify_tolerance_deg(step: int) -> float:
    """Return the simplification tolerance at a detail step (0 at full detail)."""
    if step >= FULL_DETAIL_ZOOM:
        return 0.0
    return SIMPLIFY_PX * degrees_per_pixel(step)


def coordinate_decimals(step: int) -> int:
    """Return the decimals kept in coordinates at a detail step: about 1/8 pixel, 4 to 6."""
    wanted = math.ceil(-math.log10(degrees_per_pixel(step) / 8))
    return max(4, min(6, wanted))


def max_bbox_deg(step: int) -> float:
    """Return the largest side of a bbox request at a detail step, in degrees."""
    return MAX_BBOX_PX * degrees_per_pixel(step)


def road_classes(zoom: int | None) -> tuple[str, ...]:
    """Return the road classes drawn at ``zoom`` (every class at full detail)."""
    step = detail_zoom(zoom)
    return tuple(c for start, classes in ROAD_CLASSES_BY_ZOOM if start <= step for c in classes)


def lot_style(status: str | None, *, is_illustrative: bool) -> dict[str, Any]:
    """Return the Leaflet path style of a lot.

    Parameters
    ----------
    status
        One of ``LOT_STATUSES``; None (not on record on that date) or anything else is
        drawn white with a grey outline.
    is_illustrative
        Illustrative lots get a dashed outline.

    Returns
    -------
    dict
        Leaflet path options.
    """
    known = status in STATUS_COLOURS
    colour = STATUS_COLOURS[status] if known and status else UNKNOWN_STATUS_COLOUR
    return {
        "color": colour if known else UNKNOWN_STATUS_OUTLINE,
        "weight": 1.5,
        "fillColor": colour,
        "fillOpacity": 0.6,
        "dashArray": ILLUSTRATIVE_DASH if is_illustrative else None,
    }


def band_colour(index: int) -> str:
    """Return the colour of the ``index``-th shortest drive-time band."""
    return BAND_COLOURS[min(max(index, 0), len(BAND_COLOURS) - 1)]


# ---------------------------------------------------------------------------- layer specs


@dataclass(frozen=True)
class LayerSpec:
    """One layer of the map: its name in URLs, its title, and how the browser draws it.

    Styles are Leaflet path options. ``style_by`` names a feature property whose value
    picks an entry of ``styles`` (the entry ``""`` is the fallback); ``dashed_by`` names a
    boolean property that dashes the outline (derived or illustrative features).
    """

    name: str
    title: str
    """English msgid of the layer's title."""
    group: str
    """``data`` (parks, lots, ...), ``access`` (drive-time bands, one at a time) or ``basemap``."""
    visible: bool = True
    """Shown when the map opens; a hidden layer is not requested until switched on."""
    detail: bool = False
    """Simplified per zoom step (the browser sends ``zoom``)."""
    bbox_zoom: int | None = None
    """From this zoom the browser sends the ``bbox`` of its view (and the server needs it)."""
    interactive: bool = True
    """Clicking a feature opens a popup."""
    popup: str | None = None
    """Which popup map-core.js builds: ``lot``, ``park``, ``zone``, ``destination``, ...."""
    label_by: str | None = None
    """Property shown as a permanent label on the map (park names)."""
    style: Mapping[str, Any] = field(default_factory=dict)
    style_by: str | None = None
    styles: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    dashed_by: str | None = None
    requires: str | None = None
    """Optional dataset layer (``routes``, ``isochrones``) without which the layer is absent."""
    destination_kind: str | None = None
    """For drive-time bands: the destination kind they measure to."""

    @property
    def localised(self) -> bool:
        """Whether the features carry text in a language (the basemap carries none)."""
        return self.group != "basemap"

    def to_config(self, lang: Lang, *, title: str | None = None) -> dict[str, Any]:
        """Return what the browser needs to draw the layer, with the title in ``lang``."""
        return {
            "name": self.name,
            "title": title or gettext_in(lang, self.title),
            "group": self.group,
            "visible": self.visible,
            "detail": self.detail,
            "bbox_zoom": self.bbox_zoom,
            "interactive": self.interactive,
            "popup": self.popup,
            "label_by": self.label_by,
            "style": dict(self.style),
            "style_by": self.style_by,
            "styles": {k: dict(v) for k, v in self.styles.items()},
            "dashed_by": self.dashed_by,
        }


def _lot_styles() -> dict[str, dict[str, Any]]:
    styles: dict[str, dict[str, Any]] = {}
    for status in (*LOT_STATUSES, ""):
        style = lot_style(status or None, is_illustrative=False)
        del style["dashArray"]
        styles[status] = style
    return styles


BAND_KINDS: tuple[tuple[str, str], ...] = (
    ("interchange", N_("Nearest interchange")),
    ("port", N_("Port")),
    ("airport", N_("Airport")),
    ("station", N_("Station")),
)
"""Destination kinds with drive-time bands, and the band layer's title when the kind has
several destinations (one destination gives its own name)."""

LAYERS: tuple[LayerSpec, ...] = (
    LayerSpec(
        "boundary",
        N_("City boundary"),
        "basemap",
        detail=True,
        interactive=False,
        style={"color": "#4d4d4d", "weight": 1.5, "dashArray": "10 4 2 4", "fill": False},
    ),
    LayerSpec(
        "water",
        N_("Water"),
        "basemap",
        detail=True,
        interactive=False,
        style={"stroke": False, "fillColor": "#c6dbef", "fillOpacity": 1},
    ),
    LayerSpec(
        "roads",
        N_("Roads"),
        "basemap",
        detail=True,
        bbox_zoom=13,
        interactive=False,
        style={"opacity": 0.95, "lineCap": "round"},
        style_by="class",
        styles={**ROAD_STYLES, "": {"color": "#d6d6d6", "weight": 1}},
    ),
    LayerSpec(
        "rail",
        N_("Railways"),
        "basemap",
        detail=True,
        interactive=False,
        style={"color": "#555555", "weight": 2, "dashArray": "1 4", "lineCap": "butt"},
        style_by="kind",
        styles={
            "station": {
                "radius": 3,
                "color": "#444444",
                "weight": 1.5,
                "dashArray": None,
                "fillColor": "#ffffff",
                "fillOpacity": 1,
            }
        },
    ),
    *(
        LayerSpec(
            f"bands-{kind}",
            title,
            "access",
            visible=False,
            detail=True,
            popup="band",
            style={"weight": 0.5, "fillOpacity": BAND_FILL_OPACITY},
            style_by="band",
            styles={
                str(i): {"color": colour, "fillColor": colour}
                for i, colour in enumerate(BAND_COLOURS)
            },
            requires="isochrones",
            destination_kind=kind,
        )
        for kind, title in BAND_KINDS
    ),
    LayerSpec(
        "zones",
        N_("Grant zones"),
        "data",
        visible=False,
        popup="zone",
        style={"color": "#8c2d04", "weight": 2, "fillOpacity": 0.04},
        dashed_by="approximate",
    ),
    LayerSpec(
        "parks",
        N_("Industrial parks"),
        "data",
        popup="park",
        label_by="name",
        style={"color": "#1f1f1f", "weight": 2.5, "fill": True, "fillOpacity": 0.03},
        dashed_by="derived",
    ),
    LayerSpec(
        "lots",
        N_("Lots"),
        "data",
        popup="lot",
        style_by="status",
        styles=_lot_styles(),
        dashed_by="illustrative",
    ),
    LayerSpec(
        "routes",
        N_("Routes to destinations"),
        "data",
        visible=False,
        popup="route",
        style={"color": "#e7298a", "weight": 3, "opacity": 0.85},
        requires="routes",
    ),
    LayerSpec("destinations", N_("Destinations"), "data", popup="destination"),
)
"""Every layer the map can draw, bottom to top."""

LAYER_NAMES: tuple[str, ...] = tuple(spec.name for spec in LAYERS)


def layer_spec(name: str) -> LayerSpec:
    """Return the spec of a layer by name (KeyError if there is none)."""
    for spec in LAYERS:
        if spec.name == name:
            return spec
    raise KeyError(name)


def available_layers(layers: Layers) -> list[LayerSpec]:
    """Return the specs the dataset can fill: optional access layers only once built."""
    out = []
    for spec in LAYERS:
        if spec.requires is not None:
            frame = layers.optional(spec.requires)
            if frame is None or frame.empty:
                continue
        if spec.destination_kind is not None and not _band_destinations(
            layers, spec.destination_kind
        ):
            continue
        out.append(spec)
    return out


# ----------------------------------------------------------------------- feature helpers


def _flag(value: object) -> bool:
    """Return a boolean column value (missing counts as false)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _number(value: object) -> float | None:
    """Return a finite number, or None when missing."""
    if value is None or pd.isna(value):  # type: ignore[call-overload]
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if math.isfinite(number) else None


def _text(value: object) -> str | None:
    """Return display text, or None when missing or empty."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    text = str(value).strip()
    return text or None


def name_in(frame: pd.DataFrame, lang: Lang) -> pd.Series:
    """Return the ``name_ja``/``name_en`` column in ``lang``, falling back to the other."""
    first, second = ("name_ja", "name_en") if lang == "ja" else ("name_en", "name_ja")
    names = frame[first] if first in frame else pd.Series(None, index=frame.index, dtype=object)
    if second in frame:
        names = names.where(names.notna() & (names.astype(str) != ""), frame[second])
    return names


def _drawable(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Return a mask of rows whose geometry is neither missing nor empty."""
    geoms = frame.geometry.values
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def _web(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return drawable rows in EPSG:4326."""
    if frame.crs is not None and frame.crs != WEB_CRS:
        frame = frame.to_crs(WEB_CRS)
    return frame[_drawable(frame)]


def _frame(rows: Mapping[str, Iterable[Any]], geometry: Any) -> gpd.GeoDataFrame:
    """Return a web frame; columns stay ``object`` so that None stays None (not NaN)."""
    geoms = list(geometry)
    columns = {
        name: pd.Series(list(values), dtype=object, index=range(len(geoms)))
        for name, values in rows.items()
    }
    return gpd.GeoDataFrame(columns, geometry=geoms, crs=WEB_CRS, index=range(len(geoms)))


@dataclass(frozen=True)
class WebFeatures:
    """A layer ready to send: one GeoJSON Feature text per feature, with its bounds.

    Keeping features as separate texts lets a ``bbox`` request pick some without
    re-serialising anything.
    """

    features: tuple[str, ...]
    bounds: np.ndarray
    """``(n, 4)`` array: west, south, east, north of each feature."""

    def select(self, bbox: tuple[float, float, float, float] | None) -> list[str]:
        """Return the feature texts whose bounds meet ``bbox`` (all when None)."""
        if bbox is None or not self.features:
            return list(self.features)
        west, south, east, north = bbox
        b = self.bounds
        hit = (b[:, 0] <= east) & (b[:, 2] >= west) & (b[:, 1] <= north) & (b[:, 3] >= south)
        return [self.features[i] for i in np.flatnonzero(hit)]

    def __len__(self) -> int:
        return len(self.features)


def _json_value(value: Any) -> Any:
    """Return a property value JSON can carry (numpy scalars to Python, NaN to None)."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def web_features(frame: gpd.GeoDataFrame, *, zoom: int | None = None) -> WebFeatures:
    """Return a layer's features as GeoJSON texts, simplified and rounded for ``zoom``.

    Geometries are simplified with topology preserved (polygons stay valid, no ring
    collapses to a line) at :data:`SIMPLIFY_PX` pixels of the zoom's detail step, and their
    coordinates snapped to a grid of about an eighth of a pixel. Features that vanish are
    dropped.

    Parameters
    ----------
    frame
        Properties to send plus geometry, any CRS.
    zoom
        The map's zoom, or None for full detail.

    Returns
    -------
    WebFeatures
        In the frame's row order.
    """
    frame = _web(frame)
    step = detail_zoom(zoom)
    tolerance = simplify_tolerance_deg(step)
    decimals = coordinate_decimals(step)
    geoms = frame.geometry.values
    if tolerance > 0:
        geoms = shapely.simplify(geoms, tolerance, preserve_topology=True)
    # snapping to the grid with GEOS keeps polygons valid (plain rounding can make rings
    # cross); parts smaller than the grid vanish, which at that zoom is below a pixel
    geoms = shapely.set_precision(geoms, 10.0**-decimals)
    keep = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    props = frame.drop(columns=frame.geometry.name)
    records = props.to_dict(orient="records")
    texts = []
    for record, geom, kept in zip(records, geoms, keep, strict=True):
        if not kept:
            continue
        properties = json.dumps(
            {k: _json_value(v) for k, v in record.items()},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        texts.append(
            f'{{"type":"Feature","properties":{properties},"geometry":{shapely.to_geojson(geom)}}}'
        )
    bounds = shapely.bounds(geoms[keep]) if keep.any() else np.empty((0, 4))
    return WebFeatures(features=tuple(texts), bounds=np.asarray(bounds, dtype=float))


# ------------------------------------------------------------------------ layer builders
# Each builder returns the layer's properties (display text in ``lang``) and geometry in
# EPSG:4326, unsimplified; :func:`web_features` then fits them to a zoom.


def lot_features(
    lots: gpd.GeoDataFrame, parks: gpd.GeoDataFrame, *, lang: Lang
) -> gpd.GeoDataFrame:
    """Return lots with their number, park name, status, area and illustrative flag.

    Parameters
    ----------
    lots
        The ``lots`` layer, or its state on a date (``parks.lots.status_as_of``): ``status``
        None means not on record then.
    parks
        The ``parks`` layer, for park names.
    lang
        Language of the names and labels.

    Returns
    -------
    geopandas.GeoDataFrame
        ``lot_id`` and ``park_id`` (keys for links), ``lot_no``, ``park``, ``status``
        (code or None), ``status_label``, ``area_m2``, ``illustrative``.
    """
    lots = _web(lots)
    park_names = dict(zip(parks["park_id"], name_in(parks, lang), strict=True))
    statuses = [s if s in STATUS_COLOURS else None for s in lots["status"]]
    return _frame(
        {
            "lot_id": lots["lot_id"].astype(str),
            "park_id": lots["park_id"].astype(str),
            "lot_no": [_text(v) for v in lots["lot_no"]],
            "park": [_text(park_names.get(p)) for p in lots["park_id"]],
            "status": statuses,
            "status_label": [status_label(s, lang) for s in statuses],
            "area_m2": [None if (a := _number(v)) is None else round(a) for v in lots["area_m2"]],
            "illustrative": [_flag(v) for v in lots["is_illustrative"]],
            # when staff last confirmed today's status (the inventory store); not for past dates
            "verified_on": [
                None if "status_known" in lots.columns else _text(v)
                for v in lots.get("status_verified_on", pd.Series([None] * len(lots)))
            ],
        },
        lots.geometry.values,
    )


STATUS_LABELS: dict[str, str] = {
    "available": N_("Available"),
    "negotiating": N_("Negotiating"),
    "reserved": N_("Reserved"),
    "sold": N_("Sold"),
    "planned": N_("Planned"),
}
"""English msgids of the lot statuses."""

UNKNOWN_STATUS_LABEL = N_("No record on this date")


def status_label(status: str | None, lang: Lang) -> str:
    """Return the name of a lot status in ``lang`` ('no record' when None or unknown)."""
    msgid = STATUS_LABELS.get(status or "", UNKNOWN_STATUS_LABEL)
    return gettext_in(lang, msgid)


def park_features(parks: gpd.GeoDataFrame, *, lang: Lang) -> gpd.GeoDataFrame:
    """Return parks with their name, saleable area and whether the outline is derived.

    An outline counts as derived unless its ``outline_method`` says it is official.
    """
    parks = _web(parks)
    derived = [
        _flag(flag) or not str(method).lower().startswith("official")
        for flag, method in zip(parks["is_illustrative"], parks["outline_method"], strict=True)
    ]
    return _frame(
        {
            "park_id": parks["park_id"].astype(str),
            "name": [_text(v) for v in name_in(parks, lang)],
            "saleable_area_m2": [
                None if (a := _number(v)) is None else round(a) for v in parks["saleable_area_m2"]
            ],
            "derived": derived,
        },
        parks.geometry.values,
    )


ZONE_KIND_LABELS: dict[str, str] = {
    "factory_site_zone": N_("Factory site zone"),
    "priority_promotion_zone": N_("Priority promotion zone"),
    "city_core_zone": N_("City core zone"),
    "satellite_office_zone": N_("Satellite office zone"),
}


def zone_features(zones: gpd.GeoDataFrame, *, lang: Lang) -> gpd.GeoDataFrame:
    """Return grant zones with their name, kind and whether the outline is approximate."""
    zones = _web(zones)
    return _frame(
        {
            "name": [_text(v) for v in name_in(zones, lang)],
            "kind_label": [
                gettext_in(lang, ZONE_KIND_LABELS[k]) if k in ZONE_KIND_LABELS else None
                for k in zones["kind"]
            ],
            "approximate": [_flag(v) for v in zones["is_approximate"]],
        },
        zones.geometry.values,
    )


DESTINATION_KIND_LABELS: dict[str, str] = {
    "interchange": N_("Interchange"),
    "port": N_("Port"),
    "airport": N_("Airport"),
    "station": N_("Station"),
}


def destination_features(destinations: gpd.GeoDataFrame, *, lang: Lang) -> gpd.GeoDataFrame:
    """Return one point per destination with its name, kind and whether it is approximate."""
    web = _web(destinations)
    approximate = web["is_approximate"] if "is_approximate" in web else [False] * len(web)
    return _frame(
        {
            "name": [_text(v) for v in name_in(web, lang)],
            "kind": web["kind"].astype(str),
            "kind_label": [
                gettext_in(lang, DESTINATION_KIND_LABELS.get(k, k)) for k in web["kind"]
            ],
            "approximate": [_flag(v) for v in approximate],
        },
        shapely.point_on_surface(web.geometry.values),
    )


def _merge_lines(frame: gpd.GeoDataFrame, column: str) -> gpd.GeoDataFrame:
    """Return the lines merged per value of ``column``, one row per merged part.

    Tile-split road pieces cost more JSON in per-feature overhead than in coordinates;
    merging then splitting into parts keeps features few but each one local, so a ``bbox``
    still picks only what is near.
    """
    rows: list[tuple[str, Any]] = []
    for value, group in frame.groupby(column, sort=True):
        merged = shapely.line_merge(shapely.union_all(group.geometry.values))
        rows.extend((str(value), part) for part in shapely.get_parts(merged))
    return _frame({column: [v for v, _ in rows]}, [g for _, g in rows])


def road_features(roads: gpd.GeoDataFrame, *, classes: Sequence[str]) -> gpd.GeoDataFrame:
    """Return the roads of the given classes, merged into continuous lines per class."""
    roads = _web(roads)
    kept = roads[roads["class"].isin(list(classes))]
    return _merge_lines(kept, "class")


SEA_TILE_ZOOM = 13
"""Zoom of the vector tiles the OSM extract was cut from (shared/data/SOURCES.md)."""


def tile_bounds(x: int, y: int, zoom: int) -> tuple[float, float, float, float]:
    """Return west, south, east, north of a web-mercator tile."""
    n = 2.0**zoom

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """Return the ``(x, y)`` of the web-mercator tile holding a point."""
    n = 2.0**zoom
    y = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    return int((lon + 180) / 360 * n), int(y)


def missing_sea_tiles(
    water: gpd.GeoDataFrame, roads: gpd.GeoDataFrame, *, zoom: int = SEA_TILE_ZOOM
) -> list[Any]:
    """Return the tiles of open sea that the source extract lost, as boxes.

    The extract deleted every tile that was entirely ocean, so the sea has tile-shaped holes
    that read as land. A tile is taken for lost sea when it lies inside the data's extent,
    holds no water and no road, and touches the sea (or another such tile). Land tiles
    always hold something (a road, a coastline), so only open sea qualifies.
    """
    ocean = water[water["class"] == "ocean"]
    if ocean.empty or roads.empty:
        return []
    sea = shapely.union_all(ocean.geometry.values)
    all_water = shapely.union_all(water.geometry.values)
    roads_tree = shapely.STRtree(roads.geometry.values)
    west, south, east, north = (float(v) for v in roads.total_bounds)
    x0, y0 = tile_of(west, north, zoom)
    x1, y1 = tile_of(east, south, zoom)
    empty = {}
    for x in range(x0, x1 + 1):
        for y in range(y0, y1 + 1):
            w, s, e, n = tile_bounds(x, y, zoom)
            if w < west or e > east or s < south or n > north:
                continue  # beyond the extract: unknown, not sea
            margin = (e - w) * 1e-4
            inner = shapely.box(w + margin, s + margin, e - margin, n - margin)
            if shapely.intersects(inner, all_water) or len(roads_tree.query(inner)):
                continue
            empty[(x, y)] = shapely.box(w, s, e, n)
    found: list[Any] = []
    grown = True
    while grown:
        grown = False
        for key, tile in list(empty.items()):
            if shapely.length(shapely.intersection(tile.boundary, sea)) > 0:
                found.append(tile)
                sea = shapely.union(sea, tile)
                del empty[key]
                grown = True
    return found


def water_features(
    water: gpd.GeoDataFrame, roads: gpd.GeoDataFrame | None = None
) -> gpd.GeoDataFrame:
    """Return water bodies (no properties: the basemap is not interactive).

    Given the roads, the sea tiles the source lost (:func:`missing_sea_tiles`) are filled
    back in, so the sea does not show square islands.
    """
    water = _web(water)
    geoms = list(water.geometry.values)
    if roads is not None:
        tiles = missing_sea_tiles(water, _web(roads))
        if tiles:
            geoms.append(shapely.union_all(tiles))
    return _frame({}, geoms)


def boundary_features(boundary: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the city boundary (no properties: the basemap is not interactive)."""
    boundary = _web(boundary)
    return _frame({}, boundary.geometry.values)


def rail_features(rail: gpd.GeoDataFrame, stations: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame:
    """Return rail lines (``kind`` "line") and station points (``kind`` "station")."""
    rail = _web(rail)
    lines = rail[rail.geometry.geom_type.isin(["LineString", "MultiLineString"])]
    geoms = list(lines.geometry.values)
    kinds = ["line"] * len(geoms)
    if stations is not None and not stations.empty:
        points = _web(stations)
        geoms.extend(shapely.point_on_surface(points.geometry.values))
        kinds.extend(["station"] * len(points))
    return _frame({"kind": kinds}, geoms)


def routes_per_park(routes: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return one route per (park, destination): the park's median lot, with the minutes range.

    Lots of one park share nearly the same road path, so drawing every lot's route repeats
    the same line hundreds of times. The route kept is the one whose minutes are closest to
    the park's median; ``min_minutes`` and ``max_minutes`` give the range over the park's
    lots so the popup stays honest.

    Parameters
    ----------
    routes
        The ``routes`` layer; ``park_id`` is taken from the lot id ``<park_id>/<lot_no>``.

    Returns
    -------
    geopandas.GeoDataFrame
        The kept rows plus ``park_id``, ``min_minutes``, ``max_minutes`` and ``lot_count``.
    """
    frame = routes.dropna(subset=["minutes"]).copy()
    frame["park_id"] = frame["lot_id"].astype(str).str.split("/").str[0]
    keys = ["park_id", "destination_id"]
    grouped = frame.groupby(keys)["minutes"]
    frame["min_minutes"] = grouped.transform("min")
    frame["max_minutes"] = grouped.transform("max")
    frame["lot_count"] = grouped.transform("size")
    frame["_off_median"] = (frame["minutes"] - grouped.transform("median")).abs()
    kept = frame.sort_values([*keys, "_off_median", "lot_id"]).groupby(keys).head(1)
    return gpd.GeoDataFrame(kept.drop(columns="_off_median"), geometry="geometry", crs=routes.crs)


def route_features(
    routes: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    parks: gpd.GeoDataFrame,
    *,
    lang: Lang,
    profile: str = MAP_PROFILE,
) -> gpd.GeoDataFrame:
    """Return one route per park and destination with its drive minutes and their range.

    See :func:`routes_per_park` for which route is drawn.
    """
    if "profile" in routes and (routes["profile"] == profile).any():
        routes = routes[routes["profile"] == profile]
    kept = routes_per_park(routes)
    dest_names = dict(zip(destinations["id"], name_in(destinations, lang), strict=True))
    park_names = dict(zip(parks["park_id"], name_in(parks, lang), strict=True))
    kept = _web(kept)
    return _frame(
        {
            "park": [_text(park_names.get(p)) for p in kept["park_id"]],
            "destination": [_text(dest_names.get(d)) for d in kept["destination_id"]],
            "minutes": [round(float(m), 1) for m in kept["minutes"]],
            "min_minutes": [round(float(m), 1) for m in kept["min_minutes"]],
            "max_minutes": [round(float(m), 1) for m in kept["max_minutes"]],
            "lot_count": [int(n) for n in kept["lot_count"]],
        },
        kept.geometry.values,
    )


def _band_destinations(layers: Layers, kind: str) -> list[str]:
    """Return the ids of destinations of ``kind`` that have drive-time bands."""
    isochrones = layers.optional("isochrones")
    if isochrones is None or isochrones.empty:
        return []
    ids = layers.destinations.loc[layers.destinations["kind"] == kind, "id"]
    with_bands = set(isochrones["destination_id"])
    return [i for i in ids if i in with_bands]


def band_title(layers: Layers, kind: str, lang: Lang) -> str:
    """Return the title of the bands of one destination kind: its one destination's name,
    or 'Nearest interchange' when the kind has several."""
    ids = _band_destinations(layers, kind)
    if len(ids) == 1:
        row = layers.destinations[layers.destinations["id"] == ids[0]]
        name = _text(name_in(row, lang).iloc[0])
        if name:
            return name
    return gettext_in(lang, dict(BAND_KINDS)[kind])


def band_features(
    isochrones: gpd.GeoDataFrame,
    destination_ids: Sequence[str],
    *,
    lang: Lang,
    title: str,
    profile: str = MAP_PROFILE,
) -> gpd.GeoDataFrame:
    """Return drive-time bands to the nearest of some destinations, as non-overlapping rings.

    For each band limit (5, 10, 20 ... minutes) the areas reachable from any of the
    destinations are merged, and each band keeps only what the shorter bands do not cover,
    so the rings never stack and each colour means one range of minutes.

    Parameters
    ----------
    isochrones
        The optional ``isochrones`` layer (destination_id, minutes, profile).
    destination_ids
        Destinations whose nearest one counts (e.g. every interchange).
    lang
        Language of the labels.
    title
        Name of what the minutes are measured to (e.g. 'Kanazawa Port').
    profile
        Speed profile drawn.

    Returns
    -------
    geopandas.GeoDataFrame
        Shortest band first: ``band`` (0-based, picks the colour), ``min_minutes``,
        ``max_minutes`` and ``label``.
    """
    frame = _web(isochrones)
    frame = frame[frame["destination_id"].isin(list(destination_ids))]
    if "profile" in frame and (frame["profile"] == profile).any():
        frame = frame[frame["profile"] == profile]
    limits = sorted(float(m) for m in pd.unique(frame["minutes"].dropna()))
    rows: list[dict[str, Any]] = []
    geoms = []
    covered = None
    lower = 0.0
    for index, limit in enumerate(limits):
        reach = shapely.union_all(frame.loc[frame["minutes"] == limit].geometry.values)
        ring = reach if covered is None else shapely.difference(reach, covered)
        covered = reach if covered is None else shapely.union(covered, reach)
        if not ring.is_empty:
            rows.append(
                {
                    "band": index,
                    "min_minutes": lower,
                    "max_minutes": limit,
                    "label": band_label(title, lower, limit, lang),
                }
            )
            geoms.append(ring)
        lower = limit
    return _frame(
        {k: [r[k] for r in rows] for k in ("band", "min_minutes", "max_minutes", "label")},
        geoms,
    )


def minutes_range_label(lower: float, upper: float, lang: Lang) -> str:
    """Return 'up to 5 min' or '5–10 min' in ``lang``."""
    if lower <= 0:
        return gettext_in(lang, "up to %(max)s min") % {"max": f"{upper:g}"}
    return gettext_in(lang, "%(min)s–%(max)s min") % {"min": f"{lower:g}", "max": f"{upper:g}"}


def band_label(title: str, lower: float, upper: float, lang: Lang) -> str:
    """Return a band's popup text, e.g. 'Kanazawa Port: 5–10 min by car'."""
    return gettext_in(lang, "%(destination)s: %(minutes)s by car") % {
        "destination": title,
        "minutes": minutes_range_label(lower, upper, lang),
    }


def band_legend(
    isochrones: pd.DataFrame | None, lang: Lang, *, profile: str = MAP_PROFILE
) -> list[dict[str, str]]:
    """Return the legend rows of the drive-time bands: label and colour, shortest first."""
    if isochrones is None or isochrones.empty:
        return []
    frame = isochrones
    if "profile" in frame and (frame["profile"] == profile).any():
        frame = frame[frame["profile"] == profile]
    limits = sorted(float(m) for m in pd.unique(frame["minutes"].dropna()))
    rows = []
    lower = 0.0
    for index, limit in enumerate(limits):
        rows.append(
            {"label": minutes_range_label(lower, limit, lang), "colour": band_colour(index)}
        )
        lower = limit
    return rows


def build_layer(
    layers: Layers, name: str, *, lang: Lang, zoom: int | None = None
) -> gpd.GeoDataFrame:
    """Return the features of one map layer, unsimplified, with display text in ``lang``.

    Parameters
    ----------
    layers
        The loaded dataset.
    name
        One of :data:`LAYER_NAMES`.
    lang
        Language of names and labels.
    zoom
        The map's zoom; only the roads depend on it (which classes are drawn).

    Returns
    -------
    geopandas.GeoDataFrame
        Properties plus geometry in EPSG:4326.

    Raises
    ------
    KeyError
        If the layer is unknown or the dataset lacks what it needs (see
        :func:`available_layers`).
    """
    spec = layer_spec(name)
    if spec not in available_layers(layers):
        raise KeyError(name)
    if spec.destination_kind is not None:
        isochrones = layers.optional("isochrones")
        assert isinstance(isochrones, gpd.GeoDataFrame)  # checked by available_layers
        return band_features(
            isochrones,
            _band_destinations(layers, spec.destination_kind),
            lang=lang,
            title=band_title(layers, spec.destination_kind, lang),
        )
    if name == "boundary":
        return boundary_features(layers.boundary)
    if name == "water":
        return water_features(layers.water, layers.roads)
    if name == "roads":
        return road_features(layers.roads, classes=road_classes(zoom))
    if name == "rail":
        return rail_features(layers.rail, layers.stations)
    if name == "zones":
        return zone_features(layers.zones, lang=lang)
    if name == "parks":
        return park_features(layers.parks, lang=lang)
    if name == "lots":
        return lot_features(layers.lots, layers.parks, lang=lang)
    if name == "routes":
        routes = layers.optional("routes")
        assert isinstance(routes, gpd.GeoDataFrame)
        return route_features(routes, layers.destinations, layers.parks, lang=lang)
    if name == "destinations":
        return destination_features(layers.destinations, lang=lang)
    raise KeyError(name)


def bounds_of(frame: gpd.GeoDataFrame) -> list[list[float]] | None:
    """Return ``[[south, west], [north, east]]`` of a layer in EPSG:4326, or None if empty."""
    web = _web(frame)
    if web.empty:
        return None
    west, south, east, north = (float(v) for v in web.total_bounds)
    return [[round(south, 5), round(west, 5)], [round(north, 5), round(east, 5)]]
