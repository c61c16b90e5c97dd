"""Public pages: the map of the parks and their lots."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, current_app, render_template, request, url_for

from parks.data import LOT_STATUSES
from webapp import get_layers
from webapp.assets import encode, encoded_response
from webapp.i18n import current_lang, gettext_in
from webapp.layers import CREDITS, latest_event_date, map_config, preload_urls, status_date
from webapp.maps import STATUS_COLOURS, UNKNOWN_STATUS_COLOUR
from webapp.profile_form import FIELDS, SECTIONS
from webapp.requests import parse_map_query
from webapp.text import CHOICE_LABELS, LANGS, Lang, text

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
