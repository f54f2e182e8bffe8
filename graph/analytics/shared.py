"""Pairs of buyers that share suppliers: a bipartite projection, not a SPARQL self-join
(which explodes around hub suppliers)."""

from __future__ import annotations

import networkx as nx

__all__ = ["shared_suppliers", "top_shared_pairs", "LISTED_MAX"]

#: :func:`shared_suppliers` lists every pair only up to this many pairs: each listed pair
#: takes kilobytes, and a national graph makes tens of millions of pairs, more than a
#: machine's memory holds.
LISTED_MAX = 1_000_000


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

    Raises :class:`~graph.errors.GraphError` (exit 2 on the command line) above
    :data:`LISTED_MAX` pairs, counted before any is listed: use :func:`top_shared_pairs`.
    """
    return top_shared_pairs(g, limit=None, max_listed=LISTED_MAX)[1]


#: Buyers are multiplied a block at a time, so that a block's products stay near this many entries.
BLOCK_ENTRIES = 5_000_000

#: The suppliers with the most buyers, up to this many, are counted as bit masks, not multiplied.
HUBS = 20


def top_shared_pairs(g: nx.Graph, *, limit: int | None = 100, buyer=None,
                     max_listed: int | None = None) -> tuple[int, list[dict]]:
    """The pairs of buyers that share the most suppliers, and how many pairs share any.

    Listing every pair does not scale: one supplier with 5,000 buyers makes 12.5 million
    pairs. This counts them all without listing them and lists the ``limit`` pairs with
    the most shared suppliers, ties by the buyers' labels (``limit=None``: all of them).
    With ``buyer``, only pairs that include it. With ``max_listed`` and no ``limit``, more
    pairs than that raise :class:`~graph.errors.GraphError` once they are counted, and
    past that many none is kept while the rest are counted.

    The :data:`HUBS` suppliers with the most buyers are where the pairs are: a hub's
    buyers all share it. Each buyer gets a bit mask of its hubs; the pairs that share a
    hub are counted from the masks (the number of buyers whose mask lies within each
    set of hubs, summed over subsets), and the other suppliers, each with few buyers, by
    a sparse buyer × supplier matrix times its transpose, a block of buyers at a time.
    A pair shares as many suppliers as the product says plus the bits its masks have in
    common. On a million synthetic contracts the twenty hubs hold a quarter of the
    buyer–supplier edges but 94% of the product's work: 4 s instead of 15.

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
    bi = {b: i for i, b in enumerate(buyers)}
    held = [[bi[b] for b in g[s] if b in bi] for s, d in g.nodes(data=True) if d.get("kind") == "supplier"]
    held.sort(key=len, reverse=True)
    n = len(buyers)
    if n < 2 or not held or not held[0] or (buyer is not None and buyer not in bi):
        return 0, []
    h = sum(1 for idx in held[:HUBS] if len(idx) > 1)
    mask = np.zeros(n, dtype=np.int64)
    for bit, idx in enumerate(held[:h]):
        mask[idx] |= 1 << bit
    ones = np.zeros(1 << h, dtype=np.int64)  # ones[x]: the number of bits set in x
    for bit in range(h):
        ones[1 << bit:2 << bit] = ones[:1 << bit] + 1
    rest = held[h:]
    rows = [i for idx in rest for i in idx]
    cols = [j for j, idx in enumerate(rest) for _ in idx]
    m = sparse.csr_matrix((np.ones(len(rows), dtype=np.int32), (rows, cols)), shape=(n, len(rest)))
    if buyer is None:
        # pairs sharing a hub: all pairs but those whose masks are disjoint; within[x] is
        # the number of buyers whose mask lies within x, so within[~mask[i]] counts the
        # buyers sharing no hub with i (i itself too where its mask is empty)
        within = np.bincount(mask, minlength=1 << h)
        for bit in range(h):
            halves = within.reshape(-1, 2, 1 << bit)
            halves[:, 1, :] += halves[:, 0, :]
        apart = int(within[((1 << h) - 1) ^ mask].sum()) - int(np.count_nonzero(mask == 0))
        total = n * (n - 1) // 2 - apart // 2
        # a row of the product has at most as many entries as its buyer's suppliers have buyers
        work = np.cumsum(m @ np.array([len(idx) for idx in rest], dtype=np.int64))
        cuts = np.unique(np.searchsorted(work, np.arange(BLOCK_ENTRIES, work[-1] + 1, BLOCK_ENTRIES), side="right"))
        bounds = [0] + [int(c) for c in cuts if 0 < c < n] + [n]
        blocks = list(zip(bounds, bounds[1:]))
    else:
        b = bi[buyer]
        total = int(np.count_nonzero(mask & mask[b])) - int(mask[b] != 0)
        blocks = [(b, b + 1)]
    kept, floor = [], 1
    # without a limit every pair is kept to be listed: past ``max_listed`` of them they are
    # only counted (a national graph makes hundreds of millions of pairs)
    capped = limit is None and max_listed is not None
    held = 0

    def keep(i, j, v) -> None:
        """Keep the pairs (i, j, shared), each seen once, that may be listed; raise the floor."""
        nonlocal floor, held
        if capped:
            held += len(v)
            if held > max_listed:
                kept.clear()
                return
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

    # the pairs that share one of the other suppliers, with their hubs added
    right = m.T.tocsr()
    for start, stop in blocks:
        if buyer is None:  # only pairs (i, j) with j > i are wanted: drop the buyers before the block
            right = _columns_from(right, start)
        p = m[start:stop] @ right  # row i - start, column j: how many of the other suppliers i and j share
        i = np.repeat(np.arange(start, stop), np.diff(p.indptr))
        pair = p.indices > i if buyer is None else p.indices != i  # with the buyer: the other on either side
        i, j = i[pair], p.indices[pair]
        common = mask[i] & mask[j]
        total += int(np.count_nonzero(common == 0))  # sharing no hub, so not counted yet
        v = p.data[pair] + ones[common]
        at = v >= floor  # a pair below the ``limit``-th largest count so far cannot be listed
        keep(i[at], j[at], v[at])
    if capped and total > max_listed:  # all counted now: those sharing a hub from the masks
        from ..errors import GraphError
        raise GraphError(f"{total:,} pairs of buyers share a supplier, too many to list each with its suppliers "
                         f"(about {total * 2.4e-6:,.0f} GB); use --top N for the N that share the most")
    # the pairs that share hubs only: sharing ``floor`` suppliers, each has ``floor`` hubs
    many = np.flatnonzero(ones[mask] >= floor) if buyer is None else np.array([bi[buyer]])
    others = many if buyer is None else np.flatnonzero(ones[mask] >= floor)
    step = max(1, BLOCK_ENTRIES // max(1, len(others)))
    for start in range(0, len(many), step):
        rows = many[start:start + step]
        other = (m[rows] @ m[others].T).toarray() == 0  # those that shared another supplier are kept already
        i, j = np.repeat(rows, len(others)), np.tile(others, len(rows))
        v = ones[mask[i] & mask[j]]
        at = other.ravel() & (v >= floor) & ((j > i) if buyer is None else (j != i))
        keep(i[at], j[at], v[at])
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
