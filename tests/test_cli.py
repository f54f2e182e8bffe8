"""The command line: exact messages and exit codes a user and a script rely on."""

import json
import re
import subprocess
import sys

import pytest

from graph.cli.main import cli

from conftest import DATA, TINY, store_of


def test_validate_bundled_exits_0(runner):
    result = runner.invoke(cli, ["validate"])
    assert result.exit_code == 0
    assert result.output.startswith("valid: ")


def test_validate_deleted_dot_exits_2_with_location(runner, tmp_path):
    text = DATA.read_text(encoding="utf-8")
    # delete the '.' that ends the ITPro source document's statement (line 32)
    target = 'sg:sourceFile "sources/000_98bfd41a7c934bdc.txt" .'
    assert text.splitlines()[31].strip() == target
    bad = tmp_path / "triples.ttl"
    bad.write_text(text.replace(target, target[:-2], 1), encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 2
    # rdflib notices on the next statement, at line 34
    assert result.stderr.startswith(f"error: {bad}:34:")
    assert "expected '.'" in result.stderr


def test_validate_tiny_missing_dot_exact_message(runner, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix : <http://example.org/> .\n:a :b :c\n:d :e :f .\n")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert (result.exit_code, result.stderr) == (
        2, f"error: {bad}:3:1: expected '.' or '}}' or ']' at end of statement\n")


def test_validate_contract_missing_supplier_exits_1_naming_it(runner, tmp_path):
    text = DATA.read_text(encoding="utf-8")
    snippet = "    sg:buyer :westminster ;\n    sg:supplier :bt ;\n"
    assert text.count(snippet) == 1
    bad = tmp_path / "triples.ttl"
    bad.write_text(text.replace(snippet, "    sg:buyer :westminster ;\n"), encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(bad)])
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "violation: Westminster end user computing and data centre services (BT) "
        "<https://w3id.org/supplier-graph/id/contract-westminster-bt>: contract has no supplier "
        "(only a contract still in procurement, planned, cancelled before award, or with sg:supplierNotKnown saying why, may lack one)")
    assert result.output.splitlines()[-1].startswith("1 problem(s) in ")


def test_validate_missing_file_exits_2(runner):
    result = runner.invoke(cli, ["validate", "nowhere.ttl"])
    assert (result.exit_code, result.stderr) == (2, "error: nowhere.ttl: no such file or directory\n")


def test_validate_json(runner, tmp_path):
    path = tmp_path / "t.ttl"
    path.write_text(TINY.replace("sg:supplier :acme ; ", ""))
    result = runner.invoke(cli, ["validate", str(path), "--format", "json"])
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["conforms"] is False
    assert [i["focus"] for i in data["issues"]] == ["http://example.org/c1"]


def test_show_aliases_are_one_entity(runner):
    outputs = {runner.invoke(cli, ["show", n]).output for n in ("the Met", "MPS", "Metropolitan Police Service")}
    assert len(outputs) == 1
    out = outputs.pop()
    assert out.startswith("Metropolitan Police Service\n  <https://w3id.org/supplier-graph/id/met>\n  a police force\n")
    assert "  Met network services contract (BT)  [2, 3]\n" in out


def test_show_json_carries_iri_label_and_sourced_figures(runner):
    result = runner.invoke(cli, ["show", "Bromley desktop and data centre services contract (BT)",
                                 "--format", "json"])
    assert result.exit_code == 0
    d = json.loads(result.output)
    assert d["iri"] == "https://w3id.org/supplier-graph/id/contract-bromley-bt-desktop"
    assert [(f["amount"], f["currency"], f["kind"]) for f in d["figures"]] == [(9_000_000.0, "GBP", "total")]
    assert len(d["figures"][0]["sources"]) == 2
    # the two articles, and the reference source that dates the award
    assert {s["publisher"] for s in d["sources"]} == {"ITPro", "TechWeekEurope", "PublicTechnology"}


def test_show_ambiguous_exits_2_with_candidates(runner):
    result = runner.invoke(cli, ["show", "Bromley and"])
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "error: 'Bromley and' matches 4 entities; use one of these names or IRIs:\n"
        "  Bromley and Bexley joint tender of SEN transport  <https://w3id.org/supplier-graph/id/bromley-bexley-sen-transport>\n")


