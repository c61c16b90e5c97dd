"""Step 6 — checks: every constraint of the dataset, recomputed from independent layers.

The checks read the built layers (outlines, lots, events) and compare them with reference
layers the build did not derive them from — the N03 city boundary, the N06 expressway
sections and the OSM motorway and ramp lines, the OSM road centre lines, the 2015 census
small areas and the Geolonia town points — and with every dated figure the sources report.
``siting check-data`` prints them; the tests call the same functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS, WEB_CRS
from parks.build import sources
from parks.data import Layers
from parks.facts import read_yaml
from parks.lots import statuses_on

MAX_OUTSIDE_CITY_PCT = 2.0
MAX_EXPRESSWAY_M = 30.0
MAX_ROAD_IN_LOTS_M = 50.0
LOT_INSET_M = 8.0
MAX_CENTROID_M = 150.0
MAX_FIGURE_POINTS = 3.0
AIRPORT_IC_MINUTES = (5.0, 7.0)
"""Published drive time from Komatsu Airport to 小松IC: about 5–7 minutes."""

MARKET = ("available", "negotiating", "reserved", "sold")
"""Statuses of a lot that exists and is on the market or sold (not ``planned``)."""

OWN_TOWN_POINTS = {
    "techno-park": ("北陽台一丁目", "北陽台二丁目", "北陽台三丁目"),
    "inaho": ("いなほ一丁目", "いなほ二丁目"),
    "katatsu": ("かたつ",),
}
"""Geolonia town points of the small areas that are the parks themselves."""


@dataclass(frozen=True)
class Check:
    """One checked figure: what, where, its value, its limit, and whether it holds."""

    check: str
    park_id: str
    subject: str
    value: float | None
    limit: str
    unit: str
    ok: bool
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready mapping."""
        return {
            "check": self.check,
            "park_id": self.park_id,
            "subject": self.subject,
            "value": self.value,
            "limit": self.limit,
            "unit": self.unit,
            "ok": self.ok,
            "source": self.source,
        }


@dataclass(frozen=True)
class References:
    """The independent layers the checks compare with (EPSG:4326)."""

    city: BaseGeometry
    city_source: str
    expressways: Mapping[str, gpd.GeoSeries]
    """Expressway and ramp centre lines by source (e.g. N06, OSM motorway, OSM ramps)."""
    roads: gpd.GeoSeries
    roads_source: str
    small_areas: gpd.GeoDataFrame | None = None
    towns: gpd.GeoDataFrame | None = None


def references_from_raw(raw_dir: Path) -> References:
    """Reference layers read straight from the raw sources in ``raw_dir``."""
    transport = sources.read_osm(raw_dir, "transportation")
    lines = sources.expressway_lines(raw_dir, transport)
    return References(
        city=sources.read_city(raw_dir),
        city_source="N03 (raw)",
        expressways={
            "N06 sections": lines.n06,
            "OSM motorway": lines.osm_motorway,
            "OSM ramps": lines.osm_ramps,
        },
        roads=sources.public_roads(transport).geometry,
        roads_source="OSM 2017 drivable lines (raw)",
        small_areas=sources.read_small_areas(raw_dir),
        towns=sources.read_towns(raw_dir),
    )


def references_from_data(layers: Layers) -> References:
    """Reference layers from the embedded data alone (no census small areas)."""
    roads = layers.roads
    is_ramp = roads["ramp"].fillna(0).astype(int) == 1
    return References(
        city=shapely.union_all(layers.boundary.geometry.to_numpy()),
        city_source="boundary layer (N03, simplified)",
        expressways={
            "N06 sections": layers.expressways.geometry,
            "OSM motorway": roads[(roads["class"] == "motorway") & ~is_ramp].geometry,
            "OSM ramps": roads[is_ramp].geometry,
        },
        roads=roads.geometry,
        roads_source="roads layer (OSM 2017 drivable lines)",
    )


