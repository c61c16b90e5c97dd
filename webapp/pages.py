"""Public pages with stable URLs: a lot, a park, lots side by side, the shortlist, the sources.

Each view parses its query, gathers facts from :mod:`webapp.lot_facts` and renders a
template in the page language. A lot page also estimates grants for a firm profile posted
to it (figures never travel in the URL).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from parks.errors import DataNotFoundError, InvalidFirmProfileError, InvalidInputError
from parks.grants import evaluate, load_rules, site_for_lot
from parks.matching import check_lot
from webapp import get_layers, lots_on
from webapp.grant_view import grant_table
from webapp.i18n import current_lang
from webapp.layers import map_config
from webapp.lot_facts import (
    history_rows,
    lot_facts,
    lot_label,
    lot_or_404,
    lot_routes,
    park_facts,
    park_history,
    park_or_404,
    source_refs,
)
from webapp.names import ids
from webapp.planner import labour_shed_figure
from webapp.problems import show_problems
from webapp.profile_form import FIELDS, SECTIONS
from webapp.requests import (
    COMPARE_MAX,
    COMPARE_MIN,
    SHORTLIST_MAX,
    parse_lot_list_query,
    parse_page_query,
    parse_pitch_request,
    reject_figures_in_url,
    validate_date,
)
from webapp.sources import data_sources

bp = Blueprint("pages", __name__)


def _today() -> dt.date:
    return dt.date.today()


def form_context(values: dict[str, str] | None = None) -> dict[str, Any]:
    """Return what the firm-profile form macro needs: fields, sections, choices, values."""
    return {
        "fields": FIELDS,
        "sections": SECTIONS,
        "choices": {f.name: f.choices or ids(f.name) for f in FIELDS if f.kind == "choice"},
        "values": values or {},
    }


@bp.route("/lots/<path:lot_id>", methods=["GET", "POST"])
def lot(lot_id: str) -> ResponseReturnValue:
    """Show one lot: status verified on a date, drive minutes, routes, unknowns, grants.

    A POSTed firm profile adds the grant estimate and the lot's check against the firm's
    criteria; the figures come only in the body, never in the URL. A profile with problems
    gets the form back with each problem next to its field (400).
    """
    layers = get_layers()
    lot_or_404(layers, lot_id)  # an unknown lot is a 404 before anything else
    lang = current_lang()
    if request.method == "GET":
        reject_figures_in_url(request.args)
    form_problems: list[Any] = []
    profile = None
    try:
        req = parse_pitch_request(request.values, today=_today(), lot_id=lot_id)
        as_of, profile = req.as_of, req.profile
    except InvalidFirmProfileError as exc:
        if request.method != "POST":
            raise
        form_problems = show_problems(exc, lang)
        try:
            as_of = validate_date(request.values.get("as_of")) or _today()
        except InvalidInputError:
            as_of = _today()
    facts = lot_facts(layers, lot_id, as_of, lang)
    grants = checks = None
    if profile is not None:
        report = evaluate(profile, site_for_lot(layers, lot_id), as_of=as_of)
        grants = grant_table(report, lang)
        checks = check_lot(layers, profile, lot_id, as_of=as_of)
    page = render_template(
        "pages/lot.html",
        lot=facts,
        park=park_facts(layers, facts["park_id"], lang),
        as_of=as_of,
        history=history_rows(layers, lot_id, lang),
        grants=grants,
        checks=checks,
        form=form_context(dict(request.form.items()) if request.method == "POST" else {}),
        form_problems=form_problems,
        map_config=map_config(as_of=as_of, parks=[facts["park_id"]]),
        routes=lot_routes(layers, lot_id),
        labour_shed=labour_shed_figure(lot_id=lot_id),
    )
    return page, 400 if form_problems else 200


@bp.get("/parks/<park_id>")
def park(park_id: str) -> ResponseReturnValue:
    """Show one park: facts with sources, occupants, sold share over time, history, lots."""
    layers = get_layers()
    park_or_404(layers, park_id)
    as_of = parse_page_query(request.args) or _today()
    lang = current_lang()
    facts = park_facts(layers, park_id, lang)
    history = park_history(layers, park_id, lang)
    lots = lots_table(layers, park_id, as_of, lang)
    return render_template(
        "pages/park.html",
        park=facts,
        as_of=as_of,
        history=history,
        chart=share_chart(history),
        lots=lots,
        map_config=map_config(as_of=as_of, parks=[park_id]),
        labour_shed=labour_shed_figure(park_id=park_id),
    )


def lots_table(layers: Any, park_id: str, as_of: dt.date, lang: str) -> list[dict[str, Any]]:
    """Return the park's lots with their status on ``as_of`` (for the park page's table)."""
    frame = lots_on(layers, as_of)
    frame = frame[frame["park_id"] == park_id]
    return [
        {
            "lot_id": str(row.lot_id),
            "label": lot_label(layers, str(row.lot_id), lang),
            "area_m2": float(row.area_m2),
            "status": row.status if isinstance(row.status, str) else None,
            "phase": row.phase,
        }
        for row in frame.itertuples()
    ]


CHART_WIDTH, CHART_HEIGHT = 560, 180


def share_chart(history: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Return an SVG step chart of the sold share over time (points in chart pixels)."""
    if not history:
        return None
    days = [dt.date.fromisoformat(h["iso"]).toordinal() for h in history]
    first, last = days[0], max(days[-1], _today().toordinal())
    span = max(last - first, 1)
    left, bottom, top, right = 44, CHART_HEIGHT - 24, 10, CHART_WIDTH - 10

    def x(day: int) -> float:
        return round(left + (day - first) / span * (right - left), 1)

    def y(share: float) -> float:
        return round(bottom - share * (bottom - top), 1)

    points = []
    for i, (day, row) in enumerate(zip(days, history, strict=True)):
        if i:
            points.append((x(day), y(history[i - 1]["sold_share"])))
        points.append((x(day), y(row["sold_share"])))
    points.append((x(last), y(history[-1]["sold_share"])))
    years = sorted({dt.date.fromordinal(d).year for d in (first, last)})
    ticks = [
        {"x": x(dt.date(year, 1, 1).toordinal()), "label": str(year)}
        for year in range(years[0] + 1, years[-1] + 1)
        if (years[-1] - years[0]) <= 12 or year % 5 == 0
    ]
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "points": " ".join(f"{px},{py}" for px, py in points),
        "left": left,
        "right": right,
        "top": top,
        "bottom": bottom,
        "ticks": ticks,
        "y50": y(0.5),
    }


