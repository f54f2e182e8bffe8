"""Centrality of each node: degree, betweenness, PageRank and eigenvector.

Betweenness uses the edge attribute ``distance`` (1 / number of contracts), because
networkx treats a weight as a distance: two bodies bound by many contracts are *closer*.
PageRank and eigenvector use ``weight`` (number of contracts) as a strength. Betweenness is
exact up to ``exact_limit`` nodes and sampled above it, with a fixed seed, and the result
says which.

Betweenness is computed by igraph (Brandes' algorithm in C, about 60 times faster than
networkx's in Python), with networkx's definition and normalisation: the fraction of
shortest paths between other pairs of nodes that pass through a node. A sample takes
``k`` source nodes chosen as networkx chooses them (``random.Random(seed).sample``) and
scales as networkx does, so ``networkx.betweenness_centrality(g, k=k, seed=seed,
weight="distance")`` estimates the same quantity from the same sources. The two can differ
where two paths are equally short but their lengths, summed in floating point, differ in
the last bit: igraph counts both (it compares lengths with a tolerance), networkx one.
"""

from __future__ import annotations

import networkx as nx

__all__ = ["centrality", "betweenness", "betweenness_scores", "betweenness_of_edges", "pagerank",
           "edge_list", "EarlyBetweenness", "EXACT_BETWEENNESS_LIMIT", "BACKGROUND_EDGES"]

#: Above this many nodes, betweenness is estimated from ``k`` sampled sources.
EXACT_BETWEENNESS_LIMIT = 2000  # where exact betweenness (igraph) stops taking about a second


#: Below this many nodes networkx computes betweenness (in milliseconds) and igraph is
#: not loaded.
IGRAPH_FROM = 200

#: From this many edges, betweenness is computed in an interpreter of its own while the
#: caller computes the rest; below it, starting one costs more than it saves.
BACKGROUND_EDGES = 5_000


def betweenness(g: nx.Graph, *, k: int | None = None, seed: int = 42, weight: str = "distance",
                backend: str = "auto") -> dict:
    """Normalised betweenness of every node: exact, or estimated from ``k`` sources drawn
    with ``seed`` as networkx draws them.

    ``backend``: ``"networkx"``, ``"igraph"`` or ``"auto"`` (networkx below
    :data:`IGRAPH_FROM` nodes, igraph above); both give the same numbers.

    >>> import networkx as nx
    >>> betweenness(nx.path_graph(3), backend="igraph")  # the middle node is on the one path between the ends
    {0: 0.0, 1: 1.0, 2: 0.0}
    """
    nodes = list(g)
    n = len(nodes)
    if k is not None and k >= n:
        k = None
    if backend == "networkx" or (backend == "auto" and n < IGRAPH_FROM) or n < 3:
        return nx.betweenness_centrality(g, k=k, seed=seed, weight=weight, normalized=True)
    from ._igraph import convert
    h, weights = convert(g, nodes, weight)
    return dict(zip(nodes, _igraph_betweenness(h, weights, k, seed)))


def _igraph_betweenness(h, weights: list | None, k: int | None, seed: int) -> list:
    """:func:`betweenness` of igraph's graph ``h`` (vertices as numbered), as a list."""
    import random
    n = h.vcount()
    if k is None:
        raw = h.betweenness(directed=False, weights=weights)
        return [2 * r / ((n - 1) * (n - 2)) for r in raw]
    # the vertices networkx samples: it draws from the list of nodes, and which places
    # random.sample picks depends only on the list's length
    sources = random.Random(seed).sample(range(n), k)
    raw = h.betweenness(directed=False, weights=weights, sources=sources)
    chosen = set(sources)
    # networkx's scaling of a sample (endpoints excluded): a source is not on its own paths
    return [(2 * r / ((k - 1) * (n - 2)) if k > 1 else float("nan")) if i in chosen
            else 2 * r / (k * (n - 2)) for i, r in enumerate(raw)]


