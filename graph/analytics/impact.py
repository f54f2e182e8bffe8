"""Failure impact: what a buyer loses if a supplier exits."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ..errors import EntityNotFound

__all__ = ["failure_impact", "corporate_group"]


def corporate_group(g: nx.Graph, supplier) -> list:
    """The supplier with every predecessor and successor (``g.graph["lineage"]``).

    >>> import networkx as nx
    >>> g = nx.Graph(lineage=[("csc", "dxc"), ("hpe", "dxc")])
    >>> corporate_group(g, "csc")
    ['csc', 'dxc', 'hpe']
    """
    links = nx.Graph()
    links.add_node(supplier)
    links.add_edges_from(g.graph.get("lineage", []))
    return sorted(nx.node_connected_component(links, supplier), key=str)


def failure_impact(g: nx.Graph, supplier, *, group: bool = False) -> dict:
    """What fails if ``supplier`` (and, with ``group``, its corporate group) exits.

    Parameters
    ----------
    g : networkx.Graph
        A ``supply`` projection (edges with ``details``; graph attributes ``lineage``,
        ``frameworks``, ``labels``).
    supplier : node key (IRI)
    group : bool
        Take corporate predecessors and successors with it (CSC -> DXC Technology).

    Returns
    -------
    dict
        ``suppliers`` exiting; ``buyers`` affected, each with its ``contracts``, the
        ``towers_lost`` (no other supplier of that buyer covers them), the towers with an
        alternative, and ``value_at_risk`` by kind; totals by kind; ``frameworks`` the
        supplier offers and who may buy through them.

    Examples
    --------
    North buys Hosting from A and from B; South buys Network only from A.

    >>> import networkx as nx
    >>> g = nx.Graph(lineage=[], frameworks={}, labels={})
    >>> for n, k in [("n", "buyer"), ("s", "buyer"), ("a", "supplier"), ("b", "supplier")]:
    ...     g.add_node(n, label=n.upper(), kind=k)
    >>> g.add_edge("n", "a", details=[{"iri": "c1", "label": "c1", "towers": ["Hosting"], "total": 2e6, "annual": None}])
    >>> g.add_edge("n", "b", details=[{"iri": "c2", "label": "c2", "towers": ["Hosting"], "total": None, "annual": None}])
    >>> g.add_edge("s", "a", details=[{"iri": "c3", "label": "c3", "towers": ["Network"], "total": 1e6, "annual": None}])
    >>> r = failure_impact(g, "a")
    >>> [(b["label"], b["towers_lost"]) for b in r["buyers"]], r["value_at_risk"]
    ([('N', []), ('S', ['Network'])], {'total': 3000000.0})
    """
    labels = {**g.graph.get("labels", {}), **{n: d.get("label", str(n)) for n, d in g.nodes(data=True)}}
    if supplier not in labels:
        raise EntityNotFound(str(supplier))
    exiting = corporate_group(g, supplier) if group else [supplier]
    exiting_set = set(exiting)
    buyers = []
    totals: dict[str, float] = defaultdict(float)
    for b in sorted({b for s in exiting if s in g for b in g[s] if g.nodes[b].get("kind") == "buyer"},
                    key=lambda n: labels.get(n, str(n))):
        lost_contracts, lost_towers, kept_towers = [], set(), set()
        for s in g[b]:
            if g.nodes[s].get("kind") != "supplier":
                continue
            for d in g.edges[b, s].get("details", []):
                (lost_towers if s in exiting_set else kept_towers).update(d.get("towers", []))
                if s in exiting_set and d["iri"] not in {c["iri"] for c in lost_contracts}:
                    lost_contracts.append(d)
        value = defaultdict(float)
        for d in lost_contracts:
            for kind in ("total", "annual"):
                if d.get(kind) is not None:
                    value[kind] += d[kind]
        for kind, v in value.items():
            totals[kind] += v
        buyers.append({
            "iri": b, "label": labels.get(b, str(b)),
            "contracts": [{"iri": d["iri"], "label": d["label"], "towers": d.get("towers", []),
                           "status": d.get("status"), "total": d.get("total"), "annual": d.get("annual")}
                          for d in lost_contracts],
            "towers_lost": sorted(lost_towers - kept_towers),
            "towers_with_alternative": sorted(lost_towers & kept_towers),
            "value_at_risk": dict(value),
            "contracts_without_value": sum(1 for d in lost_contracts
                                           if d.get("total") is None and d.get("annual") is None),
        })
    frameworks = [f for f in g.graph.get("frameworks", {}).values() if exiting_set & set(f["suppliers"])]
    notes = []
    relatives = [s for s in corporate_group(g, supplier) if s != supplier]
    if relatives and not group:
        notes.append(f"{labels.get(supplier, supplier)} has corporate predecessors or successors ("
                     + ", ".join(labels.get(s, str(s)) for s in relatives)
                     + "); include them with group=True (--group).")
    if not buyers:
        notes.append("no counted contract names this supplier; where a contract names both a company "
                     "and its successor, the successor holds it")
    return {
        "suppliers": [{"iri": s, "label": labels.get(s, str(s))} for s in exiting],
        "group": group,
        "notes": notes,
        "buyers": buyers,
        "value_at_risk": dict(totals),
        "frameworks": [{"iri": f["iri"], "label": f["label"],
                        "open_to": [{"iri": o, "label": labels.get(o, str(o))} for o in sorted(f["open_to"])],
                        "sources": f["sources"]} for f in sorted(frameworks, key=lambda f: f["label"])],
    }
