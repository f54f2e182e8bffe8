"""The projection's snapshot kept beside an on-disk store is the snapshot the store's
queries give, until the store changes."""

import json

import pytest

from graph.projection.snapshot import snapshot
from graph.model.rdffiles import default_data_paths
from graph.store.local import OxigraphStore
from graph.store.lock import CACHE_PREFIX

ID = "https://w3id.org/supplier-graph/id/"
KEPT = CACHE_PREFIX + "snapshot.columns"



def _state(snap) -> dict:
    return {"contracts": snap.contracts, "sources": dict(snap.sources), "relations": snap.relations,
            "successor": snap.successor, "labels": snap.labels, "kinds": dict(snap.kinds)}


#: The projection's grouped queries (graph/queries/internal/), each a snapshot asks once.
PROJECTION = ("projection-sources", "projection-contracts", "projection-suppliers", "projection-facets",
              "projection-values", "projection-relations", "projection-nodes")


def _queries(monkeypatch) -> list:
    """The projection's queries an on-disk store is asked from now on, by name, through the
    store's own interface (in any thread)."""
    from graph.model.namespaces import internal_query
    texts = {internal_query(name, "oxigraph"): name for name in PROJECTION}
    asked = []
    real = OxigraphStore.select_strings

    def spy(self, query, **kw):
        asked.extend(name for text, name in texts.items() if text in query)
        return real(self, query, **kw)
    monkeypatch.setattr(OxigraphStore, "select_strings", spy)
    return asked


def test_the_kept_snapshot_is_the_one_the_queries_give(disk, monkeypatch):
    asked = _queries(monkeypatch)
    fresh = snapshot(OxigraphStore(disk, read_only=True))
    assert not (disk / KEPT).exists()  # kept once read whole: the nodes are read last
    fresh.labels
    assert (disk / KEPT).is_file() and sorted(asked) == sorted(PROJECTION)
    kept = snapshot(OxigraphStore(disk, read_only=True))
    assert len(asked) == len(PROJECTION)  # no query asked
    assert _state(kept) == _state(fresh)
    met = kept.contracts[ID + "contract-met-hosting"]
    assert met.suppliers == [ID + "csc", ID + "dxc"] and isinstance(met.values[0], tuple)
    assert all(isinstance(own, tuple) for c in kept.contracts.values() for *_, own in c.values)
    assert len(kept.contracts) == len(fresh.contracts) > 10
    assert list(kept.contracts) == list(fresh.contracts) == sorted(fresh.contracts)  # the order they are counted in
    # a string many contracts repeat is read back as one object, as the queries give it
    for snap in (fresh, kept):
        assert len({id(c.buyer) for c in snap.contracts.values()}) == len({c.buyer for c in snap.contracts.values()})
        statuses = [c.status for c in snap.contracts.values() if c.status == "live"]
        assert len(statuses) > 5 and len({id(x) for x in statuses}) == 1


def test_the_kept_snapshot_hands_over_the_edges_first(disk, monkeypatch):
    """Reading a kept snapshot gives betweenness's edge list before the contracts, so
    that the report starts it at once; the same list the snapshot's contracts give."""
    import graph.projection.columns
    from graph.projection.snapshot import supply_edges
    fresh = snapshot(OxigraphStore(disk, read_only=True))
    fresh.labels  # kept now
    made = []

    class Counted(graph.projection.columns.Contract):
        def __init__(self, *args):
            super().__init__(*args)
            made.append(self.iri)
    monkeypatch.setattr(graph.projection.columns, "Contract", Counted)
    got = []
    kept = snapshot(OxigraphStore(disk, read_only=True), on_edges=lambda n, edges: got.append((n, edges, len(made))))
    nodes, edges = supply_edges(None, snap=fresh)
    assert got == [(len(nodes), edges, 0)] and len(edges) >= 10 and len(made) == len(fresh.contracts)
    assert supply_edges(None, snap=kept) == (nodes, edges)


def test_reports_from_a_kept_snapshot_are_the_same(disk, runner, monkeypatch):
    import graph.workers
    import graph.report.build
    from graph.cli.main import cli
    started = []  # betweenness started (on how many nodes), and the contracts counted, in turn
    real, count = graph.workers.in_process, graph.report.build.load_contracts
    monkeypatch.setattr(graph.workers, "in_process", lambda *a, **k: (started.append(a[1]), real(*a, **k))[1])
    monkeypatch.setattr(graph.report.build, "load_contracts", lambda *a, **k: (started.append("counted"), count(*a, **k))[1])
    args = ["--store", f"oxigraph:{disk}", "report", "--format", "json"]
    first = runner.invoke(cli, args)
    assert first.exit_code == 0 and (disk / KEPT).is_file()
    second = runner.invoke(cli, args)
    assert second.exit_code == 0 and second.stdout == first.stdout
    # betweenness once a report: the second time from the kept edges, before the contracts
    assert started == ["counted", 13, 13, "counted"]
    for more in ([], ["--group"], ["--include-inactive"]):  # the contracts around DXC only, from the kept one
        impact = runner.invoke(cli, ["--store", f"oxigraph:{disk}", "impact", ":dxc", *more, "--format", "json"])
        memory = runner.invoke(cli, ["impact", ":dxc", *more, "--format", "json"])
        assert impact.exit_code == 0 and impact.stdout == memory.stdout and json.loads(memory.stdout)["buyers"]


