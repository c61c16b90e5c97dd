"""Drive minutes for all lots x all destinations: ours vs igraph vs per-pair networkx.

All three run on the same CSR graph (normal profile) in the same process. Per-pair
networkx (the usual OSMnx recipe: one ``nx.shortest_path_length`` per origin-destination
pair) is timed on a fixed random sample of ``NX_SAMPLE`` pairs and scaled per pair to the
full matrix, because the full run would take minutes. Also timed: all isochrone bands for
all destinations, against buffering and merging the reached edges with shapely.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
NX_SAMPLE = 150
REPEATS = 3


def _best(fn: Callable[[], Any], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run() -> Iterator[dict[str, Any]]:
    """Yield one row per measurement (see benchmarks/__main__.py)."""
    import igraph as ig
    import networkx as nx

    from geo.isochrone import isochrone_grid, isochrones_from_points
    from geo.network import attach, drive_minutes
    from parks import access
    from parks.data import load_layers

    layers = load_layers(DATA_DIR)
    acc = access.access_network(layers, speed_profiles=access.load_speed_profiles())
    graph = acc.graph("normal")
    lots = attach(acc.network, layers.lots.geometry)
    dests = acc.destination_attachment
    n_pairs = len(lots.node) * len(dests.node)

    ours = _best(lambda: drive_minutes(graph, lots, dests, with_metres=False))
    ours_full = _best(lambda: drive_minutes(graph, lots, dests, with_metres=True))

    coo = graph.forward.tocoo()
    g_ig = ig.Graph(n=acc.network.n_nodes, edges=np.column_stack([coo.row, coo.col]), directed=True)
    g_ig.es["w"] = coo.data
    src, dst = np.unique(lots.node).tolist(), np.unique(dests.node).tolist()
    igraph_s = _best(lambda: g_ig.distances(source=dst, target=src, weights="w", mode="in"))

    g_nx = nx.DiGraph()
    g_nx.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    )
    rng = np.random.default_rng(20171027)
    pairs = [
        (int(lots.node[i]), int(dests.node[j]))
        for i, j in zip(
            rng.integers(0, len(lots.node), NX_SAMPLE),
            rng.integers(0, len(dests.node), NX_SAMPLE),
            strict=True,
        )
    ]
    start = time.perf_counter()
    for o, d in pairs:
        nx.shortest_path_length(g_nx, o, d, weight="weight")
    nx_s = (time.perf_counter() - start) / NX_SAMPLE * n_pairs

    label = f"{len(lots.node)} lots x {len(dests.node)} destinations"
    yield {
        "name": f"access: drive minutes, {label}, vs igraph Dijkstra",
        "value": ours,
        "unit": "s",
        "peer": "igraph distances (same graph)",
        "peer_value": igraph_s,
    }
    yield {
        "name": f"access: drive minutes, {label}, vs per-pair networkx",
        "value": ours,
        "unit": "s",
        "peer": f"networkx shortest_path_length per pair ({NX_SAMPLE} sampled, scaled)",
        "peer_value": nx_s,
    }
    yield {
        "name": f"access: drive minutes + metres, {label}, vs igraph Dijkstra",
        "value": ours_full,
        "unit": "s",
        "peer": "igraph distances (same graph, minutes only)",
        "peer_value": igraph_s,
    }

    bands = list(access.ISOCHRONE_MINUTES)

    def make_grid() -> Any:
        return isochrone_grid(
            graph,
            cell_m=access.ISOCHRONE_CELL_M,
            exclude=acc.water,
            unpainted_keys=access.UNPAINTED_KEYS,
        )

    grid = make_grid()
    grid_s = _best(make_grid)
    bands_s = _best(
        lambda: isochrones_from_points(
            grid, dests, bands, direction="to", buffer_m=access.ISOCHRONE_BUFFER_M
        )
    )
    sample = 2  # the vector peer is slow: time 2 destinations, scale to all
    start = time.perf_counter()
    _vector_isochrones(graph, dests, bands, limit=sample)
    vector_s = (time.perf_counter() - start) / sample * len(dests.node)
    peer = "shapely buffer + union of reached edges per band (2 destinations timed, scaled)"
    label = f"{len(bands)} bands x {len(dests.node)} destinations"
    yield {
        "name": f"access: isochrones, {label} (grid built once per profile, reused)",
        "value": bands_s,
        "unit": "s",
        "peer": peer,
        "peer_value": vector_s,
    }
    yield {
        "name": f"access: isochrones, {label}, grid build included",
        "value": grid_s + bands_s,
        "unit": "s",
        "peer": peer,
        "peer_value": vector_s,
    }


def _vector_isochrones(graph: Any, dests: Any, bands: list[float], *, limit: int) -> list[Any]:
    """The textbook vector isochrone: buffer every reached edge and union them, per band."""
    import shapely

    from geo.isochrone import reach_seconds

    net = graph.network
    seconds = reach_seconds(graph, dests, direction="to", limit_s=max(bands) * 60)
    coo = graph.forward.tocoo()
    xy = net.node_xy
    lines = shapely.linestrings(np.stack([xy[coo.row], xy[coo.col]], axis=1))
    out = []
    for row in seconds[:limit]:
        for minutes in bands:
            reached = (row[coo.row] <= minutes * 60) & (row[coo.col] <= minutes * 60)
            out.append(shapely.union_all(shapely.buffer(lines[reached], 150.0, quad_segs=4)))
    return out
