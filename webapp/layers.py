"""Map layers over HTTP: GeoJSON per layer, simplified for the zoom, and lot statuses by date.

``GET /api/layers``                     the layers the map can draw (names, titles, styles)
``GET /api/layers/<name>?zoom=&bbox=``   one layer as GeoJSON, simplified for ``zoom``
``GET /api/layers/lots?as_of=``          lots with their status on a date
``GET /api/layers/lots/statuses?as_of=`` just ``{lot_id: status}`` on a date, to re-colour
                                        lots already drawn without fetching their shapes

Responses are compressed (brotli or gzip) and carry an ETag; whole layers are built once per
zoom step and language and kept in memory, so a map page costs a few cached reads.
:func:`map_config` gives a page everything ``static/map-core.js`` needs to draw the map.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import pandas as pd
from flask import Blueprint, Response, abort, current_app, url_for
from flask import request as flask_request
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from parks.data import LOT_STATUSES, Layers
from parks.errors import InvalidInputError
from parks.messages import N_
from webapp import get_layers, lots_on
from webapp.assets import REVALIDATE, Encoded, encode, encoded_response
from webapp.i18n import Lang, current_lang, gettext_in
from webapp.maps import (
    DETAIL_ZOOMS,
    ILLUSTRATIVE_DASH,
    MAX_BBOX_PX,
    STATUS_COLOURS,
    UNKNOWN_STATUS_COLOUR,
    LayerSpec,
    WebFeatures,
    available_layers,
    band_legend,
    band_title,
    bounds_of,
    build_layer,
    detail_zoom,
    lot_features,
    max_bbox_deg,
    road_classes,
    status_label,
    web_features,
)
from webapp.requests import validate_date, validate_lang

bp = Blueprint("layers", __name__, url_prefix="/api/layers")

CACHE_KEY = "siting_layer_cache"
"""Key of the :class:`LayerCache` in ``app.extensions``."""

GEOJSON = "application/geo+json"

STATIC_LAYER_CACHE = "public, max-age=3600"
"""Cache-Control of layers that only change with a new data build (everything but lots)."""

TILED_LAYERS = ("water", "roads", "rail")
"""Basemap layers hidden at start when a tile server (``SITING_TILES``) draws the basemap."""

MIN_ZOOM = 0
MAX_ZOOM = 22
_ZOOM = re.compile(r"^\d{1,2}$")
_NUMBER = re.compile(r"^-?\d{1,3}(\.\d{1,12})?$")

CREDITS: tuple[str, ...] = (
    N_("© OpenMapTiles © OpenStreetMap contributors"),
    N_("National Land Numerical Information (administrative areas, expressways), MLIT"),
    N_("Geolonia address data (source: MLIT location reference information)"),
    N_("Railway station LOD (from National Land Numerical Information railway data)"),
)
"""Credits for the data drawn on the map (see shared/data/SOURCES.md); the Japanese
catalog holds the credit lines as the sources ask them to be written."""


# ------------------------------------------------------------------------------ queries


@dataclass(frozen=True)
class LayerQuery:
    """What a layer request asked for."""

    zoom: int | None
    bbox: tuple[float, float, float, float] | None
    as_of: dt.date | None


T = TypeVar("T")


def _collect(problems: list[str], validate: Callable[[], T], fallback: T) -> T:
    try:
        return validate()
    except InvalidInputError as exc:
        problems.extend(exc.details)
        return fallback


def validate_zoom(value: str | None) -> int | None:
    """Return a map zoom (whole number 0-22), or None when absent."""
    if value is None or value == "":
        return None
    if not _ZOOM.match(value) or not MIN_ZOOM <= int(value) <= MAX_ZOOM:
        msg = _(
            "zoom must be a whole number from %(lo)s to %(hi)s; got %(value)s",
            lo=MIN_ZOOM,
            hi=MAX_ZOOM,
            value=repr(value[:40]),
        )
        raise InvalidInputError(msg)
    return int(value)


def validate_bbox(value: str | None) -> tuple[float, float, float, float] | None:
    """Return ``(west, south, east, north)`` in degrees from ``W,S,E,N``, or None when absent."""
    if value is None or value == "":
        return None
    parts = value.split(",")
    if len(parts) != 4 or not all(_NUMBER.match(p.strip()) for p in parts):
        msg = _(
            "bbox must be west,south,east,north in degrees; got %(value)s", value=repr(value[:80])
        )
        raise InvalidInputError(msg)
    west, south, east, north = (float(p) for p in parts)
    problems = []
    if not (-180 <= west < east <= 180):
        problems.append(
            _(
                "bbox longitudes must satisfy -180 <= west < east <= 180; got %(value)s",
                value=repr(value),
            )
        )
    if not (-90 <= south < north <= 90):
        problems.append(
            _(
                "bbox latitudes must satisfy -90 <= south < north <= 90; got %(value)s",
                value=repr(value),
            )
        )
    if problems:
        raise InvalidInputError(problems)
    return west, south, east, north


def _reject_unknown(args: Mapping[str, object], allowed: Collection[str]) -> list[str]:
    return [
        _(
            "unknown parameter %(name)s; allowed: %(allowed)s",
            name=repr(name[:40]),
            allowed=", ".join(sorted(allowed)),
        )
        for name in args
        if name not in allowed
    ]


def _validate_lang_arg(args: Mapping[str, str]) -> None:
    validate_lang(args.get("lang"), default=current_app.config["DEFAULT_LANG"])


def parse_layer_query(args: Mapping[str, str], spec: LayerSpec) -> LayerQuery:
    """Parse a layer request (``lang``, ``zoom``, ``bbox``, ``as_of``) for one layer.

    ``as_of`` applies to the lots only. A layer with a ``bbox_zoom`` needs ``bbox`` from
    that zoom (and when no zoom is given, which means full detail), and the box may be at
    most :data:`webapp.maps.MAX_BBOX_PX` screen pixels wide at the zoom.

    Raises
    ------
    InvalidInputError
        Listing every problem found.
    """
    problems = _reject_unknown(args, ("lang", "zoom", "bbox", "as_of"))
    _collect(problems, lambda: _validate_lang_arg(args), None)
    zoom = _collect(problems, lambda: validate_zoom(args.get("zoom")), None)
    bbox = _collect(problems, lambda: validate_bbox(args.get("bbox")), None)
    as_of = _collect(problems, lambda: validate_date(args.get("as_of")), None)
    if as_of is not None and spec.name != "lots":
        problems.append(_("as_of applies to the lots layer only"))
    step = detail_zoom(zoom)
    if spec.bbox_zoom is not None and step >= spec.bbox_zoom and bbox is None:
        problems.append(
            _(
                "the %(layer)s layer needs bbox=west,south,east,north from zoom %(zoom)s"
                " (and without a zoom)",
                layer=repr(spec.name),
                zoom=spec.bbox_zoom,
            )
        )
    if bbox is not None:
        limit = max_bbox_deg(step)
        west, south, east, north = bbox
        if east - west > limit or north - south > limit:
            problems.append(
                _(
                    "bbox is at most %(limit)s degrees on a side at zoom %(zoom)s;"
                    " got %(width)s x %(height)s",
                    limit=f"{limit:.4g}",
                    zoom=step,
                    width=f"{east - west:.4g}",
                    height=f"{north - south:.4g}",
                )
            )
    if problems:
        raise InvalidInputError(problems)
    return LayerQuery(zoom=zoom, bbox=bbox, as_of=as_of)


def parse_statuses_query(args: Mapping[str, str]) -> dt.date | None:
    """Parse ``lang`` and ``as_of`` of the statuses request; return the date (None: latest)."""
    problems = _reject_unknown(args, ("lang", "as_of"))
    _collect(problems, lambda: _validate_lang_arg(args), None)
    as_of = _collect(problems, lambda: validate_date(args.get("as_of")), None)
    if problems:
        raise InvalidInputError(problems)
    return as_of


# ------------------------------------------------------------------------------- cache

K = TypeVar("K")
V = TypeVar("V")


class LayerCache:
    """Built layers and encoded responses, per dataset, bounded (least recently used out).

    Keys are ``(layer, language, zoom step)``, so the number of entries is small and
    known; the bound only protects against a dataset with unexpected layers.
    """

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[Any, Any] = OrderedDict()
        self._source: Layers | None = None
        self._lock = threading.Lock()
        self._build_lock = threading.Lock()

    def get(self, layers: Layers, key: Any, build: Callable[[], V]) -> V:
        """Return the value for ``key``, building it (once, even under concurrency) if absent."""
        with self._lock:
            if self._source is not layers:
                self._items.clear()
                self._source = layers
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[no-any-return]
        with self._build_lock:
            with self._lock:
                if key in self._items:
                    return self._items[key]  # type: ignore[no-any-return]
            value = build()
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.maxsize:
                    self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


def get_cache() -> LayerCache:
    """Return the app's layer cache."""
    cache: LayerCache = current_app.extensions[CACHE_KEY]
    return cache


