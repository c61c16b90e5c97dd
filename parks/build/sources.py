"""The raw public sources the offline build reads: where each file is, how to cite it, readers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from geo.crs import WEB_CRS
from geo.io import read_vector
from parks.errors import DataNotFoundError

OSM = "osm-openmaptiles-jp1710/kanazawa_osm_openmaptiles_z13_2017.gpkg"
OSM_SOURCE = "OpenStreetMap Japan extract 2017-10 via OpenMapTiles z13 (hfu/jp1710_13); © OpenMapTiles © OpenStreetMap contributors, ODbL"
ROAD_SOURCE = "OpenStreetMap 2017-10 via OpenMapTiles (ODbL)"
N03 = "ksj-n03-gyosei-kuiki/kanazawa_17201_n03_fixed.geojson"
N03_MUNICIPALITIES = "ksj-n03-gyosei-kuiki/ishikawa_study_area_municipalities_n03.gpkg"
N03_SOURCE = "国土数値情報（行政区域データ）（国土交通省）, modified by kozy4324, geometry repaired"
N06_JOINT = "ksj-n06-highway-ordered/N06_Joint_fixed.geojson"
N06_PATH = "ksj-n06-highway-ordered/highway_path_hokuriku_clip.geojson"
N06_SOURCE = "国土数値情報（高速道路時系列データ N06-23）（国土交通省）via yH3PO4/HighwayOrderedDS, CC BY-SA 3.0"
RAIL_LINES = "rail-stations-jrslod/rail_lines_and_station_shapes_jrslod_clip.geojson"
RAIL_STATIONS = "rail-stations-jrslod/rail_stations_points_jrslod.geojson"
RAIL_SOURCE = (
    "鉄道駅LOD (国土数値情報 N02 derived) via zaiyingzhao/Jinshin_Visualization, as of 2022"
)
KEY_POINTS = "scout-derived/kanazawa_key_points.geojson"
TOWN_POINTS = "geolonia-japanese-addresses/ishikawa_town_points_geolonia.geojson"
TOWN_SOURCE = "Geolonia 住所データ（出典: 国土交通省 位置参照情報ダウンロードサービス）, CC BY 4.0"
SMALL_AREAS = "estat-h27-small-areas/ishikawa_h27_small_areas.csv"
SMALL_AREA_SOURCE = (
    "出典：政府統計の総合窓口(e-Stat) 国勢調査 小地域 (平成27年) attribute table "
    "(area, population, centroid), converted"
)

RAW_FILES = (
    OSM,
    N03,
    N06_JOINT,
    N06_PATH,
    RAIL_LINES,
    RAIL_STATIONS,
    KEY_POINTS,
    TOWN_POINTS,
    SMALL_AREAS,
)
"""Every raw file ``siting build-data`` needs, relative to the raw folder."""

MAP_BOUNDS = (136.38, 36.36, 136.92, 36.78)
"""lon/lat window of the basemap layers: Kanazawa plus Komatsu Airport."""

CITY_NAME = "金沢市"


def missing_inputs(raw_dir: Path, facts_dir: Path) -> list[str]:
    """Return every required input file that does not exist (empty when all are there)."""
    needed = [Path(raw_dir) / p for p in RAW_FILES]
    needed += [Path(facts_dir) / "parks.yaml", Path(facts_dir) / "grants.yaml"]
    return [str(p) for p in needed if not p.exists()]


def require_inputs(raw_dir: Path, facts_dir: Path) -> None:
    """Raise DataNotFoundError naming every missing input file."""
    missing = missing_inputs(raw_dir, facts_dir)
    if missing:
        msg = "missing input file(s):\n" + "\n".join(f"- {m}" for m in missing)
        raise DataNotFoundError(msg)


def read_osm(raw_dir: Path, layer: str) -> gpd.GeoDataFrame:
    """Read one layer of the OSM 2017 extract (EPSG:4326)."""
    return read_vector(Path(raw_dir) / OSM, layer)


def read_city(raw_dir: Path) -> BaseGeometry:
    """Return Kanazawa's N03 outline as one (multi)polygon in EPSG:4326."""
    frame = read_vector(Path(raw_dir) / N03)
    return shapely.union_all(frame.geometry.values)


