"""Analytics on a tiny graph whose numbers are worked out by hand (tests/analytics_fixture.py),
and on the bundled data with answers a reader of the articles checks."""

import pytest

from graph.analytics import centrality, concentration, explained_paths, failure_impact, shared_suppliers
from graph.errors import UnsupportedFormat
from graph.projection.views import project
from graph.model.rdffiles import load_graph, ontology_paths
from graph.store.local import MemoryStore

from analytics_fixture import ANALYTICS

E = "http://example.org/"
ID = "https://w3id.org/supplier-graph/id/"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    path = tmp_path_factory.mktemp("a") / "analytics.ttl"
    path.write_text(ANALYTICS)
    return MemoryStore(load_graph([path, *ontology_paths()]))


@pytest.fixture(scope="module")
def supply(tiny):
    return project(tiny, "supply")


# -- projection

def test_supply_view_has_five_edges_no_literals_no_classes(supply):
    assert sorted(supply.nodes) == [E + n for n in ("acme", "east", "north", "south", "zeta")]
    assert supply.number_of_edges() == 5  # c5 cancelled; Old collapsed into its successor on c6
    assert {d["kind"] for _, d in supply.nodes(data=True)} == {"buyer", "supplier"}
    edge = supply.edges[E + "north", E + "acme"]
    assert (edge["contracts"], edge["towers"], edge["values"], edge["sources"]) == (
        [E + "c1"], ["End user services"], {"total": 3_000_000.0}, ["Tiny news"])


def test_supply_edges_without_listing_carry_what_the_analytics_read(tiny, supply):
    lean = project(tiny, "supply", listing=False)
    listed = ("contracts", "contract_labels", "statuses", "values", "sources")
    assert list(lean.edges) == list(supply.edges)
    for a, b, full in supply.edges(data=True):
        assert lean.edges[a, b] == {k: v for k, v in full.items() if k not in listed}
    assert lean.edges[E + "north", E + "acme"]["details"][0]["total"] == 3_000_000.0
    # the analytics give the same answers on either
    assert centrality(lean) == centrality(supply) and concentration(lean) == concentration(supply)
    assert shared_suppliers(lean) == shared_suppliers(supply)
    assert failure_impact(lean, E + "acme") == failure_impact(supply, E + "acme")
    # the network view merges relations' sources into supply edges, so it always lists
    assert project(tiny, "network", listing=False).edges[E + "north", E + "acme"]["sources"] == ["Tiny news"]


@pytest.mark.parametrize("first, second", [("Zeta deal", "Alpha deal"), ("Alpha deal", "Zeta deal")])
def test_a_contract_with_two_labels_keeps_the_first_in_order(tmp_path, first, second):
    from graph.projection.snapshot import snapshot
    from graph.store.local import OxigraphStore
    path = tmp_path / "two.ttl"
    path.write_text(ANALYTICS.replace(':c1 a sg:Contract ; rdfs:label "c1"',
                                      f':c1 a sg:Contract ; rdfs:label "{first}" , "{second}"'))
    oxigraph = OxigraphStore()
    oxigraph.load([path, *ontology_paths()])
    for store in (MemoryStore(load_graph([path, *ontology_paths()])), oxigraph):
        assert snapshot(store).contracts[E + "c1"].label == "Alpha deal"


def test_inactive_and_lineage_options(tiny):
    g = project(tiny, "supply", include_inactive=True, collapse_lineage=False)
    assert g.has_edge(E + "east", E + "zeta") and g.has_edge(E + "east", E + "old")
    assert g.number_of_edges() == 7