def _adjacency(g: nx.Graph):
    """The nodes in order and their symmetric weighted adjacency matrix (``weight``, 1 if
    absent), built straight from the edge list: networkx's converter is ten times slower."""
    import numpy as np
    from scipy import sparse
    nodes = list(g)
    index = {v: i for i, v in enumerate(nodes)}
    edges = [(index[a], index[b], float(w)) for a, b, w in g.edges(data="weight", default=1.0) if a != b]
    rows = np.array([e[0] for e in edges] + [e[1] for e in edges], dtype=np.int64)
    cols = np.array([e[1] for e in edges] + [e[0] for e in edges], dtype=np.int64)
    vals = np.array([e[2] for e in edges] * 2, dtype=float)
    return nodes, sparse.csr_array((vals, (rows, cols)), shape=(len(nodes), len(nodes)))


def _pagerank(nodes: list, a, alpha: float = 0.85, tol: float = 1e-6, max_iter: int = 100) -> dict:
    """networkx's PageRank (``pagerank`` with its defaults), on the matrix from :func:`_adjacency`.

    >>> import networkx as nx
    >>> g = nx.path_graph(4)
    >>> ours = _pagerank(*_adjacency(g))
    >>> all(abs(ours[v] - p) < 1e-12 for v, p in nx.pagerank(g).items())
    True
    """
    import numpy as np
    from scipy import sparse
    n = len(nodes)
    out_weight = np.asarray(a.sum(axis=1)).ravel()
    inverse = np.zeros(n)
    inverse[out_weight != 0] = 1.0 / out_weight[out_weight != 0]
    m = sparse.diags_array(inverse) @ a
    x = np.repeat(1.0 / n, n)
    p = np.repeat(1.0 / n, n)
    dangling = np.where(out_weight == 0)[0]
    for _ in range(max_iter):
        last = x
        x = alpha * (x @ m + sum(x[dangling]) * p) + (1 - alpha) * p
        if np.absolute(x - last).sum() < n * tol:
            return dict(zip(nodes, map(float, x)))
    raise nx.PowerIterationFailedConvergence(max_iter)


def pagerank(g: nx.Graph) -> dict:
    """PageRank of every node by ``weight``, as ``networkx.pagerank`` gives it, faster
    (uniform where ``g`` has no edges).

    >>> import networkx as nx
    >>> pagerank(nx.empty_graph(2))
    {0: 0.5, 1: 0.5}
    """
    if not g.number_of_edges():
        return {v: 1 / g.number_of_nodes() for v in g}
    return _pagerank(*_adjacency(g))


def _eigenvector(g: nx.Graph, nodes: list | None = None, a=None) -> dict:
    """Eigenvector centrality per connected component, scaled by component size.

    Eigenvector centrality is undefined across components of a disconnected graph; each
    component is scored on its own (max 1), then scaled by its size relative to the
    largest component, so a hub of a two-node island does not equal the hub of the main
    network. Isolated nodes score 0. Each component's score is the leading eigenvector
    of its weighted adjacency matrix, as networkx's ``eigenvector_centrality_numpy``
    computes it.
    """
    import numpy as np
    from scipy.sparse import csgraph, linalg
    if a is None:
        nodes, a = _adjacency(g)
    out = dict.fromkeys(nodes, 0.0)
    count, member = csgraph.connected_components(a, directed=False)
    sizes = np.bincount(member, minlength=count)
    largest = sizes.max() if len(sizes) else 0
    if largest < 2:
        return out
    for comp in np.flatnonzero(sizes > 1):
        idx = np.flatnonzero(member == comp)
        scale = len(idx) / largest
        if len(idx) == 2:  # both ends of a single edge are equally central
            scores = np.ones(2)
        else:
            sub = a[idx][:, idx]
            try:
                _, vec = linalg.eigs(sub.T, k=1, which="LR", tol=0, maxiter=50 * len(idx),
                                     v0=np.ones(len(idx)))
                scores = np.abs(vec.ravel().real)
            except linalg.ArpackNoConvergence:  # pragma: no cover - numerically degenerate component
                sub_g = g.subgraph([nodes[i] for i in idx])
                found = nx.eigenvector_centrality(sub_g, weight="weight", max_iter=1000, tol=1e-6)
                scores = np.abs([found[nodes[i]] for i in idx])
        top = scores.max() or 1.0
        for i, v in zip(idx.tolist(), (scores / top * scale).tolist()):
            out[nodes[i]] = v
    return out


