"""Folium map of the parks: one builder per layer, assembled by ``build_map`` for offline use."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from branca.element import MacroElement
from folium.template import Template

from geo.crs import WEB_CRS
from parks.data import LOT_STATUSES, Layers
from webapp.text import (
    APPROXIMATE_LABEL,
    ATTRIBUTIONS,
    DERIVED_OUTLINE_LABEL,
    ILLUSTRATIVE_LOT_LABEL,
    Lang,
    text,
)

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

ILLUSTRATIVE_DASH = "6 4"
"""Dash pattern that marks an illustrative (generated) lot or a derived outline."""

DESTINATION_ICONS: dict[str, tuple[str, str]] = {
    "interchange": ("road", "darkgreen"),
    "port": ("ship", "blue"),
    "airport": ("plane", "purple"),
    "station": ("train", "cadetblue"),
}
"""Font Awesome icon name and awesome-markers colour per destination kind."""

MAJOR_ROAD_CLASSES: tuple[str, ...] = ("motorway", "trunk", "primary", "secondary", "tertiary")
"""Road classes embedded in the page; minor roads would make it several megabytes."""

ROAD_STYLES: dict[str, dict[str, Any]] = {
    "motorway": {"color": "#e8913a", "weight": 3},
    "trunk": {"color": "#f2b35b", "weight": 2.5},
    "primary": {"color": "#b0a58f", "weight": 2},
    "secondary": {"color": "#c2b9a6", "weight": 1.5},
    "tertiary": {"color": "#cfc8b8", "weight": 1},
}

ROAD_SIMPLIFY_DEG = 0.00005
"""Douglas-Peucker tolerance for basemap roads and water (about 5 m): invisible on screen."""

COORDINATE_DECIMALS = 5
"""Decimals kept in embedded coordinates (1e-5 deg is about 1 m)."""

ISOCHRONE_COLOURS = ("#006d2c", "#31a354", "#74c476", "#bae4b3", "#edf8e9")
"""Fill colours of drive-time bands, shortest first."""

ISOCHRONE_SIMPLIFY_DEG = 0.0005
"""Tolerance for drive-time bands (about 50 m; the bands come from a 100 m grid)."""

ISOCHRONE_DECIMALS = 4
"""Decimals kept in drive-time band coordinates (about 10 m, below the 100 m grid)."""

MAP_MAX_ISOCHRONE_MINUTES = 20.0
"""Longest drive-time band drawn: the 30-minute bands cover most of the region and alone
would double the page size."""

MAP_PROFILE = "normal"
"""Speed profile whose drive-time bands the map draws (the API can serve the others)."""

VENDOR_JS: tuple[tuple[str, str], ...] = (
    ("leaflet", "leaflet/leaflet.js"),
    ("jquery", "jquery/jquery.min.js"),
    ("bootstrap", "bootstrap/bootstrap.bundle.min.js"),
    ("awesome_markers", "awesome-markers/leaflet.awesome-markers.min.js"),
)
"""folium's default scripts, as paths under the vendor directory (no CDN)."""

VENDOR_CSS: tuple[tuple[str, str], ...] = (
    ("leaflet_css", "leaflet/leaflet.css"),
    ("bootstrap_css", "bootstrap/bootstrap.min.css"),
    ("awesome_markers_font_css", "fontawesome/css/all.min.css"),
    ("awesome_markers_css", "awesome-markers/leaflet.awesome-markers.css"),
)
"""folium's default stylesheets, as paths under the vendor directory (no CDN)."""


@dataclass(frozen=True)
class MapParts:
    """The three rendered pieces of a folium map, for embedding into our own template."""

    header: str
    html: str
    script: str


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
    colour = STATUS_COLOURS.get(status, UNKNOWN_STATUS_COLOUR)
    return {
        "color": colour if status in STATUS_COLOURS else "#555555",
        "weight": 1.5,
        "fillColor": colour,
        "fillOpacity": 0.55,
        "dashArray": ILLUSTRATIVE_DASH if is_illustrative else None,
    }