def test_one_snapshot_counts_contracts_once_per_choice_of_options(tiny):
    from graph.projection.snapshot import load_contracts, snapshot
    snap = snapshot(tiny)
    counted, _ = load_contracts(None, snap=snap)
    assert [c.iri for c in counted] == [E + c for c in ("c1", "c2", "c3", "c4", "c6")]  # c5 was cancelled
    assert [c.suppliers for c in counted][-1] == [E + "acme"]  # Old collapsed into Acme
    assert load_contracts(None, snap=snap)[0] is counted
    every, _ = load_contracts(None, snap=snap, include_inactive=True, collapse_lineage=False)
    assert len(every) == 6 and every[-1].suppliers == [E + "acme", E + "old"]
    assert snap.contracts[E + "c6"].suppliers == [E + "acme", E + "old"]  # the snapshot as the sources say
    g = project(None, "supply", snap=snap)
    assert sorted(c for _, _, cs in g.edges(data="contracts") for c in cs) == [c.iri for c in counted]


def test_a_snapshot_reads_node_labels_when_first_asked(tiny, monkeypatch):
    """The contracts, their pairs and betweenness's edge list need no node labels: the
    report starts betweenness while the labels are still being read."""
    from graph.projection.snapshot import load_contracts, snapshot, supply_pairs
    from graph.store.base import QueryBatch
    asked = []
    rows = QueryBatch.__getitem__  # the tiny store answers each query when it is asked for
    monkeypatch.setattr(QueryBatch, "__getitem__", lambda batch, name: asked.append(name) or rows(batch, name))
    snap = snapshot(tiny)
    load_contracts(None, snap=snap)
    supply_pairs(None, snap=snap)
    assert "projection-nodes" not in asked and len(asked) == 6
    assert snap.label(E + "acme") == "Acme" and snap.kind(E + "acme") == "supplier"
    assert asked.count("projection-nodes") == 1 and snap.label(E + "north") == "North"
    assert asked.count("projection-nodes") == 1


def test_network_view_adds_framework_group_and_lineage(tiny):
    g = project(tiny, "network")
    assert g.nodes[E + "f"]["kind"] == "framework" and g.nodes[E + "g"]["kind"] == "group"
    assert g.edges[E + "g", E + "f"]["relations"] == ["may buy through"]
    assert g.edges[E + "old", E + "acme"]["relations"] == ["succeeded by"]
    assert g.edges[E + "north", E + "f"]["relations"] == ["established"]


def test_towers_view(tiny):
    g = project(tiny, "towers")
    hosting = "https://w3id.org/supplier-graph/tower/Hosting"
    assert sorted(g[hosting]) == [E + "acme", E + "south", E + "zeta"]


def test_unknown_view(tiny):
    with pytest.raises(UnsupportedFormat):
        project(tiny, "everything")


# -- centrality: degrees and betweenness by hand (n = 5, normalisation 1/6)

def test_centrality_by_hand(supply):
    result = centrality(supply)
    rows = {r["label"]: r for r in result["nodes"]}
    assert result["betweenness_method"] == "exact"
    assert {k: r["degree"] for k, r in rows.items()} == {"Acme": 3, "Zeta": 2, "North": 2, "South": 2, "East": 1}
    assert {k: r["betweenness"] for k, r in rows.items()} == {
        "Acme": round(3.5 / 6, 6), "Zeta": round(0.5 / 6, 6), "North": round(1 / 6, 6),
        "South": round(1 / 6, 6), "East": 0.0}
    assert result["nodes"][0]["label"] == "Acme" and result["nodes"][0]["rank"] == 1
    assert rows["Acme"]["eigenvector"] == 1.0


def test_centrality_without_betweenness_leaves_only_it_out(supply):
    full, lean = centrality(supply), centrality(supply, between=False)
    assert lean["betweenness_method"] is None and all(r["betweenness"] is None for r in lean["nodes"])
    assert [{**r, "betweenness": None} for r in full["nodes"]] == lean["nodes"]


