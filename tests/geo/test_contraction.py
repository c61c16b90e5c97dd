"""Graph contraction: distances, lengths and paths equal those of Dijkstra on the whole graph."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse import csgraph

from geo.contraction import Contraction, TargetDistances, contract


def csr(n: int, edges: list[tuple[int, int, float]]) -> sparse.csr_matrix:
    u, v, w = zip(*edges, strict=True)
    return sparse.csr_matrix((w, (u, v)), shape=(n, n))


def street_grid(seed: int, side: int = 12) -> tuple[sparse.csr_matrix, np.ndarray]:
    """A grid of streets, a fifth one-way, with dead-end spurs, chains and random weights."""
    rng = np.random.default_rng(seed)
    edges: dict[tuple[int, int], float] = {}

    def road(a: int, b: int, oneway: bool) -> None:
        w = float(rng.uniform(1, 10))
        edges[(a, b)] = min(w, edges.get((a, b), np.inf))
        if not oneway:
            edges[(b, a)] = min(w * rng.uniform(1, 1.5), edges.get((b, a), np.inf))

    n = side * side
    for r in range(side):
        for c in range(side):
            i = r * side + c
            if c + 1 < side:
                road(i, i + 1, rng.random() < 0.2)
            if r + 1 < side:
                road(i, i + side, rng.random() < 0.2)
    # dead-end trees and two-way chains hanging off random crossings, a few long chains between
    for _ in range(side * 3):
        at = int(rng.integers(n))
        for _ in range(int(rng.integers(1, 5))):
            road(at, n, oneway=False)
            at, n = n, n + 1
    for _ in range(side):
        a, b = (int(x) for x in rng.integers(side * side, size=2))
        prev = a
        for _ in range(int(rng.integers(1, 6))):
            road(prev, n, oneway=bool(rng.random() < 0.5))
            prev, n = n, n + 1
        road(prev, b, oneway=bool(rng.random() < 0.5))
    u = np.array([k[0] for k in edges])
    v = np.array([k[1] for k in edges])
    w = np.array(list(edges.values()))
    length = w * rng.uniform(5, 20, size=len(w))  # metres: not proportional to the weight
    order = np.lexsort((v, u))
    forward = sparse.csr_matrix((w[order], (u[order], v[order])), shape=(n, n))
    return forward, length[order]


def assert_exact(
    forward: sparse.csr_matrix,
    length: np.ndarray,
    con: Contraction,
    origins: np.ndarray,
    targets: np.ndarray,
    *,
    paths_from: np.ndarray | None = None,
) -> TargetDistances:
    """Weights as Dijkstra's on the whole graph; sampled paths real, of that weight and length."""
    n = forward.shape[0]
    expected = csgraph.dijkstra(forward.T.tocsr(), directed=True, indices=targets).T[origins]
    got = con.to_targets(origins, targets, with_length=True, with_paths=True)
    reached = np.isfinite(expected)
    assert (np.isfinite(got.weight) == reached).all()
    np.testing.assert_allclose(got.weight[reached], expected[reached], rtol=1e-12)
    assert got.length is not None
    assert np.isinf(got.length[~reached]).all()
    # the query without lengths or paths gives the same weights
    np.testing.assert_array_equal(con.to_targets(origins, targets).weight, got.weight)
    dense_w = forward.toarray()
    dense_len = sparse.csr_matrix((length, forward.indices, forward.indptr), shape=(n, n)).toarray()
    rows = range(len(origins)) if paths_from is None else paths_from
    for i in rows:
        for j, target in enumerate(targets):
            if not reached[i, j]:
                with pytest.raises(ValueError, match="no path"):
                    got.path(int(i), j)
                continue
            path = got.path(int(i), j)
            assert path[0] == origins[i]
            assert path[-1] == target
            steps = list(itertools.pairwise(path))
            assert all(dense_w[a, b] > 0 for a, b in steps)  # real edges only
            assert sum(dense_w[a, b] for a, b in steps) == pytest.approx(expected[i, j])
            assert sum(dense_len[a, b] for a, b in steps) == pytest.approx(got.length[i, j])
    return got


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("max_extra_edges", [0, 40, 10**6])
def test_distances_to_any_targets_equal_dijkstra_on_the_whole_graph(
    seed: int, max_extra_edges: int
) -> None:
    forward, length = street_grid(seed)
    n = forward.shape[0]
    con = contract(forward, length, max_extra_edges=max_extra_edges)
    assert con.n_core < n / 2  # something was eliminated
    rng = np.random.default_rng(seed)
    # one index, two target sets; most targets were eliminated, some are in the core
    for targets in (rng.choice(n, size=7, replace=False), rng.choice(n, size=3, replace=False)):
        assert_exact(
            forward, length, con, np.arange(n), targets, paths_from=rng.choice(n, 30, replace=False)
        )
    eliminated = con.core_index < 0
    both = np.concatenate(
        [rng.choice(np.flatnonzero(eliminated), 4, replace=False), con.core_nodes[:2]]
    )
    assert_exact(
        forward, length, con, np.arange(n), both, paths_from=rng.choice(n, 30, replace=False)
    )


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_targets_stay_in_the_core_and_give_the_same_answers(seed: int) -> None:
    forward, length = street_grid(seed)
    n = forward.shape[0]
    targets = np.random.default_rng(seed).choice(n, size=7, replace=False)
    con = contract(forward, length, targets)
    assert (con.core_index[targets] >= 0).all()
    assert_exact(forward, length, con, np.arange(n), targets, paths_from=np.arange(0, n, 9))


