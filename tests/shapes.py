"""Tiny hand-built layers: one square park with three 100 m x 100 m lots, and its surroundings.

Shapes are drawn in EPSG:6675 (metres) so areas are known by hand, then stored in EPSG:4326
like the real dataset. ``write_dataset`` writes them as a GeoPackage that ``load_layers`` reads.
"""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import LineString, Point, Polygon, box

from geo.crs import METRIC_CRS, WEB_CRS
from geo.io import write_layers_atomic
from parks.data import LAYER_COLUMNS, TABLE_LAYERS, gpkg_path

# South-west corner of the park, in EPSG:6675 metres (about 136.70 E, 36.60 N).
X0 = -41_750.0
Y0 = 66_650.0

PARK_ID = "techno-park"
LOT_IDS = ("techno-park/1", "techno-park/2", "techno-park/3")
LOT_AREA_M2 = 100.0 * 100.0
"""Each lot is a 100 m square."""

PARK_SIDE_M = 300.0
"""The park is a 300 m square; its three lots sit side by side along the southern edge."""

ROUTE_MINUTES = 7.5


def _metric(geoms: list, **columns: list) -> gpd.GeoDataFrame:
    """Build a frame from metric geometries and return it in WEB_CRS."""
    return gpd.GeoDataFrame(columns, geometry=geoms, crs=METRIC_CRS).to_crs(WEB_CRS)


def lot_square(i: int) -> Polygon:
    """Return lot ``i`` (0, 1, 2): a 100 m square along the park's southern edge."""
    return box(X0 + 100 * i, Y0, X0 + 100 * (i + 1), Y0 + 100)


def parks() -> gpd.GeoDataFrame:
    """One square park."""
    return _metric(
        [box(X0, Y0, X0 + PARK_SIDE_M, Y0 + PARK_SIDE_M)],
        park_id=[PARK_ID],
        name_ja=["金沢テクノパーク"],
        name_en=["Kanazawa Techno Park"],
        address_ja=["金沢市北陽台"],
        saleable_area_m2=[3 * LOT_AREA_M2],
        total_area_m2=[PARK_SIDE_M * PARK_SIDE_M],
        measured_area_m2=[PARK_SIDE_M * PARK_SIDE_M],
        area_note=["test park"],
        opened=["2003-04-01"],
        phases=[json.dumps([{"phase": 1, "lots": 3}])],
        target_industries=[json.dumps(["electronics"])],
        admitted_industries=[json.dumps(["manufacturing", "research"])],
        groundwater=[None],
        occupants=[json.dumps(["Example Co."])],
        price_per_m2=[None],
        zoning=[None],
        coverage_ratio=[None],
        floor_area_ratio=[None],
        utilities=[None],
        outline_method=["Derived: a hand-drawn test square"],
        outline_confidence=["low (test)"],
        is_illustrative=[True],
        source=[json.dumps(["tests/shapes.py"])],
    )


def lots() -> gpd.GeoDataFrame:
    """Three lots: available (illustrative), sold (illustrative), planned (not illustrative)."""
    return _metric(
        [lot_square(0), lot_square(1), lot_square(2)],
        lot_id=list(LOT_IDS),
        park_id=[PARK_ID] * 3,
        lot_no=["1", "2", "3"],
        phase=[1, 1, 2],
        area_m2=[LOT_AREA_M2] * 3,
        published_area_m2=[None, None, None],
        status=["available", "sold", "planned"],
        available_from=[None, None, "2026-04-01"],
        price_per_m2=[None, None, None],
        occupant=[None, "Example Co.", None],
        source=[json.dumps(["tests/shapes.py"])] * 3,
        is_illustrative=[True, True, False],
        illustrative_reason=["test layout", "test layout", None],
    )


def lot_events() -> pd.DataFrame:
    """Status history: lot 1 planned then available, lot 2 available then sold, lot 3 planned."""
    return pd.DataFrame(
        {
            "lot_id": [LOT_IDS[0], LOT_IDS[0], LOT_IDS[1], LOT_IDS[1], LOT_IDS[2]],
            "date": ["2020-04-01", "2021-04-01", "2020-04-01", "2022-06-15", "2024-04-01"],
            "status": ["planned", "available", "available", "sold", "planned"],
            "source": ["tests/shapes.py"] * 5,
            "is_inferred": [False, False, False, False, True],
            "note": [None, None, None, "sold to Example Co.", None],
        }
    )


def destinations() -> gpd.GeoDataFrame:
    """An interchange 2 km east of the park and a port 3 km west."""
    return _metric(
        [Point(X0 + 2_000, Y0), Point(X0 - 3_000, Y0 + 500)],
        id=["ic-kanazawa-morimoto", "port-kanazawa"],
        kind=["interchange", "port"],
        name_ja=["金沢森本IC", "金沢港"],
        name_en=["Kanazawa-Morimoto IC", "Port of Kanazawa"],
        source=["tests/shapes.py"] * 2,
    )


def roads() -> gpd.GeoDataFrame:
    """A primary road and a motorway (both drawn) and a minor road (left off the map)."""
    return _metric(
        [
            LineString([(X0 - 500, Y0 - 50), (X0 + 2_500, Y0 - 50)]),
            LineString([(X0 - 500, Y0 - 800), (X0 + 2_500, Y0 - 800)]),
            LineString([(X0 + 150, Y0 + 100), (X0 + 150, Y0 + 300)]),
        ],
        **{
            "class": ["primary", "motorway", "minor"],
            "oneway": [0, 1, 0],
            "ramp": [0, 0, 0],
            "brunnel": [None, None, None],
            "source": ["tests/shapes.py"] * 3,
        },
    )


