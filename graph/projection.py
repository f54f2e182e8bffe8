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
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx

from .namespaces import PREFIXES
from .sparql import library_text
from .store import Store

__all__ = ["VIEWS", "Contract", "project", "snapshot", "load_contracts", "KINDS"]

VIEWS = ("supply", "network", "towers")
SG = PREFIXES["sg"]
KINDS = {SG + "PublicBody": "buyer", SG + "PublicBodyGroup": "group", SG + "Supplier": "supplier",
         SG + "Framework": "framework", SG + "Partnership": "partnership",
         SG + "Programme": "programme", SG + "ServiceTower": "tower"}
INACTIVE = {SG + "Cancelled", SG + "Ended"}
_STATUS = {SG + "Awarded": "awarded", SG + "Live": "live", SG + "Ended": "ended",
           SG + "Cancelled": "cancelled", SG + "InProcurement": "in procurement", SG + "Planned": "planned"}


@dataclass
class Contract:
    """One contract as the analytics see it."""

    iri: str
    label: str
    buyer: str
    suppliers: list[str] = field(default_factory=list)
    status: str | None = None
    towers: list[str] = field(default_factory=list)
    values: list[tuple[float, str, str]] = field(default_factory=list)  # (amount, currency, kind)
    sources: list[str] = field(default_factory=list)
    duration: str | None = None
    end_date: str | None = None

    @property
    def active(self) -> bool:
        return self.status not in ("cancelled", "ended")

    def value(self, kind: str, currency: str = "GBP") -> float | None:
        """Sum of this contract's figures of one kind and currency, or None if unknown."""
        amounts = [a for a, c, k in self.values if k == kind and c == currency]
        return sum(amounts) if amounts else None


def _rows(store: Store, name: str):
    return store.select(library_text(name)).rows


def _s(term) -> str | None:
    return None if term is None else str(term)


class _Snapshot:
    """Everything the projection needs, read with five SPARQL queries."""

    def __init__(self, store: Store):
        self.nodes: dict[str, dict] = {}
        for r in _rows(store, "projection-nodes"):
            iri, kind = str(r["node"]), KINDS[str(r["class"])]
            node = self.nodes.setdefault(iri, {"label": str(r["label"]), "kinds": set()})
            node["kinds"].add(kind)
        self.sources: dict[str, list[str]] = defaultdict(list)
        for r in _rows(store, "projection-sources"):
            title = str(r["title"])
            if title not in self.sources[str(r["holder"])]:
                self.sources[str(r["holder"])].append(title)
        self.contracts: dict[str, Contract] = {}
        for r in _rows(store, "projection-contracts"):
            iri = str(r["contract"])
            c = self.contracts.setdefault(iri, Contract(
                iri, str(r["contractLabel"]), str(r["buyer"]),
                status=_STATUS.get(_s(r.get("status")) or "", None),
                sources=sorted(self.sources.get(iri, []))))
            s = _s(r.get("supplier"))
            if s and s not in c.suppliers:
                c.suppliers.append(s)
        for r in _rows(store, "projection-contract-details"):
            c = self.contracts.get(str(r["contract"]))
            if c is None:
                continue
            if r.get("tower") is not None and str(r["tower"]) not in c.towers:
                c.towers.append(str(r["tower"]))
            if r.get("duration") is not None:
                c.duration = str(r["duration"])
            if r.get("endDate") is not None:
                c.end_date = str(r["endDate"])
            if r.get("amount") is not None:
                c.values.append((float(r["amount"].toPython()), _s(r.get("currency")) or "GBP", str(r["kind"])))
        for holder in self.sources:
            self.sources[holder].sort()
        for c in self.contracts.values():
            c.suppliers.sort()
            c.towers.sort()
            c.values.sort()
            c.sources = sorted(self.sources.get(c.iri, []))
        # sorted, so that every backend builds the same graph in the same order
        self.relations = sorted({(str(r["from"]), str(r["relation"]), str(r["to"]), str(r["holder"]))
                                 for r in _rows(store, "projection-relations")})
        self.successor = {f: t for f, rel, t, _ in self.relations if rel == "succeeded by"}

    def kind(self, iri: str) -> str:
        kinds = self.nodes.get(iri, {}).get("kinds", set())
        for k in ("supplier", "framework", "partnership", "programme", "tower", "group", "buyer"):
            if k in kinds:
                return k
        return "organisation"

    def label(self, iri: str) -> str:
        return self.nodes.get(iri, {}).get("label", iri)


