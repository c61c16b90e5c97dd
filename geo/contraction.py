"""Graph contraction: a smaller graph with the same shortest paths to a fixed set of targets.

Eliminating a node ``x`` removes it and turns every path ``a -> x -> b`` (``a != b``) into a
shortcut edge ``a -> b`` (where an edge ``a -> b`` already exists the lighter one is kept), so
distances among the remaining nodes do not change. Each round eliminates an independent set of
nodes (no two adjacent) whose elimination adds few edges, fewest first: dead ends and the trees
behind them, chains of two-neighbour nodes (one-way or two-way: a direction survives only where
every edge of the chain allows it), then crossings. The kept nodes (the targets) are never
eliminated. Rounds stop when few nodes are left to eliminate; what remains is the *core*.

Distances from any node to a target: one Dijkstra per target on the reversed core, then a sweep
down the eliminated nodes in reverse order of elimination. When ``x`` was eliminated, each of its
out-edges led to a node eliminated later or to the core, and the graph of that moment kept every
distance, so ``d(x) = min(w(x, y) + d(y))`` over those edges. Only the nodes the queried origins
lead to are swept. Each shortcut remembers the two edges it replaced, so a path expands back to
the original nodes, and a second additive edge attribute (``length``) is carried along the same
edges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph

_NO_RANK = np.iinfo(np.int64).max
"""Elimination round of a core node (never eliminated)."""


@dataclass(frozen=True, eq=False)
class Contraction:
    """A graph reduced to its core, with the records needed to answer queries on the original.

    Edge records ``0 .. nnz-1`` are the original graph's CSR entries; later records are
    shortcuts, each made of the records ``edge_first`` then ``edge_second`` (-1 for an
    original edge). ``up_ptr``/``up_edge`` list, per eliminated node, the out-edges it had when
    it was eliminated in round ``rank``.
    """

    n_nodes: int
    kept: np.ndarray
    core_nodes: np.ndarray
    core_index: np.ndarray
    core_reverse: sparse.csr_matrix
    core_keys: np.ndarray
    core_edge: np.ndarray
    edge_v: np.ndarray
    edge_w: np.ndarray
    edge_length: np.ndarray
    edge_first: np.ndarray
    edge_second: np.ndarray
    rank: np.ndarray
    up_ptr: np.ndarray
    up_edge: np.ndarray
    rounds: int

    @property
    def n_core(self) -> int:
        """Number of nodes left in the core."""
        return len(self.core_nodes)

    def covers(self, targets: np.ndarray) -> bool:
        """Whether every node of ``targets`` is in the core (so queries to them are answered)."""
        return bool((self.core_index[np.asarray(targets, dtype=np.int64)] >= 0).all())

    def to_targets(
        self,
        origins: np.ndarray,
        targets: np.ndarray,
        *,
        with_length: bool = False,
        with_paths: bool = False,
    ) -> TargetDistances:
        """Return the least weight (and its path's length) from every origin to every target.

        Parameters
        ----------
        origins
            Node ids of the original graph (repeats allowed).
        targets
            Node ids, all in the core (see :meth:`covers`).
        with_length
            Also sum the ``length`` attribute along each shortest path.
        with_paths
            Keep what :meth:`TargetDistances.path` needs.

        Raises
        ------
        ValueError
            If a target is not in the core.
        """
        origins = np.asarray(origins, dtype=np.int64)
        targets = np.asarray(targets, dtype=np.int64)
        if not self.covers(targets):
            msg = "a target was eliminated by the contraction; contract with it kept"
            raise ValueError(msg)
        need_pred = with_length or with_paths
        res = csgraph.dijkstra(
            self.core_reverse,
            directed=True,
            indices=self.core_index[targets],
            return_predecessors=need_pred,
        )
        core_w, core_pred = res if need_pred else (res, None)
        core_len = self._core_lengths(core_pred) if with_length and core_pred is not None else None
        sweep = _Sweep(self, origins[self.core_index[origins] < 0], core_w, core_len, need_pred)
        in_core = self.core_index[origins]
        weight = np.empty((len(origins), len(targets)))
        length = np.empty_like(weight) if core_len is not None else None
        at_core = in_core >= 0
        weight[at_core] = core_w[:, in_core[at_core]].T
        weight[~at_core] = sweep.weight[:, sweep.pos[origins[~at_core]]].T
        if length is not None and core_len is not None and sweep.length is not None:
            length[at_core] = core_len[:, in_core[at_core]].T
            length[~at_core] = sweep.length[:, sweep.pos[origins[~at_core]]].T
            length[~np.isfinite(weight)] = np.inf
        router = _Router(self, sweep, core_pred) if with_paths and core_pred is not None else None
        return TargetDistances(origins=origins, weight=weight, length=length, _router=router)

    def _core_edges_between(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Return the record ids of the core edges ``u -> v`` (core indices)."""
        keys = u.astype(np.int64) * self.n_core + v.astype(np.int64)
        pos = np.clip(np.searchsorted(self.core_keys, keys), 0, max(len(self.core_keys) - 1, 0))
        if len(keys) and not np.array_equal(self.core_keys[pos], keys):
            msg = "internal error: a core path step has no edge"
            raise RuntimeError(msg)
        out: np.ndarray = self.core_edge[pos]
        return out

    def _core_lengths(self, pred: np.ndarray) -> np.ndarray:
        """Length from every core node to the root of each shortest-path tree (pointer doubling)."""
        m = self.n_core
        out = np.zeros(pred.shape)
        for r in range(pred.shape[0]):
            p = pred[r].astype(np.int64)
            has = p >= 0
            nodes = np.flatnonzero(has)
            acc = np.zeros(m)
            acc[nodes] = self.edge_length[self._core_edges_between(nodes, p[nodes])]
            nxt = np.where(has, p, np.arange(m))
            # invariant: acc[x] is the length from x to nxt[x]; halve the remaining hops each turn
            while not np.array_equal(nxt[nxt], nxt):
                acc = acc + acc[nxt]
                nxt = nxt[nxt]
            out[r] = acc
        return out

    def expand(self, records: list[int]) -> list[int]:
        """Return the original nodes reached along a sequence of edge records (start excluded)."""
        nodes: list[int] = []
        stack = list(reversed(records))
        while stack:
            e = stack.pop()
            first = int(self.edge_first[e])
            if first < 0:
                nodes.append(int(self.edge_v[e]))
            else:
                stack.append(int(self.edge_second[e]))
                stack.append(first)
        return nodes


@dataclass(frozen=True, eq=False)
class TargetDistances:
    """Least weights (and lengths) from origins (rows) to targets (columns)."""

    origins: np.ndarray
    weight: np.ndarray
    length: np.ndarray | None
    _router: _Router | None

    def path(self, origin: int, target: int) -> list[int]:
        """Return the original node ids of the shortest path from row ``origin`` to column ``target``.

        Raises
        ------
        ValueError
            If the distances were computed without ``with_paths`` or the pair is unreachable.
        """
        if self._router is None:
            msg = "paths were not kept: query with with_paths=True"
            raise ValueError(msg)
        if not np.isfinite(self.weight[origin, target]):
            msg = "no path: the target cannot be reached from the origin"
            raise ValueError(msg)
        return self._router.path(int(self.origins[origin]), target)


class _Sweep:
    """Weights (and lengths) of the eliminated nodes the origins lead to, per target."""

    def __init__(
        self,
        con: Contraction,
        start: np.ndarray,
        core_w: np.ndarray,
        core_len: np.ndarray | None,
        keep_best: bool,
    ) -> None:
        nodes = _closure(con, np.unique(start))
        # latest-eliminated first: their out-edges lead only to the core or to nodes done already
        nodes = nodes[np.argsort(-con.rank[nodes], kind="stable")]
        self.pos = np.full(con.n_nodes, -1, dtype=np.int64)
        self.pos[nodes] = np.arange(len(nodes))
        n_t = core_w.shape[0]
        self.weight = np.full((n_t, len(nodes)), np.inf)
        self.length = None if core_len is None else np.full((n_t, len(nodes)), np.inf)
        self.best = np.full((n_t, len(nodes)), -1, dtype=np.int64) if keep_best else None
        if not len(nodes):
            return
        ranks = con.rank[nodes]
        cuts = np.flatnonzero(np.diff(ranks)) + 1
        for group in np.split(np.arange(len(nodes)), cuts):
            self._settle(con, nodes[group], group, core_w, core_len)

    def _settle(
        self,
        con: Contraction,
        nodes: np.ndarray,
        rows: np.ndarray,
        core_w: np.ndarray,
        core_len: np.ndarray | None,
    ) -> None:
        counts = con.up_ptr[nodes + 1] - con.up_ptr[nodes]
        has = counts > 0
        nodes, rows, counts = nodes[has], rows[has], counts[has]
        if not len(nodes):
            return
        edges = con.up_edge[_ranges(con.up_ptr[nodes], counts)]
        far = con.edge_v[edges]
        far_core = con.core_index[far]
        in_core = far_core >= 0
        vals = np.empty((core_w.shape[0], len(edges)))
        vals[:, in_core] = core_w[:, far_core[in_core]]
        vals[:, ~in_core] = self.weight[:, self.pos[far[~in_core]]]
        vals += con.edge_w[edges]
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        best_w = np.minimum.reduceat(vals, starts, axis=1)
        self.weight[:, rows] = best_w
        if self.best is None:
            return
        # the first edge reaching the least weight, per node and target
        col = np.arange(len(edges))
        hit = np.where(vals == np.repeat(best_w, counts, axis=1), col, len(edges))
        pick = np.minimum.reduceat(hit, starts, axis=1)
        pick = np.minimum(pick, len(edges) - 1)
        self.best[:, rows] = edges[pick]
        if self.length is not None and core_len is not None:
            far_len = np.empty_like(vals)
            far_len[:, in_core] = core_len[:, far_core[in_core]]
            far_len[:, ~in_core] = self.length[:, self.pos[far[~in_core]]]
            t = np.arange(vals.shape[0])[:, None]
            self.length[:, rows] = con.edge_length[edges[pick]] + far_len[t, pick]


class _Router:
    """Walks a shortest path: swept edges down to the core, then the core's Dijkstra tree."""

    def __init__(self, con: Contraction, sweep: _Sweep, core_pred: np.ndarray) -> None:
        self.con = con
        self.sweep = sweep
        self.core_pred = core_pred

    def path(self, origin: int, target: int) -> list[int]:
        con, records = self.con, []
        node = origin
        while con.core_index[node] < 0:
            assert self.sweep.best is not None
            edge = int(self.sweep.best[target, self.sweep.pos[node]])
            records.append(edge)
            node = int(con.edge_v[edge])
        cur = int(con.core_index[node])
        pred = self.core_pred[target]
        while pred[cur] >= 0:
            nxt = int(pred[cur])
            records.append(int(con._core_edges_between(np.array([cur]), np.array([nxt]))[0]))
            cur = nxt
        return [origin, *con.expand(records)]


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + c)`` for every start and count (vectorised)."""
    total = int(counts.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    out: np.ndarray = np.repeat(starts, counts) + offsets
    return out


def _closure(con: Contraction, start: np.ndarray) -> np.ndarray:
    """Return ``start`` and every eliminated node reachable from it over elimination-time edges."""
    seen = np.zeros(con.n_nodes, dtype=bool)
    seen[start] = True
    parts = [start]
    frontier = start
    while len(frontier):
        counts = con.up_ptr[frontier + 1] - con.up_ptr[frontier]
        far = con.edge_v[con.up_edge[_ranges(con.up_ptr[frontier], counts)]]
        far = np.unique(far[(con.core_index[far] < 0) & ~seen[far]])
        seen[far] = True
        parts.append(far)
        frontier = far
    return np.concatenate(parts).astype(np.int64)


def contract(
    forward: sparse.csr_matrix,
    length: np.ndarray,
    keep: np.ndarray,
    *,
    max_extra_edges: int = 40,
    min_round_share: float = 0.02,
    max_rounds: int = 500,
    seed: int = 0,
) -> Contraction:
    """Contract a directed graph with positive weights, keeping the ``keep`` nodes.

    Parameters
    ----------
    forward
        Weighted adjacency (row = from, column = to), one entry per ordered pair, weights > 0.
    length
        A second additive attribute per CSR entry of ``forward`` (e.g. metres), summed along
        the shortest paths by weight.
    keep
        Node ids never eliminated (the targets of later queries).
    max_extra_edges
        A node is eliminated only if its shortcuts outnumber its edges by at most this much
        (0: dead ends, chains and three-way crossings only; more: a smaller core). Most
        shortcuts of a road graph duplicate an existing pair and merge away: on a 50,000-node
        city graph, 40 leaves a core of 8 % of the nodes and a third of the edges.
    min_round_share
        Stop when a round would eliminate no more than this share of the nodes still
        eligible (late rounds remove few nodes, each at the cost of a pass over every edge).
    max_rounds
        Upper bound on elimination rounds.
    seed
        Seed of the tie-break between neighbouring candidates (the answers do not depend on it).
    """
    fwd = sparse.csr_matrix(forward)
    n = fwd.shape[0]
    u = np.repeat(np.arange(n, dtype=np.int64), np.diff(fwd.indptr))
    v = fwd.indices.astype(np.int64)
    w = np.asarray(fwd.data, dtype=float)
    ln = np.asarray(length, dtype=float)
    rec_v, rec_w, rec_len = [v], [w], [ln]
    rec_first, rec_second = [np.full(len(v), -1, np.int64)], [np.full(len(v), -1, np.int64)]
    n_rec = len(v)
    # sorted by (u, v), the lightest entry per ordered pair; record id = position in the CSR
    key = u * n + v
    if len(key) and bool((key[1:] > key[:-1]).all()):
        cid = np.arange(len(key), dtype=np.int64)  # already canonical
    else:
        order = np.lexsort((w, key))
        lead = np.ones(len(order), dtype=bool)
        lead[1:] = key[order][1:] != key[order][:-1]
        cid = order[lead].astype(np.int64)
        u, v, w, ln, key = u[cid], v[cid], w[cid], ln[cid], key[cid]
    kept = np.unique(np.asarray(keep, dtype=np.int64))
    is_kept = np.zeros(n, dtype=bool)
    is_kept[kept] = True
    alive = np.ones(n, dtype=bool)
    rank = np.full(n, _NO_RANK, dtype=np.int64)
    tiebreak = np.random.default_rng(seed).permutation(n).astype(np.int64)
    up_src: list[np.ndarray] = []
    up_rec: list[np.ndarray] = []
    rounds = 0
    for rnd in range(max_rounds):
        candidate = alive & ~is_kept
        elim = _eliminable(u, v, key, n, candidate, tiebreak, max_extra_edges)
        if elim.sum() <= min_round_share * candidate.sum():
            break
        rounds = rnd + 1
        rank[elim] = rnd
        alive[elim] = False
        out_e = elim[u]
        in_e = elim[v]
        up_src.append(u[out_e])
        up_rec.append(cid[out_e])
        # shortcuts: each in-edge x -> e with each out-edge e -> y of the same node, x != y
        ou, ov, ow, ol, oid = u[out_e], v[out_e], w[out_e], ln[out_e], cid[out_e]
        iu, iv, iw, il, iid = u[in_e], v[in_e], w[in_e], ln[in_e], cid[in_e]
        first = np.searchsorted(ou, iv, side="left")
        count = np.searchsorted(ou, iv, side="right") - first
        pair_in = np.repeat(np.arange(len(iu)), count)
        pair_out = _ranges(first, count)
        su, sv = iu[pair_in], ov[pair_out]
        ok = su != sv
        pair_in, pair_out, su, sv = pair_in[ok], pair_out[ok], su[ok], sv[ok]
        sw = iw[pair_in] + ow[pair_out]
        sl = il[pair_in] + ol[pair_out]
        rest = ~(out_e | in_e)
        u, v, w, ln, cid, key = u[rest], v[rest], w[rest], ln[rest], cid[rest], key[rest]
        # the lightest shortcut per ordered pair, merged into the sorted edges: it replaces an
        # edge only when strictly lighter, else it is inserted in key order
        pick = _lightest_per_key(su * n + sv, sw)
        skey = su[pick] * n + sv[pick]
        pos = np.searchsorted(key, skey)
        hit = pos < len(key)
        hit[hit] = key[pos[hit]] == skey[hit]
        better = hit.copy()
        better[hit] = sw[pick[hit]] < w[pos[hit]]
        used = better | ~hit
        made = pick[used]
        new_id = np.full(len(pick), -1, dtype=np.int64)
        new_id[used] = n_rec + np.arange(len(made))
        n_rec += len(made)
        rec_v.append(sv[made])
        rec_w.append(sw[made])
        rec_len.append(sl[made])
        rec_first.append(iid[pair_in[made]])
        rec_second.append(oid[pair_out[made]])
        at, chosen = pos[better], pick[better]
        w[at], ln[at], cid[at] = sw[chosen], sl[chosen], new_id[better]
        at, chosen = pos[~hit], pick[~hit]
        u = np.insert(u, at, su[chosen])
        v = np.insert(v, at, sv[chosen])
        w = np.insert(w, at, sw[chosen])
        ln = np.insert(ln, at, sl[chosen])
        cid = np.insert(cid, at, new_id[~hit])
        key = np.insert(key, at, skey[~hit])

    core_nodes = np.flatnonzero(alive)
    core_index = np.full(n, -1, dtype=np.int64)
    core_index[core_nodes] = np.arange(len(core_nodes))
    m = len(core_nodes)
    cu, cv = core_index[u], core_index[v]
    # u, v are sorted by (u, v), so the core CSR entries come in the same order
    indptr = np.concatenate([[0], np.cumsum(np.bincount(cu, minlength=m))])
    core_forward = sparse.csr_matrix((w, cv, indptr), shape=(m, m))
    srcs = np.concatenate(up_src) if up_src else np.empty(0, np.int64)
    recs = np.concatenate(up_rec) if up_rec else np.empty(0, np.int64)
    by_src = np.argsort(srcs, kind="stable")
    return Contraction(
        n_nodes=n,
        kept=kept,
        core_nodes=core_nodes,
        core_index=core_index,
        core_reverse=core_forward.T.tocsr(),
        core_keys=cu * m + cv,
        core_edge=cid,
        edge_v=np.concatenate(rec_v),
        edge_w=np.concatenate(rec_w),
        edge_length=np.concatenate(rec_len),
        edge_first=np.concatenate(rec_first),
        edge_second=np.concatenate(rec_second),
        rank=rank,
        up_ptr=np.concatenate([[0], np.cumsum(np.bincount(srcs, minlength=n))]).astype(np.int64),
        up_edge=recs[by_src],
        rounds=rounds,
    )


def _lightest_per_key(keys: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Return, in key order, the index of the lightest entry of each key (first one on ties)."""
    order = np.argsort(keys, kind="stable")
    sk = keys[order]
    lead = np.ones(len(sk), dtype=bool)
    lead[1:] = sk[1:] != sk[:-1]
    if lead.all():
        return order
    starts = np.flatnonzero(lead)
    counts = np.diff(np.append(starts, len(sk)))
    sw = weights[order]
    least = np.repeat(np.minimum.reduceat(sw, starts), counts)
    first = np.minimum.reduceat(np.where(sw == least, np.arange(len(sk)), len(sk)), starts)
    out: np.ndarray = order[first]
    return out


