"""Graph contraction: an index of a road graph answering shortest paths to any targets.

Eliminating a node ``x`` removes it and turns every path ``a -> x -> b`` (``a != b``) into a
shortcut edge ``a -> b`` (where an edge ``a -> b`` already exists the lighter one is kept), so
distances among the remaining nodes do not change. Each round eliminates an independent set of
nodes (no two adjacent) whose elimination adds few edges, fewest first: dead ends and the trees
behind them, chains of two-neighbour nodes (one-way or two-way: a direction survives only where
every edge of the chain allows it), then crossings. Rounds stop when few nodes are left to
eliminate; what remains is the *core*. The rank of a node is its round (core nodes rank last).
Every eliminated node keeps the edges it had when it went: its *up* edges ``x -> y`` and its
*down* edges ``y -> x``, all to nodes of a higher rank (the set of a round is independent).

Why queries are exact: take a shortest path and, while some inner node ranks below both its
neighbours, replace it and its two edges by the shortcut made when it went (no heavier). What
is left climbs by up edges, may cross the core by core edges, and descends by down edges; its
peak is a core node or an eliminated node reached both ways. So, for targets ``T``:

1. per target ``t``, the least weight ``D_t`` from every node above it down to ``t`` over
   down edges, settled in increasing rank (core nodes last: they are the *entries*);
2. one Dijkstra per target on the reversed core, from ``t`` itself if it is in the core, else
   from a virtual node joined to each entry ``c`` by an edge of weight ``D_t(c)``;
3. a sweep down the eliminated nodes the origins lead to, latest-eliminated first:
   ``d(x) = min(D_t(x), min(w(x, y) + d(y)))`` over the up edges of ``x``.

The index depends on the graph only, so it is built once per graph and serves any origins and
targets. Each shortcut remembers the two edges it replaced, so a path expands back to the
original nodes, and a second additive edge attribute (``length``) is carried along the same
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
    original edge); record ``e`` goes from ``edge_u[e]`` to ``edge_v[e]``. Per eliminated node
    ``x`` of round ``rank[x]``: ``up_ptr``/``up_edge`` list its out-edges when it went,
    ``in_ptr``/``in_edge`` its in-edges; ``down_ptr``/``down_edge`` list the same in-edges by
    their tail (the *down* edges a node leads to lower-ranked nodes by).
    """

    n_nodes: int
    kept: np.ndarray
    core_nodes: np.ndarray
    core_index: np.ndarray
    core_reverse: sparse.csr_matrix
    core_keys: np.ndarray
    core_edge: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_w: np.ndarray
    edge_length: np.ndarray
    edge_first: np.ndarray
    edge_second: np.ndarray
    rank: np.ndarray
    up_ptr: np.ndarray
    up_edge: np.ndarray
    in_ptr: np.ndarray
    in_edge: np.ndarray
    down_ptr: np.ndarray
    down_edge: np.ndarray
    rounds: int

    @property
    def n_core(self) -> int:
        """Number of nodes left in the core."""
        return len(self.core_nodes)

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
            Node ids of the original graph, in the core or eliminated (repeats allowed).
        with_length
            Also sum the ``length`` attribute along each shortest path.
        with_paths
            Keep what :meth:`TargetDistances.path` needs.
        """
        origins = np.asarray(origins, dtype=np.int64)
        targets = np.asarray(targets, dtype=np.int64)
        need_pred = with_length or with_paths
        # 1. down from every node above a target to it
        down_nodes = _closure(targets, self.in_ptr, self.in_edge, self.edge_u)
        down_nodes = down_nodes[np.argsort(self.rank[down_nodes], kind="stable")]
        down = _Sweep(self, down_nodes, up=False, keep_best=need_pred)
        start = np.full((len(targets), len(down_nodes)), np.inf)
        start[np.arange(len(targets)), down.pos[targets]] = 0.0
        down.run(start, np.zeros_like(start) if with_length else None, None, None)
        # 2. across the core
        core_w, core_pred = self._core_search(targets, down, need_pred)
        core_len = None
        if with_length and core_pred is not None:
            core_len = self._core_lengths(core_pred, down)
        # 3. up from the origins
        up_nodes = _closure(origins, self.up_ptr, self.up_edge, self.edge_v)
        up_nodes = up_nodes[self.core_index[up_nodes] < 0]
        up_nodes = up_nodes[np.argsort(-self.rank[up_nodes], kind="stable")]
        sweep = _Sweep(self, up_nodes, up=True, keep_best=need_pred)
        start_w, start_len = down.values_at(up_nodes)
        sweep.run(start_w, start_len, core_w, core_len)

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
        router = None
        if with_paths and core_pred is not None:
            router = _Router(self, sweep, down, core_pred)
        return TargetDistances(origins=origins, weight=weight, length=length, _router=router)

    def _core_search(
        self, targets: np.ndarray, down: _Sweep, need_pred: bool
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Run one Dijkstra per target on the reversed core; return weights and predecessors.

        An eliminated target starts from a virtual node ``n_core + i`` with an edge to each
        entry weighing the entry's least weight down to the target (positive: an entry is
        never the target); predecessors may point to these virtual nodes.
        """
        m = self.n_core
        sources = self.core_index[targets]
        below = np.flatnonzero(sources < 0)
        graph = self.core_reverse
        if len(below):
            entries = down.nodes[self.core_index[down.nodes] >= 0]
            entry_w = down.weight[below][:, down.pos[entries]]
            row, col = np.nonzero(np.isfinite(entry_w))
            k = len(below)
            indptr = np.concatenate(
                [graph.indptr, graph.indptr[-1] + np.cumsum(np.bincount(row, minlength=k))]
            )
            graph = sparse.csr_matrix(
                (
                    np.concatenate([graph.data, entry_w[row, col]]),
                    np.concatenate([graph.indices, self.core_index[entries[col]]]),
                    indptr,
                ),
                shape=(m + k, m + k),
            )
            sources = sources.copy()
            sources[below] = m + np.arange(k)
        res = csgraph.dijkstra(graph, directed=True, indices=sources, return_predecessors=need_pred)
        if need_pred:
            dist, pred = res
            return dist[:, :m], pred
        return res[:, :m], None

    def _core_edges_between(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Return the record ids of the core edges ``u -> v`` (core indices)."""
        keys = u.astype(np.int64) * self.n_core + v.astype(np.int64)
        pos = np.clip(np.searchsorted(self.core_keys, keys), 0, max(len(self.core_keys) - 1, 0))
        if len(keys) and not np.array_equal(self.core_keys[pos], keys):
            msg = "internal error: a core path step has no edge"
            raise RuntimeError(msg)
        out: np.ndarray = self.core_edge[pos]
        return out

    def _core_lengths(self, pred: np.ndarray, down: _Sweep) -> np.ndarray:
        """Length from every core node to each target along the core trees (pointer doubling).

        A step to a virtual node (an eliminated target's) measures the entry's way down.
        """
        m = self.n_core
        size = pred.shape[1]
        out = np.zeros((pred.shape[0], m))
        for r in range(pred.shape[0]):
            p = pred[r].astype(np.int64)
            has = p >= 0
            in_core = np.flatnonzero(has & (p < m))
            to_virtual = np.flatnonzero(has & (p >= m))
            acc = np.zeros(size)
            acc[in_core] = self.edge_length[self._core_edges_between(in_core, p[in_core])]
            if len(to_virtual):
                assert down.length is not None
                acc[to_virtual] = down.length[r, down.pos[self.core_nodes[to_virtual]]]
            nxt = np.where(has, p, np.arange(size))
            # invariant: acc[x] is the length from x to nxt[x]; halve the remaining hops each turn
            while not np.array_equal(nxt[nxt], nxt):
                acc = acc + acc[nxt]
                nxt = nxt[nxt]
            out[r] = acc[:m]
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
    """Least weights (and lengths) to each target over a set of nodes settled in rank order.

    Up (origins' side): the eliminated nodes the origins lead to, latest-eliminated first,
    each over its up edges (to later nodes or the core). Down (targets' side): the nodes
    above the targets, earliest first, each over its down edges. A node also has a start
    value (the down weight of the same node, or 0 at a target); ``best`` holds the chosen
    edge record, or -1 where the start value wins.
    """

    def __init__(self, con: Contraction, nodes: np.ndarray, *, up: bool, keep_best: bool) -> None:
        self.con = con
        self.nodes = nodes
        self.ptr, self.edges = (con.up_ptr, con.up_edge) if up else (con.down_ptr, con.down_edge)
        self.keep_best = keep_best
        self.pos = np.full(con.n_nodes, -1, dtype=np.int64)
        self.pos[nodes] = np.arange(len(nodes))
        self.weight = np.empty((0, 0))
        self.length: np.ndarray | None = None
        self.best: np.ndarray | None = None

    def run(
        self,
        start_w: np.ndarray,
        start_len: np.ndarray | None,
        core_w: np.ndarray | None,
        core_len: np.ndarray | None,
    ) -> None:
        """Settle every node from its start values and, for far nodes outside, the core's."""
        self.weight = start_w.copy()
        self.length = None if start_len is None else start_len.copy()
        if self.keep_best:
            self.best = np.full(start_w.shape, -1, dtype=np.int64)
        if not len(self.nodes):
            return
        ranks = self.con.rank[self.nodes]
        cuts = np.flatnonzero(np.diff(ranks)) + 1
        for rows in np.split(np.arange(len(self.nodes)), cuts):
            self._settle(rows, core_w, core_len)

    def values_at(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Return the weights (and lengths) of ``nodes``, inf where a node was not swept."""
        return self._lookup(self.weight, nodes), (
            None if self.length is None else self._lookup(self.length, nodes)
        )

    def _lookup(self, table: np.ndarray, nodes: np.ndarray) -> np.ndarray:
        pos = self.pos[nodes]
        out = np.full((table.shape[0], len(nodes)), np.inf)
        out[:, pos >= 0] = table[:, pos[pos >= 0]]
        return out

    def _far(self, table: np.ndarray, core: np.ndarray | None, far: np.ndarray) -> np.ndarray:
        """Values of the far ends of edges: swept here, else in the core table, else inf."""
        out = self._lookup(table, far)
        if core is not None:
            far_core = self.con.core_index[far]
            use = (self.pos[far] < 0) & (far_core >= 0)
            out[:, use] = core[:, far_core[use]]
        return out

    def _settle(
        self, rows: np.ndarray, core_w: np.ndarray | None, core_len: np.ndarray | None
    ) -> None:
        con = self.con
        nodes = self.nodes[rows]
        counts = self.ptr[nodes + 1] - self.ptr[nodes]
        has = counts > 0
        rows, nodes, counts = rows[has], nodes[has], counts[has]
        if not len(nodes):
            return
        edges = self.edges[_ranges(self.ptr[nodes], counts)]
        far = con.edge_v[edges]
        vals = self._far(self.weight, core_w, far) + con.edge_w[edges]
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        via = np.minimum.reduceat(vals, starts, axis=1)
        better = via < self.weight[:, rows]
        self.weight[:, rows] = np.where(better, via, self.weight[:, rows])
        if self.best is None:
            return
        # the first edge reaching the least weight, per node and target
        col = np.arange(len(edges))
        hit = np.where(vals == np.repeat(via, counts, axis=1), col, len(edges))
        pick = np.minimum(np.minimum.reduceat(hit, starts, axis=1), len(edges) - 1)
        self.best[:, rows] = np.where(better, edges[pick], self.best[:, rows])
        if self.length is not None:
            far_len = self._far(self.length, core_len, far)
            t = np.arange(vals.shape[0])[:, None]
            via_len = con.edge_length[edges[pick]] + far_len[t, pick]
            self.length[:, rows] = np.where(better, via_len, self.length[:, rows])


class _Router:
    """Walks a shortest path: up edges, the core's Dijkstra tree, then down edges."""

    def __init__(self, con: Contraction, up: _Sweep, down: _Sweep, core_pred: np.ndarray) -> None:
        self.con = con
        self.up = up
        self.down = down
        self.core_pred = core_pred

    def path(self, origin: int, target: int) -> list[int]:
        con = self.con
        records: list[int] = []
        node = origin
        while con.core_index[node] < 0:
            assert self.up.best is not None
            edge = int(self.up.best[target, self.up.pos[node]])
            if edge < 0:  # the way down to the target is the shorter
                return [origin, *con.expand(records + self._down(node, target))]
            records.append(edge)
            node = int(con.edge_v[edge])
        cur = int(con.core_index[node])
        pred = self.core_pred[target]
        while 0 <= pred[cur] < con.n_core:
            nxt = int(pred[cur])
            records.append(int(con._core_edges_between(np.array([cur]), np.array([nxt]))[0]))
            cur = nxt
        return [origin, *con.expand(records + self._down(int(con.core_nodes[cur]), target))]

    def _down(self, node: int, target: int) -> list[int]:
        """Return the down-edge records from ``node`` to the target of column ``target``."""
        assert self.down.best is not None
        records = []
        while (edge := int(self.down.best[target, self.down.pos[node]])) >= 0:
            records.append(edge)
            node = int(self.con.edge_v[edge])
        return records


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenate ``arange(s, s + c)`` for every start and count (vectorised)."""
    total = int(counts.sum())
    offsets = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    out: np.ndarray = np.repeat(starts, counts) + offsets
    return out


def _closure(start: np.ndarray, ptr: np.ndarray, edges: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Return the nodes of ``start`` and every node reached from them over the listed edges.

    ``ptr``/``edges`` list each node's edge records and ``ends`` the node each record leads
    to (head for up edges, tail for in-edges); core nodes list none, so the walk stops there.
    """
    start = np.unique(start)
    seen = np.zeros(len(ptr) - 1, dtype=bool)
    seen[start] = True
    parts = [start]
    frontier = start
    while len(frontier):
        counts = ptr[frontier + 1] - ptr[frontier]
        far = ends[edges[_ranges(ptr[frontier], counts)]]
        far = np.unique(far[~seen[far]])
        seen[far] = True
        parts.append(far)
        frontier = far
    return np.concatenate(parts).astype(np.int64)


def contract(
    forward: sparse.csr_matrix,
    length: np.ndarray,
    keep: np.ndarray | None = None,
    *,
    max_extra_edges: int = 40,
    min_round_share: float = 0.02,
    max_rounds: int = 500,
    seed: int = 0,
) -> Contraction:
    """Contract a directed graph with positive weights into an index for shortest paths.

    The result answers queries between any nodes (see :meth:`Contraction.to_targets`); it
    depends on the graph only, so build it once per graph.

    Parameters
    ----------
    forward
        Weighted adjacency (row = from, column = to), one entry per ordered pair, weights > 0.
    length
        A second additive attribute per CSR entry of ``forward`` (e.g. metres), summed along
        the shortest paths by weight.
    keep
        Node ids never eliminated (none by default; queries do not need their targets kept,
        but a kept target needs no way down to it).
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
    rec_u, rec_v, rec_w, rec_len = [u], [v], [w], [ln]
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
    kept = np.unique(np.asarray([] if keep is None else keep, dtype=np.int64))
    is_kept = np.zeros(n, dtype=bool)
    is_kept[kept] = True
    alive = np.ones(n, dtype=bool)
    rank = np.full(n, _NO_RANK, dtype=np.int64)
    tiebreak = np.random.default_rng(seed).permutation(n).astype(np.int64)
    up_src: list[np.ndarray] = []
    up_rec: list[np.ndarray] = []
    in_dst: list[np.ndarray] = []
    in_rec: list[np.ndarray] = []
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
        in_dst.append(v[in_e])
        in_rec.append(cid[in_e])
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
        rec_u.append(su[made])
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
    edge_u = np.concatenate(rec_u)
    up_ptr, up_edge = _by_node(_join(up_src), _join(up_rec), n)
    in_ptr, in_edge = _by_node(_join(in_dst), _join(in_rec), n)
    down_ptr, down_edge = _by_node(edge_u[in_edge], in_edge, n)
    return Contraction(
        n_nodes=n,
        kept=kept,
        core_nodes=core_nodes,
        core_index=core_index,
        core_reverse=core_forward.T.tocsr(),
        core_keys=cu * m + cv,
        core_edge=cid,
        edge_u=edge_u,
        edge_v=np.concatenate(rec_v),
        edge_w=np.concatenate(rec_w),
        edge_length=np.concatenate(rec_len),
        edge_first=np.concatenate(rec_first),
        edge_second=np.concatenate(rec_second),
        rank=rank,
        up_ptr=up_ptr,
        up_edge=up_edge,
        in_ptr=in_ptr,
        in_edge=in_edge,
        down_ptr=down_ptr,
        down_edge=down_edge,
        rounds=rounds,
    )


def _join(parts: list[np.ndarray]) -> np.ndarray:
    """Concatenate integer arrays (an empty array for none)."""
    return np.concatenate(parts).astype(np.int64) if parts else np.empty(0, np.int64)


def _by_node(nodes: np.ndarray, records: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Group ``records`` by their node: a CSR-like pointer over ``n`` nodes and the records."""
    order = np.argsort(nodes, kind="stable")
    ptr = np.concatenate([[0], np.cumsum(np.bincount(nodes, minlength=n))]).astype(np.int64)
    return ptr, records[order]


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