@pytest.mark.parametrize("seed", range(8))
def test_random_one_way_graphs_with_ties_and_unreachable_pairs(seed: int) -> None:
    """Sparse random digraphs: mostly one-way, integer weights (ties), several components."""
    rng = np.random.default_rng(seed)
    n = 40
    pairs = {(int(a), int(b)) for a, b in rng.integers(n, size=(90, 2)) if a != b}
    u, v = (np.array(x) for x in zip(*sorted(pairs), strict=True))
    w = rng.integers(1, 4, size=len(u)).astype(float)
    forward = sparse.csr_matrix((w, (u, v)), shape=(n, n))
    length = rng.uniform(1, 100, size=forward.nnz)
    con = contract(forward, length, max_extra_edges=int(rng.integers(0, 50)))
    got = assert_exact(forward, length, con, np.arange(n), np.arange(n))
    assert not np.isfinite(got.weight).all()  # the test covers unreachable pairs
    np.testing.assert_array_equal(np.diag(got.weight), 0.0)
    assert all(got.path(i, i) == [i] for i in range(n))


def test_a_one_way_chain_is_not_driven_backwards() -> None:
    # 0 -> 1 -> 2 -> 3 one way (1, 2 are a chain); the way back 3 -> 4 -> 0 is long
    forward = csr(5, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 4, 50.0), (4, 0, 50.0)])
    length = np.ones(5)
    con = contract(forward, length, np.array([0, 3]))
    assert con.n_core == 2  # 1, 2 and 4 merged into shortcuts
    got = con.to_targets(np.array([0, 1, 2, 3, 4]), np.array([0, 3]), with_paths=True)
    np.testing.assert_allclose(got.weight[:, 0], [0, 102, 101, 100, 50])
    np.testing.assert_allclose(got.weight[:, 1], [3, 2, 1, 0, 53])
    assert got.path(1, 0) == [1, 2, 3, 4, 0]


def test_targets_inside_a_one_way_chain_are_answered() -> None:
    # the same ring: 1 and 2 (the chain) and 4 (the way back) are eliminated targets
    forward = csr(5, [(0, 1, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 4, 50.0), (4, 0, 50.0)])
    con = contract(forward, np.arange(1.0, 6.0), np.array([0, 3]))
    targets = np.array([1, 2, 4])
    assert (con.core_index[targets] < 0).all()
    got = con.to_targets(np.arange(5), targets, with_length=True, with_paths=True)
    # by hand: to 1 from 2 is 2 -> 3 -> 4 -> 0 -> 1; to 4 from 0 is 0 -> 1 -> 2 -> 3 -> 4
    np.testing.assert_allclose(got.weight[:, 0], [1, 0, 102, 101, 51])
    np.testing.assert_allclose(got.weight[:, 1], [2, 1, 0, 102, 52])
    np.testing.assert_allclose(got.weight[:, 2], [53, 52, 51, 50, 0])
    assert got.length is not None  # lengths 1..5 on edges 0->1, 1->2, 2->3, 3->4, 4->0
    np.testing.assert_allclose(got.length[:, 0], [1, 0, 13, 10, 6])
    np.testing.assert_allclose(got.length[:, 2], [10, 9, 7, 4, 0])
    assert got.path(2, 0) == [2, 3, 4, 0, 1]
    assert got.path(0, 2) == [0, 1, 2, 3, 4]
    assert got.path(4, 2) == [4]


