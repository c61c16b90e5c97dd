"""Outlines and lots against layers they were not built from, as an outside auditor checks them.

Each constraint is recomputed here with plain shapely from the layers (and, when
../shared is there, from the raw sources), then the same figures are asked of
``parks.build.checks`` (what ``siting check-data`` prints), so the checker is checked too.
"""

from __future__ import annotations

import functools
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.crs import METRIC_CRS, WEB_CRS
from parks.build import checks
from parks.build.sources import expressway_lines, public_roads, read_city, read_osm
from parks.data import PARK_IDS

# What each park's outline must come near (2015 census small areas; SOURCES.md item 9).
OWN_SMALL_AREAS = {
    "techno-park": ["北陽台１丁目", "北陽台２丁目", "北陽台３丁目"],
    "inaho": ["いなほ１丁目", "いなほ２丁目"],
    "katatsu": ["かたつ"],
    "morimoto-ic": ["河原市町"],
    "yasuhara": ["打木町"],
}


def metric(frame: gpd.GeoDataFrame | gpd.GeoSeries) -> gpd.GeoSeries:
    return (
        frame.to_crs(METRIC_CRS).geometry
        if isinstance(frame, gpd.GeoDataFrame)
        else frame.to_crs(METRIC_CRS)
    )


def metres_inside(lines: gpd.GeoSeries, area: shapely.Geometry) -> float:
    return float(shapely.length(shapely.intersection(metric(lines).to_numpy(), area)).sum())


def outlines(layers) -> dict[str, shapely.Geometry]:
    return dict(zip(layers.parks["park_id"], metric(layers.parks), strict=True))


# ----- from the embedded layers alone (always run) ----------------------------------------


@pytest.mark.parametrize("park_id", PARK_IDS)
def test_outline_lies_inside_the_city(layers, park_id: str) -> None:
    city = metric(layers.boundary).union_all()
    outline = outlines(layers)[park_id]
    assert outline.difference(city).area / outline.area <= 0.02


@pytest.mark.parametrize("park_id", PARK_IDS)
def test_no_expressway_or_ramp_runs_through_an_outline(layers, park_id: str) -> None:
    outline = outlines(layers)[park_id]
    roads = layers.roads
    motorway = roads[roads["class"] == "motorway"].geometry  # carriageways and their ramps
    ramps = roads[roads["ramp"].astype(int) == 1].geometry
    assert metres_inside(layers.expressways.geometry, outline) <= 30
    assert metres_inside(motorway, outline) <= 30
    assert metres_inside(ramps, outline) <= 30


@pytest.mark.parametrize("park_id", PARK_IDS)
def test_no_public_road_runs_through_a_lot(layers, park_id: str) -> None:
    interiors = metric(layers.lots_of(park_id)).buffer(-8).union_all()
    near = layers.roads.cx[slice(*_lon(layers, park_id)), slice(*_lat(layers, park_id))]
    assert metres_inside(near.geometry, interiors) <= 50


@pytest.mark.parametrize("park_id", PARK_IDS)
def test_lots_lie_inside_their_park_and_keep_clear_of_roads(layers, park_id: str) -> None:
    lots = metric(layers.lots_of(park_id))
    outline = outlines(layers)[park_id]
    assert lots.difference(outline.buffer(0.5)).area.sum() < 1.0
    near = layers.roads.cx[slice(*_lon(layers, park_id)), slice(*_lat(layers, park_id))]
    clearance = metric(near).distance(lots.union_all())
    assert clearance.min() >= 5.0  # a setback from every road centre line


def test_the_checks_report_the_same_figures_from_the_layers(layers) -> None:
    refs = checks.references_from_data(layers)
    got = {
        (c.check, c.park_id, c.subject): c
        for c in checks.run_checks(
            layers, refs, checks.dated_reports(Path(layers.data_dir)), with_access=False
        )
    }
    assert all(c.ok for c in got.values()), [c for c in got.values() if not c.ok]
    for park_id, outline in outlines(layers).items():
        city = metric(layers.boundary).union_all()
        share = 100 * outline.difference(city).area / outline.area
        assert got[("outline outside the city", park_id, "outline")].value == pytest.approx(
            share, abs=0.01
        )


