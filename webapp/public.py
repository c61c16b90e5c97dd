"""Public pages: the map of the parks and their lots."""

from __future__ import annotations

import datetime as dt
import gzip
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _

from parks.data import DESTINATION_KINDS, LOT_STATUSES
from webapp import get_layers, lots_on
from webapp.i18n import current_lang, render_value
from webapp.layout import contact
from webapp.maps import (
    STATUS_COLOURS,
    UNKNOWN_STATUS_COLOUR,
    build_map,
    legend_entries,
    render_map,
)
from webapp.names import destination_ref, name, park_ref
from webapp.pages import form_context
from webapp.requests import parse_map_query, parse_page_query
from webapp.text import ATTRIBUTIONS, LANGS, Lang, text

bp = Blueprint("public", __name__)

MAP_CACHE_KEY = "siting_maps"
"""Key of the rendered-page cache in ``app.extensions``."""

GZIP_LEVEL = 6


@dataclass(frozen=True)
class Page:
    """A rendered page, plain and gzip-compressed."""

    body: bytes
    gzipped: bytes


class MapCache:
    """A small thread-safe LRU of rendered map pages keyed by ``(lang, as_of)``.

    Building and rendering the map takes a few hundred milliseconds and the page is over
    a megabyte; the data does not change while the app runs, so each variant is rendered
    and compressed once.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[tuple[str, dt.date | None], Page] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, dt.date | None]) -> Page | None:
        """Return a cached page, marking it recently used."""
        with self._lock:
            page = self._items.get(key)
            if page is not None:
                self._items.move_to_end(key)
            return page

    def put(self, key: tuple[str, dt.date | None], page: Page) -> None:
        """Store a page, dropping the least recently used one beyond ``maxsize``."""
        with self._lock:
            self._items[key] = page
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def render_map_page(lang: Lang, as_of: dt.date | None) -> str:
    """Render the map page for one language and date (no caching)."""
    layers = get_layers()
    fmap = build_map(
        layers,
        lang=lang,
        lots=lots_on(layers, as_of),
        vendor_url=url_for("static", filename="vendor"),
        tiles=current_app.config["TILES"],
        tiles_attribution=current_app.config["TILES_ATTRIBUTION"],
    )
    t = text(lang)
    legend = legend_entries(lang)
    if as_of is not None:
        legend.append(("unknown", t["status_unknown"], UNKNOWN_STATUS_COLOUR))
    other_lang = next(code for code in LANGS if code != lang)
    as_of_text = as_of.isoformat() if as_of else ""
    return render_template(
        "public/map.html",
        lang=lang,
        t=t,
        parts=render_map(fmap),
        as_of=as_of_text,
        other_lang=other_lang,
        other_lang_url=url_for("public.index", lang=other_lang, as_of=as_of_text or None),
        legend=legend,
        attributions=ATTRIBUTIONS,
    )


def map_page(lang: Lang, as_of: dt.date | None) -> Page:
    """Return the map page for ``(lang, as_of)``, rendering it on first use."""
    cache: MapCache = current_app.extensions[MAP_CACHE_KEY]
    key = (lang, as_of)
    page = cache.get(key)
    if page is None:
        body = render_map_page(lang, as_of).encode("utf-8")
        page = Page(body=body, gzipped=gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))
        cache.put(key, page)
    return page


@bp.get("/")
def index() -> Response:
    """Show the map; ``?lang=ja|en`` picks the language, ``?as_of=YYYY-MM-DD`` a date."""
    query = parse_map_query(request.args, default_lang=current_app.config["DEFAULT_LANG"])
    page = map_page(query.lang, query.as_of)
    if "gzip" in request.accept_encodings:
        response = Response(page.gzipped, mimetype="text/html")
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = Response(page.body, mimetype="text/html")
    response.vary.add("Accept-Encoding")
    return response


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
            "basemap": url_for("pages.basemap"),
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
    )
