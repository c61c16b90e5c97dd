"""The facts a page shows about a lot or a park, gathered once for the lot, park, compare and
pitch pages: names, status with the date it was last verified, drive minutes, sources and
what is not known.

Everything is returned in the page language; ids are kept only for links and ``data-``
attributes, never as text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import geopandas as gpd
import pandas as pd
from flask_babel import gettext as _

from parks.access import nearest_destinations
from parks.data import DESTINATION_KINDS, Layers, json_list
from parks.lots import lot_history, sold_share_history
from parks.messages import Name
from webapp.i18n import NAME_RENDERERS, gettext_in
from webapp.layout import fmt_date, is_missing
from webapp.names import destination_ref, lot_no, name, park_ref

_URL = re.compile(r"https?://[^\s,;)\]]+")
_ISO_DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")

OFFICIAL_HOST_SUFFIXES = (".go.jp", ".lg.jp", "city.kanazawa.ishikawa.jp")
"""Hosts of official sources: national government (go.jp), local government (lg.jp) and the
city's ordinance database. Caches, mirrors and aggregators are not official."""


def is_official(url: str) -> bool:
    """Return True when ``url`` is on a government host (no cache, proxy or aggregator).

    Examples
    --------
    >>> is_official("https://www4.city.kanazawa.lg.jp/soshiki/1.html")
    True
    >>> is_official("https://www-pref-ishikawa-lg-jp.cache.yimg.jp/chiji/1.html")
    False
    >>> is_official("http://tdck.sakura.ne.jp/x.php?url=http%3A%2F%2Fwww.pref.ishikawa.lg.jp")
    False
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or (parts.query and "url=" in parts.query):
        return False
    return any(host == s.lstrip(".") or host.endswith(s) for s in OFFICIAL_HOST_SUFFIXES)


@dataclass(frozen=True)
class SourceRef:
    """One source of a fact as a page shows it: a link (with its date) or a named document."""

    label: str
    url: str | None = None
    date: str | None = None
    official: bool = False


STRATEGY_MARK = "ものづくり戦略"


def source_refs(value: Any) -> list[SourceRef]:
    """Turn a layer's ``source`` value (text or a JSON list of texts) into links and labels.

    URLs become links labelled with their host and the date given beside them. Text without
    a URL is the city's strategy document (named in both languages) or the project's compiled
    facts, which the sources page describes; its English working notes are not shown.
    """
    if is_missing(value):
        return []
    items = json_list(value) if isinstance(value, str) and value.startswith("[") else [value]
    refs: list[SourceRef] = []
    seen: set[str] = set()
    for item in items:
        text = str(item)
        days = _ISO_DAY.findall(text)
        urls = _URL.findall(text)
        for url in urls:
            if url in seen:
                continue
            seen.add(url)
            host = urlsplit(url).hostname or url
            refs.append(
                SourceRef(
                    label=host, url=url, date=days[0] if days else None, official=is_official(url)
                )
            )
        if urls:
            continue
        if STRATEGY_MARK in text:
            label = _("Kanazawa City manufacturing strategy (March 2021)")
        else:
            label = _("Facts compiled from public reports (see the sources page)")
        if label not in seen:
            seen.add(label)
            refs.append(SourceRef(label=label, official=STRATEGY_MARK in text))
    return refs


def lot_or_404(layers: Layers, lot_id: str) -> pd.Series:
    """Return a lot's row, or answer 404 with a sentence in the page language."""
    from flask import abort

    try:
        return layers.lot(lot_id)
    except LookupError:
        abort(404, _("There is no lot at this address. Find lots on the map or with the search."))


def park_or_404(layers: Layers, park_id: str) -> pd.Series:
    """Return a park's row, or answer 404 with a sentence in the page language."""
    from flask import abort

    try:
        return layers.park(park_id)
    except LookupError:
        abort(404, _("There is no industrial park at this address."))


def park_name(layers: Layers, park_id: str, lang: str) -> str:
    """Return a park's name in ``lang``."""
    return park_ref(layers.park(park_id)).in_lang(lang) or name("park", park_id, lang)


def lot_label(layers: Layers, lot_id: str, lang: str) -> str:
    """Return a lot's human label, e.g. ``いなほ工業団地 区画 3`` / ``Inaho Industrial Park, lot 3``."""
    park_id = str(lot_id).split("/", 1)[0]
    try:
        park = park_name(layers, park_id, lang)
    except LookupError:
        park = park_id
    return _("%(park)s, lot %(lot_no)s", park=park, lot_no=lot_no(lot_id))


