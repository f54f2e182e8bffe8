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

from .analytics.centrality import BACKGROUND_EDGES, EarlyBetweenness, centrality
from .analytics.concentration import concentration
from .analytics.impact import failure_impact, impact_index
from .analytics.shared import top_shared_pairs
from .lookup import Entity
from .namespaces import sparql_prefixes
from .parallel import in_background
from .projection import load_contracts, project, snapshot, supply_edges
from .store import Store
from .tables import ROWS, money

__all__ = ["SCHEMA_ID", "ROWS", "build_report", "abridge", "iter_json", "render_json", "render_markdown",
           "render_html"]

SCHEMA_ID = "https://w3id.org/supplier-graph/report/v1"

#: The report lists this many pairs of buyers that share suppliers, those sharing the most.
SHARED_PAIRS_LISTED = 100

_SOURCES = """SELECT ?src ?title ?publisher ?ref WHERE {
  ?src rdf:type/rdfs:subClassOf* sg:SourceDocument ; dcterms:title ?title .
  OPTIONAL { ?src dcterms:publisher ?publisher }
  BIND(EXISTS { ?src a sg:ReferenceSource } AS ?ref)
} ORDER BY ?title"""

_DISAGREEMENTS = """SELECT ?about ?aboutLabel ?statement ?title WHERE {
  ?claim sg:about ?about ; sg:statement ?statement ; prov:wasDerivedFrom/dcterms:title ?title .
  ?about rdfs:label ?aboutLabel .
  { SELECT ?about WHERE { ?c sg:about ?about ; prov:wasDerivedFrom ?s } GROUP BY ?about
    HAVING (COUNT(DISTINCT ?s) > 1) }
} ORDER BY ?aboutLabel ?title ?statement"""

_FRAMEWORKS = """SELECT ?f ?label ?founder ?ceiling WHERE {
  ?f rdf:type/rdfs:subClassOf* sg:Framework ; rdfs:label ?label .
  OPTIONAL { ?f sg:establishedBy/rdfs:label ?founder }
  OPTIONAL { ?f sg:value ?v . ?v sg:valueKind sg:FrameworkCeiling ; epo:hasAmountValue ?ceiling }
} ORDER BY ?label ?founder"""


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
                 snap=None, keep: list | None = None) -> dict:
    """The report as plain data (see the module docstring and the JSON Schema).

    ``snap`` (:func:`graph.projection.snapshot`) reuses a projection the caller has read.
    ``keep``: a list that receives the snapshot and the projection the report was built
    from, for a caller that would rather not pay for freeing them now (a process about
    to end: a few seconds on a national graph)."""
    pre = sparql_prefixes()
    # the supplier side (betweenness, centrality, failure impact) holds Python's lock for
    # seconds on a national graph: another core computes it while this one puts together
    # the rest. Betweenness, the longest part, needs only the edge list: it starts before
    # the projection is built, in an interpreter of its own (a forked child would have the
    # projection's pages copied as they are written); from a kept snapshot, as soon as
    # the edges are read, before the contracts. The kept edges count as the report does by
    # default (cancelled and ended contracts left out).
    early = EarlyBetweenness(wanted=not include_inactive)
    between = network = None
    try:
        snap = snap or snapshot(store, on_edges=early)
        contracts, snap = load_contracts(store, include_inactive=include_inactive, snap=snap)
        nodes, edges = supply_edges(None, include_inactive=include_inactive, snap=snap)
        between = early.job(nodes, edges)
        cited = _select_soon(store, pre + _SOURCES)  # Oxigraph answers it while the projection is built
        g = project(None, "supply", include_inactive=include_inactive, snap=snap, listing=False)
        if keep is not None:
            keep += [snap, g]
        scope = buyer.iri if buyer else None
        sources = _Sources(cited())
        network = in_background(_supplier_side, g, snap, contracts, scope,
                                fork=g.number_of_edges() >= BACKGROUND_EDGES)
        near = _buyer_side(store, g, snap, contracts, sources, buyer)
        far = network.result()
        method, scores = between.result()
    finally:
        early.cancel()  # an error while reading the snapshot
        if between is not None:
            between.cancel()
        if network is not None:
            network.cancel()
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
    return {
        "schema": SCHEMA_ID,
        "title": "Supplier-dependency report" + (f": {buyer.label}" if buyer else ""),
        "scope": {"buyer": _ref(buyer.iri, buyer.label) if buyer else None,
                  "include_inactive": include_inactive,
                  "betweenness": method},
        "summary": _summary(near["buyers"], suppliers, contracts, near["data_gaps"], buyer) + _headroom(
            near["frameworks"]),
        "buyers": near["buyers"],
        "suppliers": suppliers,
        "shared_suppliers": far["shared_suppliers"],
        "shared_supplier_pairs": far["shared_supplier_pairs"],
        "contracts_by_status": near["contracts_by_status"],
        "frameworks": near["frameworks"],
        "data_gaps": near["data_gaps"],
        "caveats": caveats,
        "sources": sources.listing(),
    }