def read_small_areas(raw_dir: Path) -> gpd.GeoDataFrame:
    """Read the 2015 census small areas of Ishikawa as centroid points.

    Columns: ``city`` (municipality), ``name`` (町丁・字, full-width digits as published),
    ``area_m2``, ``population``, ``key_code``; EPSG:4326 points at the published centroid.
    """
    path = Path(raw_dir) / SMALL_AREAS
    if not path.exists():
        msg = f"census small areas not found: {path}"
        raise DataNotFoundError(msg)
    raw = pd.read_csv(path, dtype={"KEY_CODE": str})
    frame = pd.DataFrame(
        {
            "city": raw["GST_NAME"].astype(str),
            "name": raw["MOJI"].astype(str),
            "area_m2": raw["AREA"].astype(float),
            "population": raw["JINKO"].astype(int),
            "key_code": raw["KEY_CODE"].astype(str),
        }
    )
    points = gpd.points_from_xy(raw["X_CODE"].astype(float), raw["Y_CODE"].astype(float))
    return gpd.GeoDataFrame(frame, geometry=points, crs=WEB_CRS)


def small_area(areas: gpd.GeoDataFrame, name: str, *, city: str = CITY_NAME) -> pd.Series:
    """Return the (largest, when a name is split in parts) small area ``name`` of ``city``."""
    rows = areas[(areas["city"] == city) & (areas["name"] == name)]
    if rows.empty:
        msg = f"small area {name!r} of {city} not in the census table"
        raise DataNotFoundError(msg)
    row: pd.Series = rows.sort_values("area_m2", ascending=False).iloc[0]
    return row


def read_towns(raw_dir: Path) -> gpd.GeoDataFrame:
    """Read the Geolonia town representative points (EPSG:4326)."""
    return read_vector(Path(raw_dir) / TOWN_POINTS)


def town_point(towns: gpd.GeoDataFrame, town: str, koaza: str | None = None) -> shapely.Point:
    """Return the representative point of ``town`` (or of its ``koaza``) in 金沢市."""
    rows = towns[(towns["city"] == CITY_NAME) & (towns["town"] == town)]
    rows = rows[rows["koaza"].isna()] if koaza is None else rows[rows["koaza"] == koaza]
    if rows.empty:
        msg = f"town point {town!r}{'' if koaza is None else ' ' + koaza!r} not found"
        raise DataNotFoundError(msg)
    point: shapely.Point = rows.geometry.iloc[0]
    return point


@dataclass(frozen=True)
class ExpresswayLines:
    """Expressway carriageways and ramps from the two independent sources (EPSG:4326)."""

    n06: gpd.GeoSeries
    osm_motorway: gpd.GeoSeries
    osm_ramps: gpd.GeoSeries

    def all_lines(self) -> gpd.GeoSeries:
        """Every line of the three sets."""
        return gpd.GeoSeries(
            pd.concat([self.n06, self.osm_motorway, self.osm_ramps], ignore_index=True),
            crs=WEB_CRS,
        )


def expressway_lines(raw_dir: Path, transport: gpd.GeoDataFrame | None = None) -> ExpresswayLines:
    """Read the N06 expressway sections and the OSM motorway and ramp lines."""
    n06 = read_vector(Path(raw_dir) / N06_PATH).geometry
    t = read_osm(raw_dir, "transportation") if transport is None else transport
    motorway = t[(t["class"] == "motorway") & (t["ramp"].fillna(0).astype(int) != 1)].geometry
    ramps = t[t["ramp"].fillna(0).astype(int) == 1].geometry
    return ExpresswayLines(
        n06=n06.reset_index(drop=True),
        osm_motorway=motorway.reset_index(drop=True),
        osm_ramps=ramps.reset_index(drop=True),
    )


def public_roads(transport: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Public road centre lines: drivable OSM lines (no parking aisles, driveways or rail)."""
    roads: gpd.GeoDataFrame = transport[transport["drivable"].fillna(0).astype(bool)]
    return roads
