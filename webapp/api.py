"""JSON API under /api: parks, lots and destinations as GeoJSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from flask import Blueprint, current_app, g, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from geo.crs import WEB_CRS
from parks.access import isochrone as access_isochrone
from parks.demand import DemandLog, demand_record
from parks.errors import InvalidInputError
from parks.grants import evaluate, site_for_lot, site_for_park, site_for_point
from parks.matching import match
from parks.profile import validate_profile
from webapp import get_layers, lots_on
from webapp.i18n import render_message
from webapp.requests import (
    parse_isochrone_query,
    parse_lot_query,
    parse_lots_query,
    parse_match_request,
    read_json_body,
    validate_no_params,
    validate_point,
)

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.before_request
def _machine_clients_get_english() -> None:
    """Answer in English a client that states no language (no ``lang``, cookie or
    ``Accept-Language``): scripts and curl; browsers always state theirs."""
    if not (request.args.get("lang") or request.cookies.get("lang") or request.accept_languages):
        g.lang = "en"


def _decode(value: Any) -> Any:
    """Decode a JSON-text column value (lists and objects); leave other values as they are."""
    if isinstance(value, str) and value[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def feature_collection(frame: gpd.GeoDataFrame) -> dict[str, Any]:
    """Return a layer as a GeoJSON FeatureCollection in EPSG:4326.

    Missing values become null and columns that hold JSON text (source lists, industry
    lists) are decoded, so clients get real arrays.
    """
    web = frame.to_crs(WEB_CRS) if frame.crs is not None else frame
    data = json.loads(web.to_json(na="null", drop_id=True))
    for feature in data["features"]:
        feature["properties"] = {k: _decode(v) for k, v in feature["properties"].items()}
    return data


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Return table rows as JSON-ready dicts (NaN as null)."""
    rows: list[dict[str, Any]] = json.loads(frame.to_json(orient="records"))
    return [{k: _decode(v) for k, v in row.items()} for row in rows]


@bp.get("/parks")
def parks() -> ResponseReturnValue:
    """Return the five parks (derived outlines and published facts)."""
    validate_no_params(request.args)
    return jsonify(feature_collection(get_layers().parks))


@bp.get("/lots")
def lots() -> ResponseReturnValue:
    """Return a page of lots, filtered by ``status`` (repeatable), ``park``, ``as_of``, ``bbox``.

    Pages follow OGC API - Features: ``numberMatched`` lots match the filters,
    ``numberReturned`` are in this page (``limit`` from ``offset``), and a ``next`` link is
    given while more remain.
    """
    layers = get_layers()
    query = parse_lots_query(
        request.args, request.args.getlist("status"), park_ids=set(layers.parks["park_id"])
    )
    frame = lots_on(layers, query.as_of)
    if query.statuses:
        frame = frame[frame["status"].isin(query.statuses)]
    if query.park_id is not None:
        frame = frame[frame["park_id"] == query.park_id]
    if query.bbox is not None:
        hits = layers.lots.sindex.query(shapely.box(*query.bbox), predicate="intersects")
        frame = frame[frame["lot_id"].isin(layers.lots["lot_id"].iloc[hits])]
    matched = len(frame)
    page = frame.iloc[query.offset : query.offset + query.limit]
    body = feature_collection(page)
    body["as_of"] = query.as_of.isoformat() if query.as_of else None
    body["numberMatched"] = matched
    body["numberReturned"] = len(page)
    body["links"] = _page_links(query.offset, query.limit, matched)
    return jsonify(body)


def _page_links(offset: int, limit: int, matched: int) -> list[dict[str, str]]:
    """Return ``next``/``prev`` links of a lots page, keeping the other query parameters."""
    args = request.args.to_dict(flat=False)
    links = []
    if offset + limit < matched:
        args["offset"] = [str(offset + limit)]
        links.append({"rel": "next", "href": url_for("api.lots", **args)})
    if offset > 0:
        args["offset"] = [str(max(0, offset - limit))]
        links.append({"rel": "prev", "href": url_for("api.lots", **args)})
    return links


