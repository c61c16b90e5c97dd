"""A lot's map drawn on the server as inline SVG, for the printed pitch sheet and its PDF.

The interactive map (``static/map-core.js``) needs JavaScript and network requests, so a
browser that prints early, or WeasyPrint, which runs no script, would print an empty box.
:func:`lot_map` draws the same layers with the same styles (:mod:`webapp.maps`) into one
self-contained ``<svg>``: the lot highlighted among its neighbours coloured by status, the
park outline (dashed when derived), water, roads by class, rail, the lot's drive routes,
destinations within the frame, the park's name, a scale bar, a north arrow and an inset of
the city showing where the park lies. Geometry work (clip, project to metres, simplify,
fit) is :mod:`geo.svg`; this module only chooses what to draw and how it looks.

Every text comes from the data or the catalogs in the page language and is escaped by
:func:`geo.svg.svg_tag`, so names holding ``<`` or ``&`` stay text.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from markupsafe import Markup

from geo.crs import METRIC_CRS
from geo.svg import (
    MapFrame,
    ScaleBar,
    Svg,
    clip_to_frame,
    frame_around,
    north_angle_deg,
    paths_data,
    scale_bar,
    svg_group,
    svg_tag,
    svg_text,
)
from parks.data import LOT_STATUSES, Layers
from parks.errors import LotNotFoundError
from parks.messages import N_
from webapp.i18n import Lang, gettext_in
from webapp.layers import CREDITS
from webapp.maps import (
    DESTINATION_KIND_LABELS,
    ILLUSTRATIVE_DASH,
    MAP_PROFILE,
    ROAD_STYLES,
    STATUS_COLOURS,
    UNKNOWN_STATUS_COLOUR,
    UNKNOWN_STATUS_OUTLINE,
    _flag,
    _text,
    layer_spec,
    name_in,
    road_classes,
    status_label,
    water_features,
)
from webapp.names import lot_no as lot_no_of

# ------------------------------------------------------------------------------- layout

WIDTH_PX = 600.0
HEIGHT_PX = 400.0
"""The map's SVG box (3:2, the pitch sheet's map column); pages scale it to their width."""

MIN_WIDTH_M = 1_600.0
"""Smallest ground width shown: a small park keeps its roads and neighbours around it."""

PAD_RATIO = 0.12
"""Room around the park, as a share of its size on each side."""

SIMPLIFY_PX = 0.4
"""Douglas-Peucker tolerance of the basemap, in SVG units (under half a printed dot)."""

OUTLINE_MARGIN_PX = 12.0
"""Polygons are cut this far outside the frame, so their outlines never run along its edge
(the clip path hides what lies beyond)."""

WEB_MERCATOR_M_PER_PX_Z0 = 156_543.033_928
"""Ground size of one 256-px-tile pixel at the equator at zoom 0 (EPSG:3857)."""

PRINT_DETAIL_ZOOMS = 1
"""A printed map shows about twice a screen's detail, so it draws the roads the web map
draws one zoom further in."""

FONT = "'Noto Sans CJK JP', 'Noto Sans JP', 'Hiragino Sans', 'Yu Gothic', sans-serif"

# --------------------------------------------------------------------------------- style

LAND_COLOUR = "#f5f3ee"
HIGHLIGHT_COLOUR = "#d6006f"
"""The lot shown (the interactive map's highlight colour, ``map-core.js``)."""

ROUTE_COLOUR = "#6a3d9a"
ROUTE_DASH = "8 5"
"""The lot's drive routes, as ``page-map.js`` draws them (purple dashes)."""

TEXT_COLOUR = "#1b1b1b"
HALO_COLOUR = "#ffffff"
LINE_SCALE = 1.3
"""SVG units per Leaflet pixel of line weight (the map prints at about 0.15 mm a unit)."""

ROAD_DRAW_ORDER = ("service", "minor", "tertiary", "secondary", "primary", "trunk", "motorway")
"""Roads bottom to top, so that main roads cross over minor ones."""

ROAD_LEGEND: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("expressway", N_("Expressway"), ("motorway",)),
    ("main-road", N_("Main road"), ("trunk", "primary", "secondary")),
    ("local-road", N_("Local road"), ("tertiary", "minor", "service")),
)
"""Legend rows of the roads: one per group of classes, drawn in the group's first class."""

DESTINATION_COLOURS = {
    "interchange": "#2f2f2f",
    "port": "#0b4f6c",
    "airport": "#5b3a29",
    "station": "#4a4a4a",
}
"""Destination symbols, in the interactive map's badge colours (``map-core.css``)."""

