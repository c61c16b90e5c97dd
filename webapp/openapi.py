"""The API contract: an OpenAPI 3.1 document of every /api endpoint, and its HTML rendering.

The document is built from the same constants the request parsers use (limits, statuses,
speed profiles) and embeds the firm-profile JSON Schema as it is validated, so it cannot
drift from the code; ``tests/webapp/test_schemathesis.py`` checks the live server against it.
"""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from typing import Any

from flask import Blueprint, Response, render_template
from markupsafe import Markup, escape

from parks.data import DESTINATION_KINDS, LOT_STATUSES
from parks.messages import N_
from parks.profile import load_schema
from webapp.i18n import LANGS, current_lang, gettext_in
from webapp.requests import (
    DEFAULT_LOTS_LIMIT,
    DIRECTIONS,
    MAX_BAND_MINUTES,
    MAX_BANDS,
    MAX_LOTS_LIMIT,
    MAX_OFFSET,
    MAX_PARAM_CHARS,
    SPEED_PROFILES,
)

bp = Blueprint("openapi", __name__, url_prefix="/api")

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"

NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_NUMBER = {"type": ["number", "null"]}
DATE = {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
JSON_HEADERS = {"description": "JSON", "content": {"application/json": {}}}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict[str, Any]:
    return _json(_ref("Error"), description)


EMPTY = {"type": "string", "maxLength": 0}
"""An empty value, which optional query parameters take to mean 'not given' (as HTML forms
send it)."""


IN = {"query": N_("query"), "path": N_("path")}
"""Where a parameter is sent (shown on the docs page)."""

_FORMATTED: dict[str, tuple[str, dict[str, Any]]] = {}
"""Document texts built from a msgid and values: the text -> (msgid, values), for the page."""


def _formatted(msgid: str, **values: Any) -> str:
    """Return ``msgid`` filled with ``values`` (English, for the document); remember both."""
    text = msgid % values
    _FORMATTED[text] = (msgid, values)
    return text


def _doc_text(lang: str, text: str) -> str:
    """Return a text of the document in ``lang`` (the document itself stays English)."""
    if text in _FORMATTED:
        msgid, values = _FORMATTED[text]
        return gettext_in(lang, msgid) % values
    return gettext_in(lang, text)


def _query(
    name: str, schema: dict[str, Any], description: str, *, required: bool = False, **extra: Any
) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": required,
        "schema": schema if required else {"anyOf": [schema, EMPTY]},
        "description": description,
        **extra,
    }


def _features(properties: dict[str, Any], geometry: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["type", "geometry", "properties"],
                    "properties": {
                        "type": {"const": "Feature"},
                        "geometry": geometry,
                        "properties": properties,
                    },
                },
            },
        },
    }


GEOMETRY = {
    "type": ["object", "null"],
    "required": ["type"],
    "properties": {
        "type": {
            "enum": [
                "Point",
                "MultiPoint",
                "LineString",
                "MultiLineString",
                "Polygon",
                "MultiPolygon",
                "GeometryCollection",
            ]
        },
        "coordinates": {"type": "array"},
    },
}
"""A GeoJSON geometry in EPSG:4326 (longitude, latitude)."""

PARK_PROPERTIES = {
    "type": "object",
    "required": ["park_id", "name_ja", "name_en", "is_illustrative", "source"],
    "properties": {
        "park_id": {"type": "string"},
        "name_ja": {"type": "string"},
        "name_en": {"type": "string"},
        "saleable_area_m2": NULLABLE_NUMBER,
        "price_per_m2": NULLABLE_NUMBER,
        "admitted_industries": {"type": ["array", "null"], "items": {"type": "string"}},
        "is_illustrative": {"type": "boolean"},
        "source": {},
    },
}

