"""Pairs of buyers that share suppliers: a bipartite projection, not a SPARQL self-join
(which explodes around hub suppliers)."""

from __future__ import annotations

import networkx as nx

__all__ = ["shared_suppliers", "top_shared_pairs"]


def shared_suppliers(g: nx.Graph) -> list[dict]:
    """Every pair of buyers that buy from at least one common supplier.

    Parameters
    ----------
    g : networkx.Graph
        A ``supply`` projection (buyer–supplier edges with ``towers``).

    Returns
    -------
    list of dict
        One row per pair: ``buyers`` (two ``{iri, label}``), ``suppliers`` (each with the
        towers it supplies to each buyer), sorted by the number of shared suppliers.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> for n, kind in [("a", "buyer"), ("b", "buyer"), ("c", "buyer"), ("s", "supplier"), ("t", "supplier")]:
    ...     g.add_node(n, label=n.upper(), kind=kind)
    >>> g.add_edge("a", "s", towers=["Network services"]); g.add_edge("b", "s", towers=[])
    >>> g.add_edge("b", "t", towers=[]); g.add_edge("c", "t", towers=[])
    >>> [(r["buyers"][0]["label"], r["buyers"][1]["label"], [s["label"] for s in r["suppliers"]])
    ...  for r in shared_suppliers(g)]
    [('A', 'B', ['S']), ('B', 'C', ['T'])]
    """
    return top_shared_pairs(g, limit=None)[1]


#: Buyers are multiplied a block at a time, so that a block's products stay near this many entries.
BLOCK_ENTRIES = 5_000_000


def top_shared_pairs(g: nx.Graph, *, limit: int | None = 100, buyer=None) -> tuple[int, list[dict]]:
    """The pairs of buyers that share the most suppliers, and how many pairs share any.

    Listing every pair does not scale: one supplier with 5,000 buyers makes 12.5 million
    pairs. This counts them all without listing them (a sparse buyer × supplier matrix
    times its transpose, a block of buyers at a time) and lists the ``limit`` pairs with
    the most shared suppliers, ties by the buyers' labels (``limit=None``: all of them).
    With ``buyer``, only pairs that include it.

    Returns
    -------
    (int, list of dict)
        The number of pairs sharing at least one supplier, and rows as
        :func:`shared_suppliers` describes them.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> for n, kind in [("a", "buyer"), ("b", "buyer"), ("c", "buyer"), ("s", "supplier"), ("t", "supplier")]:
    ...     g.add_node(n, label=n.upper(), kind=kind)
    >>> g.add_edges_from([("a", "s"), ("b", "s"), ("a", "t"), ("b", "t"), ("c", "t")])
    >>> total, rows = top_shared_pairs(g, limit=1)
    >>> total, [(r["buyers"][0]["label"], r["buyers"][1]["label"], len(r["suppliers"])) for r in rows]
    (3, [('A', 'B', 2)])
    """
    import numpy as np
    from scipy import sparse

    label = lambda n: g.nodes[n].get("label", str(n))  # noqa: E731
    buyers = sorted((n for n, d in g.nodes(data=True) if d.get("kind") == "buyer"), key=lambda n: (label(n), str(n)))
    suppliers = [n for n, d in g.nodes(data=True) if d.get("kind") == "supplier"]
    bi = {b: i for i, b in enumerate(buyers)}
    rows, cols = [], []
    for j, s in enumerate(suppliers):
        for b in g[s]:
            if b in bi:
                rows.append(bi[b])
                cols.append(j)
    n = len(buyers)
    if n < 2 or not rows:
        return 0, []
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(n, len(suppliers)))
    mt = m.T.tocsr()
    if buyer is not None:
        if buyer not in bi:
            return 0, []
        blocks = [(bi[buyer], bi[buyer] + 1)]
    else:
        step = max(1, BLOCK_ENTRIES // n)
        blocks = [(start, min(n, start + step)) for start in range(0, n, step)]
    total, kept, floor = 0, [], 1
    right = mt
    suppliers_of = np.diff(m.indptr)
    for start, stop in blocks:
        if buyer is None:  # only pairs (i, j) with j > i are wanted: drop the buyers before the block
            right = _columns_from(right, start)
        p = m[start:stop] @ right  # row i - start, column j: how many suppliers i and j share
        if buyer is None:
            # the pairs with j <= i lie in the block's own columns, a symmetric square whose
            # diagonal holds every buyer of the block with a supplier: counted, not masked
            square = int(np.count_nonzero(p.indices < stop))
            total += p.nnz - (square + int(np.count_nonzero(suppliers_of[start:stop]))) // 2
        else:
            total += p.nnz - int(suppliers_of[start] > 0)  # every pair but the buyer with itself
        # a pair below the ``limit``-th largest count so far cannot be listed
        at = np.flatnonzero(p.data >= floor) if limit is not None else np.arange(p.nnz)
        i = np.searchsorted(p.indptr, at, side="right") - 1 + start
        j, v = p.indices[at], p.data[at]
        keep = j > i if buyer is None else j != i  # with the buyer: the other buyer on either side
        i, j, v = i[keep], j[keep], v[keep]
        if buyer is not None:
            i, j = np.minimum(i, j), np.maximum(i, j)
        if limit is not None and len(v) > limit:  # only entries that can be among the largest are kept
            big = v >= np.partition(v, len(v) - limit)[len(v) - limit]
            i, j, v = i[big], j[big], v[big]
            order = np.lexsort((j, i, -v))[:limit]  # ties as the final order breaks them
            i, j, v = i[order], j[order], v[order]
        kept.append((v, i.astype(np.int64), j.astype(np.int64)))
        if limit is not None:
            pooled = np.concatenate([k[0] for k in kept])
            if len(pooled) >= limit:
                floor = max(floor, int(np.partition(pooled, len(pooled) - limit)[len(pooled) - limit]))
    v, i, j = (np.concatenate(x) for x in zip(*kept))
    order = np.lexsort((j, i, -v))[:limit]
    out = []
    for a, b in zip(i[order].tolist(), j[order].tolist()):
        a, b = buyers[a], buyers[b]
        common = sorted((s for s in g[a] if s in g[b] and g.nodes[s].get("kind") == "supplier"),
                        key=lambda s: (label(s), str(s)))
        out.append({"buyers": [{"iri": a, "label": label(a)}, {"iri": b, "label": label(b)}],
                    "suppliers": [{"iri": s, "label": label(s),
                                   "towers": {label(a): g.edges[a, s].get("towers", []),
                                              label(b): g.edges[b, s].get("towers", [])}} for s in common]})
    return total, out


def _columns_from(m, start: int):
    """The CSR matrix ``m`` without its entries in columns before ``start``. Multiplying by
    it skips the half of the buyer × buyer product that :func:`top_shared_pairs` would
    discard (the pairs with ``j < i``), and it shrinks block by block."""
    import numpy as np
    from scipy import sparse
    keep = m.indices >= start
    if keep.all():
        return m
    before = np.concatenate(([0], np.cumsum(keep)))
    return sparse.csr_matrix((m.data[keep], m.indices[keep], before[m.indptr]), shape=m.shape)
