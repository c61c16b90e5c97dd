"""Build the embedded dataset (data/kanazawa.gpkg) from the raw public sources and the facts."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Point

from geo.blocks import grow_region, road_blocks
from geo.crs import METRIC_CRS, WEB_CRS
from geo.io import read_vector, write_layers_atomic
from parks.data import GPKG_NAME, PARK_IDS
from parks.errors import DataNotFoundError
from parks.facts import lot_plan, park_facts
from parks.lotgen import lots_frame
from parks.zones import build_zones

Progress = Callable[[str], None]

OSM = "osm-openmaptiles-jp1710/kanazawa_osm_openmaptiles_z13_2017.gpkg"
OSM_SOURCE = "OpenStreetMap Japan extract 2017-10 via OpenMapTiles z13 (hfu/jp1710_13); © OpenMapTiles © OpenStreetMap contributors, ODbL"
ROAD_SOURCE = "OpenStreetMap 2017-10 via OpenMapTiles (ODbL)"
N03 = "ksj-n03-gyosei-kuiki/kanazawa_17201_n03_fixed.geojson"
N03_SOURCE = "国土数値情報（行政区域データ）（国土交通省）, modified by kozy4324, geometry repaired"
N06_JOINT = "ksj-n06-highway-ordered/N06_Joint_fixed.geojson"
N06_PATH = "ksj-n06-highway-ordered/highway_path_hokuriku_clip.geojson"
N06_SOURCE = "国土数値情報（高速道路時系列データ N06-23）（国土交通省）via yH3PO4/HighwayOrderedDS, CC BY-SA 3.0"
RAIL_LINES = "rail-stations-jrslod/rail_lines_and_station_shapes_jrslod_clip.geojson"
RAIL_STATIONS = "rail-stations-jrslod/rail_stations_points_jrslod.geojson"
RAIL_SOURCE = (
    "鉄道駅LOD (国土数値情報 N02 derived) via zaiyingzhao/Jinshin_Visualization, as of 2022"
)
PARK_POINTS = "scout-derived/industrial_parks_town_points.geojson"
PARK_POINTS_SOURCE = "town representative points (Geolonia 住所データ, 出典: 国土交通省 位置参照情報), see shared/data/raw/scout-derived/park_locations.md"
KEY_POINTS = "scout-derived/kanazawa_key_points.geojson"
TOWN_POINTS = "geolonia-japanese-addresses/ishikawa_town_points_geolonia.geojson"

MAP_BOUNDS = (136.38, 36.36, 136.92, 36.78)
"""lon/lat window of the basemap layers: Kanazawa plus Komatsu Airport."""

PARK_POINT_NAMES = {
    "techno-park": "金沢テクノパーク",
    "inaho": "いなほ工業団地",
    "katatsu": "かたつ工業団地",
    "morimoto-ic": "金沢森本インター工業団地",
    "yasuhara": "安原異業種工業団地",
}

INTERCHANGE_IDS = {
    "金沢森本": ("ic-kanazawa-morimoto", "金沢森本IC", "Kanazawa-Morimoto IC"),
    "金沢東": ("ic-kanazawa-higashi", "金沢東IC", "Kanazawa-Higashi IC"),
    "金沢西": ("ic-kanazawa-nishi", "金沢西IC", "Kanazawa-Nishi IC"),
    "白山": ("ic-hakusan", "白山IC", "Hakusan IC"),
    "徳光SIC": ("ic-tokumitsu-sic", "徳光スマートIC", "Tokumitsu Smart IC"),
    "美川": ("ic-mikawa", "美川IC", "Mikawa IC"),
    "能美根上SIC": ("ic-nomi-neagari-sic", "能美根上スマートIC", "Nomi-Neagari Smart IC"),
    "小松": ("ic-komatsu", "小松IC", "Komatsu IC"),
    "安宅SIC": ("ic-ataka-sic", "安宅スマートIC", "Ataka Smart IC"),
    "小矢部": ("ic-oyabe", "小矢部IC", "Oyabe IC"),
}

OUTLINE_METHOD = (
    "Derived: road-bounded blocks of the OSM 2017 road and rail lines (noded, polygonized), "
    "water removed, taken nearest-first around the park's town representative point until the "
    "published saleable area is reached; the last blocks are clipped by a disc around the point."
)


def build_dataset(
    raw_dir: Path, facts_dir: Path, out_dir: Path, progress: Progress = print
) -> Path:
    """Build every layer and write ``out_dir/kanazawa.gpkg`` in one atomic step.

    Also copies the fact YAML files into ``out_dir/facts`` so the app carries its sources.
    Raises DataNotFoundError naming every missing input before anything is written.
    """
    raw_dir, facts_dir, out_dir = Path(raw_dir), Path(facts_dir), Path(out_dir)
    needed = [
        raw_dir / p
        for p in (
            OSM,
            N03,
            N06_JOINT,
            N06_PATH,
            RAIL_LINES,
            RAIL_STATIONS,
            PARK_POINTS,
            KEY_POINTS,
            TOWN_POINTS,
        )
    ]
    needed += [facts_dir / "parks.yaml", facts_dir / "grants.yaml"]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        msg = "missing input file(s):\n" + "\n".join(f"- {m}" for m in missing)
        raise DataNotFoundError(msg)

    facts = park_facts(facts_dir)
    plan = lot_plan()
    progress("reading roads, water and rail (OSM 2017)")
    transport = read_vector(raw_dir / OSM, "transportation")
    water = read_vector(raw_dir / OSM, "water")
    layers: dict[str, Any] = {}
    layers["roads"] = _roads(transport)
    layers["water"] = _water(water)
    layers["boundary"] = _boundary(raw_dir)
    layers["expressways"] = _expressways(raw_dir)
    layers["rail"], layers["stations"] = _rail(raw_dir)
    progress("placing the destinations (interchanges, port, airport, station)")
    layers["destinations"] = _destinations(raw_dir)
    progress("deriving park outlines from road-bounded blocks")
    outlines = _outlines(raw_dir, transport, water, plan)
    progress("laying out illustrative lots and their status history")
    lot_frames, event_frames = [], []
    for park_id in PARK_IDS:
        lots, events = lots_frame(park_id, outlines[park_id]["geometry"], plan["parks"][park_id])
        lot_frames.append(lots)
        event_frames.append(events)
    lots_metric = pd.concat(lot_frames, ignore_index=True)
    layers["lots"] = gpd.GeoDataFrame(lots_metric, crs=METRIC_CRS).to_crs(WEB_CRS)
    layers["lot_events"] = pd.concat(event_frames, ignore_index=True)
    layers["parks"] = _parks(outlines, facts, plan).to_crs(WEB_CRS)
    progress("drawing subsidy zones")
    layers["zones"] = build_zones(
        layers["parks"], read_vector(raw_dir / TOWN_POINTS), layers["destinations"]
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    progress(f"writing {out_dir / GPKG_NAME}")
    write_layers_atomic(out_dir / GPKG_NAME, layers, keep_existing=False)
    facts_out = out_dir / "facts"
    facts_out.mkdir(exist_ok=True)
    for name in ("parks.yaml", "grants.yaml"):
        shutil.copyfile(facts_dir / name, facts_out / name)
    return out_dir / GPKG_NAME


def _clip(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    return frame.cx[MAP_BOUNDS[0] : MAP_BOUNDS[2], MAP_BOUNDS[1] : MAP_BOUNDS[3]]


def _roads(transport: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drivable lines for routing and the offline basemap."""
    roads = transport[transport["drivable"].astype(bool)].copy()
    if roads.empty:
        msg = "the road file has no drivable lines"
        raise DataNotFoundError(msg)
    roads["oneway"] = roads["oneway"].fillna(0).astype(int)
    roads["ramp"] = roads["ramp"].fillna(0).astype(int)
    roads["brunnel"] = roads["brunnel"].fillna("")
    roads["source"] = ROAD_SOURCE  # short: repeated on ~46,000 lines
    return roads[["class", "oneway", "ramp", "brunnel", "source", "geometry"]].reset_index(
        drop=True
    )


