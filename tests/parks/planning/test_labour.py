"""Labour shed: minutes worked out by hand on the hand-built world, and recomputed on the real data."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import shapely

from geo.crs import METRIC_CRS
from parks.access import access_network
from parks.planning.labour import labour_shed
from parks.planning.reach import MAX_ATTACH_M
from tests.planning_shapes import LABOUR_AREA, P1_MINUTES, P2_MINUTES, P3_MINUTES


def test_minutes_match_the_hand_worked_drives(world, world_planning) -> None:
    shed = labour_shed(world, world_planning, LABOUR_AREA, bands=(10,))
    minutes = shed.minutes
    assert minutes["p1"] == pytest.approx(P1_MINUTES, abs=1e-6)
    assert minutes["p2"] == pytest.approx(P2_MINUTES, abs=1e-6)
    assert minutes["p3"] == pytest.approx(P3_MINUTES, abs=1e-6)
    assert minutes["p5"] == pytest.approx(0.0, abs=1e-3)
    assert np.isnan(minutes["p4"])


def test_bands_count_the_residents_reached(world, world_planning) -> None:
    # p1 4.66 min (1,000), p2 6.44 min (2,000), p3 7.82 min (500), p5 inside (0)
    shed = labour_shed(world, world_planning, LABOUR_AREA, bands=(5, 7, 8))
    assert shed.population_within == {5: 1000, 7: 3000, 8: 3500}
    assert shed.small_areas_within == {5: 2, 7: 3, 8: 4}


def test_centroids_beyond_the_graph_are_reported_not_dropped(world, world_planning) -> None:
    shed = labour_shed(world, world_planning, LABOUR_AREA)
    assert shed.outside_graph == {"small_areas": 1, "population": 300}
    assert shed.total == {"small_areas": 5, "population": 3800}
    within = shed.population_within[30]
    assert within + shed.outside_graph["population"] + shed.beyond["population"] == 3800
    assert shed.to_dict()["population_within"] == {"10": 3500, "20": 3500, "30": 3500}


HAND_AREA_WEB = shapely.box(136.640, 36.600, 136.650, 36.607)
"""A hand-drawn area north of Kanazawa station (lon/lat)."""


def _independent_minutes(layers, planning, area_metric) -> np.ndarray:
    """Minutes from each census centroid into the area, computed without parks.planning."""
    acc = access_network(layers)
    graph = acc.graph("normal")
    net = graph.network
    g = nx.DiGraph()
    coo = graph.forward.tocoo()
    for u, v, w in zip(coo.row, coo.col, coo.data, strict=True):
        g.add_edge(int(v), int(u), weight=float(w))  # reversed: we search from the area outwards
    sink = -1
    # enter where a drivable (not expressway, not tunnel) edge crosses the edge, or at a node inside
    keys = net.edge_key.astype(str)
    usable = ~np.char.startswith(keys, "motorway") & ~np.char.startswith(keys, "access_connector")
    usable &= ~net.piece_tunnel[net.edge_piece]
    candidates = np.flatnonzero(usable)
    shapes = net.edge_geometry(candidates)
    hit = shapely.intersects(shapes, area_metric)
    for e, line in zip(candidates[hit], shapes[hit], strict=True):
        u = int(net.edge_u[e])
        if area_metric.contains(shapely.Point(net.node_xy[u])):
            g.add_edge(sink, u, weight=0.0)
        crossing = line.intersection(area_metric.boundary)
        pts = shapely.get_coordinates(crossing)
        if len(pts):
            f = min(line.project(shapely.Point(p), normalized=True) for p in pts)
            cost = f * float(graph.edge_s[e])
            if not g.has_edge(sink, u) or g[sink][u]["weight"] > cost:
                g.add_edge(sink, u, weight=cost)
    seconds = nx.single_source_dijkstra_path_length(g, sink, weight="weight")
    xy = shapely.get_coordinates(planning.small_areas.to_crs(METRIC_CRS).geometry.to_numpy())
    local = np.flatnonzero(net.node_is_local)
    out = np.full(len(xy), np.nan)
    for i, (x, y) in enumerate(xy):
        d2 = (net.node_xy[local, 0] - x) ** 2 + (net.node_xy[local, 1] - y) ** 2
        k = int(np.argmin(d2))
        d = float(np.sqrt(d2[k]))
        if d > MAX_ATTACH_M:
            continue
        out[i] = (seconds.get(int(local[k]), np.inf) + d / (graph.connector_kmh / 3.6)) / 60
    return out


def test_population_within_equals_the_independent_sum(layers, planning) -> None:
    import geopandas as gpd

    area = gpd.GeoSeries([HAND_AREA_WEB], crs=4326).to_crs(METRIC_CRS).iloc[0]
    shed = labour_shed(layers, planning, area)
    expected = _independent_minutes(layers, planning, area)
    ours = shed.minutes.to_numpy()
    both = np.isfinite(expected) & (expected <= 30)
    # a road node inside the area is linked to it at 1 ms (a zero weight reads as no edge)
    assert np.allclose(ours[both], expected[both], atol=1e-4)
    pop = planning.small_areas["population"].to_numpy()
    for band in (10, 20, 30):
        assert not np.any(np.abs(expected - band) < 1e-3), "a centroid sits on a band limit"
        assert shed.population_within[band] == int(
            pop[np.isfinite(expected) & (expected <= band)].sum()
        )
    assert shed.outside_graph["small_areas"] == int(np.isnan(expected).sum())
    assert shed.outside_graph["population"] == int(pop[np.isnan(expected)].sum())
    assert shed.population_within[10] < shed.population_within[20] < shed.population_within[30]