LABEL_SIZE = 15.0
PARK_LABEL_SIZE = 17.0
SMALL_SIZE = 12.0

INSET_HEIGHT_PX = 118.0
INSET_MARGIN_PX = 6.0


# ------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class LegendRow:
    """One legend entry: a key for tests and styling, its label and a small SVG swatch."""

    key: str
    label: str
    swatch: Markup


@dataclass(frozen=True)
class StaticMap:
    """A lot's map: the ``<svg>``, its legend rows and credit lines, and how it was framed."""

    svg: Markup
    legend: tuple[LegendRow, ...]
    credits: tuple[str, ...]
    frame: MapFrame
    scale: ScaleBar
    title: str


# ------------------------------------------------------------------------------- helpers


def text_width(text: str, size: float) -> float:
    """Estimate the drawn width of ``text`` at ``size`` (wide characters count one em)."""
    ems = sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.58 for c in text)
    return ems * size


def print_zoom(frame: MapFrame, lat_deg: float) -> float:
    """Return the web-map zoom whose pixel is as fine as the frame's, plus the print bonus."""
    ground = WEB_MERCATOR_M_PER_PX_Z0 * math.cos(math.radians(lat_deg))
    return math.log2(ground / frame.metres_per_px) + PRINT_DETAIL_ZOOMS


def _stroke(colour: str, width: float, **extra: object) -> dict[str, object]:
    return {"fill": "none", "stroke": colour, "stroke_width": width, **extra}


def _path(geoms: Iterable[object], frame: MapFrame, attributes: dict[str, object]) -> Svg:
    """Return one ``<path>`` of every geometry (nothing when they draw nothing)."""
    data = paths_data(geoms, frame)
    if not data:
        return Svg("")
    return svg_tag("path", {"d": data, **attributes})