def expressways() -> gpd.GeoDataFrame:
    """One expressway section."""
    return _metric(
        [LineString([(X0 - 500, Y0 - 800), (X0 + 2_500, Y0 - 800)])],
        road_name=["北陸自動車道"],
        from_name=["金沢東"],
        to_name=["金沢森本"],
        length_km=[3.0],
        source=["tests/shapes.py"],
    )


def zones() -> gpd.GeoDataFrame:
    """One approximate factory-site zone around the park."""
    return _metric(
        [box(X0 - 100, Y0 - 100, X0 + 400, Y0 + 400)],
        zone_id=["factory-site-techno-park"],
        kind=["factory_site_zone"],
        name_ja=["工場適地 (テクノパーク)"],
        name_en=["Factory site zone (Techno Park)"],
        grant_ids=[json.dumps(["location-grant"])],
        park_id=[PARK_ID],
        source=["tests/shapes.py"],
        is_approximate=[True],
        approx_note=["drawn around the park outline"],
    )


def boundary() -> gpd.GeoDataFrame:
    """A 10 km square 'city'."""
    return _metric(
        [box(X0 - 5_000, Y0 - 5_000, X0 + 5_000, Y0 + 5_000)],
        name_ja=["金沢市"],
        name_en=["Kanazawa"],
        source=["tests/shapes.py"],
    )


def water() -> gpd.GeoDataFrame:
    """A pond north of the park."""
    return _metric(
        [box(X0, Y0 + 600, X0 + 200, Y0 + 700)], **{"class": ["lake"], "source": ["tests"]}
    )


def rail() -> gpd.GeoDataFrame:
    """One rail line."""
    return _metric(
        [LineString([(X0 - 1_000, Y0 + 1_000), (X0 + 3_000, Y0 + 1_000)])],
        name=["IRいしかわ鉄道線"],
        source=["tests/shapes.py"],
    )


def stations() -> gpd.GeoDataFrame:
    """One station on the rail line."""
    return _metric(
        [Point(X0 + 1_000, Y0 + 1_000)],
        name=["森本"],
        line=["IRいしかわ鉄道線"],
        source=["tests/shapes.py"],
    )


def routes() -> gpd.GeoDataFrame:
    """One route from lot 1 to the interchange."""
    return _metric(
        [LineString([(X0 + 50, Y0 + 50), (X0 + 50, Y0 - 50), (X0 + 2_000, Y0 - 50)])],
        lot_id=[LOT_IDS[0]],
        destination_id=["ic-kanazawa-morimoto"],
        kind=["interchange"],
        profile=["normal"],
        minutes=[ROUTE_MINUTES],
        metres=[2_100.0],
    )


def isochrones() -> gpd.GeoDataFrame:
    """Two drive-time bands around the interchange (10 and 20 minutes)."""
    centre = Point(X0 + 2_000, Y0)
    return _metric(
        [centre.buffer(3_000), centre.buffer(6_000)],
        destination_id=["ic-kanazawa-morimoto"] * 2,
        minutes=[10.0, 20.0],
        profile=["normal"] * 2,
    )


BUILDERS = {
    "parks": parks,
    "lots": lots,
    "lot_events": lot_events,
    "destinations": destinations,
    "roads": roads,
    "expressways": expressways,
    "zones": zones,
    "boundary": boundary,
    "water": water,
    "rail": rail,
    "stations": stations,
}


def all_layers(*, with_access: bool = True) -> dict[str, gpd.GeoDataFrame | pd.DataFrame]:
    """Return every required layer (plus routes and isochrones when ``with_access``).

    A layer the contract requires but this module does not draw is written empty with
    its columns, so the fixture keeps loading when the contract grows.
    """
    frames: dict[str, gpd.GeoDataFrame | pd.DataFrame] = {}
    for name, columns in LAYER_COLUMNS.items():
        if name in BUILDERS:
            frames[name] = BUILDERS[name]()
        elif name in TABLE_LAYERS:
            frames[name] = pd.DataFrame({c: pd.Series(dtype="object") for c in columns})
        else:
            frames[name] = gpd.GeoDataFrame(
                {c: pd.Series(dtype="object") for c in columns}, geometry=[], crs=WEB_CRS
            )
    if with_access:
        frames["routes"] = routes()
        frames["isochrones"] = isochrones()
    return frames


def write_dataset(data_dir: Path, *, with_access: bool = True) -> Path:
    """Write the hand-built layers as ``data_dir``'s GeoPackage and return ``data_dir``."""
    data_dir = Path(data_dir)
    write_layers_atomic(
        gpkg_path(data_dir), all_layers(with_access=with_access), keep_existing=False
    )
    return data_dir


PLANNER_AREA = {
    "type": "Polygon",
    "coordinates": [
        [[136.64, 36.6], [136.65, 36.6], [136.65, 36.607], [136.64, 36.607], [136.64, 36.6]]
    ],
}
"""A 0.9 km x 0.8 km area in Kanazawa, west of the city centre (the planner tests' area)."""