def test_the_airport_destination_is_5_to_7_minutes_from_komatsu_ic(layers) -> None:
    airport = layers.destinations.set_index("id").loc["airport-komatsu"]
    assert "terminal" in airport["source"]
    (found,) = checks.airport_to_interchange(layers)
    assert found.ok, found


def _lon(layers, park_id: str) -> tuple[float, float]:
    minx, _, maxx, _ = layers.park(park_id).geometry.bounds
    return minx - 0.01, maxx + 0.01


def _lat(layers, park_id: str) -> tuple[float, float]:
    _, miny, _, maxy = layers.park(park_id).geometry.bounds
    return miny - 0.01, maxy + 0.01


# ----- against the raw sources (skipped without ../shared) ---------------------------------


@functools.lru_cache(maxsize=1)
def _load_raw(raw: Path) -> dict[str, object]:
    transport = read_osm(raw, "transportation")
    census = pd.read_csv(raw / "estat-h27-small-areas" / "ishikawa_h27_small_areas.csv")
    census = census[census["GST_NAME"] == "金沢市"]
    return {
        "city": gpd.GeoSeries([read_city(raw)], crs=WEB_CRS).to_crs(METRIC_CRS).iloc[0],
        "expressways": expressway_lines(raw, transport).all_lines(),
        "roads": public_roads(transport).geometry,
        "census": gpd.GeoDataFrame(
            census, geometry=gpd.points_from_xy(census["X_CODE"], census["Y_CODE"]), crs=WEB_CRS
        ).to_crs(METRIC_CRS),
    }


@pytest.fixture
def raw_layers(raw_dir: Path) -> dict[str, object]:
    """The raw reference layers, read once per session (skips without ../shared)."""
    return _load_raw(raw_dir)


@pytest.mark.parametrize("park_id", PARK_IDS)
def test_raw_outline_is_in_kanazawa_and_clear_of_the_expressway(
    layers, raw_layers, park_id: str
) -> None:
    outline = outlines(layers)[park_id]
    assert outline.difference(raw_layers["city"]).area / outline.area <= 0.02
    assert metres_inside(raw_layers["expressways"], outline) <= 30


@pytest.mark.parametrize("park_id", PARK_IDS)
def test_raw_roads_do_not_run_through_lots(layers, raw_layers, park_id: str) -> None:
    interiors = metric(layers.lots_of(park_id)).buffer(-8).union_all()
    box = shapely.box(*interiors.bounds).buffer(100)
    roads = metric(raw_layers["roads"])
    near = roads[roads.intersects(box)]
    assert metres_inside(near, interiors) <= 50


@pytest.mark.parametrize(
    ("park_id", "small_area"),
    [(p, a) for p, areas in OWN_SMALL_AREAS.items() for a in areas],
)
def test_each_census_centroid_lies_in_or_within_150_m_of_its_park(
    layers, raw_layers, park_id: str, small_area: str
) -> None:
    census = raw_layers["census"]
    rows = census[census["MOJI"] == small_area].sort_values("AREA", ascending=False)
    assert len(rows) >= 1
    assert outlines(layers)[park_id].distance(rows.geometry.iloc[0]) <= 150


def test_every_check_passes_against_the_raw_sources(layers, raw_dir: Path) -> None:
    refs = checks.references_from_raw(raw_dir)
    found = checks.run_checks(
        layers, refs, checks.dated_reports(Path(layers.data_dir)), with_access=False
    )
    kinds = {c.check for c in found}
    assert {
        "outline outside the city",
        "expressway/ramp inside outline",
        "public road inside lots (8 m in)",
        "census small-area centroid to outline",
        "town point to outline",
        "reported figure",
    } <= kinds
    assert all(c.ok for c in found), [c for c in found if not c.ok]