#: Shared Services is a buyer (c0, first in IRI order, so the supply view calls it a buyer)
#: and a supplier to North (c2) beside Acme (c1), both of Hosting.
BOTH = """\
@prefix :     <http://example.org/> .
@prefix sg:   <https://w3id.org/supplier-graph/ontology#> .
@prefix tower: <https://w3id.org/supplier-graph/tower/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
:north a sg:LocalAuthority ; rdfs:label "North" .
:shared a sg:LocalAuthority ; rdfs:label "Shared Services" .
:acme a sg:Supplier ; rdfs:label "Acme" .
:zeta a sg:Supplier ; rdfs:label "Zeta" .
:c0 a sg:Contract ; rdfs:label "c0" ; sg:buyer :shared ; sg:supplier :zeta ; sg:tower tower:Network .
:c1 a sg:Contract ; rdfs:label "c1" ; sg:buyer :north ; sg:supplier :acme ; sg:tower tower:Hosting .
:c2 a sg:Contract ; rdfs:label "c2" ; sg:buyer :north ; sg:supplier :shared ; sg:tower tower:Hosting .
"""


def test_impact_from_the_contracts_around_a_supplier_is_the_whole_graphs(tmp_path, runner):
    """From a kept snapshot `impact` builds only the contracts around the supplier
    (Columns.near), and still reads every kind as the whole graph's view gives it: Shared
    Services, a buyer there, is no alternative for North's Hosting, so North loses it."""
    from graph.cli.main import cli
    from graph.model.rdffiles import ontology_paths
    data = tmp_path / "both.ttl"
    data.write_text(BOTH)
    path = tmp_path / "store"
    assert runner.invoke(cli, ["load", str(data), *map(str, ontology_paths()), "--store", f"oxigraph:{path}",
                               "--prepare"]).exit_code == 0
    memory = runner.invoke(cli, ["--data", str(data), "impact", "http://example.org/acme", "--format", "json"])
    kept = runner.invoke(cli, ["--store", f"oxigraph:{path}", "impact", "http://example.org/acme", "--format", "json"])
    assert kept.exit_code == 0 and kept.stdout == memory.stdout
    buyers = json.loads(kept.stdout)["buyers"]
    assert [(b["label"], b["towers_lost"]) for b in buyers] == [("North", ["Hosting services"])]
    around = snapshot(OxigraphStore(path, read_only=True), near="http://example.org/acme")
    assert around.partial and sorted(around.contracts) == [f"http://example.org/c{i}" for i in range(3)]

@pytest.mark.parametrize("option, name", [("--buyer", "the Met"), ("--supplier", "BT"), ("--tower", "Hosting services"),
                                          ("--buyer", "Bromley")])
def test_a_timeline_of_some_contracts_reads_only_those_from_the_kept_snapshot(disk, runner, option, name):
    """From a kept snapshot a filtered timeline builds only the contracts it shows (rows
    found by comparing columns); the same rows as from the store in memory."""
    snapshot(OxigraphStore(disk, read_only=True)).labels  # kept
    from graph.cli.main import cli
    from graph.sparql.lookup import resolve
    kept = runner.invoke(cli, ["--store", f"oxigraph:{disk}", "timeline", option, name, "--format", "json"])
    memory = runner.invoke(cli, ["timeline", option, name, "--format", "json"])
    assert kept.exit_code == 0 and kept.stdout == memory.stdout and '"contract"' in kept.stdout
    reading = OxigraphStore(disk, read_only=True)
    key, iri = option[2:], resolve(reading, name).iri
    part, whole = snapshot(reading, of={key: iri}), snapshot(reading)
    held = {"buyer": lambda c: c.buyer == iri, "supplier": lambda c: iri in c.suppliers,
            "tower": lambda c: iri in c.towers}[key]
    assert part.partial and not whole.partial
    assert part.contracts == {i: c for i, c in whole.contracts.items() if held(c)} and part.contracts
    assert list(part.contracts) == sorted(part.contracts) and part.label(iri) == whole.label(iri)