def _display(value: object) -> str:
    """Return a value as tooltip text: HTML-escaped (tooltips use innerHTML), NaN as ''."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    # ``{{`` would be read as a template expression by folium's Jinja pass (geopandas explore)
    return html.escape(str(value), quote=False).replace("{{", "{ {").replace("}}", "} }")


def _format_m2(value: object) -> str:
    """Return an area as '12,345', or '' when unknown."""
    if value is None or pd.isna(value):
        return ""
    return f"{float(value):,.0f}"


def _headline(value: object) -> str:
    """Return the head of a long explanation: 'Derived: road blocks...' gives 'Derived'.

    The full text stays in the API; a tooltip only needs the gist.
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "?"
    return str(value).split(":")[0].split(" (")[0].strip()


def _flag(value: object) -> bool:
    """Return a boolean column value (missing counts as false)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return False
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes"}
    return bool(value)


def _drawable(frame: gpd.GeoDataFrame) -> np.ndarray:
    """Return a mask of rows whose geometry is neither missing nor empty."""
    geoms = frame.geometry.values
    return ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))


def prepare_features(
    frame: gpd.GeoDataFrame,
    properties: Mapping[str, Iterable[object]],
    *,
    simplify_deg: float = 0.0,
    decimals: int = COORDINATE_DECIMALS,
) -> gpd.GeoDataFrame:
    """Return a small web-ready frame: given properties, valid geometries, EPSG:4326, rounded.

    Empty and missing geometries are dropped (Leaflet cannot draw them), the CRS is
    reprojected to WEB_CRS, coordinates are rounded to ``COORDINATE_DECIMALS`` to keep
    the page small, and every property is turned into escaped display text.

    Parameters
    ----------
    frame
        Source layer (any CRS).
    properties
        Output column name to values aligned with ``frame`` rows.
    simplify_deg
        Simplification tolerance in degrees (0 keeps every vertex).
    decimals
        Decimals kept in coordinates.

    Returns
    -------
    geopandas.GeoDataFrame
        Only the given properties plus geometry.
    """
    data = {name: [_display(v) for v in values] for name, values in properties.items()}
    out = gpd.GeoDataFrame(data, geometry=frame.geometry.values, crs=frame.crs, index=frame.index)
    if out.crs is not None:
        out = out.to_crs(WEB_CRS)
    out = out[_drawable(out)]
    geoms = out.geometry.values
    if simplify_deg > 0:
        geoms = shapely.simplify(geoms, simplify_deg, preserve_topology=True)
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    return gpd.GeoDataFrame(out.drop(columns="geometry"), geometry=geoms, crs=WEB_CRS)


def _geojson(
    features: gpd.GeoDataFrame,
    *,
    name: str,
    style: Callable[[dict[str, Any]], dict[str, Any]],
    fields: Mapping[str, str] | None = None,
    marker: folium.Marker | folium.CircleMarker | None = None,
    interactive: bool = True,
) -> folium.GeoJson:
    """Return a GeoJson layer with a style and an optional tooltip (field -> alias).

    It is not listed in the layer control itself: its FeatureGroup is.
    """
    tooltip = None
    if fields:
        tooltip = folium.GeoJsonTooltip(
            fields=list(fields), aliases=list(fields.values()), sticky=True
        )
    return folium.GeoJson(
        features.__geo_interface__,
        name=name,
        style_function=style,
        tooltip=tooltip,
        marker=marker,
        control=False,
        interactive=interactive,
    )


def _name_column(frame: pd.DataFrame, lang: Lang) -> pd.Series:
    """Return the name in ``lang``, falling back to the other language."""
    first, second = ("name_ja", "name_en") if lang == "ja" else ("name_en", "name_ja")
    names = frame[first] if first in frame else pd.Series(None, index=frame.index)
    if second in frame:
        names = names.where(names.notna() & (names.astype(str) != ""), frame[second])
    return names


def parks_layer(parks: gpd.GeoDataFrame, *, lang: Lang) -> folium.FeatureGroup:
    """Return the park outlines, labelled as derived where no official outline exists.

    Parameters
    ----------
    parks
        The ``parks`` layer.
    lang
        Page language.

    Returns
    -------
    folium.FeatureGroup
        Named after the layer in ``lang``.
    """
    t = text(lang)
    group = folium.FeatureGroup(name=t["layer_parks"])
    derived = [
        _flag(flag) or not str(method).lower().startswith("official")
        for flag, method in zip(parks["is_illustrative"], parks["outline_method"], strict=True)
    ]
    outline = [
        f"{_headline(method)} / {_headline(confidence)}"
        for method, confidence in zip(
            parks["outline_method"], parks["outline_confidence"], strict=True
        )
    ]
    features = prepare_features(
        parks,
        {
            "park_id": parks["park_id"],
            "name": _name_column(parks, lang),
            "name_other": parks["name_en" if lang == "ja" else "name_ja"],
            "saleable_area_m2": parks["saleable_area_m2"].map(_format_m2),
            "outline": outline,
            "note": [DERIVED_OUTLINE_LABEL if d else "" for d in derived],
        },
    )
    if features.empty:
        return group

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        is_derived = bool(feature["properties"]["note"])
        return {
            "color": "#222222",
            "weight": 2.5,
            "fill": True,
            "fillOpacity": 0.03,
            "dashArray": ILLUSTRATIVE_DASH if is_derived else None,
        }

    fields = {
        "name": t["field_name"],
        "name_other": "",
        "saleable_area_m2": t["field_saleable_area_m2"],
        "outline": t["field_outline"],
        "note": t["field_note"],
    }
    _geojson(features, name=t["layer_parks"], style=style, fields=fields).add_to(group)
    return group


def lots_layer(lots: gpd.GeoDataFrame, *, lang: Lang) -> folium.FeatureGroup:
    """Return the lots coloured by status; illustrative lots are dashed and labelled.

    Parameters
    ----------
    lots
        The ``lots`` layer (or its state on a date, see ``parks.lots.status_as_of``).
    lang
        Page language.

    Returns
    -------
    folium.FeatureGroup
        Named after the layer in ``lang``.
    """
    t = text(lang)
    group = folium.FeatureGroup(name=t["layer_lots"])
    illustrative = [_flag(v) for v in lots["is_illustrative"]]
    features = prepare_features(
        lots,
        {
            "lot_id": lots["lot_id"],
            "area_m2": lots["area_m2"].map(_format_m2),
            "status": lots["status"],
            "status_label": [t.get(f"status_{s}", t["status_unknown"]) for s in lots["status"]],
            "phase": lots["phase"],
            "is_illustrative": ["true" if i else "" for i in illustrative],
            "note": [ILLUSTRATIVE_LOT_LABEL if i else "" for i in illustrative],
        },
    )
    if features.empty:
        return group

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        props = feature["properties"]
        return lot_style(props["status"], is_illustrative=bool(props["is_illustrative"]))

    fields = {
        "lot_id": t["field_lot_id"],
        "area_m2": t["field_area_m2"],
        "status_label": t["field_status"],
        "phase": t["field_phase"],
        "note": t["field_note"],
    }
    _geojson(features, name=t["layer_lots"], style=style, fields=fields).add_to(group)
    return group


def destinations_layer(destinations: gpd.GeoDataFrame, *, lang: Lang) -> folium.FeatureGroup:
    """Return one marker per destination, with an icon for its kind.

    Parameters
    ----------
    destinations
        The ``destinations`` layer (points).
    lang
        Page language.

    Returns
    -------
    folium.FeatureGroup
        Named after the layer in ``lang``.
    """
    t = text(lang)
    group = folium.FeatureGroup(name=t["layer_destinations"])
    web = destinations.to_crs(WEB_CRS) if destinations.crs is not None else destinations
    for row, name in zip(web.itertuples(), _name_column(web, lang), strict=True):
        geom = row.geometry
        if geom is None or geom.is_empty:
            continue
        point = geom.representative_point()
        icon_name, colour = DESTINATION_ICONS.get(str(row.kind), ("circle", "gray"))
        label = f"{_display(name)} ({_display(t.get(f'kind_{row.kind}', row.kind))})"
        if _flag(getattr(row, "is_approximate", False)):
            label += f" — {APPROXIMATE_LABEL}"
        folium.Marker(
            location=(round(point.y, COORDINATE_DECIMALS), round(point.x, COORDINATE_DECIMALS)),
            icon=folium.Icon(icon=icon_name, prefix="fa", color=colour),
            tooltip=label,
        ).add_to(group)
    return group


def zones_layer(zones: gpd.GeoDataFrame, *, lang: Lang) -> folium.FeatureGroup:
    """Return the grant zones as dashed outlines, labelled approximate where they are.

    Parameters
    ----------
    zones
        The ``zones`` layer.
    lang
        Page language.

    Returns
    -------
    folium.FeatureGroup
        Named after the layer in ``lang``.
    """
    t = text(lang)
    group = folium.FeatureGroup(name=t["layer_zones"])
    approximate = [_flag(v) for v in zones["is_approximate"]]
    notes = [
        f"{APPROXIMATE_LABEL}: {note}"
        if a and isinstance(note, str) and note
        else (APPROXIMATE_LABEL if a else "")
        for a, note in zip(approximate, zones["approx_note"], strict=True)
    ]
    features = prepare_features(
        zones,
        {
            "zone_id": zones["zone_id"],
            "name": _name_column(zones, lang),
            "kind_label": [t.get(f"zone_{k}", str(k)) for k in zones["kind"]],
            "note": notes,
        },
        simplify_deg=ROAD_SIMPLIFY_DEG,
    )
    if features.empty:
        return group

    def style(_feature: dict[str, Any]) -> dict[str, Any]:
        return {"color": "#8c2d04", "weight": 2, "dashArray": "8 6", "fillOpacity": 0.04}

    fields = {"name": t["field_name"], "kind_label": t["field_kind"], "note": t["field_note"]}
    _geojson(features, name=t["layer_zones"], style=style, fields=fields).add_to(group)
    return group


def _merge_lines_by(frame: gpd.GeoDataFrame, column: str, keep: Iterable[str]) -> gpd.GeoDataFrame:
    """Return one merged (Multi)LineString per value of ``column`` among ``keep``.

    Tile-split road pieces cost more JSON in per-feature overhead than in coordinates, so
    the basemap ships a handful of merged features instead of thousands of pieces.
    """
    kept = frame[frame[column].isin(list(keep))]
    kept = kept[_drawable(kept)]
    rows = [
        (value, shapely.line_merge(shapely.union_all(group.geometry.values)))
        for value, group in kept.groupby(column, sort=True)
    ]
    return gpd.GeoDataFrame(
        {column: [value for value, _ in rows]},
        geometry=[geom for _, geom in rows],
        crs=frame.crs,
    )


def roads_layer(
    roads: gpd.GeoDataFrame,
    *,
    lang: Lang,
    classes: Iterable[str] = MAJOR_ROAD_CLASSES,
    simplify_deg: float = ROAD_SIMPLIFY_DEG,
) -> folium.FeatureGroup:
    """Return the major roads as thin lines: the offline basemap.

    Parameters
    ----------
    roads
        The ``roads`` layer.
    lang
        Page language.
    classes
        Road classes to draw; the default keeps the page under a megabyte or so.
    simplify_deg
        Simplification tolerance in degrees.

    Returns
    -------
    folium.FeatureGroup
        Named after the layer in ``lang``; one feature per road class.
    """
    t = text(lang)
    group = folium.FeatureGroup(name=t["layer_roads"])
    merged = _merge_lines_by(roads, "class", classes)
    features = prepare_features(merged, {"class": merged["class"]}, simplify_deg=simplify_deg)
    if features.empty:
        return group

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        base = ROAD_STYLES.get(feature["properties"]["class"], {"color": "#cccccc", "weight": 1})
        return {**base, "opacity": 0.9}

    _geojson(features, name=t["layer_roads"], style=style, interactive=False).add_to(group)
    return group


def water_layer(water: gpd.GeoDataFrame, *, lang: Lang) -> folium.FeatureGroup:
    """Return water bodies as light blue fills."""
    t = text(lang)
    group = folium.FeatureGroup(name=t["layer_water"])
    features = prepare_features(water, {"class": water["class"]}, simplify_deg=ROAD_SIMPLIFY_DEG)
    if features.empty:
        return group

    def style(_feature: dict[str, Any]) -> dict[str, Any]:
        return {
            "color": "#9ecae1",
            "weight": 0.5,
            "fillColor": "#c6dbef",
            "fillOpacity": 0.8,
        }

    _geojson(features, name=t["layer_water"], style=style, interactive=False).add_to(group)
    return group


def rail_layer(
    rail: gpd.GeoDataFrame, stations: gpd.GeoDataFrame | None, *, lang: Lang
) -> folium.FeatureGroup:
    """Return rail lines and, when given, station dots, with names in the tooltip."""
    t = text(lang)
    group = folium.FeatureGroup(name=t["layer_rail"])
    lines = rail[_drawable(rail) & rail.geometry.geom_type.isin(["LineString", "MultiLineString"])]
    features = prepare_features(lines, {"name": lines["name"]}, simplify_deg=ROAD_SIMPLIFY_DEG)
    if not features.empty:

        def style(_feature: dict[str, Any]) -> dict[str, Any]:
            return {"color": "#444444", "weight": 2, "dashArray": "1 4", "lineCap": "butt"}

        fields = {"name": t["field_name"]}
        _geojson(features, name=t["layer_rail"], style=style, fields=fields).add_to(group)
    if stations is not None and not stations.empty:
        dots = prepare_features(stations, {"name": stations["name"]})
        if not dots.empty:

            def station_style(_feature: dict[str, Any]) -> dict[str, Any]:
                return {"color": "#444444", "fillColor": "#ffffff", "fillOpacity": 1, "weight": 1.5}

            _geojson(
                dots,
                name=t["kind_station"],
                style=station_style,
                fields={"name": t["field_name"]},
                marker=folium.CircleMarker(radius=3),
            ).add_to(group)
    return group


def boundary_layer(boundary: gpd.GeoDataFrame, *, lang: Lang) -> folium.FeatureGroup:
    """Return administrative boundaries as grey dash-dot outlines."""
    t = text(lang)
    group = folium.FeatureGroup(name=t["layer_boundary"])
    features = prepare_features(
        boundary, {"name": _name_column(boundary, lang)}, simplify_deg=ROAD_SIMPLIFY_DEG
    )
    if features.empty:
        return group

    def style(_feature: dict[str, Any]) -> dict[str, Any]:
        return {
            "color": "#6a51a3",
            "weight": 1.5,
            "dashArray": "10 4 2 4",
            "fill": False,
        }

    _geojson(features, name=t["layer_boundary"], style=style, interactive=False).add_to(group)
    return group


def routes_per_park(routes: pd.DataFrame) -> gpd.GeoDataFrame:
    """Return one route per (park, destination): the park's median lot, with the minutes range.

    Lots of one park share nearly the same road path, so drawing every lot's route repeats
    the same line hundreds of times (megabytes of page). The route kept is the one whose
    minutes are closest to the park's median; ``min_minutes`` and ``max_minutes`` give the
    range over the park's lots so the tooltip stays honest.

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