@pytest.mark.parametrize("command", [["show", "Sopra"], ["impact", "Sopra"], ["paths", "Sopra", "the Met"],
                                     ["report", "--buyer", "Hammersmith", "--format", "json"]])
def test_the_organisation_wins_and_the_others_are_offered(runner, command):
    result = runner.invoke(cli, command)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.startswith("note: '") and "is taken as the organisation" in result.stderr


@pytest.mark.parametrize("command, message", [
    (["impact", "the Met"], "error: 'the Met' is Metropolitan Police Service, a buyer, not a supplier; "
                            "try: supplier-graph report --buyer \"Metropolitan Police Service\"\n"),
    (["report", "--buyer", "BT"], "error: 'BT' is BT, a supplier, not a buyer; try: supplier-graph impact \"BT\"\n"),
])
def test_a_question_about_the_wrong_kind_of_entity_exits_2_saying_so(runner, command, message):
    result = runner.invoke(cli, command)
    assert (result.exit_code, result.stderr) == (2, message)


def test_show_unknown_exits_2_with_suggestion(runner):
    result = runner.invoke(cli, ["show", "Acentur"])
    assert (result.exit_code, result.stderr) == (
        2, "error: no entity named 'Acentur'; did you mean: 'Accenture', 'Data centres'?\n")


def test_show_on_other_data(runner, tiny_path):
    result = runner.invoke(cli, ["--data", str(tiny_path), "show", "acme it"])
    assert result.exit_code == 0
    assert result.output.startswith("Acme IT\n  <http://example.org/acme>\n  a supplier\n")


def test_stats_counts(runner, tiny_path):
    result = runner.invoke(cli, ["--data", str(tiny_path), "stats", "--format", "json"])
    data = json.loads(result.output)
    assert data["counts"]["contracts"] == 3
    assert data["counts"]["local authorities"] == 2
    assert data["contracts_by_status"] == {"awarded": 1, "in procurement": 1, "live": 1}
    assert [c["label"] for c in data["gaps"]["no_value"]] == ["South hosting tender", "South network contract"]
    assert len(data["gaps"]["no_date"]) == 3


#: Contracts whose gaps are worked out by hand: k1 (a call-off, typed by the subclass only)
#: has an annual value, a start year (but no duration, so no known end) and a tower; k2's only
#: figure is a saving, so it has no known value, nor an end or tower; k3 has a total and an end date, two labels and no
#: tower; a blank-node contract is not listed.
GAPS = """
@prefix : <http://example.org/> .
@prefix sg: <https://w3id.org/supplier-graph/ontology#> .
@prefix tower: <https://w3id.org/supplier-graph/tower/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix epo: <http://data.europa.eu/a4g/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:k1 a sg:CallOff ; rdfs:label "k1" ; sg:status sg:Live ; sg:tower tower:Hosting ; sg:startYear "2019"^^xsd:gYear ;
    sg:value [ epo:hasAmountValue 5.0 ; sg:valueKind sg:AnnualValue ] .
:k2 a sg:Contract ; rdfs:label "k2" ; sg:value [ epo:hasAmountValue 7.0 ; sg:valueKind sg:Saving ] .
:k3 a sg:Contract ; rdfs:label "k3 (later name)" , "k3" ; sg:status sg:Live ; sg:endDate "2030-01-01"^^xsd:date ;
    sg:value [ epo:hasAmountValue 9.0 ; sg:valueKind sg:TotalContractValue ] .
[] a sg:Contract ; rdfs:label "no name" .
"""


@pytest.mark.parametrize("engine", ["memory", "oxigraph"])
def test_stats_gaps_and_statuses(tmp_path, engine):
    from graph.sparql.stats import graph_stats
    st = graph_stats(store_of(tmp_path, GAPS, engine))
    gaps = {k: [(c["iri"].rsplit("/", 1)[1], c["label"]) for c in v] for k, v in st["gaps"].items()}
    assert gaps == {"no_value": [("k2", "k2")], "no_date": [("k1", "k1"), ("k2", "k2")],
                    "no_tower": [("k2", "k2"), ("k3", "k3")]}
    assert (st["counts"]["contracts"], st["counts"]["call-offs"]) == (4, 1)
    assert st["contracts_by_status"] == {"live": 2, "unknown": 2}


def test_stats_bundled_table(runner):
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 0
    assert "  contracts                16\n" in result.output
    assert "contracts with no known value (total, award or annual): 12\n" in result.output


