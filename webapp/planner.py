"""The planner's workspace under /planner/: assess an area, suitability map, labour shed, vacancy.

Each view parses the request, calls :mod:`parks.planning`, and renders. Areas arrive drawn
(GeoJSON) or uploaded (GeoJSON, GeoPackage, zipped Shapefile); they are checked whole and
never stored. Exports (GeoJSON, CSV, PDF) are made from the area sent with the request.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from parks.data import Layers
from parks.errors import (
    DataNotFoundError,
    InvalidInputError,
    LotNotFoundError,
    ParkNotFoundError,
)
from parks.messages import Message
from parks.planning.area import Area, area_from_geojson, area_from_geometry, area_from_upload
from parks.planning.assess import Assessment, assess_area, assessment_feature, assessment_row
from parks.planning.criteria import CRITERIA, CRITERION_NAMES
from parks.planning.data import PlanningData, load_planning
from parks.planning.errors import AreaRejectedError, PlanningInputError, WeightsError
from parks.planning.labour import LabourShed, labour_shed
from parks.planning.layers import LayerStore
from parks.planning.suitability import suitability
from parks.planning.vacancy import vacancy
from parks.planning.weights import (
    CriteriaWeights,
    default_weights,
    weights_from_document,
    weights_from_mapping,
)
from webapp import get_layers
from webapp.i18n import current_lang, render_message
from webapp.planner_report import (
    Line,
    bar_chart_svg,
    csv_bytes,
    outline_svg,
    pdf_from_html,
    step_chart_svg,
    suitability_png,
)
from webapp.planner_texts import source_text, unit_text
from webapp.problems import show_problems
from webapp.requests import parse_json_body
from webapp.staff_auth import refuse_without

bp = Blueprint("planner", __name__, url_prefix="/planner")

PLANNING_KEY = "siting_planning"
SUITABILITY_KEY = "siting_planner_suitability"

MAX_UPLOAD_BYTES = 10_000_000
MAX_WEIGHTS_CHARS = 10_000


def init_app(app: Flask) -> None:
    """Set the planner's defaults and register its blueprint.

    ``LAYER_DIR`` (default ``<instance>/layers``) holds the layers a city loads with
    ``siting add-layer``; ``PLANNER_CELL_M`` is the cell size of the suitability map shown
    on the page (the CLI makes the 10 m one).
    """
    app.config.setdefault("LAYER_DIR", str(Path(app.instance_path) / "layers"))
    app.config.setdefault("PLANNER_CELL_M", 100.0)
    app.config.setdefault("PLANNER_UPLOAD_BYTES", MAX_UPLOAD_BYTES)
    app.extensions[SUITABILITY_KEY] = SuitabilityCache(4)
    app.extensions[PLANNING_KEY] = None
    app.register_blueprint(bp)


def get_planning() -> PlanningData:
    """Return the planner's data, loaded on first use (503 until it is built)."""
    planning = current_app.extensions.get(PLANNING_KEY)
    if planning is None:
        try:
            planning = load_planning(Path(current_app.config["DATA_DIR"]))
        except DataNotFoundError as exc:
            current_app.logger.warning("planner data missing: %s", exc)
            abort(503, _("The planner's data is not built yet (siting build-planning)."))
        current_app.extensions[PLANNING_KEY] = planning
    assert isinstance(planning, PlanningData)
    return planning


def get_store() -> LayerStore:
    """Return the store of layers the city loaded."""
    return LayerStore(Path(current_app.config["LAYER_DIR"]))


# --------------------------------------------------------------------------------------------
# errors


def _wants_json() -> bool:
    if request.path.endswith(".json") or request.args.get("format") == "json":
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


@bp.before_request
def _planners_only() -> ResponseReturnValue | None:
    """Open the workspace only to signed-in staff with the ``planner`` permission.

    It shows the city's candidate-site study and the unmet demand of the search log:
    internal until the city publishes a decision (a published candidate site invites land
    speculation). Runs first, so an anonymous upload is refused before its body is read.
    """
    if not current_user.is_authenticated and _wants_json():
        message = _("Sign in first.")
        return jsonify({"error": message, "problems": [message]}), 401
    refusal: ResponseReturnValue | None = refuse_without("planner")
    return refusal


