"""Staff pages: the printable pitch sheet of one lot for one firm."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
from flask import Blueprint, current_app, render_template, request, url_for

from parks.access import nearest_destinations
from parks.data import DESTINATION_KINDS, Layers, json_list
from parks.errors import DataNotFoundError
from parks.facts import read_yaml
from parks.grants import evaluate, site_for_lot, yen
from webapp import get_layers, lots_on
from webapp.api import feature_collection
from webapp.i18n import render_message
from webapp.profile_form import form_values
from webapp.requests import PitchQuery, parse_pitch_query
from webapp.text import Lang, choice_label, text

bp = Blueprint("staff", __name__)

# Fallback when data/facts/parks.yaml is absent: the same office and number as its
# ``meta.contact`` (金沢市 経済局 企業立地課, compiled 2026-11-28).
FALLBACK_CONTACT = {"office_ja": "金沢市 経済局 企業立地課", "phone": "076-220-2225"}

ISSUERS = ("city", "prefecture", "national")


@lru_cache(maxsize=4)
def _contact_from(path: str) -> dict[str, str]:
    try:
        meta = read_yaml(Path(path)).get("meta", {})
    except DataNotFoundError:
        return dict(FALLBACK_CONTACT)
    contact = meta.get("contact") if isinstance(meta, dict) else None
    if not isinstance(contact, dict) or not contact.get("phone"):
        return dict(FALLBACK_CONTACT)
    return {"office_ja": str(contact.get("office_ja", "")), "phone": str(contact["phone"])}


def contact(data_dir: Path) -> dict[str, str]:
    """Return the city office to contact (``office_ja``, ``phone``) from the facts, or the fallback."""
    return _contact_from(str(Path(data_dir) / "facts" / "parks.yaml"))


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and pd.isna(value)) or value == ""


def occupant_lines(value: Any) -> list[str]:
    """Return the park's public occupants as display lines (the column holds JSON text)."""
    if _missing(value):
        return []
    data = json.loads(value) if isinstance(value, str) else value
    if isinstance(data, list):
        lines = []
        for item in data:
            if isinstance(item, dict):
                head = str(item.get("name", ""))
                rest = [str(item[k]) for k in ("business", "note") if not _missing(item.get(k))]
                lines.append(f"{head}: {'; '.join(rest)}" if rest else head)
            else:
                lines.append(str(item))
        return lines
    if isinstance(data, dict):
        return [
            f"{k.replace('_', ' ')}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
            for k, v in data.items()
        ]
    return [str(data)]


def access_rows(layers: Layers, lot_id: str, lang: Lang) -> list[dict[str, Any]]:
    """Return the nearest destination of each kind with its drive minutes (assumed speeds)."""
    nearest = nearest_destinations(layers, lot_id)
    names = layers.destinations.set_index("id")
    name_col = "name_ja" if lang == "ja" else "name_en"
    rows = []
    for kind in DESTINATION_KINDS:
        hit = nearest.get(kind)
        if hit is None:
            rows.append({"kind": kind, "name": None, "minutes": None, "km": None})
            continue
        dest = hit["destination_id"]
        name = names.at[dest, name_col] if dest in names.index else dest
        rows.append(
            {
                "kind": kind,
                "name": name,
                "minutes": round(hit["minutes"], 1),
                "km": round(hit["metres"] / 1000, 1),
            }
        )
    return rows


def _amount(programme: dict[str, Any], lang: Lang) -> str:
    if programme["eligible"] is False:
        return "—"  # not eligible: no amount to show
    return yen(programme.get("amount_jpy"), lang)


def net_land_cost_text(net: dict[str, Any], lang: Lang) -> str:
    """Return the net land cost (if combinable) or why it is unknown (no public price)."""
    if not net.get("known"):
        return str(net.get("reason_ja") if lang == "ja" else net.get("reason"))
    combined = net["if_combinable"]
    return f"{yen(combined['net_jpy'], lang)} ({combined.get('label', '')})"


