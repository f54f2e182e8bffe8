"""The synthetic generator and the persistent store it is loaded into."""

import pytest

from graph.cli.main import cli
from graph.store.backends import open_store
from graph.ingest.synth import synthesise


@pytest.fixture(scope="module")
def synth_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "s.nt"
    counts = synthesise(400, path, seed=3)
    return path, counts


def test_counts_follow_the_size(synth_file):
    _, counts = synth_file
    assert (counts["contracts"], counts["buyers"], counts["suppliers"], counts["frameworks"],
            counts["partnerships"], counts["sources"]) == (400, 20, 40, 2, 2, 8)


def test_deterministic_for_a_seed(synth_file, tmp_path):
    path, _ = synth_file
    again = tmp_path / "again.nt"
    synthesise(400, again, seed=3)
    assert again.read_bytes() == path.read_bytes()
    other = tmp_path / "other.nt"
    synthesise(400, other, seed=4)
    assert other.read_bytes() != path.read_bytes()


def test_conforms_to_the_shapes(runner, synth_file):
    path, _ = synth_file
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 0, result.output


def test_zipf_market_share(synth_file):
    path, _ = synth_file
    store = open_store([path])
    rows = store.select("""PREFIX sg: <https://w3id.org/supplier-graph/ontology#>
        SELECT ?s (COUNT(?c) AS ?n) WHERE { ?c sg:supplier ?s } GROUP BY ?s ORDER BY DESC(?n)""").rows
    shares = [int(r["n"].toPython()) for r in rows]
    assert shares[0] > 3 * shares[len(shares) // 2]  # the biggest supplier dwarfs the median one


def test_takeovers_make_small_corporate_groups(tmp_path):
    """5,000 contracts: 500 suppliers, so 10 takeovers, each of a different company outside
    the 20 largest by one of them; no group takes in a second of the largest."""
    import networkx as nx
    path = tmp_path / "s.nt"
    synthesise(5000, path, seed=3)
    store = open_store([path])
    pairs = [(str(r["old"]), str(r["new"])) for r in store.select("""PREFIX sg: <https://w3id.org/supplier-graph/ontology#>
        SELECT ?old ?new WHERE { ?e sg:predecessor ?old ; sg:successor ?new }""").rows]
    rank = lambda iri: int(iri.rsplit("/", 1)[1])  # noqa: E731 - supplier/N is the N-th largest
    assert len(pairs) == 10
    assert len({old for old, _ in pairs}) == 10  # nobody taken over twice
    assert all(rank(old) >= 20 and rank(new) < 20 for old, new in pairs)
    groups = list(nx.connected_components(nx.Graph(pairs)))
    assert all(sum(rank(x) < 20 for x in g) == 1 for g in groups)
    assert sum(len(g) for g in groups) == 10 + len(groups)


def test_load_into_a_store_and_read_it(runner, synth_file, tmp_path):
    path, _ = synth_file
    store_dir = tmp_path / "store"
    result = runner.invoke(cli, ["load", str(path), "--store", f"oxigraph:{store_dir}"])
    assert result.exit_code == 0, result.stderr
    import re
    assert re.search(r": [\d,]+ triples \(compacted in [\d.]+ s\)$", result.stderr.strip()), result.stderr
    memory = runner.invoke(cli, ["--data", str(path), "stats", "--format", "json"]).stdout
    stored = runner.invoke(cli, ["--store", f"oxigraph:{store_dir}", "stats", "--format", "json"]).stdout
    assert stored == memory


def test_load_rejects_other_stores(runner, synth_file):
    path, _ = synth_file
    result = runner.invoke(cli, ["load", str(path), "--store", "postgres:x"])
    assert result.exit_code == 2 and "use oxigraph:DIR" in result.stderr