LOT_PROPERTIES = {
    "type": "object",
    "required": ["lot_id", "park_id", "lot_no", "area_m2", "status", "is_illustrative", "source"],
    "properties": {
        "lot_id": {"type": "string"},
        "park_id": {"type": "string"},
        "lot_no": {"type": "string"},
        "phase": NULLABLE_NUMBER,
        "area_m2": {"type": "number"},
        "published_area_m2": NULLABLE_NUMBER,
        "status": {
            "enum": [*LOT_STATUSES, None],
            "description": "Status on ``as_of``; null when the lot has no event on record by then.",
        },
        "available_from": NULLABLE_STRING,
        "price_per_m2": NULLABLE_NUMBER,
        "occupant": NULLABLE_STRING,
        "source": NULLABLE_STRING,
        "is_illustrative": {"type": "boolean"},
        "illustrative_reason": NULLABLE_STRING,
    },
}

EVENT = {
    "type": "object",
    "required": ["lot_id", "date", "status"],
    "properties": {
        "lot_id": {"type": "string"},
        "date": {"type": "string"},
        "status": {"enum": list(LOT_STATUSES)},
        "source": NULLABLE_STRING,
        "is_inferred": {"type": ["boolean", "null"]},
        "note": NULLABLE_STRING,
    },
}

DESTINATION_PROPERTIES = {
    "type": "object",
    "required": ["id", "kind", "name_ja", "name_en", "source"],
    "properties": {
        "id": {"type": "string"},
        "kind": {"enum": list(DESTINATION_KINDS)},
        "name_ja": {"type": "string"},
        "name_en": {"type": "string"},
        "is_approximate": {"type": ["boolean", "null"]},
        "source": {"type": "string"},
    },
}

BAND_PROPERTIES = {
    "type": "object",
    "required": ["minutes", "profile", "direction", "precomputed", "source"],
    "properties": {
        "minutes": {"type": "number", "exclusiveMinimum": 0, "maximum": MAX_BAND_MINUTES},
        "profile": {"enum": list(SPEED_PROFILES)},
        "direction": {"enum": list(DIRECTIONS)},
        "precomputed": {
            "type": "boolean",
            "description": "True when the band is the one `siting build-access` stored.",
        },
        "source": {"type": "string"},
    },
}

CHECK = {
    "type": "object",
    "required": ["constraint", "ok", "detail"],
    "properties": {
        "constraint": {"type": "string"},
        "ok": {"type": "boolean"},
        "detail": {"type": "string"},
        "detail_ja": {"type": "string"},
        "margin": NULLABLE_NUMBER,
    },
}

LOT_MATCH = {
    "type": "object",
    "required": ["lots", "park_id", "assembled", "score", "area_m2", "status", "checks"],
    "properties": {
        "lots": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
        "park_id": {"type": "string"},
        "assembled": {"type": "boolean"},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "components": {"type": "object", "additionalProperties": {"type": "number"}},
        "area_m2": {"type": "number"},
        "status": {"type": "string"},
        "available_from": NULLABLE_STRING,
        "is_illustrative": {"type": "boolean"},
        "drive_minutes": {"type": "object", "additionalProperties": NULLABLE_NUMBER},
        "destinations": {"type": "object", "additionalProperties": NULLABLE_STRING},
        "checks": {"type": "array", "items": CHECK},
        "failed": {"type": "array", "items": CHECK},
        "grants": {"type": "object"},
        "net_land_cost_jpy": {"type": ["integer", "null"]},
        "net_land_cost": {"type": "object"},
        "outline": GEOMETRY,
    },
}

MATCH_RESULT = {
    "type": "object",
    "required": ["as_of", "weights", "considered_lots", "matches", "near_misses", "planned"],
    "properties": {
        "as_of": {"type": "string", "format": "date"},
        "weights": {"type": "object", "additionalProperties": {"type": "number"}},
        "considered_lots": {"type": "integer", "minimum": 0},
        "matches": {"type": "array", "items": LOT_MATCH},
        "near_misses": {"type": "array", "items": LOT_MATCH},
        "planned": {"type": "array", "items": LOT_MATCH},
        "notes": {"type": "array", "items": {"type": "string"}},
    },
}

GRANT_REPORT = {
    "type": "object",
    "required": ["as_of", "site", "programmes", "totals"],
    "properties": {
        "as_of": {"type": "string"},
        "site": {"type": "object"},
        "programmes": {"type": "array", "items": {"type": "object"}},
        "totals": {"type": "object"},
        "net_land_cost": {"type": "object"},
    },
    "description": "Every programme with eligibility (true/false/null = unknown), reasons, "
    "formula and amount; totals per issuer; the city + prefecture sum only under an explicit "
    "'if combinable' label.",
}

