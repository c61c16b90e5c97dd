"""Where an area meets the road graph, and drive times into and out of it.

An area is entered where a drivable road crosses its edge, or at a road node inside it.
Each crossing of edge ``u → v`` at fraction ``f`` lets ``u`` reach the area in ``f`` of the
edge's time and the area reach ``v`` in ``1 − f`` of it, so times are exact to the point of
crossing. Expressways, their access links and tunnels pass through without an exit and do
not count. An area no road reaches is joined to its nearest road node by a straight
connector (as lots are), within :data:`MAX_ATTACH_M`.

All times come from one Dijkstra run over the graph plus one virtual node standing for the
area, linked to each entrance with its cost.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import shapely
from scipy import sparse
from scipy.sparse import csgraph
from shapely.geometry.base import BaseGeometry

from geo.crs import METRIC_CRS, WEB_CRS
from geo.network import RoadNetwork, WeightedGraph

MAX_ATTACH_M = 2000.0
"""Farthest a road node may be from an area (or a census centroid) to join it."""

NO_EXIT_KEY_PREFIXES = ("motorway", "access_connector")
"""Speed keys of edges one cannot leave along the way (expressway, ramps, IC links)."""

EntranceKind = Literal["crossing", "inside", "connector"]


class NoRoadError(ValueError):
    """No road node lies within reach of an area: drive times cannot be measured."""


_TREES: weakref.WeakKeyDictionary[RoadNetwork, tuple[shapely.STRtree, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


@dataclass(frozen=True)
class Entrances:
    """How an area joins the graph: nodes with the seconds to enter from / leave to them."""

    node: np.ndarray
    enter_s: np.ndarray
    leave_s: np.ndarray
    points: tuple[dict[str, Any], ...]
    inside_nodes: int
    connector_m: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return the listed access points as JSON data."""
        return {
            "points": list(self.points),
            "road_nodes_inside": self.inside_nodes,
            "connector_m": None if self.connector_m is None else round(self.connector_m, 1),
        }


def _exit_edges(network: RoadNetwork) -> tuple[shapely.STRtree, np.ndarray]:
    """Return a tree over the pieces of edges one may leave along the way, and their edge ids."""
    hit = _TREES.get(network)
    if hit is None:
        keys = network.edge_key.astype(str)
        ok = ~np.char.startswith(keys, NO_EXIT_KEY_PREFIXES[0])
        for prefix in NO_EXIT_KEY_PREFIXES[1:]:
            ok &= ~np.char.startswith(keys, prefix)
        ok &= ~network.piece_tunnel[network.edge_piece]
        edges = np.flatnonzero(ok)
        tree = shapely.STRtree(network.edge_geometry(edges))
        hit = (tree, edges)
        _TREES[network] = hit
    return hit


