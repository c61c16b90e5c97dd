"""Graph contraction: distances, lengths and paths equal those of Dijkstra on the whole graph."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse import csgraph

from geo.contraction import contract


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


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("max_extra_edges", [0, 40, 10**6])
def test_distances_to_targets_equal_dijkstra_on_the_whole_graph(
    seed: int, max_extra_edges: int
) -> None:
    forward, length = street_grid(seed)
    n = forward.shape[0]
    rng = np.random.default_rng(seed)
    targets = np.unique(rng.choice(n, size=7, replace=False))
    con = contract(forward, length, targets, max_extra_edges=max_extra_edges)
    assert con.n_core < n  # something was eliminated
    expected = csgraph.dijkstra(forward.T.tocsr(), directed=True, indices=targets).T
    origins = np.arange(n)
    got = con.to_targets(origins, targets, with_length=True, with_paths=True)
    reached = np.isfinite(expected)
    assert (np.isfinite(got.weight) == reached).all()
    np.testing.assert_allclose(got.weight[reached], expected[reached], rtol=1e-12)
    # each path exists in the original graph, costs the distance, and measures the length
    dense_w = forward.toarray()
    dense_len = sparse.csr_matrix((length, forward.indices, forward.indptr), shape=(n, n)).toarray()
    for i in rng.choice(n, size=40, replace=False):
        for j, target in enumerate(targets):
            if not reached[i, j]:
                continue
            path = got.path(int(i), j)
            assert path[0] == i
            assert path[-1] == target
            steps = list(itertools.pairwise(path))
            assert all(dense_w[a, b] > 0 for a, b in steps)
            assert sum(dense_w[a, b] for a, b in steps) == pytest.approx(expected[i, j])
            assert got.length is not None
            assert sum(dense_len[a, b] for a, b in steps) == pytest.approx(got.length[i, j])


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


def test_an_origin_inside_a_dead_end_is_swept() -> None:
    # a two-way road 0 - 1 - 2 with a dead-end tree 1 - 3 - 4 and 3 - 5
    two_way = [(0, 1, 2.0), (1, 2, 3.0), (1, 3, 1.0), (3, 4, 4.0), (3, 5, 6.0)]
    forward = csr(6, [*two_way, *[(b, a, w) for a, b, w in two_way]])
    con = contract(forward, np.ones(forward.nnz), np.array([0, 2]))
    got = con.to_targets(np.array([4, 5, 4]), np.array([0, 2]), with_length=True)
    np.testing.assert_allclose(got.weight, [[7, 8], [9, 10], [7, 8]])
    assert got.length is not None
    np.testing.assert_allclose(got.length, [[3, 3], [3, 3], [3, 3]])


def test_a_target_eliminated_is_refused() -> None:
    forward = csr(3, [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 1, 1.0)])
    con = contract(forward, np.ones(4), np.array([0]))
    assert not con.covers(np.array([2]))
    with pytest.raises(ValueError, match="eliminated"):
        con.to_targets(np.array([1]), np.array([2]))


def test_paths_need_to_be_asked_for() -> None:
    forward = csr(3, [(0, 1, 1.0), (1, 0, 1.0), (1, 2, 1.0), (2, 1, 1.0)])
    got = contract(forward, np.ones(4), np.array([0, 2])).to_targets(
        np.array([1]), np.array([0, 2])
    )
    with pytest.raises(ValueError, match="with_paths"):
        got.path(0, 0)
