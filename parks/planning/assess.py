"""Assess a candidate area: size, land cover, water, access, labour shed, zones, criteria, score.

Every figure is measured from the layers (areas in EPSG:6675); every criterion says its
value, score, weight and source, or "no data" when its layer is not loaded. The score is
the weighted mean of the criteria with data (their weights rescaled to sum to 1), the same
rule the city-wide suitability map applies cell by cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS, WEB_CRS
from geo.raster import class_pieces, values_in_polygon
from parks.access import PROVENANCE, access_network
from parks.data import DESTINATION_KINDS, Layers
from parks.messages import N_
from parks.planning.area import Area, city_polygon
from parks.planning.cache import cached
from parks.planning.criteria import (
    ACCESS_SOURCE,
    CRITERIA,
    PARKS_SOURCE,
    ZONING_UNZONED_SCORE,
    landcover_score,
)
from parks.planning.data import CENSUS_SOURCE, PlanningData
from parks.planning.labour import BANDS_MINUTES, labour_shed
from parks.planning.landcover import (
    BUILT_UP_CLASS,
    CLASS_BY_VALUE,
    LANDCOVER_SOURCE,
    WATER_CLASS,
)
from parks.planning.layers import LayerStore
from parks.planning.reach import Entrances, NoRoadError, entrances, seconds_from_area
from parks.planning.weights import CriteriaWeights, default_weights

FRONTAGE_WITHIN_M = 15.0
"""A stretch of the area's edge counts as road frontage within this distance of a road."""

FRONTAGE_CLASSES = ("trunk", "primary", "secondary", "tertiary", "minor", "service")
"""Road classes one can have a gate on (not expressways or their ramps)."""

NO_DATA = "no data"

OSM_WATER_SOURCE = N_("water polygons: OpenStreetMap 2017-10 via OpenMapTiles (ODbL)")
BOUNDARY_SOURCE = N_(
    "city boundary: 国土数値情報（行政区域データ）（国土交通省）, geometry repaired"
)
ZONES_SOURCE = N_(
    "subsidy zones of data/kanazawa.gpkg (approximate: no zone boundary is published)"
)


@dataclass(frozen=True)
class Assessment:
    """The assessment of one area: the JSON result and the area it describes."""

    area: Area
    result: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """Return the result as JSON data."""
        return self.result


def _metric_roads(layers: Layers) -> tuple[np.ndarray, shapely.STRtree]:
    def build() -> tuple[np.ndarray, shapely.STRtree]:
        roads = layers.roads[layers.roads["class"].astype(str).isin(FRONTAGE_CLASSES)]
        roads = roads[roads["ramp"].fillna(0).astype(int) != 1]
        geoms = roads.to_crs(METRIC_CRS).geometry.to_numpy()
        return geoms, shapely.STRtree(geoms)

    return cached(layers, "planning.frontage_roads", build)


def _metric_water(layers: Layers) -> BaseGeometry:
    def build() -> BaseGeometry:
        if layers.water.empty:
            return shapely.Polygon()
        geoms = layers.water.to_crs(METRIC_CRS).geometry.to_numpy()
        return shapely.union_all(shapely.make_valid(geoms))

    return cached(layers, "planning.water", build)


def _built_up_share(planning: PlanningData, area: BaseGeometry) -> dict[str, float]:
    """Share of the area on developed land: JAXA built-up cells and OpenStreetMap land use."""
    values, pieces, raster_crs = class_pieces(planning.landcover_path, area, polygon_crs=METRIC_CRS)
    jaxa = shapely.union_all(
        gpd.GeoSeries(pieces[values == BUILT_UP_CLASS], crs=raster_crs)
        .to_crs(METRIC_CRS)
        .to_numpy()
    )
    osm = shapely.Polygon()
    if len(planning.built_up):
        shapes = planning.built_up.to_crs(METRIC_CRS).geometry.to_numpy()
        hit = shapes[shapely.intersects(shapes, area)]
        osm = shapely.union_all(shapely.intersection(hit, area)) if len(hit) else osm
    whole = float(area.area)
    return {
        "any": round(float(shapely.union_all([jaxa, osm]).intersection(area).area) / whole, 4),
        "jaxa": round(float(jaxa.intersection(area).area) / whole, 4),
        "osm": round(float(osm.area) / whole, 4),
    }