def routes_layer(
    routes: gpd.GeoDataFrame, destinations: gpd.GeoDataFrame, *, lang: Lang
) -> folium.FeatureGroup:
    """Return drive routes from each park to its nearest destinations, minutes in the tooltip.

    Parameters
    ----------
    routes
        The optional ``routes`` layer (lot_id, destination_id, kind, profile, minutes, metres);
        see :func:`routes_per_park` for which routes are drawn.
    destinations
        The ``destinations`` layer, for destination names.
    lang
        Page language.

    Returns
    -------
    folium.FeatureGroup
        Named after the layer in ``lang``; hidden until switched on.
    """
    t = text(lang)
    group = folium.FeatureGroup(name=t["layer_routes"], show=False)
    names = dict(zip(destinations["id"], _name_column(destinations, lang), strict=True))
    kept = routes_per_park(routes)
    minutes = [
        f"{m:.1f}" if n == 1 else f"{m:.1f} ({t['minutes_range']} {lo:.1f}–{hi:.1f})"
        for m, lo, hi, n in zip(
            kept["minutes"],
            kept["min_minutes"],
            kept["max_minutes"],
            kept["lot_count"],
            strict=True,
        )
    ]
    features = prepare_features(
        kept,
        {
            "lot_id": kept["lot_id"],
            "destination": [names.get(d, d) for d in kept["destination_id"]],
            "minutes": minutes,
            "profile": kept["profile"],
        },
        simplify_deg=ROAD_SIMPLIFY_DEG,
    )
    if features.empty:
        return group

    def style(_feature: dict[str, Any]) -> dict[str, Any]:
        return {"color": "#e7298a", "weight": 3, "opacity": 0.85}

    fields = {
        "lot_id": t["field_lot_id"],
        "destination": t["field_destination"],
        "minutes": t["field_minutes"],
        "profile": t["field_profile"],
    }
    _geojson(features, name=t["layer_routes"], style=style, fields=fields).add_to(group)
    return group


