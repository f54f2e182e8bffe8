"""Property-based attacks on every command and importer (hypothesis), each in a bounded
number of examples so that the default suite stays quick.

What must hold whatever the input: no traceback (a clear error, exit 2, or a result), no
partial output file, the input file unchanged, and every CSV the tool writes safe to open
in a spreadsheet. ``FUZZ_EXAMPLES=500`` draws more examples than the default, for a
longer hunt.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from graph.cli.main import cli

FIX = Path(__file__).resolve().parent / "fixtures"
DATA = Path(__file__).resolve().parent.parent / "data" / "triples.ttl"
SG = rdflib.Namespace("https://w3id.org/supplier-graph/ontology#")
TOWER = rdflib.Namespace("https://w3id.org/supplier-graph/tower/")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")

#: examples are drawn the same way on every run (derandomize), so the suite is repeatable;
#: a failure is shown as drawn, not shrunk: shrinking a run of a dozen commands takes minutes
FUZZ = settings(max_examples=int(__import__("os").environ.get("FUZZ_EXAMPLES", 20)), deadline=None, derandomize=True, database=None,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: text as data brings it: any character but the surrogates and NUL (which no RDF syntax
#: can carry), quotes, markup, newlines and formula starts made likely
names = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=1, max_size=30),
    st.sampled_from(['<script>alert(1)</script>', '=HYPERLINK("http://evil.example/")', 'A "quoted" & <b>bold</b>',
                     "line\nbreak", "@SUM(A1)", "+44 20", "-cmd", "Ünïcödé Ltd", "  ", "'", "\\", "}{"]))
#: IRI local parts, including characters that must be escaped or percent-encoded
locals_ = st.text(st.sampled_from("abcXYZ019-_.~%é"), min_size=1, max_size=12)


def _run(args, **kw):
    """Invoke the command line in-process; a traceback anywhere fails the test."""
    result = CliRunner().invoke(cli, [str(a) for a in args], **kw)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: traceback instead of an answer") from result.exception
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr)
    if result.exit_code == 2:
        assert result.stderr.startswith(("error: ", "Usage: ")), result.stderr
    return result


def _cells(text: str, delimiter=","):
    return [c for row in csv.reader(io.StringIO(text), delimiter=delimiter) for c in row]


def _graph(buyer: str, supplier: str, buyer_iri: str, supplier_iri: str) -> bytes:
    base = "http://example.org/"
    g = rdflib.Graph()
    b, s = rdflib.URIRef(base + "b/" + buyer_iri), rdflib.URIRef(base + "s/" + supplier_iri)
    c, src = rdflib.URIRef(base + "contract"), rdflib.URIRef(base + "src")
    g.add((src, rdflib.RDF.type, SG.SourceDocument))
    g.add((src, DCT.title, rdflib.Literal(f"News of {supplier}")))
    g.add((b, rdflib.RDF.type, SG.LocalAuthority))
    g.add((b, rdflib.RDFS.label, rdflib.Literal(buyer)))
    g.add((s, rdflib.RDF.type, SG.Supplier))
    g.add((s, rdflib.RDFS.label, rdflib.Literal(supplier)))
    for p, o in ((rdflib.RDF.type, SG.Contract), (rdflib.RDFS.label, rdflib.Literal(f"{buyer} / {supplier}")),
                 (SG.buyer, b), (SG.supplier, s), (SG.tower, TOWER.Network), (SG.status, SG.Live),
                 (PROV.wasDerivedFrom, src)):
        g.add((c, p, o))
    return g.serialize(format="turtle", encoding="utf-8")


@FUZZ
@given(buyer=names, supplier=names, buyer_iri=locals_, supplier_iri=locals_)
def test_any_labels_and_iris_through_every_command(tmp_path_factory, buyer, supplier, buyer_iri, supplier_iri):
    work = tmp_path_factory.mktemp("labels")
    data = work / "data.ttl"
    data.write_bytes(_graph(buyer, supplier, buyer_iri, supplier_iri))
    before = data.read_bytes()
    d = ["--data", data]
    _run([*d, "validate"])
    _run([*d, "stats", "--format", "json"])
    for name in (supplier, buyer):
        _run([*d, "show", name])
    _run([*d, "impact", supplier])
    _run([*d, "paths", buyer, supplier])
    _run([*d, "centrality", "--format", "csv"])
    _run([*d, "shared", "--format", "json"])
    _run([*d, "sources"])
    exported = work / "graph.graphml"
    export = _run([*d, "export", "--format", "graphml", "--out", exported])
    assert exported.exists() == (export.exit_code == 0)
    _run([*d, "timeline", "--format", "csv"])
    query = _run([*d, "query", "suppliers-of-buyer", "--format", "csv"])
    if query.exit_code == 0:
        assert not [c for c in _cells(query.stdout) if c[:1] in ("=", "+", "@") or
                    (c[:1] == "-" and not re.fullmatch(r"-[\d.]+", c))]
    tsv = _run([*d, "query", "suppliers-of-buyer", "--format", "tsv"])
    if tsv.exit_code == 0:  # one line per row, whatever the names hold
        lines = tsv.stdout.rstrip("\n").split("\n")  # TSV's lines end at \n only
        assert len(lines) == 2 and len({len(line.split("\t")) for line in lines}) == 1
    for fmt, suffix in (("html", "html"), ("json", "json"), ("markdown", "md")):
        out = work / f"report.{suffix}"
        report = _run([*d, "report", "--format", fmt, "--out", out])
        assert out.exists() == (report.exit_code == 0)
    if (work / "report.html").exists():
        html = (work / "report.html").read_text(encoding="utf-8")
        for name in (buyer, supplier):
            if "<" in name or ">" in name:
                assert name not in html  # escaped wherever it reaches the page
        json.loads((work / "report.json").read_text(encoding="utf-8"))
    out = work / "graph.html"
    viz = _run([*d, "viz", "--out", out])
    assert out.exists() == (viz.exit_code == 0)
    assert data.read_bytes() == before
    assert not list(work.glob(".*.tmp"))


@FUZZ
@given(cut=st.integers(min_value=0, max_value=DATA.stat().st_size))
def test_a_truncated_file_is_an_error_at_its_place(tmp_path_factory, cut):
    work = tmp_path_factory.mktemp("cut")
    data = work / "cut.ttl"
    data.write_bytes(DATA.read_bytes()[:cut])
    for command in (["validate"], ["stats"]):
        result = _run(["--data", data, *command])
        if result.exit_code == 2:
            assert re.match(rf"error: {re.escape(str(data))}(:\d+:\d+: | the file is empty|: the file is empty)",
                            result.stderr), result.stderr


def _paths(value, prefix=()):
    """Every path into a JSON value (dict keys and list indexes)."""
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, prefix + (i,))


RELEASES = json.loads((FIX / "ocds" / "contracts-finder-release-package.json").read_text(encoding="utf-8"))
PATHS = [p for p in _paths(RELEASES) if p and p[0] == "releases"]
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)),
    max_leaves=5)


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(PATHS), json_values), min_size=1, max_size=4))
def test_wrong_json_types_in_ocds(tmp_path_factory, changes):
    work = tmp_path_factory.mktemp("ocds")
    package = copy.deepcopy(RELEASES)
    for path, value in changes:
        target = package
        try:
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = value
        except (KeyError, IndexError, TypeError):  # an earlier change removed the way there
            continue
    src = work / "package.json"
    src.write_text(json.dumps(package), encoding="utf-8")
    before = src.read_bytes()
    out = work / "out.ttl"
    result = _run(["ingest", "ocds", src, "--out", out])
    assert out.exists() == (result.exit_code == 0)
    if result.exit_code == 0:  # what imports validates on its own
        check = _run(["--data", out, "validate"])
        assert check.exit_code == 0, check.stdout
    assert src.read_bytes() == before
    assert not list(work.glob(".*.tmp"))


PAYEES = "SELECT ?payee ?month WHERE { ?spend sg:payee/rdfs:label ?payee ; sg:month ?month }"
amounts = st.one_of(st.decimals(min_value=-10**7, max_value=10**7, places=2).map(str),
                    st.sampled_from(["£1,200.00", "(500.00)", "-75.5", "", "n/a", "1e3", "=1+1"]),
                    st.text(max_size=8))
dates = st.one_of(st.dates().map(lambda d: d.strftime("%d/%m/%Y")), st.sampled_from(["", "31/02/2024", "2024-13-01"]),
                  st.text(max_size=10))


@FUZZ
@given(rows=st.lists(st.tuples(names, amounts, dates), min_size=1, max_size=6))
def test_spend_csv_cells_with_quotes_newlines_and_formulas(tmp_path_factory, rows):
    work = tmp_path_factory.mktemp("spend")
    src = work / "spend.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Supplier Name", "Net Amount", "Payment Date"])
        w.writerows(rows)
    before = src.read_bytes()
    out = work / "spend.ttl"
    result = _run(["ingest", "spend-csv", src, "--buyer", "Bromley Council", "--out", out])
    assert out.exists() == (result.exit_code == 0)
    assert src.read_bytes() == before
    if result.exit_code == 0:
        assert _run(["--data", DATA, "--data", out, "validate"]).exit_code == 0
        table = _run(["--data", DATA, "--data", out, "query", PAYEES, "--format", "csv"])
        assert table.exit_code == 0
        assert not [c for c in _cells(table.stdout) if c[:1] in ("=", "+", "@")]


@pytest.mark.parametrize("payee", ['=HYPERLINK("http://evil.example/","click")', "@SUM(1+1)", "+cmd|' /C calc'!A0"])
def test_a_formula_from_the_data_is_text_in_every_csv(tmp_path, payee):
    src = tmp_path / "spend.csv"
    src.write_text(f'Supplier Name,Net Amount,Payment Date\n"{payee.replace(chr(34), chr(34) * 2)} Ltd",'
                   f'"1,000.00",03/04/2024\n', encoding="utf-8")
    out = tmp_path / "spend.ttl"
    assert _run(["ingest", "spend-csv", src, "--buyer", "Bromley Council", "--out", out]).exit_code == 0
    d = ["--data", DATA, "--data", out]
    table = _run([*d, "query", PAYEES, "--format", "csv"])
    assert f"'{payee} Ltd" in _cells(table.stdout)
    impact = _run([*d, "impact", f"{payee} Ltd", "--format", "csv"])
    assert impact.exit_code in (0, 2)