def _metric(geoms: Iterable[BaseGeometry] | gpd.GeoSeries) -> gpd.GeoSeries:
    series = geoms if isinstance(geoms, gpd.GeoSeries) else gpd.GeoSeries(list(geoms), crs=WEB_CRS)
    return series.to_crs(METRIC_CRS)


def outside_city(parks: gpd.GeoDataFrame, refs: References) -> list[Check]:
    """Share of each outline outside the city (N03)."""
    city = _metric([refs.city]).iloc[0]
    out = []
    for park_id, geom in zip(parks["park_id"], _metric(parks.geometry), strict=True):
        pct = 100 * geom.difference(city).area / geom.area
        out.append(
            Check(
                "outline outside the city",
                str(park_id),
                "outline",
                round(pct, 2),
                f"<= {MAX_OUTSIDE_CITY_PCT:g} %",
                "%",
                pct <= MAX_OUTSIDE_CITY_PCT,
                refs.city_source,
            )
        )
    return out


def expressway_in_outlines(parks: gpd.GeoDataFrame, refs: References) -> list[Check]:
    """Metres of expressway or ramp centre line inside each outline, per reference source."""
    out = []
    outlines = _metric(parks.geometry)
    for source, lines in refs.expressways.items():
        metric = _metric(lines)
        tree = shapely.STRtree(metric.to_numpy())
        for park_id, geom in zip(parks["park_id"], outlines, strict=True):
            near = metric.to_numpy()[tree.query(geom)]
            metres = float(shapely.length(shapely.intersection(near, geom)).sum())
            out.append(
                Check(
                    "expressway/ramp inside outline",
                    str(park_id),
                    source,
                    round(metres, 1),
                    f"<= {MAX_EXPRESSWAY_M:g} m",
                    "m",
                    metres <= MAX_EXPRESSWAY_M,
                    source,
                )
            )
    return out


def roads_in_lots(
    lots: gpd.GeoDataFrame, refs: References, *, inset_m: float = LOT_INSET_M
) -> list[Check]:
    """Metres of public road centre line inside each park's lots, ``inset_m`` in from the edge."""
    roads = _metric(refs.roads)
    tree = shapely.STRtree(roads.to_numpy())
    metric = _metric(lots.geometry)
    out = []
    for park_id in dict.fromkeys(lots["park_id"]):
        mask = (lots["park_id"] == park_id).to_numpy()
        interiors = shapely.buffer(metric.to_numpy()[mask], -inset_m)
        metres = 0.0
        for geom in interiors[~shapely.is_empty(interiors)]:
            near = roads.to_numpy()[tree.query(geom)]
            metres += float(shapely.length(shapely.intersection(near, geom)).sum())
        out.append(
            Check(
                f"public road inside lots ({inset_m:g} m in)",
                str(park_id),
                f"{int(mask.sum())} lots",
                round(metres, 1),
                f"<= {MAX_ROAD_IN_LOTS_M:g} m",
                "m",
                metres <= MAX_ROAD_IN_LOTS_M,
                refs.roads_source,
            )
        )
    return out


def centroids_near_outlines(parks: gpd.GeoDataFrame, refs: References) -> list[Check]:
    """Distance from each park's census small-area centroids (and town points) to its outline.

    A park that is whole small areas is checked against each of them; a park that is only
    part of a small area is checked against that area's centroid too (it lies in it).
    """
    out: list[Check] = []
    outlines = dict(zip(parks["park_id"], _metric(parks.geometry), strict=True))
    if refs.small_areas is not None:
        areas = refs.small_areas[refs.small_areas["city"] == sources.CITY_NAME]
        for park_id, names in _park_small_areas(parks).items():
            for name in names:
                row = sources.small_area(areas, name)
                point = _metric([row.geometry]).iloc[0]
                dist = float(outlines[park_id].distance(point))
                out.append(
                    Check(
                        "census small-area centroid to outline",
                        park_id,
                        name,
                        round(dist, 1),
                        f"<= {MAX_CENTROID_M:g} m",
                        "m",
                        dist <= MAX_CENTROID_M,
                        "e-Stat 2015 census small areas (raw)",
                    )
                )
    if refs.towns is not None:
        for park_id, towns in OWN_TOWN_POINTS.items():
            for town in towns:
                point = _metric([sources.town_point(refs.towns, town)]).iloc[0]
                dist = float(outlines[park_id].distance(point))
                out.append(
                    Check(
                        "town point to outline",
                        park_id,
                        town,
                        round(dist, 1),
                        f"<= {MAX_CENTROID_M:g} m",
                        "m",
                        dist <= MAX_CENTROID_M,
                        "Geolonia town points (raw)",
                    )
                )
    return out


