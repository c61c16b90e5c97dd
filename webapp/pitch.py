"""The pitch sheet: one lot on one or two A4 pages, to hand to a firm.

:func:`render_pitch_html` renders the sheet for ``(lot, optional firm profile, language)``;
the ``/pitch`` view serves it, and the staff workspace prints it to PDF from the same
function. The sheet shows the lot and park facts, drive minutes, a map with its basemap
drawn on the server as SVG (:mod:`webapp.static_map`, so that it prints without JavaScript;
the interactive map below the sheet is for the screen only), and, with a profile, the
grant estimate as one line per programme with plain caveats. It says plainly when the lot is not on sale or fails the firm's criteria, and cites only
official sources (the city, the prefecture, the laws).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from parks.grants import evaluate, site_for_lot
from parks.matching import Check, check_lot
from parks.profile import FirmProfile
from webapp import get_layers
from webapp.grant_view import grant_table
from webapp.i18n import LANGS, Lang, current_lang
from webapp.layers import map_config
from webapp.lot_facts import lot_facts, lot_or_404, lot_routes, park_facts
from webapp.profile_form import FIELD_BY_PATH, form_values
from webapp.requests import parse_pitch_request, reject_figures_in_url
from webapp.static_map import lot_map

bp = Blueprint("pitch", __name__)


@contextmanager
def page_language(lang: Lang) -> Iterator[None]:
    """Render in ``lang`` whatever the request's own language (for PDFs and previews)."""
    saved = g.get("lang")
    g.lang = lang
    try:
        with force_locale(lang):
            yield
    finally:
        if saved is None:
            g.pop("lang", None)
        else:
            g.lang = saved


def profile_rows(profile: FirmProfile) -> list[tuple[str, str]]:
    """Return the firm's figures as ``(field path, value)`` pairs for the sheet."""
    values = form_values(profile)
    rows = []
    for field in FIELD_BY_PATH.values():
        if field.name in values:
            rows.append((".".join(field.path), values[field.name]))
    return rows


def pitch_context(
    lot_id: str, profile: FirmProfile | None, lang: Lang, as_of: dt.date
) -> dict[str, Any]:
    """Gather what the sheet shows (facts, warnings, grants) for one lot and firm.

    Raises
    ------
    LotNotFoundError
        If no lot has ``lot_id``.
    """
    layers = get_layers()
    lot_or_404(layers, lot_id)
    lot = lot_facts(layers, lot_id, as_of, lang)
    park = park_facts(layers, lot["park_id"], lang)
    checks: tuple[Check, ...] = ()
    grants = None
    if profile is not None:
        checks = check_lot(layers, profile, lot_id, as_of=as_of)
        report = evaluate(profile, site_for_lot(layers, lot_id), as_of=as_of)
        grants = grant_table(report, lang)
    return {
        "lot": lot,
        "park": park,
        "as_of": as_of,
        "produced_on": dt.date.today(),
        "profile": profile,
        "profile_rows": profile_rows(profile) if profile is not None else [],
        "failed": [c for c in checks if not c.ok],
        "grants": grants,
        "static_map": lot_map(layers, lot_id, lang=lang, as_of=as_of),
        "map_config": map_config(as_of=as_of, parks=[lot["park_id"]]),
        "routes": lot_routes(layers, lot_id),
    }


def render_pitch_html(
    lot_id: str,
    profile: FirmProfile | None,
    lang: Lang,
    *,
    as_of: dt.date | None = None,
    for_print: bool = False,
) -> str:
    """Render the pitch sheet of ``lot_id`` for ``profile`` (or facts only) in ``lang``.

    Call inside a request context of the app (asset URLs are built with ``url_for``).

    Parameters
    ----------
    lot_id
        The lot, e.g. ``inaho/P2-1``.
    profile
        The firm's validated profile, or None for a sheet of facts only.
    lang
        ``"ja"`` or ``"en"``, whatever the request's language.
    as_of
        Date of the lot status (today when None).
    for_print
        Leave out the screen-only tool bar (print button, language switch).

    Raises
    ------
    LotNotFoundError
        If no lot has ``lot_id``.
    """
    day = as_of or dt.date.today()
    with page_language(lang):
        context = pitch_context(lot_id, profile, lang, day)
        return render_template(
            "pitch/sheet.html",
            lang=lang,
            for_print=for_print,
            posted=dict(request.form.items()) if request.method == "POST" else {},
            **context,
        )


@bp.route("/pitch", methods=["GET", "POST"])
def pitch() -> ResponseReturnValue:
    """Show the pitch sheet of ``lot``: facts only by GET, with grants for a POSTed profile.

    The firm's figures are accepted only in a POST body, so they never appear in URLs,
    server logs or browser history.
    """
    posted_lang = request.form.get("lang")
    if posted_lang in LANGS:
        g.lang = posted_lang  # a posted form names its language in the body (errors too)
    if request.method == "GET":
        reject_figures_in_url(request.args)
    req = parse_pitch_request(request.values, today=dt.date.today())
    return render_pitch_html(req.lot_id, req.profile, current_lang(), as_of=req.as_of)