def test_stats_table_abridges_its_listings(runner):
    # 8 sources, the two behind the most entities citing 33 and 39; gaps of 12, 6 and 3 contracts
    out = runner.invoke(cli, ["stats", "--rows", "2"]).output
    assert "sources (entities citing each): the 2 behind the most entities, of 8\n" \
           "    33  London cops seeking" in out
    assert "\n    39  Met Police hands £250m" in out and "    25  The 32 London" not in out
    assert "(total, award or annual): 12\n  Bromley ICT support contract (SunGard)\n" \
           "  Hammersmith and Fulham end user computing and data centre services (BT)\n  …and 10 more\n" in out
    assert "(stated, derived or bounded): 6\n" in out and "  …and 4 more\n" in out and out.endswith("  …and 1 more\n")
    assert runner.invoke(cli, ["stats", "--rows", "0"]).output == runner.invoke(cli, ["stats"]).output
    refused = runner.invoke(cli, ["stats", "--format", "json", "--rows", "2"])
    assert refused.exit_code == 2 and "JSON always lists everything" in refused.output


def test_show_abridges_long_relations(runner):
    # BT supplies under 7 contracts citing sources 1-3; the first two cite only 1 and 2
    full = runner.invoke(cli, ["show", "BT"]).output
    short = runner.invoke(cli, ["show", "BT", "--rows", "2"]).output
    assert full.count("(BT)  [") == 7 and "…and" not in full
    assert "  Hammersmith and Fulham end user computing and data centre services (BT)  [2]\n  …and 5 more\n" in short
    assert short.count("(BT)  [") == 2
    assert "sources (the 2 cited above, of 4):\n  [1] BT Agrees" in short and "[3] London cops" not in short
    assert runner.invoke(cli, ["show", "BT", "--rows", "0"]).output == full
    refused = runner.invoke(cli, ["show", "BT", "--format", "json", "--rows", "2"])
    assert refused.exit_code == 2 and "JSON always lists everything" in refused.output


def test_export_nt_is_sorted_and_parses(runner, tmp_path):
    out = tmp_path / "g.nt"
    result = runner.invoke(cli, ["export", "--format", "nt", "--out", str(out)])
    assert result.exit_code == 0
    lines = out.read_text().splitlines()
    assert lines == sorted(lines) and len(lines) > 1000


def test_python_m_graph_and_lazy_imports():
    assert subprocess.run([sys.executable, "-m", "graph", "validate"], capture_output=True).returncode == 0
    code = ("import sys; from graph.cli.main import cli\n"
            "try:\n    cli(['validate'])\n"
            "except SystemExit as e:\n    code = e.code\n"
            "heavy = sorted(m for m in ('pyvis', 'pandas', 'matplotlib') if m in sys.modules)\n"
            "print(code, heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "0 []"


def test_process_exit_keeps_codes_and_flushes_output():
    """From a process, as a script runs the tool: the exit code and every byte of output reach the caller."""
    run = lambda *args: subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True)  # noqa: E731
    exported = run("export", "--format", "nt")
    assert exported.returncode == 0
    lines = exported.stdout.splitlines()
    assert exported.stdout.endswith("\n") and len(lines) > 1000 and lines == sorted(lines)
    unknown = run("show", "Nosuch Supplier Ltd")
    assert unknown.returncode == 2 and "error: no entity named 'Nosuch Supplier Ltd'" in unknown.stderr
    usage = run("no-such-command")
    assert usage.returncode == 2 and "No such command" in usage.stderr
    head = subprocess.run(f"{sys.executable} -m graph export --format nt | head -1", shell=True,
                          capture_output=True, text=True)
    assert head.stdout.count("\n") == 1 and "Traceback" not in head.stderr


