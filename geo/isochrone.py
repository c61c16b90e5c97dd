"""Isochrones: areas within a drive time, made from the reached road edges, buffered.

The reached edges are buffered on a grid rather than with vector buffers, which keeps all
bands of all sources well under a second:

1. every road edge is sampled every half cell; a sample's drive time is interpolated
   along its edge from the times of the edge's end nodes (partly reached edges count up to
   the point reached);
2. each cell takes the smallest time of the samples in it, and a minimum filter with a disc
   of radius ``buffer_m`` spreads it (= a buffer of the reached edges);
3. cells of the ``exclude`` shapes (water) that hold no road are cleared, so a band never
   bridges water where no road does;
4. the cells within each band are turned into polygons.

Edges that cannot be left along the way (limited-access roads, their access connectors,
tunnels) guide the times but are not painted, so no band takes in land beside an
expressway that cannot be reached from it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import shapely
from affine import Affine
from scipy.sparse import csgraph

from geo.errors import NetworkError
from geo.network import ACCESS_CONNECTOR, Attachment, WeightedGraph

Direction = Literal["from", "to"]
"""``from``: reachable from the source; ``to``: from where the source is reached."""


@dataclass(frozen=True, eq=False)
class IsochroneGrid:
    """Precomputed samples of a weighted graph's edges on a grid (build once, query often)."""

    graph: WeightedGraph
    transform: Affine
    shape: tuple[int, int]
    cell_m: float
    sample_edge: np.ndarray
    sample_frac: np.ndarray
    sample_order: np.ndarray
    cell_starts: np.ndarray
    cells: np.ndarray
    blocked: np.ndarray