def grant_sections(report: dict[str, Any], lang: Lang) -> dict[str, Any]:
    """Split a grant report into cash programmes, other benefits and the totals to show."""
    programmes = report["programmes"]
    by_id = {p["id"]: p for p in programmes}
    order = {True: 0, None: 1, False: 2}
    cash = sorted(
        (p for p in programmes if p["kind"] == "cash"), key=lambda p: order[p["eligible"]]
    )
    benefits = sorted(
        (p for p in programmes if p["kind"] != "cash"), key=lambda p: order[p["eligible"]]
    )
    totals = report["totals"]
    issuers = []
    for issuer in ISSUERS:
        block = totals[issuer]
        if issuer == "national" and not block["counted"] and not block["eligibility_unknown"]:
            continue
        issuers.append(
            {
                "issuer": issuer,
                "cash": yen(block["cash_jpy"], lang),
                "up_to": block["up_to"],
                "amount_unknown": [by_id[i]["name"] for i in block["amount_unknown"]],
                "eligibility_unknown": [
                    (by_id[e["id"]]["name"], yen(e["amount_jpy"], lang))
                    for e in block["eligibility_unknown"]
                ],
            }
        )
    combinable = totals["if_combinable"]
    return {
        "cash": [
            dict(
                p,
                amount_text=_amount(p, lang),
                cap_text="—" if p["cap_jpy"] is None else yen(p["cap_jpy"], lang),
            )
            for p in cash
        ],
        "benefits": benefits,
        "issuers": issuers,
        "if_combinable": {
            "label": combinable["label_ja"] if lang == "ja" else combinable["label"],
            "cash": yen(combinable["cash_jpy"], lang),
            "up_to": combinable["up_to"],
        },
        "stacking_note": report.get("stacking", {}).get("note"),
        "net_land_cost_text": net_land_cost_text(report["net_land_cost"], lang),
    }


def profile_rows(query: PitchQuery) -> list[tuple[str, str]]:
    """Return the profile as (label key, display value) rows for the sheet."""
    values = form_values(query.profile)
    rows = []
    for name, value in values.items():
        shown = value
        if name in ("industry", "project", "origin"):
            shown = choice_label(name, value, query.lang)
        elif name.startswith("investment_"):
            shown = yen(int(value), query.lang)
        elif value == "on":
            shown = "✓"
        rows.append((f"f_{name}", shown))
    return rows


def pitch_context(layers: Layers, query: PitchQuery) -> dict[str, Any]:
    """Gather everything the pitch sheet shows for one lot and one firm profile.

    Raises
    ------
    LotNotFoundError
        If no lot has ``query.lot_id``.
    """
    layers.lot(query.lot_id)  # raises LotNotFoundError -> 404
    lang = query.lang
    lots = lots_on(layers, query.as_of)
    lot_frame = lots[lots["lot_id"] == query.lot_id]
    lot = lot_frame.iloc[0]
    park = layers.park(str(lot["park_id"]))
    report = evaluate(query.profile, site_for_lot(layers, query.lot_id), as_of=query.as_of).to_dict(
        lang, render_message
    )
    park_frame = layers.parks[layers.parks["park_id"] == park["park_id"]]
    status = None if _missing(lot["status"]) else str(lot["status"])
    return {
        "lot": {
            "lot_id": query.lot_id,
            "area_m2": float(lot["area_m2"]),
            "status": status,
            "phase": None if _missing(lot["phase"]) else lot["phase"],
            "available_from": None if _missing(lot["available_from"]) else lot["available_from"],
            "is_illustrative": bool(lot["is_illustrative"]),
            "illustrative_reason": None
            if _missing(lot["illustrative_reason"])
            else lot["illustrative_reason"],
            "source": None if _missing(lot["source"]) else lot["source"],
        },
        "park": {
            "park_id": park["park_id"],
            "name_ja": park["name_ja"],
            "name_en": park["name_en"],
            "address_ja": None if _missing(park.get("address_ja")) else park["address_ja"],
            "admitted": [
                choice_label("industry", i, lang) for i in json_list(park["admitted_industries"])
            ],
            "targets": json_list(park["target_industries"]),
            "groundwater": None if _missing(park["groundwater"]) else park["groundwater"],
            "groundwater_source": None
            if _missing(park.get("groundwater_source"))
            else park["groundwater_source"],
            "occupants": occupant_lines(park.get("occupants")),
            "sources": json_list(park["source"]),
        },
        "access": access_rows(layers, query.lot_id, lang),
        "grants": grant_sections(report, lang),
        "profile": profile_rows(query),
        "contact": contact(layers.data_dir),
        "map_data": {
            "lot": feature_collection(lot_frame[["lot_id", "geometry"]]),
            "park": feature_collection(park_frame[["park_id", "geometry"]]),
        },
    }


@bp.route("/pitch", methods=["GET", "POST"])
def pitch() -> str:
    """Show the printable pitch sheet of ``?lot=`` for the firm profile in the query or form."""
    query = parse_pitch_query(
        request.values,
        default_lang=current_app.config["DEFAULT_LANG"],
        today=dt.date.today(),
    )
    context = pitch_context(get_layers(), query)
    t = text(query.lang)
    other_lang = "en" if query.lang == "ja" else "ja"
    other_args = {**request.values.to_dict(), "lang": other_lang}
    return render_template(
        "staff/pitch.html",
        lang=query.lang,
        t=t,
        as_of=query.as_of.isoformat(),
        produced_on=dt.date.today().isoformat(),
        other_lang=other_lang,
        other_lang_url=url_for("staff.pitch", **other_args),
        **context,
    )