def snapshot(store: Store) -> "_Snapshot":
    """Read everything the projection needs (five queries); reuse it across views."""
    return _Snapshot(store)


def load_contracts(store: Store | None, *, include_inactive: bool = False, collapse_lineage: bool = True,
                   snap: "_Snapshot | None" = None) -> tuple[list[Contract], "_Snapshot"]:
    """The contracts the analytics count, and the snapshot they came from."""
    import copy
    snap = snap or _Snapshot(store)
    out = []
    for c in sorted(snap.contracts.values(), key=lambda c: c.iri):
        if not include_inactive and not c.active:
            continue
        c = copy.copy(c)
        if collapse_lineage:
            c.suppliers = [s for s in c.suppliers if snap.successor.get(s) not in c.suppliers]
        c.suppliers = sorted(c.suppliers)
        c.towers = sorted(c.towers)
        out.append(c)
    return out, snap


def _add_node(g: nx.Graph, snap: _Snapshot, iri: str, kind: str | None = None) -> None:
    if iri not in g:
        g.add_node(iri, label=snap.label(iri), kind=kind or snap.kind(iri))


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


def project(store: Store | None, view: str = "supply", *, include_inactive: bool = False,
            collapse_lineage: bool = True, snap: "_Snapshot | None" = None) -> nx.Graph:
    """Project the graph in ``store`` into networkx; see the module docstring for views.

    The graph's ``graph`` attribute records the view and the options.
    """
    if view not in VIEWS:
        from .errors import UnsupportedFormat
        raise UnsupportedFormat(f"unknown view {view!r}; use one of {', '.join(VIEWS)}")
    contracts, snap = load_contracts(store, include_inactive=include_inactive,
                                     collapse_lineage=collapse_lineage, snap=snap)
    g = nx.Graph(view=view, include_inactive=include_inactive, collapse_lineage=collapse_lineage)
    for c in contracts:
        if not c.suppliers:
            continue
        if view == "towers":
            for tower in c.towers:
                _add_node(g, snap, c.buyer, "buyer")
                _add_node(g, snap, tower, "tower")
                _merge_edge(g, c.buyer, tower, "buys", c.sources)
                for s in c.suppliers:
                    _add_node(g, snap, s, "supplier")
                    _merge_edge(g, s, tower, "supplies", c.sources)
                    for a, b in ((c.buyer, tower), (s, tower)):
                        g.edges[a, b].setdefault("contracts", [])
                        if c.iri not in g.edges[a, b]["contracts"]:
                            g.edges[a, b]["contracts"].append(c.iri)
            continue
        _add_node(g, snap, c.buyer, "buyer")
        for s in c.suppliers:
            _add_node(g, snap, s, "supplier")
            _merge_edge(g, c.buyer, s, "buys from", c.sources)
            e = g.edges[c.buyer, s]
            e.setdefault("contracts", [])
            e.setdefault("contract_labels", [])
            e.setdefault("towers", [])
            e.setdefault("statuses", [])
            e.setdefault("values", {})
            e.setdefault("details", [])
            if c.iri in e["contracts"]:
                continue
            e["contracts"].append(c.iri)
            e["details"].append({"iri": c.iri, "label": c.label, "status": c.status,
                                 "towers": [snap.label(t) for t in c.towers],
                                 "total": c.value("total"), "annual": c.value("annual"),
                                 "sources": list(c.sources)})
            e["contract_labels"].append(c.label)
            e["towers"] = sorted(set(e["towers"]) | {snap.label(t) for t in c.towers})
            if c.status and c.status not in e["statuses"]:
                e["statuses"].append(c.status)
            for kind in ("total", "annual"):
                v = c.value(kind)
                if v is not None:
                    e["values"][kind] = e["values"].get(kind, 0.0) + v
            e["weight"] = float(len(e["contracts"]))
            e["distance"] = 1.0 / e["weight"]
    g.graph["lineage"] = sorted({(f, t) for f, rel, t, _ in snap.relations if rel == "succeeded by"})
    g.graph["labels"] = {i: n["label"] for i, n in snap.nodes.items()}
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