def road_frontage_m(layers: Layers, area: BaseGeometry) -> float:
    """Return the length of the area's edge within :data:`FRONTAGE_WITHIN_M` of a road."""
    geoms, tree = _metric_roads(layers)
    edge = area.boundary
    near = tree.query(edge, predicate="dwithin", distance=FRONTAGE_WITHIN_M)
    if len(near) == 0:
        return 0.0
    strip = shapely.union_all(shapely.buffer(geoms[near], FRONTAGE_WITHIN_M))
    return float(edge.intersection(strip).length)


def landcover_shares(
    planning: PlanningData, area: BaseGeometry
) -> tuple[dict[int, float], BaseGeometry]:
    """Return the share of the area in each land-cover class and the class-1 (water) part."""
    values, pieces, raster_crs = class_pieces(planning.landcover_path, area, polygon_crs=METRIC_CRS)
    if len(values) == 0:
        return {}, shapely.Polygon()
    metric = gpd.GeoSeries(pieces, crs=raster_crs).to_crs(METRIC_CRS).to_numpy()
    areas = shapely.area(metric)
    total = float(area.area)
    shares = {int(v): float(areas[values == v].sum()) / total for v in np.unique(values)}
    water = (
        shapely.union_all(metric[values == WATER_CLASS])
        if (values == WATER_CLASS).any()
        else shapely.Polygon()
    )
    return shares, water


def _criterion(
    name: str,
    value: Any,
    score: float | None,
    weights: Mapping[str, float],
    used: Mapping[str, float],
    source: str,
    **extra: Any,
) -> dict[str, Any]:
    crit = next(c for c in CRITERIA if c.name == name)
    out: dict[str, Any] = {
        "label": crit.label,
        "value": value,
        "unit": crit.unit,
        "score": None if score is None else round(float(score), 4),
        "weight": round(float(weights.get(name, 0.0)), 4),
        "weight_used": round(float(used.get(name, 0.0)), 4),
        "rule": crit.rule,
        "source": source,
    }
    if value == NO_DATA:
        out["status"] = NO_DATA
    out.update(extra)
    return out