@pytest.mark.parametrize("view", ["supply", "network", "towers"])
def test_centrality_with_betweenness_beside_is_the_same(disk, runner, monkeypatch, view):
    """The centrality command computes betweenness in an interpreter of its own (here on
    any graph with an edge), from a kept snapshot's edges before the contracts are
    counted: the same numbers as computed in one process from the projection."""
    import importlib
    import json

    import graph.workers
    import graph.projection.views
    from graph.analytics.centrality import centrality
    from graph.cli.main import cli
    from graph.projection.views import project
    direct = centrality(project(OxigraphStore(disk, read_only=True), view))
    n = len(direct["nodes"])
    # the module (graph.analytics.centrality is the function graph.analytics exports)
    monkeypatch.setattr(importlib.import_module("graph.analytics.centrality"), "BACKGROUND_EDGES", 1)
    started = []  # betweenness started (on how many nodes, in another interpreter?), and contracts counted
    real, count = graph.workers.in_process, graph.projection.views.load_contracts
    monkeypatch.setattr(graph.workers, "in_process",
                        lambda *a, **k: (started.append((a[1], k["spawn"])), real(*a, **k))[1])
    monkeypatch.setattr(graph.projection.views, "load_contracts",
                        lambda *a, **k: (started.append("counted"), count(*a, **k))[1])
    args = ["--store", f"oxigraph:{disk}", "centrality", "--view", view, "--format", "json"]
    result = runner.invoke(cli, args)  # the snapshot was kept by the direct computation
    assert result.exit_code == 0 and (disk / KEPT).is_file()
    assert json.loads(result.stdout) == json.loads(json.dumps(direct)) and direct["betweenness_method"] == "exact"
    assert started.count((n, True)) == 1 and "counted" in started
    if view == "supply":  # from the kept edges, before anything else
        assert started[0] == (n, True)
    else:  # from the view's own edges, once it is built
        assert started[-1] == (n, True)


def test_a_change_to_the_store_is_seen(disk):
    """Another program adds a contract: the store's state changes, and the kept snapshot,
    left in place, is not read."""
    import pyoxigraph as ox
    snapshot(OxigraphStore(disk, read_only=True)).labels
    assert (disk / KEPT).is_file()
    other = ox.Store(str(disk))
    other.update(f"""PREFIX sg: <https://w3id.org/supplier-graph/ontology#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        INSERT DATA {{ <{ID}new-deal> a sg:Contract ; rdfs:label "New deal" ; sg:buyer <{ID}bromley> ;
                       sg:supplier <{ID}bt> ; sg:status sg:Live . }}""")
    other.flush()
    del other
    assert (disk / KEPT).is_file()
    snap = snapshot(OxigraphStore(disk, read_only=True))
    assert snap.contracts[ID + "new-deal"].suppliers == [ID + "bt"]