def test_help_imports_no_rdf_stack():
    code = ("import sys; from graph.cli.main import cli\n"
            "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('rdflib', 'pyshacl', 'pyvis') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines()[-1] == "[]"


# -- analytics commands

def test_centrality_top(runner):
    result = runner.invoke(cli, ["centrality", "--top", "2", "--format", "csv"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "rank,label,kind,degree,betweenness,pagerank,eigenvector"
    assert [l.split(",")[1] for l in lines[1:]] == ["Metropolitan Police Service", "BT"]
    assert result.stderr == "betweenness: exact\n"


def test_shared_json(runner):
    data = json.loads(runner.invoke(cli, ["shared", "--format", "json"]).output)
    assert len(data) == 11
    assert all(len(r["buyers"]) == 2 and r["suppliers"] for r in data)


def test_shared_top_lists_the_largest_and_counts_all(runner):
    result = runner.invoke(cli, ["shared", "--top", "3", "--format", "json"])
    assert result.exit_code == 0
    everything = json.loads(runner.invoke(cli, ["shared", "--format", "json"]).output)
    assert json.loads(result.stdout) == everything[:3]
    assert result.stderr == "the 3 of 11 pairs that share the most suppliers\n"


def test_shared_asks_for_top_when_there_are_too_many_pairs_to_list(runner, monkeypatch):
    import graph.analytics.shared as shared_module
    monkeypatch.setattr(shared_module, "LISTED_MAX", 11)  # the bundled graph's 11 pairs: listed
    assert len(json.loads(runner.invoke(cli, ["shared", "--format", "json"]).stdout)) == 11
    monkeypatch.setattr(shared_module, "LISTED_MAX", 10)
    refused = runner.invoke(cli, ["shared", "--format", "csv"])
    assert refused.exit_code == 2 and refused.stdout == ""
    assert refused.stderr.startswith("error: 11 pairs of buyers share a supplier, too many to list")
    assert "use --top N" in refused.stderr
    assert runner.invoke(cli, ["shared", "--top", "3"]).exit_code == 0


def test_paths_command(runner):
    result = runner.invoke(cli, ["paths", "Bromley Council", "the Met", "-k", "1"])
    assert result.exit_code == 0
    rows = [l.split() for l in result.stdout.splitlines()[2:]]
    assert [r[:2] for r in rows] == [["1", "1"], ["1", "2"]]
    assert "buys from" in result.output and "supplies" in result.output


def test_paths_unknown_entity(runner):
    result = runner.invoke(cli, ["paths", "Bromley", "Atlantis"])
    assert result.exit_code == 2 and result.stderr.startswith("error: no entity named 'Atlantis'")


def test_impact_command(runner):
    result = runner.invoke(cli, ["impact", "CSC", "--group", "--format", "json"])
    data = json.loads(result.stdout)
    assert [s["label"] for s in data["suppliers"]] == ["CSC", "DXC Technology", "HPE Enterprise Services"]
    assert data["value_at_risk"] == {"total": 250000000.0}
    plain = runner.invoke(cli, ["impact", "CSC"])
    assert "note: CSC has corporate predecessors or successors" in plain.stdout


def test_impact_answers_on_stdout_money_as_money_and_csv_stays_data(runner):
    # the Met's two CSC deals: £155m and £95m
    table = runner.invoke(cli, ["impact", "DXC", "--group"])
    assert table.exit_code == 0 and table.stderr == ""
    assert table.stdout.startswith("if CSC, DXC Technology, HPE Enterprise Services exit: 1 buyer affected; "
                                   "value at risk: £250m total\n")
    assert re.search(r"^Metropolitan Police Service\s+2\s+End user services; Hosting services\s+£250m\s", table.stdout,
                     re.M)
    csv = runner.invoke(cli, ["impact", "DXC", "--group", "--format", "csv"])
    assert csv.stdout.splitlines()[0].startswith("buyer,contracts,towers_lost")
    assert ",250000000," in csv.stdout and csv.stderr.startswith("if CSC, DXC Technology")


def test_export_graphml_does_not_change_and_parses(runner, tmp_path):
    import networkx as nx
    out = tmp_path / "g.graphml"
    assert runner.invoke(cli, ["export", "--format", "graphml", "--view", "supply", "--out", str(out)]).exit_code == 0
    g = nx.read_graphml(out)
    assert (g.number_of_nodes(), g.number_of_edges()) == (13, 12)


@pytest.mark.parametrize("args, absent", [
    (["report", "--format", "md"], ("matplotlib", "pyvis", "pandas")),
    (["centrality"], ("matplotlib", "jinja2", "pyvis", "pyshacl")),
    (["show", "the Met"], ("matplotlib", "networkx", "pyshacl")),
])
def test_commands_import_only_what_they_need(args, absent):
    code = ("import sys\nfrom graph.cli.main import cli\n"
            f"try:\n    cli({args!r})\nexcept SystemExit as e:\n    code = e.code\n"
            f"print(code, sorted(m for m in {absent!r} if m in sys.modules), file=sys.stderr)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.splitlines()[-1] == "0 []"


@pytest.mark.parametrize("name, shown", [
    # the six Met towers: live on the Pegasus article's date, due to end within three years
    ("Met network services contract (BT)", ["status reported on: 2019-11-20", "due to end within: 3 years",
                                            "\u201cThese contracts are due to terminate over the next three years\u201d"]),
    # a tower in procurement has an estimate, not a contract value; the 999 system's £90m is the system's
    ("Met Infrastructure Services tower contract (Pegasus)", ["  £600m estimate  [1]"]),
    ("Met command-and-control system for 999 calls (Northrop Grumman)", ["  £90m reported  [1]"]),
    # the succession no article states cites the reference source, and says so
    ("CSC", ["succeeded by:\n  DXC Technology  [1]\n",
             "[1] DXC Technology formed by the merger of CSC and the Enterprise Services business of Hewlett "
             "Packard Enterprise, April 2017 \u2014 DXC Technology (corporate filings) (reference data)"]),
    ("Pan-London procurement framework (BT)", ["one of the frameworks of:\n  Tri-borough partnership  [1, 2]\n"]),
    # each article's own account of the scale of the Bromley contract, each with its source
    ("Bromley desktop and data centre services contract (BT)", [
        "claims (in paraphrase):", "BT will deliver desktop services to more than 2,000 staff and look after more "
        "than 350 servers.  [2]", "BT provides desktop services for 2,000 staff and manages 350 services.  [1]",
        "awarded not after: 2016-02-10", "quotes (verbatim):"]),
    ("Craig Mackey", ["role: deputy commissioner of the Met Police", "\u201cnot without risk\u201d \u2014 Craig Mackey"]),
])
def test_show_makes_each_correction_visible_with_its_source(runner, name, shown):
    result = runner.invoke(cli, ["show", name])
    assert result.exit_code == 0, result.stderr
    for text in shown:
        assert text in result.output
    assert "scope: desktop services for Bromley Council staff and looking after its servers" not in result.output
    assert "start year: 2016" not in runner.invoke(cli, ["show", "Met 'project cull' strategy"]).output


def test_paths_honours_view_supply(runner):
    # network: through the London boroughs group; supply: only buyer-supplier hops, so
    # Lewisham - SunGard - Bromley - BT - Westminster
    def hops(*extra):
        result = runner.invoke(cli, ["paths", "Lewisham", "Westminster", "-k", "1", "--format", "json", *extra])
        assert result.exit_code == 0, result.stderr
        return [(h["from"]["label"], h["to"]["label"]) for h in json.loads(result.stdout)["paths"][0]["hops"]]
    assert hops() == hops("--view", "network") == [("London Borough of Lewisham", "London boroughs"),
                                                   ("London boroughs", "Westminster City Council")]
    assert [b for _, b in hops("--view", "supply")] == ["SunGard Public Sector Ltd", "London Borough of Bromley",
                                                       "BT", "Westminster City Council"]


@pytest.mark.parametrize("command, name", [(["viz"], "supplier-graph-viz.html"),
                                           (["report", "--format", "html"], "supplier-graph-report.html")])
def test_a_page_is_never_poured_into_a_terminal(runner, tmp_path, monkeypatch, command, name):
    import graph.cli.base
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(graph.cli.base, "_stdout_is_terminal", lambda: True)
    result = runner.invoke(cli, command)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == f"wrote {name}\n"
    assert (tmp_path / name).read_text(encoding="utf-8").startswith("<!doctype html>")


@pytest.mark.parametrize("option", [["--endpoint", "http://127.0.0.1:9/sparql"], ["--store", "oxigraph:STORE"]])
@pytest.mark.parametrize("command", [["validate"], ["build", "--out", "OUT"]])
def test_a_files_only_command_refuses_other_data_than_files(runner, tmp_path, option, command):
    """validate and build check files in memory: named a store or an endpoint, they once
    checked the bundled graph instead and said it was valid."""
    option = [o.replace("STORE", str(tmp_path / "store")) for o in option]
    command = [c.replace("OUT", str(tmp_path / "out")) for c in command]
    result = runner.invoke(cli, [*option, *command])
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"error: {command[0]} reads RDF files, not {option[0]}: ")
    assert not (tmp_path / "out").exists()