def _water(water: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    w = _clip(water).copy()
    w["geometry"] = w.geometry.simplify(0.00005)
    w["source"] = OSM_SOURCE + " (sea has rectangular holes where whole tiles were ocean)"
    return w[["class", "source", "geometry"]].reset_index(drop=True)


def _boundary(raw_dir: Path) -> gpd.GeoDataFrame:
    b = read_vector(raw_dir / N03)
    return gpd.GeoDataFrame(
        {"name_ja": ["金沢市"], "name_en": ["Kanazawa City"], "source": [N03_SOURCE]},
        geometry=[shapely.union_all(b.geometry.values).simplify(0.0001)],
        crs=WEB_CRS,
    )


def _expressways(raw_dir: Path) -> gpd.GeoDataFrame:
    e = read_vector(raw_dir / N06_PATH)
    out = gpd.GeoDataFrame(
        {
            "road_name": e["road_name"],
            "from_name": e["source"],
            "to_name": e["target"],
            "length_km": e["length"].astype(float),
            "source": N06_SOURCE,
        },
        geometry=e.geometry,
        crs=WEB_CRS,
    )
    return out


def _rail(raw_dir: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    lines = read_vector(raw_dir / RAIL_LINES)
    lines = lines[lines.geom_type.isin(["LineString", "MultiLineString"])].copy()
    name_col = "name" if "name" in lines.columns else lines.columns[0]
    rail = gpd.GeoDataFrame(
        {"name": lines[name_col].astype(str), "source": RAIL_SOURCE},
        geometry=lines.geometry.simplify(0.00003),
        crs=WEB_CRS,
    )
    st = read_vector(raw_dir / RAIL_STATIONS)
    stations = gpd.GeoDataFrame(
        {"name": st["name"], "line": st["line"], "source": RAIL_SOURCE},
        geometry=st.geometry,
        crs=WEB_CRS,
    )
    return rail.reset_index(drop=True), stations.reset_index(drop=True)


def _destinations(raw_dir: Path) -> gpd.GeoDataFrame:
    """Interchanges from N06, plus the port, airport and station."""
    joints = _clip(read_vector(raw_dir / N06_JOINT))
    rows: list[dict[str, Any]] = []
    for _, j in joints.iterrows():
        name = str(j["N06_018"])
        if int(j["N06_019"]) == 3 or name not in INTERCHANGE_IDS:
            continue
        dest_id, name_ja, name_en = INTERCHANGE_IDS[name]
        rows.append(
            {
                "id": dest_id,
                "kind": "interchange",
                "name_ja": name_ja,
                "name_en": name_en,
                "source": f"{N06_SOURCE}; opened {int(j['N06_012'])}",
                "is_approximate": False,
                "geometry": j.geometry,
            }
        )
    keys = read_vector(raw_dir / KEY_POINTS)
    port = keys[keys["name"].str.startswith("金沢港")].geometry.iloc[0]
    airport = keys[keys["name"].str.startswith("小松空港")].geometry.iloc[0]
    stations = read_vector(raw_dir / RAIL_STATIONS)
    station = stations[stations["name"] == "金沢"].geometry.iloc[0]
    rows += [
        {
            "id": "port-kanazawa",
            "kind": "port",
            "name_ja": "金沢港",
            "name_en": "Kanazawa Port",
            "source": "hand-estimated point of the port basin (shared/data/raw/scout-derived/kanazawa_key_points.geojson, confidence low); approximate",
            "is_approximate": True,
            "geometry": port,
        },
        {
            "id": "airport-komatsu",
            "kind": "airport",
            "name_ja": "小松空港",
            "name_en": "Komatsu Airport",
            "source": "centroid of runway 06/24 in " + OSM_SOURCE,
            "is_approximate": False,
            "geometry": airport,
        },
        {
            "id": "station-kanazawa",
            "kind": "station",
            "name_ja": "金沢駅",
            "name_en": "Kanazawa Station",
            "source": RAIL_SOURCE,
            "is_approximate": False,
            "geometry": station,
        },
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WEB_CRS)


def _outlines(
    raw_dir: Path, transport: gpd.GeoDataFrame, water: gpd.GeoDataFrame, plan: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Derive each park's outline from road-bounded blocks around its town point."""
    points = read_vector(raw_dir / PARK_POINTS).to_crs(METRIC_CRS)
    lines = transport.to_crs(METRIC_CRS)
    water_m = water.to_crs(METRIC_CRS)
    out: dict[str, dict[str, Any]] = {}
    taken = shapely.Polygon()
    for park_id in PARK_IDS:
        row = points[points["name"] == PARK_POINT_NAMES[park_id]].iloc[0]
        seed: Point = row.geometry
        target = float(plan["parks"][park_id]["saleable_area_m2"])
        window = seed.buffer(max(2500.0, np.sqrt(target) * 5))
        near = lines[lines.intersects(window)].geometry.values
        blocks = road_blocks(shapely.intersection(near, window), frame=window)
        exclude = shapely.union_all(water_m[water_m.intersects(window)].geometry.values)
        exclude = shapely.union(exclude.buffer(5), taken)
        grown = grow_region(blocks, seed, target, exclude=exclude)
        geom = shapely.make_valid(grown.geometry)
        if geom.geom_type == "GeometryCollection":
            geom = shapely.union_all([g for g in shapely.get_parts(geom) if g.area > 0])
        taken = shapely.union(taken, geom)
        confidence = str(row.get("confidence", "medium"))
        out[park_id] = {
            "geometry": geom,
            "whole_blocks": grown.whole_blocks,
            "clipped": grown.clipped,
            "outline_confidence": (
                f"low (location {confidence}: the town point is {confidence} confidence; the shape "
                "is a guess from road blocks)"
            ),
            "seed_source": PARK_POINTS_SOURCE,
        }
    return out


def _parks(
    outlines: dict[str, dict[str, Any]], facts: dict[str, dict[str, Any]], plan: dict[str, Any]
) -> gpd.GeoDataFrame:
    """The parks layer: derived outline plus the published facts (unknowns stay null)."""
    strategy = facts.get("city_strategy_2021_03", {})
    rows = []
    for park_id in PARK_IDS:
        p = plan["parks"][park_id]
        f = facts.get(p["facts_id"], {})
        s = strategy.get("parks", {}).get(park_id, {})
        geom = outlines[park_id]["geometry"]
        measured = float(geom.area)
        published = float(p["saleable_area_m2"])
        diff = (measured - published) / published
        sources = _dated_sources(f, strategy)
        rows.append(
            {
                "park_id": park_id,
                "name_ja": f.get("name_ja"),
                "name_en": f.get("name_en"),
                "address_ja": f.get("address_ja"),
                "saleable_area_m2": published,
                "total_area_m2": p.get("total_area_m2"),
                "measured_area_m2": round(measured, 1),
                "area_note": (
                    f"Outline derived to match the published saleable area ({p['saleable_area_source']}); "
                    f"measured {measured / 1e4:.1f} ha in EPSG:6675, {diff:+.1%}. It includes no roads or "
                    "green space, so it is smaller than the real park."
                ),
                "opened": _opened(p),
                "phases": json.dumps(
                    [_phase_summary(ph) for ph in p["phases"]], ensure_ascii=False
                ),
                "target_industries": json.dumps(
                    s.get("target_industries") or f.get("target_industries"), ensure_ascii=False
                ),
                "admitted_industries": json.dumps(p["admitted_industries"]),
                "admitted_note": p.get("admitted_note"),
                "groundwater": p.get("groundwater"),
                "groundwater_source": p.get("groundwater_source"),
                "occupants": json.dumps(f.get("occupants"), ensure_ascii=False, default=str),
                "price_per_m2": None,
                "zoning": None,
                "coverage_ratio": None,
                "floor_area_ratio": None,
                "utilities": None,
                "outline_method": OUTLINE_METHOD,
                "outline_confidence": outlines[park_id]["outline_confidence"],
                "is_illustrative": True,
                "source": json.dumps(
                    [*sources, outlines[park_id]["seed_source"]], ensure_ascii=False
                ),
                "geometry": geom,
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC_CRS)


def _dated_sources(facts: dict[str, Any], strategy: dict[str, Any]) -> list[str]:
    """Each source of a park's facts, with the dates of the reports it backs.

    A URL cited by dated sales reports gets those dates ("as of 2015-12-14"); the city
    strategy is dated by its own ``as_of``.
    """
    dates: dict[str, list[str]] = {}
    for report in facts.get("sales_status") or []:
        for url in report.get("sources") or []:
            dates.setdefault(str(url), []).append(str(report.get("as_of")))
    out = []
    for url in dict.fromkeys([*(facts.get("sources") or []), *dates]):
        when = dates.get(str(url))
        out.append(f"{url} (as of {'; '.join(when)})" if when else str(url))
    if strategy.get("source"):
        out.append(f"{strategy['source']} (as of {strategy.get('as_of', '2021-03')})")
    return out


def _opened(plan: dict[str, Any]) -> str | None:
    dates = [str(ph["opened"]) for ph in plan["phases"] if ph.get("opened")]
    return min(dates) if dates else None


def _phase_summary(phase: dict[str, Any]) -> dict[str, Any]:
    count = phase.get("lot_count", len(phase.get("lots", [])))
    return {
        "phase": phase["phase"],
        "name": phase.get("name"),
        "lots": count,
        "opened": phase.get("opened"),
        "saleable_area_m2": phase.get("saleable_area_m2"),
    }