# ------------------------------------------------------------------------------ helpers


def _find_spec(layers: Layers, name: str) -> LayerSpec:
    specs = available_layers(layers)
    for spec in specs:
        if spec.name == name:
            return spec
    names = ", ".join(s.name for s in specs)
    abort(404, _("no map layer %(name)s; layers: %(names)s", name=repr(name[:40]), names=names))


def layer_title(layers: Layers, spec: LayerSpec, lang: Lang) -> str:
    """Return a layer's title in ``lang`` (drive-time bands name their destination)."""
    if spec.destination_kind is not None:
        return band_title(layers, spec.destination_kind, lang)
    return gettext_in(lang, spec.title)


def latest_event_date(layers: Layers) -> dt.date | None:
    """Return the date of the latest lot event (what "latest status" is as of), or None."""
    dates = pd.Series(layers.lot_events["date"]).dropna().astype(str)
    if dates.empty:
        return None
    try:
        return dt.date.fromisoformat(str(dates.max())[:10])
    except ValueError:
        return None


def status_date(layers: Layers, as_of: dt.date | None) -> dt.date | None:
    """Return the date a lot status shown for ``as_of`` is as of (the latest event if None)."""
    return as_of if as_of is not None else latest_event_date(layers)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _collection(header: Mapping[str, Any], features: Sequence[str]) -> bytes:
    """Return a FeatureCollection text from its members and pre-serialised features."""
    head = json.dumps(
        {"type": "FeatureCollection", **header}, ensure_ascii=False, separators=(",", ":")
    )
    return f'{head[:-1]},"features":[{",".join(features)}]}}'.encode()