@bp.get("/lots/<path:lot_id>")
def lot(lot_id: str) -> ResponseReturnValue:
    """Return one lot as a GeoJSON Feature with its status history in ``events``."""
    layers = get_layers()
    as_of = parse_lot_query(request.args)
    layers.lot(lot_id)  # raises LotNotFoundError -> 404
    frame = lots_on(layers, as_of)
    feature = feature_collection(frame[frame["lot_id"] == lot_id])["features"][0]
    events = layers.lot_events[layers.lot_events["lot_id"] == lot_id].sort_values("date")
    feature["events"] = _records(events)
    feature["as_of"] = as_of.isoformat() if as_of else None
    return jsonify(feature)


@bp.get("/destinations")
def destinations() -> ResponseReturnValue:
    """Return the access destinations (interchanges, port, airport, station)."""
    validate_no_params(request.args)
    return jsonify(feature_collection(get_layers().destinations))


@bp.get("/isochrone")
def isochrone() -> ResponseReturnValue:
    """Return the areas reachable within each band of minutes from any point (GeoJSON)."""
    query = parse_isochrone_query(request.args)
    bands = access_isochrone(
        get_layers(),
        query.lon,
        query.lat,
        list(query.minutes),
        profile=query.profile,
        direction="to" if query.direction == "to" else "from",
    )
    return jsonify(feature_collection(bands))


@bp.post("/match")
def match_lots() -> ResponseReturnValue:
    """Rank the lots that fit a firm profile (JSON in, JSON out); log the request anonymously."""
    layers = get_layers()
    req = parse_match_request(
        read_json_body(), request.args, default_lang=current_app.config["DEFAULT_LANG"]
    )
    profile = validate_profile(req.profile)
    as_of = req.as_of or dt.date.today()
    result = match(layers, profile, as_of=as_of, top=req.top, speed_profile=req.speed_profile)
    demand_log().record(
        demand_record(
            profile,
            as_of=as_of,
            matches=len(result.matches),
            near_misses=len(result.near_misses),
            near_miss_counts=result.near_miss_counts,
            speed_profile=req.speed_profile,
        )
    )
    return jsonify(result.to_dict(lambda m: render_message(m, req.lang)))


def demand_log() -> DemandLog:
    """Return the app's demand log (one per app, so repeats are remembered across requests)."""
    log: DemandLog | None = current_app.extensions.get("siting_demand_log")
    if log is None:
        log = current_app.extensions.setdefault(
            "siting_demand_log", DemandLog(Path(current_app.config["DEMAND_LOG"]))
        )
    return log


@bp.post("/grants")
def grants() -> ResponseReturnValue:
    """Estimate the grants for a firm profile at a lot (``?lot=``), a park (``?park=``) or any
    point in Kanazawa (``?at=LON,LAT``)."""
    layers = get_layers()
    req = parse_match_request(
        read_json_body(),
        request.args,
        default_lang=current_app.config["DEFAULT_LANG"],
        extra=("lot", "park", "at"),
    )
    given = {
        k: v
        for k, v in (("lot", req.lot_id), ("park", req.park_id), ("at", req.at))
        if v is not None
    }
    if len(given) != 1:
        raise InvalidInputError(
            _(
                "give exactly one of lot=LOT_ID, park=PARK_ID or at=LON,LAT"
                " (e.g. at=136.6485,36.5780)"
            )
        )
    ((kind, value),) = given.items()
    if not value.strip():
        examples = {"lot": "lot=inaho/P2-1", "park": "park=inaho", "at": "at=136.6485,36.5780"}
        raise InvalidInputError(
            _(
                "%(name)s= is empty; give a value, e.g. %(example)s",
                name=kind,
                example=examples[kind],
            )
        )
    profile = validate_profile(req.profile)
    if kind == "at":
        site = site_for_point(layers, *validate_point(value))
    elif kind == "lot":
        site = site_for_lot(layers, value)
    else:
        site = site_for_park(layers, value)
    report = evaluate(profile, site, as_of=req.as_of or dt.date.today())
    return jsonify(report.to_dict(req.lang, render_message))