def _park_small_areas(parks: gpd.GeoDataFrame) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for park_id, names in zip(parks["park_id"], parks["small_areas"], strict=True):
        out[str(park_id)] = [str(n) for n in json.loads(str(names)) if n]
    return out


def rebuilt_figures(
    lots: pd.DataFrame, events: pd.DataFrame, park_id: str, report: Mapping[str, Any]
) -> dict[str, float]:
    """The park's sold share (by area, %), lots sold and lots left on a report's date.

    Only lots on the market or sold that day count (a lot not yet open or still planned
    does not); ``phase`` or ``lots`` in the report narrow the scope.
    """
    mine = lots[lots["park_id"] == park_id]
    if report.get("phase") is not None:
        phases = report["phase"] if isinstance(report["phase"], list) else [report["phase"]]
        mine = mine[mine["phase"].isin([int(p) for p in phases])]
    if report.get("lots"):
        wanted = {f"{park_id}/{no}" for no in report["lots"]}
        mine = mine[mine["lot_id"].isin(wanted)]
    status = mine["lot_id"].map(statuses_on(events, str(report["date"])))
    market = status.isin(MARKET).to_numpy()
    sold = (status == "sold").to_numpy()
    if isinstance(mine, gpd.GeoDataFrame):
        area = _metric(mine.geometry).area.to_numpy()
    else:
        area = mine["area_m2"].astype(float).to_numpy()
    total = float(area[market].sum())
    return {
        "sold_pct": 100 * float(area[sold].sum()) / total if total else float("nan"),
        "lots_sold": float(sold.sum()),
        "lots_left": float(market.sum() - sold.sum()),
        "lots_market": float(market.sum()),
    }


def reported_figures(
    lots: pd.DataFrame, events: pd.DataFrame, reports: Mapping[str, Sequence[Mapping[str, Any]]]
) -> list[Check]:
    """Every reported figure against the value the history rebuilds on its date.

    A share must agree within 3 points; a lot count is compared as a share of the lots
    on the market that day, so it must agree within 3 points too (in practice: exactly,
    unless the park has over 33 lots).
    """
    out = []
    for park_id, items in reports.items():
        for report in items:
            got = rebuilt_figures(lots, events, park_id, report)
            scope = _scope(report)
            for key in ("sold_pct", "lots_sold", "lots_left"):
                if report.get(key) is None:
                    continue
                want = float(report[key])
                if key == "sold_pct":
                    diff = abs(got[key] - want)
                    value, unit = round(got[key], 1), "%"
                else:
                    diff = 100 * abs(got[key] - want) / max(got["lots_market"], 1.0)
                    value, unit = got[key], "lots"
                date = str(report["date"]) + (
                    " (date inferred)" if report.get("date_inferred") else ""
                )
                out.append(
                    Check(
                        "reported figure",
                        park_id,
                        f"{date}{scope}: {key} reported {want:g}",
                        value,
                        f"within {MAX_FIGURE_POINTS:g} pts",
                        unit,
                        diff <= MAX_FIGURE_POINTS,
                        str(report.get("source", "")),
                    )
                )
    return out