def test_a_damaged_snapshot_is_read_again(disk, monkeypatch):
    snapshot(OxigraphStore(disk, read_only=True)).labels
    whole = (disk / KEPT).read_bytes()
    (disk / KEPT).write_bytes(whole[:len(whole) // 2])
    asked = _queries(monkeypatch)
    snap = snapshot(OxigraphStore(disk, read_only=True))
    assert sorted(asked) == sorted(PROJECTION) and ID + "contract-met-hosting" in snap.contracts
    snap.labels
    assert (disk / KEPT).read_bytes() == whole


def test_opening_the_store_for_writing_deletes_what_is_kept(disk):
    from graph.sparql.lookup import resolve
    reading = OxigraphStore(disk, read_only=True)
    snapshot(reading).labels
    resolve(reading, "metropolitan police")
    reading.close()
    assert sorted(p.name for p in disk.glob(CACHE_PREFIX + "*")) == [CACHE_PREFIX + "names.sqlite", KEPT]
    OxigraphStore(disk).close()
    assert not list(disk.glob(CACHE_PREFIX + "*"))


def test_nothing_is_kept_for_a_store_in_memory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = OxigraphStore()
    store.load(default_data_paths())
    snapshot(store).labels
    assert list(tmp_path.iterdir()) == []


def test_a_snapshot_other_code_kept_is_read_again(disk, monkeypatch):
    import graph.store.cache
    snapshot(OxigraphStore(disk, read_only=True)).labels
    monkeypatch.setattr(graph.store.cache, "source", lambda *modules: b"another version")
    asked = _queries(monkeypatch)
    snapshot(OxigraphStore(disk, read_only=True)).labels
    assert sorted(asked) == sorted(PROJECTION)
    snapshot(OxigraphStore(disk, read_only=True)).labels
    assert len(asked) == len(PROJECTION)  # kept again, for this code


def test_what_a_killed_process_left_half_written_is_deleted(disk):
    """A process killed while writing leaves its temporary file; the next one to write
    deletes it, and leaves alone a file that a running process is writing."""
    import subprocess
    import sys
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    left = disk / f"{KEPT}.{int(gone.stdout)}.tmp"
    left.write_bytes(b"half")
    running = disk / f"{KEPT}.1.tmp"  # pid 1 is always running
    running.write_bytes(b"half")
    snapshot(OxigraphStore(disk, read_only=True)).labels
    assert not left.exists() and running.exists() and (disk / KEPT).is_file()


def test_load_prepare_keeps_what_the_first_commands_would_read(tmp_path, runner, monkeypatch):
    from graph.cli.main import cli
    from graph.model.rdffiles import bundled_path
    path = tmp_path / "store"
    loaded = runner.invoke(cli, ["load", str(bundled_path("data", "triples.ttl")), "--store", f"oxigraph:{path}",
                                 "--prepare"])
    assert loaded.exit_code == 0, loaded.output
    assert "kept the projection's snapshot and the dates in " in loaded.stderr and "indexed " in loaded.stderr
    assert sorted(p.name for p in path.glob(CACHE_PREFIX + "*")) == [CACHE_PREFIX + "dates", CACHE_PREFIX + "names.sqlite",
                                                                      KEPT]
    asked = _queries(monkeypatch)
    shown = runner.invoke(cli, ["--store", f"oxigraph:{path}", "show", "metropolitan police service"])
    assert (shown.exit_code, shown.stderr) == (0, "")  # no index to build
    report = runner.invoke(cli, ["--store", f"oxigraph:{path}", "report", "--format", "json"])
    assert report.exit_code == 0 and asked == []  # the snapshot was read from the file
    # loading again deletes both
    assert runner.invoke(cli, ["load", str(bundled_path("data", "triples.ttl")), "--store",
                               f"oxigraph:{path}"]).exit_code == 0
    assert not list(path.glob(CACHE_PREFIX + "*"))


def test_figures_json_cannot_write_are_kept(tmp_path):
    """A figure of NaN or infinity (valid xsd:double, which JSON cannot write) is kept as it was read."""
    path = tmp_path / "store"
    writing = OxigraphStore(path)
    writing.store.update(f"""PREFIX sg: <https://w3id.org/supplier-graph/ontology#>
        PREFIX epo: <http://data.europa.eu/a4g/ontology#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        INSERT DATA {{
          <{ID}c> a sg:Contract ; rdfs:label "C" ; sg:buyer <{ID}b> ; sg:supplier <{ID}s> ;
                  sg:value <{ID}v1>, <{ID}v2>, <{ID}v3> .
          <{ID}v1> epo:hasAmountValue "NaN"^^xsd:double ; sg:valueKind sg:TotalValue .
          <{ID}v2> epo:hasAmountValue "INF"^^xsd:double ; sg:valueKind sg:AnnualValue .
          <{ID}v3> epo:hasAmountValue 2.5 ; sg:valueKind sg:TotalValue .
          sg:TotalValue <http://www.w3.org/2004/02/skos/core#notation> "total" .
          sg:AnnualValue <http://www.w3.org/2004/02/skos/core#notation> "annual" . }}""")
    writing.close()
    fresh = snapshot(OxigraphStore(path, read_only=True))
    fresh.labels
    kept = snapshot(OxigraphStore(path, read_only=True))
    assert kept._nodes is None and (path / KEPT).is_file()  # read from the file
    assert repr(kept.contracts[ID + "c"].values) == repr(fresh.contracts[ID + "c"].values)
    assert sorted(repr(a) for a, *_ in kept.contracts[ID + "c"].values) == ["2.5", "inf", "nan"]


def test_a_figures_own_source_is_kept_with_it(tmp_path):
    """A figure derived from a document nothing else cites: the kept snapshot still gives
    the figure its title (the snapshot's sources leave figures out; their values hold them)."""
    path = tmp_path / "store"
    writing = OxigraphStore(path)
    writing.store.update(f"""PREFIX sg: <https://w3id.org/supplier-graph/ontology#>
        PREFIX epo: <http://data.europa.eu/a4g/ontology#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        INSERT DATA {{
          <{ID}c> a sg:Contract ; rdfs:label "C" ; sg:buyer <{ID}b> ; sg:supplier <{ID}s> ; sg:value <{ID}v> .
          <{ID}v> epo:hasAmountValue 4.0 ; sg:valueKind sg:TotalValue ; prov:wasDerivedFrom <{ID}notice> .
          <{ID}notice> dcterms:title "The award notice" .
          sg:TotalValue <http://www.w3.org/2004/02/skos/core#notation> "total" . }}""")
    writing.close()
    fresh = snapshot(OxigraphStore(path, read_only=True))
    fresh.labels
    kept = snapshot(OxigraphStore(path, read_only=True))
    assert kept._cols is not None  # read from the file
    assert kept.contracts[ID + "c"].values == fresh.contracts[ID + "c"].values \
        == [(4.0, "GBP", "total", ("The award notice",))]
    assert ID + "v" not in kept.sources and ID + "v" not in fresh.sources
