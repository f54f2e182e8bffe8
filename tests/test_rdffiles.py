"""Reading the user's RDF files: every failure placed as file:line:col, encodings named,
and no command answering from other data than the user named."""

import pytest

from conftest import TINY
from graph.cli.main import cli
from graph.errors import InputError, ParseError
from graph.model.rdffiles import load_graph
from graph.store.local import OxigraphStore


def _load_both(path):
    """Parse with rdflib (validate) and with Oxigraph (every other command)."""
    load_graph([path])
    OxigraphStore(None).load([path])


def test_a_file_cut_anywhere_is_placed_by_line_and_column(tmp_path):
    """rdflib fails on some truncations with a bare IndexError or AssertionError; each cut
    must still come out as file:line:col (or parse, where the cut falls between statements)."""
    data = TINY.encode("utf-8")
    path = tmp_path / "cut.ttl"
    unplaced, placed = [], 0
    for cut in range(1, len(data)):
        path.write_bytes(data[:cut])
        for parse in (load_graph, lambda p: OxigraphStore(None).load(p)):
            try:
                parse([path])
            except ParseError as e:
                placed += 1
                if e.line is None or e.col is None:
                    unplaced.append((cut, str(e)))
    assert unplaced == []
    assert placed > len(data)  # most cuts break a statement, for both parsers


def test_a_byte_order_mark_is_accepted(tmp_path, runner):
    plain, marked = tmp_path / "plain.ttl", tmp_path / "marked.ttl"
    plain.write_text(TINY, encoding="utf-8")
    marked.write_bytes(b"\xef\xbb\xbf" + TINY.encode("utf-8"))
    for command in (["validate"], ["stats", "--format", "json"]):
        a = runner.invoke(cli, ["--data", str(plain), *command])
        b = runner.invoke(cli, ["--data", str(marked), *command])
        assert (b.exit_code, b.output) == (a.exit_code, a.output)
    assert "North Council" in runner.invoke(cli, ["--data", str(marked), "show", "North Council"]).output


def test_utf16_is_named_with_the_command_that_converts_it(tmp_path, runner):
    path = tmp_path / "wide.ttl"
    path.write_bytes(TINY.encode("utf-16"))
    for command in (["validate"], ["stats"]):
        result = runner.invoke(cli, ["--data", str(path), *command])
        assert result.exit_code == 2
        assert result.stderr == (f"error: {path}: the file is UTF-16, not UTF-8 as RDF text formats are; "
                                 f"convert it with: iconv -f UTF-16 -t UTF-8 {path} > {tmp_path / 'wide-utf8.ttl'}\n")


def test_latin1_is_placed_and_named(tmp_path, runner):
    path = tmp_path / "latin.ttl"
    path.write_bytes(TINY.replace("Acme IT", "Acme Café").encode("cp1252"))
    line = TINY.splitlines().index(':acme a sg:Supplier ; rdfs:label "Acme IT" .') + 1
    col = len(':acme a sg:Supplier ; rdfs:label "Acme Caf') + 1
    for command in (["validate"], ["stats"]):
        result = runner.invoke(cli, ["--data", str(path), *command])
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: {path}:{line}:{col}: byte 0xe9 is not UTF-8; "
                                        f"the file looks like Windows-1252 (Latin-1): convert it with: "
                                        f"iconv -f CP1252 -t UTF-8 {path} > ")


@pytest.mark.parametrize("content", [b"", b"\n  \n\t", b"\xef\xbb\xbf\n"])
@pytest.mark.parametrize("command", [["validate"], ["stats"], ["show", "BT"], ["report", "--format", "json"]])
def test_an_empty_data_file_is_an_error_not_other_data(tmp_path, runner, content, command):
    path = tmp_path / "empty.ttl"
    path.write_bytes(content)
    result = runner.invoke(cli, ["--data", str(path), *command])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (f"error: {path}: the file is empty; name a file with data in it "
                             f"(supplier-graph reads no other data in its place)\n")


def test_validate_names_an_empty_file_given_as_its_argument(tmp_path, runner):
    path = tmp_path / "empty.ttl"
    path.write_bytes(b"")
    result = runner.invoke(cli, ["validate", str(path)])
    assert result.exit_code == 2 and "the file is empty" in result.stderr


def test_a_directory_with_no_rdf_file_is_an_error(tmp_path, runner):
    (tmp_path / "notes.txt").write_text("not RDF")
    result = runner.invoke(cli, ["--data", str(tmp_path), "stats"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {tmp_path}: the directory holds no RDF file (")


def test_a_bad_file_among_good_ones_is_named(tmp_path):
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text(TINY, encoding="utf-8")
    bad.write_text(TINY[:TINY.index("rdfs:label \"Acme IT\"") + 15], encoding="utf-8")
    with pytest.raises(ParseError) as e:
        OxigraphStore(None).load([good, bad])
    assert e.value.path == str(bad) and e.value.line == TINY.splitlines().index(
        ':acme a sg:Supplier ; rdfs:label "Acme IT" .') + 1
    with pytest.raises(InputError):
        load_graph([good, tmp_path / "missing.ttl"])
