"""RDF -> networkx, from SPARQL results, never one edge per triple.

Nodes are keyed by IRI and carry ``label`` and ``kind`` (buyer, group, supplier, framework,
partnership, programme, tower). No literal and no class ever becomes a node. Edges carry a
``relations`` list and the ``sources`` (document titles) behind them.

Views
-----
``supply``
    Buyer–supplier bipartite graph: an edge for each pair with at least one counted
    contract. The edge carries its ``contracts`` (IRIs and labels), ``towers``,
    ``statuses``, ``values`` (GBP by kind of figure: total, annual; never summed across
    kinds), ``sources``, ``weight`` (number of contracts) and ``distance`` (1 / weight,
    for shortest paths and betweenness, since networkx treats weight as distance).
``network``
    ``supply`` plus framework routes (supplier *supplies through* framework; body *may buy
    through* framework; founder *established* it; buyer *calls off* it), partnership and
    group membership, programme ownership and corporate lineage (*succeeded by*).
``towers``
    Tripartite buyer–tower–supplier: buyer *buys* tower, supplier *supplies* tower, each
    edge carrying the contracts behind it. Who supplies which tower to whom.

By default cancelled and ended contracts do not count (``include_inactive=False``), and
where a contract names both a supplier and its corporate successor (CSC and DXC
Technology for the Met's towers, from two articles) only the successor holds the edge
(``collapse_lineage=True``): the same contract is not counted twice.

A contract's figures keep the titles of the documents each was derived from, which may not
be its contract's (a figure that is a blank node has none the projection can see).
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from .snapshot import Snapshot, load_contracts, supply_pairs
from ..store.base import Store

__all__ = ["VIEWS", "project"]

VIEWS = ("supply", "network", "towers")


def _add_node(g: nx.Graph, snap: Snapshot, iri: str, kind: str | None = None) -> None:
    if iri not in g:
        g.add_node(iri, label=snap.label(iri), kind=kind or snap.kind(iri))


def _union(lists) -> list:
    """Items of several lists, each once, in order of first appearance."""
    return list(dict.fromkeys(x for items in lists for x in items))


def _merge_edge(g: nx.Graph, a: str, b: str, relation: str, sources: list[str]) -> None:
    """Add or extend the a–b edge; ``oriented`` keeps which way each relation reads."""
    if g.has_edge(a, b):
        data = g.edges[a, b]
        if relation not in data["relations"]:
            data["relations"].append(relation)
            data["oriented"].append([relation, a, b])
        for s in sources:
            if s not in data["sources"]:
                data["sources"].append(s)
    else:
        g.add_edge(a, b, relations=[relation], oriented=[[relation, a, b]], sources=list(sources),
                   weight=1.0, distance=1.0)


def _supply_edge(b: str, s: str, cs: list, detail: dict, listing: bool = True) -> tuple[str, str, dict]:
    """The buyer–supplier edge of ``cs`` (the contracts between them, in IRI order); without
    ``listing``, only what the analytics read. Keys keep one order (exports list them so)."""
    details = [detail[c.iri] for c in cs]
    edge = {"relations": ["buys from"], "oriented": [["buys from", b, s]]}
    if listing:
        edge.update(sources=_union(c.sources for c in cs), contracts=[c.iri for c in cs],
                    contract_labels=[c.label for c in cs])
    edge["towers"] = sorted({t for d in details for t in d["towers"]})
    if listing:
        values = {}
        for kind in ("total", "annual"):
            known = [d[kind] for d in details if d[kind] is not None]
            if known:
                values[kind] = sum(known)
        edge.update(statuses=list(dict.fromkeys(c.status for c in cs if c.status)), values=values)
    edge.update(details=details, weight=float(len(cs)), distance=1.0 / len(cs))
    return b, s, edge


def project(store: Store | None, view: str = "supply", *, include_inactive: bool = False,
            collapse_lineage: bool = True, snap: "Snapshot | None" = None, listing: bool = True) -> nx.Graph:
    """Project the graph in ``store`` into networkx; see the module docstring for views.

    The graph's ``graph`` attribute records the view and the options. In the supply view
    with ``listing=False``, a buyer–supplier edge carries only what the analytics read
    (``details``, ``towers``, ``weight``, ``distance``, ``relations``), not the lists a
    reader of one edge wants (``contracts``, ``contract_labels``, ``statuses``, ``values``,
    ``sources``): the report, which reads none of them, builds its graph sooner.
    """
    if view not in VIEWS:
        from ..errors import UnsupportedFormat
        raise UnsupportedFormat(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    contracts, snap = load_contracts(store, include_inactive=include_inactive,
                                     collapse_lineage=collapse_lineage, snap=snap)
    g = nx.Graph(view=view, include_inactive=include_inactive, collapse_lineage=collapse_lineage)
    label = snap.label
    if view == "towers":
        held: dict[tuple, list] = defaultdict(list)  # (party, tower) -> contracts, in IRI order
        for c in contracts:
            if not c.suppliers:
                continue
            for tower in c.towers:
                _add_node(g, snap, c.buyer, "buyer")
                _add_node(g, snap, tower, "tower")
                held[c.buyer, tower, "buys"].append(c)
                for s in c.suppliers:
                    _add_node(g, snap, s, "supplier")
                    held[s, tower, "supplies"].append(c)
        for (a, tower, relation), cs in held.items():
            _merge_edge(g, a, tower, relation, _union(c.sources for c in cs))
            e = g.edges[a, tower]
            e["contracts"] = _union([e.get("contracts", []), [c.iri for c in cs]])
    else:
        kinds, pairs = supply_pairs(None, include_inactive=include_inactive,
                                    collapse_lineage=collapse_lineage, snap=snap)
        # each contract as an edge shows it, shared by its suppliers' edges
        detail = {c.iri: {"iri": c.iri, "label": c.label, "status": c.status, "towers": [label(t) for t in c.towers],
                          "total": c.value("total"), "annual": c.value("annual"), "sources": c.sources}
                  for c in contracts if c.suppliers}
        g.add_nodes_from((n, {"label": label(n), "kind": k}) for n, k in kinds.items() if n not in g)
        listing = listing or view != "supply"  # the network view merges sources into these edges
        g.add_edges_from(_supply_edge(b, s, cs, detail, listing) for (b, s), cs in pairs.items())
    g.graph["lineage"] = sorted({(f, t) for f, rel, t, _ in snap.relations if rel == "succeeded by"})
    g.graph["labels"] = dict(snap.labels)
    frameworks: dict[str, dict] = {}
    for a, relation, b, holder in snap.relations:
        if relation in ("supplies through", "may buy through"):
            f = frameworks.setdefault(b, {"iri": b, "label": snap.label(b), "suppliers": [], "open_to": [],
                                          "sources": snap.sources.get(b, [])})
            f["suppliers" if relation == "supplies through" else "open_to"].append(a)
    g.graph["frameworks"] = frameworks
    if view == "network":
        for a, relation, b, holder in snap.relations:
            _add_node(g, snap, a)
            _add_node(g, snap, b)
            _merge_edge(g, a, b, relation, snap.sources.get(holder, []))
    return g