def _method(n: int, exact_limit: int, k: int, seed: int) -> tuple[str, int | None]:
    """How betweenness is computed on ``n`` nodes, and the sample size (None: exact)."""
    if n <= exact_limit or k >= n:
        return "exact", None
    return f"sampled (k={k} sources, seed={seed})", k


def betweenness_scores(g: nx.Graph, *, exact_limit: int = EXACT_BETWEENNESS_LIMIT, k: int = 200,
                       seed: int = 42) -> tuple[str, dict]:
    """How :func:`centrality` computes betweenness (exact up to ``exact_limit`` nodes, else
    sampled), and the scores: ``(method, {node: score})``. It reads only the nodes, the
    edges and their ``distance``, in the graph's order.

    >>> import networkx as nx
    >>> betweenness_scores(nx.path_graph(3))
    ('exact', {0: 0.0, 1: 1.0, 2: 0.0})
    """
    method, sample = _method(g.number_of_nodes(), exact_limit, k, seed)
    return method, betweenness(g, k=sample, seed=seed)


def _as_networkx_lists(n: int, edges: list) -> tuple[list, list]:
    """The edges ``(i, j, distance)`` of nodes ``0 .. n-1`` as networkx's graph, built by
    adding them in this order, lists them: node by node, each node's neighbours in the
    order they joined it, each pair once (at its first place, with its last distance).
    Returns the pairs and the distances, for igraph, without building that graph (a
    third of the time).

    >>> _as_networkx_lists(3, [(2, 1, 1.0), (0, 2, 0.5), (1, 2, 0.25)])
    ([(0, 2), (1, 2)], [0.5, 0.25])
    """
    near: list[dict] = [{} for _ in range(n)]
    for i, j, d in edges:
        near[i][j] = d
        near[j][i] = d
    pairs, weights = [], []
    for u, adjacent in enumerate(near):
        for v, d in adjacent.items():
            if v >= u:  # listed from the first of its ends
                pairs.append((u, v))
                weights.append(float(d))
    return pairs, weights


def betweenness_of_edges(n: int, edges: list, *, exact_limit: int = EXACT_BETWEENNESS_LIMIT, k: int = 200,
                         seed: int = 42) -> tuple[str, list]:
    """:func:`betweenness_scores` of the graph with nodes ``0 .. n-1`` and ``edges``
    ``(i, j, distance)`` added in this order, the scores as a list by node: a
    projection's betweenness from its edge list alone, so that another process can
    compute it. Nodes and edges added in a projection's order give its scores, from the
    same sample of sources.

    >>> betweenness_of_edges(3, [(0, 1, 1.0), (1, 2, 1.0)])
    ('exact', [0.0, 1.0, 0.0])
    """
    if n < max(IGRAPH_FROM, 3):  # networkx computes it, on its own graph
        g = nx.Graph()
        g.add_nodes_from(range(n))
        g.add_edges_from((i, j, {"distance": d}) for i, j, d in edges)
        method, scores = betweenness_scores(g, exact_limit=exact_limit, k=k, seed=seed)
        return method, [scores[i] for i in range(n)]
    from ._igraph import load
    pairs, weights = _as_networkx_lists(n, edges)
    method, sample = _method(n, exact_limit, k, seed)
    return method, _igraph_betweenness(load().Graph(n=n, edges=pairs, directed=False), weights, sample, seed)


def edge_list(g: nx.Graph) -> tuple[list, list]:
    """The nodes of ``g`` in order, and its edges ``(i, j, distance)`` (node numbers,
    ``distance`` 1.0 where missing) in order: what :func:`betweenness_of_edges` reads, in
    another process.

    >>> import networkx as nx
    >>> g = nx.Graph([("a", "b", {"distance": 0.5}), ("b", "c")])
    >>> edge_list(g)
    (['a', 'b', 'c'], [(0, 1, 0.5), (1, 2, 1.0)])
    """
    nodes = list(g)
    index = {v: i for i, v in enumerate(nodes)}
    return nodes, [(index[a], index[b], d) for a, b, d in g.edges(data="distance", default=1.0)]