@bp.before_request
def _bound_uploads() -> ResponseReturnValue | None:
    """Refuse a body larger than an upload may be before it is parsed (nothing is read)."""
    limit = int(current_app.config["PLANNER_UPLOAD_BYTES"]) + 65_536
    if request.content_length is not None and request.content_length > limit:
        message = _("The upload is larger than %(limit)s bytes.", limit=f"{limit:,}")
        if _wants_json():
            return jsonify({"error": message, "problems": [message]}), 413
        return render_template("planner/error.html", title=message, problems=[message]), 413
    return None


@bp.errorhandler(PlanningInputError)
def _planning_error(exc: PlanningInputError) -> ResponseReturnValue:
    """Answer a refused area or bad weights with every problem, in the reader's language."""
    lang = current_lang()
    problems = [render_message(m, lang) for m in exc.messages]
    title = (
        _("The area was not assessed")
        if isinstance(exc, AreaRejectedError)
        else _("The weights were not used")
    )
    if _wants_json():
        return jsonify({"error": title, "problems": problems}), 400
    return render_template("planner/error.html", title=title, problems=problems), 400


# --------------------------------------------------------------------------------------------
# parsing


MAX_BODY_DEPTH = 12
"""Deepest JSON body accepted: a drawn MultiPolygon inside a Feature inside a wrapper is 9."""


def json_body() -> object:
    """Return the request's JSON body, refusing one that is not bounded JSON (400).

    NaN, Infinity, huge numbers and nesting deeper than :data:`MAX_BODY_DEPTH` are refused
    (deep nesting would otherwise exhaust Python's stack: a 500).
    """
    try:
        return parse_json_body(request.get_data(cache=True), max_depth=MAX_BODY_DEPTH)
    except InvalidInputError as exc:
        raise AreaRejectedError(
            Message(
                "the request body is not acceptable JSON: %(reason)s", {"reason": exc.problems[0]}
            )
        ) from None