def test_sampled_betweenness_says_so(supply):
    result = centrality(supply, exact_limit=3, k=2, seed=7)
    assert result["betweenness_method"] == "sampled (k=2 sources, seed=7)"


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_betweenness_is_networkx_betweenness(seed):
    """igraph computes it; exact and sampled numbers are networkx's (unit distances, so
    equal path lengths are equal in floating point too)."""
    import networkx as nx

    from graph.analytics.centrality import betweenness
    g = nx.gnm_random_graph(40, 90, seed=seed)
    nx.set_edge_attributes(g, 1.0, "distance")
    exact = nx.betweenness_centrality(g, weight="distance")
    assert betweenness(g, backend="igraph") == pytest.approx(exact, abs=1e-12)
    sampled = nx.betweenness_centrality(g, k=7, seed=42, weight="distance")
    assert betweenness(g, k=7, seed=42, backend="igraph") == pytest.approx(sampled, abs=1e-12)
    assert max(sampled.values()) > 0 and sampled != exact


@pytest.mark.parametrize("seed", [0, 1])
def test_betweenness_of_an_edge_list_is_that_of_networkx_s_graph_from_it(seed):
    """Above IGRAPH_FROM nodes, betweenness_of_edges hands igraph the edges without
    building networkx's graph: exactly the scores of that graph, exact and sampled, with
    a pair given twice (its first place, its last distance) and a loop. igraph gets the
    edges in networkx's order (distances of 1/n make paths of equal length differ in the
    last bit, so the order can count): scores must be equal, not close."""
    import random

    import networkx as nx

    from graph.analytics.centrality import IGRAPH_FROM, betweenness_of_edges, betweenness_scores
    rng = random.Random(seed)
    n = IGRAPH_FROM + 50
    edges = [(rng.randrange(n), rng.randrange(n), 1.0 / rng.randint(1, 4)) for _ in range(3 * n)]
    edges += [(edges[0][1], edges[0][0], 0.125), (7, 7, 1.0)]
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from((i, j, {"distance": d}) for i, j, d in edges)
    from graph.analytics.centrality import _as_networkx_lists
    assert _as_networkx_lists(n, edges) == ([(a, b) for a, b in g.edges()], [d for _, _, d in g.edges(data="distance")])
    for options in ({}, {"exact_limit": 3, "k": 40, "seed": 7}):
        method, scores = betweenness_of_edges(n, edges, **options)
        expected_method, expected = betweenness_scores(g, **options)
        assert method == expected_method and scores == [expected[i] for i in range(n)]
        assert sum(1 for s in scores if s > 0) > n // 4
    assert method.startswith("sampled")


def test_pagerank_and_eigenvector_are_networkx_s():
    """Computed on our own sparse matrix; the numbers are networkx's."""
    import random

    import networkx as nx
    g = nx.gnm_random_graph(60, 120, seed=5)
    rng = random.Random(5)
    for a, b in g.edges():
        g.edges[a, b]["weight"] = rng.randint(1, 5)
    rows = {r["iri"]: r for r in centrality(g)["nodes"]}
    pagerank = nx.pagerank(g, weight="weight")
    assert {v: r["pagerank"] for v, r in rows.items()} == {v: round(p, 6) for v, p in pagerank.items()}
    main = max(nx.connected_components(g), key=len)
    eig = nx.eigenvector_centrality_numpy(g.subgraph(main), weight="weight")
    top = max(abs(x) for x in eig.values())
    assert {v: rows[v]["eigenvector"] for v in main} == pytest.approx(
        {v: round(abs(x) / top, 6) for v, x in eig.items()}, abs=2e-6)


def test_eigenvector_defined_on_a_disconnected_graph(tiny):
    import networkx as nx
    g = nx.Graph()
    g.add_edges_from([("a", "b"), ("b", "c"), ("x", "y")])
    g.add_node("lonely")
    eig = {r["iri"]: r["eigenvector"] for r in centrality(g)["nodes"]}
    assert eig["b"] == 1.0 and eig["lonely"] == 0.0
    assert eig["x"] == pytest.approx(2 / 3)  # a two-node component scaled by 2/3


# -- shared suppliers

def test_shared_suppliers_by_hand(supply):
    rows = shared_suppliers(supply)
    got = [(r["buyers"][0]["label"], r["buyers"][1]["label"], [s["label"] for s in r["suppliers"]]) for r in rows]
    assert got == [("North", "South", ["Acme", "Zeta"]), ("East", "North", ["Acme"]), ("East", "South", ["Acme"])]
    assert rows[0]["suppliers"][0]["towers"] == {"North": ["End user services"], "South": ["Hosting services"]}