# ---------------------------------------------------------------------------- endpoints


@bp.get("")
def index() -> Response:
    """List the layers the map can draw: name, title in the request's language, style."""
    _validate_lang_arg(flask_request.args)
    problems = _reject_unknown(flask_request.args, ("lang",))
    if problems:
        raise InvalidInputError(problems)
    layers = get_layers()
    lang = current_lang()
    body = {
        "layers": [
            spec.to_config(lang, title=layer_title(layers, spec, lang))
            for spec in available_layers(layers)
        ],
        "detail_zooms": list(DETAIL_ZOOMS),
    }
    return encoded_response(
        encode(json.dumps(body, ensure_ascii=False).encode()), "application/json"
    )


@bp.get("/<name>")
def layer(name: str) -> Response:
    """Return one layer as GeoJSON, simplified for ``zoom`` and cut to ``bbox`` if given."""
    layers = get_layers()
    spec = _find_spec(layers, name)
    query = parse_layer_query(flask_request.args, spec)
    lang = current_lang()
    step = detail_zoom(query.zoom if spec.detail else None)
    header: dict[str, Any] = {
        "layer": spec.name,
        "title": layer_title(layers, spec, lang),
        "zoom": step,
    }
    if spec.name == "lots":
        return _lots_response(layers, header, lang, query.as_of)
    cache = get_cache()
    # the basemap carries no text, so one copy serves every language; the unsimplified
    # layer depends on the zoom only through the road classes
    text_lang = lang if spec.localised else None
    variant = road_classes(step) if spec.name == "roads" else None
    frame = cache.get(
        layers,
        ("frame", spec.name, text_lang, variant),
        lambda: build_layer(layers, spec.name, lang=lang, zoom=step),
    )
    features: WebFeatures = cache.get(
        layers, ("features", spec.name, text_lang, step), lambda: web_features(frame, zoom=step)
    )
    if query.bbox is None:
        encoded: Encoded = cache.get(
            layers,
            ("body", spec.name, lang, step),  # the title is in the language
            lambda: encode(_collection(header, features.select(None))),
        )
    else:
        header["bbox"] = list(query.bbox)
        encoded = encode(_collection(header, features.select(query.bbox)), dynamic=True)
    return encoded_response(encoded, GEOJSON, cache_control=STATIC_LAYER_CACHE)


