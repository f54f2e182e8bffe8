"""Loading RDF: parse errors as path:line:col, missing files, formats."""

import pytest

from graph.errors import InputError, ParseError
from graph.store import bundled_path, load_graph


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
