"""The supplier-dependency report: one data structure, three renderings.

:func:`build_report` gathers everything from the store (through the projection and a few
SPARQL queries) into plain data whose shape is the JSON Schema in
``graph/schemas/report.schema.json``. Every entity carries ``iri`` and ``label``; money is
``{"amount", "currency", "kind"}``; every figure and fact cites ``sources`` by number,
resolved in the report's ``sources`` list. :func:`render_markdown` and :func:`render_html`
draw it for people; HTML is self-contained (charts as inline SVG, no network requests)
and autoescaped.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from ..analytics.centrality import EarlyBetweenness, centrality
from ..analytics.concentration import concentration
from ..analytics.impact import failure_impact, impact_index
from ..analytics.shared import top_shared_pairs
from ..timeline.cliffedge import cliff_edge
from ..sparql.lookup import Entity, iri_ref
from ..model.namespaces import internal_query, sparql_prefixes
from ..projection.views import project
from ..projection.snapshot import load_contracts, snapshot, supply_edges
from .as_json import iter_json, render_json
from .render import abridge, render_html, render_markdown
from ..sparql.headroom import framework_headroom, largest
from ..store.base import Store, background
from ..tables import ROWS, money
from ..timeline.dated import read_dates

__all__ = ["SCHEMA_ID", "ROWS", "build_report", "abridge", "iter_json", "render_json", "render_markdown",
           "render_html"]

SCHEMA_ID = "https://w3id.org/supplier-graph/report/v1"

#: The report lists this many pairs of buyers that share suppliers, those sharing the most.
SHARED_PAIRS_LISTED = 100

_SOURCES = internal_query("report-sources")

_DISAGREEMENTS = internal_query("report-disagreements")

_FRAMEWORKS = internal_query("report-frameworks")


_USABLE = internal_query("report-usable")


def _ref(iri: str, label: str) -> dict:
    return {"iri": iri, "label": label}


def _money(amount: float, kind: str, currency: str = "GBP", sources: list[int] | None = None) -> dict:
    """A figure as the report shows it; with ``sources``, a figure citing them."""
    m = {"amount": amount, "currency": currency, "kind": kind}
    if sources is not None:
        m["sources"] = sources
    return m


class _Sources:
    """Numbers every source once, in order of first citation."""

    def __init__(self, rows):
        self.by_title = {str(r["title"]): {
            "iri": str(r["src"]), "title": str(r["title"]),
            "publisher": str(r["publisher"]) if r.get("publisher") is not None else None,
            "reference_data": bool(r["ref"].toPython()) if r.get("ref") is not None else False}
            for r in rows}
        self.number: dict[str, int] = {}
        self.cited: dict[tuple, list[int]] = {}  # a million contracts cite a few thousand sets of sources

    def cite(self, titles) -> list[int]:
        """The numbers of ``titles`` (unknown titles left out), numbering new ones. The list
        may be shared with other citations of the same titles: do not change it."""
        titles = tuple(titles)
        out = self.cited.get(titles)
        if out is None:
            out = self.cited[titles] = sorted({self.number.setdefault(t, len(self.number) + 1)
                                               for t in titles if t in self.by_title})
        return out

    def listing(self) -> list[dict]:
        return [{"n": n, **self.by_title[t]} for t, n in self.number.items()]


def build_report(store: Store, *, buyer: Entity | None = None, include_inactive: bool = False,
                 snap=None, as_of: date | None = None) -> dict:
    """The report as plain data (see the module docstring and the JSON Schema).

    Statuses are given as of ``as_of`` (default today) beside those the sources reported,
    and the timeline section places each contract's end (:mod:`graph.timeline.dated`).

    ``snap`` (:func:`graph.projection.snapshot.snapshot`) reuses a projection the caller has read."""
    pre = sparql_prefixes()
    # betweenness, the longest part of the supplier side, needs only the edge list: on a
    # large graph another interpreter computes it from there while this one builds the rest;
    # from a kept snapshot it starts as soon as the edges are read, before the contracts.
    # The kept edges count as the report does by default (cancelled and ended contracts left out).
    early = EarlyBetweenness(wanted=not include_inactive)
    between = None
    try:
        snap = snap or snapshot(store, on_edges=early)
        contracts, snap = load_contracts(store, include_inactive=include_inactive, snap=snap)
        nodes, edges = supply_edges(None, include_inactive=include_inactive, snap=snap)
        between = early.job(nodes, edges)
        cited = _select_soon(store, pre + _SOURCES)  # Oxigraph answers it while the projection is built
        g = project(None, "supply", include_inactive=include_inactive, snap=snap, listing=False)
        scope = buyer.iri if buyer else None
        sources = _Sources(cited())
        as_of = as_of or date.today()
        dated = {d.iri: d for d in read_dates(store, snap)}
        near = _buyer_side(store, g, snap, contracts, sources, buyer, dated, as_of)
        in_scope = [d for d in dated.values() if not d.framework and (not buyer or buyer.iri in d.buyers)]
        cliff = cliff_edge(in_scope, as_of=as_of, label=snap.label, successor=snap.successor)
        far = _supplier_side(g, snap, contracts, scope)
        method, scores = between.result()
    finally:
        early.cancel()  # an error while reading the snapshot
        if between is not None:
            between.cancel()
    scores = dict(zip(nodes, scores))
    for s in far["suppliers"]:
        b = scores.get(s["iri"])
        s["centrality"]["betweenness"] = None if b is None else round(b, 6)

    caveats = [
        "Figures of different kinds (total contract value, annual value, framework ceiling, saving) "
        "are never added together.",
        "Concentration bands are heuristics borrowed from merger control (US 2023 Merger Guidelines: "
        "HHI above 1,800 is highly concentrated; EU horizontal merger guidelines: below 1,000 is unlikely "
        "to raise concerns), not thresholds for public procurement.",
        "Shares are by known total value only where every counted contract has one; otherwise by number "
        "of contracts, as each table says.",
        ("Cancelled and ended contracts are counted." if include_inactive else
         "Cancelled and ended contracts are not counted."),
        "Where a contract names a supplier and its corporate successor (from different sources), the "
        "successor holds it; impact figures take each supplier's corporate group with it.",
    ]

    suppliers = far["suppliers"]
    counted = [dated[c.iri] for c in contracts if c.iri in dated and (not buyer or c.buyer == buyer.iri)]
    caveats.append(f"Statuses are as the sources reported them, each on its own date; the timeline gives each "
                   f"contract's status as of {as_of.isoformat()}, worked out from its dates. Counted contracts "
                   f"are those not reported cancelled or ended, whatever their dates say.")
    return {
        "schema": SCHEMA_ID,
        "title": "Supplier-dependency report" + (f": {buyer.label}" if buyer else ""),
        "as_of": as_of.isoformat(),
        "scope": {"buyer": _ref(buyer.iri, buyer.label) if buyer else None,
                  "include_inactive": include_inactive,
                  "betweenness": method},
        "summary": _summary(near["buyers"], suppliers, contracts, near["data_gaps"], buyer) + _headroom(
            near["frameworks"], buyer) + _until(counted, as_of),
        "buyers": near["buyers"],
        "suppliers": suppliers,
        "shared_suppliers": far["shared_suppliers"],
        "shared_supplier_pairs": far["shared_supplier_pairs"],
        "contracts_by_status": near["contracts_by_status"],
        "frameworks": near["frameworks"],
        "timeline": cliff,
        "data_gaps": near["data_gaps"],
        "caveats": caveats,
        "sources": sources.listing(),
    }


def _select_soon(store: Store, query: str):
    """Start ``query`` where the store answers concurrently; returns a callable for its rows."""
    pool = background(store)
    if pool is None:
        return lambda: store.select(query).rows
    future = pool.submit(lambda: store.select(query).rows)
    pool.shutdown(wait=False)
    return future.result


def _buyer_side(store: Store, g, snap, contracts, sources: _Sources, buyer, dated: dict, as_of: date) -> dict:
    """Buyers, contracts by status, frameworks and data gaps: the parts that cite sources
    (numbered in order of first citation, so built in this order)."""
    pre = sparql_prefixes()
    label = snap.label
    scope = buyer.iri if buyer else None

    rows: dict[str, dict] = {}
    refs: dict[str, dict] = {}  # one {iri, label} per buyer or supplier, shared by the rows that name it

    def ref(iri: str) -> dict:
        r = refs.get(iri)
        if r is None:
            r = refs[iri] = _ref(iri, label(iri))
        return r

    def contract_row(c) -> dict:
        """One contract as the report shows it (built once, shown wherever it is listed)."""
        row = rows.get(c.iri)
        if row is None:
            cited = sources.cite(c.sources)
            # a figure cites the documents it was derived from; one that names none, the contract's
            row = rows[c.iri] = {
                "iri": c.iri, "label": c.label, "buyer": ref(c.buyer), "suppliers": [ref(s) for s in c.suppliers],
                "status": c.status, "towers": [label(t) for t in c.towers], "duration": c.duration,
                "end_date": c.end_date, **_when(dated.get(c.iri), as_of),
                "figures": [_money(a, k, cur, sources.cite(own) if own else cited) for a, cur, k, own in c.values],
                "sources": cited}
        return row

    buyers = _buyer_rows(g, contracts, label, scope, contract_row)
    listed = [c for c in sorted(snap.contracts.values(), key=lambda c: c.label) if not buyer or c.buyer == scope]
    by_status = defaultdict(list)
    for c in listed:
        by_status[c.status or "unknown"].append(contract_row(c))
    frameworks = _framework_rows(store, g, snap, sources)
    if buyer:  # the frameworks this buyer may buy through, set up, or has called off
        usable = {str(r["f"]) for r in store.select(pre + _USABLE % iri_ref(buyer.iri)).rows}
        frameworks = [f for f in frameworks if f["iri"] in usable]
    disagreements: dict[str, dict] = {}
    for r in store.select(pre + _DISAGREEMENTS).rows:
        d = disagreements.setdefault(str(r["about"]), {**_ref(str(r["about"]), str(r["aboutLabel"])), "claims": []})
        d["claims"].append({"statement": str(r["statement"]), "sources": sources.cite([str(r["title"])])})
    if buyer:
        keep = {c.iri for c in listed} | {buyer.iri}
        disagreements = {k: v for k, v in disagreements.items() if k in keep}
    gaps = {
        "no_value": [_ref(c.iri, c.label) for c in listed if c.value("total") is None and c.value("annual") is None],
        "no_date": [_ref(c.iri, c.label) for c in listed if c.iri not in dated or not dated[c.iri].end.known],
        "no_tower": [_ref(c.iri, c.label) for c in listed if not c.towers],
        "disagreements": list(disagreements.values()),
    }
    return {"buyers": buyers, "contracts_by_status": [{"status": k, "contracts": v} for k, v in sorted(by_status.items())],
            "frameworks": frameworks, "data_gaps": gaps}


def _buyer_rows(g, contracts, label, scope, contract_row) -> list[dict]:
    """Each buyer in scope: its contracts, suppliers, concentration and single points of failure."""
    conc = {r["iri"]: r for r in concentration(g, weights=False)}  # supplier rows as shown: iri, label, share
    by_buyer: dict[str, list] = defaultdict(list)
    for c in contracts:
        if scope is None or c.buyer == scope:
            by_buyer[c.buyer].append(c)
    buyers = []
    for b in sorted(by_buyer, key=label):
        mine = by_buyer[b]
        suppliers = defaultdict(lambda: {"towers": set(), "contracts": 0})
        for c in mine:
            for s in c.suppliers:
                suppliers[s]["towers"].update(label(t) for t in c.towers)
                suppliers[s]["contracts"] += 1
        cr = conc.get(b)
        buyers.append({
            **_ref(b, label(b)),
            "contracts": [contract_row(c) for c in sorted(mine, key=lambda c: c.label)],
            "suppliers": [{**_ref(s, label(s)), "towers": sorted(v["towers"]), "contracts": v["contracts"]}
                          for s, v in sorted(suppliers.items(), key=lambda kv: label(kv[0]))],
            "concentration": None if cr is None else {
                "basis": cr["basis"], "hhi": cr["hhi"], "band": cr["band"], "top1_share": cr["top1_share"],
                "suppliers": cr["suppliers"],
                "towers": [{"tower": t["tower"], "basis": t["basis"], "hhi": t["hhi"], "suppliers": t["suppliers"]}
                           for t in cr["towers"]]},
            "single_points_of_failure": [] if cr is None else [
                {"tower": t["tower"], "supplier": _ref(t["suppliers"][0]["iri"], t["suppliers"][0]["label"])}
                for t in cr["towers"] if t["supplier_count"] == 1],
        })
    return buyers


def _supplier_side(g, snap, contracts, scope) -> dict:
    """The suppliers of the buyers in scope, each with its centrality and the failure
    impact of its corporate group, ranked; and the pairs of buyers that share the most
    suppliers. Reads the projection only (no store, no source numbering), so it can run
    in a child."""
    label = snap.label
    cent = centrality(g, between=False)  # the parent adds betweenness, computed in an interpreter of its own
    rank = {r["iri"]: r for r in cent["nodes"]}
    by_supplier: dict[str, list] = defaultdict(list)
    for c in contracts:
        for s in c.suppliers:
            by_supplier[s].append(c)
    in_scope = {s for c in contracts if scope is None or c.buyer == scope for s in c.suppliers}
    index = impact_index(g)
    impacts: dict[tuple, dict] = {}  # suppliers of one corporate group share one impact
    suppliers = []
    for s in sorted(in_scope, key=label):
        held = by_supplier[s]
        value = defaultdict(float)
        for c in held:
            for kind in ("total", "annual"):
                amount = c.value(kind)
                if amount is not None:
                    value[kind] += amount
        kin = tuple(index["groups"].get(s, [s]))
        if kin not in impacts:  # kept as the report shows it, not with every lost contract
            imp = failure_impact(g, s, group=True, index=index, contracts=False)
            impacts[kin] = {
                "group": [_ref(x["iri"], x["label"]) for x in imp["suppliers"]],
                "buyers_affected": len(imp["buyers"]),
                "towers_lost": [{"buyer": _ref(b["iri"], b["label"]), "towers": b["towers_lost"]}
                                for b in imp["buyers"] if b["towers_lost"]],
                "value_at_risk": [_money(v, k) for k, v in sorted(imp["value_at_risk"].items())],
                "frameworks": [_ref(f["iri"], f["label"]) for f in imp["frameworks"]]}
        r = rank.get(s, {})
        suppliers.append({
            **_ref(s, label(s)),
            "buyers": [_ref(b, label(b)) for b in sorted({c.buyer for c in held}, key=label)],
            "towers": sorted({label(t) for c in held for t in c.towers}),
            "contracts": len(held),
            "known_value": [_money(v, k) for k, v in sorted(value.items())],
            "centrality": {k: r.get(k) for k in ("rank", "degree", "betweenness", "pagerank", "eigenvector")},
            "impact": impacts[kin],
        })
    suppliers.sort(key=lambda s: (s["centrality"]["rank"] or 10 ** 9, s["label"]))
    shared_total, shared = top_shared_pairs(g, limit=SHARED_PAIRS_LISTED, buyer=scope)
    return {"suppliers": suppliers, "shared_supplier_pairs": shared_total,
            "shared_suppliers": [{"buyers": r["buyers"], "suppliers": [_ref(s["iri"], s["label"]) for s in r["suppliers"]]}
                                 for r in shared]}


def _framework_rows(store: Store, g, snap, sources: _Sources) -> list[dict]:
    """Frameworks with founders, ceiling, suppliers, who may buy through them, and call-offs."""
    label = snap.label
    frameworks: dict[str, dict] = {}
    for r in store.select(sparql_prefixes() + _FRAMEWORKS).rows:
        f = frameworks.setdefault(str(r["f"]), {
            **_ref(str(r["f"]), str(r["label"])), "established_by": [], "ceiling": None,
            "suppliers": [_ref(s, label(s)) for s in g.graph["frameworks"].get(str(r["f"]), {}).get("suppliers", [])],
            "open_to": [_ref(o, label(o)) for o in g.graph["frameworks"].get(str(r["f"]), {}).get("open_to", [])],
            "call_offs": [], "sources": sources.cite(snap.sources.get(str(r["f"]), []))})
        if r.get("founder") is not None and str(r["founder"]) not in f["established_by"]:
            f["established_by"].append(str(r["founder"]))
    for iri, stated in framework_headroom(store, list(frameworks)).items():
        top = largest(stated["ceilings"])
        if top:
            frameworks[iri]["ceiling"] = _money(top["amount"], "ceiling", top["currency"])
    call_offs = sorted({(snap.contracts[c].label, c, f) for _b, relation, f, c in snap.relations
                        if relation == "calls off" and f in frameworks and c in snap.contracts})
    for contract_label, c, f in call_offs:
        frameworks[f]["call_offs"].append(_ref(c, contract_label))
    return list(frameworks.values())


def _when(d, as_of: date) -> dict:
    """A contract row's end, its basis, and its status as of ``as_of``."""
    if d is None:
        return {"end": None, "end_basis": None, "end_rule": None, "status_as_of": "unknown"}
    return {"end": d.end.to_dict(days=False), "end_basis": d.end_basis, "end_rule": d.end_rule,
            "status_as_of": d.status(as_of)}


