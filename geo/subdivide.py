"""Split a polygon into parts of given areas (for illustrative lot layouts)."""

from __future__ import annotations

import itertools
import math

import shapely
from shapely import affinity
from shapely.geometry import box
from shapely.geometry.base import BaseGeometry


def _major_axis_angle(geom: BaseGeometry) -> float:
    """Return the angle (degrees) of the long side of the minimum rotated rectangle."""
    rect = shapely.minimum_rotated_rectangle(geom)
    coords = list(rect.exterior.coords)
    best, angle = -1.0, 0.0
    for (x0, y0), (x1, y1) in itertools.pairwise(coords):
        length = math.hypot(x1 - x0, y1 - y0)
        if length > best:
            best, angle = length, math.degrees(math.atan2(y1 - y0, x1 - x0))
    return angle


def cut_at_fraction(
    geom: BaseGeometry, fraction: float, *, turn_deg: float = 0.0
) -> tuple[BaseGeometry, BaseGeometry]:
    """Cut ``geom`` across its long axis so the first part holds ``fraction`` of its area.

    ``turn_deg`` turns the cut away from square-across-the-long-axis (90 cuts along it).
    """
    angle = _major_axis_angle(geom) + turn_deg
    origin = geom.centroid
    rotated = affinity.rotate(geom, -angle, origin=origin)
    minx, miny, maxx, maxy = rotated.bounds
    target = rotated.area * fraction
    lo, hi = minx, maxx
    for _ in range(50):
        mid = (lo + hi) / 2
        if rotated.intersection(box(minx - 1, miny - 1, mid, maxy + 1)).area < target:
            lo = mid
        else:
            hi = mid
    x = (lo + hi) / 2
    first = rotated.intersection(box(minx - 1, miny - 1, x, maxy + 1))
    second = rotated.difference(box(minx - 1, miny - 1, x, maxy + 1))
    return (
        affinity.rotate(first, angle, origin=origin),
        affinity.rotate(second, angle, origin=origin),
    )


def split_by_areas(geom: BaseGeometry, areas: list[float]) -> list[BaseGeometry]:
    """Split ``geom`` into ``len(areas)`` parts whose areas are proportional to ``areas``.

    Recursive bisection across the long axis keeps parts compact; the parts tile ``geom``
    (no gaps, no overlaps) and keep the order of ``areas`` along each cut.

    Examples
    --------
    >>> parts = split_by_areas(box(0, 0, 100, 100), [1, 1, 2])
    >>> [round(p.area) for p in parts]
    [2500, 2500, 5000]
    """
    if not areas:
        return []
    if any(a <= 0 for a in areas):
        msg = f"every area must be positive, got {areas}"
        raise ValueError(msg)
    if len(areas) == 1:
        return [geom]
    half = len(areas) // 2
    left, right = areas[:half], areas[half:]
    best: tuple[BaseGeometry, BaseGeometry] | None = None
    for turn in CUT_TURNS_DEG:
        first, second = cut_at_fraction(geom, sum(left) / sum(areas), turn_deg=turn)
        if best is None or _pieces(first) + _pieces(second) < _pieces(best[0]) + _pieces(best[1]):
            best = (first, second)
        if _pieces(first) + _pieces(second) == 2:
            break  # both halves are whole: keep the squarest cut found first
    assert best is not None  # CUT_TURNS_DEG is not empty
    first, second = best
    return split_by_areas(first, left) + split_by_areas(second, right)


CUT_TURNS_DEG = (0.0, 90.0, 45.0, -45.0, 22.5, -22.5, 67.5, -67.5)
"""Cut directions tried in turn, relative to square across the long axis."""


def _pieces(geom: BaseGeometry) -> int:
    """Number of polygons in ``geom`` (a lot should be one)."""
    return len([p for p in shapely.get_parts(geom) if p.area > 0.01])


def strips(geom: BaseGeometry, areas: list[float]) -> list[BaseGeometry]:
    """Cut ``geom`` into consecutive strips along its long axis with areas proportional to ``areas``."""
    parts: list[BaseGeometry] = []
    rest = geom
    remaining = float(sum(areas))
    for area in areas[:-1]:
        first, rest = cut_at_fraction(rest, area / remaining)
        parts.append(first)
        remaining -= area
    parts.append(rest)
    return parts
