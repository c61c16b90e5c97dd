"""Public pages: the map of the parks and their lots."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict

from flask import Blueprint, current_app, render_template, request, url_for

from webapp import get_layers, lots_on
from webapp.maps import UNKNOWN_STATUS_COLOUR, MapParts, build_map, legend_entries, render_map
from webapp.requests import parse_map_query
from webapp.text import ATTRIBUTIONS, LANGS, Lang, text

bp = Blueprint("public", __name__)

MAP_CACHE_KEY = "siting_maps"
"""Key of the rendered-map cache in ``app.extensions``."""


class MapCache:
    """A small thread-safe LRU of rendered maps keyed by ``(lang, as_of)``.

    Rendering the map takes about a second; the data does not change while the app runs,
    so each variant is rendered once.
    """

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[tuple[str, dt.date | None], MapParts] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, dt.date | None]) -> MapParts | None:
        """Return a cached map, marking it recently used."""
        with self._lock:
            parts = self._items.get(key)
            if parts is not None:
                self._items.move_to_end(key)
            return parts

    def put(self, key: tuple[str, dt.date | None], parts: MapParts) -> None:
        """Store a map, dropping the least recently used one beyond ``maxsize``."""
        with self._lock:
            self._items[key] = parts
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def map_parts(lang: Lang, as_of: dt.date | None) -> MapParts:
    """Return the rendered map for ``(lang, as_of)``, building it on first use."""
    cache: MapCache = current_app.extensions[MAP_CACHE_KEY]
    key = (lang, as_of)
    parts = cache.get(key)
    if parts is None:
        layers = get_layers()
        fmap = build_map(
            layers,
            lang=lang,
            lots=lots_on(layers, as_of),
            vendor_url=url_for("static", filename="vendor"),
            tiles=current_app.config["TILES"],
            tiles_attribution=current_app.config["TILES_ATTRIBUTION"],
        )
        parts = render_map(fmap)
        cache.put(key, parts)
    return parts


@bp.get("/")
def index() -> str:
    """Show the map; ``?lang=ja|en`` picks the language, ``?as_of=YYYY-MM-DD`` a date."""
    query = parse_map_query(request.args, default_lang=current_app.config["DEFAULT_LANG"])
    other_lang = next(code for code in LANGS if code != query.lang)
    as_of_text = query.as_of.isoformat() if query.as_of else ""
    t = text(query.lang)
    legend = legend_entries(query.lang)
    if query.as_of is not None:
        legend.append(("unknown", t["status_unknown"], UNKNOWN_STATUS_COLOUR))
    return render_template(
        "public/map.html",
        lang=query.lang,
        t=t,
        parts=map_parts(query.lang, query.as_of),
        as_of=as_of_text,
        other_lang=other_lang,
        other_lang_url=url_for("public.index", lang=other_lang, as_of=as_of_text or None),
        legend=legend,
        attributions=ATTRIBUTIONS,
    )
