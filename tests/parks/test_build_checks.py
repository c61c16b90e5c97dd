"""The checks behind `siting check-data` fail when they should (hand-built shapes)."""

from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import LineString, box

from geo.crs import METRIC_CRS, WEB_CRS
from parks.build import checks


def web(geoms: list) -> gpd.GeoSeries:
    """Metric shapes (a 1 km square near Kanazawa) as EPSG:4326."""
    return gpd.GeoSeries(geoms, crs=METRIC_CRS).to_crs(WEB_CRS)


ORIGIN = (-30_000.0, 60_000.0)  # EPSG:6675 metres, near Kanazawa


def at(x: float, y: float, w: float, h: float) -> object:
    return box(ORIGIN[0] + x, ORIGIN[1] + y, ORIGIN[0] + x + w, ORIGIN[1] + y + h)


def line(*xy: tuple[float, float]) -> LineString:
    return LineString([(ORIGIN[0] + x, ORIGIN[1] + y) for x, y in xy])


def parks_frame(outline: object) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"park_id": ["p"], "small_areas": [json.dumps(["x"])]}, geometry=web([outline])
    )


def refs(city: object, expressway: LineString, road: LineString) -> checks.References:
    return checks.References(
        city=web([city]).iloc[0],
        city_source="test city",
        expressways={"test expressway": web([expressway])},
        roads=web([road]),
        roads_source="test roads",
    )


CITY = at(0, 0, 1000, 1000)
FAR_EXPRESSWAY = line((0, 950), (1000, 950))
FAR_ROAD = line((0, 700), (1000, 700))


def test_an_outline_over_the_city_boundary_fails() -> None:
    inside = checks.outside_city(
        parks_frame(at(100, 100, 200, 200)), refs(CITY, FAR_EXPRESSWAY, FAR_ROAD)
    )
    across = checks.outside_city(
        parks_frame(at(900, 100, 200, 200)), refs(CITY, FAR_EXPRESSWAY, FAR_ROAD)
    )
    assert inside[0].ok
    assert inside[0].value == pytest.approx(0)
    assert not across[0].ok
    assert across[0].value == pytest.approx(50, abs=0.5)


def test_an_expressway_through_an_outline_is_measured_in_metres() -> None:
    through = line((0, 200), (1000, 200))
    found = checks.expressway_in_outlines(
        parks_frame(at(100, 100, 200, 200)), refs(CITY, through, FAR_ROAD)
    )
    assert not found[0].ok
    assert found[0].value == pytest.approx(200, abs=1)


def test_a_road_through_a_lot_fails_but_one_along_its_edge_does_not() -> None:
    lots = gpd.GeoDataFrame(
        {"park_id": ["p", "p"], "lot_id": ["p/1", "p/2"]},
        geometry=web([at(100, 100, 100, 100), at(300, 100, 100, 100)]),
    )
    along = checks.roads_in_lots(lots, refs(CITY, FAR_EXPRESSWAY, line((100, 99), (400, 99))))
    through = checks.roads_in_lots(lots, refs(CITY, FAR_EXPRESSWAY, line((150, 0), (150, 300))))
    assert along[0].ok
    assert along[0].value == pytest.approx(0)
    assert not through[0].ok
    assert through[0].value == pytest.approx(84, abs=1)  # 100 m less 8 m at each end


def test_a_reported_share_off_by_more_than_3_points_fails() -> None:
    lots = gpd.GeoDataFrame(
        {"park_id": ["p"] * 4, "lot_id": [f"p/{i}" for i in range(4)], "phase": [1] * 4},
        geometry=web([at(i * 100, 0, 90, 100) for i in range(4)]),
    )
    events = pd.DataFrame(
        {
            "lot_id": [f"p/{i}" for i in range(4)] + ["p/0", "p/1"],
            "date": ["2020-01-01"] * 4 + ["2020-06-01", "2020-07-01"],
            "status": ["available"] * 4 + ["sold", "sold"],
        }
    )
    good = {"p": [{"date": "2020-06-15", "sold_pct": 25.0, "lots_left": 3}]}
    bad = {"p": [{"date": "2020-06-15", "sold_pct": 50.0, "lots_left": 2}]}
    assert all(c.ok for c in checks.reported_figures(lots, events, good))
    assert not any(c.ok for c in checks.reported_figures(lots, events, bad))