def area_from_request(layers: Layers) -> Area:
    """Return the area sent: an uploaded file (``file``) or drawn GeoJSON (``geojson``)."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        limit = int(current_app.config["PLANNER_UPLOAD_BYTES"])
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            raise AreaRejectedError(
                Message(
                    "file %(name)s is larger than %(limit)s bytes",
                    {"name": upload.filename, "limit": limit},
                )
            )
        return area_from_upload(data, upload.filename, layers)
    text = None
    if request.is_json:
        body = json_body()
        if isinstance(body, dict):
            value = body.get("geojson")
            text = (
                value
                if isinstance(value, str)
                else json.dumps(value)
                if value is not None
                else None
            )
    else:
        text = request.form.get("geojson") or None
    if not text:
        raise AreaRejectedError(
            Message(
                "no area was sent: draw one on the map or upload a GeoJSON, GeoPackage or zipped Shapefile"
            )
        )
    return area_from_geojson(text, layers)


def weights_from_request() -> CriteriaWeights:
    """Return the weights asked for: ``w_<criterion>`` numbers, a ``weights`` document, or the defaults."""
    source: Any = request.form if request.method == "POST" and not request.is_json else request.args
    if request.is_json:
        body = json_body()
        source = body if isinstance(body, dict) else {}
    doc = source.get("weights")
    if isinstance(doc, str) and doc.strip():
        if len(doc) > MAX_WEIGHTS_CHARS:
            raise WeightsError(Message("the weights document is too long"))
        import yaml

        try:
            parsed = yaml.safe_load(doc)
        except yaml.YAMLError as exc:
            raise WeightsError(
                Message(
                    "the weights document is not JSON or YAML: %(error)s",
                    {"error": str(exc).splitlines()[0]},
                )
            ) from exc
        return weights_from_document(parsed)
    if isinstance(doc, dict):
        return weights_from_document(doc)
    given = {
        name: source.get(f"w_{name}")
        for name in CRITERION_NAMES
        if source.get(f"w_{name}") not in (None, "")
    }
    return weights_from_mapping(given) if given else default_weights()


def _weights_query(weights: CriteriaWeights) -> dict[str, str]:
    if weights.method == "default":
        return {}
    return {f"w_{n}": f"{w:.6g}" for n, w in weights.weights.items()}


# --------------------------------------------------------------------------------------------
# suitability, computed on demand at a coarse cell and kept


@dataclass(frozen=True)
class SuitabilityView:
    """A suitability run kept for the page: image, bounds, candidates and report."""

    key: str
    png: bytes
    bounds: list[list[float]]
    candidates: gpd.GeoDataFrame
    report: dict[str, Any]


class SuitabilityCache:
    """A small thread-safe LRU of suitability runs keyed by weights, cell and loaded layers."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, SuitabilityView] = OrderedDict()
        self._lock = threading.Lock()
        self._running = threading.Lock()

    def get_or_run(self, key: str, run: Any) -> SuitabilityView:
        """Return the run for ``key``, running it (one at a time) when absent."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        with self._running:
            with self._lock:
                if key in self._items:
                    return self._items[key]
            view: SuitabilityView = run()
            with self._lock:
                self._items[key] = view
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
            return view


def _store_signature(store: LayerStore) -> str:
    return json.dumps({k: v.added_at for k, v in store.info().items()}, sort_keys=True)


def suitability_view(weights: CriteriaWeights) -> SuitabilityView:
    """Return the (cached) coarse suitability run for ``weights``."""
    layers = get_layers()
    planning = get_planning()
    store = get_store()
    cell_m = float(current_app.config["PLANNER_CELL_M"])
    raw = json.dumps([cell_m, weights.to_dict(), _store_signature(store)], sort_keys=True)
    key = hashlib.sha256(raw.encode()).hexdigest()[:16]

    def run() -> SuitabilityView:
        with tempfile.TemporaryDirectory(prefix="siting-suitability-") as tmp:
            result = suitability(
                layers,
                planning,
                Path(tmp),
                store=store,
                cell_m=cell_m,
                weights=weights,
                max_candidates=30,
            )
            png, bounds = suitability_png(Path(tmp) / "suitability.tif")
            return SuitabilityView(
                key=key,
                png=png,
                bounds=bounds,
                candidates=result.candidates,
                report=result.to_dict(),
            )

    cache: SuitabilityCache = current_app.extensions[SUITABILITY_KEY]
    return cache.get_or_run(key, run)


# --------------------------------------------------------------------------------------------
# pages


def _criteria_rows() -> list[dict[str, Any]]:
    store = get_store()
    weights = default_weights().weights
    rows = []
    for c in CRITERIA:
        loaded = c.layer is None or store.has(c.layer)
        rows.append(
            {
                "name": c.name,
                "label": _(c.label),
                "rule": _(c.rule),
                "weight": round(weights[c.name], 2),
                "loaded": loaded,
                "source": (store.source(c.layer) if c.layer and loaded else c.source) or "",
            }
        )
    return rows


@bp.get("/")
def index() -> str:
    """Show the planner's map: draw or upload an area, the suitability layer, the labour shed."""
    lang = current_lang()
    get_planning()
    config = {
        "lang": lang,
        "tiles": current_app.config.get("TILES"),
        "tilesAttribution": current_app.config.get("TILES_ATTRIBUTION"),
        "urls": {
            "assess": url_for("planner.assess"),
            "context": url_for("planner.context_layer"),
            "smallAreas": url_for("planner.small_areas_layer"),
            "suitability": url_for("planner.suitability_json"),
        },
        "t": {
            "boundary": _("Kanazawa city boundary"),
            "parks": _("Existing industrial parks"),
            "smallAreas": _("Residents per census small area (2015)"),
            "suitability": _("Suitability (0 = unsuitable, 1 = most suitable)"),
            "candidates": _("Candidate areas (3 ha or more)"),
            "accessPoints": _("Road access points of the area"),
            "area": _("Assessed area"),
            "residents": _("residents"),
            "rank": _("Rank"),
            "score": _("Score"),
            "areaHa": _("Area (ha)"),
            "assessCandidate": _("Assess this candidate"),
            "working": _("Working…"),
            "failed": _("The request failed"),
            "drawPolygon": _("Draw an area"),
            "noData": _("no data"),
            "minutes": _("min"),
        },
        "draw": {
            "polygon": _("Draw an area (polygon)"),
            "cancel": _("Cancel"),
            "cancelTitle": _("Cancel drawing"),
            "finish": _("Finish"),
            "finishTitle": _("Finish drawing"),
            "undo": _("Delete last point"),
            "undoTitle": _("Delete the last point drawn"),
            "start": _("Click to start drawing the area."),
            "cont": _("Click to continue drawing the area."),
            "end": _("Click the first point to close the area."),
            "crossing": _("Error: the edges of an area cannot cross."),
            "edit": _("Edit the area"),
            "editDisabled": _("No area to edit"),
            "remove": _("Delete the area"),
            "removeDisabled": _("No area to delete"),
            "save": _("Save"),
            "saveTitle": _("Save changes"),
            "cancelEditTitle": _("Cancel editing and discard the changes"),
            "clearAll": _("Clear all"),
            "clearAllTitle": _("Clear every drawn area"),
            "editTooltip": _("Drag the handles to change the outline."),
            "editSubtext": _("Click Cancel to undo the changes."),
            "removeTooltip": _("Click the area to delete it."),
        },
    }
    return render_template(
        "planner/index.html",
        config=config,
        criteria=_criteria_rows(),
        layers_loaded=get_store().info(),
        other_lang_url=url_for("planner.index", lang="en" if lang == "ja" else "ja"),
    )