def _until(counted: list, as_of: date) -> list[str]:
    """A line on how many counted contracts have ended by their dates as of ``as_of``."""
    if not counted:
        return []
    by = defaultdict(int)
    for d in counted:
        by[d.status(as_of)] += 1
    unknown = sum(1 for d in counted if not d.end.known)
    said = [f"{by[k]} {one if by[k] == 1 else many}" for k, one, many in (
        ("ended", "has ended", "have ended"), ("may have ended", "may have ended", "may have ended"),
        ("live", "is live", "are live"), ("not started", "has not started", "have not started")) if by[k]]
    undecided = len(counted) - unknown - sum(by[k] for k in ("ended", "may have ended", "live", "not started"))
    if undecided:
        said.append(f"{undecided} {'is' if undecided == 1 else 'are'} not decided by {'its' if undecided == 1 else 'their'} dates")
    n = len(counted)
    return [f"As of {as_of.isoformat()}, by their dates, of the {n} counted contract{'s' if n != 1 else ''} "
            + (", ".join(said) if said else "none can be dated") + f"; {unknown} ha{'s' if unknown == 1 else 've'} "
            f"no known end. The analyses count {'it' if n == 1 else 'them all'}, with the statuses their sources "
            f"reported."]


def _summary(buyers, suppliers, contracts, gaps, buyer) -> list[str]:
    """The summary in sentences; with ``buyer``, about that buyer, and a figure of the whole
    graph only where it says so."""
    out = []
    scope = [c for c in contracts if not buyer or c.buyer == buyer.iri]
    plural = lambda n, word: f"{n} {word}{'s' if n != 1 else ''}"  # noqa: E731
    who = buyer.label + " buys" if buyer else (
        f"{len(buyers)} public bod{'y buys' if len(buyers) == 1 else 'ies buy'}")
    out.append(f"{who} from {plural(len(suppliers), 'supplier')} under {plural(len(scope), 'counted contract')}.")
    if suppliers:
        top = max(suppliers, key=lambda s: (len(s["buyers"]), s["contracts"], s["label"]))
        towers = ", ".join(top["towers"]) or "not stated"
        if buyer:
            out.append(f"Its most widely used supplier, {top['label']}, has {plural(len(top['buyers']), 'buyer')} "
                       f"and {plural(top['contracts'], 'contract')} across the whole graph; towers: {towers}.")
        else:
            out.append(f"{top['label']} is the most widely used supplier: {plural(len(top['buyers']), 'buyer')}, "
                       f"{plural(top['contracts'], 'contract')}, towers: {towers}.")
        risky = max(suppliers, key=lambda s: (sum(m["amount"] for m in s["impact"]["value_at_risk"]
                                                  if m["kind"] == "total"), s["impact"]["buyers_affected"]))
        total = sum(m["amount"] for m in risky["impact"]["value_at_risk"] if m["kind"] == "total")
        if total:
            group = ", ".join(x["label"] for x in risky["impact"]["group"])
            whose = "Of its suppliers, the largest known contract value resting on one corporate group, across " \
                    "the whole graph, is" if buyer else "The largest known contract value resting on one corporate group is"
            out.append(f"{whose} {money(total)} ({group}).")
    spof = sum(len(b["single_points_of_failure"]) for b in buyers)
    if buyers:
        out.append(f"{spof} buyer–tower pair{'s' if spof != 1 else ''} depend{'s' if spof == 1 else ''} "
                   f"on a single supplier.")
    out.append(f"{len(gaps['no_value'])} contract(s) have no known value and {len(gaps['no_date'])} no known "
               f"end; {len(gaps['disagreements'])} fact(s) are described differently by "
               f"different sources (both versions are kept).")
    return out


def _headroom(frameworks: list[dict], buyer=None) -> list[str]:
    """A line on the frameworks: their ceilings are headroom shared by a panel, not money
    owed, so they are summed here only as headroom and never as value at risk."""
    if not frameworks:
        return []
    places = sum(len(f["suppliers"]) + f.get("more", {}).get("suppliers", 0) for f in frameworks)
    stated = [f["ceiling"]["amount"] for f in frameworks if f["ceiling"] and f["ceiling"]["currency"] == "GBP"]
    which = " it may buy through" if buyer else ""
    return [f"{len(frameworks)} framework{'s' if len(frameworks) != 1 else ''}{which} with {places} panel "
            f"place{'s' if places != 1 else ''}: framework headroom of {money(sum(stated))} in "
            f"{len(stated)} stated ceiling{'s' if len(stated) != 1 else ''}, shared by each panel, owed to no "
            f"supplier and not counted as value at risk."]
