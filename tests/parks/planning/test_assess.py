"""Assessing an area of the hand-built world: every figure checked against a hand-worked value."""

from __future__ import annotations

import pytest
from shapely.geometry import box

from parks.planning.area import area_from_geometry
from parks.planning.assess import assess_area, assessment_row
from parks.planning.criteria import CRITERIA_BY_NAME
from parks.planning.layers import LayerStore
from parks.planning.weights import weights_from_mapping
from tests.planning_shapes import PRIMARY_MPS, ROAD_Y, SECONDARY_MPS
from tests.shapes import X0, Y0

CONNECTOR_S = 1050 / (10 / 3.6)  # area A is 1,050 m from R1's node at X0 - 1000
A = box(X0 - 1000, Y0 + 1000, X0 - 800, Y0 + 1200)


def _assess(world, world_planning, geom, **kwargs):
    import geopandas as gpd

    web = gpd.GeoSeries([geom], crs=6675).to_crs(4326).iloc[0]
    area = area_from_geometry(web, world, name="test area")
    return assess_area(world, world_planning, area, **kwargs).to_dict()


@pytest.fixture(scope="module")
def result_a(world, world_planning):
    return _assess(world, world_planning, A)


def test_size_land_cover_and_water(result_a) -> None:
    assert result_a["area_ha"] == pytest.approx(4.0, abs=1e-3)
    assert result_a["outside_city_share"] == pytest.approx(0.0, abs=1e-6)
    assert result_a["landcover"]["3"]["share"] == pytest.approx(1.0, abs=1e-3)
    assert result_a["water_share"] == 0


def test_drive_minutes_follow_the_roads(result_a) -> None:
    port_s = CONNECTOR_S + 3000 / PRIMARY_MPS
    ic_s = CONNECTOR_S + 2000 / PRIMARY_MPS + 2950 / SECONDARY_MPS + 1 / (30 / 3.6)
    assert result_a["drive_minutes"]["port"] == pytest.approx(port_s / 60, abs=0.05)
    assert result_a["drive_minutes"]["interchange"] == pytest.approx(ic_s / 60, abs=0.05)
    assert result_a["drive_minutes"]["airport"] is None  # the world has no airport
    assert result_a["access_points"]["points"][0]["kind"] == "connector"
    assert result_a["access_points"]["connector_m"] == pytest.approx(1050, abs=0.5)


def test_nearest_park_and_no_zone(result_a) -> None:
    assert result_a["nearest_park"]["park_id"] == "techno-park"
    assert result_a["nearest_park"]["km"] == pytest.approx(
        (800**2 + 700**2) ** 0.5 / 1000, abs=0.005
    )
    assert all(z["overlap_ha"] == 0 for z in result_a["zones"])


def test_criteria_scores_follow_their_rules_and_the_score_is_their_weighted_mean(result_a) -> None:
    crit = result_a["criteria"]
    for name in ("interchange_minutes", "park_distance"):
        expected = float(CRITERIA_BY_NAME[name].score([crit[name]["value"]])[0])
        assert crit[name]["score"] == pytest.approx(expected, abs=1e-3)
    assert crit["landcover"]["score"] == pytest.approx(0.7)
    for name in ("slope", "flood", "landslide", "zoning"):
        assert crit[name]["value"] == "no data"
        assert crit[name]["score"] is None
        assert crit[name]["weight_used"] == 0
    used = {n: c["weight_used"] for n, c in crit.items() if c["score"] is not None}
    assert sum(used.values()) == pytest.approx(1.0, abs=1e-3)
    total = sum(crit[n]["score"] * w for n, w in used.items())
    assert result_a["score"] == pytest.approx(total, abs=1e-3)


def test_score_moves_the_right_way_when_a_weight_changes(world, world_planning, result_a) -> None:
    crit = result_a["criteria"]
    base = {"interchange_minutes": 1.0, "landcover": 1.0, "park_distance": 1.0}
    for name in base:
        heavier = _assess(
            world, world_planning, A, weights=weights_from_mapping({**base, name: 3.0})
        )
        plain = _assess(world, world_planning, A, weights=weights_from_mapping(base))
        direction = crit[name]["score"] - plain["score"]
        assert (heavier["score"] - plain["score"]) * direction > 0, name


