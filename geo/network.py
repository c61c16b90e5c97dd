"""Road network: a routable directed graph built from road lines, with travel times per speed table.

The builder is written for simplified vector-tile road lines (OpenMapTiles style), where
crossing roads rarely share a vertex and lines are cut at tile edges:

- at-grade lines (no bridge, no tunnel, not limited-access) are *noded* at their crossings;
- bridges, tunnels and limited-access lines join only at their ends, so a bridge never
  connects to the road it passes over;
- line ends closer than ``merge_m`` are merged into one node;
- an optional separate set of limited-access lines (an expressway) is joined to the local
  roads only at given access points (interchanges), through an *access connector*.

Only the largest strongly connected component is kept; the rest is reported in
:class:`NetworkReport`. Shortest paths use :mod:`scipy.sparse.csgraph` on CSR matrices; drive
times run on a contraction of the graph (:mod:`geo.contraction`), an index built once per
weighted graph that answers any origins and destinations.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from scipy import sparse
from scipy.sparse import csgraph
from scipy.spatial import cKDTree

from geo.contraction import Contraction, TargetDistances, contract
from geo.errors import NetworkError

log = logging.getLogger(__name__)

ACCESS_CONNECTOR = "access_connector"
"""Speed-table key of the edges joining an access point (interchange) to the local roads."""

CONNECTOR = "connector"
"""Speed-table key of the straight link from an attached point (lot, destination) to its node."""

REQUIRED_COLUMNS = ("class", "oneway", "ramp", "brunnel")
"""Columns every road-line frame must have (OpenMapTiles ``transportation`` schema)."""

CONTRACTION_SEED = 0
"""Tie-break seed of the contraction (fixed, so a rebuilt graph contracts the same way)."""

NodeSet = Literal["local", "access", "limited", "all"]
"""Which nodes a point may attach to: local roads, access points, any limited-access node."""


@dataclass(frozen=True)
class NetworkReport:
    """What the builder found: sizes and the disconnected parts it dropped."""

    lines_in: int
    edges: int
    nodes: int
    components: int
    largest_component_share: float
    nodes_dropped: int
    access_points: int
    access_connector_m: tuple[float, ...] = ()
    access_skipped: tuple[int, ...] = ()

    def summary(self) -> str:
        """Return a one-line human summary."""
        return (
            f"{self.lines_in} lines -> {self.nodes} nodes, {self.edges} directed edges; "
            f"{self.components} strongly connected components, the largest holds "
            f"{self.largest_component_share:.1%} of nodes ({self.nodes_dropped} dropped); "
            f"{self.access_points} access points"
            + (
                f" ({len(self.access_skipped)} too far from the roads, skipped)"
                if self.access_skipped
                else ""
            )
        )


@dataclass(frozen=True, eq=False)
class RoadNetwork:
    """A directed road graph in a metric CRS (the largest strongly connected component).

    Edge ``i`` goes from ``edge_u[i]`` to ``edge_v[i]``; its shape is
    ``pieces[edge_piece[i]]``, reversed when ``edge_reversed[i]``.
    """

    crs: CRS
    node_xy: np.ndarray
    node_is_access: np.ndarray
    node_is_local: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_m: np.ndarray
    edge_key: np.ndarray
    edge_piece: np.ndarray
    edge_reversed: np.ndarray
    pieces: np.ndarray
    piece_tunnel: np.ndarray
    report: NetworkReport
    _trees: dict[str, cKDTree] = field(default_factory=dict, repr=False)

    @property
    def n_nodes(self) -> int:
        """Number of nodes."""
        return int(self.node_xy.shape[0])

    def speed_keys(self) -> set[str]:
        """Return the speed-table keys the edges use (plus the point connector)."""
        return {str(k) for k in np.unique(self.edge_key)} | {CONNECTOR}

    def node_tree(self, nodes: NodeSet) -> tuple[cKDTree, np.ndarray]:
        """Return a KD-tree over the chosen node set and the node ids it indexes."""
        ids = self._node_ids(nodes)
        if nodes not in self._trees:
            self._trees[nodes] = cKDTree(self.node_xy[ids])
        return self._trees[nodes], ids

    def _node_ids(self, nodes: NodeSet) -> np.ndarray:
        if nodes == "local":
            return np.flatnonzero(self.node_is_local)
        if nodes == "access":
            return np.flatnonzero(self.node_is_access)
        if nodes == "limited":
            return np.flatnonzero(~self.node_is_local)
        return np.flatnonzero(self.node_is_local | self.node_is_access)

    def edge_geometry(self, edges: np.ndarray) -> np.ndarray:
        """Return the shapes of the given edges, oriented from ``u`` to ``v``."""
        edges = np.asarray(edges, dtype=np.int64)
        geoms = self.pieces[self.edge_piece[edges]].copy()
        rev = self.edge_reversed[edges]
        if rev.any():
            geoms[rev] = shapely.reverse(geoms[rev])
        out: np.ndarray = geoms
        return out


@dataclass(frozen=True, eq=False)
class WeightedGraph:
    """A :class:`RoadNetwork` with travel seconds from one speed table, as CSR matrices.

    Parallel edges keep the fastest; ``forward_edge[k]`` is the network edge behind CSR
    entry ``k`` of ``forward`` (sorted by ``u`` then ``v``); ``reverse`` is its transpose.
    Its contraction for drive times (:meth:`contraction`) is built once and kept on the graph.
    """

    network: RoadNetwork
    speeds_kmh: Mapping[str, float]
    edge_s: np.ndarray
    forward: sparse.csr_matrix
    reverse: sparse.csr_matrix
    forward_edge: np.ndarray
    forward_keys: np.ndarray
    # a one-slot holder: the dataclass is frozen, its contraction is built on first use
    _contraction: list[Contraction] = field(default_factory=list, repr=False)
    _contraction_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def connector_kmh(self) -> float:
        """Speed on the straight link from an attached point to its node."""
        return float(self.speeds_kmh[CONNECTOR])

    def contraction(self) -> Contraction:
        """Return the graph's contraction, built on first use (any destinations, any origins)."""
        # one lock: server threads asking at once build it once
        with self._contraction_lock:
            if not self._contraction:
                self._contraction.append(contract_graph(self))
            return self._contraction[0]

    def pair_edges(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Return the fastest network edge from each ``u`` to ``v`` (both arrays of node ids)."""
        n = self.network.n_nodes
        keys = np.asarray(u, dtype=np.int64) * n + np.asarray(v, dtype=np.int64)
        pos = np.searchsorted(self.forward_keys, keys)
        pos = np.clip(pos, 0, len(self.forward_keys) - 1)
        if not np.array_equal(self.forward_keys[pos], keys):
            msg = "internal error: a path step has no edge"
            raise NetworkError(msg)
        return self.forward_edge[pos]


@dataclass(frozen=True)
class Attachment:
    """Points (or shapes) attached to a network: node, connector length and attach point."""

    node: np.ndarray
    connector_m: np.ndarray
    anchor_xy: np.ndarray

    def connector_s(self, kmh: float) -> np.ndarray:
        """Return connector travel seconds at ``kmh``."""
        return self.connector_m / (kmh / 3.6)


# --------------------------------------------------------------------------------------------
# speed tables


def validate_speeds(speeds_kmh: Mapping[str, float], needed: set[str]) -> None:
    """Check a speed table covers ``needed`` keys with positive finite speeds.

    A missing ``<class>_ramp`` key falls back to ``<class>``.

    Raises
    ------
    NetworkError
        Listing every missing key and every bad value.
    """
    missing = {k for k in needed if _resolve_key(speeds_kmh, k) not in speeds_kmh}
    problems = [f"no speed for road class {key!r}" for key in sorted(missing)]
    for key, value in speeds_kmh.items():
        try:
            kmh = float(value)
        except (TypeError, ValueError):
            problems.append(f"speed for {key!r} is not a number: {value!r}")
            continue
        if not math.isfinite(kmh) or kmh <= 0:
            problems.append(f"speed for {key!r} must be a positive number of km/h, got {value!r}")
    if problems:
        msg = "invalid speed table: " + "; ".join(problems)
        raise NetworkError(msg)


def _resolve_key(speeds_kmh: Mapping[str, float], key: str) -> str:
    if key not in speeds_kmh and key.endswith("_ramp"):
        return key.removesuffix("_ramp")
    return key


def speed_key(road_class: str, *, ramp: bool) -> str:
    """Return the speed-table key of a line: its class, with ``_ramp`` for a ramp."""
    return f"{road_class}_ramp" if ramp else str(road_class)


# --------------------------------------------------------------------------------------------
# building


def network_from_lines(
    lines: gpd.GeoDataFrame,
    *,
    crs: CRS,
    limited_access: gpd.GeoDataFrame | None = None,
    access_points: gpd.GeoSeries | None = None,
    limited_class: str = "motorway",
    drivable_classes: Collection[str] | None = None,
    merge_m: float = 3.0,
    replace_within_m: float = 60.0,
    access_max_m: float = 1500.0,
) -> RoadNetwork:
    """Build a routable directed road network from road lines.

    Parameters
    ----------
    lines
        Drivable road lines with columns ``class``, ``oneway`` (1 = one way in drawing
        direction), ``ramp`` (1 = a link/ramp) and ``brunnel`` (``bridge``/``tunnel``/null).
    crs
        Metric CRS to build in (lengths in metres).
    limited_access
        Optional limited-access lines (e.g. an expressway), two-way, joined to each other at
        their ends and to the local roads only at ``access_points``; their edges get the
        speed key ``limited_class``. Lines of ``lines`` of that class (not ramps) lying within
        ``replace_within_m`` of them are dropped as duplicates.
    access_points
        Where the limited-access lines may be entered (interchanges). Each is put on the
        nearest limited-access node and linked both ways to the nearest local node by an
        ``access_connector`` edge.
    limited_class
        Class of the lines in ``lines`` that join only at their ends (besides bridges and
        tunnels).
    drivable_classes
        Classes to keep (default: all); lines of other classes are ignored.
    merge_m
        Line ends closer than this are one node.
    replace_within_m
        See ``limited_access``.
    access_max_m
        Largest allowed distance from an access point to a limited-access node or to a local
        road node; access points farther away are skipped and listed in the report.

    Returns
    -------
    RoadNetwork

    Raises
    ------
    NetworkError
        If a column is missing or no drivable line is left.
    """
    _check_lines(lines, "road lines")
    if drivable_classes is not None:
        lines = lines[lines["class"].astype(str).isin(list(drivable_classes))]
        if lines.empty:
            msg = (
                "the road lines contain no drivable line (no line of class "
                f"{', '.join(sorted(drivable_classes))})"
            )
            raise NetworkError(msg)
    local = _prepare(lines, crs)
    if limited_access is not None and len(limited_access):
        limited = gpd.GeoDataFrame(
            geometry=shapely.get_parts(
                shapely.line_merge(limited_access.to_crs(crs).geometry.values, directed=False)
            ),
            crs=crs,
        )
        limited = limited[~limited.geometry.is_empty & (limited.geom_type == "LineString")]
        dup = (local["class"].to_numpy() == limited_class) & ~local["ramp"].to_numpy()
        if dup.any():
            mids = shapely.line_interpolate_point(local.geometry.values[dup], 0.5, normalized=True)
            near = shapely.dwithin(
                mids, shapely.union_all(limited.geometry.values), replace_within_m
            )
            drop = np.flatnonzero(dup)[near]
            local = local.drop(local.index[drop])
    else:
        limited = gpd.GeoDataFrame(geometry=[], crs=crs)
    if local.empty:
        msg = "the road lines contain no drivable line (every line is empty or was dropped)"
        raise NetworkError(msg)

    noded_mask = local["brunnel"].isna().to_numpy() & (local["class"].to_numpy() != limited_class)
    pieces, piece_src = _node_lines(local.geometry.values, noded_mask)
    cls = local["class"].to_numpy().astype(str)[piece_src]
    ramp = local["ramp"].to_numpy()[piece_src]
    oneway = local["oneway"].to_numpy()[piece_src]
    tunnel = (local["brunnel"].to_numpy() == "tunnel")[piece_src]
    keys = np.array(
        [speed_key(c, ramp=bool(r)) for c, r in zip(cls, ramp, strict=True)], dtype=object
    )

    lim_pieces = limited.geometry.to_numpy()
    n_local_pieces = len(pieces)
    all_pieces = np.concatenate([pieces, lim_pieces]) if len(lim_pieces) else pieces

    # node ids: merge line ends within merge_m, separately for local and limited-access lines
    local_ends = _ends(pieces)
    local_node_of_end, local_xy = _merge_points(local_ends, merge_m)
    if len(lim_pieces):
        lim_ends = _ends(lim_pieces)
        lim_node_of_end, lim_xy = _merge_points(lim_ends, 1.0)
        lim_node_of_end = lim_node_of_end + len(local_xy)
        node_xy = np.vstack([local_xy, lim_xy])
    else:
        lim_node_of_end = np.empty(0, dtype=np.int64)
        node_xy = local_xy
    n_local_nodes = len(local_xy)
    n_all = len(all_pieces)
    n_lim = len(lim_pieces)
    # _ends stacks start points then end points, per block of pieces
    pu = np.concatenate([local_node_of_end[:n_local_pieces], lim_node_of_end[:n_lim]])
    pv = np.concatenate([local_node_of_end[n_local_pieces:], lim_node_of_end[n_lim:]])
    piece_m = shapely.length(all_pieces)
    piece_key = np.concatenate([keys, np.full(len(lim_pieces), limited_class, dtype=object)])
    piece_oneway = np.concatenate([oneway.astype(bool), np.zeros(len(lim_pieces), dtype=bool)])

    # directed edges: forward always, backward unless one-way; no self-loops
    idx = np.arange(n_all)
    fwd_ok = pu != pv
    back = fwd_ok & ~piece_oneway
    eu = np.concatenate([pu[fwd_ok], pv[back]])
    ev = np.concatenate([pv[fwd_ok], pu[back]])
    epiece = np.concatenate([idx[fwd_ok], idx[back]])
    erev = np.concatenate([np.zeros(fwd_ok.sum(), bool), np.ones(back.sum(), bool)])
    em = piece_m[epiece]
    ekey = piece_key[epiece]

    is_access = np.zeros(len(node_xy), dtype=bool)
    connector_m: list[float] = []
    skipped = np.empty(0, dtype=np.int64)
    n_access = 0
    if access_points is not None and len(access_points) and len(lim_pieces):
        extra = _access_connectors(
            access_points.to_crs(crs), node_xy, n_local_nodes, (eu, ev), access_max_m
        )
        acc_nodes, loc_nodes, lens, skipped = extra
        n_access = len(acc_nodes)
        is_access[acc_nodes] = True
        connector_m = [float(x) for x in lens]
        seg = shapely.linestrings(np.stack([node_xy[loc_nodes], node_xy[acc_nodes]], axis=1))
        first = len(all_pieces)
        all_pieces = np.concatenate([all_pieces, seg])
        cidx = np.arange(first, first + len(seg))
        eu = np.concatenate([eu, loc_nodes, acc_nodes])
        ev = np.concatenate([ev, acc_nodes, loc_nodes])
        epiece = np.concatenate([epiece, cidx, cidx])
        erev = np.concatenate([erev, np.zeros(len(seg), bool), np.ones(len(seg), bool)])
        em = np.concatenate([em, lens, lens])
        ekey = np.concatenate([ekey, np.full(2 * len(seg), ACCESS_CONNECTOR, dtype=object)])

    # keep the largest strongly connected component
    n = len(node_xy)
    adj = sparse.csr_matrix((np.ones(len(eu)), (eu, ev)), shape=(n, n))
    n_comp, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    sizes = np.bincount(labels)
    keep_node = labels == int(np.argmax(sizes))
    new_id = np.full(n, -1, dtype=np.int64)
    new_id[keep_node] = np.arange(int(keep_node.sum()))
    keep_edge = keep_node[eu] & keep_node[ev]
    report = NetworkReport(
        lines_in=len(lines),
        edges=int(keep_edge.sum()),
        nodes=int(keep_node.sum()),
        components=int(n_comp),
        largest_component_share=float(sizes.max() / n),
        nodes_dropped=int(n - keep_node.sum()),
        access_points=n_access,
        access_connector_m=tuple(connector_m),
        access_skipped=tuple(int(k) for k in skipped),
    )
    log.info("road network: %s", report.summary())
    node_is_local = np.zeros(n, dtype=bool)
    node_is_local[:n_local_nodes] = True
    return RoadNetwork(
        crs=CRS.from_user_input(crs),
        node_xy=node_xy[keep_node],
        node_is_access=is_access[keep_node],
        node_is_local=node_is_local[keep_node],
        edge_u=new_id[eu[keep_edge]],
        edge_v=new_id[ev[keep_edge]],
        edge_m=em[keep_edge].astype(float),
        edge_key=ekey[keep_edge],
        edge_piece=epiece[keep_edge],
        edge_reversed=erev[keep_edge],
        pieces=all_pieces,
        piece_tunnel=np.concatenate([tunnel, np.zeros(len(all_pieces) - len(tunnel), bool)]),
        report=report,
    )


def _check_lines(lines: gpd.GeoDataFrame, what: str) -> None:
    problems = [f"{what} lack column {c!r}" for c in REQUIRED_COLUMNS if c not in lines.columns]
    if lines.crs is None:
        problems.append(f"{what} have no CRS")
    if problems:
        msg = "; ".join(problems)
        raise NetworkError(msg)


def _prepare(lines: gpd.GeoDataFrame, crs: CRS) -> gpd.GeoDataFrame:
    """Reproject, explode to LineStrings, drop empty ones, normalise the attribute types."""
    frame = lines.loc[:, [*REQUIRED_COLUMNS, "geometry"]].copy()
    frame = frame[frame.geometry.notna()]
    frame = frame[frame.geom_type.isin(["LineString", "MultiLineString"])]
    if frame.empty:
        msg = "the road lines contain no drivable line (no LineString geometry)"
        raise NetworkError(msg)
    frame = frame.to_crs(crs).explode(index_parts=False, ignore_index=True)
    frame = frame[~frame.geometry.is_empty & (frame.geometry.length > 0)]
    frame["class"] = frame["class"].astype(str)
    frame["ramp"] = pd.to_numeric(frame["ramp"], errors="coerce").fillna(0).astype(int) == 1
    frame["oneway"] = pd.to_numeric(frame["oneway"], errors="coerce").fillna(0).astype(int) == 1
    frame["brunnel"] = frame["brunnel"].where(frame["brunnel"].isin(["bridge", "tunnel"]))
    return frame.reset_index(drop=True)


def _node_lines(geoms: np.ndarray, noded: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split the ``noded`` lines at their mutual crossings; keep the others whole.

    Returns the pieces (each oriented like its source line) and the index of each piece's
    source line.
    """
    src_idx = np.flatnonzero(noded)
    whole_idx = np.flatnonzero(~noded)
    if len(src_idx):
        merged = shapely.node(shapely.multilinestrings(geoms[src_idx]))
        parts = shapely.get_parts(merged)
        parts = parts[shapely.length(parts) > 0]
        tree = shapely.STRtree(geoms[src_idx])
        mids = shapely.line_interpolate_point(parts, 0.5, normalized=True)
        hit_part, hit_line = tree.query_nearest(mids, all_matches=False)
        order = np.argsort(hit_part)
        owner = src_idx[hit_line[order]]
        # orient each piece like the line it lies on (matters for one-way roads)
        a = shapely.line_locate_point(geoms[owner], shapely.get_point(parts, 0))
        b = shapely.line_locate_point(geoms[owner], shapely.get_point(parts, -1))
        flip = a > b
        parts = parts.copy()
        parts[flip] = shapely.reverse(parts[flip])
    else:
        parts = np.empty(0, dtype=object)
        owner = np.empty(0, dtype=np.int64)
    pieces = np.concatenate([parts, geoms[whole_idx]])
    source = np.concatenate([owner, whole_idx]).astype(np.int64)
    return pieces, source


def _ends(pieces: np.ndarray) -> np.ndarray:
    """Return start points then end points of the pieces as an (2n, 2) array."""
    starts = shapely.get_coordinates(shapely.get_point(pieces, 0))
    ends = shapely.get_coordinates(shapely.get_point(pieces, -1))
    return np.vstack([starts, ends])


def _merge_points(xy: np.ndarray, within_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Cluster points closer than ``within_m`` (single linkage); return labels and centres."""
    if len(xy) == 0:
        return np.empty(0, dtype=np.int64), np.empty((0, 2))
    pairs = cKDTree(xy).query_pairs(within_m, output_type="ndarray")
    n = len(xy)
    graph = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _, labels = csgraph.connected_components(graph, directed=False)
    counts = np.bincount(labels)
    cx = np.bincount(labels, weights=xy[:, 0]) / counts
    cy = np.bincount(labels, weights=xy[:, 1]) / counts
    return labels.astype(np.int64), np.column_stack([cx, cy])


def _access_connectors(
    points: gpd.GeoSeries,
    node_xy: np.ndarray,
    n_local: int,
    edges: tuple[np.ndarray, np.ndarray],
    max_m: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pick, per access point, its limited-access node and the local node to link it to."""
    xy = shapely.get_coordinates(points.geometry.values)
    lim_tree = cKDTree(node_xy[n_local:])
    d_lim, i_lim = lim_tree.query(xy)
    # link to the nearest local node in the local graph's largest strongly connected component
    eu, ev = edges
    local_edge = (eu < n_local) & (ev < n_local)
    adj = sparse.csr_matrix(
        (np.ones(int(local_edge.sum())), (eu[local_edge], ev[local_edge])), shape=(n_local, n_local)
    )
    _, labels = csgraph.connected_components(adj, directed=True, connection="strong")
    main = np.flatnonzero(labels == np.argmax(np.bincount(labels)))
    d_loc, i_loc = cKDTree(node_xy[main]).query(xy)
    ok = (d_lim <= max_m) & (d_loc <= max_m)
    skipped = np.flatnonzero(~ok)
    i_lim, i_loc = i_lim[ok], i_loc[ok]
    acc = i_lim + n_local
    loc = main[i_loc]
    lens = np.hypot(*(node_xy[acc] - node_xy[loc]).T)
    return acc.astype(np.int64), loc.astype(np.int64), np.maximum(lens, 1.0), skipped


# --------------------------------------------------------------------------------------------
# weights and queries


def weighted_graph(network: RoadNetwork, speeds_kmh: Mapping[str, float]) -> WeightedGraph:
    """Give every edge a travel time from its length and the speed of its key.

    Raises
    ------
    NetworkError
        If the speed table misses a key the network uses or has a non-positive speed.
    """
    validate_speeds(speeds_kmh, network.speed_keys())
    kmh = pd.Series({str(k): float(v) for k, v in speeds_kmh.items()})
    keys = pd.Series(network.edge_key.astype(str))
    table = {str(k): float(v) for k, v in speeds_kmh.items()}
    resolved = [_resolve_key(table, k) for k in keys]
    edge_kmh = kmh.reindex(resolved).to_numpy()
    # protect the shortest-path code from zero weights (it would read them as no edge)
    edge_s = np.maximum(network.edge_m / (edge_kmh / 3.6), 1e-3)
    n = network.n_nodes
    order = np.lexsort((edge_s, network.edge_v, network.edge_u))
    keys = network.edge_u[order] * n + network.edge_v[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = keys[1:] != keys[:-1]
    kept = order[first]
    fkeys = keys[first]
    u, v, w = network.edge_u[kept], network.edge_v[kept], edge_s[kept]
    indptr = np.concatenate([[0], np.cumsum(np.bincount(u, minlength=n))])
    forward = sparse.csr_matrix((w, v, indptr), shape=(n, n))
    reverse = forward.T.tocsr()
    return WeightedGraph(
        network=network,
        speeds_kmh=dict(kmh),
        edge_s=edge_s,
        forward=forward,
        reverse=reverse,
        forward_edge=kept,
        forward_keys=fkeys,
    )


def contract_graph(graph: WeightedGraph) -> Contraction:
    """Contract a weighted graph for drive times between any nodes (not cached).

    :meth:`WeightedGraph.contraction` keeps the result on the graph; call this to build a
    fresh one.
    """
    return contract(graph.forward, graph.network.edge_m[graph.forward_edge], seed=CONTRACTION_SEED)


def attach(
    network: RoadNetwork,
    shapes: gpd.GeoSeries,
    *,
    nodes: NodeSet = "local",
    max_distance_m: float = 2000.0,
) -> Attachment:
    """Attach points or polygons to their nearest network node.

    A polygon attaches at the point of its boundary nearest to the node (or its inside, if
    a node lies within it). The straight connector is later counted at the ``connector``
    speed.

    Raises
    ------
    NetworkError
        Listing every shape that is empty or farther than ``max_distance_m`` from the
        network (outside the network's area).
    """
    shapes = shapes.to_crs(network.crs)
    geoms = np.asarray(shapes.geometry.to_numpy(), dtype=object)
    problems = [f"shape {i} is empty" for i, g in enumerate(geoms) if g is None or g.is_empty]
    if problems:
        raise NetworkError("cannot attach: " + "; ".join(problems))
    tree, ids = network.node_tree(nodes)
    # nearest node to each shape: KD-tree from a representative point, then refine by distance
    rep = shapely.get_coordinates(shapely.point_on_surface(geoms))
    k = min(16, len(ids))
    _, cand = tree.query(rep, k=k)
    cand = np.atleast_2d(cand).reshape(len(geoms), k)
    cand_xy = network.node_xy[ids[cand]]
    pts = shapely.points(cand_xy)
    dist = shapely.distance(geoms[:, None], pts)
    best = np.argmin(dist, axis=1)
    rows = np.arange(len(geoms))
    node = ids[cand[rows, best]]
    connector = dist[rows, best]
    for i in np.flatnonzero(connector > max_distance_m):
        problems.append(
            f"shape {i} is {connector[i]:.0f} m from the nearest road node (limit "
            f"{max_distance_m:.0f} m): it lies outside the road network's area"
        )
    if problems:
        raise NetworkError("cannot attach: " + "; ".join(problems))
    anchors = shapely.get_coordinates(
        shapely.get_point(shapely.shortest_line(geoms, shapely.points(network.node_xy[node])), 0)
    )
    return Attachment(node=node.astype(np.int64), connector_m=connector, anchor_xy=anchors)


@dataclass(frozen=True)
class DriveMatrix:
    """Drive times and distances from origins (rows) to destinations (columns)."""

    minutes: np.ndarray
    metres: np.ndarray | None
    _paths: TargetDistances | None = field(default=None, repr=False)
    _columns: np.ndarray | None = field(default=None, repr=False)

    def path_nodes(self, origin: int, destination: int) -> list[int]:
        """Return the network nodes of the fastest path from row ``origin`` to column ``destination``.

        Raises
        ------
        NetworkError
            If the matrix was computed without ``with_paths`` or the pair is unreachable.
        """
        if self._paths is None or self._columns is None:
            msg = "drive paths were not kept: call drive_minutes with with_paths=True"
            raise NetworkError(msg)
        try:
            return self._paths.path(origin, int(self._columns[destination]))
        except ValueError as exc:
            raise NetworkError(str(exc)) from exc


def drive_minutes(
    graph: WeightedGraph,
    origins: Attachment,
    destinations: Attachment,
    *,
    with_metres: bool = True,
    with_paths: bool = False,
    contraction: Contraction | None = None,
) -> DriveMatrix:
    """Return drive minutes (and metres) from every origin to every destination.

    Runs on the graph's contraction (built once per graph, see :mod:`geo.contraction`): a
    short walk down to each destination, one Dijkstra per destination on the reversed core,
    then a short sweep up from the origins, so the cost barely grows with the number of
    origins. Connectors count at the ``connector`` speed. Unreachable pairs are inf. The
    answers are those of a Dijkstra on the whole graph (up to float rounding).

    Parameters
    ----------
    contraction
        A contraction of ``graph`` to use instead of the one kept on it (see
        :func:`contract_graph`).
    """
    uniq, inv = np.unique(np.asarray(destinations.node), return_inverse=True)
    con = graph.contraction() if contraction is None else contraction
    res = con.to_targets(origins.node, uniq, with_length=with_metres, with_paths=with_paths)
    con_kmh = graph.connector_kmh
    secs = res.weight[:, inv]
    secs = secs + origins.connector_s(con_kmh)[:, None] + destinations.connector_s(con_kmh)[None, :]
    metres = None
    if with_metres and res.length is not None:
        metres = res.length[:, inv]
        metres = metres + origins.connector_m[:, None] + destinations.connector_m[None, :]
        metres[~np.isfinite(secs)] = np.inf
    return DriveMatrix(
        minutes=secs / 60.0,
        metres=metres,
        _paths=res if with_paths else None,
        _columns=inv if with_paths else None,
    )


def route_line(graph: WeightedGraph, nodes: Sequence[int]) -> shapely.LineString:
    """Join the shapes of the fastest edges along a node path into one line."""
    if len(nodes) < 2:
        xy = graph.network.node_xy[list(nodes)]
        return shapely.LineString(np.vstack([xy, xy]))
    arr = np.asarray(nodes, dtype=np.int64)
    edges = graph.pair_edges(arr[:-1], arr[1:])
    coords = shapely.get_coordinates(graph.network.edge_geometry(edges))
    return shapely.LineString(coords)