def test_top_shared_pairs_counts_all_and_lists_the_largest(supply):
    from graph.analytics.shared import top_shared_pairs
    total, rows = top_shared_pairs(supply, limit=2)
    assert total == 3  # North–South (Acme, Zeta), East–North (Acme), East–South (Acme)
    assert [(r["buyers"][0]["label"], r["buyers"][1]["label"], [s["label"] for s in r["suppliers"]])
            for r in rows] == [("North", "South", ["Acme", "Zeta"]), ("East", "North", ["Acme"])]
    assert top_shared_pairs(supply, limit=100)[1] == shared_suppliers(supply)
    east = next(n for n, d in supply.nodes(data=True) if d["label"] == "East")
    total, rows = top_shared_pairs(supply, buyer=east)
    assert total == 2 and all("East" in {b["label"] for b in r["buyers"]} for r in rows)


# -- concentration

@pytest.mark.parametrize("seed", [1, 2, 3])
def test_top_pairs_from_blocks_are_the_top_of_all_pairs(monkeypatch, seed):
    """Many ties, many blocks: the listed pairs are exactly the first of the full ordering."""
    import random

    import networkx as nx

    import graph.analytics.shared as shared
    rng = random.Random(seed)
    g = nx.Graph()
    for b in range(40):
        g.add_node(f"b{b:02}", label=f"B{b:02}", kind="buyer")
    for s in range(12):
        g.add_node(f"s{s:02}", label=f"S{s:02}", kind="supplier")
        for b in rng.sample(range(40), rng.randrange(1, 15)):
            g.add_edge(f"b{b:02}", f"s{s:02}")
    every = shared.top_shared_pairs(g, limit=None)
    by_hand = {(a, b): len(set(g[a]) & set(g[b])) for a in sorted(g) for b in sorted(g)
               if a < b and a.startswith("b") and b.startswith("b") and set(g[a]) & set(g[b])}
    assert every[0] == len(every[1]) == len(by_hand)
    assert {(r["buyers"][0]["iri"], r["buyers"][1]["iri"]): len(r["suppliers"]) for r in every[1]} == by_hand
    one = [r for r in every[1] if "b05" in (r["buyers"][0]["iri"], r["buyers"][1]["iri"])]
    monkeypatch.setattr(shared, "BLOCK_ENTRIES", 30)  # a few buyers a block
    for hubs in (0, 3, 12):  # no supplier, three, every one with two buyers or more counted by masks
        monkeypatch.setattr(shared, "HUBS", hubs)
        assert shared.top_shared_pairs(g, limit=None) == every
        for limit in (1, 7, 30):
            total, rows = shared.top_shared_pairs(g, limit=limit)
            assert (total, rows) == (every[0], every[1][:limit])
        assert shared.top_shared_pairs(g, limit=4, buyer="b05") == (len(one), one[:4])


def test_too_many_pairs_to_list_are_counted_not_kept(monkeypatch):
    """2,000 buyers of one supplier, and buyers 0-2 of a second: 1,999,000 pairs share a
    supplier. Listing them all is refused with that count, and the pairs are not held on
    the way: 12-16 MB at its peak, against 128-144 MB when every pair was kept until the
    count was known."""
    import tracemalloc

    import networkx as nx

    import graph.analytics.shared as shared
    from graph.errors import GraphError
    g = nx.Graph()
    for b in range(2000):
        g.add_node(b, label=f"B{b:04}", kind="buyer")
        g.add_edge(b, "hub")
    g.add_edges_from([(0, "small"), (1, "small"), (2, "small")])
    g.add_node("hub", label="Hub", kind="supplier")
    g.add_node("small", label="Small", kind="supplier")
    monkeypatch.setattr(shared, "BLOCK_ENTRIES", 200_000)  # each block's product stays small
    for hubs in (1, 0):  # the big supplier counted from the masks, or multiplied out like the rest
        monkeypatch.setattr(shared, "HUBS", hubs)
        tracemalloc.start()
        try:
            with pytest.raises(GraphError, match=r"^1,999,000 pairs of buyers share a supplier, too many to list"):
                shared.top_shared_pairs(g, limit=None, max_listed=1000)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 40_000_000, peak
        total, rows = shared.top_shared_pairs(g, limit=2)
        assert total == 1_999_000
        assert [[b["label"] for b in r["buyers"]] + [len(r["suppliers"])] for r in rows] == [
            ["B0000", "B0001", 2], ["B0000", "B0002", 2]]


