"""The embedded dataset: every layer's schema, CRS, provenance and the published facts."""

from __future__ import annotations

import pytest

from geo.crs import METRIC_CRS, WEB_CRS
from parks.data import LAYER_COLUMNS, LOT_STATUSES, PARK_IDS, TABLE_LAYERS, json_list

# Published saleable areas (m²), from shared/data/facts/parks.yaml and the 2021-03 strategy:
# Techno Park 34.3 ha; Inaho 10.7 ha + 2.0 ha phase 2; Katatsu 4.5 ha; Morimoto IC 8.6 ha;
# Yasuhara 29.0 ha (phases 1-4) + 14.4 ha (phase 5).
PUBLISHED_SALEABLE_M2 = {
    "techno-park": 343_000,
    "inaho": 107_000 + 20_000,
    "katatsu": 45_000,
    "morimoto-ic": 86_000,
    "yasuhara": 290_000 + 144_000,
}
# Published lot counts: Techno Park 15 (strategy 2021-03), Morimoto IC 18 (12 + 6),
# Yasuhara phases 1-4: 332 lots.
PUBLISHED_LOT_COUNTS = {"techno-park": 15, "morimoto-ic": 18}


@pytest.mark.parametrize("name", sorted(LAYER_COLUMNS))
def test_every_layer_has_its_columns(layers, name: str) -> None:
    frame = getattr(layers, name)
    missing = set(LAYER_COLUMNS[name]) - set(frame.columns)
    assert not missing
    assert len(frame) > 0


@pytest.mark.parametrize("name", sorted(set(LAYER_COLUMNS) - set(TABLE_LAYERS)))
def test_spatial_layers_are_stored_in_wgs84(layers, name: str) -> None:
    frame = getattr(layers, name)
    assert frame.crs == WEB_CRS
    minx, miny, maxx, maxy = frame.total_bounds
    assert 136.2 < minx < maxx < 137.1
    assert 36.2 < miny < maxy < 36.9


@pytest.mark.parametrize("name", sorted(LAYER_COLUMNS))
def test_every_feature_has_a_source(layers, name: str) -> None:
    frame = getattr(layers, name)
    assert frame["source"].fillna("").astype(str).str.strip().ne("").all()


def test_the_five_parks_are_present(layers) -> None:
    assert sorted(layers.parks["park_id"]) == sorted(PARK_IDS)


# 2015 census areas of the small areas that are parks of their own (shared/data/raw/
# estat-h27-small-areas/README.md): 北陽台１〜３丁目 225,690 + 541,393 + 267,417 m²;
# いなほ１・２丁目 86,268 + 82,766 m²; かたつ 68,817 m².
CENSUS_AREA_M2 = {"techno-park": 1_034_500, "inaho": 169_034, "katatsu": 68_817}


@pytest.mark.parametrize("park_id", PARK_IDS)
def test_lots_hold_the_published_saleable_area(layers, park_id: str) -> None:
    park = layers.park(park_id)
    lots = layers.lots_of(park_id).to_crs(METRIC_CRS)
    assert park["saleable_area_m2"] == PUBLISHED_SALEABLE_M2[park_id]
    assert lots.area.sum() == pytest.approx(PUBLISHED_SALEABLE_M2[park_id], rel=0.005)
    assert park["outline_method"]
    assert park["outline_confidence"]


@pytest.mark.parametrize("park_id", sorted(CENSUS_AREA_M2))
def test_outline_covers_the_parks_own_census_small_areas(layers, park_id: str) -> None:
    outline = layers.parks.to_crs(METRIC_CRS).set_index("park_id").geometry[park_id]
    # the outline is the whole park (roads, green space) and at least its small areas
    assert outline.area >= 0.97 * CENSUS_AREA_M2[park_id]
    assert outline.area <= 1.25 * CENSUS_AREA_M2[park_id]


@pytest.mark.parametrize("park_id", ["morimoto-ic", "yasuhara"])
def test_a_park_that_is_part_of_a_small_area_says_so(layers, park_id: str) -> None:
    park = layers.park(park_id)
    assert not park["small_areas_whole"]
    assert "only part of the census small area" in park["area_note"]


def test_unknown_facts_are_null_not_guessed(layers) -> None:
    for column in ("price_per_m2", "zoning", "coverage_ratio", "floor_area_ratio", "utilities"):
        assert layers.parks[column].isna().all(), column
    assert layers.lots["price_per_m2"].isna().all()


