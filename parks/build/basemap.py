"""The reference layers of the dataset: roads, water, rail, boundary, expressways, destinations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
import shapely.ops
from shapely.geometry import Point

from geo.crs import METRIC_CRS, WEB_CRS
from geo.io import read_vector
from parks.build.sources import (
    KEY_POINTS,
    MAP_BOUNDS,
    N03,
    N03_SOURCE,
    N06_JOINT,
    N06_PATH,
    N06_SOURCE,
    OSM_SOURCE,
    RAIL_LINES,
    RAIL_SOURCE,
    RAIL_STATIONS,
    ROAD_SOURCE,
)
from parks.errors import DataNotFoundError

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

AIRPORT_WINDOW = (136.395, 36.383, 136.435, 36.41)
"""lon/lat box searched for Komatsu Airport's runway and terminal building."""

TERMINAL_MIN_M2 = 8_000.0
"""The passenger terminal is the largest building by the runway (z13 keeps only large ones)."""


def clip_to_map(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Keep the features inside the basemap window (Kanazawa plus Komatsu Airport)."""
    return frame.cx[MAP_BOUNDS[0] : MAP_BOUNDS[2], MAP_BOUNDS[1] : MAP_BOUNDS[3]]


def roads_layer(transport: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Drivable lines for routing and the offline basemap."""
    roads = transport[transport["drivable"].astype(bool)].copy()
    if roads.empty:
        msg = "the road file has no drivable lines"
        raise DataNotFoundError(msg)
    roads["oneway"] = roads["oneway"].fillna(0).astype(int)
    roads["ramp"] = roads["ramp"].fillna(0).astype(int)
    roads["brunnel"] = roads["brunnel"].fillna("")
    roads["source"] = ROAD_SOURCE  # short: repeated on ~46,000 lines
    out: gpd.GeoDataFrame = roads[["class", "oneway", "ramp", "brunnel", "source", "geometry"]]
    return out.reset_index(drop=True)


def water_layer(water: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Water polygons, lightly simplified."""
    w = clip_to_map(water).copy()
    w["geometry"] = w.geometry.simplify(0.00005)
    w["source"] = OSM_SOURCE + " (sea has rectangular holes where whole tiles were ocean)"
    out: gpd.GeoDataFrame = w[["class", "source", "geometry"]]
    return out.reset_index(drop=True)


def boundary_layer(raw_dir: Path) -> gpd.GeoDataFrame:
    """Kanazawa's N03 outline."""
    b = read_vector(Path(raw_dir) / N03)
    return gpd.GeoDataFrame(
        {"name_ja": ["金沢市"], "name_en": ["Kanazawa City"], "source": [N03_SOURCE]},
        geometry=[shapely.union_all(b.geometry.values).simplify(0.0001)],
        crs=WEB_CRS,
    )


def expressways_layer(raw_dir: Path) -> gpd.GeoDataFrame:
    """The N06 expressway sections between consecutive facilities."""
    e = read_vector(Path(raw_dir) / N06_PATH)
    return gpd.GeoDataFrame(
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


def rail_layers(raw_dir: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Rail lines and stations."""
    lines = read_vector(Path(raw_dir) / RAIL_LINES)
    lines = lines[lines.geom_type.isin(["LineString", "MultiLineString"])].copy()
    name_col = "name" if "name" in lines.columns else lines.columns[0]
    rail = gpd.GeoDataFrame(
        {"name": lines[name_col].astype(str), "source": RAIL_SOURCE},
        geometry=lines.geometry.simplify(0.00003),
        crs=WEB_CRS,
    )
    st = read_vector(Path(raw_dir) / RAIL_STATIONS)
    stations = gpd.GeoDataFrame(
        {"name": st["name"], "line": st["line"], "source": RAIL_SOURCE},
        geometry=st.geometry,
        crs=WEB_CRS,
    )
    return rail.reset_index(drop=True), stations.reset_index(drop=True)


def airport_terminal(
    aeroway: gpd.GeoDataFrame, buildings: gpd.GeoDataFrame, roads: gpd.GeoDataFrame
) -> tuple[Point, str]:
    """Return Komatsu Airport's destination point (on the terminal's access road) and its source.

    The passenger terminal is the largest building within 600 m of runway 06/24 (the z13
    extract keeps only large buildings; the airport's car park lies beside it). A car
    reaches it from the nearest through road (trunk to tertiary): the destination is the
    point of that road nearest the terminal, so drive times start where the terminal's
    access leaves the public road, not at the runway.
    """
    box = AIRPORT_WINDOW
    runway = aeroway[aeroway["class"] == "runway"].cx[box[0] : box[2], box[1] : box[3]]
    if runway.empty:
        msg = "no runway found for Komatsu Airport in the aeroway layer"
        raise DataNotFoundError(msg)
    runway_m = runway.to_crs(METRIC_CRS).union_all()
    near = buildings.cx[box[0] : box[2], box[1] : box[3]].to_crs(METRIC_CRS)
    near = near[near.distance(runway_m) < 600]
    near = near[near.area >= TERMINAL_MIN_M2]
    if near.empty:
        msg = "no terminal-sized building found next to Komatsu Airport's runway"
        raise DataNotFoundError(msg)
    terminal = near.geometry.iloc[int(near.area.to_numpy().argmax())]
    local = roads.cx[box[0] : box[2], box[1] : box[3]].to_crs(METRIC_CRS)
    local = local[local.distance(terminal) < 600]
    through = local[local["class"].isin(ACCESS_CLASSES)]
    k = int(through.distance(terminal).to_numpy().argmin())
    road = through.geometry.iloc[k]
    others = local[~local.index.isin([through.index[k]])].geometry.to_numpy()
    junctions = shapely.get_parts(shapely.intersection(road, shapely.union_all(others)))
    junctions = np.concatenate(
        [junctions[shapely.get_type_id(junctions) == 0], shapely.get_parts(shapely.boundary(road))]
    )
    gate = junctions[int(np.argmin(shapely.distance(junctions, terminal)))]
    point = gpd.GeoSeries([gate], crs=METRIC_CRS).to_crs(WEB_CRS).iloc[0]
    how = (
        f"Komatsu Airport passenger terminal (the largest building by runway 06/24, "
        f"{terminal.area:,.0f} m², north side of the runway beside its car park): the point is "
        f"where its access road meets the nearest {through['class'].iloc[k]} road, "
        f"{terminal.distance(gate):.0f} m from the terminal; {OSM_SOURCE}"
    )
    return point, how


ACCESS_CLASSES = ("trunk", "primary", "secondary", "tertiary")
"""Road classes a terminal's access joins (service roads and car-park aisles are not)."""


def destinations_layer(raw_dir: Path, airport: Point, airport_source: str) -> gpd.GeoDataFrame:
    """Interchanges from N06, plus the port, the airport terminal and the station."""
    joints = clip_to_map(read_vector(Path(raw_dir) / N06_JOINT))
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
    keys = read_vector(Path(raw_dir) / KEY_POINTS)
    port = keys[keys["name"].str.startswith("金沢港")].geometry.iloc[0]
    stations = read_vector(Path(raw_dir) / RAIL_STATIONS)
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
            "source": airport_source,
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