def test_concentration_without_weights_is_the_same_shares(supply):
    """The report asks for supplier rows without their weight: the same rows, one key fewer."""
    def drop(rows):
        return [{k: v for k, v in r.items() if k != "weight"} for r in rows]
    full, lean = concentration(supply), concentration(supply, weights=False)
    assert len(full) == len(lean) == 3 and any(r["suppliers"][0]["weight"] for r in full)
    for f, l in zip(full, lean):
        assert {**f, "suppliers": drop(f["suppliers"]), "towers": None} == {**l, "towers": None}
        assert [{**t, "suppliers": drop(t["suppliers"])} for t in f["towers"]] == l["towers"]
        assert all(list(r) == ["iri", "label", "share"] for r in l["suppliers"])


def test_concentration_by_hand(supply):
    rows = {r["label"]: r for r in concentration(supply)}
    north, south, east = rows["North"], rows["South"], rows["East"]
    assert (north["basis"], [s["share"] for s in north["suppliers"]], north["hhi"], north["top1_share"]) == (
        "known total value (GBP)", [0.75, 0.25], 6250.0, 0.75)
    assert north["single_supplier_towers"] == ["End user services", "Network services"]
    assert (south["basis"], south["hhi"], south["single_supplier_towers"]) == ("number of contracts", 5000.0, [])
    assert south["towers"][0]["hhi"] == 5000.0
    # East holds one contract: not a market, so no HHI (10,000 would call it the most concentrated)
    assert (east["hhi"], east["band"], east["single_supplier_towers"]) == (None, "single contract",
                                                                           ["Data centre services"])
    assert north["band"].startswith("highly concentrated")


# -- paths

def test_explained_path_north_to_east(tiny):
    paths = explained_paths(project(tiny, "network"), E + "north", E + "east", k=3)
    first = paths[0]
    assert first["length"] == 2
    assert [(h["from"]["label"], h["relation"], h["to"]["label"]) for h in first["hops"]] == [
        ("North", "buys from", "Acme"), ("Acme", "supplies", "East")]
    assert first["hops"][0]["sources"] == ["Tiny news"]
    assert [p["length"] for p in paths] == sorted(p["length"] for p in paths)


def test_no_path_is_empty(supply):
    import networkx as nx
    g = nx.Graph()
    g.add_nodes_from(["a", "b"])
    assert explained_paths(g, "a", "b") == []


# -- failure impact

def test_impact_acme_by_hand(supply):
    r = failure_impact(supply, E + "acme")
    got = {b["label"]: (b["towers_lost"], b["towers_with_alternative"], b["value_at_risk"]) for b in r["buyers"]}
    assert got == {"North": (["End user services"], [], {"total": 3_000_000.0}),
                   "South": ([], ["Hosting services"], {}),
                   "East": (["Data centre services"], [], {"total": 2_000_000.0})}
    assert r["value_at_risk"] == {"total": 5_000_000.0}
    assert [f["label"] for f in r["frameworks"]] == ["F"]
    assert [o["label"] for o in r["frameworks"][0]["open_to"]] == ["G"]


