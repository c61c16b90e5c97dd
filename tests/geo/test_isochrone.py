"""Isochrones: reached edges buffered, partial edges cut, water not bridged, bad bands refused."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Point

from geo.crs import METRIC_CRS
from geo.errors import NetworkError
from geo.isochrone import isochrone_grid, isochrones_from_points
from geo.network import attach, network_from_lines, weighted_graph

SPEEDS = {"minor": 36.0, "connector": 3.6, "access_connector": 36.0}  # 10 m/s on the road


def network(*lines: LineString):
    n = len(lines)
    frame = gpd.GeoDataFrame(
        {"class": ["minor"] * n, "oneway": [0] * n, "ramp": [0] * n, "brunnel": [None] * n},
        geometry=list(lines),
        crs=METRIC_CRS,
    )
    return weighted_graph(network_from_lines(frame, crs=METRIC_CRS), SPEEDS)


def at(graph, x: float, y: float):
    return attach(graph.network, gpd.GeoSeries([Point(x, y)], crs=METRIC_CRS))


def test_band_covers_the_reached_part_of_the_road_only() -> None:
    graph = network(LineString([(0, 0), (5000, 0)]))
    grid = isochrone_grid(graph, cell_m=50)
    bands = isochrones_from_points(grid, at(graph, 0, 0), [1.0], buffer_m=100)
    _, miny, maxx, maxy = bands.geometry.iloc[0].bounds
    # 60 s at 10 m/s reaches 600 m of road, plus a 100 m buffer (cells of 50 m)
    assert 650 <= maxx <= 760
    assert -160 <= miny <= -90
    assert maxy <= 160


def test_bands_are_nested_and_grow() -> None:
    graph = network(LineString([(0, 0), (5000, 0)]), LineString([(2000, -2000), (2000, 2000)]))
    grid = isochrone_grid(graph, cell_m=50)
    bands = isochrones_from_points(grid, at(graph, 0, 0), [2, 5, 8], buffer_m=100)
    geoms = list(bands.geometry)
    assert geoms[0].area < geoms[1].area < geoms[2].area
    assert geoms[1].buffer(60).contains(geoms[0])


def test_road_across_water_is_reached_only_by_driving_round() -> None:
    # two parallel roads 200 m apart with a 100 m river between them, joined only at x = 3000
    graph = network(
        LineString([(0, 0), (3000, 0)]),
        LineString([(3000, 0), (3000, 200)]),
        LineString([(3000, 200), (0, 200)]),
    )
    river = gpd.GeoSeries([shapely.box(-1000, 50, 2900, 150)], crs=METRIC_CRS)
    grid = isochrone_grid(graph, cell_m=25, exclude=river)
    source = at(graph, 0, 0)
    five, eight = isochrones_from_points(grid, source, [5, 8], buffer_m=150).geometry
    # (1500, 200) is 200 m away as the crow flies but 3000 + 200 + 1500 = 4,700 m by road:
    # 470 s at 10 m/s, so outside the 5-minute band and inside the 8-minute one
    assert not five.intersects(Point(1500, 200))
    assert eight.intersects(Point(1500, 200))
    assert five.intersection(river.iloc[0]).area < 0.01 * five.area


@pytest.mark.parametrize("minutes", [[0], [-5], [], [float("nan")], [5, -1]])
def test_bad_minutes_are_refused(minutes: list[float]) -> None:
    graph = network(LineString([(0, 0), (1000, 0)]))
    grid = isochrone_grid(graph, cell_m=50)
    with pytest.raises(NetworkError, match="minutes"):
        isochrones_from_points(grid, at(graph, 0, 0), minutes)
