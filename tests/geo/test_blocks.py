"""Road-bounded blocks and growing a region to a target area."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import LineString, Point, box

from geo.blocks import grow_region, road_blocks


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
