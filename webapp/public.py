"""Public pages: the map of the parks and their lots."""

from __future__ import annotations

import datetime as dt
import gzip
import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, render_template, request, url_for

from parks.data import LOT_STATUSES
from webapp import data_revision, get_layers, lots_on
from webapp.maps import (
    STATUS_COLOURS,
    UNKNOWN_STATUS_COLOUR,
    build_map,
    legend_entries,
    render_map,
)
from webapp.profile_form import FIELDS, SECTIONS
from webapp.requests import parse_map_query
from webapp.text import ATTRIBUTIONS, CHOICE_LABELS, LANGS, Lang, text

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
        self._items: OrderedDict[tuple[str, dt.date | None, int], Page] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, dt.date | None, int]) -> Page | None:
        """Return a cached page, marking it recently used."""
        with self._lock:
            page = self._items.get(key)
            if page is not None:
                self._items.move_to_end(key)
            return page

    def put(self, key: tuple[str, dt.date | None, int], page: Page) -> None:
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
    key = (lang, as_of, data_revision())  # a lot change in the inventory renders anew
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


def search_config(lang: Lang) -> dict[str, object]:
    """Return the data search.js needs: endpoints, UI text, park and destination names."""
    layers = get_layers()
    name = "name_ja" if lang == "ja" else "name_en"
    return {
        "lang": lang,
        "urls": {
            "match": url_for("api.match_lots"),
            "lots": url_for("api.lots"),
            "parks": url_for("api.parks"),
            "pitch": url_for("staff.pitch"),
        },
        "t": text(lang),
        "parks": dict(zip(layers.parks["park_id"], layers.parks[name], strict=True)),
        "destinations": dict(
            zip(layers.destinations["id"], layers.destinations[name], strict=True)
        ),
        "status_colours": {**STATUS_COLOURS, "unknown": UNKNOWN_STATUS_COLOUR},
        "statuses": list(LOT_STATUSES),
    }


@bp.get("/search")
def search() -> str:
    """Show the anonymous search form for firms; results come from ``POST /api/match``."""
    query = parse_map_query(request.args, default_lang=current_app.config["DEFAULT_LANG"])
    lang = query.lang
    other_lang = next(code for code in LANGS if code != lang)
    as_of = (query.as_of or dt.date.today()).isoformat()
    return render_template(
        "public/search.html",
        lang=lang,
        t=text(lang),
        fields=FIELDS,
        sections=SECTIONS,
        choices={
            field: [
                (value, labels[0] if lang == "ja" else labels[1]) for value, labels in opts.items()
            ]
            for field, opts in CHOICE_LABELS.items()
        },
        as_of=as_of,
        other_lang=other_lang,
        other_lang_url=url_for("public.search", lang=other_lang),
        config=search_config(lang),
    )
