"""Access on the real data: plausibility of drive minutes, routes, isochrones and bad input."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely
from shapely.geometry import Point

from geo.crs import METRIC_CRS
from geo.network import attach, drive_minutes
from parks import access
from parks.errors import InvalidInputError, LotNotFoundError

TOP_KMH = 80.0  # fastest speed of the normal profile (expressway)


@pytest.fixture(scope="module")
def built(layers):
    return access.build_access(layers)


@pytest.fixture(scope="module")
def normal(built) -> pd.DataFrame:
    table = built["lot_access"]
    return table[table["profile"] == "normal"]


def test_every_pair_has_a_time_per_profile(layers, built) -> None:
    table = built["lot_access"]
    assert list(table.columns)[:5] == ["lot_id", "destination_id", "profile", "minutes", "metres"]
    assert table["source"].str.contains("ASSUMED speeds").all()
    assert table["is_approximate"].all()
    assert len(table) == len(layers.lots) * len(layers.destinations) * 2
    assert table["minutes"].notna().all()


def test_drive_time_is_at_least_straight_line_at_top_speed(layers, normal) -> None:
    lots = layers.lots.to_crs(METRIC_CRS).set_index("lot_id").geometry
    dests = layers.destinations.to_crs(METRIC_CRS).set_index("id").geometry
    straight_m = shapely.distance(
        lots.loc[normal["lot_id"]].to_numpy(), dests.loc[normal["destination_id"]].to_numpy()
    )
    floor_minutes = straight_m / (TOP_KMH / 3.6) / 60
    assert (normal["minutes"].to_numpy() >= floor_minutes - 1e-9).all()
    assert (normal["metres"].to_numpy() >= straight_m - 1.0).all()


def test_two_way_times_are_nearly_symmetric(layers) -> None:
    acc = access.access_network(layers)
    graph = acc.graph("normal")
    lots = attach(acc.network, layers.lots.geometry)
    there = drive_minutes(graph, lots, acc.destination_attachment, with_metres=False).minutes
    back = drive_minutes(graph, acc.destination_attachment, lots, with_metres=False).minutes.T
    rel = np.abs(there - back) / np.maximum(there, back)
    assert np.median(rel) < 0.05
    assert np.abs(there - back).max() < 3.0  # one-way streets differ by minutes, not more


def test_morimoto_ic_lots_reach_their_interchange_in_a_few_minutes(normal) -> None:
    rows = normal[
        normal["lot_id"].str.startswith("morimoto-ic/")
        & (normal["destination_id"] == "ic-kanazawa-morimoto")
    ]
    assert len(rows) > 0
    assert rows["minutes"].max() <= 5.0


def test_farther_interchanges_along_the_expressway_take_longer(normal) -> None:
    # N06 order along the Hokuriku Expressway (kiloposts rise from Ataka to Oyabe)
    order = [
        "ic-ataka-sic",
        "ic-komatsu",
        "ic-nomi-neagari-sic",
        "ic-mikawa",
        "ic-tokumitsu-sic",
        "ic-hakusan",
        "ic-kanazawa-nishi",
        "ic-kanazawa-higashi",
        "ic-kanazawa-morimoto",
        "ic-oyabe",
    ]
    wide = normal.pivot(index="lot_id", columns="destination_id", values="minutes")[order]
    for _, row in wide.iterrows():
        times = row.to_numpy()
        k = int(np.argmin(times))
        assert (np.diff(times[k:]) >= 0).all()
        assert (np.diff(times[: k + 1]) <= 0).all()
    airport = normal.pivot(index="lot_id", columns="destination_id", values="minutes")
    assert (airport["airport-komatsu"] > airport["ic-komatsu"]).all()


def test_expressway_length_matches_the_kiloposts(layers) -> None:
    acc = access.access_network(layers)
    dests = acc.destinations.reset_index(drop=True)
    idx = {d: i for i, d in enumerate(dests["id"])}
    att = acc.destination_attachment
    pick = [idx["ic-hakusan"], idx["ic-komatsu"], idx["ic-kanazawa-morimoto"]]
    sub = dataclasses.replace(att, node=att.node[pick], connector_m=att.connector_m[pick])
    m = drive_minutes(acc.graph("normal"), sub, sub)
    # kiloposts: 白山 169.9, 小松 149.3, 金沢森本 183.4 km
    assert m.metres[0, 1] / 1000 == pytest.approx(20.6, rel=0.03)
    assert m.metres[2, 1] / 1000 == pytest.approx(34.1, rel=0.03)


@pytest.mark.parametrize("park", ["yasuhara", "inaho"])
def test_komatsu_airport_is_25_to_35_minutes_from_the_southwest_parks(normal, park) -> None:
    rows = normal[
        normal["lot_id"].str.startswith(f"{park}/")
        & (normal["destination_id"] == "airport-komatsu")
    ]
    assert 25 <= rows["minutes"].median() <= 35


def test_winter_is_slower_for_every_pair(built) -> None:
    wide = built["lot_access"].pivot_table(
        index=["lot_id", "destination_id"], columns="profile", values="minutes"
    )
    assert (wide["winter"] > wide["normal"]).all()


def test_routes_are_the_nearest_per_kind_and_run_lot_to_destination(layers, built, normal) -> None:
    routes = built["routes"]
    assert set(routes["kind"]) == {"interchange", "port", "airport", "station"}
    assert len(routes) == 4 * len(layers.lots)
    best = normal.merge(
        layers.destinations[["id", "kind"]], left_on="destination_id", right_on="id"
    )
    best = best.groupby(["lot_id", "kind"])["minutes"].min()
    got = routes.set_index(["lot_id", "kind"])["minutes"]
    assert np.allclose(got.sort_index().to_numpy(), best.loc[got.sort_index().index].to_numpy())
    assert routes["source"].str.contains("ASSUMED").all()
    dests = layers.destinations.set_index("id").geometry
    end = shapely.get_point(routes.geometry.to_numpy(), -1)
    assert shapely.distance(end, dests.loc[routes["destination_id"]].to_numpy()).max() < 1e-6


def test_isochrone_layer_is_nested_per_destination(built) -> None:
    iso = built["isochrones"]
    assert set(iso["minutes"]) == set(access.ISOCHRONE_MINUTES)
    assert {"destination_id", "minutes", "profile"} <= set(iso.columns)
    for _, group in iso[iso["profile"] == "normal"].groupby("destination_id"):
        areas = group.sort_values("minutes").geometry.to_crs(METRIC_CRS).area.to_numpy()
        assert (np.diff(areas) > 0).all()


def test_nearest_destinations_and_drive_minutes_table(layers) -> None:
    lot_id = layers.lots[layers.lots["park_id"] == "morimoto-ic"]["lot_id"].iloc[0]
    near = access.nearest_destinations(layers, lot_id)
    assert set(near) == {"interchange", "port", "airport", "station"}
    assert near["interchange"]["destination_id"] == "ic-kanazawa-morimoto"
    table = access.drive_minutes_table(layers)
    assert len(table) == len(layers.lots)
    row = table.set_index("lot_id").loc[lot_id]
    assert row["interchange"] == pytest.approx(near["interchange"]["minutes"])
    assert row["airport_id"] == "airport-komatsu"


def test_unknown_lot_is_not_found(layers) -> None:
    with pytest.raises(LotNotFoundError):
        access.nearest_destinations(layers, "nowhere/1")


def test_isochrone_around_a_point(layers) -> None:
    station = Point(136.64774, 36.57826)
    bands = access.isochrone(layers, station.x, station.y, [5, 10, 20])
    assert list(bands["minutes"]) == [5.0, 10.0, 20.0]
    assert bands.geometry.iloc[0].contains(station)
    areas = bands.to_crs(METRIC_CRS).area.to_numpy()
    assert areas[0] < areas[1] < areas[2]


@pytest.mark.parametrize(
    ("lon", "lat", "minutes", "message"),
    [
        (136.65, 36.58, [0], "positive"),
        (136.65, 36.58, [-5, 10], "positive"),
        (136.0, 36.58, [10], "outside the road network"),
        (200.0, 36.58, [10], "lon"),
    ],
)
def test_isochrone_bad_input(layers, lon, lat, minutes, message) -> None:
    with pytest.raises(InvalidInputError, match=message):
        access.isochrone(layers, lon, lat, minutes)


def test_roads_without_drivable_lines_are_a_clear_error(layers) -> None:
    no_roads = layers.replace(roads=layers.roads[layers.roads["class"] == "rail"])
    with pytest.raises(access.AccessError, match="no drivable line"):
        access.access_network(no_roads)


def test_shipped_speed_profiles_are_labelled_assumptions() -> None:
    profiles = access.load_speed_profiles()
    assert set(profiles) >= {"normal", "winter"}
    assert all(p.is_assumption for p in profiles.values())
    normal, winter = profiles["normal"].kmh, profiles["winter"].kmh
    assert normal["motorway_ramp"] < normal["motorway"]
    assert all(winter[k] < normal[k] for k in normal)


def test_bad_speed_file_lists_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "speeds.yaml"
    path.write_text("profiles:\n  fast:\n    kmh: {minor: -3, connector: 5}\n", encoding="utf-8")
    with pytest.raises(InvalidInputError) as err:
        access.load_speed_profiles(path)
    text = str(err.value)
    assert "'minor'" in text
    assert "access_connector" in text
    assert "motorway" in text


def _tree_metres(graph, pred: np.ndarray) -> np.ndarray:
    """Metres from every node to the root of each scipy shortest-path tree (walked per node)."""
    out = np.full(pred.shape, np.inf)
    for r, row in enumerate(pred):
        done = np.zeros(len(row), dtype=bool)
        root = np.flatnonzero(row < 0)
        out[r, root] = 0.0
        done[root] = True
        # settle nodes whose predecessor is settled, level by level
        todo = np.flatnonzero(row >= 0)
        while len(todo):
            ready = todo[done[row[todo]]]
            if not len(ready):
                break
            step = graph.network.edge_m[graph.pair_edges(ready, row[ready])]
            out[r, ready] = out[r, row[ready]] + step
            done[ready] = True
            todo = todo[~done[todo]]
    return out


@pytest.mark.parametrize("profile", ["normal", "winter"])
def test_contracted_drive_times_equal_dijkstra_on_the_whole_real_network(
    layers, profile: str
) -> None:
    """From every node of the real graph to every destination: minutes, metres and paths."""
    from scipy.sparse import csgraph

    from geo.network import Attachment

    acc = access.access_network(layers)
    graph = acc.graph(profile)
    n = graph.network.n_nodes
    every = Attachment(node=np.arange(n), connector_m=np.zeros(n), anchor_xy=np.zeros((n, 2)))
    dests = acc.destination_attachment
    got = drive_minutes(graph, every, dests, with_paths=True)
    con = graph.contraction()
    assert con.n_core < n / 5  # the contraction did its job
    assert (con.core_index[dests.node] < 0).any()  # some destinations were eliminated

    dist, pred = csgraph.dijkstra(
        graph.reverse, directed=True, indices=dests.node, return_predecessors=True
    )
    kmh = graph.connector_kmh
    expected = (dist.T + dests.connector_s(kmh)[None, :]) / 60.0
    reached = np.isfinite(expected)
    assert (np.isfinite(got.minutes) == reached).all()
    np.testing.assert_allclose(got.minutes[reached], expected[reached], rtol=1e-12)
    # metres along scipy's tree: equal on every pair (a tie between two fastest paths of
    # different lengths could pick the other one; the real network has none)
    metres = _tree_metres(graph, pred).T + dests.connector_m[None, :]
    assert got.metres is not None
    np.testing.assert_allclose(got.metres[reached], metres[reached], rtol=1e-9)
    # any path the contraction returns is a real path with exactly those minutes and metres
    rng = np.random.default_rng(0)
    for i in rng.choice(np.flatnonzero(reached.all(axis=1)), size=30, replace=False):
        for j in range(len(dests.node)):
            nodes = np.asarray(got.path_nodes(int(i), j))
            assert nodes[0] == i
            assert nodes[-1] == dests.node[j]
            edges = graph.pair_edges(nodes[:-1], nodes[1:])
            secs = graph.edge_s[edges].sum() + dests.connector_s(kmh)[j]
            assert secs / 60 == pytest.approx(got.minutes[i, j], rel=1e-9)
            assert graph.network.edge_m[edges].sum() + dests.connector_m[j] == pytest.approx(
                got.metres[i, j], rel=1e-9
            )