def assess_area(
    layers: Layers,
    planning: PlanningData,
    area: Area,
    *,
    store: LayerStore | None = None,
    weights: CriteriaWeights | None = None,
    profile: str = "normal",
) -> Assessment:
    """Assess a checked area (see :mod:`parks.planning.area`).

    Returns
    -------
    Assessment
        ``result`` holds ``area_ha``, ``outside_city_share``, ``landcover``, ``water_share``,
        ``drive_minutes`` (interchange, port, airport, station, from the listed
        ``access_points``), ``nearest_park``, ``population_within`` (10, 20, 30), ``zones``,
        ``road_frontage_m``, ``criteria``, ``score`` and ``sources``.
    """
    store = store or LayerStore(None)
    weights = weights or default_weights()
    geom = area.metric
    area_m2 = float(geom.area)
    city = city_polygon(layers)
    outside_share = float(geom.difference(city).area) / area_m2

    # land cover and water
    shares, jaxa_water = landcover_shares(planning, geom)
    landcover = {
        str(v): {
            "share": round(s, 4),
            "label": CLASS_BY_VALUE[v].name_en if v in CLASS_BY_VALUE else f"class {v}",
            "label_ja": CLASS_BY_VALUE[v].name_ja if v in CLASS_BY_VALUE else f"クラス{v}",
            "label_confirmed": bool(CLASS_BY_VALUE[v].label_confirmed)
            if v in CLASS_BY_VALUE
            else False,
        }
        for v, s in sorted(shares.items())
    }
    osm_water = geom.intersection(_metric_water(layers))
    built_up_share = _built_up_share(planning, geom)
    water = shapely.union_all([osm_water, jaxa_water.intersection(geom)])
    water_share = float(water.area) / area_m2

    # access: from the area's entrances to each kind of destination
    acc = access_network(layers)
    graph = acc.graph(profile)
    drive: dict[str, float | None] = dict.fromkeys(DESTINATION_KINDS)
    drive_to: dict[str, dict[str, Any] | None] = dict.fromkeys(DESTINATION_KINDS)
    no_road = ""
    try:
        gates: Entrances | None = entrances(graph, geom)
    except NoRoadError as exc:
        gates, no_road = None, str(exc)
    if gates is not None:
        node_s = seconds_from_area(graph, gates)
        dest = acc.destinations
        att = acc.destination_attachment
        dest_s = node_s[att.node] + att.connector_s(graph.connector_kmh)
        for kind in DESTINATION_KINDS:
            mask = (dest["kind"] == kind).to_numpy() & np.isfinite(dest_s)
            if not mask.any():
                continue
            k = int(np.flatnonzero(mask)[np.argmin(dest_s[mask])])
            drive[kind] = round(float(dest_s[k]) / 60.0, 1)
            row = dest.iloc[k]
            drive_to[kind] = {
                "id": str(row["id"]),
                "name_ja": row["name_ja"],
                "name_en": row["name_en"],
            }

    # nearest park (straight line)
    parks_m = layers.parks.to_crs(METRIC_CRS)
    dist = parks_m.distance(geom).to_numpy()
    k = int(np.argmin(dist))
    nearest = {
        "park_id": str(parks_m.iloc[k]["park_id"]),
        "name_ja": parks_m.iloc[k]["name_ja"],
        "name_en": parks_m.iloc[k]["name_en"],
        "km": round(float(dist[k]) / 1000.0, 2),
        "overlaps": bool(dist[k] == 0 and parks_m.iloc[k].geometry.intersection(geom).area > 1.0),
    }

    shed = (
        labour_shed(layers, planning, geom, bands=BANDS_MINUTES, profile=profile)
        if gates is not None
        else None
    )

    zones_m = layers.zones.to_crs(METRIC_CRS)
    zones = []
    for row in zones_m.itertuples():
        overlap = float(row.geometry.intersection(geom).area)
        zones.append(
            {
                "zone_id": row.zone_id,
                "kind": row.kind,
                "name_ja": row.name_ja,
                "name_en": row.name_en,
                "overlap_ha": round(overlap / 1e4, 3),
                "share": round(overlap / area_m2, 4),
                "is_approximate": bool(getattr(row, "is_approximate", True)),
            }
        )
    zones.sort(key=lambda z: (-z["overlap_ha"], z["zone_id"]))

    frontage = road_frontage_m(layers, geom)

    # criteria
    available = {"interchange_minutes", "landcover", "park_distance"}
    available |= {c.name for c in CRITERIA if c.layer is not None and store.has(c.layer)}
    if drive["interchange"] is None:
        available.discard("interchange_minutes")
    confirmed = {
        v: s
        for v, s in shares.items()
        if v in CLASS_BY_VALUE and CLASS_BY_VALUE[v].score is not None
    }
    if not confirmed:
        available.discard("landcover")
    used = weights.used(available)
    w = weights.weights
    criteria: dict[str, dict[str, Any]] = {}
    ic = drive["interchange"]
    criteria["interchange_minutes"] = _criterion(
        "interchange_minutes",
        ic if ic is not None else NO_DATA,
        None if ic is None else float(CRITERIA[0].score(np.array([ic]))[0]),
        w,
        used,
        ACCESS_SOURCE,
    )
    if confirmed:
        total = sum(confirmed.values())
        lc_score = (
            sum(s * float(landcover_score(np.array([v]))[0]) for v, s in confirmed.items()) / total
        )
        unconfirmed = sum(s for v, s in shares.items() if v not in confirmed)
        criteria["landcover"] = _criterion(
            "landcover",
            round(lc_score, 4),
            lc_score,
            w,
            used,
            LANDCOVER_SOURCE,
            unscored_share=round(unconfirmed, 4),
        )
    else:
        criteria["landcover"] = _criterion("landcover", NO_DATA, None, w, used, LANDCOVER_SOURCE)
    park_score = float(
        next(c for c in CRITERIA if c.name == "park_distance").score(np.array([nearest["km"]]))[0]
    )
    criteria["park_distance"] = _criterion(
        "park_distance", nearest["km"], park_score, w, used, PARKS_SOURCE
    )
    criteria["slope"] = _slope_criterion(store, geom, w, used)
    for kind in ("flood", "landslide"):
        criteria[kind] = _hazard_criterion(store, kind, geom, w, used)
    criteria["zoning"] = _zoning_criterion(store, geom, w, used)
    score = sum(
        used[name] * float(c["score"])
        for name, c in criteria.items()
        if name in used and c["score"] is not None
    )

    sources = [
        BOUNDARY_SOURCE,
        LANDCOVER_SOURCE,
        OSM_WATER_SOURCE,
        PROVENANCE.format(profile=profile),
        CENSUS_SOURCE,
        PARKS_SOURCE,
        ZONES_SOURCE,
    ]
    sources += [s for kind in ("dem", "flood", "landslide", "zoning") if (s := store.source(kind))]
    result: dict[str, Any] = {
        "area_ha": round(area_m2 / 1e4, 3),
        "area_crs": "EPSG:6675",
        "outside_city_share": round(outside_share, 4),
        "landcover": landcover,
        "water_share": round(water_share, 4),
        "water_share_by_source": {
            "osm": round(float(osm_water.area) / area_m2, 4),
            "jaxa": round(shares.get(WATER_CLASS, 0.0), 4),
        },
        "built_up_share": built_up_share,
        "drive_minutes": drive,
        "drive_destinations": drive_to,
        "access_points": gates.to_dict()
        if gates is not None
        else {"points": [], "road_nodes_inside": 0, "connector_m": None, "note": no_road},
        "nearest_park": nearest,
        "population_within": {
            str(b): (shed.population_within[b] if shed is not None else None) for b in BANDS_MINUTES
        },
        "labour_shed": shed.to_dict() if shed is not None else {"note": no_road},
        "zones": zones,
        "road_frontage_m": round(frontage, 1),
        "criteria": criteria,
        "score": round(score, 4),
        "weights": weights.to_dict(),
        "sources": sources,
        "geometry": area.geojson(),
        "features": area.features,
        "input_crs": area.source_crs,
        "is_approximate": True,
    }
    return Assessment(area=area, result=result)