def _eliminable(
    u: np.ndarray,
    v: np.ndarray,
    key: np.ndarray,
    n: int,
    candidate: np.ndarray,
    tiebreak: np.ndarray,
    max_extra_edges: int,
) -> np.ndarray:
    """Pick an independent set of candidates whose elimination adds few edges.

    ``u, v`` are the current edges, one per ordered pair, sorted by ``key = u * n + v``. A
    node with ``i`` in-edges, ``o`` out-edges and ``t`` two-way neighbours makes at most
    ``i*o - t`` shortcuts and removes ``i + o`` edges; it is a candidate when the difference is
    at most ``max_extra_edges``. Among neighbouring candidates the one with the smaller
    ``i*o - i - o`` (then the smaller tie-break) goes first.
    """
    n_in = np.bincount(v, minlength=n)
    n_out = np.bincount(u, minlength=n)
    gain = n_in * n_out - n_in - n_out
    cand = candidate & (gain <= max_extra_edges)
    # t <= min(i, o): only the nodes just above the bar need their two-way neighbours counted
    near = candidate & ~cand & (gain - np.minimum(n_in, n_out) <= max_extra_edges)
    if near.any():
        sel = np.flatnonzero(near[u])
        back = v[sel] * n + u[sel]
        pos = np.minimum(np.searchsorted(key, back), len(key) - 1)
        two_way = np.bincount(u[sel[key[pos] == back]], minlength=n)
        cand |= near & (gain - two_way <= max_extra_edges)
    if not cand.any():
        return cand
    prio = (np.maximum(gain, -n) + n) * n + tiebreak
    clash = cand[u] & cand[v]
    cu, cv = u[clash], v[clash]
    loser = np.where(prio[cu] < prio[cv], cv, cu)
    cand[loser] = False
    return cand