def _lots_response(
    layers: Layers, header: dict[str, Any], lang: Lang, as_of: dt.date | None
) -> Response:
    """Answer the lots layer with statuses on ``as_of``.

    Statuses can change while the app runs (staff record a sale), so the body is cached
    under the statuses themselves: a change makes a new key, and browsers revalidate.
    """
    lots = lots_on(layers, as_of)
    statuses = tuple(zip(lots["lot_id"].astype(str), lots["status"].astype(str), strict=True))
    header["as_of"] = _iso(as_of)
    header["status_date"] = _iso(status_date(layers, as_of))

    def build() -> Encoded:
        features = web_features(lot_features(lots, layers.parks, lang=lang))
        return encode(_collection(header, features.select(None)))

    key = ("lots", lang, header["as_of"], header["status_date"], statuses)
    encoded: Encoded = get_cache().get(layers, key, build)
    return encoded_response(encoded, GEOJSON, cache_control=REVALIDATE)


@bp.get("/lots/statuses")
def lot_statuses() -> Response:
    """Return every lot's status on ``as_of`` (latest when absent), keyed by lot id."""
    layers = get_layers()
    as_of = parse_statuses_query(flask_request.args)
    lots = lots_on(layers, as_of)
    statuses = {
        str(lot_id): (status if status in STATUS_COLOURS else None)
        for lot_id, status in zip(lots["lot_id"], lots["status"], strict=True)
    }
    body = {
        "as_of": _iso(as_of),
        "status_date": _iso(status_date(layers, as_of)),
        "latest_event": _iso(latest_event_date(layers)),
        "statuses": statuses,
    }
    return encoded_response(
        encode(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode(), dynamic=True),
        "application/json",
        cache_control=REVALIDATE,
    )


# --------------------------------------------------------------------------- page config


def _template(lang: Lang, msgid: str, *names: str) -> str:
    """Return a translated message with ``%(name)s`` turned into ``{name}`` for JavaScript."""
    return gettext_in(lang, msgid) % {n: "{" + n + "}" for n in names}