def _start(n: int, edges: list):
    from ..workers import in_process
    return in_process(betweenness_of_edges, n, edges, spawn=len(edges) >= BACKGROUND_EDGES)


class EarlyBetweenness:
    """Betweenness of a projection (:func:`betweenness_of_edges`), computed in an
    interpreter of its own while the caller goes on, and started as soon as its edges are
    known.

    Passed as :func:`graph.projection.snapshot.snapshot`'s ``on_edges``, it starts when a kept
    snapshot hands over the supply view's edge list, before any contract is read, well
    before the projection could give it. :meth:`job` returns that
    job if the edges the caller worked out are the same (``wanted`` false: never
    started), or starts one for them. Always :meth:`cancel` on the way out.
    """

    def __init__(self, wanted: bool = True):
        self.wanted, self.started = wanted, None

    def __call__(self, n: int, edges: list) -> None:
        if self.wanted:
            self.cancel()
            self.started = (n, edges, _start(n, edges))

    def job(self, nodes: list, edges: list):
        """The job for ``nodes`` and ``edges`` (:func:`supply_edges` or
        :func:`edge_list`): its ``.result()`` is ``(method, [score of each node])``."""
        started, self.started = self.started, None
        if started is not None:
            if started[:2] == (len(nodes), edges):
                return started[2]
            started[2].cancel()
        return _start(len(nodes), edges)

    def cancel(self) -> None:
        """Stop a job started and never handed out."""
        if self.started is not None:
            self.started[2].cancel()
            self.started = None


def centrality(g: nx.Graph, *, exact_limit: int = EXACT_BETWEENNESS_LIMIT, k: int = 200,
               seed: int = 42, between: bool = True) -> dict:
    """Degree, betweenness, PageRank and eigenvector centrality of every node.

    Parameters
    ----------
    g : networkx.Graph
        A projection; edges may carry ``weight`` (strength) and ``distance``.
    exact_limit : int
        Largest graph for exact betweenness; larger graphs are sampled.
    k, seed : int
        Sample size and random seed for sampled betweenness.
    between : bool
        ``False`` leaves betweenness out (``None``, and no method), for a caller that
        computes it elsewhere (:func:`betweenness_of_edges`) and fills it in.

    Returns
    -------
    dict
        ``{"betweenness_method": str, "nodes": [row, ...]}``, rows sorted by PageRank, each
        with ``iri``, ``label``, ``kind``, the four scores and ``rank`` (1 = highest PageRank).

    Examples
    --------
    A star: the hub lies on every path between leaves.

    >>> import networkx as nx
    >>> g = nx.star_graph(3)
    >>> r = centrality(g)
    >>> r["betweenness_method"]
    'exact'
    >>> [(row["iri"], row["degree"], row["betweenness"]) for row in r["nodes"][:2]]
    [(0, 3, 1.0), (1, 1, 0.0)]
    """
    n = g.number_of_nodes()
    if n == 0:
        return {"betweenness_method": "exact" if between else None, "nodes": []}
    method, scores = betweenness_scores(g, exact_limit=exact_limit, k=k, seed=seed) if between else (None, None)
    nodes, a = _adjacency(g)
    pagerank = _pagerank(nodes, a) if g.number_of_edges() else {v: 1 / n for v in g}
    eigen = _eigenvector(g, nodes, a)
    rows = [{"iri": v, "label": g.nodes[v].get("label", str(v)), "kind": g.nodes[v].get("kind"),
             "degree": g.degree(v), "betweenness": None if scores is None else round(scores[v], 6),
             "pagerank": round(pagerank[v], 6), "eigenvector": round(eigen[v], 6)} for v in g]
    rows.sort(key=lambda r: (-r["pagerank"], -r["degree"], str(r["label"])))
    for i, row in enumerate(rows, 1):
        row["rank"] = i
    return {"betweenness_method": method, "nodes": rows}