def _scope(report: Mapping[str, Any]) -> str:
    if report.get("phase") is not None:
        return f" phase {report['phase']}"
    if report.get("lots"):
        return f" ({report.get('scope_note') or ', '.join(map(str, report['lots']))})"
    return ""


def lots_inside_outlines(parks: gpd.GeoDataFrame, lots: gpd.GeoDataFrame) -> list[Check]:
    """Area of each park's lots outside its outline (m²; should be none)."""
    outlines = dict(zip(parks["park_id"], _metric(parks.geometry), strict=True))
    metric = _metric(lots.geometry)
    out = []
    for park_id, outline in outlines.items():
        mask = (lots["park_id"] == park_id).to_numpy()
        outside = float(
            shapely.area(shapely.difference(metric.to_numpy()[mask], outline.buffer(0.5))).sum()
        )
        out.append(
            Check(
                "lots outside their outline",
                str(park_id),
                "lots",
                round(outside, 1),
                "<= 1 m²",
                "m²",
                outside <= 1.0,
                "lots layer",
            )
        )
    return out


def published_lot_areas(lots: gpd.GeoDataFrame) -> list[Check]:
    """Largest gap between a lot's drawn area and its published area, per park (%)."""
    out = []
    metric = _metric(lots.geometry)
    for park_id in dict.fromkeys(lots["park_id"]):
        mask = (lots["park_id"] == park_id) & lots["published_area_m2"].notna()
        if not mask.any():
            continue
        drawn = metric[mask.to_numpy()].area.to_numpy()
        published = lots.loc[mask, "published_area_m2"].astype(float).to_numpy()
        gap = float(np.max(np.abs(drawn - published) / published) * 100)
        out.append(
            Check(
                "published lot area kept",
                str(park_id),
                f"{int(mask.sum())} lots",
                round(gap, 3),
                "<= 0.5 %",
                "%",
                gap <= 0.5,
                "lots layer",
            )
        )
    return out


def airport_to_interchange(layers: Layers) -> list[Check]:
    """Drive minutes from the airport destination to 小松IC over the access network."""
    from geo.network import attach, drive_minutes
    from parks.access import access_network

    acc = access_network(layers)
    dests = acc.destinations
    ids = list(dests["id"])
    if "airport-komatsu" not in ids or "ic-komatsu" not in ids:
        return []
    graph = acc.graph("normal")
    airport = dests[dests["id"] == "airport-komatsu"].geometry
    start = attach(acc.network, airport, nodes="local")
    matrix = drive_minutes(graph, start, acc.destination_attachment)
    minutes = float(matrix.minutes[0, ids.index("ic-komatsu")])
    lo, hi = AIRPORT_IC_MINUTES
    return [
        Check(
            "airport to 小松IC",
            "-",
            "airport-komatsu -> ic-komatsu (normal speeds)",
            round(minutes, 1),
            f"{lo:g}-{hi:g} min",
            "min",
            lo <= minutes <= hi,
            "published: about 5-7 minutes by car",
        )
    ]


def dated_reports(data_dir: Path) -> dict[str, list[dict[str, Any]]]:
    """The dated reported figures copied into ``data_dir/facts/parks.yaml`` by the build."""
    facts = read_yaml(Path(data_dir) / "facts" / "parks.yaml")
    reports = facts.get("dated_reports") or {}
    return {str(k): list(v) for k, v in reports.items()}


def run_checks(
    layers: Layers,
    refs: References,
    reports: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    with_access: bool = True,
) -> list[Check]:
    """Every check of the dataset, in the order ``siting check-data`` prints them."""
    checks = outside_city(layers.parks, refs)
    checks += expressway_in_outlines(layers.parks, refs)
    checks += roads_in_lots(layers.lots, refs)
    checks += centroids_near_outlines(layers.parks, refs)
    checks += lots_inside_outlines(layers.parks, layers.lots)
    checks += published_lot_areas(layers.lots)
    checks += reported_figures(layers.lots, layers.lot_events, reports)
    if with_access:
        checks += airport_to_interchange(layers)
    return checks