def _assessment(area: Area, weights: CriteriaWeights) -> Assessment:
    assessment = assess_area(get_layers(), get_planning(), area, store=get_store(), weights=weights)
    for crit in assessment.result["criteria"].values():
        # the reader's wording next to the English msgid (scripts show label_text)
        crit["label_text"] = _(crit["label"])
        crit["rule_text"] = _(crit["rule"])
        crit["unit_text"] = unit_text(crit["unit"], current_lang())
    result = assessment.result
    result["sources_text"] = [source_text(s, current_lang()) for s in result["sources"]]
    return assessment


def report_html(result: dict[str, Any], *, title: str, for_pdf: bool = False) -> str:
    """Render an assessment as the report page (also the source of the PDF)."""
    return render_template(
        "planner/report.html",
        r=result,
        title=title,
        for_pdf=for_pdf,
        produced_on=date.today().isoformat(),
        outline=outline_svg(result["geometry"], result["access_points"]["points"][:200]),
        geojson_text=json.dumps(result["geometry"]),
        weights_query=_weights_query_from_result(result),
    )


def _weights_query_from_result(result: dict[str, Any]) -> dict[str, str]:
    w = result.get("weights", {})
    if w.get("method") == "default":
        return {}
    return {f"w_{n}": f"{v:.6g}" for n, v in w.get("weights", {}).items()}


def _export(assessment: Assessment, fmt: str, *, name: str, title: str) -> Response:
    result = assessment.to_dict()
    if fmt == "json":
        return jsonify(result)
    if fmt == "geojson":
        body = json.dumps(
            {"type": "FeatureCollection", "features": [assessment_feature(result, name=name)]},
            ensure_ascii=False,
        )
        return _download(body.encode("utf-8"), "application/geo+json", f"{name}.geojson")
    if fmt == "csv":
        row = {"name": name, **assessment_row(result)}
        return _download(csv_bytes([row]), "text/csv", f"{name}.csv")
    if fmt == "pdf":
        html = report_html(result, title=title, for_pdf=True)
        pdf = pdf_from_html(html)
        return _download(pdf, "application/pdf", f"{name}.pdf")
    if fmt == "html":
        return Response(report_html(result, title=title), mimetype="text/html")
    abort(
        404,
        _(
            "unknown format %(format)s; use %(formats)s",
            format=repr(fmt),
            formats="json, geojson, csv, pdf, html",
        ),
    )