def isochrones_layer(
    isochrones: gpd.GeoDataFrame,
    destinations: gpd.GeoDataFrame,
    *,
    lang: Lang,
    profile: str | None = MAP_PROFILE,
    max_minutes: float | None = MAP_MAX_ISOCHRONE_MINUTES,
    simplify_deg: float = ISOCHRONE_SIMPLIFY_DEG,
) -> folium.FeatureGroup:
    """Return drive-time bands around destinations, longest drawn first.

    Parameters
    ----------
    isochrones
        The optional ``isochrones`` layer (destination_id, minutes, profile).
    destinations
        The ``destinations`` layer, for destination names.
    lang
        Page language.
    profile
        Speed profile to draw (the page stays small with one); None draws every profile.
    max_minutes
        Longest band drawn; None draws every band.
    simplify_deg
        Simplification tolerance in degrees.

    Returns
    -------
    folium.FeatureGroup
        Named after the layer in ``lang``; hidden until switched on.
    """
    t = text(lang)
    group = folium.FeatureGroup(name=t["layer_isochrones"], show=False)
    if profile is not None and (isochrones["profile"] == profile).any():
        isochrones = isochrones[isochrones["profile"] == profile]
    if max_minutes is not None:
        isochrones = isochrones[isochrones["minutes"] <= max_minutes]
    ordered = isochrones.sort_values("minutes", ascending=False)
    names = dict(zip(destinations["id"], _name_column(destinations, lang), strict=True))
    band_of = {m: i for i, m in enumerate(sorted(pd.unique(ordered["minutes"].dropna())))}
    features = prepare_features(
        ordered,
        {
            "destination": [names.get(d, d) for d in ordered["destination_id"]],
            "minutes": [f"{float(m):g}" if pd.notna(m) else "" for m in ordered["minutes"]],
            "band": [band_of.get(m, len(ISOCHRONE_COLOURS) - 1) for m in ordered["minutes"]],
            "profile": ordered["profile"],
        },
        simplify_deg=simplify_deg,
        decimals=ISOCHRONE_DECIMALS,
    )
    if features.empty:
        return group

    def style(feature: dict[str, Any]) -> dict[str, Any]:
        band = min(int(feature["properties"]["band"]), len(ISOCHRONE_COLOURS) - 1)
        colour = ISOCHRONE_COLOURS[band]
        return {"color": colour, "weight": 1, "fillColor": colour, "fillOpacity": 0.25}

    fields = {
        "destination": t["field_destination"],
        "minutes": t["field_minutes"],
        "profile": t["field_profile"],
    }
    _geojson(features, name=t["layer_isochrones"], style=style, fields=fields).add_to(group)
    return group