@bp.get("/compare")
def compare() -> ResponseReturnValue:
    """Set 2 to 4 lots side by side: ``/compare?lots=ID,ID[,ID,ID]``."""
    layers = get_layers()
    lots, as_of = parse_lot_list_query(
        request.args, set(layers.lots["lot_id"]), lo=COMPARE_MIN, hi=COMPARE_MAX
    )
    as_of = as_of or _today()
    lang = current_lang()
    facts = [lot_facts(layers, lot_id, as_of, lang) for lot_id in lots]
    parks = {f["park_id"]: park_facts(layers, f["park_id"], lang) for f in facts}
    return render_template("pages/compare.html", lots=facts, parks=parks, as_of=as_of)


@bp.get("/shortlist")
def shortlist() -> ResponseReturnValue:
    """Show the shortlist kept in the browser; ``?lots=`` is how the browser hands it over.

    The list lives in the browser's storage (no account): ``shortlist.js`` opens this page
    with the stored ids, so it survives a reload.
    """
    layers = get_layers()
    known = set(layers.lots["lot_id"])
    lots, as_of = parse_lot_list_query(request.args, known, lo=0, hi=SHORTLIST_MAX)
    as_of = as_of or _today()
    lang = current_lang()
    facts = [lot_facts(layers, lot_id, as_of, lang) for lot_id in lots]
    return render_template(
        "pages/shortlist.html",
        lots=facts,
        as_of=as_of,
        compare_max=COMPARE_MAX,
        given=bool(request.args.get("lots")),
    )


@bp.get("/sources")
def sources() -> ResponseReturnValue:
    """List every source behind the facts the app shows, with licences and credits."""
    parse_page_query(request.args)
    layers = get_layers()
    lang = current_lang()
    parks = [
        {
            "name": park_facts(layers, str(pid), lang)["name"],
            "park_id": str(pid),
            "sources": source_refs(src),
        }
        for pid, src in zip(layers.parks["park_id"], layers.parks["source"], strict=True)
    ]
    return render_template(
        "pages/sources.html",
        parks=parks,
        layers=data_sources(layers, lang),
        grant_sources=grant_sources(lang),
    )


def grant_sources(lang: str) -> list[dict[str, Any]]:
    """Return each grant programme with its sources, official ones first and marked."""
    from webapp.grant_view import programme_sources

    try:
        rules = load_rules()
    except DataNotFoundError:  # an installation without grant rules lists none
        return []
    return [
        {
            "name": rule.name.in_lang(lang),
            "sources": programme_sources(
                [
                    {"url": s.url, "title": s.title.in_lang(lang), "source_date": s.date}
                    for s in rule.sources
                ]
            ),
        }
        for rule in rules.programmes
    ]
