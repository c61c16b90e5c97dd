"""Road network: noding, bridges, one-way, speeds, access points, attaching, drive minutes."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import LineString, Point

from geo.crs import METRIC_CRS
from geo.errors import NetworkError
from geo.network import attach, drive_minutes, network_from_lines, weighted_graph

# 36 km/h = 10 m/s, so 100 m takes 10 s; the connector is 3.6 km/h = 1 m/s.
SPEEDS = {"minor": 36.0, "motorway": 72.0, "connector": 3.6, "access_connector": 36.0}


def roads(*rows: tuple[LineString, str, int, int, str | None]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {
            "class": [r[1] for r in rows],
            "oneway": [r[2] for r in rows],
            "ramp": [r[3] for r in rows],
            "brunnel": [r[4] for r in rows],
        },
        geometry=[r[0] for r in rows],
        crs=METRIC_CRS,
    )


def pts(*xy: tuple[float, float]) -> gpd.GeoSeries:
    return gpd.GeoSeries([Point(x, y) for x, y in xy], crs=METRIC_CRS)


def seconds(lines: gpd.GeoDataFrame, a: tuple[float, float], b: tuple[float, float], **kw):
    net = network_from_lines(lines, crs=METRIC_CRS, **kw)
    graph = weighted_graph(net, SPEEDS)
    m = drive_minutes(graph, attach(net, pts(a)), attach(net, pts(b)))
    return float(m.minutes[0, 0] * 60), float(m.metres[0, 0])


def cross(brunnel: str | None) -> gpd.GeoDataFrame:
    # a 200 m west-east road and a 200 m south-north road crossing at (100, 0), no shared vertex
    return roads(
        (LineString([(0, 0), (200, 0)]), "minor", 0, 0, None),
        (LineString([(100, -100), (100, 100)]), "minor", 0, 0, brunnel),
    )


def test_crossing_roads_are_noded() -> None:
    secs, metres = seconds(cross(None), (0, 0), (100, 100))
    assert metres == pytest.approx(200.0)
    assert secs == pytest.approx(20.0)


def test_bridge_is_not_joined_to_the_road_below() -> None:
    # with a detour (200,0)-(200,100)-(100,100), the only way from (0,0) to the bridge's north
    # end is the detour: 200 + 100 + 100 m, not the 200 m a junction at (100,0) would give
    frame = cross("bridge")
    detour = roads(
        (LineString([(200, 0), (200, 100)]), "minor", 0, 0, None),
        (LineString([(200, 100), (100, 100)]), "minor", 0, 0, None),
    )
    lines = gpd.GeoDataFrame(pd.concat([frame, detour], ignore_index=True), crs=METRIC_CRS)
    _, metres = seconds(lines, (0, 0), (100, 100))
    assert metres == pytest.approx(400.0)
    _, noded = seconds(
        gpd.GeoDataFrame(pd.concat([cross(None), detour], ignore_index=True), crs=METRIC_CRS),
        (0, 0),
        (100, 100),
    )
    assert noded == pytest.approx(200.0)


def test_ends_within_merge_distance_are_joined() -> None:
    lines = roads(
        (LineString([(0, 0), (100, 0)]), "minor", 0, 0, None),
        (LineString([(100.5, 0), (200, 0)]), "minor", 0, 0, None),
    )
    net = network_from_lines(lines, crs=METRIC_CRS)
    assert net.report.components == 1
    _, metres = seconds(lines, (0, 0), (200, 0))
    assert metres == pytest.approx(199.5, abs=1.0)


def test_gap_beyond_merge_distance_splits_and_is_reported() -> None:
    lines = roads(
        (LineString([(0, 0), (100, 0)]), "minor", 0, 0, None),
        (LineString([(110, 0), (300, 0)]), "minor", 0, 0, None),
    )
    net = network_from_lines(lines, crs=METRIC_CRS)
    assert net.report.components == 2
    assert net.report.nodes_dropped == 2
    assert net.report.largest_component_share == pytest.approx(0.5)


def test_one_way_road_is_driven_one_way() -> None:
    # triangle A(0,0) B(100,0) C(50,86.6); A->B one way, the other sides two-way (100 m each)
    c = (50.0, 100 * np.sqrt(3) / 2)
    lines = roads(
        (LineString([(0, 0), (100, 0)]), "minor", 1, 0, None),
        (LineString([(100, 0), c]), "minor", 0, 0, None),
        (LineString([c, (0, 0)]), "minor", 0, 0, None),
    )
    ab, _ = seconds(lines, (0, 0), (100, 0))
    ba, _ = seconds(lines, (100, 0), (0, 0))
    assert ab == pytest.approx(10.0)
    assert ba == pytest.approx(20.0)


def test_ramp_is_slower_and_falls_back_to_its_class() -> None:
    lines = roads((LineString([(0, 0), (100, 0)]), "minor", 0, 1, None))
    net = network_from_lines(lines, crs=METRIC_CRS)
    assert weighted_graph(net, SPEEDS).edge_s[0] == pytest.approx(10.0)
    slow = weighted_graph(net, {**SPEEDS, "minor_ramp": 18.0})
    assert slow.edge_s[0] == pytest.approx(20.0)


def test_speed_table_problems_are_all_listed() -> None:
    net = network_from_lines(cross(None), crs=METRIC_CRS)
    with pytest.raises(NetworkError) as err:
        weighted_graph(net, {"connector": 0, "access_connector": 10})
    assert "'minor'" in str(err.value)
    assert "positive" in str(err.value)


def test_no_drivable_line_is_a_clear_error() -> None:
    lines = roads((LineString([(0, 0), (100, 0)]), "rail", 0, 0, None))
    with pytest.raises(NetworkError, match="no drivable line"):
        network_from_lines(lines, crs=METRIC_CRS, drivable_classes={"minor"})


def test_missing_column_is_a_clear_error() -> None:
    lines = cross(None).drop(columns=["oneway"])
    with pytest.raises(NetworkError, match="oneway"):
        network_from_lines(lines, crs=METRIC_CRS)


def test_expressway_is_entered_only_at_access_points() -> None:
    # local road along y=0 (0..3000 m); expressway along y=50 entered at x=0 and x=3000 only
    local = roads((LineString([(0, 0), (3000, 0)]), "minor", 0, 0, None))
    express = roads((LineString([(0, 50), (3000, 50)]), "motorway", 0, 0, None))
    net = network_from_lines(
        local, crs=METRIC_CRS, limited_access=express, access_points=pts((0, 50), (3000, 50))
    )
    graph = weighted_graph(net, SPEEDS)
    a, b = attach(net, pts((0, 0))), attach(net, pts((3000, 0)))
    m = drive_minutes(graph, a, b)
    # 50 m connector at 10 m/s, 3000 m at 20 m/s, 50 m connector: 5 + 150 + 5 = 160 s
    assert m.minutes[0, 0] * 60 == pytest.approx(160.0, abs=0.5)
    mid = attach(net, pts((1500, 40)))
    assert net.node_is_local[mid.node[0]]


def test_attach_outside_the_area_is_a_clear_error() -> None:
    net = network_from_lines(cross(None), crs=METRIC_CRS)
    with pytest.raises(NetworkError, match="outside the road network's area"):
        attach(net, pts((50_000, 0)), max_distance_m=2000)


def test_polygon_attaches_at_its_boundary() -> None:
    net = network_from_lines(cross(None), crs=METRIC_CRS)
    lot = gpd.GeoSeries([shapely.box(20, 30, 60, 70)], crs=METRIC_CRS)
    att = attach(net, lot)
    # nearest node is (0,0) or (100,0)... the box corner (20,30) is 36.06 m from (0,0)
    assert att.connector_m[0] == pytest.approx(np.hypot(20, 30))


def test_drive_minutes_match_per_pair_networkx() -> None:
    rng = np.random.default_rng(7)
    lines = []
    for i in range(6):
        lines.append((LineString([(0, i * 100), (500, i * 100)]), "minor", int(i == 2), 0, None))
        lines.append((LineString([(i * 100, 0), (i * 100, 500)]), "minor", 0, 0, None))
    frame = roads(*lines)
    net = network_from_lines(frame, crs=METRIC_CRS)
    graph = weighted_graph(net, SPEEDS)
    g = nx.DiGraph()
    coo = graph.forward.tocoo()
    g.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    )
    xy = rng.uniform(0, 500, size=(8, 2))
    o, d = attach(net, pts(*map(tuple, xy[:4]))), attach(net, pts(*map(tuple, xy[4:])))
    ours = drive_minutes(graph, o, d).minutes * 60
    for i in range(4):
        for j in range(4):
            ref = nx.dijkstra_path_length(g, int(o.node[i]), int(d.node[j]))
            ref += o.connector_m[i] + d.connector_m[j]  # connectors at 1 m/s
            assert ours[i, j] == pytest.approx(ref)


def test_one_contraction_per_graph_answers_any_destinations() -> None:
    lines = []
    for i in range(5):
        lines.append((LineString([(0, i * 100), (400, i * 100)]), "minor", int(i == 1), 0, None))
        lines.append((LineString([(i * 100, 0), (i * 100, 400)]), "minor", int(i == 3), 0, None))
    net = network_from_lines(roads(*lines), crs=METRIC_CRS)
    graph = weighted_graph(net, SPEEDS)
    g = nx.DiGraph()
    coo = graph.forward.tocoo()
    g.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True)
    )
    con = graph.contraction()
    assert (con.core_index < 0).any()  # some destinations were eliminated
    every = np.arange(net.n_nodes)
    whole = attach(net, gpd.GeoSeries(shapely.points(net.node_xy), crs=METRIC_CRS))
    assert (whole.node == every).all()
    # every node as a destination, in two sets, from every node: one contraction serves all
    for part in (every[::2], every[1::2]):
        dests = attach(net, gpd.GeoSeries(shapely.points(net.node_xy[part]), crs=METRIC_CRS))
        got = drive_minutes(graph, whole, dests).minutes * 60
        for j, dest in enumerate(part.tolist()):
            ref = nx.single_source_dijkstra_path_length(g.reverse(), dest)
            assert [got[i, j] for i in ref] == pytest.approx(list(ref.values()))
    assert graph.contraction() is con