def _select_soon(store: Store, query: str):
    """Start ``query`` where the store answers concurrently; returns a callable for its rows."""
    if not getattr(store, "concurrent", False):
        return lambda: store.select(query).rows
    from concurrent.futures import ThreadPoolExecutor
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(lambda: store.select(query).rows)
    pool.shutdown(wait=False)
    return future.result


def _buyer_side(store: Store, g, snap, contracts, sources: _Sources, buyer) -> dict:
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
                "end_date": c.end_date,
                "figures": [_money(a, k, cur, sources.cite(own) if own else cited) for a, cur, k, own in c.values],
                "sources": cited}
        return row

    buyers = _buyer_rows(g, contracts, label, scope, contract_row)
    listed = [c for c in sorted(snap.contracts.values(), key=lambda c: c.label) if not buyer or c.buyer == scope]
    by_status = defaultdict(list)
    for c in listed:
        by_status[c.status or "unknown"].append(contract_row(c))
    frameworks = _framework_rows(store, g, snap, sources)
    disagreements: dict[str, dict] = {}
    for r in store.select(pre + _DISAGREEMENTS).rows:
        d = disagreements.setdefault(str(r["about"]), {**_ref(str(r["about"]), str(r["aboutLabel"])), "claims": []})
        d["claims"].append({"statement": str(r["statement"]), "sources": sources.cite([str(r["title"])])})
    if buyer:
        keep = {c.iri for c in listed} | {buyer.iri}
        disagreements = {k: v for k, v in disagreements.items() if k in keep}
    gaps = {
        "no_value": [_ref(c.iri, c.label) for c in listed if c.value("total") is None and c.value("annual") is None],
        "no_date": [_ref(c.iri, c.label) for c in listed if not (c.duration or c.end_date)],
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
        if r.get("ceiling") is not None:
            f["ceiling"] = _money(float(r["ceiling"].toPython()), "ceiling")
    call_offs = sorted({(snap.contracts[c].label, c, f) for _b, relation, f, c in snap.relations
                        if relation == "calls off" and f in frameworks and c in snap.contracts})
    for contract_label, c, f in call_offs:
        frameworks[f]["call_offs"].append(_ref(c, contract_label))
    return list(frameworks.values())


def _summary(buyers, suppliers, contracts, gaps, buyer) -> list[str]:
    out = []
    scope = [c for c in contracts if not buyer or c.buyer == buyer.iri]
    out.append(f"{len(buyers)} public bod{'y buys' if len(buyers) == 1 else 'ies buy'} from {len(suppliers)} "
               f"supplier{'s' if len(suppliers) != 1 else ''} under {len(scope)} counted contract"
               f"{'s' if len(scope) != 1 else ''}.")
    if suppliers:
        top = max(suppliers, key=lambda s: (len(s["buyers"]), s["contracts"], s["label"]))
        out.append(f"{top['label']} is the most widely used supplier: {len(top['buyers'])} buyer(s), "
                   f"{top['contracts']} contract(s), towers: {', '.join(top['towers']) or 'not stated'}.")
        risky = max(suppliers, key=lambda s: (sum(m["amount"] for m in s["impact"]["value_at_risk"]
                                                  if m["kind"] == "total"), s["impact"]["buyers_affected"]))
        total = sum(m["amount"] for m in risky["impact"]["value_at_risk"] if m["kind"] == "total")
        if total:
            group = ", ".join(x["label"] for x in risky["impact"]["group"])
            out.append(f"The largest known contract value resting on one corporate group is {money(total)} "
                       f"({group}).")
    spof = sum(len(b["single_points_of_failure"]) for b in buyers)
    if buyers:
        out.append(f"{spof} buyer–tower pair{'s' if spof != 1 else ''} depend{'s' if spof == 1 else ''} "
                   f"on a single supplier.")
    out.append(f"{len(gaps['no_value'])} contract(s) have no known value and {len(gaps['no_date'])} no known "
               f"date or duration; {len(gaps['disagreements'])} fact(s) are described differently by "
               f"different sources (both versions are kept).")
    return out


def _headroom(frameworks: list[dict]) -> list[str]:
    """A line on the frameworks: their ceilings are headroom shared by a panel, not money
    owed, so they are summed here only as headroom and never as value at risk."""
    if not frameworks:
        return []
    places = sum(len(f["suppliers"]) + f.get("more", {}).get("suppliers", 0) for f in frameworks)
    stated = [f["ceiling"]["amount"] for f in frameworks if f["ceiling"] and f["ceiling"]["currency"] == "GBP"]
    return [f"{len(frameworks)} framework{'s' if len(frameworks) != 1 else ''} with {places} panel "
            f"place{'s' if places != 1 else ''}: framework headroom of {money(sum(stated))} in "
            f"{len(stated)} stated ceiling{'s' if len(stated) != 1 else ''}, shared by each panel, owed to no "
            f"supplier and not counted as value at risk."]


def iter_json(report: dict):
    """The JSON report as chunks of UTF-8 bytes, one top-level key per line and one list
    item (a buyer, a supplier, a contract) per line: readable and diffable by line, and
    written as it is made, so a national report (over a gigabyte for a million contracts)
    is never held twice in memory. orjson encodes it (the json module takes 5 s for
    100,000 contracts, orjson 0.2 s)."""
    import orjson
    yield b"{\n"
    for n, (key, value) in enumerate(report.items()):
        comma = b"," if n < len(report) - 1 else b""
        name = orjson.dumps(key)
        if isinstance(value, list) and value:
            yield b"  " + name + b": [\n"
            encode = _Encoder(value)
            for i, item in enumerate(value):
                yield b"    " + encode(item) + (b",\n" if i < len(value) - 1 else b"\n")
            yield b"  ]" + comma + b"\n"
        else:
            yield b"  " + name + b": " + orjson.dumps(value) + comma + b"\n"
    yield b"}\n"


class _Encoder:
    """orjson for the items of one list, encoding a dict that several items end with once.

    The suppliers of one corporate group share one ``impact`` (the same object): at a
    million contracts, groups of hundreds of members repeat it into 4 of the report's 6 GB,
    and encoding it again for each member took 20 s. Such a shared last value is encoded
    the first time and its bytes spliced in after that; the output is byte for byte what
    ``orjson.dumps(item)`` gives."""

    def __init__(self, items: list):
        import orjson
        self.dumps, self.done = orjson.dumps, {}
        seen: set[int] = set()
        self.shared: set[int] = set()
        for item in items:
            last = _last_dict(item)
            if last is not None:
                (self.shared if id(last) in seen else seen).add(id(last))

    def __call__(self, item) -> bytes:
        last = _last_dict(item) if self.shared else None
        if last is None or id(last) not in self.shared:
            return self.dumps(item)
        key = next(reversed(item))
        tail = self.done.get(id(last))
        if tail is None:
            tail = self.done[id(last)] = self.dumps(last)
        head = self.dumps({k: v for k, v in item.items() if k != key})
        return head[:-1] + (b"," if len(head) > 2 else b"") + self.dumps(key) + b":" + tail + b"}"


def _last_dict(item) -> dict | None:
    """The value of ``item``'s last key if ``item`` is a dict and that value a dict."""
    if isinstance(item, dict) and item:
        last = item[next(reversed(item))]
        if isinstance(last, dict):
            return last
    return None


def abridge(report: dict, rows: int | None = ROWS) -> dict:
    """The report as Markdown and HTML show it: each listing cut to ``rows`` items (None or
    0: nothing is cut), a count of what each leaves out beside it.

    On a national graph the full listings are no reading matter: a hundred thousand
    contracts make a 29 MB page that headless Chromium takes 35 seconds to open. So the
    renderings show the buyers with the most counted contracts (in alphabetical order,
    as in the full report), the most central suppliers, and the first items of every
    other listing, and say how many more there are. The summary and the charts are of
    everything; the JSON report lists everything. Only the sources cited by what is
    shown are listed, under the numbers the JSON report gives them.

    The copy shares what it does not cut with ``report``. Counts left out: ``omitted``
    (buyers, suppliers, frameworks, each data gap, sources); ``more_contracts`` on a
    buyer; ``more`` on a status group; ``more_towers_lost`` on a supplier's impact;
    ``more`` (suppliers, open_to, call_offs) on a framework. Where nothing is cut, the
    report is returned as it is.

    >>> r = {"buyers": [{"label": "A", "contracts": [{"sources": [1], "figures": []}] * 3}], "suppliers": [],
    ...      "contracts_by_status": [], "frameworks": [], "sources": [{"n": 1}, {"n": 2}],
    ...      "data_gaps": {"no_value": [], "no_date": [], "no_tower": [], "disagreements": []}}
    >>> short = abridge(r, 2)
    >>> len(short["buyers"][0]["contracts"]), short["buyers"][0]["more_contracts"], short["omitted"]["sources"]
    (2, 1, 1)
    >>> abridge(r, 3) is r, abridge(r, None) is r
    (True, True)
    """
    if not rows:
        return report
    left_out = 0  # items left out of every listing

    def cut(items: list) -> tuple[list, int]:
        nonlocal left_out
        more = max(len(items) - rows, 0)
        left_out += more
        return items[:rows], more

    out = dict(report)
    omitted: dict[str, int] = {}
    buyers = report["buyers"]
    if len(buyers) > rows:  # the largest buyers, kept in the report's order
        largest = sorted(range(len(buyers)), key=lambda i: (-len(buyers[i]["contracts"]), i))[:rows]
        buyers = [buyers[i] for i in sorted(largest)]
    omitted["buyers"] = len(report["buyers"]) - len(buyers)
    left_out += omitted["buyers"]
    out["buyers"] = []
    for b in buyers:
        contracts, more = cut(b["contracts"])
        out["buyers"].append({**b, "contracts": contracts, "more_contracts": more})
    suppliers, omitted["suppliers"] = cut(report["suppliers"])  # already ranked: the most central
    out["suppliers"] = []
    for s in suppliers:
        lost, more = cut(s["impact"]["towers_lost"])
        out["suppliers"].append({**s, "impact": {**s["impact"], "towers_lost": lost, "more_towers_lost": more}})
    out["contracts_by_status"] = []
    for g in report["contracts_by_status"]:
        contracts, more = cut(g["contracts"])
        out["contracts_by_status"].append({**g, "contracts": contracts, "more": more})
    frameworks, omitted["frameworks"] = cut(report["frameworks"])
    out["frameworks"] = []
    for f in frameworks:
        kept, more = {}, {}
        for key in ("suppliers", "open_to", "call_offs"):
            kept[key], more[key] = cut(f[key])
        out["frameworks"].append({**f, **kept, "more": more})
    gaps = {}
    for key in ("no_value", "no_date", "no_tower", "disagreements"):
        gaps[key], omitted[key] = cut(report["data_gaps"][key])
    out["data_gaps"] = gaps
    if not left_out:
        return report
    cited = {n for b in out["buyers"] for c in b["contracts"]
             for n in [*c["sources"], *(m for f in c["figures"] for m in f["sources"])]}
    cited.update(n for f in out["frameworks"] for n in f["sources"])
    cited.update(n for d in gaps["disagreements"] for c in d["claims"] for n in c["sources"])
    out["sources"] = [s for s in report["sources"] if s["n"] in cited]
    omitted["sources"] = len(report["sources"]) - len(out["sources"])
    out["omitted"] = omitted
    out["rows"] = rows
    return out


def render_json(report: dict) -> str:
    """The JSON report (see :func:`iter_json`) as one string."""
    return b"".join(iter_json(report)).decode("utf-8")


def _fmt_money(m: dict) -> str:
    return f"{money(m['amount'], m['currency'])} {m['kind']}"


def _refs(nums) -> str:
    return "".join(f"[^{n}]" for n in nums)


def _more(count: int) -> str:
    """What an abridged listing leaves out, to follow its last item.

    >>> _more(0), _more(1234)
    ('', ' …and 1,234 more')
    """
    return f" …and {count:,} more" if count else ""


def _notes(report: dict) -> dict[str, str]:
    """The sentences an abridged report (:func:`abridge`) opens its sections with."""
    omitted = report.get("omitted")
    if not omitted:
        return {}
    rows = report["rows"]
    notes = {"report": f"Abridged: each listing shows at most {rows:,} item{'s' if rows != 1 else ''}, and says "
                       f"how many more there are; the JSON report (--format json) lists everything."}
    for key, said in (("buyers", "The {} buyers with the most counted contracts"),
                      ("suppliers", "The {} most central suppliers"),
                      ("frameworks", "The first {} frameworks in alphabetical order"),
                      ("sources", "The {} sources cited above")):
        if omitted[key]:
            shown = len(report[key])
            notes[key] = said.format(f"{shown:,}") + f", of {shown + omitted[key]:,}."
    more = omitted["disagreements"]
    if more:
        notes["disagreements"] = f"…and {more:,} more fact{'s' if more != 1 else ''} described differently by different sources."
    return notes


def render_markdown(report: dict, rows: int | None = ROWS) -> str:
    """The report as Markdown, every figure footnoted to its sources; each listing shows at
    most ``rows`` items (see :func:`abridge`; None: everything)."""
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    report = abridge(report, rows)
    notes = _notes(report)
    lead = lambda key: [notes[key], ""] if key in notes else []  # noqa: E731
    L = [f"# {report['title']}", "", *lead("report"), "## Summary", ""]
    L += [f"- {s}" for s in report["summary"]]
    L += ["", "## Buyers", "", *lead("buyers")]
    for b in report["buyers"]:
        L += [f"### {esc(b['label'])}", "", "| contract | supplier(s) | towers | status | figures |",
              "|---|---|---|---|---|"]
        for c in b["contracts"]:
            figs = "; ".join(_fmt_money(f) + _refs(f["sources"]) for f in c["figures"]) or "unknown"
            L.append(f"| {esc(c['label'])}{_refs(c['sources'])} | {esc(', '.join(s['label'] for s in c['suppliers']))} "
                     f"| {esc(', '.join(c['towers']) or '—')} | {c['status'] or 'unknown'} | {esc(figs)} |")
        if b.get("more_contracts"):
            L += ["", f"…and {b['more_contracts']:,} more contracts."]
        cc = b["concentration"]
        if cc:
            L += ["", f"Concentration ({cc['basis']}): HHI {cc['hhi']:,.0f}, {cc['band']}; largest share "
                      f"{cc['top1_share']:.0%}."]
        if b["single_points_of_failure"]:
            L += ["", "Single points of failure: " + "; ".join(
                f"{esc(p['tower'])} ({esc(p['supplier']['label'])})" for p in b["single_points_of_failure"]) + "."]
        L.append("")
    L += ["## Suppliers", "", *lead("suppliers"),
          "| rank | supplier | buyers | contracts | towers | known value | if it failed |", "|---|---|---|---|---|---|---|"]
    for s in report["suppliers"]:
        imp = s["impact"]
        lost = "; ".join(f"{t['buyer']['label']}: {', '.join(t['towers'])}" for t in imp["towers_lost"]) or "no tower left uncovered"
        lost += _more(imp.get("more_towers_lost", 0))
        risk = ", ".join(_fmt_money(m) for m in imp["value_at_risk"]) or "value unknown"
        L.append(f"| {s['centrality']['rank']} | {esc(s['label'])} | {len(s['buyers'])} | {s['contracts']} | "
                 f"{esc(', '.join(s['towers']) or '—')} | {esc(', '.join(_fmt_money(m) for m in s['known_value']) or 'unknown')} "
                 f"| {esc(lost)}; {esc(risk)} at risk |")
    L += ["", "## Shared suppliers", ""]
    if report["shared_supplier_pairs"] > len(report["shared_suppliers"]):
        L += [f"The {len(report['shared_suppliers'])} pairs of buyers that share the most suppliers, of "
              f"{report['shared_supplier_pairs']:,} pairs that share at least one.", ""]
    L += [f"- {esc(r['buyers'][0]['label'])} and {esc(r['buyers'][1]['label'])}: "
          f"{esc(', '.join(s['label'] for s in r['suppliers']))}" for r in report["shared_suppliers"]] or ["- none"]
    L += ["", "## Contracts by status", ""]
    for group in report["contracts_by_status"]:
        L.append(f"- **{group['status']}**: " + "; ".join(
            esc(c["label"]) + (f" (ends {c['end_date']})" if c["end_date"] else
                               f" ({c['duration']})" if c["duration"] else "") for c in group["contracts"])
            + _more(group.get("more", 0)))
    L += ["", "## Framework routes", "", *lead("frameworks")]
    for f in report["frameworks"]:
        ceiling = f" — {money(f['ceiling']['amount'], f['ceiling']['currency'])} framework headroom (ceiling)" \
            if f["ceiling"] else ""
        more = f.get("more", {})
        listed = {key: esc(", ".join(x["label"] for x in f[key]) or none) + _more(more.get(key, 0))
                  for key, none in (("suppliers", "not stated"), ("open_to", "not stated"), ("call_offs", "none recorded"))}
        L.append(f"- {esc(f['label'])}{_refs(f['sources'])}{ceiling}; suppliers: {listed['suppliers']}; "
                 f"open to: {listed['open_to']}; call-offs: {listed['call_offs']}")
    gaps = report["data_gaps"]
    left = report.get("omitted", {})
    L += ["", "## Data gaps and caveats", ""]
    for key, what in (("no_value", "No known value"), ("no_date", "No known date or duration"),
                      ("no_tower", "No service tower")):
        L.append(f"- {what}: {esc(', '.join(c['label'] for c in gaps[key]) or 'none')}{_more(left.get(key, 0))}")
    for d in gaps["disagreements"]:
        L.append(f"- Sources differ on {esc(d['label'])}: " + " / ".join(
            f"\u201c{esc(c['statement'])}\u201d{_refs(c['sources'])}" for c in d["claims"]))
    if "disagreements" in notes:
        L.append(f"- {notes['disagreements']}")
    L += [f"- {c}" for c in report["caveats"]]
    L += ["", "## Sources", "", *lead("sources")]
    L += [f"[^{s['n']}]: {esc(s['title'])} — {esc(s['publisher'] or 'publisher unknown')}"
          + (" (reference data)" if s["reference_data"] else "") for s in report["sources"]]
    return "\n".join(L) + "\n"


def _ticks(top: float) -> list[float]:
    """Round axis ticks from 0 to at least ``top``: steps of 1, 2 or 5 times a power of ten.

    >>> _ticks(7), _ticks(230)
    ([0, 2, 4, 6, 8], [0, 50, 100, 150, 200, 250])
    """
    import math
    if top <= 0:
        return [0, 1]
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) if step < 1 else int(i * step) for i in range(count + 1)]