def _lot_name(lot_id: str, lang: str) -> str | None:
    """Name a lot in a domain message (``Name("lot", id)``): park and number, None if unknown."""
    from flask import has_app_context

    from webapp import get_layers

    if not has_app_context():
        return None
    try:
        park = park_name(get_layers(), str(lot_id).split("/", 1)[0], lang)
    except LookupError:
        return None
    return gettext_in(lang, "%(park)s, lot %(lot_no)s") % {"park": park, "lot_no": lot_no(lot_id)}


NAME_RENDERERS["lot"] = _lot_name


@dataclass(frozen=True)
class Verified:
    """A lot's status on a date and the record it rests on."""

    status: str | None
    on: str | None
    """Date of the last status record on or before the date asked (ISO)."""
    sources: list[SourceRef] = field(default_factory=list)
    is_inferred: bool = False


def verified_status(layers: Layers, lot_id: str, as_of: dt.date) -> Verified:
    """Return the lot's status on ``as_of`` with the date and source of the record behind it."""
    history = lot_history(layers, lot_id)
    known = history[history["date"].astype(str) <= as_of.isoformat()]
    if known.empty:
        return Verified(status=None, on=None)
    last = known.iloc[-1]
    return Verified(
        status=str(last["status"]),
        on=str(last["date"])[:10],
        sources=source_refs(last["source"]),
        is_inferred=bool(last.get("is_inferred", False)),
    )


def access_rows(layers: Layers, lot_id: str, lang: str) -> list[dict[str, Any]]:
    """Return the fastest destination of each kind with drive minutes and km (assumed speeds)."""
    if layers.optional("lot_access") is None:
        return [
            {
                "kind": k,
                "kind_label": name("destination_kind", k, lang),
                "name": None,
                "minutes": None,
                "km": None,
            }
            for k in DESTINATION_KINDS
        ]
    nearest = nearest_destinations(layers, lot_id)
    dests = layers.destinations.set_index("id", drop=False)
    rows = []
    for kind in DESTINATION_KINDS:
        hit = nearest.get(kind)
        row: dict[str, Any] = {"kind": kind, "kind_label": name("destination_kind", kind, lang)}
        if hit is None:
            rows.append({**row, "name": None, "minutes": None, "km": None})
            continue
        dest_id = hit["destination_id"]
        dest_name = (
            destination_ref(dests.loc[dest_id]).in_lang(lang) if dest_id in dests.index else None
        )
        rows.append(
            {
                **row,
                "destination_id": dest_id,
                "name": dest_name,
                "minutes": round(float(hit["minutes"]), 1),
                "km": round(float(hit["metres"]) / 1000, 1),
            }
        )
    return rows


def unknowns(park: pd.Series, lot: pd.Series | None = None) -> list[str]:
    """Return, in the page language, the facts no public source gives for this lot or park."""
    missing = []
    labels = {
        "price_per_m2": _("Sale price per m²"),
        "zoning": _("Land-use zoning"),
        "coverage_ratio": _("Building coverage ratio"),
        "floor_area_ratio": _("Floor-area ratio"),
        "utilities": _("Utilities (water, sewer, gas, power)"),
    }
    for column, label in labels.items():
        lot_value = lot.get(column) if lot is not None else None
        if is_missing(park.get(column)) and is_missing(lot_value):
            missing.append(label)
    if lot is not None and bool(lot.get("is_illustrative")):
        missing.append(_("The lot's exact outline and area (the city publishes no lot plan)"))
    if is_missing(park.get("groundwater")):
        missing.append(_("Groundwater (documented only for Inaho)"))
    return missing


def occupant_names(value: Any) -> list[dict[str, str]]:
    """Return the park's publicly named occupants (``name`` and, in English, ``business``)."""
    if is_missing(value):
        return []
    data = json.loads(value) if isinstance(value, str) else value
    if not isinstance(data, list):
        return []
    out = []
    for item in data:
        if isinstance(item, dict) and item.get("name"):
            business = item.get("business")
            out.append({"name": str(item["name"]), "business": str(business) if business else ""})
    return out


def phase_label(value: Any) -> str | None:
    """Return a development phase as the reader writes it (第2期, phase 2), None if unknown.

    Phases are stored as numbers, which a nullable column turns into floats (2.0).
    """
    if is_missing(value):
        return None
    number = value
    if isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().replace(".0", "", 1).isdigit():
        number = int(float(value))
    return _("Phase %(number)s", number=number)


def phases(value: Any, lang: str) -> list[dict[str, Any]]:
    """Return the park's development phases: number, lots, saleable area, opening date."""
    rows = []
    for item in json_list(value):
        if not isinstance(item, dict):
            continue
        rows.append(
            {
                "phase": phase_label(item.get("phase")),
                "lots": item.get("lots"),
                "saleable_area_m2": item.get("saleable_area_m2"),
                "opened": fmt_date(item.get("opened"), lang) if item.get("opened") else "",
            }
        )
    return rows


