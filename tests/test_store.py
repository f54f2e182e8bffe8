"""Loading RDF: parse errors as path:line:col, missing files, formats."""

import os

import pytest

from graph.errors import InputError, ParseError
from graph.model.rdffiles import bundled_path, load_graph


def test_missing_dot_is_located(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix : <http://example.org/> .\n:a :b :c\n:d :e :f .\n")
    with pytest.raises(ParseError) as e:
        load_graph([bad])
    # the parser notices at the start of line 3, where the '.' should have come before
    assert (e.value.line, e.value.col) == (3, 1)
    assert str(e.value) == f"{bad}:3:1: expected '.' or '}}' or ']' at end of statement"


def test_jsonld_syntax_error_is_located(tmp_path):
    bad = tmp_path / "bad.jsonld"
    bad.write_text('{"@id": "http://example.org/a",\n  "x": [1,, 2]}')
    with pytest.raises(ParseError) as e:
        load_graph([bad])
    assert (e.value.line, e.value.col) == (2, 11)


def test_missing_file():
    with pytest.raises(InputError, match="no-such.ttl: no such file or directory"):
        load_graph(["no-such.ttl"])


def test_unknown_suffix(tmp_path):
    f = tmp_path / "data.csv"
    f.write_text("a,b\n")
    with pytest.raises(InputError, match="cannot tell the RDF format"):
        load_graph([f])


def test_directory_expands_to_its_rdf_files(tmp_path):
    (tmp_path / "a.ttl").write_text("<http://e/a> <http://e/p> <http://e/b> .\n")
    (tmp_path / "b.nt").write_text("<http://e/b> <http://e/p> <http://e/c> .\n")
    (tmp_path / "notes.txt").write_text("not rdf")
    assert len(load_graph([tmp_path])) == 2


def test_bundled_graph_has_data_and_ontology(bundled_graph):
    assert bundled_path("data", "triples.ttl").exists()
    assert len(bundled_graph) > 1000


# -- an on-disk store shared by several processes: any number of readers, or one writer

@pytest.fixture()
def store_dir(tmp_path, runner):
    from graph.cli.main import cli
    path = tmp_path / "store"
    assert runner.invoke(cli, ["load", str(bundled_path("data", "triples.ttl")), "--store", f"oxigraph:{path}"]).exit_code == 0
    return path


@pytest.fixture()
def extra(tmp_path):
    """One triple to load into the store."""
    path = tmp_path / "extra.ttl"
    path.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    return path


def test_commands_read_a_store_another_is_reading(store_dir, runner):
    """A report running on a national store while show runs in another terminal. Each
    OxigraphStore holds its own lock, as each process would."""
    from graph.cli.main import cli
    from graph.store.backends import open_store
    reading = open_store(store=f"oxigraph:{store_dir}")
    assert reading.select_strings("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") != [("0",)]
    result = runner.invoke(cli, ["--store", f"oxigraph:{store_dir}", "show", "the Met"])
    assert result.exit_code == 0 and result.output.startswith("Metropolitan Police Service\n")
    reading.close()


def test_loading_into_a_store_being_read_is_refused_and_changes_nothing(store_dir, runner, extra):
    from graph.cli.main import cli
    from graph.store.local import OxigraphStore
    reading = OxigraphStore(store_dir, read_only=True)
    result = runner.invoke(cli, ["load", str(extra), "--store", f"oxigraph:{store_dir}"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {store_dir}: the store is in use by another process "
                                    f"(process {os.getpid()}: ")  # this test's process holds it
    assert result.stderr.endswith("), reading it or loading it; try again when it has finished\n")
    reading.close()
    ask = "ASK { <http://example.org/a> ?p ?o }"
    assert not bool(OxigraphStore(store_dir, read_only=True).store.query(ask))  # nothing was added
    assert runner.invoke(cli, ["load", str(extra), "--store", f"oxigraph:{store_dir}"]).exit_code == 0
    assert bool(OxigraphStore(store_dir, read_only=True).store.query(ask))  # once the reader is gone


def test_reading_a_store_being_loaded_is_refused(store_dir, runner):
    from graph.cli.main import cli
    from graph.store.local import OxigraphStore
    writing = OxigraphStore(store_dir)
    result = runner.invoke(cli, ["--store", f"oxigraph:{store_dir}", "stats"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {store_dir}: the store is being loaded by process {os.getpid()}: ")
    assert result.stderr.endswith("; try again when it has finished\n")
    writing.close()
    assert runner.invoke(cli, ["--store", f"oxigraph:{store_dir}", "stats"]).exit_code == 0


def test_a_served_store_is_not_loaded_into_until_the_server_stops(store_dir, runner, extra):
    """serve passes the readers' lock to the Oxigraph server, which holds it while it runs."""
    from graph.cli.main import cli
    from graph.serve.server import start_server
    proc, url, tmp = start_server(store=f"oxigraph:{store_dir}", port=0, timeout=2)
    try:
        assert runner.invoke(cli, ["load", str(extra), "--store", f"oxigraph:{store_dir}"]).exit_code == 2
        assert runner.invoke(cli, ["--store", f"oxigraph:{store_dir}", "show", "the Met"]).exit_code == 0
    finally:
        proc.terminate()
        proc.wait(10)
    assert tmp is None
    assert runner.invoke(cli, ["load", str(extra), "--store", f"oxigraph:{store_dir}"]).exit_code == 0


def test_loading_compacts_the_store(tmp_path, runner, monkeypatch):
    """A bulk load leaves overlapping files that readers, opening the store read-only,
    never merge: `load`, and a command that loads a new store, compact it once loaded."""
    from graph.cli.main import cli
    from graph.store.backends import open_store
    from graph.store.local import OxigraphStore
    compacted = []
    real = OxigraphStore.compact
    monkeypatch.setattr(OxigraphStore, "compact", lambda self: (compacted.append(self.path), real(self)))
    result = runner.invoke(cli, ["load", str(bundled_path("data", "triples.ttl")), "--store", f"oxigraph:{tmp_path / 'a'}"])
    assert result.exit_code == 0 and compacted == [tmp_path / "a"]
    assert result.stderr.startswith("compacting the store") or "\ncompacting the store" in result.stderr
    open_store(store=f"oxigraph:{tmp_path / 'b'}").close()  # loads the bundled graph the first time
    assert compacted == [tmp_path / "a", tmp_path / "b"]
    open_store(store=f"oxigraph:{tmp_path / 'b'}").close()  # reads it afterwards: nothing to compact
    assert len(compacted) == 2
