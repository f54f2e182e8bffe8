"""Failure impact: what a buyer loses if a supplier exits."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ..errors import EntityNotFound

__all__ = ["failure_impact", "corporate_group", "impact_index"]

#: A note names at most this many of a supplier's corporate relatives, and counts the rest.
NOTE_NAMES = 10


def _groups(g: nx.Graph) -> dict:
    """Each supplier with predecessors or successors -> its sorted corporate group."""
    links = nx.Graph()
    links.add_edges_from(g.graph.get("lineage", []))
    groups = {}
    for comp in nx.connected_components(links):
        members = sorted(comp, key=str)
        groups.update(dict.fromkeys(members, members))
    return groups


def corporate_group(g: nx.Graph, supplier) -> list:
    """The supplier with every predecessor and successor (``g.graph["lineage"]``).

    >>> import networkx as nx
    >>> g = nx.Graph(lineage=[("csc", "dxc"), ("hpe", "dxc")])
    >>> corporate_group(g, "csc")
    ['csc', 'dxc', 'hpe']
    """
    return _groups(g).get(supplier, [supplier])


def impact_index(g: nx.Graph, *, buyers=None, groups: dict | None = None) -> dict:
    """What :func:`failure_impact` looks up, computed once for a caller that asks about
    many suppliers: ``groups`` (each supplier with predecessors or successors -> its
    sorted corporate group), ``offers`` (supplier -> frameworks it supplies through) and
    ``cover`` (buyer -> tower -> the suppliers that provide it), for every buyer or only
    those in ``buyers``. ``groups``: already worked out.

    >>> import networkx as nx
    >>> index = impact_index(nx.Graph(lineage=[("csc", "dxc"), ("hpe", "dxc")], frameworks={}))
    >>> index["groups"]["hpe"]
    ['csc', 'dxc', 'hpe']
    """
    offers: dict = defaultdict(list)
    for f in g.graph.get("frameworks", {}).values():
        for s in dict.fromkeys(f["suppliers"]):
            offers[s].append(f)
    nodes = g.nodes
    cover = {b: _cover(g, b) for b in (nodes if buyers is None else buyers) if nodes[b].get("kind") == "buyer"}
    return {"groups": _groups(g) if groups is None else groups, "offers": dict(offers), "cover": cover}


def _cover(g: nx.Graph, buyer) -> dict:
    """tower -> the suppliers that provide it to ``buyer``."""
    out: dict = defaultdict(set)
    for s, edge in g[buyer].items():
        if g.nodes[s].get("kind") == "supplier":
            for d in edge.get("details", []):
                for t in d.get("towers", []):
                    out[t].add(s)
    return out


def failure_impact(g: nx.Graph, supplier, *, group: bool = False, index: dict | None = None,
                   contracts: bool = True) -> dict:
    """What fails if ``supplier`` (and, with ``group``, its corporate group) exits.

    Parameters
    ----------
    g : networkx.Graph
        A ``supply`` projection (edges with ``details``; graph attributes ``lineage``,
        ``frameworks``, ``labels``).
    supplier : node key (IRI)
    group : bool
        Take corporate predecessors and successors with it (CSC -> DXC Technology).
    index : dict, optional
        :func:`impact_index` of ``g``; computed here if not given, so a caller asking
        about many suppliers passes it once.
    contracts : bool
        List each buyer's lost ``contracts``. The report, which counts buyers and towers
        but lists no contract here, leaves them out: for the largest corporate groups of
        a national graph that is hundreds of thousands of rows.

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
    known = g.graph.get("labels", {})

    def label(n) -> str:
        return g.nodes[n].get("label", str(n)) if n in g else known.get(n, str(n))

    if supplier not in g and supplier not in known:
        raise EntityNotFound(str(supplier))
    groups = _groups(g) if index is None else index["groups"]
    kin = groups.get(supplier, [supplier])
    exiting = kin if group else [supplier]
    # unless given, who covers which tower is worked out for the exiting suppliers' buyers
    # only: for every buyer it is work in proportion to the whole graph, not to the answer
    if index is None:
        index = impact_index(g, buyers={b for s in exiting if s in g for b in g[s]}, groups=groups)
    exiting_set = set(exiting)
    supplying = {s for s in exiting if s in g and g.nodes[s].get("kind") == "supplier"}
    cover_of = index["cover"]  # every buyer of g, with who covers each of its towers
    affected = {b for s in exiting if s in g for b in g[s] if b in cover_of}
    names = {b: label(b) for b in affected}
    buyers = []
    totals: dict[str, float] = defaultdict(float)
    for b in sorted(affected, key=names.__getitem__):
        lost_contracts, seen = [], set()
        held = g[b]
        for s in sorted(supplying.intersection(held), key=str):
            for d in held[s].get("details", []):
                if d["iri"] not in seen:
                    seen.add(d["iri"])
                    lost_contracts.append(d)
        lost_towers, alternative = [], []
        for t, providers in cover_of[b].items():
            if not providers.isdisjoint(exiting_set):  # a tower this buyer gets from the exiting group ...
                (lost_towers if providers <= exiting_set else alternative).append(t)  # ... and from no one else?
        value = defaultdict(float)
        for d in lost_contracts:
            for kind in ("total", "annual"):
                if d.get(kind) is not None:
                    value[kind] += d[kind]
        for kind, v in value.items():
            totals[kind] += v
        row = {"iri": b, "label": names[b]}
        if contracts:
            row["contracts"] = [{"iri": d["iri"], "label": d["label"], "towers": d.get("towers", []),
                                 "status": d.get("status"), "total": d.get("total"), "annual": d.get("annual")}
                                for d in lost_contracts]
        row.update({
            "towers_lost": sorted(lost_towers),
            "towers_with_alternative": sorted(alternative),
            "value_at_risk": dict(value),
            "contracts_without_value": sum(1 for d in lost_contracts
                                           if d.get("total") is None and d.get("annual") is None),
        })
        buyers.append(row)
    frameworks = list({f["iri"]: f for s in exiting for f in index["offers"].get(s, [])}.values())
    notes = []
    relatives = [s for s in kin if s != supplier]
    if relatives and not group:
        named = ", ".join(label(s) for s in relatives[:NOTE_NAMES])
        if len(relatives) > NOTE_NAMES:  # a national group has hundreds of members
            named += f" and {len(relatives) - NOTE_NAMES:,} more"
        notes.append(f"{label(supplier)} has corporate predecessors or successors ({named}); "
                     f"include them with group=True (--group).")
    if not buyers and not frameworks:
        notes.append("no counted contract names this supplier; where a contract names both a company "
                     "and its successor, the successor holds it")
    return {
        "suppliers": [{"iri": s, "label": label(s)} for s in exiting],
        "group": group,
        "notes": notes,
        "buyers": buyers,
        "value_at_risk": dict(totals),
        "frameworks": [{"iri": f["iri"], "label": f["label"],
                        "open_to": [{"iri": o, "label": label(o)} for o in sorted(f["open_to"])],
                        "sources": f["sources"]} for f in sorted(frameworks, key=lambda f: f["label"])],
    }
