"""Named queries, the query command, and the same answers from every backend."""

import json
import re
import socket

import pytest

from graph.cli.main import cli
from graph.errors import QueryError
from graph.sparql.run import run_query
from graph.sparql.library import list_queries
from graph.store.backends import open_store

ID = "https://w3id.org/supplier-graph/id/"
QUERIES = [q.name for q in list_queries()]


def rows(store, name, **params):
    _, result = run_query(store, name, params, timeout=None)
    return [{str(v): (r[i].toPython() if hasattr(r[i], "toPython") else r[i]) for i, v in enumerate(result.vars)}
            for r in result]


def test_at_least_15_named_queries_each_with_title_and_question():
    assert len(QUERIES) >= 15
    for q in list_queries():
        assert q.title and q.question, q.name


def test_query_list_command(runner):
    result = runner.invoke(cli, ["query", "--list"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == len(QUERIES)
    assert "suppliers-of-buyer       Suppliers of a buyer  [buyer]" in result.output


# -- answers a reader of the documents expects

def test_met_single_supplier_towers(store):
    got = {(r["towerLabel"], r["onlySupplier"]) for r in rows(store, "single-supplier-towers", buyer="the Met")}
    assert got == {("Service integration and management", "Atos"), ("Network services", "BT"),
                   ("Data centre services", "Keysource"), ("Hosting services", "DXC Technology"),
                   ("End user services", "DXC Technology"), ("Application support services", "Accenture")}


def test_value_by_supplier_keeps_ceiling_apart(store):
    got = {(r["kind"], float(r["total"])) for r in rows(store, "value-by-supplier", supplier="BT")}
    assert got == {("ceiling", 200_000_000.0), ("total", 9_000_000.0)}
    csc = rows(store, "value-by-supplier", supplier="CSC")
    assert [(r["kind"], float(r["total"]), r["figures"]) for r in csc] == [("total", 250_000_000.0, 2)]


def test_bromley_may_buy_through_the_communications_framework_as_a_london_borough(store):
    got = rows(store, "frameworks-open-to", body="Bromley")
    assert [(r["frameworkLabel"], r["viaLabel"]) for r in got] == [
        ("London Local Government Communications Framework (BT)", "London boroughs")]


def test_shared_suppliers_is_the_same_whichever_way_round(store):
    one = rows(store, "shared-suppliers", buyerA="Westminster", buyerB="Hammersmith and Fulham")
    other = rows(store, "shared-suppliers", buyerA="Hammersmith and Fulham", buyerB="Westminster")
    assert one == other and [(r["buyer1Label"], r["buyer2Label"], r["supplierLabel"]) for r in one] == [
        ("London Borough of Hammersmith and Fulham", "Westminster City Council", "BT")]
    # unbound, each pair once: the 5 BT buyers make 10 pairs; Bromley and Lewisham share SunGard
    pairs = {(r["buyer1"], r["buyer2"], r["supplier"]) for r in rows(store, "shared-suppliers")}
    assert len(pairs) == len(rows(store, "shared-suppliers")) == 11


def test_suppliers_of_lewisham(store):
    got = rows(store, "suppliers-of-buyer", buyer="Lewisham")
    assert [(r["supplierLabel"], r["towerLabel"], r["status"]) for r in got] == [
        ("SunGard Public Sector Ltd", "ICT support services", "awarded")]


def test_buyers_of_bt(store):
    got = {r["buyerLabel"] for r in rows(store, "buyers-of-supplier", supplier="BT")}
    assert got == {"London Borough of Bromley", "Westminster City Council", "London Borough of Islington",
                   "London Borough of Hammersmith and Fulham", "Metropolitan Police Service"}


def test_contracts_by_status_cancelled(store):
    got = rows(store, "contracts-by-status", status="cancelled")
    assert [r["supplierLabel"] for r in got] == ["Northrop Grumman"]


def test_no_contract_end_dates_are_known(store):
    assert rows(store, "contracts-ending") == []


def test_lineage(store):
    got = {(r["predecessorLabel"], r["successorLabel"]) for r in rows(store, "lineage", supplier="DXC")}
    assert got == {("CSC", "DXC Technology"), ("HPE Enterprise Services", "DXC Technology")}


def test_partnerships_of_bexley(store):
    got = {r["partnershipLabel"] for r in rows(store, "partnerships", member="Bexley")}
    assert got == {"Bromley and Bexley joint tender of SEN transport", "Bromley, Bexley and Croydon closer working"}


def test_pegasus_programme(store):
    got = rows(store, "programmes", owner="the Met")
    pegasus = [(r["relation"], r["itemLabel"]) for r in got if r["programmeLabel"] == "Pegasus programme"]
    assert sum(1 for rel, _ in pegasus if rel == "consolidates tower") == 6
    assert {i for rel, i in pegasus if rel == "target tower"} == {"Infrastructure services", "Application services"}


def test_procurement_pipeline(store):
    got = {(r["contractLabel"], r["status"]) for r in rows(store, "procurement-pipeline")}
    assert got == {("Met Infrastructure Services tower contract (Pegasus)", "in procurement"),
                   ("Met Application Services tower contract (Pegasus)", "planned")}


def test_sources_of_the_bromley_contract(store):
    got = {r["publisher"] for r in rows(store, "sources-of", entity="contract-bromley-bt-desktop")}
    # the award's latest date comes from a reference source beside the two articles
    assert got == {"ITPro", "TechWeekEurope", "PublicTechnology"}


def test_data_gaps_and_money_figures(store):
    gaps = rows(store, "data-gaps")
    # 13: the Infrastructure Services tower has only an estimate, not a contract value
    assert len(gaps) == 13
    ceilings = rows(store, "money-figures", kind="ceiling")
    assert [(r["subjectLabel"], float(r["amount"])) for r in ceilings] == [
        ("London Local Government Communications Framework (BT)", 200_000_000.0)]


# -- the command: formats, errors, refusals

def test_query_json_is_sparql_results_json(runner):
    result = runner.invoke(cli, ["query", "SELECT (COUNT(*) AS ?n) WHERE { ?c a sg:Contract }", "--format", "json"])
    data = json.loads(result.output)
    assert data["head"]["vars"] == ["n"]
    assert data["results"]["bindings"][0]["n"]["value"] == "15"


def test_query_from_stdin_and_construct(runner):
    result = runner.invoke(cli, ["query", "-", "--format", "nt"],
                           input="CONSTRUCT { ?c sg:supplier ?s } WHERE { ?c sg:buyer :lewisham ; sg:supplier ?s }")
    assert result.output == ("<https://w3id.org/supplier-graph/id/contract-lewisham-sungard> "
                             "<https://w3id.org/supplier-graph/ontology#supplier> "
                             "<https://w3id.org/supplier-graph/id/sungard> .\n")


def test_syntax_error_gives_line_and_column(runner):
    result = runner.invoke(cli, ["query", "SELECT ?x WHERE {\n  ?x ?p ?o }\nLIMT 3"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: SPARQL syntax error at line 3, column ")


def test_update_refused(runner):
    result = runner.invoke(cli, ["query", "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }"])
    assert (result.exit_code, result.stderr) == (
        2, "error: update operations are refused: this tool only reads the graph\n")


def test_service_refused_without_any_connection(store):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        port = listener.getsockname()[1]
        with pytest.raises(QueryError, match="SERVICE .* is refused"):
            run_query(store, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
        with pytest.raises(BlockingIOError):
            listener.accept()


def test_unknown_parameter_and_unknown_entity(runner):
    result = runner.invoke(cli, ["query", "suppliers-of-buyer", "--param", "seller=BT"])
    assert result.stderr == "error: query 'suppliers-of-buyer' has no parameter 'seller'; it takes: buyer\n"
    result = runner.invoke(cli, ["query", "suppliers-of-buyer", "--param", "buyer=Bromly"])
    assert result.exit_code == 2 and "did you mean: 'Bromley'" in result.stderr


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_timeout_in_memory(runner):
    result = runner.invoke(cli, ["query", SLOW, "--timeout", "0.5"])
    assert (result.exit_code, result.stderr) == (
        2, "error: query stopped after 0.5 s (--timeout); narrow it or raise the limit\n")


# -- the same answers from every backend

#: The projection's grouped queries pack lists into one string; SPARQL leaves the order of
#: GROUP_CONCAT open, and engines write a decimal's string form differently (4000000.0, 4000000).
_PACKED = {"projection-contracts": 2, "projection-values": 3, "projection-suppliers": 1,
           "projection-facets": 1, "projection-sources": 1, "timeline-dates": 1,
           "timeline-frameworks": 1}


def _unpack(text: str, width: int):
    def number(token):
        if "|" in token:  # the timeline's "amount|kind|currency|figure"
            amount, rest = token.split("|", 1)
            return f"{number(amount)}|{rest}"
        try:
            return float(token)
        except ValueError:
            return token
    tokens = [number(t) for t in text.split(" ")] if text else []
    return tuple(sorted((tuple(tokens[i:i + width]) for i in range(0, len(tokens), width)), key=repr))


#: Queries whose last column packs a list, grouped by the IRIs' endings too: one key's
#: items may come in several rows, merged here.
_BUCKETED = {"projection-contracts", "projection-values", "projection-suppliers", "projection-facets",
             "projection-sources"}


def _merged(result, name):
    merged: dict[tuple, set] = {}
    for r in result:
        *key, packed = [t.toPython() if hasattr(t, "toPython") else t for t in r]
        key = tuple(float(v) if isinstance(v, (int, float)) or type(v).__name__ == "Decimal" else
                    (None if v is None else str(v)) for v in key)
        merged.setdefault(key, set()).update(_unpack(str(packed) if packed else "", _PACKED[name]))
    return sorted(((*key, tuple(sorted(items, key=repr))) for key, items in merged.items()), key=repr)


def _canonical(result, name=""):
    if name in _BUCKETED:
        return _merged(result, name)
    out = []
    for r in result:
        row = []
        for t in r:
            v = t.toPython() if hasattr(t, "toPython") else t
            if isinstance(v, (int, float)) or type(v).__name__ == "Decimal":
                row.append(float(v))
            elif name in _PACKED and isinstance(v, str) and (" " in v or "|" in v):
                row.append(_unpack(v, _PACKED[name]))
            elif name in _PACKED and v in (None, ""):  # an empty GROUP_CONCAT: "" or unbound
                row.append("")
            else:
                row.append(str(v))
        out.append(tuple(row))
    return sorted(out, key=repr)


@pytest.fixture(scope="module")
def oxigraph_store(tmp_path_factory):
    return open_store(store=f"oxigraph:{tmp_path_factory.mktemp('ox')}")


@pytest.mark.parametrize("name", QUERIES)
def test_identical_results_memory_oxigraph_endpoint(store, oxigraph_store, server, name):
    expected = _canonical(run_query(store, name, timeout=None)[1], name)
    assert _canonical(run_query(oxigraph_store, name, timeout=None)[1], name) == expected
    assert _canonical(run_query(open_store(endpoint=server), name, timeout=30)[1], name) == expected


#: The code's own grouped queries (graph/queries/internal/): what the snapshot, the timeline and stats read.
GROUPED = sorted({*_PACKED, "projection-nodes", "projection-relations", "stats-no-value", "stats-no-date", "stats-no-tower",
                  "stats-status"})


def _internal(store, name, holders=""):
    from graph.model.namespaces import internal_query, sparql_prefixes
    text = internal_query(name, store.engine)
    if "%(holders)s" in text:  # a template: asked of every holder, or of those in a VALUES block
        text %= {"holders": holders}
    result = store.select(sparql_prefixes() + text, timeout=30)
    return [tuple(r.get(v) for v in result.vars) for r in result.rows]


@pytest.mark.parametrize("name", GROUPED)
def test_the_grouped_queries_give_the_same_rows_everywhere(store, oxigraph_store, server, name):
    """Each in its engine's variant where it has one (an Oxigraph store asks
    graph/queries/internal/oxigraph/), against the portable text in rdflib."""
    expected = _canonical(_internal(store, name), name)
    assert expected  # the bundled graph has contracts, dates and frameworks
    assert _canonical(_internal(oxigraph_store, name), name) == expected
    assert _canonical(_internal(open_store(endpoint=server), name), name) == expected


def test_the_dates_of_some_holders_are_the_same_everywhere(store, oxigraph_store, server):
    """timeline-dates asked of named contracts and frameworks (Oxigraph's phrasing puts the
    dates in a LATERAL): the rows of the whole answer that hold them, on every backend."""
    ids = ["contract-met-hosting", "contract-bromley-bt-desktop", "framework-bt-communications", "no-such-thing"]
    holders = "VALUES ?holder { %s }" % " ".join(f"<https://w3id.org/supplier-graph/id/{i}>" for i in ids)
    def rows(result, keep=lambda h: True):
        out = {}
        for facet, value, packed in result:
            held = {h for h in str(packed).split() if keep(h)}
            if held:
                out.setdefault((str(facet), str(value)), set()).update(held)
        return out
    expected = rows(_internal(store, "timeline-dates"), keep=lambda h: h.rsplit("/", 1)[1] in ids)
    assert len(expected) >= 5
    for backend in (store, oxigraph_store, open_store(endpoint=server)):
        assert rows(_internal(backend, "timeline-dates", holders)) == expected


@pytest.mark.parametrize("name, field", [("entity-sources", {"xs": "%s"}), ("lookup-labels", "%s")])
def test_the_lookups_of_named_iris_are_the_same_everywhere(store, oxigraph_store, server, name, field):
    """The sources and labels of named IRIs (`show`, `labels`; Oxigraph's phrasing puts the
    lookups in a LATERAL): the same rows from rdflib, Oxigraph and the endpoint, and a
    name the graph does not hold gives none."""
    from graph.model.namespaces import internal_query, sparql_prefixes
    ids = ["met", "contract-met-hosting", "bt", "framework-bt-communications", "no-such-thing"]
    values = " ".join(f"<https://w3id.org/supplier-graph/id/{i}>" for i in ids)

    def rows(backend):
        text = internal_query(name, backend.engine) % (field % values if isinstance(field, str)
                                                       else {k: v % values for k, v in field.items()})
        return sorted(backend.select_strings(sparql_prefixes() + text, timeout=30))
    expected = rows(store)
    assert {r[0].rsplit("/", 1)[1] for r in expected} == set(ids) - {"no-such-thing"}
    assert "LATERAL" in internal_query(name, oxigraph_store.engine)
    for backend in (oxigraph_store, open_store(endpoint=server)):
        assert rows(backend) == expected


@pytest.mark.parametrize("buyer", ["Bromley", "the Met", "Westminster", "Lewisham", "Hammersmith and Fulham"])
def test_the_oxigraph_phrasing_of_suppliers_of_buyer_gives_the_same_rows(store, oxigraph_store, buyer):
    """graph/queries/oxigraph/suppliers-of-buyer.rq (its OPTIONALs as LATERALs) against
    the portable query in rdflib, with the parameter bound (unbound: the test above)."""
    from graph.sparql.library import variant_text
    assert "LATERAL" in variant_text("suppliers-of-buyer", oxigraph_store.engine)
    expected = _canonical(run_query(store, "suppliers-of-buyer", {"buyer": buyer}, timeout=None)[1])
    assert expected  # each buys something
    assert _canonical(run_query(oxigraph_store, "suppliers-of-buyer", {"buyer": buyer}, timeout=None)[1]) == expected


def test_show_through_an_endpoint(runner, server):
    local = runner.invoke(cli, ["show", "the Met"]).output
    remote = runner.invoke(cli, ["--endpoint", server, "show", "the Met"]).output
    assert remote == local


def test_timeout_over_http_client_side(runner, server):
    result = runner.invoke(cli, ["--endpoint", server, "query", SLOW, "--timeout", "1"])
    assert (result.exit_code, result.stderr) == (
        2, "error: query stopped after 1 s (--timeout); narrow it or raise the limit\n")


def test_timeout_over_http_server_side(runner, server):
    # the server was started with a 2 s limit; the client waits longer
    result = runner.invoke(cli, ["--endpoint", server, "query", SLOW, "--timeout", "60"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {server}")


_STRINGS = """\
@prefix : <http://example.org/> .
:a :p "say \\"hi\\"\\nthen go, café" , "chat"@fr , 42 .
:b :p :c .
_:x :p "blank subject" .
"""


def test_a_literal_parameter_reaches_every_engine_as_written(oxigraph_store, store):
    """A literal parameter with quotes, a backslash and a character beyond the Basic
    Multilingual Plane comes back unchanged from rdflib and Oxigraph (JSON's \\u escapes
    of it, a surrogate pair, made Oxigraph refuse the query and rdflib misread it)."""
    from graph.sparql.library import bind_params
    value = 'say "hi" \\ 😀 café'
    query = bind_params("SELECT ?x WHERE { }", {"x": (value, "literal")})
    assert store.select_strings(query) == oxigraph_store.select_strings(query) == [(value,)]


def test_rows_of_strings_are_the_same_from_every_store(tmp_path):
    """select_strings (what the projection reads): IRIs and lexical forms as they are,
    quotes, line breaks and accents included; None where a variable is unbound; a blank
    node as its bare label. Oxigraph hands its rows over as serialized JSON, rdflib term
    by term: both must read the same, and so must iter_strings (the name index's rows,
    which Oxigraph gives solution by solution), row for row."""
    import rdflib
    from graph.store.local import MemoryStore, OxigraphStore
    path = tmp_path / "s.ttl"
    path.write_text(_STRINGS, encoding="utf-8")
    query = ("SELECT ?s ?o ?none WHERE { ?s <http://example.org/p> ?o "
             "OPTIONAL { ?s <http://example.org/q> ?none } }")
    memory = MemoryStore(rdflib.Graph().parse(path))
    oxigraph = OxigraphStore(None)
    oxigraph.load([path])
    got = {}
    for name, store in (("memory", memory), ("oxigraph", oxigraph)):
        rows = store.select_strings(query)
        assert list(store.iter_strings(query)) == rows
        blank = [r for r in rows if r[1] == "blank subject"]
        assert len(blank) == 1 and blank[0][0] and not blank[0][0].startswith("_:")
        got[name] = sorted(r for r in rows if r[1] != "blank subject")
    assert got["oxigraph"] == got["memory"] == [
        ("http://example.org/a", "42", None), ("http://example.org/a", "chat", None),
        ("http://example.org/a", 'say "hi"\nthen go, café', None),
        ("http://example.org/b", "http://example.org/c", None)]
    assert oxigraph.select_strings("SELECT ?s WHERE { ?s <http://example.org/nothing> ?o }") == []


def test_query_tables_show_labels_and_iris_on_request(runner):
    args = ["query", "single-supplier-towers", "--param", "buyer=Lewisham"]
    table = runner.invoke(cli, args).output
    assert table.splitlines()[0].split() == ["buyerLabel", "towerLabel", "onlySupplier", "contracts"]
    assert "https://" not in table and table.endswith("(1 row; 2 columns of IRIs left out: --iri shows them)\n")
    assert runner.invoke(cli, [*args, "--iri"]).output.splitlines()[0].split()[:2] == ["buyer", "buyerLabel"]
    csv = runner.invoke(cli, [*args, "--format", "csv"]).output
    assert csv.splitlines()[0] == "buyer,buyerLabel,tower,towerLabel,onlySupplier,contracts"


def test_query_tables_read_money_as_money_and_csv_keeps_the_numbers(runner):
    table = runner.invoke(cli, ["query", "money-figures", "--param", "kind=write-off"]).output
    # the CSC write-off: almost $1.5bn, converted by the article to £1.1bn
    assert re.search(r"\$1\.5bn\s+USD", table) and re.search(r"£1\.1bn\s+GBP", table)
    csv = runner.invoke(cli, ["query", "money-figures", "--param", "kind=write-off", "--format", "csv"]).output
    assert ",1500000000,USD," in csv and ",1100000000,GBP," in csv


def test_query_tables_read_durations_as_people_do(runner):
    q = "SELECT ?duration WHERE { :contract-met-hosting sg:duration ?duration }"
    assert runner.invoke(cli, ["query", q]).output.splitlines()[2].strip() == "6 years"
    assert runner.invoke(cli, ["query", q, "--format", "csv"]).output.splitlines()[1] == "P6Y"