def _page_url(endpoint: str, fallback: str, **values: str) -> str:
    """Return a URL template with ``__ID__`` for the id (fallback before the page exists)."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return fallback


def ui_text(lang: Lang) -> dict[str, Any]:
    """Return every string map-core.js shows, in ``lang`` (placeholders as ``{name}``)."""

    def _(msgid: str) -> str:  # marks msgids for `make catalogs`, translates into lang
        return gettext_in(lang, msgid)

    return {
        "map_label": _("Map of the industrial parks and their lots"),
        "layers_button": _("Layers"),
        "layers_title": _("Map layers"),
        "basemap_title": _("Background"),
        "bands_title": _("Drive time by car"),
        "bands_none": _("No drive-time bands"),
        "legend_button": _("Legend"),
        "legend_status": _("Lot status"),
        "legend_count": _template(lang, N_("%(count)s lots"), "count"),
        "legend_dashed": _(
            "Dashed outline: illustrative lots, derived park outlines, approximate zones"
        ),
        "legend_park": _("Industrial park (outline derived)"),
        "legend_bands": _template(lang, N_("Drive time: %(destination)s"), "destination"),
        "legend_bands_note": _("Estimated at assumed speeds per road class"),
        "credits_title": _("Data"),
        "credits_more": _("All sources"),
        "close": _("Close"),
        "zoom_in": _("Zoom in"),
        "zoom_out": _("Zoom out"),
        "loading": _("Loading map data…"),
        "load_failed": _("Some map data could not be loaded. Reload the page to try again."),
        "lot_title": _template(lang, N_("Lot %(lot_no)s"), "lot_no"),
        "status": _("Status"),
        "area": _("Area"),
        "area_value": _template(lang, N_("%(area)s m²"), "area"),
        "saleable_area": _("Saleable area"),
        "park": _("Industrial park"),
        "illustrative_lot": _("Lot layout is illustrative"),
        "derived_outline": _("Park outline is derived: no official outline is published"),
        "approximate_zone": _("Zone outline is approximate"),
        "approximate_location": _("Location is approximate"),
        "lot_link": _("Lot details"),
        "park_link": _("Park details"),
        "lots_available": _template(
            lang, N_("Available: %(available)s of %(total)s lots"), "available", "total"
        ),
        "route": _template(
            lang, N_("To %(destination)s: %(minutes)s min by car"), "destination", "minutes"
        ),
        "route_range": _template(lang, N_("Lots of this park: %(min)s–%(max)s min"), "min", "max"),
        "assumed_speeds": _("Estimated at assumed speeds per road class"),
        "status_as_of": _template(lang, N_("Lot status as of %(date)s"), "date"),
        "status_verified": _template(lang, N_("Status verified on %(date)s"), "date"),
        "latest_record": _template(lang, N_("latest record: %(date)s"), "date"),
        "status_date_unknown": _("Lot status date unknown"),
        "kind_short": {
            "interchange": _("IC"),
            "port": _("Port"),
            "airport": _("Airport"),
            "station": _("Stn"),
        },
    }


def _focus_bounds(
    layers: Layers, lot_ids: Sequence[str], park_ids: Sequence[str]
) -> list[list[float]] | None:
    if lot_ids:
        chosen = layers.lots[layers.lots["lot_id"].isin(list(lot_ids))]
        if not chosen.empty:
            return bounds_of(chosen)
    if park_ids:
        chosen = layers.parks[layers.parks["park_id"].isin(list(park_ids))]
        if not chosen.empty:
            return bounds_of(chosen)
    return bounds_of(layers.parks) or bounds_of(layers.boundary)


def map_config(
    *,
    as_of: dt.date | None = None,
    lots: Sequence[str] = (),
    parks: Sequence[str] = (),
    visible: Mapping[str, bool] | None = None,
) -> dict[str, Any]:
    """Return the config ``SitingMap.create`` takes, for the current request's language.

    Render it into the page as ``<script type="application/json" id="map-config">{{
    config|tojson }}</script>``; it holds no layer data (the browser fetches layers as it
    shows them), only URLs, layer titles and styles, legend rows and UI text.

    Parameters
    ----------
    as_of
        Lot status date (None: latest).
    lots, parks
        Lots or parks the map opens on (default: every park); the lots are outlined.
    visible
        Layers to show or hide at start instead of the defaults, by name.

    Returns
    -------
    dict
        JSON-ready; see the header of ``static/map-core.js``.

    Raises
    ------
    ValueError
        If ``visible`` names a layer the map does not have.
    """
    layers = get_layers()
    lang = current_lang()
    specs = available_layers(layers)
    overrides = dict(visible or {})
    unknown = set(overrides) - {s.name for s in specs}
    if unknown:
        msg = f"no map layer(s) {', '.join(sorted(unknown))}; layers: {[s.name for s in specs]}"
        raise ValueError(msg)
    tiles = current_app.config.get("TILES")
    layer_configs = []
    for spec in specs:
        config = spec.to_config(lang, title=layer_title(layers, spec, lang))
        # a tile server draws roads, water and rail itself; ours stay in the layer control
        default = spec.visible and not (tiles and spec.name in TILED_LAYERS)
        config["visible"] = overrides.get(spec.name, default)
        layer_configs.append(config)
    return {
        "lang": lang,
        "as_of": _iso(as_of),
        "status_date": _iso(status_date(layers, as_of)),
        "latest_event": _iso(latest_event_date(layers)),
        "urls": {
            "layer": url_for("layers.layer", name="__NAME__"),
            "statuses": url_for("layers.lot_statuses"),
            "lot": _page_url("public.lot", "/lots/__ID__", lot_id="__ID__"),
            "park": _page_url("public.park", "/parks/__ID__", park_id="__ID__"),
        },
        "layers": layer_configs,
        "detail_zooms": list(DETAIL_ZOOMS),
        "max_bbox_px": MAX_BBOX_PX,
        "bounds": _focus_bounds(layers, lots, parks),
        "focus": {"lots": list(lots), "parks": list(parks)},
        "dash": ILLUSTRATIVE_DASH,
        "legend": {
            "statuses": [
                {"status": s, "label": status_label(s, lang), "colour": STATUS_COLOURS[s]}
                for s in LOT_STATUSES
            ],
            "unknown": {
                "status": "",
                "label": status_label(None, lang),
                "colour": UNKNOWN_STATUS_COLOUR,
            },
            "bands": band_legend(layers.optional("isochrones"), lang),
        },
        "t": ui_text(lang),
        "credits": [gettext_in(lang, c) for c in CREDITS],
        "tiles": (
            {"url": tiles, "attribution": current_app.config.get("TILES_ATTRIBUTION") or tiles}
            if tiles
            else None
        ),
    }


def preload_urls(config: Mapping[str, Any]) -> list[str]:
    """Return the layer URLs a page can preload: those shown at start that need no zoom.

    They are exactly the URLs map-core.js requests (same parameters, same order), so a
    ``<link rel="preload" as="fetch" crossorigin>`` lets the browser fetch them while the
    scripts load. Layers simplified per zoom depend on the window size and are left out.
    """
    urls = []
    for layer in config["layers"]:
        if not layer["visible"] or layer["detail"]:
            continue
        query = f"lang={config['lang']}"
        if layer["name"] == "lots" and config["as_of"]:
            query += f"&as_of={config['as_of']}"
        urls.append(config["urls"]["layer"].replace("__NAME__", layer["name"]) + "?" + query)
    return urls


def init_app(app: Any) -> None:
    """Register the blueprint and its cache."""
    app.extensions[CACHE_KEY] = LayerCache()
    app.register_blueprint(bp)


# ------------------------------------------------------------------------------ OpenAPI


def openapi_paths() -> dict[str, Any]:
    """Return the OpenAPI 3.1 ``paths`` of these endpoints, for the app's API document."""
    error = {
        "description": "A problem with the request: `error` and every `problems` entry.",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["error", "problems"],
                    "properties": {
                        "error": {"type": "string"},
                        "problems": {"type": "array", "items": {"type": "string"}},
                    },
                }
            }
        },
    }
    lang = {
        "name": "lang",
        "in": "query",
        "schema": {"type": "string", "enum": ["ja", "en"]},
        "description": "Language of names and labels (default: negotiated).",
    }
    as_of = {
        "name": "as_of",
        "in": "query",
        "schema": {"type": "string", "format": "date"},
        "description": "Lot status date, YYYY-MM-DD (default: latest).",
    }
    collection = {
        "type": "object",
        "required": ["type", "layer", "title", "zoom", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "layer": {"type": "string"},
            "title": {"type": "string"},
            "zoom": {"type": "integer"},
            "bbox": {"type": "array", "items": {"type": "number"}},
            "as_of": {"type": ["string", "null"]},
            "status_date": {"type": ["string", "null"]},
            "features": {"type": "array", "items": {"type": "object"}},
        },
    }
    return {
        "/api/layers": {
            "get": {
                "summary": "The map's layers: names, titles, styles",
                "parameters": [lang],
                "responses": {
                    "200": {
                        "description": "Layer list",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    },
                    "400": error,
                },
            }
        },
        "/api/layers/{name}": {
            "get": {
                "summary": "One map layer as GeoJSON, simplified for the zoom",
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"type": "string", "pattern": "^[a-z-]{1,40}$"},
                    },
                    lang,
                    {
                        "name": "zoom",
                        "in": "query",
                        "schema": {"type": "integer", "minimum": MIN_ZOOM, "maximum": MAX_ZOOM},
                        "description": "Map zoom; geometries are simplified for it.",
                    },
                    {
                        "name": "bbox",
                        "in": "query",
                        "schema": {"type": "string"},
                        "description": "west,south,east,north in degrees (roads from zoom 13).",
                    },
                    as_of,
                ],
                "responses": {
                    "200": {
                        "description": "GeoJSON FeatureCollection",
                        "content": {GEOJSON: {"schema": collection}},
                    },
                    "400": error,
                    "404": error,
                },
            }
        },
        "/api/layers/lots/statuses": {
            "get": {
                "summary": "Every lot's status on a date",
                "parameters": [lang, as_of],
                "responses": {
                    "200": {
                        "description": "Statuses by lot id",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["as_of", "status_date", "statuses"],
                                    "properties": {
                                        "as_of": {"type": ["string", "null"]},
                                        "status_date": {"type": ["string", "null"]},
                                        "latest_event": {"type": ["string", "null"]},
                                        "statuses": {
                                            "type": "object",
                                            "additionalProperties": {"enum": [*LOT_STATUSES, None]},
                                        },
                                    },
                                }
                            }
                        },
                    },
                    "400": error,
                },
            }
        },
    }