def _no_data(name: str, w: Mapping[str, float], used: Mapping[str, float]) -> dict[str, Any]:
    crit = next(c for c in CRITERIA if c.name == name)
    return _criterion(
        name,
        NO_DATA,
        None,
        w,
        used,
        f"not loaded: siting add-layer {crit.layer} FILE --source TEXT",
    )


def _slope_criterion(
    store: LayerStore, geom: BaseGeometry, w: Mapping[str, float], used: Mapping[str, float]
) -> dict[str, Any]:
    path = store.slope_path()
    if path is None:
        return _no_data("slope", w, used)
    values = values_in_polygon(path, geom, polygon_crs=METRIC_CRS)
    values = values[values >= 0]
    if len(values) == 0:
        return _criterion(
            "slope",
            NO_DATA,
            None,
            w,
            used,
            str(store.source("dem")),
            note="the DEM does not cover the area",
        )
    crit = next(c for c in CRITERIA if c.name == "slope")
    score = float(np.mean(crit.score(values)))
    return _criterion(
        "slope",
        round(float(np.mean(values)), 2),
        score,
        w,
        used,
        str(store.source("dem")),
        p90=round(float(np.percentile(values, 90)), 2),
    )


def _share_inside(frame: gpd.GeoDataFrame, geom: BaseGeometry) -> float:
    metric = frame.to_crs(METRIC_CRS).geometry.to_numpy()
    tree = shapely.STRtree(metric)
    hit = tree.query(geom, predicate="intersects")
    if len(hit) == 0:
        return 0.0
    inside = shapely.union_all(shapely.intersection(metric[hit], geom))
    return float(inside.area) / float(geom.area)


