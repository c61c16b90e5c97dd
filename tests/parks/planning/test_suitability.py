"""City-wide suitability: candidates recomputed against the layers, weights moving scores the right way."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import rasterio.features
import shapely
from shapely.geometry import shape

from geo.crs import METRIC_CRS
from geo.raster import weighted_overlay
from parks.planning.area import city_polygon
from parks.planning.criteria import CRITERIA, CRITERIA_BY_NAME
from parks.planning.suitability import EXCLUSIONS, overlay_from_rasters, suitability
from parks.planning.weights import default_weights, weights_from_mapping

CELL_M = 50.0


def _class_cells(path, classes) -> list:
    """The raster cells of the given classes as polygons in EPSG:6675, read afresh."""
    with rasterio.open(path) as src:
        data = src.read(1)
        found = [
            shape(g)
            for g, v in rasterio.features.shapes(
                data, mask=np.isin(data, classes), transform=src.transform
            )
        ]
        crs = src.crs
    dense = (
        shapely.segmentize(np.asarray(found, dtype=object), 0.0001) if crs.is_geographic else found
    )
    return list(gpd.GeoSeries(dense, crs=crs).to_crs(METRIC_CRS))


@pytest.fixture(scope="module")
def world_run(world, world_planning, tmp_path_factory):
    out = tmp_path_factory.mktemp("suit")
    return suitability(world, world_planning, out, cell_m=CELL_M, top_share=0.2, max_candidates=20)


def _check_candidates(result, layers, planning) -> None:
    cands = result.candidates.to_crs(METRIC_CRS)
    assert len(cands) > 0
    water = _class_cells(planning.landcover_path, [1]) + list(
        layers.water.to_crs(METRIC_CRS).geometry
    )
    built = _class_cells(planning.landcover_path, [2]) + list(
        planning.built_up.to_crs(METRIC_CRS).geometry
    )
    parks = list(layers.parks.to_crs(METRIC_CRS).geometry)
    city = city_polygon(layers)
    for geom, area_ha, score in zip(cands.geometry, cands["area_ha"], cands["score"], strict=True):
        assert geom.area >= 3e4 - 1e-6
        assert geom.area / 1e4 == pytest.approx(area_ha, rel=1e-6)
        assert score >= result.threshold - 1e-6
        for other in water + built + parks:
            assert geom.intersection(other).area < 1e-3
        assert geom.difference(city).area < 1e-3
    assert list(cands["rank"]) == list(range(1, len(cands) + 1))
    assert (np.diff(cands["score"].to_numpy()) <= 1e-9).all()


def test_candidates_avoid_water_built_up_parks_and_are_3_ha(
    world, world_planning, world_run
) -> None:
    _check_candidates(world_run, world, world_planning)


def test_candidates_on_the_real_data(layers, planning, tmp_path) -> None:
    result = suitability(layers, planning, tmp_path, cell_m=200.0, max_candidates=15)
    _check_candidates(result, layers, planning)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["criteria"]["slope"]["status"] == "no data"
    assert set(report["exclusions"]) == {*EXCLUSIONS, "any"}
    back = gpd.read_file(tmp_path / "candidates.geojson")
    assert len(back) == len(result.candidates)


def test_land_built_up_in_openstreetmap_only_is_excluded(world_run) -> None:
    from tests.planning_shapes import OSM_BUILT_UP

    with rasterio.open(world_run.out_dir / "exclusion.tif") as src:
        bits = src.read(1)
        inv = ~src.transform
        col, row = (int(v) for v in inv @ OSM_BUILT_UP.centroid.coords[0])
    assert bits[row, col] & (1 << EXCLUSIONS.index("built_up"))


def test_outputs_and_exclusion_bits(world_run) -> None:
    out = world_run.out_dir
    for name in (
        "suitability.tif",
        "exclusion.tif",
        "candidates.geojson",
        "candidates.csv",
        "report.json",
    ):
        assert (out / name).exists(), name
    with rasterio.open(out / "suitability.tif") as s, rasterio.open(out / "exclusion.tif") as e:
        score, bits = s.read(1), e.read(1)
    assert np.isnan(score[bits != 0]).all()
    assert np.isfinite(score[bits == 0]).all()
    assert ((score[bits == 0] >= 0) & (score[bits == 0] <= 1)).all()
    # the unconfirmed land-cover class gets no value: excluded, never guessed
    assert world_run.exclusions["no_value"]["cells"] >= (1000 / CELL_M) ** 2


def test_a_heavier_weight_moves_scores_towards_that_criterion(
    world, world_planning, world_run, tmp_path
) -> None:
    base = default_weights()
    name = "interchange_minutes"
    heavier = suitability(
        world,
        world_planning,
        tmp_path,
        cell_m=CELL_M,
        weights=base.scaled(name, 2.0),
        top_share=0.2,
    )
    with (
        rasterio.open(world_run.out_dir / "suitability.tif") as a,
        rasterio.open(heavier.out_dir / "suitability.tif") as b,
        rasterio.open(world_run.out_dir / "criteria" / f"{name}.tif") as c,
    ):
        before, after = a.read(1), b.read(1)
        crit = CRITERIA_BY_NAME[name].score(c.read(1))
    ok = np.isfinite(before)
    up = ok & (crit > before + 1e-3)
    down = ok & (crit < before - 1e-3)
    assert up.any()
    assert down.any()
    assert (after[up] > before[up]).all()
    assert (after[down] < before[down]).all()


def test_sensitivity_scores_are_the_reweighted_means(world_run) -> None:
    assert world_run.sensitivity
    first = world_run.sensitivity[0]
    cand = world_run.candidates.iloc[0]
    names = [c[len("score_") :] for c in world_run.candidates.columns if c.startswith("score_")]
    for variant in first["variants"]:
        w = world_run.weights.scaled(variant["criterion"], variant["factor"]).used(set(names))
        expected = sum(cand[f"score_{n}"] * w[n] for n in names)
        assert variant["score"] == pytest.approx(expected, abs=2e-4)
    changes = {v["change"] for v in first["variants"]}
    assert {"interchange_minutes-20%", "interchange_minutes+20%", "landcover+20%"} <= changes
    assert first["rank_range"][0] <= first["rank"] <= first["rank_range"][1]


def test_given_weights_leave_out_a_criterion(world, world_planning, tmp_path) -> None:
    result = suitability(
        world,
        world_planning,
        tmp_path,
        cell_m=100.0,
        weights=weights_from_mapping({"landcover": 1.0}),
    )
    assert result.weights_used == {
        "interchange_minutes": 0.0,
        "landcover": 1.0,
        "park_distance": 0.0,
    }


def test_the_overlay_is_the_weighted_mean_of_the_criteria_scores(world_run) -> None:
    """The fast overlay (folded weights, in-place windows) equals the plain formula."""
    out = world_run.out_dir
    used = dict(world_run.weights.used(set(world_run.weights_used)))
    scores = {}
    for name in used:
        with rasterio.open(out / "criteria" / f"{name}.tif") as src:
            scores[name] = CRITERIA_BY_NAME[name].score(src.read(1))
    with rasterio.open(out / "exclusion.tif") as e, rasterio.open(out / "suitability.tif") as s:
        expected = weighted_overlay(scores, used, excluded=e.read(1) != 0)
        written = s.read(1)
    again = overlay_from_rasters(out, used, block=64, write=False)
    for got in (written, again):
        assert np.array_equal(np.isnan(got), np.isnan(expected))
        np.testing.assert_allclose(got, expected, atol=1e-6, equal_nan=True)
    # land cover is stored as bytes (0 = no data): class values, a quarter of float32
    with rasterio.open(out / "criteria" / "landcover.tif") as src:
        assert src.dtypes[0] == "uint8"
        assert src.nodata == 0


@pytest.mark.parametrize("criterion", CRITERIA, ids=lambda c: c.name)
def test_weighted_part_plus_its_constant_is_weight_times_score(criterion) -> None:
    rng = np.random.default_rng(3)
    values = rng.uniform(-5, 40, size=(40, 50)).astype(np.float32)
    if criterion.table is not None:
        values = np.round(values)
    values[0, :5] = [np.nan, np.inf, -np.inf, 0.0, 255.0]
    for v in (values, np.nan_to_num(values, nan=0, posinf=0, neginf=0).clip(0, 255)):
        v = v.astype(np.uint8) if v is not values else v
        part = np.full(v.shape, 0.25, dtype=np.float32)  # overwritten, not added to
        constant = criterion.weighted_part(v, 0.3, part)
        expected = np.float32(0.3) * criterion.score(v)
        np.testing.assert_allclose(part + constant, expected, atol=1e-6, equal_nan=True)
        if criterion.table is None:
            break  # bytes only for class values