def test_impact_without_contract_lists_is_the_same_impact(supply):
    full = failure_impact(supply, E + "acme")
    lean = failure_impact(supply, E + "acme", contracts=False)
    assert [len(b["contracts"]) for b in full["buyers"]] == [1, 1, 1]  # North, South, East: one each
    assert all("contracts" not in b for b in lean["buyers"])
    assert lean["buyers"] == [{k: v for k, v in b.items() if k != "contracts"} for b in full["buyers"]]
    assert {k: v for k, v in lean.items() if k != "buyers"} == {k: v for k, v in full.items() if k != "buyers"}


def test_impact_works_out_only_the_exiting_suppliers_buyers(supply, monkeypatch):
    """Asked about one supplier, the impact looks at the towers of its own buyers only (a
    supplier of a few buyers in a national graph: 0.02 s instead of 4 s), and answers as
    it does from the index of every buyer that the report passes."""
    import graph.analytics.impact as impact
    everyone = impact.impact_index(supply)
    assert sorted(everyone["cover"]) == [E + "east", E + "north", E + "south"]
    covered = []
    real = impact._cover
    monkeypatch.setattr(impact, "_cover", lambda g, b: (covered.append(b), real(g, b))[1])
    for supplier, group, buyers in [("zeta", False, ["north", "south"]), ("acme", False, ["east", "north", "south"]),
                                    ("old", False, []), ("old", True, ["east", "north", "south"])]:
        covered.clear()
        alone = failure_impact(supply, E + supplier, group=group)
        assert sorted(covered) == [E + b for b in buyers]
        assert alone == failure_impact(supply, E + supplier, group=group, index=everyone)


def test_impact_group_takes_predecessors(supply):
    alone = failure_impact(supply, E + "old")
    assert alone["buyers"] == [] and any("group" in n for n in alone["notes"])
    grouped = failure_impact(supply, E + "old", group=True)
    assert [s["label"] for s in grouped["suppliers"]] == ["Acme", "Old"]
    assert grouped["value_at_risk"] == {"total": 5_000_000.0}


def test_impact_note_names_ten_relatives_and_counts_the_rest(supply):
    """A national corporate group has hundreds of members: the note names the first ten."""
    import copy
    g = copy.deepcopy(supply)
    for i in range(12):  # "Old" and twelve more predecessors of Acme: thirteen relatives of Acme
        g.add_node(E + f"p{i:02}", label=f"P{i:02}", kind="supplier")
        g.graph["lineage"].append((E + f"p{i:02}", E + "acme"))
    note = failure_impact(g, E + "acme")["notes"][0]
    assert note == ("Acme has corporate predecessors or successors (Old, P00, P01, P02, P03, P04, P05, P06, P07, "
                    "P08 and 3 more); include them with group=True (--group).")
    assert failure_impact(supply, E + "acme")["notes"] == [
        "Acme has corporate predecessors or successors (Old); include them with group=True (--group)."]


def test_impact_counts_cancelled_only_when_asked(tiny):
    assert failure_impact(project(tiny), E + "zeta")["value_at_risk"] == {"total": 1_000_000.0}
    with_inactive = failure_impact(project(tiny, include_inactive=True), E + "zeta")
    assert with_inactive["value_at_risk"] == {"total": 6_000_000.0}


# -- the bundled data

def test_bundled_bt_is_the_most_connected_supplier(store):
    rows = centrality(project(store))["nodes"]
    suppliers = [r for r in rows if r["kind"] == "supplier"]
    assert max(suppliers, key=lambda r: r["degree"])["label"] == "BT"
    assert max(suppliers, key=lambda r: r["degree"])["degree"] == 5


def test_bundled_dxc_group_failure_takes_met_euc_and_hosting(store):
    r = failure_impact(project(store), ID + "csc", group=True)
    assert [b["label"] for b in r["buyers"]] == ["Metropolitan Police Service"]
    assert r["buyers"][0]["towers_lost"] == ["End user services", "Hosting services"]
    assert r["value_at_risk"] == {"total": 250_000_000.0}