def park_facts(layers: Layers, park_id: str, lang: str) -> dict[str, Any]:
    """Return what the park page, lot page and pitch sheet show about one park."""
    park = layers.park(park_id)
    ref = park_ref(park)
    other = "en" if lang == "ja" else "ja"
    return {
        "park_id": park_id,
        "ref": ref,
        "name": ref.in_lang(lang),
        "name_other": ref.in_lang(other),
        "name_other_lang": other,
        "address_ja": None if is_missing(park.get("address_ja")) else str(park["address_ja"]),
        "saleable_area_m2": None
        if is_missing(park.get("saleable_area_m2"))
        else float(park["saleable_area_m2"]),
        "total_area_m2": None
        if is_missing(park.get("total_area_m2"))
        else float(park["total_area_m2"]),
        "opened": None if is_missing(park.get("opened")) else str(park["opened"])[:10],
        "phases": phases(park.get("phases"), lang),
        "admitted": [name("industry", i, lang) for i in json_list(park["admitted_industries"])],
        "groundwater_good": park.get("groundwater") == "good",
        "occupants": occupant_names(park.get("occupants")),
        "sources": source_refs(park.get("source")),
        "unknowns": unknowns(park),
        "is_illustrative": bool(park.get("is_illustrative")),
    }


def lot_facts(layers: Layers, lot_id: str, as_of: dt.date, lang: str) -> dict[str, Any]:
    """Return what the lot page, compare page and pitch sheet show about one lot on ``as_of``.

    Raises
    ------
    LotNotFoundError
        If no lot has ``lot_id``.
    """
    lot = layers.lot(lot_id)
    park_id = str(lot["park_id"])
    verified = verified_status(layers, lot_id, as_of)
    return {
        "lot_id": lot_id,
        "label": lot_label(layers, lot_id, lang),
        "lot_no": lot_no(lot_id),
        "park_id": park_id,
        "park_name": park_name(layers, park_id, lang),
        "area_m2": float(lot["area_m2"]),
        "published_area_m2": None
        if is_missing(lot.get("published_area_m2"))
        else float(lot["published_area_m2"]),
        "phase": phase_label(lot.get("phase")),
        "status": verified.status,
        "verified": verified,
        "available_from": None
        if is_missing(lot.get("available_from"))
        else str(lot["available_from"])[:10],
        "price_per_m2": None if is_missing(lot.get("price_per_m2")) else lot["price_per_m2"],
        "is_illustrative": bool(lot.get("is_illustrative")),
        "access": access_rows(layers, lot_id, lang),
        "unknowns": unknowns(layers.park(park_id), lot),
        "sources": source_refs(lot.get("source")),
    }


def history_rows(layers: Layers, lot_id: str, lang: str) -> list[dict[str, Any]]:
    """Return a lot's status records, oldest first, with dates and sources in ``lang``."""
    rows = []
    for record in lot_history(layers, lot_id).itertuples():
        rows.append(
            {
                "date": fmt_date(record.date, lang),
                "iso": str(record.date)[:10],
                "status": str(record.status),
                "sources": source_refs(record.source),
                "is_inferred": bool(getattr(record, "is_inferred", False)),
            }
        )
    return rows


def park_history(layers: Layers, park_id: str, lang: str) -> list[dict[str, Any]]:
    """Return the park's sold share after each dated record (for the table and the chart)."""
    frame = sold_share_history(layers, park_id)
    return [
        {
            "iso": str(row.date)[:10],
            "date": fmt_date(row.date, lang),
            "sold_share": float(row.sold_share),
            "sold_lots": int(row.sold_lots),
            "lots": int(row.lots),
            "available_lots": int(row.available_lots),
        }
        for row in frame.itertuples()
    ]


def lot_routes(layers: Layers, lot_id: str) -> dict[str, Any] | None:
    """Return the lot's drive routes to its nearest destinations as GeoJSON (None if not built)."""
    from webapp.api import feature_collection

    routes = layers.optional("routes")
    if not isinstance(routes, gpd.GeoDataFrame) or routes.empty:
        return None
    mine = routes[routes["lot_id"] == lot_id][["destination_id", "kind", "minutes", "geometry"]]
    return {"routes": feature_collection(mine)}


def name_of(ref: Name, lang: str) -> str:
    """Return the name a :class:`Name` carries in ``lang`` (its id as a last resort)."""
    return ref.in_lang(lang) or ref.en or ref.id
