"""Explained paths: the k shortest paths between two entities, each hop naming its
relation and the documents that state it."""

from __future__ import annotations

from itertools import islice

import networkx as nx

from ..errors import EntityNotFound

__all__ = ["explained_paths", "INVERSE"]

#: How each projection relation reads when a path walks the edge backwards.
INVERSE = {"buys from": "supplies", "calls off": "is called off by", "supplies through": "offers",
           "may buy through": "is open to", "established": "was established by",
           "member of": "has member", "member of group": "includes", "owns": "is owned by",
           "succeeded by": "succeeds", "buys": "is bought by", "supplies": "is supplied by"}


def _reading(data: dict, a, b) -> str:
    """The edge's relations as read from ``a`` to ``b``."""
    parts = []
    for relation, start, _ in data.get("oriented", [[r, a, b] for r in data.get("relations", [])]):
        parts.append(relation if start == a else INVERSE.get(relation, f"inverse of {relation}"))
    return " / ".join(parts)


def explained_paths(g: nx.Graph, source, target, *, k: int = 3) -> list[dict]:
    """Up to ``k`` shortest simple paths from ``source`` to ``target`` (fewest hops first).

    Parameters
    ----------
    g : networkx.Graph
        A projection whose edges carry ``relations`` and ``sources``.
    source, target : node keys (IRIs)
    k : int
        How many paths at most.

    Returns
    -------
    list of dict
        Each ``{"length": hops, "hops": [{"from", "to", "relation", "sources"}, ...]}``,
        with ``from``/``to`` as ``{iri, label}``. Empty if the two are not connected.

    Examples
    --------
    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_edge("north", "acme", relations=["buys from"], sources=["Tiny news"])
    >>> g.add_edge("south", "acme", relations=["buys from"], sources=["Tiny news"])
    >>> p = explained_paths(g, "north", "south")
    >>> p[0]["length"], [h["relation"] for h in p[0]["hops"]]
    (2, ['buys from', 'buys from'])
    """
    for node in (source, target):
        if node not in g:
            raise EntityNotFound(str(node))
    if source == target:
        return [{"length": 0, "hops": []}]
    try:
        paths = list(islice(nx.shortest_simple_paths(g, source, target), k))
    except nx.NetworkXNoPath:
        return []

    def ref(n):
        return {"iri": n, "label": g.nodes[n].get("label", str(n)), "kind": g.nodes[n].get("kind")}

    out = []
    for path in paths:
        hops = []
        for a, b in zip(path, path[1:]):
            data = g.edges[a, b]
            hops.append({"from": ref(a), "to": ref(b), "relation": _reading(data, a, b),
                         "sources": list(data.get("sources", []))})
        out.append({"length": len(hops), "hops": hops})
    return out
