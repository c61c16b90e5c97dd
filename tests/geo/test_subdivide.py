"""Splitting polygons into parts of given areas."""

from __future__ import annotations

import pytest
import shapely
from shapely.geometry import Polygon, box

from geo.subdivide import split_by_areas, strips

L_SHAPE = Polygon([(0, 0), (300, 0), (300, 100), (100, 100), (100, 300), (0, 300)])


@pytest.mark.parametrize("geom", [box(0, 0, 200, 100), L_SHAPE])
def test_parts_tile_the_polygon_with_the_asked_proportions(geom: Polygon) -> None:
    areas = [1.0, 2.0, 3.0, 4.0]
    parts = split_by_areas(geom, areas)
    assert len(parts) == 4
    for part, share in zip(parts, areas, strict=True):
        assert part.area == pytest.approx(geom.area * share / 10, rel=1e-3)
    assert shapely.union_all(parts).area == pytest.approx(geom.area, rel=1e-6)
    # no overlaps: the parts' areas add up to the whole
    assert sum(p.area for p in parts) == pytest.approx(geom.area, rel=1e-6)


def test_strips_keep_order_along_the_long_axis() -> None:
    parts = strips(box(0, 0, 400, 100), [1, 1, 2])
    assert [round(p.area) for p in parts] == [10_000, 10_000, 20_000]
    xs = sorted(p.centroid.x for p in parts)
    assert xs[0] < xs[1] < xs[2]


def test_non_positive_areas_are_rejected() -> None:
    with pytest.raises(ValueError, match="positive"):
        split_by_areas(box(0, 0, 1, 1), [1, 0])


def test_lots_cut_from_an_l_shaped_block_are_each_one_polygon() -> None:
    from shapely.geometry import Polygon

    ell = Polygon([(0, 0), (300, 0), (300, 60), (60, 60), (60, 300), (0, 300)])
    parts = split_by_areas(ell, [ell.area / 4] * 4)
    assert [round(p.area) for p in parts] == [round(ell.area / 4)] * 4
    assert all(p.geom_type == "Polygon" for p in parts)
