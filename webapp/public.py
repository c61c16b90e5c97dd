"""Public pages: the map of the parks and their lots."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _

from parks.data import DESTINATION_KINDS, LOT_STATUSES
from webapp import get_layers
from webapp.assets import encode, encoded_response
from webapp.i18n import LANGS, Lang, current_lang, gettext_in, render_value
from webapp.layers import CREDITS, latest_event_date, map_config, preload_urls, status_date
from webapp.layout import contact
from webapp.maps import STATUS_COLOURS, UNKNOWN_STATUS_COLOUR
from webapp.names import destination_ref, name, park_ref
from webapp.pages import form_context
from webapp.requests import parse_map_query, parse_page_query

bp = Blueprint("public", __name__)


def map_page(as_of: dt.date | None) -> Response:
    """Render the map page: header, controls and the map config, but no layer data.

    ``static/map-core.js`` fetches each layer from ``/api/layers`` when it is shown, and a
    new ``?as_of=`` date re-colours the lots already drawn (``/api/layers/lots/statuses``).
    """
    layers = get_layers()
    lang = current_lang()
    other_lang = next(code for code in LANGS if code != lang)
    as_of_text = as_of.isoformat() if as_of else None
    shown_date = status_date(layers, as_of)
    latest = latest_event_date(layers)
    config = map_config(as_of=as_of)
    page = render_template(
        "public/map.html",
        map_config=config,
        preload=preload_urls(config),
        as_of=as_of_text or "",
        status_date=shown_date.isoformat() if shown_date else None,
        latest_event=latest.isoformat() if latest and as_of and as_of > latest else None,
        other_lang_url=url_for("public.index", lang=other_lang, as_of=as_of_text),
        credits=[gettext_in(lang, c) for c in CREDITS],
    )
    return encoded_response(encode(page.encode("utf-8"), dynamic=True), "text/html")


@bp.get("/")
def index() -> Response:
    """Show the map; ``?lang=ja|en`` picks the language, ``?as_of=YYYY-MM-DD`` a date."""
    query = parse_map_query(request.args, default_lang=current_app.config["DEFAULT_LANG"])
    return map_page(query.as_of)


def search_texts(lang: str) -> dict[str, Any]:
    """Return the sentences search.js shows, in ``lang`` (``%(name)s`` filled in by the script)."""
    return {
        "results_title": _("Lots that fit"),
        "near_misses_title": _("Closest lots (one condition not met)"),
        "planned_title": _("Planned lots (not yet on sale)"),
        "notes_title": _("Notes"),
        "no_results": _("None"),
        "assembled": _("site assembled from neighbouring lots"),
        "score": _("Score"),
        "checks": _("Conditions"),
        "met": _("met"),
        "not_met": _("not met"),
        "grants": _("Grant estimate (cash)"),
        "city": name("issuer", "city", lang),
        "prefecture": name("issuer", "prefecture", lang),
        "up_to": _("up to %(amount)s"),
        "if_combinable": _("City and prefecture together, if they may be combined"),
        "amount_unknown_note": _("plus %(count)s programmes whose amount is not known"),
        "up_to_note": _("Rates are maxima: the amount is decided on application and review."),
        "net_land_cost": _("Net land cost"),
        "price_not_public": _("The sale price is not public."),
        "pitch": _("Pitch sheet"),
        "lot_page": _("Lot page"),
        "show_on_map": _("Show on the map"),
        "add": _("Add to shortlist"),
        "remove": _("Remove from shortlist"),
        "minutes": _("%(minutes)s min"),
        "unknown": _("unknown"),
        "area": _("Area"),
        "status": _("Status"),
        "available_from": _("on sale from %(date)s"),
        "illustrative": _("illustrative"),
        "lot_label": _("%(park)s, lot %(lot_no)s"),
        "request_failed": _("The search failed. Please try again."),
        "sold_out_title": _("No lot is on sale on %(date)s"),
        "sold_out_body": _(
            "According to the latest status record (%(record)s), every lot of the city's "
            "industrial parks is sold or held. Below are the lots that came closest, with when "
            "they sold, and the planned lots."
        ),
        "no_match_title": _("No lot meets every condition on %(date)s"),
        "no_match_body": _("Below are the lots that came closest: each fails one condition."),
        "ask": _(
            "The Corporate Location Division can tell you about lots that may come free and "
            "about new parks: %(office)s, phone %(phone)s."
        ),
        "inquiry": _("Tell us what you need"),
        "export": _("Download these results:"),
        "statuses": {s: name("status", s, lang) for s in (*LOT_STATUSES, "unknown")},
        "kinds": {k: name("destination_kind", k, lang) for k in DESTINATION_KINDS},
    }


def search_config(lang: Lang) -> dict[str, object]:
    """Return the data search.js needs: endpoints, texts, park and destination names."""
    layers = get_layers()
    office = contact()
    return {
        "lang": lang,
        "urls": {
            "match": url_for("api.match_lots"),
            "lots": url_for("api.lots"),
            "parks": url_for("api.parks"),
            "pitch": url_for("pitch.pitch"),
            "lot": url_for("pages.lot", lot_id="LOT_ID"),
            "export": url_for("exports.export", layer="lots", fmt="FORMAT"),
            "inquiry": INQUIRY_URL,
        },
        "t": search_texts(lang),
        "contact": {"office": render_value(office.office, lang), "phone": office.phone},
        "parks": {
            str(row["park_id"]): park_ref(row).in_lang(lang) for _i, row in layers.parks.iterrows()
        },
        "destinations": {
            str(row["id"]): destination_ref(row).in_lang(lang)
            for _i, row in layers.destinations.iterrows()
        },
        "status_colours": {**STATUS_COLOURS, "unknown": UNKNOWN_STATUS_COLOUR},
    }


INQUIRY_URL = "/inquiry"
"""The form where a firm tells the city what it needs (the staff workspace stores it)."""


@bp.get("/search")
def search() -> str:
    """Show the anonymous search form for firms; results come from ``POST /api/match``."""
    as_of = parse_page_query(request.args) or dt.date.today()
    lang = current_lang()
    return render_template(
        "public/search.html",
        form=form_context(),
        as_of=as_of.isoformat(),
        config=search_config(lang),
        map_config=map_config(as_of=as_of),
    )
