"""Layers a city loads: checked first, stored atomically; slope from a DEM; flat beats steep."""

from __future__ import annotations

import json
import math

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from shapely.geometry import box

from geo.crs import METRIC_CRS
from parks.planning.area import area_from_geometry
from parks.planning.assess import assess_area
from parks.planning.errors import LayerRejectedError
from parks.planning.layers import LayerStore, add_layer, remove_layer
from parks.planning.weights import weights_from_mapping
from tests.planning_shapes import plane_dem
from tests.shapes import X0, Y0

GRADIENT = 0.1
SLOPE_DEG = math.degrees(math.atan(GRADIENT))


def _two_slopes(path):
    """A DEM flat over its western half and rising 10 % eastwards over its eastern half."""
    size, cell = 100, 10.0
    x = (np.arange(size) + 0.5) * cell
    row = np.where(x < 500, 20.0, 20.0 + GRADIENT * (x - 500))
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "float32",
        "crs": METRIC_CRS,
        "transform": rasterio.Affine(cell, 0, X0 - 1000, 0, -cell, Y0 + 2000),
        "nodata": -9999.0,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(np.tile(row, (size, 1)).astype("float32"), 1)
    return path


def _snapshot(directory):
    return (
        sorted((p.name, p.stat().st_size) for p in directory.glob("*"))
        if directory.exists()
        else []
    )


def test_a_dem_is_stored_with_its_exact_slope(world, tmp_path) -> None:
    dem = plane_dem(tmp_path / "plane.tif", gradient=GRADIENT, origin=(X0 - 1000, Y0 + 1000))
    store_dir = tmp_path / "layers"
    info = add_layer(store_dir, "dem", dem, world, source="test plane")
    assert info.details["cell_m"] == pytest.approx(10.0)
    store = LayerStore(store_dir)
    with rasterio.open(store.slope_path()) as src:
        slope = src.read(1)
    valid = slope != src.nodata
    assert valid.mean() > 0.9
    assert np.allclose(slope[valid], SLOPE_DEG, atol=1e-3)
    assert store.source("dem").startswith("test plane")


def test_a_flat_area_beats_a_steep_one(world, world_planning, tmp_path) -> None:
    store_dir = tmp_path / "layers"
    add_layer(store_dir, "dem", _two_slopes(tmp_path / "two.tif"), world, source="two slopes")
    store = LayerStore(store_dir)
    weights = weights_from_mapping({"slope": 1.0, "landcover": 1.0})

    def assess(geom):
        web = gpd.GeoSeries([geom], crs=METRIC_CRS).to_crs(4326).iloc[0]
        area = area_from_geometry(web, world, name="t")
        return assess_area(world, world_planning, area, store=store, weights=weights).to_dict()

    flat = assess(box(X0 - 950, Y0 + 1100, X0 - 600, Y0 + 1400))
    steep = assess(box(X0 - 400, Y0 + 1100, X0 - 50, Y0 + 1400))
    assert flat["criteria"]["slope"]["value"] == pytest.approx(0.0, abs=1e-3)
    assert steep["criteria"]["slope"]["value"] == pytest.approx(SLOPE_DEG, abs=1e-2)
    assert flat["criteria"]["slope"]["score"] == 1.0
    assert flat["score"] > steep["score"]
    assert flat["criteria"]["landcover"]["score"] == steep["criteria"]["landcover"]["score"]


@pytest.mark.parametrize("problem", ["no_crs", "feet", "outside", "coarse"])
def test_bad_dems_are_refused_and_nothing_is_stored(world, tmp_path, problem) -> None:
    store_dir = tmp_path / "layers"
    add_layer(
        store_dir,
        "dem",
        plane_dem(tmp_path / "good.tif", gradient=0.0, origin=(X0, Y0)),
        world,
        source="ok",
    )
    before = _snapshot(store_dir)
    path = tmp_path / "bad.tif"
    if problem == "no_crs":
        plane_dem(path, gradient=0.1, origin=(X0, Y0), crs=None)
    elif problem == "feet":
        plane_dem(path, gradient=50.0, origin=(X0, Y0))  # rises to 30,000: not metres
    elif problem == "outside":
        plane_dem(path, gradient=0.1, origin=(X0 + 50_000, Y0))
    else:
        plane_dem(path, gradient=0.1, origin=(X0, Y0), cell=250.0)
    with pytest.raises(LayerRejectedError):
        add_layer(store_dir, "dem", path, world, source="bad")
    assert _snapshot(store_dir) == before


def test_hazard_and_zoning_polygons_turn_criteria_on(world, world_planning, tmp_path) -> None:
    store_dir = tmp_path / "layers"
    flood = gpd.GeoDataFrame(
        geometry=[box(X0 - 1000, Y0 + 1000, X0 - 900, Y0 + 1200)], crs=METRIC_CRS
    )
    flood.to_file(tmp_path / "flood.gpkg")
    add_layer(store_dir, "flood", tmp_path / "flood.gpkg", world, source="test flood map")
    zoning = gpd.GeoDataFrame(
        {"zone": ["11", "1"]},
        geometry=[
            box(X0 - 1000, Y0 + 1000, X0 - 800, Y0 + 1100),
            box(X0 - 1000, Y0 + 1100, X0 - 800, Y0 + 1150),
        ],
        crs=METRIC_CRS,
    )
    zoning.to_file(tmp_path / "zoning.geojson")
    with pytest.raises(LayerRejectedError):
        add_layer(
            store_dir, "zoning", tmp_path / "zoning.geojson", world, source="z", field_name="zone"
        )
    add_layer(
        store_dir,
        "zoning",
        tmp_path / "zoning.geojson",
        world,
        source="z",
        field_name="zone",
        allow=["11"],
    )
    web = (
        gpd.GeoSeries([box(X0 - 1000, Y0 + 1000, X0 - 800, Y0 + 1200)], crs=METRIC_CRS)
        .to_crs(4326)
        .iloc[0]
    )
    area = area_from_geometry(web, world, name="t")
    r = assess_area(world, world_planning, area, store=LayerStore(store_dir)).to_dict()
    assert r["criteria"]["flood"]["value"] == pytest.approx(0.5, abs=1e-3)
    assert r["criteria"]["flood"]["score"] == pytest.approx(0.5, abs=1e-3)
    # half permits industry, a quarter is zoned otherwise, a quarter unzoned: 0.5 + 0.5 x 0.25
    assert r["criteria"]["zoning"]["score"] == pytest.approx(0.625, abs=1e-3)
    assert r["criteria"]["landslide"]["value"] == "no data"
    assert any("test flood map" in s for s in r["sources"])
    index = json.loads((store_dir / "layers.json").read_text(encoding="utf-8"))
    assert set(index) == {"flood", "zoning"}
    assert remove_layer(store_dir, "flood")
    assert not LayerStore(store_dir).has("flood")


def test_polygons_of_the_wrong_kind_are_refused(world, tmp_path) -> None:
    from shapely.geometry import LineString

    lines = gpd.GeoDataFrame(geometry=[LineString([(X0, Y0), (X0 + 10, Y0)])], crs=METRIC_CRS)
    lines.to_file(tmp_path / "lines.gpkg")
    with pytest.raises(LayerRejectedError) as err:
        add_layer(tmp_path / "layers", "flood", tmp_path / "lines.gpkg", world, source="x")
    assert "polygons only" in err.value.problems[0]
    assert not (tmp_path / "layers" / "flood.gpkg").exists()