def test_an_origin_inside_a_dead_end_is_swept() -> None:
    # a two-way road 0 - 1 - 2 with a dead-end tree 1 - 3 - 4 and 3 - 5
    two_way = [(0, 1, 2.0), (1, 2, 3.0), (1, 3, 1.0), (3, 4, 4.0), (3, 5, 6.0)]
    forward = csr(6, [*two_way, *[(b, a, w) for a, b, w in two_way]])
    con = contract(forward, np.ones(forward.nnz), np.array([0, 2]))
    got = con.to_targets(np.array([4, 5, 4]), np.array([0, 2]), with_length=True)
    np.testing.assert_allclose(got.weight, [[7, 8], [9, 10], [7, 8]])
    assert got.length is not None
    np.testing.assert_allclose(got.length, [[3, 3], [3, 3], [3, 3]])


def test_targets_at_the_end_of_a_dead_end_are_answered() -> None:
    # the same road; the targets are the two leaves 4 and 5 of the dead-end tree
    two_way = [(0, 1, 2.0), (1, 2, 3.0), (1, 3, 1.0), (3, 4, 4.0), (3, 5, 6.0)]
    forward = csr(6, [*two_way, *[(b, a, w) for a, b, w in two_way]])
    con = contract(forward, np.ones(forward.nnz))
    targets = np.array([4, 5])
    assert (con.core_index[targets] < 0).all()
    got = con.to_targets(np.arange(6), targets, with_length=True, with_paths=True)
    np.testing.assert_allclose(got.weight[:, 0], [7, 5, 8, 4, 0, 10])
    np.testing.assert_allclose(got.weight[:, 1], [9, 7, 10, 6, 10, 0])
    assert got.length is not None  # every edge is 1 long: the hops
    np.testing.assert_allclose(got.length[:, 0], [3, 2, 3, 1, 0, 2])
    assert got.path(2, 0) == [2, 1, 3, 4]
    assert got.path(4, 1) == [4, 3, 5]


def test_a_crossing_target_eliminated_is_answered() -> None:
    # a two-way 3 x 3 grid, the middle crossing (4) a target; eliminate everything
    side, edges = 3, []
    for r in range(side):
        for c in range(side):
            i = r * side + c
            if c + 1 < side:
                edges += [(i, i + 1, 1.0 + i), (i + 1, i, 2.0 + i)]
            if r + 1 < side:
                edges += [(i, i + side, 3.0), (i + side, i, 1.5)]
    forward = csr(side * side, edges)
    length = np.linspace(1, 2, forward.nnz)
    con = contract(forward, length, max_extra_edges=10**6)
    assert con.core_index[4] < 0
    got = assert_exact(forward, length, con, np.arange(9), np.array([4, 0, 8]))
    # by hand: 0 -> 1 -> 4 (1 + 3) beats 0 -> 3 -> 4 (3 + 4); 8 -> 5 -> 4 (1.5 + 6) beats
    # 8 -> 7 -> 4 (9 + 1.5)
    assert got.weight[0, 0] == 4.0
    assert got.weight[8, 0] == 7.5
    assert got.path(8, 0) == [8, 5, 4]


def test_unreachable_targets_are_inf() -> None:
    # 0 <-> 1 -> 2 <-> 3 (one way from the first pair to the second); 4 has no edges
    forward = csr(5, [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 3, 1.0), (3, 2, 1.0)])
    con = contract(forward, np.ones(forward.nnz))
    got = con.to_targets(np.arange(5), np.array([0, 3, 4]), with_length=True, with_paths=True)
    inf = np.inf
    np.testing.assert_array_equal(
        got.weight, [[0, 3, inf], [1, 2, inf], [inf, 1, inf], [inf, 0, inf], [inf, inf, 0]]
    )
    assert got.length is not None
    assert np.isinf(got.length[2, 0])
    with pytest.raises(ValueError, match="no path"):
        got.path(3, 0)


def test_paths_need_to_be_asked_for() -> None:
    forward = csr(3, [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 1, 1.0)])
    got = contract(forward, np.ones(4), np.array([0, 2])).to_targets(
        np.array([1]), np.array([0, 2])
    )
    with pytest.raises(ValueError, match="with_paths"):
        got.path(0, 0)