class Attribution(MacroElement):
    """Add data credits to the map's attribution control (there is no tile layer to carry them)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            {%- for credit in this.credits %}
            {{ this._parent.get_name() }}.attributionControl.addAttribution({{ credit|tojson }});
            {%- endfor %}
        {% endmacro %}
        """
    )

    def __init__(self, credits: Iterable[str]) -> None:
        super().__init__()
        self._name = "Attribution"
        self.credits = [html.escape(c) for c in credits]


def _bounds(frame: gpd.GeoDataFrame) -> list[list[float]] | None:
    """Return ``[[south, west], [north, east]]`` of a layer in EPSG:4326, or None if empty."""
    geoms = frame.geometry[_drawable(frame)]
    if geoms.empty:
        return None
    if frame.crs is not None:
        geoms = geoms.to_crs(WEB_CRS)
    west, south, east, north = geoms.total_bounds
    return [[float(south), float(west)], [float(north), float(east)]]


def build_map(
    layers: Layers,
    *,
    lang: Lang,
    lots: gpd.GeoDataFrame | None = None,
    vendor_url: str = "/static/vendor",
    tiles: str | None = None,
    tiles_attribution: str | None = None,
) -> folium.Map:
    """Assemble the park map: basemap layers, zones, parks, lots, destinations, access layers.

    ``routes`` and ``isochrones`` are added only when the dataset has them. The
    LayerControl is added last so it lists every layer (folium ``map.py``).

    Parameters
    ----------
    layers
        The loaded dataset.
    lang
        Page language (layer names, tooltips).
    lots
        Lots to draw instead of ``layers.lots``, e.g. their state on a past date.
    vendor_url
        URL prefix of ``webapp/static/vendor``; folium's CDN links are replaced by it.
    tiles
        A tile URL template, or None (the default) to draw no tiles and stay offline.
    tiles_attribution
        Attribution of ``tiles`` (required by Leaflet when ``tiles`` is a URL).

    Returns
    -------
    folium.Map
        Not yet rendered.
    """
    lots = layers.lots if lots is None else lots
    fmap = folium.Map(
        location=(36.58, 136.65),
        zoom_start=11,
        tiles=None,
        control_scale=True,
        prefer_canvas=False,
    )
    base = vendor_url.rstrip("/")
    fmap.default_js = [(name, f"{base}/{path}") for name, path in VENDOR_JS]
    fmap.default_css = [(name, f"{base}/{path}") for name, path in VENDOR_CSS]
    if tiles:
        folium.TileLayer(tiles, attr=tiles_attribution or tiles, name="tiles").add_to(fmap)

    boundary_layer(layers.boundary, lang=lang).add_to(fmap)
    water_layer(layers.water, lang=lang).add_to(fmap)
    roads_layer(layers.roads, lang=lang).add_to(fmap)
    rail_layer(layers.rail, layers.stations, lang=lang).add_to(fmap)
    isochrones = layers.optional("isochrones")
    if isinstance(isochrones, gpd.GeoDataFrame) and not isochrones.empty:
        isochrones_layer(isochrones, layers.destinations, lang=lang).add_to(fmap)
    zones_layer(layers.zones, lang=lang).add_to(fmap)
    parks_layer(layers.parks, lang=lang).add_to(fmap)
    lots_layer(lots, lang=lang).add_to(fmap)
    routes = layers.optional("routes")
    if isinstance(routes, gpd.GeoDataFrame) and not routes.empty:
        routes_layer(routes, layers.destinations, lang=lang).add_to(fmap)
    destinations_layer(layers.destinations, lang=lang).add_to(fmap)
    Attribution(ATTRIBUTIONS).add_to(fmap)

    bounds = _bounds(layers.parks) or _bounds(layers.boundary)
    if bounds is not None:
        fmap.fit_bounds(bounds, padding=(30, 30))
    folium.LayerControl(collapsed=False).add_to(fmap)
    return fmap


def render_map(fmap: folium.Map) -> MapParts:
    """Render a map into header, body and script parts (folium ``flask_example.py``).

    Parameters
    ----------
    fmap
        The map from :func:`build_map`.

    Returns
    -------
    MapParts
        ``header`` goes in ``<head>``, ``html`` where the map should be, ``script`` inside
        a ``<script>`` element at the end of ``<body>``.
    """
    root = fmap.get_root()
    root.render()
    return MapParts(
        header=root.header.render(),
        html=root.html.render(),
        script=root.script.render(),
    )


def legend_entries(lang: Lang) -> list[tuple[str, str, str]]:
    """Return ``(status, label, colour)`` for every lot status, in display order."""
    t = text(lang)
    return [(s, t[f"status_{s}"], STATUS_COLOURS[s]) for s in LOT_STATUSES]
