"""Road-bounded blocks and growing a region to a target area."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from geo.blocks import cut_toward, grow_region, grow_regions, road_blocks, split_cells


def grid_lines(n: int = 4, step: float = 100.0) -> list[LineString]:
    """A street grid of n x n blocks of step x step metres (lines cross without shared vertices)."""
    top = n * step
    lines = [LineString([(i * step, -10), (i * step, top + 10)]) for i in range(n + 1)]
    lines += [LineString([(-10, j * step), (top + 10, j * step)]) for j in range(n + 1)]
    return lines


def test_crossing_lines_are_noded_into_blocks() -> None:
    blocks = road_blocks(grid_lines())
    assert len(blocks) == 16
    assert np.allclose([b.area for b in blocks], 10_000)


def test_a_frame_closes_the_faces_at_its_edge() -> None:
    blocks = road_blocks([LineString([(50, -10), (50, 110)])], frame=box(0, 0, 100, 100))
    assert sorted(round(b.area) for b in blocks) == [5_000, 5_000]


def test_region_grows_by_whole_touching_blocks() -> None:
    blocks = road_blocks(grid_lines())
    grown = grow_region(blocks, Point(150, 150), 40_000)
    assert not grown.clipped
    assert grown.whole_blocks == 4
    assert grown.area == pytest.approx(40_000)
    assert grown.geometry.contains(Point(150, 150))


def test_region_is_clipped_when_blocks_are_too_big() -> None:
    blocks = road_blocks(grid_lines(n=1, step=1000))
    grown = grow_region(blocks, Point(500, 500), 50_000)
    assert grown.clipped
    assert grown.area == pytest.approx(50_000, rel=0.01)


def test_excluded_water_is_never_taken() -> None:
    blocks = road_blocks(grid_lines())
    water = box(100, 100, 200, 200)
    grown = grow_region(blocks, Point(150, 150), 30_000, exclude=water)
    assert grown.geometry.intersection(water).area < 1e-6


def test_target_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        grow_region(road_blocks(grid_lines()), Point(0, 0), 0)


def test_big_blocks_are_cut_into_cells_on_a_fixed_grid() -> None:
    cells = split_cells(np.array([box(0, 0, 250, 100), box(300, 0, 350, 50)]), 100.0)
    # the 250 x 100 block -> 100 + 100 + 50 wide; the small block stays whole
    assert sorted(round(c.area) for c in cells) == [2_500, 5_000, 10_000, 10_000]


def test_a_straight_cut_keeps_the_side_facing_the_point() -> None:
    part = cut_toward(box(0, 0, 100, 100), Point(50, 500), 3_000)
    assert part.area == pytest.approx(3_000, rel=1e-3)
    assert part.bounds[1] == pytest.approx(70, abs=0.1)  # the northern 30 m strip


def test_two_regions_grow_side_by_side_without_sharing_a_block() -> None:
    blocks = road_blocks(grid_lines(n=6))
    west, east = grow_regions(blocks, [Point(50, 50), Point(550, 50)], [60_000, 40_000])
    assert west.area == pytest.approx(60_000)
    assert east.area == pytest.approx(40_000)
    assert west.geometry.intersection(east.geometry).area < 1e-6
    assert west.geometry.contains(Point(50, 50))
    assert east.geometry.contains(Point(550, 50))


def test_penalised_blocks_are_taken_only_when_the_others_run_out() -> None:
    blocks = road_blocks(grid_lines(n=3))  # 9 blocks of 100 m
    north = np.array([b.centroid.y > 100 for b in blocks])
    grown = grow_regions(blocks, [Point(150, 50)], [30_000], penalty=np.where(north, 1e4, 0))
    assert grown[0].geometry.bounds[3] == pytest.approx(100)  # only the southern row
    more = grow_regions(blocks, [Point(150, 50)], [40_000], penalty=np.where(north, 1e4, 0))
    assert more[0].area == pytest.approx(40_000)


def test_a_region_can_grow_out_of_an_existing_area() -> None:
    blocks = road_blocks(grid_lines(n=4))
    core = box(0, 0, 100, 100)
    grown = grow_regions(blocks, [Point(350, 50)], [20_000], exclude=core, attach_to=core)
    assert grown[0].geometry.distance(core) < 1.0  # it touches the core
    assert grown[0].geometry.intersection(core).area < 1e-6


def test_measure_counts_towards_the_target_instead_of_area() -> None:
    blocks = road_blocks(grid_lines(n=4))
    half = shapely.area(blocks) / 2  # e.g. the buildable half of each block
    grown = grow_regions(blocks, [Point(50, 50)], [20_000], measure=half)
    assert grown[0].area == pytest.approx(40_000)
