"""Downloads: a public layer, or the lots of a search, as GeoJSON, CSV or GeoPackage.

Only public columns leave the app (an allow-list per layer): no lead, inquiry or firm
data, and no firm criteria (a search is exported as its lot ids). Sizes are bounded: four
small layers, at most :data:`MAX_LOTS` lots by id.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyogrio
from flask import Blueprint, Response, abort, request
from flask.typing import ResponseReturnValue

from geo.crs import WEB_CRS
from parks.errors import InvalidInputError
from webapp import get_layers, lots_on
from webapp.requests import _collect, _reject_unknown, validate_date, validate_lot_ids

bp = Blueprint("exports", __name__, url_prefix="/exports")

EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "parks": (
        "park_id",
        "name_ja",
        "name_en",
        "address_ja",
        "saleable_area_m2",
        "total_area_m2",
        "opened",
        "admitted_industries",
        "groundwater",
        "outline_method",
        "is_illustrative",
        "source",
    ),
    "lots": (
        "lot_id",
        "park_id",
        "lot_no",
        "phase",
        "area_m2",
        "status",
        "available_from",
        "price_per_m2",
        "is_illustrative",
        "illustrative_reason",
        "source",
    ),
    "destinations": ("id", "kind", "name_ja", "name_en", "is_approximate", "source"),
    "zones": (
        "zone_id",
        "kind",
        "name_ja",
        "name_en",
        "park_id",
        "is_approximate",
        "approx_note",
        "source",
    ),
}
"""Public columns per exportable layer (the lots' ``occupant`` stays out: it may name a firm
in talks once the city imports its own inventory)."""

FORMATS = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "gpkg": "application/geopackage+sqlite3",
}

MAX_LOTS = 500
"""Most lots exported by id (a search returns far fewer)."""


def export_frame(layer: str, args: dict[str, str]) -> tuple[gpd.GeoDataFrame, str]:
    """Return the rows and public columns of ``layer`` for the query, and a file name stem.

    ``lots`` takes ``as_of`` (status on that date) and ``lots=ID,...`` (only those lots);
    the other layers take no parameter.

    Raises
    ------
    InvalidInputError
        Listing every problem of the query.
    """
    layers = get_layers()
    allowed = ("as_of", "lots", "lang") if layer == "lots" else ("lang",)
    problems: list[Any] = list(_reject_unknown(args, allowed))
    stem = f"kanazawa-{layer}"
    if layer != "lots":
        if problems:
            raise InvalidInputError(problems)
        frame = getattr(layers, layer)
        return frame[[*EXPORT_COLUMNS[layer], "geometry"]], stem
    as_of = _collect(problems, lambda: validate_date(args.get("as_of")), None)
    ids: tuple[str, ...] = ()
    if args.get("lots"):
        known = set(layers.lots["lot_id"])
        ids = _collect(
            problems, lambda: validate_lot_ids(args.get("lots"), known, lo=1, hi=MAX_LOTS), ()
        )
    if problems:
        raise InvalidInputError(problems)
    frame = lots_on(layers, as_of)
    if ids:
        frame = frame.set_index("lot_id", drop=False).loc[list(ids)].reset_index(drop=True)
    if as_of is not None:
        stem += f"-{as_of.isoformat()}"
    return frame[[*EXPORT_COLUMNS["lots"], "geometry"]], stem


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""First characters that make a spreadsheet read a text cell as a formula."""


def _plain(value: Any) -> Any:
    """Return a cell as a plain value: NaN as empty, dates as ISO text.

    Text that a spreadsheet would run as a formula (``=HYPERLINK(...)`` in an imported
    ``source``) gets a leading apostrophe, so it opens as the text it is (OWASP's advice
    against CSV injection). Numbers stay numbers.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(frame: gpd.GeoDataFrame) -> bytes:
    """Return rows as CSV with the representative point's ``lon``/``lat`` (UTF-8 with BOM,
    so spreadsheet programs read the Japanese names correctly)."""
    web = frame.to_crs(WEB_CRS)
    points = web.geometry.representative_point()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    columns = [c for c in web.columns if c != "geometry"]
    writer.writerow([*columns, "lon", "lat"])
    for row, point in zip(web[columns].itertuples(index=False), points, strict=True):
        writer.writerow([*(_plain(v) for v in row), round(point.x, 6), round(point.y, 6)])
    return out.getvalue().encode("utf-8-sig")


def to_geojson(frame: gpd.GeoDataFrame) -> bytes:
    """Return rows as a GeoJSON FeatureCollection in EPSG:4326."""
    text = frame.to_crs(WEB_CRS).to_json(na="null", drop_id=True)
    return json.dumps(json.loads(text), ensure_ascii=False).encode("utf-8")


def to_gpkg(frame: gpd.GeoDataFrame, layer: str) -> bytes:
    """Return rows as a GeoPackage with one layer named ``layer``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{layer}.gpkg"
        pyogrio.write_dataframe(frame.to_crs(WEB_CRS), path, layer=layer, driver="GPKG")
        return path.read_bytes()


@bp.get("/<layer>.<fmt>")
def export(layer: str, fmt: str) -> ResponseReturnValue:
    """Download ``layer`` (parks, lots, destinations, zones) as ``fmt`` (geojson, csv, gpkg)."""
    if layer not in EXPORT_COLUMNS or fmt not in FORMATS:
        abort(404)
    frame, stem = export_frame(layer, dict(request.args.items()))
    if fmt == "csv":
        body = to_csv(frame)
    elif fmt == "geojson":
        body = to_geojson(frame)
    else:
        body = to_gpkg(frame, layer)
    response = Response(body, mimetype=FORMATS[fmt].split(";")[0])
    response.headers["Content-Type"] = FORMATS[fmt]
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