def _number(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() or abs(v) >= 100 else f"{v:,.1f}"


def _svg_bar(labels: list[str], values: list[float], title: str, xlabel: str) -> str:
    """A horizontal bar chart as inline SVG: text kept as text (escaped), no external
    references, the same bytes for the same data.

    Drawn directly rather than through matplotlib, whose import alone took half of the
    one second a command on the bundled data may take."""
    from html import escape
    bar, gap, top_margin, bottom = 18, 6, 34, 44
    shown = [x if len(x) <= 42 else x[:41] + "…" for x in labels]
    left = 12 + 7 * max((len(x) for x in shown), default=0)
    width, plot = 760, 760 - left - 70
    ticks = _ticks(max(values, default=0))
    scale = plot / ticks[-1] if ticks[-1] else 0
    height = top_margin + len(labels) * (bar + gap) + bottom
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
           f'<title>{escape(title)}</title>',
           f'<text x="0" y="16" font-size="14">{escape(title)}</text>']
    axis_y = top_margin + len(labels) * (bar + gap)
    for t in ticks:
        x = left + t * scale
        out.append(f'<line x1="{x:.1f}" y1="{top_margin - 4}" x2="{x:.1f}" y2="{axis_y}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle">{_number(t)}</text>')
    for i, (name, full, v) in enumerate(zip(shown, labels, values)):
        y = top_margin + i * (bar + gap)
        w = v * scale
        out.append(f'<text x="{left - 6}" y="{y + bar - 5}" text-anchor="end"><title>{escape(full)}</title>'
                   f'{escape(name)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="#2b6cb0">'
                   f'<title>{escape(full)}: {_number(v)}</title></rect>')
        out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar - 5}">{_number(v)}</text>')
    out.append(f'<line x1="{left}" y1="{top_margin - 4}" x2="{left}" y2="{axis_y}" stroke="#333"/>')
    out.append(f'<text x="{left + plot / 2:.1f}" y="{axis_y + 36}" text-anchor="middle">{escape(xlabel)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _group_values(suppliers: list[dict]) -> list[tuple[str, float]]:
    """Each corporate group's known total value at risk, largest first, one bar per group:
    named by its member that ranks highest, with its size (every member of a group of
    eight would otherwise fill the chart with one bar eight times).

    >>> imp = lambda group, v: {"group": [{"iri": g} for g in group],
    ...                         "value_at_risk": [{"amount": v, "kind": "total"}, {"amount": 1.0, "kind": "annual"}]}
    >>> _group_values([{"label": "DXC", "impact": imp("abc", 250.0)}, {"label": "BT", "impact": imp("d", 9.0)},
    ...                {"label": "CSC", "impact": imp("abc", 250.0)}, {"label": "Idle", "impact": imp("e", 0.0)}])
    [("DXC's group of 3", 250.0), ('BT', 9.0)]
    """
    seen: set[tuple] = set()
    out = []
    for s in suppliers:  # in order of rank
        group = tuple(x["iri"] for x in s["impact"]["group"])
        total = sum(m["amount"] for m in s["impact"]["value_at_risk"] if m["kind"] == "total")
        if group in seen or not total:
            continue
        seen.add(group)
        out.append((f"{s['label']}'s group of {len(group)}" if len(group) > 1 else s["label"], total))
    return sorted(out, key=lambda v: -v[1])


def render_html(report: dict, rows: int | None = ROWS) -> str:
    """Self-contained HTML: autoescaped, charts as inline SVG, readable printed; each
    listing shows at most ``rows`` items (see :func:`abridge`; None: everything), the
    charts are of every supplier."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    charts = []
    top = [s for s in report["suppliers"] if s["buyers"]][:15]
    if top:
        charts.append(Markup(_svg_bar([s["label"] for s in top], [len(s["buyers"]) for s in top],
                                      "Buyers per supplier", "number of buyers")))
    valued = _group_values(report["suppliers"])[:15]
    if valued:
        charts.append(Markup(_svg_bar([v[0] for v in valued], [v[1] / 1e6 for v in valued],
                                      "Known total contract value at risk if a corporate group failed",
                                      "£ million")))
    env = Environment(loader=PackageLoader("graph", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["money"] = _fmt_money
    env.filters["money_only"] = lambda m: money(m["amount"], m["currency"])
    env.filters["pct"] = lambda v: f"{v:.0%}"
    env.filters["more"] = _more
    report = abridge(report, rows)
    return env.get_template("report.html").render(report=report, charts=charts, notes=_notes(report),
                                                  left=report.get("omitted", {}))
