"""Road-bounded blocks, and growing a region of blocks around a seed point to a target area."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry


def road_blocks(
    lines: list[BaseGeometry] | np.ndarray,
    *,
    frame: BaseGeometry | None = None,
    min_area: float = 100.0,
) -> np.ndarray:
    """Return the polygons enclosed by a set of (metric) lines, noded at their crossings.

    Lines that only nearly meet leave their faces open, so neighbouring blocks merge; that
    errs towards larger blocks, never towards inventing a road. With ``frame`` (a polygon),
    its boundary closes the faces at the edge, so the blocks cover the whole frame.
    """
    parts = list(np.asarray(lines, dtype=object))
    if frame is not None:
        parts.append(frame.boundary)
    noded = shapely.node(shapely.union_all(np.asarray(parts, dtype=object)))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(noded)))
    kept: np.ndarray = faces[shapely.area(faces) >= min_area]
    return kept


@dataclass(frozen=True)
class GrownRegion:
    """A region grown from blocks, with how it was made."""

    geometry: BaseGeometry
    whole_blocks: int
    clipped: bool
    area: float


def grow_region(
    blocks: np.ndarray,
    seed: Point,
    target_area: float,
    *,
    exclude: BaseGeometry | None = None,
    tolerance: float = 0.10,
) -> GrownRegion:
    """Grow a contiguous region of whole blocks around ``seed`` to about ``target_area``.

    Blocks are tried nearest first; a block is added when it touches the region and keeps
    the total within ``1 + tolerance`` of the target. If the region is still short of
    ``1 - tolerance`` of the target, the remainder is cut from the neighbouring blocks by a
    disc centred on ``seed`` whose radius is found by bisection. ``exclude`` (e.g. water) is
    removed from every block first. Units are those of the inputs (metres).
    """
    if target_area <= 0:
        msg = f"target_area must be positive, got {target_area}"
        raise ValueError(msg)
    usable = blocks if exclude is None else shapely.difference(blocks, exclude)
    usable = usable[~shapely.is_empty(usable) & (shapely.area(usable) > 1.0)]
    if len(usable) == 0:
        msg = "no blocks to grow a region from"
        raise ValueError(msg)
    order = list(np.argsort(shapely.distance(usable, seed)))
    areas = shapely.area(usable)
    chosen: list[int] = []
    region: BaseGeometry = shapely.Polygon()
    total = 0.0
    grew = True
    while grew and total < target_area * (1 - tolerance):
        grew = False
        for idx in order:
            if idx in chosen or total + areas[idx] > target_area * (1 + tolerance):
                continue
            if chosen and shapely.distance(region, usable[idx]) > 1.0:
                continue
            chosen.append(idx)
            region = shapely.union(region, usable[idx])
            total += float(areas[idx])
            grew = True
            break
    if total >= target_area * (1 - tolerance):
        return GrownRegion(region, len(chosen), clipped=False, area=float(region.area))
    rest = shapely.union_all(usable[[i for i in order[:60] if i not in chosen]])
    base = region
    lo, hi = 0.0, float(np.sqrt(target_area) * 4)
    for _ in range(60):
        mid = (lo + hi) / 2
        region = shapely.union(base, shapely.intersection(rest, seed.buffer(mid, 32)))
        if region.area < target_area:
            lo = mid
        else:
            hi = mid
        if abs(region.area - target_area) <= 0.005 * target_area:
            break
    return GrownRegion(region, len(chosen), clipped=True, area=float(region.area))
