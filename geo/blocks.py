"""Road-bounded blocks, and growing regions of blocks around seed points to target areas."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import Point, Polygon, box
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


def split_cells(polygons: np.ndarray, cell_m: float, *, min_area: float = 1.0) -> np.ndarray:
    """Cut every polygon larger than two cells along a fixed ``cell_m`` grid.

    The grid is anchored at multiples of ``cell_m``, so the same input always gives the same
    cells; small polygons are kept whole. Parts are single polygons.

    Examples
    --------
    >>> cells = split_cells(np.array([box(0, 0, 300, 100)]), 100.0)
    >>> sorted(round(c.area) for c in cells)
    [10000, 10000, 10000]
    """
    if cell_m <= 0:
        msg = f"cell_m must be positive, got {cell_m}"
        raise ValueError(msg)
    out: list[BaseGeometry] = []
    for poly in np.asarray(polygons, dtype=object):
        if poly.area <= 2 * cell_m * cell_m:
            out.extend(shapely.get_parts(poly))
            continue
        minx, miny, maxx, maxy = poly.bounds
        xs = np.arange(math.floor(minx / cell_m) * cell_m, maxx, cell_m)
        ys = np.arange(math.floor(miny / cell_m) * cell_m, maxy, cell_m)
        grid = np.array([box(x, y, x + cell_m, y + cell_m) for x in xs for y in ys], dtype=object)
        pieces = shapely.intersection(poly, grid)
        out.extend(shapely.get_parts(pieces[~shapely.is_empty(pieces)]))
    polys = np.array(
        [p for p in out if isinstance(p, Polygon) and p.area >= min_area], dtype=object
    )
    return polys


def cut_toward(polygon: BaseGeometry, point: Point, area: float) -> BaseGeometry:
    """Return the part of ``polygon`` nearest ``point`` that has ``area``, cut by a straight line.

    The cut is perpendicular to the direction from ``point`` to the polygon's centroid, so
    the kept part faces the point, as a surveyor would split a field. Returns the whole
    polygon when ``area`` reaches its area.

    Examples
    --------
    >>> part = cut_toward(box(0, 0, 100, 100), Point(-50, 50), 2500)
    >>> [round(v) for v in part.bounds]
    [0, 0, 25, 100]
    """
    if area >= polygon.area:
        return polygon
    if area <= 0:
        return Polygon()
    point = point.centroid  # a MultiPoint cuts towards its centre
    c = polygon.centroid
    dx, dy = c.x - point.x, c.y - point.y
    norm = math.hypot(dx, dy)
    ux, uy = (1.0, 0.0) if norm < 1e-9 else (dx / norm, dy / norm)
    coords = np.concatenate([np.asarray(r.coords) for r in _rings(polygon)])
    t = (coords[:, 0] - point.x) * ux + (coords[:, 1] - point.y) * uy
    lo, hi = float(t.min()), float(t.max())
    span = float(np.ptp(coords[:, 0]) + np.ptp(coords[:, 1])) + 10.0
    part: BaseGeometry = polygon
    for _ in range(60):
        mid = (lo + hi) / 2
        part = polygon.intersection(_half_plane(point, ux, uy, mid, span))
        if part.area < area:
            lo = mid
        else:
            hi = mid
        if abs(part.area - area) <= 1e-4 * area:
            break
    return part


def _rings(polygon: BaseGeometry) -> list[BaseGeometry]:
    rings: list[BaseGeometry] = []
    for p in shapely.get_parts(polygon):
        rings.append(p.exterior)
    return rings


def _half_plane(point: Point, ux: float, uy: float, t: float, span: float) -> Polygon:
    """The side {x : (x - point)·u <= t} of a line, as a large rectangle."""
    # corners along u from far behind to t, across by +-span
    bx, by = point.x + ux * t, point.y + uy * t
    vx, vy = -uy, ux
    back = t - 2 * span
    fx, fy = point.x + ux * back, point.y + uy * back
    return Polygon(
        [
            (bx + vx * span, by + vy * span),
            (bx - vx * span, by - vy * span),
            (fx - vx * span, fy - vy * span),
            (fx + vx * span, fy + vy * span),
        ]
    )


@dataclass(frozen=True)
class GrownRegion:
    """A region grown from blocks, with how it was made."""

    geometry: BaseGeometry
    whole_blocks: int
    clipped: bool
    area: float


def grow_regions(
    cells: np.ndarray,
    seeds: Sequence[Point],
    targets: Sequence[float],
    *,
    exclude: BaseGeometry | None = None,
    measure: np.ndarray | None = None,
    penalty: np.ndarray | None = None,
    attach_to: BaseGeometry | None = None,
    touch_m: float = 1.0,
) -> list[GrownRegion]:
    """Grow one contiguous region per seed, together, until each reaches its target.

    Every step the region furthest from its target takes the free cell nearest its seed
    among those touching it (within ``touch_m``); the last cell is cut straight
    (:func:`cut_toward`) so the region lands on its target. Regions never share a cell.
    ``measure`` gives what counts towards a target per cell (default: its area), e.g. the
    buildable part of each cell. ``penalty`` (per cell, in distance units) is added to the
    distance from the seed, so penalised cells are taken only when nearer ones run out.
    ``exclude`` is removed from every cell first. With ``attach_to``, each region starts
    from the cells touching that geometry (an extension of an existing area) instead of
    the cell nearest its seed. Units are those of the inputs (metres).
    """
    if len(seeds) != len(targets):
        msg = f"got {len(seeds)} seeds but {len(targets)} targets"
        raise ValueError(msg)
    if any(t <= 0 for t in targets):
        msg = f"every target must be positive, got {list(targets)}"
        raise ValueError(msg)
    cells = np.asarray(cells, dtype=object)
    weights = shapely.area(cells) if measure is None else np.asarray(measure, dtype=float)
    extra = np.zeros((len(seeds), len(cells)))
    if penalty is not None:
        extra = extra + np.asarray(penalty, dtype=float)  # one row for all seeds, or one each
    if exclude is not None and not exclude.is_empty:
        shapely.prepare(exclude)
        hit = shapely.intersects(exclude, cells)
        kept = cells.copy()
        kept[hit] = shapely.difference(cells[hit], exclude)
        shrink = np.divide(
            shapely.area(kept),
            shapely.area(cells),
            out=np.zeros(len(cells)),
            where=shapely.area(cells) > 0,
        )
        cells, weights = kept, weights * shrink
    ok = ~shapely.is_empty(cells) & (shapely.area(cells) > 1.0)
    cells, weights, extra = cells[ok], weights[ok], extra[:, ok]
    if len(cells) == 0:
        msg = "no cells to grow a region from"
        raise ValueError(msg)
    tree = shapely.STRtree(cells)
    left, right = tree.query(cells, predicate="dwithin", distance=touch_m)
    neighbours: list[set[int]] = [set() for _ in range(len(cells))]
    for i, j in zip(left, right, strict=True):
        if i != j:
            neighbours[int(i)].add(int(j))
    owner = np.full(len(cells), -1)
    dist = [shapely.distance(cells, s) + extra[k] for k, s in enumerate(seeds)]
    totals = [0.0] * len(seeds)
    members: list[list[int]] = [[] for _ in seeds]
    partial: list[BaseGeometry | None] = [None] * len(seeds)
    done = [False] * len(seeds)
    frontier: list[set[int]] = [set() for _ in seeds]
    for k in range(len(seeds)):
        free = np.flatnonzero(owner < 0)
        if attach_to is not None:
            frontier[k] = {
                int(i) for i in tree.query(attach_to, predicate="dwithin", distance=touch_m)
            }
        else:
            frontier[k] = {int(free[np.argmin(dist[k][free])])} if len(free) else set()
    while not all(done):
        k = min((i for i in range(len(seeds)) if not done[i]), key=lambda i: totals[i] / targets[i])
        choices = [c for c in frontier[k] if owner[c] < 0]
        if not choices:
            done[k] = True
            continue
        c = min(choices, key=lambda i: (dist[k][i], i))
        owner[c] = k
        need = targets[k] - totals[k]
        if weights[c] <= need:
            members[k].append(c)
            totals[k] += float(weights[c])
            frontier[k] |= neighbours[c]
            if totals[k] >= targets[k] * (1 - 1e-6):
                done[k] = True
        else:
            share = need / weights[c] * float(cells[c].area)
            partial[k] = cut_toward(cells[c], seeds[k], share)
            totals[k] = targets[k]
            done[k] = True
    out = []
    for k in range(len(seeds)):
        parts = [cells[i] for i in members[k]]
        cut = partial[k]
        if cut is not None and not cut.is_empty:
            parts.append(cut)
        geom = shapely.union_all(np.asarray(parts, dtype=object)) if parts else Polygon()
        out.append(
            GrownRegion(
                geometry=geom,
                whole_blocks=len(members[k]),
                clipped=partial[k] is not None,
                area=float(geom.area),
            )
        )
    return out


def grow_region(
    blocks: np.ndarray,
    seed: Point,
    target_area: float,
    *,
    exclude: BaseGeometry | None = None,
) -> GrownRegion:
    """Grow a contiguous region of blocks around ``seed`` to ``target_area``.

    The single-seed case of :func:`grow_regions`: blocks are taken nearest first while
    they touch the region, and the last one is cut straight so the area lands on target.
    """
    if target_area <= 0:
        msg = f"target_area must be positive, got {target_area}"
        raise ValueError(msg)
    return grow_regions(blocks, [seed], [target_area], exclude=exclude)[0]
