"""Pairs of buyers that share suppliers: a bipartite projection, not a SPARQL self-join
(which explodes around hub suppliers)."""

from __future__ import annotations

from itertools import combinations

import networkx as nx

__all__ = ["shared_suppliers"]


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
    suppliers = [n for n, d in g.nodes(data=True) if d.get("kind") == "supplier"]
    pairs: dict[tuple, list] = {}
    for s in sorted(suppliers, key=lambda n: g.nodes[n].get("label", str(n))):
        buyers = sorted((b for b in g[s] if g.nodes[b].get("kind") == "buyer"),
                        key=lambda n: (g.nodes[n].get("label", str(n)), str(n)))
        for a, b in combinations(buyers, 2):
            pairs.setdefault((a, b), []).append({
                "iri": s, "label": g.nodes[s].get("label", str(s)),
                "towers": {g.nodes[a].get("label", str(a)): g.edges[a, s].get("towers", []),
                           g.nodes[b].get("label", str(b)): g.edges[b, s].get("towers", [])}})
    rows = [{"buyers": [{"iri": a, "label": g.nodes[a].get("label", str(a))},
                        {"iri": b, "label": g.nodes[b].get("label", str(b))}],
             "suppliers": sup} for (a, b), sup in pairs.items()]
    rows.sort(key=lambda r: (-len(r["suppliers"]), r["buyers"][0]["label"], r["buyers"][1]["label"]))
    return rows