def test_bundled_bt_failure(store):
    r = failure_impact(project(store), ID + "bt")
    assert len(r["buyers"]) == 5
    assert r["value_at_risk"] == {"total": 9_000_000.0}  # only Bromley's value is known
    assert {f["label"] for f in r["frameworks"]} == {
        "London Local Government Communications Framework (BT)", "Pan-London procurement framework (BT)"}


def test_bundled_met_concentration(store):
    met = next(r for r in concentration(project(store)) if r["iri"] == ID + "met")
    # 7 counted contracts with a supplier (the 999 system was cancelled), most without a
    # value: shares by count, DXC 2/7 (end user services, hosting), five others 1/7 each
    assert met["basis"] == "number of contracts"
    assert met["supplier_count"] == 6
    assert met["hhi"] == round(10000 * (2 ** 2 + 5 * 1 ** 2) / 7 ** 2, 1) == 1836.7


def test_bundled_bromley_and_lewisham_share_sungard(store):
    rows = shared_suppliers(project(store))
    pair = next(r for r in rows if {b["label"] for b in r["buyers"]} ==
                {"London Borough of Bromley", "London Borough of Lewisham"})
    assert [s["label"] for s in pair["suppliers"]] == ["SunGard Public Sector Ltd"]


#: Facts about things without an IRI, which the projection leaves out (a contract, a
#: figure and a holder of sources as blank nodes).
BLANK_HOLDERS = """
[] a sg:Contract ; rdfs:label "blank contract" ; sg:buyer :north ; sg:supplier :zeta ; sg:tower tower:Hosting ;
    sg:status sg:Live ; sg:duration "P1Y" ; prov:wasDerivedFrom :src ;
    sg:value [ epo:hasAmountValue 7.0 ; sg:valueKind sg:TotalContractValue ] .
[] rdfs:label "blank holder" ; sg:supplier :acme ; prov:wasDerivedFrom :src .
"""


@pytest.mark.parametrize("data", ["bundled", "tiny", "blank"])
def test_engine_variants_of_the_projection_queries_read_the_same_snapshot(tmp_path, data):
    """graph/queries/internal/oxigraph/ phrases some projection queries for Oxigraph (subqueries it
    joins by hashing; no filter on every row, a blank node packed empty instead); read
    with and without them, the snapshot must be the same, blank nodes left out."""
    from importlib import resources

    from graph.projection.snapshot import snapshot
    from graph.sparql.library import list_queries
    from graph.model.rdffiles import default_data_paths
    from graph.store.local import OxigraphStore
    queries = resources.files("graph") / "queries"
    for folder, names in ((queries / "oxigraph", {q.name for q in list_queries()}),
                          (queries / "internal" / "oxigraph", {f.name for f in (queries / "internal").iterdir()})):
        variants = {f.name for f in folder.iterdir() if f.name.endswith(".rq")}
        assert variants and {v[:-3] for v in variants} <= {n.removesuffix(".rq") for n in names}  # no orphan
    if data != "bundled":
        paths = [tmp_path / "analytics.ttl", *ontology_paths()]
        paths[0].write_text(ANALYTICS + (BLANK_HOLDERS if data == "blank" else ""))
    else:
        paths = default_data_paths()
    store = OxigraphStore()
    store.load(paths)
    tuned = snapshot(store)
    store.engine = None  # the portable queries
    portable = snapshot(store)
    assert tuned.contracts == portable.contracts and len(tuned.contracts) > 5
    if data != "bundled":  # the six contracts of the fixture, whose sources and figures are its own
        assert sorted(tuned.contracts) == [f"http://example.org/c{i}" for i in range(1, 7)]
        assert all(c.sources == ["Tiny news"] for c in tuned.contracts.values())
        assert sorted(v for c in tuned.contracts.values() for v in c.values) == [
            (a, "GBP", "total", ("Tiny news",)) for a in (1e6, 2e6, 3e6, 5e6)]
        assert tuned.contracts["http://example.org/c4"].suppliers == ["http://example.org/zeta"]
    for part in ("sources", "relations", "labels", "kinds", "successor"):
        assert getattr(tuned, part) == getattr(portable, part)
