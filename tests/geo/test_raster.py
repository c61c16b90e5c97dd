"""Raster helpers: exact slope of a plane (windowed or not), overlay, regions, class areas."""

from __future__ import annotations

import math

import numpy as np
import pytest
import rasterio
import shapely
from affine import Affine
from pyproj import CRS

from geo.crs import METRIC_CRS
from geo.errors import CRSMismatchError
from geo.raster import (
    SLOPE_NODATA,
    Grid,
    RasterError,
    cells_within,
    class_areas,
    horn_slope_deg,
    label_regions,
    region_polygons,
    slope_from_dem,
    weighted_overlay,
)


def _dem(path, z, *, cell=10.0, crs=METRIC_CRS, nodata=-9999.0):
    profile = {
        "driver": "GTiff",
        "width": z.shape[1],
        "height": z.shape[0],
        "count": 1,
        "dtype": "float32",
        "crs": crs,
        "transform": Affine(cell, 0, 1000.0, 0, -cell, 5000.0),
        "nodata": nodata,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(z.astype("float32"), 1)
    return path


@pytest.mark.parametrize("block_rows", [1, 7, 1024])
def test_a_plane_gives_its_exact_slope_everywhere(tmp_path, block_rows) -> None:
    # z rises 0.06 m per metre east and 0.08 m per metre north: gradient 0.1, slope atan(0.1)
    rows, cols = np.mgrid[0:37, 0:53]
    z = 100.0 + 0.06 * (cols * 10.0) - 0.08 * (rows * 10.0)
    src = _dem(tmp_path / "plane.tif", z)
    out = slope_from_dem(src, tmp_path / "slope.tif", block_rows=block_rows)
    with rasterio.open(out) as ds:
        slope = ds.read(1)
        assert ds.crs == METRIC_CRS
    assert np.allclose(slope, math.degrees(math.atan(0.1)), atol=1e-4)


def test_flat_ground_has_zero_slope_and_nodata_spreads_to_neighbours(tmp_path) -> None:
    z = np.full((20, 20), 50.0)
    z[10, 10] = -9999.0
    out = slope_from_dem(_dem(tmp_path / "flat.tif", z), tmp_path / "s.tif", block_rows=6)
    with rasterio.open(out) as ds:
        slope = ds.read(1)
    hole = slope == SLOPE_NODATA
    assert hole[9:12, 9:12].all()
    assert hole.sum() == 9
    assert np.allclose(slope[~hole], 0.0)


def test_slope_needs_metres(tmp_path) -> None:
    z = np.zeros((5, 5))
    with pytest.raises(CRSMismatchError):
        slope_from_dem(
            _dem(tmp_path / "deg.tif", z, cell=0.001, crs=CRS.from_epsg(4326)), tmp_path / "s.tif"
        )


def test_horn_matches_a_hand_computed_window() -> None:
    window = np.array([[0.0, 1.0, 2.0], [0.0, 1.0, 2.0], [0.0, 1.0, 2.0]])
    # dz/dx = ((2 + 4 + 2) - 0) / (8 x 1) = 1 -> 45 degrees
    assert horn_slope_deg(window, 1.0, 1.0)[0, 0] == pytest.approx(45.0)


def test_weighted_overlay_is_the_weighted_mean_with_nan_kept() -> None:
    a = np.array([[1.0, 0.0], [0.5, np.nan]], dtype=np.float32)
    b = np.array([[0.0, 0.0], [0.5, 1.0]], dtype=np.float32)
    out = weighted_overlay(
        {"a": a, "b": b}, {"a": 3.0, "b": 1.0}, excluded=np.array([[0, 1], [0, 0]], bool)
    )
    assert out[0, 0] == pytest.approx(0.75)
    assert np.isnan(out[0, 1])
    assert out[1, 0] == pytest.approx(0.5)
    assert np.isnan(out[1, 1])
    with pytest.raises(RasterError):
        weighted_overlay({"a": a}, {"a": 0.0})
    with pytest.raises(RasterError):
        weighted_overlay({"a": a}, {"b": 1.0})


def test_regions_are_edge_connected_and_small_ones_dropped() -> None:
    mask = np.zeros((6, 6), bool)
    mask[0:2, 0:2] = True  # 4 cells
    mask[2, 2] = True  # touches the block only at a corner: its own region, dropped
    mask[4:6, 3:6] = True  # 6 cells
    labels, n = label_regions(mask, min_cells=4)
    assert n == 2
    assert labels[2, 2] == 0
    polys = region_polygons(labels, Affine(10, 0, 0, 0, -10, 60), [1, 2])
    assert sorted(p.area for p in polys.values()) == [400.0, 600.0]


def test_grid_snaps_and_cells_within_keep_only_whole_cells() -> None:
    grid = Grid.from_bounds((3.0, 7.0, 95.0, 48.0), 10.0, METRIC_CRS)
    assert grid.bounds == (0.0, 0.0, 100.0, 50.0)
    inside = cells_within(shapely.box(5, 5, 95, 45), grid)
    assert inside.sum() == 8 * 3  # whole cells: x from 10 to 90 (8), y from 10 to 40 (3)


def test_class_areas_cut_cells_exactly(tmp_path) -> None:
    data = np.array([[1, 2], [3, 4]], dtype=np.uint8)
    profile = {
        "driver": "GTiff",
        "width": 2,
        "height": 2,
        "count": 1,
        "dtype": "uint8",
        "crs": METRIC_CRS,
        "transform": Affine(100, 0, 0, 0, -100, 200),
        "nodata": 0,
    }
    with rasterio.open(tmp_path / "c.tif", "w", **profile) as dst:
        dst.write(data, 1)
    areas = class_areas(
        tmp_path / "c.tif",
        shapely.box(50, 50, 150, 150),
        polygon_crs=METRIC_CRS,
        area_crs=METRIC_CRS,
    )
    assert areas == pytest.approx({1: 2500.0, 2: 2500.0, 3: 2500.0, 4: 2500.0})