@pytest.mark.parametrize(("park_id", "count"), sorted(PUBLISHED_LOT_COUNTS.items()))
def test_lot_counts_match_published_counts(layers, park_id: str, count: int) -> None:
    assert len(layers.lots_of(park_id)) == count


def test_yasuhara_has_332_lots_in_phases_1_to_4(layers) -> None:
    lots = layers.lots_of("yasuhara")
    assert lots["phase"].isin([1, 2, 3, 4]).sum() == 332


def test_morimoto_ic_phases_match_published_areas(layers) -> None:
    lots = layers.lots_of("morimoto-ic")
    by_phase = lots.groupby("phase")["area_m2"].agg(["count", "sum"])
    assert by_phase.loc[1, "count"] == 12
    assert by_phase.loc[2, "count"] == 6
    # about 67,000 and 19,000 m² (outline measured within 10 % of the 86,000 m² total)
    assert by_phase.loc[1, "sum"] == pytest.approx(67_000, rel=0.1)
    assert by_phase.loc[2, "sum"] == pytest.approx(19_000, rel=0.1)


def test_lot_ids_are_unique_and_follow_park_and_number(layers) -> None:
    lots = layers.lots
    assert lots["lot_id"].is_unique
    assert (lots["lot_id"] == lots["park_id"] + "/" + lots["lot_no"]).all()
    assert lots["status"].isin(LOT_STATUSES).all()


def test_generated_lots_are_flagged_illustrative_with_a_reason(layers) -> None:
    lots = layers.lots
    assert lots["is_illustrative"].astype(bool).all()
    assert lots["illustrative_reason"].str.contains("illustrative").all()


def test_lots_do_not_overlap(layers) -> None:
    metric = layers.lots.to_crs(METRIC_CRS)
    joined = metric.sjoin(metric, predicate="overlaps")
    joined = joined[joined.index != joined["index_right"]]
    areas = [
        metric.geometry[i].intersection(metric.geometry[j]).area
        for i, j in zip(joined.index, joined["index_right"], strict=True)
    ]
    assert max(areas, default=0) < 1.0


def test_named_lot_areas_keep_their_published_figure(layers) -> None:
    lot = layers.lot("katatsu/12")
    assert lot["published_area_m2"] == pytest.approx(3005.04)
    assert lot["area_m2"] == pytest.approx(3005.04, rel=0.1)


def test_destinations_cover_every_kind_with_stable_ids(layers) -> None:
    ids = set(layers.destinations["id"])
    assert {"ic-kanazawa-morimoto", "port-kanazawa", "airport-komatsu", "station-kanazawa"} <= ids
    assert set(layers.destinations["kind"]) == {"interchange", "port", "airport", "station"}
    assert layers.destinations["id"].is_unique


def test_morimoto_interchange_is_where_n06_puts_it(layers) -> None:
    ic = layers.destinations.set_index("id").geometry["ic-kanazawa-morimoto"]
    # N06: 金沢森本 at 36.60677 N, 136.70682 E
    assert ic.x == pytest.approx(136.70682, abs=1e-4)
    assert ic.y == pytest.approx(36.60677, abs=1e-4)


def test_each_park_lies_in_a_factory_site_and_priority_zone(layers) -> None:
    from parks.zones import zones_at

    for _, park in layers.parks.iterrows():
        kinds = set(zones_at(layers.zones, park.geometry)["kind"])
        assert {"factory_site_zone", "priority_promotion_zone"} <= kinds, park["park_id"]


def test_zones_say_which_grants_they_unlock_and_are_flagged_approximate(layers) -> None:
    zones = layers.zones
    assert zones["is_approximate"].astype(bool).all()
    for value in zones["grant_ids"]:
        assert json_list(value)
    core = zones[zones["kind"] == "city_core_zone"]
    assert "kanazawa_honsha_kino_kyoka" in json_list(core["grant_ids"].iloc[0])


def test_station_lies_in_the_city_core_zone_but_no_park_does(layers) -> None:
    from parks.zones import zones_at

    station = layers.destinations.set_index("id").geometry["station-kanazawa"]
    assert "city_core_zone" in set(zones_at(layers.zones, station)["kind"])
    for geom in layers.parks.geometry:
        assert "city_core_zone" not in set(zones_at(layers.zones, geom)["kind"])