def _hazard_criterion(
    store: LayerStore,
    kind: str,
    geom: BaseGeometry,
    w: Mapping[str, float],
    used: Mapping[str, float],
) -> dict[str, Any]:
    frame = store.polygons(kind)
    if frame is None:
        return _no_data(kind, w, used)
    share = _share_inside(frame, geom)
    return _criterion(kind, round(share, 4), 1.0 - share, w, used, str(store.source(kind)))


def _zoning_criterion(
    store: LayerStore, geom: BaseGeometry, w: Mapping[str, float], used: Mapping[str, float]
) -> dict[str, Any]:
    frame = store.polygons("zoning")
    if frame is None:
        return _no_data("zoning", w, used)
    permits = (
        _share_inside(frame[frame["permits_industry"].astype(bool)], geom)
        if frame["permits_industry"].any()
        else 0.0
    )
    zoned = _share_inside(frame, geom)
    unzoned = max(0.0, 1.0 - zoned)
    score = permits + ZONING_UNZONED_SCORE * unzoned
    return _criterion(
        "zoning",
        round(permits, 4),
        score,
        w,
        used,
        str(store.source("zoning")),
        unzoned_share=round(unzoned, 4),
    )


def assessment_row(result: Mapping[str, Any]) -> dict[str, Any]:
    """Flatten an assessment into one CSV row (the fields of the JSON, one column each)."""
    row: dict[str, Any] = {
        "area_ha": result["area_ha"],
        "outside_city_share": result["outside_city_share"],
        "water_share": result["water_share"],
    }
    for kind in DESTINATION_KINDS:
        row[f"drive_minutes_{kind}"] = result["drive_minutes"].get(kind)
    row["nearest_park_id"] = result["nearest_park"]["park_id"]
    row["nearest_park_km"] = result["nearest_park"]["km"]
    for band, pop in result["population_within"].items():
        row[f"population_within_{band}"] = pop
    row["road_frontage_m"] = result["road_frontage_m"]
    for code, body in result["landcover"].items():
        row[f"landcover_{code}_share"] = body["share"]
    for zone in result["zones"]:
        row[f"zone_{zone['zone_id']}_ha"] = zone["overlap_ha"]
    for name, crit in result["criteria"].items():
        row[f"criterion_{name}_value"] = crit["value"]
        row[f"criterion_{name}_score"] = crit["score"]
        row[f"criterion_{name}_weight"] = crit["weight"]
    row["score"] = result["score"]
    row["sources"] = " | ".join(result["sources"])
    return row


def assessment_feature(result: Mapping[str, Any], **properties: Any) -> dict[str, Any]:
    """Return the area as a GeoJSON Feature carrying the flat fields as properties."""
    props = {**properties, **assessment_row(result)}
    return {"type": "Feature", "geometry": result["geometry"], "properties": props}


def to_web_geometry(geom: BaseGeometry) -> BaseGeometry:
    """Reproject a metric geometry to lon/lat."""
    out: BaseGeometry = gpd.GeoSeries([geom], crs=METRIC_CRS).to_crs(WEB_CRS).iloc[0]
    return out