def _download(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    if mimetype == "text/csv":
        response.content_type = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.post("/assess")
def assess() -> ResponseReturnValue:
    """Assess the drawn or uploaded area: JSON for scripts, the report page otherwise."""
    area = area_from_request(get_layers())
    assessment = _assessment(area, weights_from_request())
    if _wants_json():
        return jsonify(assessment.to_dict())
    return report_html(assessment.to_dict(), title=_("Assessment of a candidate area"))


@bp.post("/assess.<fmt>")
def assess_export(fmt: str) -> ResponseReturnValue:
    """Export the assessment of the area sent as GeoJSON, CSV or PDF (nothing is stored)."""
    if fmt not in ("geojson", "csv", "pdf", "json"):
        abort(
            404,
            _(
                "unknown format %(format)s; use %(formats)s",
                format=repr(fmt),
                formats="geojson, csv, pdf, json",
            ),
        )
    area = area_from_request(get_layers())
    assessment = _assessment(area, weights_from_request())
    return _export(assessment, fmt, name="area", title=_("Assessment of a candidate area"))


@bp.get("/suitability.json")
def suitability_json() -> ResponseReturnValue:
    """Return the suitability map for the page: image URL and bounds, candidates, report."""
    weights = weights_from_request()
    view = suitability_view(weights)
    query = _weights_query(weights)
    candidates = json.loads(view.candidates.to_json(drop_id=True))
    for feature in candidates["features"]:
        cid = feature["properties"]["candidate_id"]
        feature["properties"]["links"] = {
            fmt: url_for("planner.candidate", candidate_id=cid, fmt=fmt, **query)
            for fmt in ("html", "geojson", "csv", "pdf")
        }
    return jsonify(
        {
            "image": url_for("planner.suitability_image", key=view.key),
            "bounds": view.bounds,
            "candidates": candidates,
            "report": view.report,
        }
    )


@bp.get("/suitability/<key>.png")
def suitability_image(key: str) -> ResponseReturnValue:
    """Return the image of a suitability run made for this page."""
    cache: SuitabilityCache = current_app.extensions[SUITABILITY_KEY]
    with cache._lock:
        view = cache._items.get(key)
    if view is None:
        abort(404, _("This suitability image has expired; show the suitability layer again."))
    response = Response(view.png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@bp.get("/candidates/<candidate_id>.<fmt>")
def candidate(candidate_id: str, fmt: str) -> ResponseReturnValue:
    """Assess one candidate of the suitability map and export it (html, json, geojson, csv, pdf)."""
    weights = weights_from_request()
    view = suitability_view(weights)
    rows = view.candidates[view.candidates["candidate_id"] == candidate_id]
    if rows.empty:
        abort(
            404,
            _(
                "There is no candidate area %(id)s; show the suitability layer again.",
                id=repr(candidate_id[:40]),
            ),
        )
    row = rows.iloc[0]
    area = area_from_geometry(row.geometry, get_layers(), name=candidate_id)
    assessment = _assessment(area, weights)
    assessment.result["candidate"] = {
        "candidate_id": candidate_id,
        "rank": int(row["rank"]),
        "suitability_score": float(row["score"]),
        "cell_m": view.report["grid"]["cell_m"],
    }
    title = _("Candidate area %(id)s (rank %(rank)s)", id=candidate_id, rank=int(row["rank"]))
    return _export(assessment, fmt, name=candidate_id, title=title)


# --------------------------------------------------------------------------------------------
# map layers


@bp.get("/context.geojson")
def context_layer() -> ResponseReturnValue:
    """Return the city boundary and the park outlines for the planner's map."""
    layers = get_layers()
    lang = current_lang()
    name = "name_ja" if lang == "ja" else "name_en"
    boundary = layers.boundary.assign(layer="boundary", label=layers.boundary[name])[
        ["layer", "label", "geometry"]
    ]
    parks = layers.parks.assign(layer="park", label=layers.parks[name])[
        ["layer", "label", "geometry"]
    ]
    frame = gpd.GeoDataFrame(
        gpd.pd.concat([boundary, parks], ignore_index=True),
        geometry="geometry",
        crs=layers.parks.crs,
    )
    frame["geometry"] = frame.geometry.simplify(0.0002, preserve_topology=True)
    return Response(frame.to_json(drop_id=True), mimetype="application/geo+json")


@bp.get("/small-areas.geojson")
def small_areas_layer() -> ResponseReturnValue:
    """Return the census small areas (centroids) with their population."""
    planning = get_planning()
    areas = planning.small_areas
    frame = areas[
        ["small_area_id", "name_ja", "municipality_ja", "municipality_en", "population", "geometry"]
    ]
    response = Response(frame.to_json(drop_id=True), mimetype="application/geo+json")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


# --------------------------------------------------------------------------------------------
# labour shed of a lot or a park (used by the lot and park pages too)


def labour_shed_of(*, lot_id: str | None = None, park_id: str | None = None) -> LabourShed:
    """Return the labour shed of a lot or a park.

    Raises
    ------
    LotNotFoundError, ParkNotFoundError
        If the id is unknown.
    """
    layers = get_layers()
    if lot_id is not None:
        geometry = layers.lot(lot_id).geometry
    elif park_id is not None:
        geometry = layers.park(park_id).geometry
    else:
        abort(400, _("give exactly one of lot=LOT_ID or park=PARK_ID"))
    return labour_shed(layers, get_planning(), geometry, crs=layers.lots.crs)


def labour_shed_figure(
    *, lot_id: str | None = None, park_id: str | None = None
) -> dict[str, Any] | None:
    """Return what the labour-shed figure shows, or None when the planning data is missing.

    The lot and park pages include ``planner/_labour_shed.html`` with ``shed`` set to this.
    """
    try:
        if current_app.extensions.get(PLANNING_KEY) is None:
            current_app.extensions[PLANNING_KEY] = load_planning(
                Path(current_app.config["DATA_DIR"])
            )
        shed = labour_shed_of(lot_id=lot_id, park_id=park_id)
    except DataNotFoundError:
        return None
    data = shed.to_dict()
    data["bars"] = bar_chart_svg(
        {f"{b} {_('min')}": shed.population_within[b] / 1000 for b in shed.bands},
        title=_("Residents within a drive (thousands)"),
        y_label=_("thousand residents"),
        height=200,
        width=360,
    )
    return data


@bp.get("/labour-shed")
def labour_shed_json() -> ResponseReturnValue:
    """Return the residents within 10/20/30 minutes' drive of ``?lot=`` or ``?park=``."""
    lot_id = request.args.get("lot") or None
    park_id = request.args.get("park") or None
    if (lot_id is None) == (park_id is None):
        message = _("give exactly one of lot=LOT_ID or park=PARK_ID")
        return jsonify({"error": message, "problems": [message]}), 400
    try:
        shed = labour_shed_of(lot_id=lot_id, park_id=park_id)
    except (LotNotFoundError, ParkNotFoundError) as exc:
        message = "; ".join(p.text for p in show_problems(exc, current_lang()))
        return jsonify({"error": message, "problems": [message]}), 404
    return jsonify({"lot_id": lot_id, "park_id": park_id, **shed.to_dict()})


# --------------------------------------------------------------------------------------------
# vacancy and absorption


def _demand_records() -> list[dict[str, Any]]:
    from parks.demand import read_demand

    return read_demand(Path(current_app.config["DEMAND_LOG"]))


def vacancy_data(as_of: date | None) -> dict[str, Any]:
    """Return the vacancy report for the page and its JSON."""
    return vacancy(get_layers(), as_of=as_of, demand=_demand_records())


def constraint_label(name: str) -> str:
    """Return the reader's name of a matching constraint (never the internal id)."""
    labels = {
        "availability": _("No lot on the market"),
        "industry": _("Industry not admitted"),
        "area": _("Lot size"),
        "drive_minutes": _("Drive time"),
        "groundwater": _("Groundwater"),
        "price": _("Price"),
        "several": _("Two or more constraints"),
        "unreadable": _("Unreadable log line"),
    }
    return labels.get(name, _("Other constraint"))


@bp.get("/vacancy.json")
def vacancy_json() -> ResponseReturnValue:
    """Return sold share over time, absorption, sell-out dates, forecasts and unmet demand."""
    from webapp.requests import validate_date

    return jsonify(vacancy_data(validate_date(request.args.get("as_of"))))


@bp.get("/vacancy")
def vacancy_page() -> str:
    """Show vacancy and absorption with charts drawn as SVG (no script)."""
    from webapp.requests import validate_date

    lang = current_lang()
    as_of = validate_date(request.args.get("as_of"))
    data = vacancy_data(as_of)
    end = date.fromisoformat(data["as_of"])
    lines = [
        Line(
            p["name_ja"] if lang == "ja" else p["name_en"],
            [(date.fromisoformat(s["date"]), float(s["share"])) for s in p["sold_share"]],
        )
        for p in data["parks"]
    ]
    share_chart = step_chart_svg(
        lines,
        title=_("Sold share of each park's lot area over time"),
        y_label=_("sold share"),
        end=end,
    )
    year_chart = bar_chart_svg(
        data["city"]["sold_ha_by_year"],
        title=_("Hectares sold each year, all parks (year first on record)"),
        y_label=_("ha"),
    )
    return render_template(
        "planner/vacancy.html",
        data=data,
        constraint_label=constraint_label,
        share_chart=share_chart,
        year_chart=year_chart,
        other_lang_url=url_for(
            "planner.vacancy_page",
            lang="en" if lang == "ja" else "ja",
            as_of=request.args.get("as_of"),
        ),
    )