ERROR = {
    "type": "object",
    "required": ["error", "problems"],
    "properties": {
        "error": {"type": "string", "maxLength": 400},
        "problems": {"type": "array", "items": {"type": "string", "maxLength": 400}},
    },
    "description": "What is wrong: ``error`` sums it up, ``problems`` lists every problem "
    "found (in the request's language: ``?lang=``, the ``lang`` cookie or Accept-Language).",
}

AS_OF = _query(
    "as_of", DATE, N_("Date of the lot statuses (YYYY-MM-DD); default: as built / today.")
)
LANG = _query("lang", {"enum": list(LANGS)}, N_("Language of the explanations."))


def _match_request(extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """The body of POST /api/match and /api/grants: a profile, or a profile with options."""
    options = {
        "as_of": DATE,
        "top": {"type": "integer", "minimum": 1, "maximum": 100},
        "lang": {"enum": list(LANGS)},
        "speed_profile": {"enum": list(SPEED_PROFILES)},
        **(extra or {}),
    }
    wrapped = {
        "type": "object",
        "required": ["profile"],
        "additionalProperties": False,
        "properties": {"profile": _ref("FirmProfile"), **options},
    }
    return {
        "required": True,
        "content": {"application/json": {"schema": {"oneOf": [_ref("FirmProfile"), wrapped]}}},
        "description": N_(
            "A firm profile, or {profile, as_of, top, lang, speed_profile}. At most "
            "64 KiB, nested at most 6 levels; NaN and Infinity are refused."
        ),
    }


MATCH_OPTIONS = [
    AS_OF,
    _query("top", {"type": "integer", "minimum": 1, "maximum": 100}, N_("Results per list.")),
    LANG,
    _query("speed_profile", {"enum": list(SPEED_PROFILES)}, N_("Assumed speeds.")),
]

POST_ERRORS = {
    "400": _error(N_("The body or a parameter is invalid; every problem is listed.")),
    "413": _error(N_("The body is larger than 64 KiB.")),
    "415": _error(N_("The body is not sent as application/json.")),
}


def firm_profile_schema() -> dict[str, Any]:
    """Return the firm-profile schema as validated (bounds included), ready to embed."""
    schema = copy.deepcopy(load_schema())
    for key in ("$schema", "$id"):
        schema.pop(key, None)
    return schema


def _paths() -> dict[str, Any]:
    lot_id = {
        "name": "lot_id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "maxLength": MAX_PARAM_CHARS},
        "description": N_("A lot id such as inaho/P2-1 (the slash may be sent as %2F)."),
    }
    lots_page = copy.deepcopy(_features(LOT_PROPERTIES, GEOMETRY))
    lots_page["required"] += ["numberMatched", "numberReturned", "links", "as_of"]
    lots_page["properties"].update(
        {
            "as_of": NULLABLE_STRING,
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0, "maximum": MAX_LOTS_LIMIT},
            "links": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["rel", "href"],
                    "properties": {"rel": {"enum": ["next", "prev"]}, "href": {"type": "string"}},
                },
            },
        }
    )
    lot_feature = {
        "type": "object",
        "required": ["type", "geometry", "properties", "events", "as_of"],
        "properties": {
            "type": {"const": "Feature"},
            "geometry": GEOMETRY,
            "properties": LOT_PROPERTIES,
            "events": {"type": "array", "items": EVENT},
            "as_of": NULLABLE_STRING,
        },
    }
    return {
        "/api/parks": {
            "get": {
                "operationId": "listParks",
                "summary": N_("The five city-built parks: derived outlines and published facts."),
                "responses": {
                    "200": _json(_features(PARK_PROPERTIES, GEOMETRY), N_("GeoJSON parks.")),
                    "400": _error(N_("A query parameter was given (this endpoint takes none).")),
                },
            }
        },
        "/api/lots": {
            "get": {
                "operationId": "listLots",
                "summary": N_("Lots, filtered and paged (OGC API - Features style)."),
                "parameters": [
                    _query(
                        "status",
                        {"type": "array", "items": {"enum": list(LOT_STATUSES)}},
                        N_("Statuses to keep (repeat the parameter, or separate by commas)."),
                        style="form",
                        explode=True,
                    ),
                    AS_OF,
                    _query("park", {"type": "string", "maxLength": 40}, N_("A park id.")),
                    _query(
                        "bbox",
                        {"type": "string", "maxLength": 120},
                        N_("MINLON,MINLAT,MAXLON,MAXLAT (EPSG:4326): lots intersecting the box."),
                    ),
                    _query(
                        "limit",
                        {"type": "integer", "minimum": 1, "maximum": MAX_LOTS_LIMIT},
                        _formatted(
                            N_("Lots per page (default %(limit)s)."), limit=DEFAULT_LOTS_LIMIT
                        ),
                    ),
                    _query(
                        "offset",
                        {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
                        N_("Lots to skip."),
                    ),
                ],
                "responses": {
                    "200": _json(lots_page, N_("A page of GeoJSON lots with paging links.")),
                    "400": _error(N_("A filter or the page is invalid; every problem is listed.")),
                },
            }
        },
        "/api/lots/{lot_id}": {
            "get": {
                "operationId": "getLot",
                "summary": N_("One lot with its status history."),
                "parameters": [lot_id, AS_OF],
                "responses": {
                    "200": _json(lot_feature, N_("The lot as a GeoJSON Feature with ``events``.")),
                    "400": _error(N_("A query parameter is invalid.")),
                    "404": _error(N_("No lot has this id.")),
                },
            }
        },
        "/api/destinations": {
            "get": {
                "operationId": "listDestinations",
                "summary": N_("Interchanges, port, airport and station used for drive times."),
                "responses": {
                    "200": _json(
                        _features(DESTINATION_PROPERTIES, GEOMETRY), N_("GeoJSON points.")
                    ),
                    "400": _error(N_("A query parameter was given (this endpoint takes none).")),
                },
            }
        },
        "/api/isochrone": {
            "get": {
                "operationId": "isochrone",
                "summary": N_(
                    "Areas within each number of minutes' drive of a point (assumed speeds)."
                ),
                "description": N_(
                    "At a destination with direction=to, the bands stored by "
                    "`siting build-access` are returned (precomputed: true)."
                ),
                "parameters": [
                    _query(
                        "at",
                        {"type": "string", "maxLength": 60, "examples": ["136.648,36.578"]},
                        N_("LON,LAT in EPSG:4326."),
                        required=True,
                    ),
                    _query(
                        "minutes",
                        {"type": "string", "maxLength": 60, "examples": ["5,10,20"]},
                        _formatted(
                            N_(
                                "Up to %(count)s different bands, each above 0 and at most "
                                "%(minutes)s (default 5,10,20)."
                            ),
                            count=MAX_BANDS,
                            minutes=f"{MAX_BAND_MINUTES:g}",
                        ),
                    ),
                    _query("profile", {"enum": list(SPEED_PROFILES)}, N_("Assumed speeds.")),
                    _query(
                        "direction",
                        {"enum": list(DIRECTIONS)},
                        N_(
                            "from: where one can drive from the point; to: from where one reaches it."
                        ),
                    ),
                ],
                "responses": {
                    "200": _json(_features(BAND_PROPERTIES, GEOMETRY), N_("One band per minutes.")),
                    "400": _error(
                        N_("The point or the bands are invalid, or the point is off-road.")
                    ),
                },
            }
        },
        "/api/match": {
            "post": {
                "operationId": "matchLots",
                "summary": N_(
                    "Rank the lots that fit a firm profile, with near misses and grants."
                ),
                "description": N_("Logged anonymously (no firm name) as demand."),
                "parameters": MATCH_OPTIONS,
                "requestBody": _match_request(),
                "responses": {
                    "200": _json(_ref("MatchResult"), N_("Ranked matches, near misses, planned.")),
                    **POST_ERRORS,
                },
            }
        },
        "/api/grants": {
            "post": {
                "operationId": "estimateGrants",
                "summary": N_("Grant estimate for a firm profile at a lot, a park or any point."),
                "parameters": [
                    _query("lot", {"type": "string", "maxLength": 80}, N_("A lot id.")),
                    _query("park", {"type": "string", "maxLength": 40}, N_("A park id.")),
                    _query(
                        "at",
                        {"type": "string", "maxLength": 60, "examples": ["136.6485,36.5780"]},
                        N_("Any point in Kanazawa, LON,LAT. Give exactly one of lot, park, at."),
                    ),
                    *MATCH_OPTIONS,
                ],
                "requestBody": _match_request(
                    {
                        "lot": {"type": "string"},
                        "park": {"type": "string"},
                        "at": {"type": "string"},
                    }
                ),
                "responses": {
                    "200": _json(_ref("GrantReport"), N_("Every programme explained.")),
                    **POST_ERRORS,
                    "404": _error(N_("No lot or park has this id.")),
                },
            }
        },
        "/api/openapi.json": {
            "get": {
                "operationId": "openapi",
                "summary": N_("This document."),
                "responses": {"200": _json({"type": "object"}, N_("OpenAPI 3.1."))},
            }
        },
        "/api/docs": {
            "get": {
                "operationId": "docs",
                "summary": N_("This document as a readable page."),
                "responses": {
                    "200": {"description": N_("HTML"), "content": {"text/html": {"schema": {}}}}
                },
            }
        },
    }


@cache
def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the API (built once)."""
    return {
        "openapi": OPENAPI_VERSION,
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "kanazawa-siting API",
            "version": API_VERSION,
            "summary": N_("Kanazawa City's industrial parks: lots, access, grants, matching."),
            "description": N_(
                "Lot outlines are illustrative (no official lot plan is public); "
                "drive times rest on assumed speeds. Every error is JSON "
                "{error, problems}. Bodies are limited to 64 KiB."
            ),
            "license": {"name": "MIT", "identifier": "MIT"},
        },
        "servers": [{"url": "/"}],
        "paths": _paths(),
        "components": {
            "schemas": {
                "FirmProfile": firm_profile_schema(),
                "MatchResult": MATCH_RESULT,
                "GrantReport": GRANT_REPORT,
                "Error": ERROR,
            }
        },
    }


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """Serve the OpenAPI document."""
    body = json.dumps(openapi_document(), ensure_ascii=False, sort_keys=False)
    response = Response(body, mimetype="application/json")
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


def _operations() -> list[dict[str, Any]]:
    """Flatten the document into one entry per operation, for the docs page."""
    doc = openapi_document()
    out = []
    for path, item in doc["paths"].items():
        for method, op in item.items():
            body = op.get("requestBody")
            out.append(
                {
                    "id": op["operationId"],
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "parameters": op.get("parameters", []),
                    "body": body,
                    "responses": [
                        (code, resp.get("description", ""))
                        for code, resp in op["responses"].items()
                    ],
                }
            )
    return out


@bp.get("/docs")
def docs() -> str:
    """Show the API document as a page (rendered here: no external script or CDN)."""
    doc = openapi_document()
    lang = current_lang()
    return render_template(
        "api/docs.html",
        text=lambda value: doc_markup(_doc_text(lang, value) if value else ""),
        where=lambda value: gettext_in(lang, IN[value]) if value in IN else value,
        info=doc["info"],
        operations=_operations(),
        schemas={
            name: json.dumps(schema, ensure_ascii=False, indent=2)
            for name, schema in doc["components"]["schemas"].items()
        },
    )


_CODE = re.compile(r"``?([^`\n]{1,200}?)``?")


def doc_markup(text: str) -> Markup:
    """Escape a text of the API document; show its `quoted` parts as code."""
    shown = Markup()
    position = 0
    for quoted in _CODE.finditer(text):
        shown += escape(text[position : quoted.start()])
        shown += Markup('<code translate="no">{}</code>').format(quoted.group(1))
        position = quoted.end()
    return shown + escape(text[position:])