def entrances(graph: WeightedGraph, area: BaseGeometry) -> Entrances:
    """Find the entrances of ``area`` (a polygon in the network's metric CRS).

    Raises
    ------
    NoRoadError
        If no road node lies within :data:`MAX_ATTACH_M` of the area.
    """
    net = graph.network
    tree, edge_ids = _exit_edges(net)
    hits = tree.query(area, predicate="intersects")
    edges = edge_ids[hits]
    nodes: list[np.ndarray] = []
    enter: list[np.ndarray] = []
    leave: list[np.ndarray] = []
    points: dict[tuple[float, float], dict[str, Any]] = {}
    inside_nodes: set[int] = set()
    if len(edges):
        u, v = net.edge_u[edges], net.edge_v[edges]
        secs = graph.edge_s[edges]
        u_in = shapely.contains_xy(area, net.node_xy[u, 0], net.node_xy[u, 1])
        v_in = shapely.contains_xy(area, net.node_xy[v, 0], net.node_xy[v, 1])
        inside_nodes.update(int(x) for x in u[u_in])
        inside_nodes.update(int(x) for x in v[v_in])
        shapes = net.edge_geometry(edges)
        crossings = shapely.intersection(shapes, area.boundary)
        keys = net.edge_key[edges]
        for k in range(len(edges)):
            pts = shapely.get_coordinates(crossings[k])
            if len(pts) == 0:
                continue
            frac = shapely.line_locate_point(shapes[k], shapely.points(pts), normalized=True)
            nodes.append(np.array([u[k], v[k]]))
            enter.append(np.array([frac.min() * secs[k], np.inf]))
            leave.append(np.array([np.inf, (1.0 - frac.max()) * secs[k]]))
            for x, y in pts:
                key = (round(float(x)), round(float(y)))
                points.setdefault(key, {"x": float(x), "y": float(y), "road_class": str(keys[k])})
    if inside_nodes:
        ids = np.fromiter(inside_nodes, dtype=np.int64)
        nodes.append(ids)
        enter.append(np.zeros(len(ids)))
        leave.append(np.zeros(len(ids)))
    connector_m: float | None = None
    listed: list[dict[str, Any]] = [{**p, "kind": "crossing"} for p in points.values()]
    if not nodes:
        node_tree, ids = net.node_tree("local")
        rep = shapely.get_coordinates(shapely.point_on_surface(area))
        k = min(16, len(ids))
        _, cand = node_tree.query(rep, k=k)
        cand_ids = ids[np.atleast_1d(cand.ravel())]
        dist = shapely.distance(area, shapely.points(net.node_xy[cand_ids]))
        best = int(np.argmin(dist))
        connector_m = float(dist[best])
        if connector_m > MAX_ATTACH_M:
            msg = (
                f"the area is {connector_m:,.0f} m from the nearest road node (limit "
                f"{MAX_ATTACH_M:,.0f} m): it lies outside the road network's area"
            )
            raise NoRoadError(msg)
        node = int(cand_ids[best])
        cost = connector_m / (graph.connector_kmh / 3.6)
        nodes.append(np.array([node]))
        enter.append(np.array([cost]))
        leave.append(np.array([cost]))
        x, y = net.node_xy[node]
        listed = [{"x": float(x), "y": float(y), "road_class": None, "kind": "connector"}]
    all_nodes = np.concatenate(nodes)
    all_enter = np.concatenate(enter)
    all_leave = np.concatenate(leave)
    order = np.argsort(all_nodes, kind="stable")
    uniq, start = np.unique(all_nodes[order], return_index=True)
    enter_min = np.minimum.reduceat(all_enter[order], start)
    leave_min = np.minimum.reduceat(all_leave[order], start)
    return Entrances(
        node=uniq,
        enter_s=enter_min,
        leave_s=leave_min,
        points=tuple(_to_lonlat(listed)),
        inside_nodes=len(inside_nodes),
        connector_m=connector_m,
    )


def _to_lonlat(points: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not points:
        return []
    xy = np.array([[p["x"], p["y"]] for p in points])
    lonlat = gpd.GeoSeries(shapely.points(xy), crs=METRIC_CRS).to_crs(WEB_CRS)
    out = []
    for p, pt in zip(points, lonlat, strict=True):
        out.append(
            {
                "lon": round(pt.x, 6),
                "lat": round(pt.y, 6),
                "kind": p["kind"],
                "road_class": p["road_class"],
            }
        )
    out.sort(key=lambda p: (p["lon"], p["lat"]))
    return out


def with_virtual_node(
    matrix: sparse.csr_matrix, nodes: np.ndarray, costs: np.ndarray
) -> sparse.csr_matrix:
    """Return ``matrix`` with one more node (the last) linked to ``nodes`` at ``costs``."""
    n = matrix.shape[0]
    ok = np.isfinite(costs)
    nodes, costs = nodes[ok], np.maximum(costs[ok], 1e-3)  # 0 would read as no edge
    indptr = np.concatenate([matrix.indptr, [matrix.indptr[-1] + len(nodes)]])
    indices = np.concatenate([matrix.indices, nodes.astype(matrix.indices.dtype)])
    data = np.concatenate([matrix.data, costs])
    return sparse.csr_matrix((data, indices, indptr), shape=(n + 1, n + 1))


def seconds_to_area(
    graph: WeightedGraph, gates: Entrances, *, limit_s: float = np.inf
) -> np.ndarray:
    """Return the seconds from every node into the area (inf beyond ``limit_s``)."""
    matrix = with_virtual_node(graph.reverse, gates.node, gates.enter_s)
    dist = csgraph.dijkstra(matrix, directed=True, indices=matrix.shape[0] - 1, limit=limit_s)
    out: np.ndarray = dist[:-1]
    return out


def seconds_from_area(
    graph: WeightedGraph, gates: Entrances, *, limit_s: float = np.inf
) -> np.ndarray:
    """Return the seconds from the area to every node (inf beyond ``limit_s``)."""
    matrix = with_virtual_node(graph.forward, gates.node, gates.leave_s)
    dist = csgraph.dijkstra(matrix, directed=True, indices=matrix.shape[0] - 1, limit=limit_s)
    out: np.ndarray = dist[:-1]
    return out