class _Labels:
    """Place labels greedily, skipping candidates that overlap one already placed."""

    def __init__(self, width: float, height: float) -> None:
        self.width = width
        self.height = height
        self.boxes: list[tuple[float, float, float, float]] = []

    def reserve(self, box: tuple[float, float, float, float]) -> None:
        """Keep a box free of labels (the scale bar, the inset)."""
        self.boxes.append(box)

    def _free(self, box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = box
        if x0 < 2 or y0 < 2 or x1 > self.width - 2 or y1 > self.height - 2:
            return False
        return all(x1 <= a or x0 >= c or y1 <= b or y0 >= d for a, b, c, d in self.boxes)

    def place(
        self,
        text: str,
        candidates: Sequence[tuple[float, float, str]],
        *,
        size: float,
        force: bool = False,
    ) -> tuple[float, float, str] | None:
        """Return the first ``(x, y, anchor)`` whose box is free (or, forced, the first clamped)."""
        width = text_width(text, size)
        for x, y, anchor in candidates:
            box = self._box(x, y, anchor, width, size)
            if self._free(box):
                self.boxes.append(box)
                return x, y, anchor
        if not force or not candidates:
            return None
        x, y, anchor = candidates[0]
        x0, y0, x1, y1 = self._box(x, y, anchor, width, size)
        dx = max(0.0, 3 - x0) - max(0.0, x1 - (self.width - 3))
        dy = max(0.0, 3 - y0) - max(0.0, y1 - (self.height - 3))
        self.boxes.append((x0 + dx, y0 + dy, x1 + dx, y1 + dy))
        return x + dx, y + dy, anchor

    @staticmethod
    def _box(
        x: float, y: float, anchor: str, width: float, size: float
    ) -> tuple[float, float, float, float]:
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        return left - 1, y - size * 0.9, left + width + 1, y + size * 0.3


def _label(
    text: str,
    at: tuple[float, float, str],
    *,
    size: float,
    colour: str = TEXT_COLOUR,
    weight: str = "normal",
    css_class: str = "label",
) -> Svg:
    """Return a label with a white halo (drawn as a stroked copy underneath, which every SVG
    renderer supports, unlike ``paint-order``)."""
    x, y, anchor = at
    common = {"x": x, "y": y, "text_anchor": anchor, "font_size": size, "font_weight": weight}
    halo = svg_tag(
        "text",
        {
            **common,
            "fill": HALO_COLOUR,
            "stroke": HALO_COLOUR,
            "stroke_width": size * 0.28,
            "stroke_linejoin": "round",
            "aria_hidden": "true",
        },
        svg_text(text),
    )
    return svg_group(
        {"class": css_class},
        [halo, svg_tag("text", {**common, "fill": colour}, svg_text(text))],
    )


def _around(x: float, y: float, gap: float, size: float) -> list[tuple[float, float, str]]:
    """Candidate label positions around a point: right, left, above, below."""
    return [
        (x + gap, y + size * 0.35, "start"),
        (x - gap, y + size * 0.35, "end"),
        (x, y - gap, "middle"),
        (x, y + gap + size * 0.8, "middle"),
    ]


# --------------------------------------------------------------------------------- layers


def _water_layer(layers: Layers) -> gpd.GeoDataFrame:
    """Return the water the web map draws (the sea's lost tiles filled), built once per dataset."""
    from webapp.layers import get_cache

    return get_cache().get(
        layers, ("static-map", "water"), lambda: water_features(layers.water, layers.roads)
    )


def _water(layers: Layers, frame: MapFrame) -> Svg:
    cut = clip_to_frame(
        _water_layer(layers), frame, margin_px=OUTLINE_MARGIN_PX, simplify_px=SIMPLIFY_PX
    )
    colour = str(layer_spec("water").style["fillColor"])
    return _path(
        cut.geometry.values,
        frame,
        {"class": "water", "fill": colour, "fill_rule": "evenodd", "stroke": "none"},
    )


def road_layer_in_frame(layers: Layers, frame: MapFrame, lat_deg: float) -> gpd.GeoDataFrame:
    """Return the roads the map draws, cut to the frame: the classes the web map shows at
    this scale (:func:`webapp.maps.road_classes`), a zoom further in for print."""
    classes = road_classes(math.floor(print_zoom(frame, lat_deg)))
    roads = clip_to_frame(layers.roads, frame, simplify_px=SIMPLIFY_PX)  # the layer's index
    return roads[roads["class"].isin(list(classes))]


def _draw_roads(roads: gpd.GeoDataFrame, frame: MapFrame) -> tuple[Svg, list[str]]:
    """Return the roads as one path per class, bottom to top, and the classes drawn."""
    paths = []
    drawn = []
    for road_class in ROAD_DRAW_ORDER:
        part = roads[roads["class"] == road_class]
        if part.empty:
            continue
        style = ROAD_STYLES[road_class]
        paths.append(
            _path(
                part.geometry.values,
                frame,
                {
                    "class": f"road road-{road_class}",
                    "data_class": road_class,
                    **_stroke(
                        style["color"],
                        style["weight"] * LINE_SCALE,
                        stroke_linecap="round",
                        stroke_linejoin="round",
                    ),
                },
            )
        )
        drawn.append(road_class)
    return svg_group({"class": "roads"}, paths), drawn


def _rail(layers: Layers, frame: MapFrame) -> tuple[Svg, bool]:
    rail = clip_to_frame(layers.rail, frame, simplify_px=SIMPLIFY_PX)
    lines = rail.geometry.values
    stations = clip_to_frame(layers.stations, frame)
    items = []
    if len(lines):
        items.append(_path(lines, frame, _stroke("#555555", 3.2, class_="rail-base")))
        items.append(
            _path(lines, frame, _stroke("#ffffff", 1.6, stroke_dasharray="7 7", class_="rail"))
        )
    for point in stations.geometry.values:
        x, y = frame.to_px(point.x, point.y)
        items.append(
            svg_tag(
                "circle",
                {"cx": x, "cy": y, "r": 3.5, "fill": "#ffffff", "stroke": "#444444"},
            )
        )
    return svg_group({"class": "railways"}, items), bool(len(lines) or len(stations))


def _park_rows(layers: Layers, frame: MapFrame) -> gpd.GeoDataFrame:
    return clip_to_frame(layers.parks, frame, margin_px=OUTLINE_MARGIN_PX)


def _park_derived(row: pd.Series) -> bool:
    method = str(row.get("outline_method") or "")
    return _flag(row.get("is_illustrative")) or not method.lower().startswith("official")


def _parks(parks: gpd.GeoDataFrame, frame: MapFrame) -> Svg:
    items = []
    for _, row in parks.iterrows():
        derived = _park_derived(row)
        items.append(
            _path(
                [row.geometry],
                frame,
                {
                    "class": "park-outline" + (" derived" if derived else ""),
                    "fill": "#1f1f1f",
                    "fill_opacity": 0.04,
                    "fill_rule": "evenodd",
                    "stroke": "#1f1f1f",
                    "stroke_width": 2.2,
                    "stroke_dasharray": ILLUSTRATIVE_DASH if derived else None,
                },
            )
        )
    return svg_group({"class": "parks"}, items)


def _lot_colour(status: str | None) -> tuple[str, str]:
    if status in STATUS_COLOURS:
        colour = STATUS_COLOURS[str(status)]
        return colour, colour
    return UNKNOWN_STATUS_COLOUR, UNKNOWN_STATUS_OUTLINE


def _lots(lots: gpd.GeoDataFrame, frame: MapFrame) -> tuple[Svg, list[str | None]]:
    """Return the lots as one path per (status, illustrative) and the statuses drawn."""
    items = []
    statuses: list[str | None] = []
    status_of = lots["status"].where(lots["status"].isin(list(STATUS_COLOURS)), None)
    dashed = np.array([_flag(v) for v in lots["is_illustrative"]], dtype=bool)
    geoms = lots.geometry.values
    for status in (*LOT_STATUSES, None):
        same = (status_of == status).to_numpy() if status else status_of.isna().to_numpy()
        for illustrative in (False, True):
            chosen = geoms[same & (dashed == illustrative)]
            if not len(chosen):
                continue
            fill, outline = _lot_colour(status)
            items.append(
                _path(
                    chosen,
                    frame,
                    {
                        "class": f"lots lots-{status or 'unknown'}",
                        "fill": fill,
                        "fill_opacity": 0.6,
                        "fill_rule": "evenodd",
                        "stroke": outline,
                        "stroke_width": 1.0,
                        "stroke_dasharray": "3 2" if illustrative else None,
                    },
                )
            )
            if status not in statuses:
                statuses.append(status)
    return svg_group({"class": "lots"}, items), statuses


def _routes(layers: Layers, lot_id: str, frame: MapFrame) -> Svg:
    routes = layers.optional("routes")
    if not isinstance(routes, gpd.GeoDataFrame) or routes.empty:
        return Svg("")
    mine = routes[routes["lot_id"] == lot_id]
    if "profile" in mine and (mine["profile"] == MAP_PROFILE).any():
        mine = mine[mine["profile"] == MAP_PROFILE]
    if mine.empty:
        return Svg("")
    cut = clip_to_frame(mine, frame, simplify_px=SIMPLIFY_PX)
    return _path(
        cut.geometry.values,
        frame,
        {
            "class": "routes",
            **_stroke(
                ROUTE_COLOUR,
                2.6,
                stroke_dasharray=ROUTE_DASH,
                stroke_opacity=0.9,
                stroke_linecap="butt",
                stroke_linejoin="round",
            ),
        },
    )


# ---------------------------------------------------------------------------- furniture


def _north_arrow(frame: MapFrame, *, x: float, y: float) -> Svg:
    angle = north_angle_deg(frame)
    arrow = svg_tag(
        "path",
        {
            "d": "M0 -13L7 7L0 2L-7 7Z",
            "fill": TEXT_COLOUR,
            "stroke": HALO_COLOUR,
            "stroke_width": 1.2,
        },
    )
    letter = svg_tag(
        "text",
        {
            "x": 0,
            "y": -17,
            "text_anchor": "middle",
            "font_size": SMALL_SIZE,
            "font_weight": "bold",
            "fill": TEXT_COLOUR,
        },
        svg_text("N"),
    )
    return svg_tag(
        "g",
        {"class": "north-arrow", "transform": f"translate({x:.1f} {y:.1f}) rotate({angle:.2f})"},
        arrow,
        letter,
    )


def _scale_bar(bar: ScaleBar, *, x: float, y: float) -> Svg:
    """Return the scale bar: a black and white bar of ``bar.px`` units, its length above."""
    half = bar.px / 2
    return svg_tag(
        "g",
        {"class": "scale-bar", "data_metres": f"{bar.metres:g}", "data_px": f"{bar.px:.3f}"},
        svg_tag(
            "rect",
            {
                "x": x - 3,
                "y": y - 16,
                "width": bar.px + 6,
                "height": 24,
                "fill": HALO_COLOUR,
                "fill_opacity": 0.8,
            },
        ),
        svg_tag(
            "rect",
            {
                "class": "scale-bar-length",
                "x": x,
                "y": y,
                "width": f"{bar.px:.3f}",
                "height": 5,
                "fill": "#ffffff",
                "stroke": TEXT_COLOUR,
                "stroke_width": 1,
            },
        ),
        svg_tag("rect", {"x": x, "y": y, "width": f"{half:.3f}", "height": 5, "fill": TEXT_COLOUR}),
        svg_tag(
            "text",
            {
                "x": x + bar.px,
                "y": y - 4,
                "text_anchor": "end",
                "font_size": SMALL_SIZE,
                "fill": TEXT_COLOUR,
            },
            svg_text(bar.label),
        ),
        svg_tag(
            "text",
            {
                "x": x,
                "y": y - 4,
                "text_anchor": "start",
                "font_size": SMALL_SIZE,
                "fill": TEXT_COLOUR,
            },
            svg_text("0"),
        ),
    )


def _inset(
    layers: Layers, frame: MapFrame, *, right: float, top: float, lang: Lang
) -> tuple[Svg, tuple[float, float, float, float]] | None:
    """Return an overview of the city (sea, boundary, parks) with the map's frame marked,
    its top right corner at (right, top), and the box it covers."""
    boundary = layers.boundary
    if boundary.empty:
        return None
    west, south, east, north = (float(v) for v in boundary.to_crs(METRIC_CRS).total_bounds)
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        return None
    height = INSET_HEIGHT_PX
    width = min(max(height * (east - west) / max(north - south, 1.0), 50.0), 150.0)
    inset = frame_around(
        (west, south, east, north),
        width_px=width,
        height_px=height,
        crs=METRIC_CRS,
        pad_ratio=0.04,
    )
    items: list[Svg] = [svg_tag("rect", {"width": width, "height": height, "fill": "#ffffff"})]
    sea = layers.water[layers.water["class"] == "ocean"]
    if not sea.empty:
        cut = clip_to_frame(sea, inset, margin_px=2, simplify_px=0.6)
        items.append(_path(cut.geometry.values, inset, {"fill": "#c6dbef", "stroke": "none"}))
    city = clip_to_frame(boundary, inset, margin_px=2, simplify_px=0.6)
    items.append(
        _path(
            city.geometry.values,
            inset,
            {**_stroke("#4d4d4d", 1), "fill": LAND_COLOUR, "fill_rule": "evenodd"},
        )
    )
    for geom in clip_to_frame(layers.parks, inset).geometry.values:
        point = shapely.point_on_surface(geom)
        px, py = inset.to_px(point.x, point.y)
        items.append(svg_tag("circle", {"cx": px, "cy": py, "r": 2, "fill": "#555555"}))
    fx0, fy0 = inset.to_px(frame.west, frame.north)
    fx1, fy1 = inset.to_px(frame.east, frame.south)
    fw, fh = max(fx1 - fx0, 5.0), max(fy1 - fy0, 5.0)
    cx, cy = (fx0 + fx1) / 2, (fy0 + fy1) / 2
    items.append(
        svg_tag(
            "rect",
            {
                "class": "inset-frame",
                "x": cx - fw / 2,
                "y": cy - fh / 2,
                "width": fw,
                "height": fh,
                **_stroke(HIGHLIGHT_COLOUR, 2),
            },
        )
    )
    items.append(svg_tag("rect", {"width": width, "height": height, **_stroke("#555555", 1)}))
    x = right - width
    title = gettext_in(lang, "Where the map lies in Kanazawa City")
    group = svg_tag(
        "g",
        {"class": "inset", "transform": f"translate({x:.1f} {top:.1f})"},
        svg_tag("title", None, svg_text(title)),
        *items,
    )
    return group, (x, top, right, top + height)


# ------------------------------------------------------------------------------- legend


def _swatch(*children: Svg) -> Markup:
    return Markup(
        svg_tag(
            "svg",
            {
                "class": "map-swatch",
                "viewBox": "0 0 24 12",
                "width": 24,
                "height": 12,
                "aria_hidden": "true",
                "focusable": "false",
            },
            *children,
        )
    )


def _fill_swatch(
    fill: str, stroke: str, *, opacity: float = 0.6, dash: str | None = None, width: float = 1.0
) -> Markup:
    return _swatch(
        svg_tag(
            "rect",
            {
                "x": 2,
                "y": 1.5,
                "width": 20,
                "height": 9,
                "fill": fill,
                "fill_opacity": opacity,
                "stroke": stroke,
                "stroke_width": width,
                "stroke_dasharray": dash,
            },
        )
    )


def _line_swatch(colour: str, width: float, *, dash: str | None = None) -> Markup:
    return _swatch(
        svg_tag("path", {"d": "M1 6L23 6", **_stroke(colour, width, stroke_dasharray=dash)})
    )


def _legend(
    lang: Lang,
    *,
    statuses: Sequence[str | None],
    derived_park: bool | None,
    road_classes_drawn: Sequence[str],
    has_water: bool,
    has_rail: bool,
    has_routes: bool,
    destination_kinds: Sequence[str],
) -> tuple[LegendRow, ...]:
    def _(msgid: str) -> str:
        return gettext_in(lang, msgid)

    rows = [
        LegendRow("lot", _("This lot"), _fill_swatch("none", HIGHLIGHT_COLOUR, width=2.5)),
    ]
    for status in statuses:
        fill, outline = _lot_colour(status)
        rows.append(
            LegendRow(
                f"status-{status or 'unknown'}",
                status_label(status, lang),
                _fill_swatch(fill, outline),
            )
        )
    if derived_park is not None:
        label = _("Industrial park (outline derived)") if derived_park else _("Industrial park")
        rows.append(
            LegendRow(
                "park",
                label,
                _fill_swatch(
                    "#1f1f1f",
                    "#1f1f1f",
                    opacity=0.04,
                    width=1.6,
                    dash=ILLUSTRATIVE_DASH if derived_park else None,
                ),
            )
        )
    if has_routes:
        rows.append(
            LegendRow(
                "routes", _("Drive routes from this lot"), _line_swatch(ROUTE_COLOUR, 2, dash="5 3")
            )
        )
    for key, msgid, classes in ROAD_LEGEND:
        shown = [c for c in classes if c in road_classes_drawn]
        if shown:
            style = ROAD_STYLES[shown[0]]
            rows.append(
                LegendRow(
                    key, _(msgid), _line_swatch(style["color"], max(style["weight"] * 1.2, 1.5))
                )
            )
    if has_rail:
        rows.append(
            LegendRow(
                "rail",
                _("Railway"),
                _swatch(
                    svg_tag("path", {"d": "M1 6L23 6", **_stroke("#555555", 3.2)}),
                    svg_tag(
                        "path",
                        {"d": "M1 6L23 6", **_stroke("#ffffff", 1.6, stroke_dasharray="4 4")},
                    ),
                ),
            )
        )
    if has_water:
        rows.append(LegendRow("water", _("Water"), _fill_swatch("#c6dbef", "#c6dbef", opacity=1)))
    for kind in destination_kinds:
        rows.append(
            LegendRow(
                f"destination-{kind}",
                _(DESTINATION_KIND_LABELS.get(kind, kind)),
                _swatch(
                    svg_tag(
                        "circle",
                        {
                            "cx": 12,
                            "cy": 6,
                            "r": 4,
                            "fill": "#ffffff",
                            "stroke": DESTINATION_COLOURS.get(kind, "#2f2f2f"),
                            "stroke_width": 2.5,
                        },
                    )
                ),
            )
        )
    return tuple(rows)


def _lot_label(labels: _Labels, text: str, box: tuple[float, float, float, float]) -> list[Svg]:
    """Return the lot's label beside its outline (right, left, above or below), always shown."""
    lx0, ly0, lx1, ly1 = box
    cy = (ly0 + ly1) / 2
    at = labels.place(
        text,
        [
            (lx1 + 7, cy + LABEL_SIZE * 0.35, "start"),
            (lx0 - 7, cy + LABEL_SIZE * 0.35, "end"),
            ((lx0 + lx1) / 2, ly0 - 7, "middle"),
            ((lx0 + lx1) / 2, ly1 + 7 + LABEL_SIZE * 0.8, "middle"),
        ],
        size=LABEL_SIZE,
        force=True,
    )
    if at is None:  # pragma: no cover - a forced label is always placed
        return []
    return [
        _label(
            text,
            at,
            size=LABEL_SIZE,
            colour=HIGHLIGHT_COLOUR,
            weight="bold",
            css_class="label lot-label",
        )
    ]


def _park_labels(
    labels: _Labels,
    layers: Layers,
    parks: gpd.GeoDataFrame,
    frame: MapFrame,
    park_id: str,
    lang: Lang,
) -> list[Svg]:
    """Return the names of the parks in the frame, above or below each; the lot's park always."""
    names = dict(zip(layers.parks["park_id"], name_in(layers.parks, lang), strict=True))
    items = []
    for pid, geom in zip(parks["park_id"], parks.geometry.values, strict=True):
        text = _text(names.get(pid))
        if not text:
            continue
        px0, py0, px1, py1 = _bbox_px(geom, frame)
        mid = (px0 + px1) / 2
        at = labels.place(
            text,
            [
                (mid, py0 - 6, "middle"),
                (mid, py1 + 6 + PARK_LABEL_SIZE * 0.8, "middle"),
                (mid, py0 + PARK_LABEL_SIZE + 4, "middle"),
                (mid, py1 - 6, "middle"),
            ],
            size=PARK_LABEL_SIZE,
            force=pid == park_id,
        )
        if at is not None:
            items.append(
                _label(text, at, size=PARK_LABEL_SIZE, weight="bold", css_class="label park-label")
            )
    return items


def _destinations(
    labels: _Labels, layers: Layers, frame: MapFrame, lang: Lang
) -> tuple[list[Svg], list[str], list[Svg]]:
    """Return the symbols of the destinations in the frame, their kinds, and their names
    where there is room."""
    destinations = clip_to_frame(layers.destinations, frame)
    if destinations.empty:
        return [], [], []
    symbols: list[Svg] = []
    kinds: list[str] = []
    names: list[Svg] = []
    for kind, point, text in zip(
        destinations["kind"].astype(str),
        destinations.geometry.values,
        name_in(destinations, lang),
        strict=True,
    ):
        x, y = frame.to_px(point.x, point.y)
        symbols.append(
            svg_tag(
                "circle",
                {
                    "class": f"destination destination-{kind}",
                    "cx": x,
                    "cy": y,
                    "r": 5.5,
                    "fill": "#ffffff",
                    "stroke": DESTINATION_COLOURS.get(kind, "#2f2f2f"),
                    "stroke_width": 3,
                },
            )
        )
        if kind not in kinds:
            kinds.append(kind)
        labels.reserve((x - 6, y - 6, x + 6, y + 6))
        name = _text(text)
        at = labels.place(name, _around(x, y, 9, LABEL_SIZE), size=LABEL_SIZE) if name else None
        if name and at is not None:
            names.append(_label(name, at, size=LABEL_SIZE, css_class="label destination-label"))
    return symbols, kinds, names


# --------------------------------------------------------------------------------- the map


def _focus_bounds(lot: gpd.GeoDataFrame, park: gpd.GeoDataFrame) -> np.ndarray:
    """Return the metric bounds the map must show whole: the lot's park and the lot."""
    shapes = pd.concat([lot.geometry, park.geometry]) if not park.empty else lot.geometry
    return np.asarray(gpd.GeoSeries(shapes.values, crs=lot.crs).to_crs(METRIC_CRS).total_bounds)


def _bbox_px(geom: object, frame: MapFrame) -> tuple[float, float, float, float]:
    west, south, east, north = shapely.bounds(geom)
    x0, y0 = frame.to_px(west, north)
    x1, y1 = frame.to_px(east, south)
    return x0, y0, x1, y1


def lot_map(
    layers: Layers,
    lot_id: str,
    *,
    lang: Lang,
    as_of: dt.date | None = None,
    width_px: float = WIDTH_PX,
    height_px: float = HEIGHT_PX,
    id_prefix: str = "lot-map",
) -> StaticMap:
    """Draw the map of one lot in its park as a self-contained SVG, labels in ``lang``.

    Parameters
    ----------
    layers
        The dataset as the page shows it (``webapp.get_layers()``).
    lot_id
        The lot shown, e.g. ``inaho/P2-1``.
    lang
        Language of the names, labels and legend.
    as_of
        Date of the lot statuses drawn (latest when None).
    width_px, height_px
        The SVG's box; pages scale it to their column.
    id_prefix
        Prefix of the element ids inside the SVG (unique per page).

    Returns
    -------
    StaticMap
        The SVG markup (safe to insert into a page), legend rows of what is drawn, credit
        lines, and the frame and scale bar (for checks).

    Raises
    ------
    LotNotFoundError
        If no lot has ``lot_id``.
    """
    from webapp import lots_on

    lots = lots_on(layers, as_of)
    lot = lots[lots["lot_id"] == lot_id]
    if lot.empty:
        msg = f"no lot {lot_id[:80]!r}"
        raise LotNotFoundError(msg)
    row = lot.iloc[0]
    park = layers.parks[layers.parks["park_id"] == row["park_id"]]
    frame = frame_around(
        _focus_bounds(lot, park),
        width_px=width_px,
        height_px=height_px,
        crs=METRIC_CRS,
        pad_ratio=PAD_RATIO,
        min_width_m=MIN_WIDTH_M,
    )
    lat = float(shapely.centroid(lot.geometry.values[0]).y)
    labels = _Labels(width_px, height_px)

    # furniture first, so that labels keep clear of it
    bar = scale_bar(frame, max_px=width_px * 0.22)
    bar_x, bar_y = 12.0, height_px - 12.0
    labels.reserve((0, bar_y - 20, bar_x + bar.px + 8, height_px))
    labels.reserve((0, 0, 34, 50))  # the north arrow
    inset = _inset(layers, frame, right=width_px - INSET_MARGIN_PX, top=INSET_MARGIN_PX, lang=lang)
    inset_svg = Svg("")
    if inset is not None:
        inset_svg, (ix0, _, _, iy1) = inset
        labels.reserve((ix0 - 4, 0, width_px, iy1 + 4))

    # layers, bottom to top
    water = _water(layers, frame)
    roads = road_layer_in_frame(layers, frame, lat)
    roads_svg, road_classes_drawn = _draw_roads(roads, frame)
    rail_svg, has_rail = _rail(layers, frame)
    parks_in_frame = _park_rows(layers, frame)
    parks_svg = _parks(parks_in_frame, frame)
    lots_in_frame = clip_to_frame(lots, frame, margin_px=OUTLINE_MARGIN_PX)
    lots_svg, statuses = _lots(lots_in_frame, frame)
    routes_svg = _routes(layers, lot_id, frame)
    lot_metric = lot.to_crs(METRIC_CRS).geometry.values[0]
    highlight = svg_group(
        {"class": "lot-highlight"},
        [
            _path([lot_metric], frame, _stroke(HALO_COLOUR, 5.5, stroke_linejoin="round")),
            _path(
                [lot_metric],
                frame,
                {
                    "id": f"{id_prefix}-lot",
                    "class": "lot-outline",
                    **_stroke(HIGHLIGHT_COLOUR, 3.0, stroke_linejoin="round"),
                },
            ),
        ],
    )

    # labels: the lot, its park, then destinations where there is room
    lx0, ly0, lx1, ly1 = _bbox_px(lot_metric, frame)
    labels.reserve((lx0 - 2, ly0 - 2, lx1 + 2, ly1 + 2))
    number = _text(row.get("lot_no")) or lot_no_of(lot_id)
    text_items = _lot_label(
        labels, gettext_in(lang, "Lot %(lot_no)s") % {"lot_no": number}, (lx0, ly0, lx1, ly1)
    )
    text_items += _park_labels(labels, layers, parks_in_frame, frame, row["park_id"], lang)
    symbols, kinds, destination_labels = _destinations(labels, layers, frame, lang)
    text_items += destination_labels

    title = gettext_in(lang, "Map of lot %(lot_no)s and its surroundings") % {"lot_no": number}
    clip_id = f"{id_prefix}-clip"
    body = svg_tag(
        "g",
        {"clip_path": f"url(#{clip_id})"},
        svg_tag("rect", {"width": width_px, "height": height_px, "fill": LAND_COLOUR}),
        water,
        roads_svg,
        rail_svg,
        parks_svg,
        lots_svg,
        routes_svg,
        highlight,
        *symbols,
        *text_items,
    )
    west, south, east, north = frame.bounds
    svg = svg_tag(
        "svg",
        {
            "xmlns": "http://www.w3.org/2000/svg",
            "class": "static-map-svg",
            "viewBox": f"0 0 {width_px:g} {height_px:g}",
            "width": width_px,
            "height": height_px,
            "role": "img",
            "aria_labelledby": f"{id_prefix}-title",
            "font_family": FONT,
            "data_crs": "EPSG:6675",
            "data_extent": f"{west:.3f} {south:.3f} {east:.3f} {north:.3f}",
        },
        svg_tag("title", {"id": f"{id_prefix}-title"}, svg_text(title)),
        svg_tag(
            "defs",
            None,
            svg_tag(
                "clipPath",
                {"id": clip_id},
                svg_tag("rect", {"width": width_px, "height": height_px}),
            ),
        ),
        body,
        _north_arrow(frame, x=18, y=34),
        _scale_bar(bar, x=bar_x, y=bar_y - 5),
        inset_svg,
        svg_tag(
            "rect",
            {
                "width": width_px,
                "height": height_px,
                "fill": "none",
                "stroke": "#8a8a8a",
                "stroke_width": 1,
            },
        ),
    )
    derived = None
    if not park.empty:
        derived = _park_derived(park.iloc[0])
    legend = _legend(
        lang,
        statuses=statuses,
        derived_park=derived,
        road_classes_drawn=road_classes_drawn,
        has_water=bool(water),
        has_rail=has_rail,
        has_routes=bool(routes_svg),
        destination_kinds=kinds,
    )
    return StaticMap(
        svg=Markup(svg),
        legend=legend,
        credits=tuple(gettext_in(lang, c) for c in CREDITS),
        frame=frame,
        scale=bar,
        title=title,
    )