def isochrone_grid(
    graph: WeightedGraph,
    *,
    cell_m: float = 75.0,
    margin_m: float = 1000.0,
    exclude: gpd.GeoSeries | None = None,
    unpainted_keys: Collection[str] = (ACCESS_CONNECTOR,),
) -> IsochroneGrid:
    """Sample the edges of ``graph`` on a grid of ``cell_m`` cells covering the network.

    Parameters
    ----------
    graph
        The weighted road graph.
    cell_m
        Grid cell size in metres (the resolution of the band outlines).
    margin_m
        Grid margin around the network.
    exclude
        Shapes no band may cover except along a road (water).
    unpainted_keys
        Speed keys of edges that are used for timing but not painted (limited-access roads).
    """
    net = graph.network
    xmin, ymin = net.node_xy.min(axis=0) - margin_m
    xmax, ymax = net.node_xy.max(axis=0) + margin_m
    width = int(np.ceil((xmax - xmin) / cell_m))
    height = int(np.ceil((ymax - ymin) / cell_m))
    transform = Affine(cell_m, 0.0, xmin, 0.0, -cell_m, ymax)

    painted = ~np.isin(net.edge_key.astype(str), list(unpainted_keys))
    painted &= ~net.piece_tunnel[net.edge_piece]
    pieces_used, piece_inv = np.unique(net.edge_piece[painted], return_inverse=True)
    geoms = net.pieces[pieces_used]
    counts = np.maximum(2, np.ceil(shapely.length(geoms) / (cell_m / 2)).astype(np.int64) + 1)
    piece_of_sample = np.repeat(np.arange(len(geoms)), counts)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    frac = (np.arange(counts.sum()) - starts[piece_of_sample]) / (counts[piece_of_sample] - 1)
    pts = shapely.line_interpolate_point(geoms[piece_of_sample], frac, normalized=True)
    xy = shapely.get_coordinates(pts)
    col = np.clip(((xy[:, 0] - xmin) // cell_m).astype(np.int64), 0, width - 1)
    row = np.clip(((ymax - xy[:, 1]) // cell_m).astype(np.int64), 0, height - 1)
    piece_cell = row * width + col

    # one sample set per directed painted edge, fractions measured from the edge's u end
    edges = np.flatnonzero(painted)
    e_piece = piece_inv
    e_count = counts[e_piece]
    s_edge = np.repeat(edges, e_count)
    s_local = np.arange(e_count.sum()) - np.repeat(np.cumsum(e_count) - e_count, e_count)
    s_piece_sample = starts[np.repeat(e_piece, e_count)] + s_local
    s_frac = frac[s_piece_sample]
    rev = net.edge_reversed[s_edge]
    s_frac = np.where(rev, 1.0 - s_frac, s_frac)
    s_cell = piece_cell[s_piece_sample]

    order = np.argsort(s_cell, kind="stable")
    cells, cell_starts = np.unique(s_cell[order], return_index=True)

    blocked = np.zeros((height, width), dtype=bool)
    if exclude is not None and len(exclude):
        import rasterio.features  # imported here: only grid building needs it

        shapes = [g for g in exclude.to_crs(net.crs).geometry if g is not None and not g.is_empty]
        if shapes:
            blocked = rasterio.features.rasterize(
                shapes, out_shape=(height, width), transform=transform, dtype="uint8"
            ).astype(bool)
        road = np.zeros(height * width, dtype=bool)
        road[cells] = True
        blocked &= ~road.reshape(height, width)
    return IsochroneGrid(
        graph=graph,
        transform=transform,
        shape=(height, width),
        cell_m=float(cell_m),
        sample_edge=s_edge,
        sample_frac=s_frac,
        sample_order=order,
        cell_starts=cell_starts,
        cells=cells,
        blocked=blocked,
    )


def reach_seconds(
    graph: WeightedGraph,
    sources: Attachment,
    *,
    direction: Direction = "from",
    limit_s: float = np.inf,
) -> np.ndarray:
    """Return seconds from (or to) each source to every node, connector included.

    The result has one row per source; nodes beyond ``limit_s`` are inf.
    """
    matrix = graph.forward if direction == "from" else graph.reverse
    con_s = sources.connector_s(graph.connector_kmh)
    limit = float(np.max(limit_s - con_s)) if np.isfinite(limit_s) else np.inf
    dist = csgraph.dijkstra(matrix, directed=True, indices=sources.node, limit=max(limit, 0.0))
    out: np.ndarray = np.atleast_2d(dist) + con_s[:, None]
    return out


def isochrone_polygons(
    grid: IsochroneGrid,
    node_seconds: np.ndarray,
    minutes: Sequence[float],
    *,
    direction: Direction = "from",
    buffer_m: float = 150.0,
    simplify_m: float | None = None,
) -> list[shapely.Geometry]:
    """Return one (multi)polygon per band: the area within ``minutes`` of the source.

    Parameters
    ----------
    grid
        Precomputed edge samples (:func:`isochrone_grid`).
    node_seconds
        Seconds from (``direction="from"``) or to (``"to"``) the source for every node, as
        given by :func:`reach_seconds`.
    minutes
        Band limits, each positive.
    direction
        Whether ``node_seconds`` were measured outward or inward.
    buffer_m
        Half-width of the strip around each reached road.
    simplify_m
        Tolerance for simplifying the outlines (default: half a cell).
    """
    validate_minutes(minutes)
    net = grid.graph.network
    e = grid.sample_edge
    edge_s = grid.graph.edge_s[e]
    if direction == "from":
        t = node_seconds[net.edge_u[e]] + grid.sample_frac * edge_s
    else:
        t = node_seconds[net.edge_v[e]] + (1.0 - grid.sample_frac) * edge_s
    cell_t = np.minimum.reduceat(t[grid.sample_order], grid.cell_starts)
    height, width = grid.shape
    flat = np.full(height * width, np.inf)
    flat[grid.cells] = cell_t
    surface = flat.reshape(height, width)
    radius = round(buffer_m / grid.cell_m)
    if radius > 0:
        from scipy import ndimage  # imported here: it takes half a second to import

        yy, xx = np.mgrid[-radius : radius + 1, -radius : radius + 1]
        disc = (xx**2 + yy**2) <= (buffer_m / grid.cell_m) ** 2
        surface = ndimage.minimum_filter(surface, footprint=disc, mode="constant", cval=np.inf)
    surface[grid.blocked] = np.inf

    limits_s = np.sort(np.asarray(minutes, dtype=float)) * 60.0
    tol = grid.cell_m / 2 if simplify_m is None else simplify_m
    out_by_limit: dict[float, shapely.Geometry] = {}
    for limit in limits_s:
        out_by_limit[float(limit)] = _polygonize(surface <= limit, grid.transform, tol)
    return [out_by_limit[float(m) * 60.0] for m in minutes]


def _polygonize(mask: np.ndarray, transform: Affine, tolerance: float) -> shapely.Geometry:
    """Turn the true cells of ``mask`` into one simplified (multi)polygon."""
    import rasterio.features

    rows = np.flatnonzero(mask.any(axis=1))
    if len(rows) == 0:
        return shapely.Polygon()
    cols = np.flatnonzero(mask.any(axis=0))
    r0, r1, c0, c1 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    window = np.ascontiguousarray(mask[r0:r1, c0:c1]).astype(np.uint8)
    polys = [
        shapely.geometry.shape(geom)
        for geom, _ in rasterio.features.shapes(
            window, mask=window.astype(bool), transform=transform @ Affine.translation(c0, r0)
        )
    ]
    merged = shapely.MultiPolygon(polys) if len(polys) > 1 else polys[0]
    return shapely.simplify(merged, tolerance, preserve_topology=True)


def validate_minutes(minutes: Sequence[float]) -> None:
    """Check band limits: a non-empty list of positive finite numbers.

    Raises
    ------
    NetworkError
        Listing every bad value.
    """
    problems: list[str] = []
    if len(minutes) == 0:
        problems.append("no band given; pass at least one number of minutes")
    for m in minutes:
        try:
            value = float(m)
        except (TypeError, ValueError):
            problems.append(f"band {m!r} is not a number")
            continue
        if not np.isfinite(value) or value <= 0:
            problems.append(f"band {m!r} must be a positive number of minutes")
    if problems:
        msg = "invalid isochrone minutes: " + "; ".join(problems)
        raise NetworkError(msg)


def isochrones_from_points(
    grid: IsochroneGrid,
    sources: Attachment,
    minutes: Sequence[float],
    *,
    direction: Direction = "from",
    buffer_m: float = 150.0,
    simplify_m: float | None = None,
) -> gpd.GeoDataFrame:
    """Return bands around each attached source: columns ``source`` (0-based), ``minutes``.

    The frame is in the network's metric CRS.
    """
    validate_minutes(minutes)
    limit_s = float(max(minutes)) * 60.0
    seconds = reach_seconds(grid.graph, sources, direction=direction, limit_s=limit_s)
    rows: list[dict[str, object]] = []
    for i in range(seconds.shape[0]):
        polys = isochrone_polygons(
            grid, seconds[i], minutes, direction=direction, buffer_m=buffer_m, simplify_m=simplify_m
        )
        rows.extend(
            {"source": i, "minutes": float(m), "geometry": p}
            for m, p in zip(minutes, polys, strict=True)
        )
    if not rows:
        msg = "no isochrone source given"
        raise NetworkError(msg)
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=grid.graph.network.crs)