def test_partial_overlaps_are_measured(world, world_planning) -> None:
    half_lake = _assess(world, world_planning, box(X0 - 1600, Y0 + 1500, X0 - 1400, Y0 + 1700))
    assert half_lake["landcover"]["1"]["share"] == pytest.approx(0.5, abs=1e-3)
    assert half_lake["water_share"] == pytest.approx(0.5, abs=1e-3)
    pond = _assess(world, world_planning, box(X0 + 100, Y0 + 650, X0 + 300, Y0 + 750))
    assert pond["water_share_by_source"]["osm"] == pytest.approx(0.25, abs=1e-3)
    edge = _assess(world, world_planning, box(X0 + 4850, Y0, X0 + 5050, Y0 + 200))
    assert edge["outside_city_share"] == pytest.approx(0.25, abs=1e-3)
    zone = _assess(world, world_planning, box(X0 + 300, Y0 + 300, X0 + 500, Y0 + 500))
    factory = next(z for z in zone["zones"] if z["kind"] == "factory_site_zone")
    assert factory["overlap_ha"] == pytest.approx(1.0, abs=1e-3)
    assert factory["share"] == pytest.approx(0.25, abs=1e-3)
    assert zone["nearest_park"]["km"] == 0


def test_built_up_share_counts_both_sources(world, world_planning) -> None:
    # half on the OSM village (paddy in the land cover), none on JAXA built-up land
    r = _assess(world, world_planning, box(X0 - 750, Y0 + 2500, X0 - 450, Y0 + 2800))
    assert r["built_up_share"]["osm"] == pytest.approx(0.5, abs=1e-3)
    assert r["built_up_share"]["jaxa"] == 0
    assert r["built_up_share"]["any"] == pytest.approx(0.5, abs=1e-3)
    block = _assess(world, world_planning, box(X0 + 1900, Y0 + 1000, X0 + 2100, Y0 + 1200))
    assert block["built_up_share"]["jaxa"] == pytest.approx(0.5, abs=1e-3)


def test_road_frontage_is_the_edge_near_a_road(world, world_planning) -> None:
    # bottom edge 10 m above R1: 200 m, plus 5 m of each side within 15 m of the road
    near = _assess(world, world_planning, box(X0 - 600, ROAD_Y + 10, X0 - 400, ROAD_Y + 210))
    assert near["road_frontage_m"] == pytest.approx(210, abs=0.5)


def test_an_area_far_from_any_road_has_no_drive_times_but_is_assessed(
    world, world_planning
) -> None:
    far = _assess(world, world_planning, box(X0 - 4900, Y0 + 4500, X0 - 4600, Y0 + 4800))
    assert far["drive_minutes"] == {
        "interchange": None,
        "port": None,
        "airport": None,
        "station": None,
    }
    assert far["population_within"] == {"10": None, "20": None, "30": None}
    assert "outside the road network" in far["access_points"]["note"]
    assert far["criteria"]["interchange_minutes"]["value"] == "no data"
    assert far["area_ha"] == pytest.approx(9.0, abs=1e-3)


def test_the_csv_row_carries_the_fields(result_a) -> None:
    row = assessment_row(result_a)
    assert row["area_ha"] == result_a["area_ha"]
    assert row["population_within_30"] == result_a["population_within"]["30"]
    assert row["criterion_slope_value"] == "no data"
    assert row["nearest_park_id"] == "techno-park"


def test_an_empty_store_means_no_data(world, world_planning, tmp_path) -> None:
    r = _assess(world, world_planning, A, store=LayerStore(tmp_path / "nothing"))
    assert r["criteria"]["slope"]["status"] == "no data"
    assert "add-layer" in r["criteria"]["slope"]["source"]
