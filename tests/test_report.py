"""The supplier-dependency report: schema, footnotes, escaping, and the HTML in a real browser."""

import json
import re
from datetime import date

import jsonschema
import pytest

from graph.cli.main import cli
from graph.report.build import build_report, render_html, render_markdown
from graph.model.rdffiles import load_graph, ontology_paths
from graph.store.local import MemoryStore

from analytics_fixture import ANALYTICS
from browser import open_page
from conftest import ROOT, store_of

SCHEMA = json.loads((ROOT / "graph" / "schemas" / "report.schema.json").read_text())


@pytest.fixture(scope="module")
def report(store):
    return build_report(store)


def test_json_validates_against_its_schema(runner):
    result = runner.invoke(cli, ["report", "--format", "json"])
    assert result.exit_code == 0
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(json.loads(result.output), SCHEMA)


def test_schema_rejects_money_without_kind(report):
    broken = json.loads(json.dumps(report))
    broken["suppliers"][0]["known_value"] = [{"amount": 1.0, "currency": "GBP"}]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)


def test_every_cited_source_number_is_listed(report):
    cited = set()

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k == "sources" and isinstance(v, list) and all(isinstance(n, int) for n in v):
                    cited.update(v)
                else:
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    walk({k: v for k, v in report.items() if k != "sources"})
    assert cited == {s["n"] for s in report["sources"]}
    assert [s["n"] for s in report["sources"]] == list(range(1, len(report["sources"]) + 1))


def test_report_answers(report):
    met = next(b for b in report["buyers"] if b["label"] == "Metropolitan Police Service")
    assert len(met["single_points_of_failure"]) == 6
    bt = next(s for s in report["suppliers"] if s["label"] == "BT")
    assert (len(bt["buyers"]), bt["known_value"]) == (5, [{"amount": 9_000_000.0, "currency": "GBP", "kind": "total"}])
    dxc = next(s for s in report["suppliers"] if s["label"] == "DXC Technology")
    assert dxc["impact"]["value_at_risk"] == [{"amount": 250_000_000.0, "currency": "GBP", "kind": "total"}]
    ceilings = [f["ceiling"] for f in report["frameworks"] if f["ceiling"]]
    assert ceilings == [{"amount": 200_000_000.0, "currency": "GBP", "kind": "ceiling"}]
    about = {d["label"] for d in report["data_gaps"]["disagreements"]}
    assert "Bromley desktop and data centre services contract (BT)" in about


def test_buyer_narrows_the_report(runner):
    result = runner.invoke(cli, ["report", "--format", "json", "--buyer", "Lewisham"])
    data = json.loads(result.output)
    assert [b["label"] for b in data["buyers"]] == ["London Borough of Lewisham"]
    assert [s["label"] for s in data["suppliers"]] == ["SunGard Public Sector Ltd"]
    assert data["scope"]["buyer"]["iri"] == "https://w3id.org/supplier-graph/id/lewisham"
    assert data["summary"][0] == "London Borough of Lewisham buys from 1 supplier under 1 counted contract."


def test_shared_pairs_are_counted_and_the_largest_listed(store, monkeypatch):
    import graph.report.build
    full = build_report(store)
    assert full["shared_supplier_pairs"] == len(full["shared_suppliers"]) == 11
    monkeypatch.setattr(graph.report.build, "SHARED_PAIRS_LISTED", 3)
    capped = build_report(store)
    assert capped["shared_supplier_pairs"] == 11
    assert capped["shared_suppliers"] == full["shared_suppliers"][:3]
    assert "The 3 pairs of buyers that share the most suppliers, of 11 pairs that share at least one." \
        in render_markdown(capped)
    assert "of 11 pairs that share at least one" in render_html(capped)
    jsonschema.validate(capped, SCHEMA)


@pytest.mark.parametrize("buyer", [None, "Metropolitan Police Service"])
def test_betweenness_from_another_interpreter_is_the_same(store, monkeypatch, buyer):
    import importlib

    import graph.workers
    import graph.report.build
    from graph.sparql.lookup import resolve
    entity = resolve(store, buyer) if buyer else None
    centrality_module = importlib.import_module("graph.analytics.centrality")
    monkeypatch.setattr(centrality_module, "BACKGROUND_EDGES", 10 ** 9)
    here = build_report(store, buyer=entity)
    monkeypatch.setattr(centrality_module, "BACKGROUND_EDGES", 0)
    spawned = []
    spawn = graph.workers.in_process
    monkeypatch.setattr(graph.workers, "in_process",
                        lambda *a, **k: (job := spawn(*a, **k), spawned.append(job.proc is not None))[0])
    assert build_report(store, buyer=entity) == here
    assert spawned == [True]  # betweenness in an interpreter of its own


@pytest.mark.parametrize("include_inactive", [False, True])
def test_betweenness_from_the_edge_list_is_the_projections(store, include_inactive):
    """The report computes betweenness in another process before the projection exists,
    from the contracts' edge list: same scores, from the same sample of sources."""
    from graph.analytics.centrality import betweenness_of_edges, betweenness_scores
    from graph.projection.views import project
    from graph.projection.snapshot import snapshot, supply_edges
    snap = snapshot(store)
    g = project(None, "supply", include_inactive=include_inactive, snap=snap, listing=False)
    nodes, edges = supply_edges(None, include_inactive=include_inactive, snap=snap)
    assert nodes == list(g) and len(edges) == g.number_of_edges()
    method, scores = betweenness_of_edges(len(nodes), edges)
    assert (method, dict(zip(nodes, scores))) == betweenness_scores(g)
    method, scores = betweenness_of_edges(len(nodes), edges, exact_limit=3, k=5, seed=7)
    assert (method, dict(zip(nodes, scores))) == betweenness_scores(g, exact_limit=3, k=5, seed=7)
    assert method.startswith("sampled") and any(scores)


def test_json_encodes_a_shared_impact_once_with_the_same_bytes(monkeypatch):
    import orjson

    from graph.report.build import iter_json
    impact = {"group": [{"iri": "s:1", "label": "A \u2014 \"quoted\""}], "buyers_affected": 2}
    other = {"buyers_affected": 1}
    suppliers = [{"iri": "s:1", "impact": impact}, {"iri": "s:2", "n": 2.5, "impact": impact},
                 {"impact": impact}, {"iri": "s:3", "impact": other}, {"iri": "s:4", "impact": {}}, "x", {}]
    report = {"schema": "v1", "suppliers": suppliers, "empty": []}
    expected = (b'{\n  "schema": "v1",\n  "suppliers": [\n'
                + b",\n".join(b"    " + orjson.dumps(s) for s in suppliers) + b'\n  ],\n  "empty": []\n}\n')
    calls = []
    real = orjson.dumps
    monkeypatch.setattr(orjson, "dumps", lambda v, *a: calls.append(v) or real(v, *a))
    assert b"".join(iter_json(report)) == expected
    assert sum(c is impact for c in calls) == 1  # three suppliers, one encoding of their impact
    assert sum(c is other for c in calls) == 0   # not shared: encoded with its supplier


def test_bar_chart_draws_each_value_to_scale_and_escapes_names():
    from graph.report.render import _svg_bar
    svg = _svg_bar(["BT", "<b>Evil & Co</b>"], [5, 2], "Buyers per supplier", "number of buyers")
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', svg)]
    assert len(widths) == 2 and widths[0] == pytest.approx(2.5 * widths[1])
    assert "<b>" not in svg and "&lt;b&gt;Evil &amp; Co&lt;/b&gt;" in svg
    assert re.findall(r'text-anchor="middle">(\d+)</text>', svg) == ["0", "1", "2", "3", "4", "5"]
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_value_chart_has_one_bar_per_corporate_group(report):
    # CSC, DXC Technology and HPE Enterprise Services are one group (£250m, named by DXC, the
    # only one counted); Sopra Steria £216m; BT £9m; the other four have no known total
    svg = render_html(report).split("<svg")[2]
    bars = re.findall(r"<rect [^>]*><title>(.+?): ([\d,.]+)</title>", svg)
    assert bars == [("DXC Technology&#x27;s group of 3", "250"), ("Sopra Steria", "216"), ("BT", "9")]
    grouped = json.loads(json.dumps(report))  # CSC counted too: still one bar for the group
    csc = {**next(s for s in grouped["suppliers"] if s["label"] == "DXC Technology"), "label": "CSC"}
    grouped["suppliers"].append(csc)
    svg = render_html(grouped).split("<svg")[2]
    assert len(re.findall(r"<rect ", svg)) == 3


def test_markdown_footnotes_resolve(report):
    md = render_markdown(report)
    refs = set(re.findall(r"\[\^(\d+)\](?!:)", md))
    defs = set(re.findall(r"^\[\^(\d+)\]:", md, re.M))
    assert refs == defs and refs


def test_markdown_and_html_abridge_long_listings_and_say_how_many_more(report, tmp_path):
    # the bundled report's buyers hold 2, 1, 1, 1, 9 and 1 counted contracts; 7 suppliers;
    # 4 awarded and 9 live contracts; 12 with no known value, 6 with no known end, 3 no tower;
    # 3 facts that sources describe differently
    md = render_markdown(report, rows=2)
    assert "Abridged: each listing shows at most 2 items" in md
    assert re.findall(r"^### (.+)$", md, re.M) == ["London Borough of Bromley", "Metropolitan Police Service"]
    assert "The 2 buyers with the most counted contracts, of 6." in md
    assert md.count("…and 7 more contracts.") == 1  # the Met's 9, less the 2 shown; Bromley's 2 all shown
    assert "The 2 most central suppliers, of 7." in md
    assert len(re.findall(r"^\| \d+ \| ", md, re.M)) == 2
    status = dict(re.findall(r"^- \*\*(\w[\w ]*)\*\*: (.*)$", md, re.M))
    assert status["live"].endswith("…and 7 more") and status["live"].count(";") == 1
    assert status["awarded"].endswith("…and 2 more") and not status["planned"].endswith("more")
    assert re.search(r"^- No known value: [^;]+ …and 10 more$", md, re.M)
    assert re.search(r"^- No service tower: .+ …and 1 more$", md, re.M)
    assert "- …and 1 more fact described differently by different sources." in md
    # the sources listed are those the shown rows cite, under the JSON report's numbers
    refs = set(re.findall(r"\[\^(\d+)\](?!:)", md))
    defs = dict(re.findall(r"^\[\^(\d+)\]: (.+?) —", md, re.M))
    assert refs == set(defs)
    assert all(report["sources"][int(n) - 1]["title"] == title for n, title in defs.items())
    one = render_markdown(report, rows=1)  # the Met's first contract, one framework, one disagreement
    assert "The 3 sources cited above, of 5." in one
    assert set(re.findall(r"\[\^(\d+)\](?!:)", one)) == set(re.findall(r"^\[\^(\d+)\]:", one, re.M))
    # the longest listing holds 12 (no known value): from 12 rows, the full rendering as before
    assert render_markdown(report, rows=12) == render_markdown(report, rows=None)
    assert "Abridged" not in render_markdown(report, rows=12)
    assert re.search(r"^- No known value: .+ …and 1 more$", render_markdown(report, rows=11), re.M)

    out = tmp_path / "short.html"
    out.write_text(render_html(report, rows=2))
    with open_page(out) as (page, requests, errors, dialogs):
        assert errors == [] and [r for r in requests if not r.startswith("file://")] == []
        assert page.locator("h3").all_inner_texts() == ["London Borough of Bromley", "Metropolitan Police Service",
                                                         "Concentration over time"]
        assert page.locator("#buyers ~ table").first.locator("tbody tr").count() == 2
        assert page.locator("text=…and 7 more contracts.").count() == 1
        assert page.locator("svg").count() == 4  # the charts are of every supplier and every year
        listed = page.locator("#sources ~ ol li")
        shown = {int(v): t for v, t in zip(listed.evaluate_all("els => els.map(e => e.value)"),
                                           listed.all_inner_texts())}
        assert {int(h.split("-")[1]) for h in page.locator("sup a").evaluate_all(
            "els => els.map(e => e.getAttribute('href'))")} == set(shown)
        assert all(t.startswith(report["sources"][n - 1]["title"]) for n, t in shown.items())


def test_rows_is_for_the_renderings_people_read(runner):
    result = runner.invoke(cli, ["report", "--format", "json", "--rows", "5"])
    assert result.exit_code == 2 and "JSON always lists everything" in result.output
    full = runner.invoke(cli, ["report", "--format", "md", "--rows", "0"]).output
    short = runner.invoke(cli, ["report", "--format", "md", "--rows", "1"]).output
    assert "Abridged" not in full and full.count("\n### ") == 6
    assert "at most 1 item," in short and short.count("\n### ") == 1
    assert "default 100" in runner.invoke(cli, ["report", "--help"]).output
    from graph.report.build import ROWS
    assert ROWS == 100


#: Figures whose documents are not their contracts': k1's figure comes from notice B, k2's
#: from notices A and B, k3's names none; k4 has two figures, one from each; k5's is a blank
#: node, whose documents the projection cannot tell apart from other blank nodes'.
FIGURE_SOURCES = """
:srcB a sg:SourceDocument ; dcterms:title "Notice B" .
:k1 a sg:Contract ; rdfs:label "k1" ; sg:buyer :north ; sg:supplier :acme ; sg:status sg:Live ;
    prov:wasDerivedFrom :src ; sg:value :w1 .
:w1 epo:hasAmountValue 10.0 ; epo:hasCurrency cur:GBP ; sg:valueKind sg:TotalContractValue ; prov:wasDerivedFrom :srcB .
:k2 a sg:Contract ; rdfs:label "k2" ; sg:buyer :north ; sg:supplier :acme ; sg:status sg:Live ;
    prov:wasDerivedFrom :src ; sg:value :w2 .
:w2 epo:hasAmountValue 20.0 ; epo:hasCurrency cur:GBP ; sg:valueKind sg:AnnualValue ;
    prov:wasDerivedFrom :src , :srcB .
:k3 a sg:Contract ; rdfs:label "k3" ; sg:buyer :north ; sg:supplier :acme ; sg:status sg:Live ;
    prov:wasDerivedFrom :srcB ; sg:value :w3 .
:w3 epo:hasAmountValue 30.0 ; sg:valueKind sg:TotalContractValue .
:k4 a sg:Contract ; rdfs:label "k4" ; sg:buyer :north ; sg:supplier :acme ; sg:status sg:Live ;
    prov:wasDerivedFrom :src ; sg:value :w4a , :w4b .
:w4a epo:hasAmountValue 40.0 ; epo:hasCurrency cur:GBP ; sg:valueKind sg:TotalContractValue ; prov:wasDerivedFrom :src .
:w4b epo:hasAmountValue 40.0 ; epo:hasCurrency cur:GBP ; sg:valueKind sg:TotalContractValue ; prov:wasDerivedFrom :srcB .
:k5 a sg:Contract ; rdfs:label "k5" ; sg:buyer :north ; sg:supplier :acme ; sg:status sg:Live ;
    prov:wasDerivedFrom :src ;
    sg:value [ epo:hasAmountValue 50.0 ; sg:valueKind sg:TotalContractValue ; prov:wasDerivedFrom :srcB ] .
"""


@pytest.mark.parametrize("engine", ["memory", "oxigraph"])
def test_a_figure_cites_the_documents_it_was_derived_from(tmp_path, engine):
    data = build_report(store_of(tmp_path, ANALYTICS + FIGURE_SOURCES, engine))
    n = {s["title"]: s["n"] for s in data["sources"]}
    rows = {c["label"]: c for b in data["buyers"] for c in b["contracts"]}
    figures = {k: [(f["amount"], f["kind"], f["sources"]) for f in rows[k]["figures"]] for k in ("k1", "k2", "k3", "k4", "k5")}
    assert figures == {
        "k1": [(10.0, "total", [n["Notice B"]])],                        # its own document, not the contract's
        "k2": [(20.0, "annual", sorted([n["Tiny news"], n["Notice B"]]))],
        "k3": [(30.0, "total", [n["Notice B"]])],                         # names none: the contract's
        "k4": [(40.0, "total", [n["Notice B"]]), (40.0, "total", [n["Tiny news"]])],  # in order of title
        "k5": [(50.0, "total", [n["Tiny news"]])],                        # a blank node: the contract's
    }
    assert rows["k1"]["sources"] == [n["Tiny news"]]
    north = next(b for b in data["buyers"] if b["label"] == "North")
    acme = next(s for s in north["suppliers"] if s["label"] == "Acme")
    assert acme["contracts"] == 6  # c1 and k1-k5
    value = next(s for s in data["suppliers"] if s["label"] == "Acme")["known_value"]
    # c1 £3m + c6 £2m + k1 10 + k3 30 + k4 40 + 40 + k5 50; k2's 20 is annual
    assert value == [{"amount": 20.0, "currency": "GBP", "kind": "annual"},
                     {"amount": 5_000_170.0, "currency": "GBP", "kind": "total"}]


PAYLOAD = '<img src=x onerror="alert(1)">'


def test_names_from_data_are_escaped(tmp_path):
    path = tmp_path / "evil.ttl"
    path.write_text(ANALYTICS.replace('rdfs:label "Acme"', f"rdfs:label '{PAYLOAD}'"))
    data = build_report(MemoryStore(load_graph([path, *ontology_paths()])))
    html = render_html(data)
    assert PAYLOAD not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert PAYLOAD.replace("|", "\\|") in render_markdown(data)  # Markdown keeps text; renderers escape
    out = tmp_path / "evil.html"
    out.write_text(html)
    with open_page(out) as (page, requests, errors, dialogs):
        assert dialogs == [] and errors == []
        assert page.locator("text=" + PAYLOAD).count() >= 1


def test_html_renders_offline_in_chromium(tmp_path, runner):
    out = tmp_path / "report.html"
    result = runner.invoke(cli, ["report", "--format", "html", "--out", str(out)])
    assert result.exit_code == 0
    with open_page(out) as (page, requests, errors, dialogs):
        assert [r for r in requests if not r.startswith("file://")] == []
        assert errors == []
        assert page.locator("svg").count() == 4  # suppliers: buyers and value; the cliff edge: count and value
        assert page.locator("h3").count() == 7  # one per buyer, and concentration over time
        assert page.locator("#as-of").inner_text() == date.today().isoformat()
        assert page.title() == "Supplier-dependency report"
        png = tmp_path / "report.png"
        page.screenshot(path=str(png), full_page=True)
    assert png.stat().st_size > 10_000


def test_json_states_its_as_of_date_and_places_each_end(runner):
    result = runner.invoke(cli, ["--as-of", "2020-06-01", "report", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["as_of"] == data["timeline"]["as_of"] == "2020-06-01"
    periods = {p["period"]: p for p in data["timeline"]["periods"]}
    # by the latest date each may end: the SunGard pair by Nov 2015, Bromley-BT and the
    # Met's end user services in 2021, the Met's other five towers in 2022, Sopra Steria 2026
    assert {k: len(p["contracts"]) for k, p in periods.items()} == {"2015": 2, "2021": 2, "2022": 5, "2026": 1}
    assert periods["2021"]["value"] == [{"amount": 164_000_000.0, "currency": "GBP", "kind": "total"}]
    assert "Metropolitan Police Service loses 5 towers by the end of 2022: Application support services, " \
           "Data centre services, Hosting services, Network services, Service integration and management." \
           in periods["2022"]["flags"]
    euc = next(c for group in data["contracts_by_status"] for c in group["contracts"]
               if c["label"].startswith("Met end user computing"))
    assert (euc["status"], euc["status_as_of"], euc["end"]["text"]) == ("live", "may have ended", "2020 to 24 Feb 2021")
    # every buyer-tower market with dated contracts has one supplier: no HHI of 10,000
    assert data["timeline"]["concentration"] == {"markets": 8, "single_supplier_throughout": 8, "several": []}


def test_the_html_report_has_contents_a_tower_matrix_and_tables_that_sort(runner, tmp_path):
    out = tmp_path / "report.html"
    assert runner.invoke(cli, ["report", "--format", "html", "--out", str(out)]).exit_code == 0
    with open_page(out) as (page, requests, errors, dialogs):
        assert errors == [] and [r for r in requests if not r.startswith("file://")] == []
        # every entry of the contents leads to a section that exists
        targets = page.locator("nav.toc a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert len(targets) == 10
        assert all(page.locator(t).count() == 1 for t in targets)
        # Westminster's end user services and data centre rest on BT alone; Met hosting on DXC
        matrix = page.locator("#tower-matrix")
        assert matrix.locator("td.single").count() > 0
        westminster = matrix.locator("tbody tr", has_text="Westminster City Council")
        assert "BT ●" in westminster.inner_text()
        # suppliers sorted by their number of buyers: BT (5) first; clicked again, last
        table = page.locator("#supplier-table")
        first = lambda: table.locator("tbody tr").first.locator("td").nth(1).inner_text()  # noqa: E731
        table.locator("th", has_text="buyers").click()
        ascending = first()
        table.locator("th", has_text="buyers").click()
        assert (ascending != "BT", first()) == (True, "BT")
        assert table.locator("th", has_text="buyers").get_attribute("aria-sort") == "descending"


def test_a_report_for_one_buyer_is_about_that_buyer(runner):
    result = runner.invoke(cli, ["--as-of", "2021-06-01", "report", "--buyer", "Lewisham", "--format", "json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["summary"][0] == "London Borough of Lewisham buys from 1 supplier under 1 counted contract."
    # a figure of the whole graph says so
    assert "across the whole graph" in data["summary"][1]
    # Lewisham may buy through the communications framework, open to all London boroughs;
    # the pan-London framework names no one it is open to, and Lewisham calls nothing off it
    assert [f["label"] for f in data["frameworks"]] == ["London Local Government Communications Framework (BT)"]
    assert data["summary"][4].startswith("1 framework it may buy through with 1 panel place")
    assert [[b["label"] for b in r["buyers"]] for r in data["shared_suppliers"]] == [
        ["London Borough of Bromley", "London Borough of Lewisham"]]


def test_stats_report_and_data_gaps_agree_on_every_gap(runner, tmp_path):
    """One definition of each gap: stats, the report and the data-gaps query list the same
    contracts, on the bundled data and on a real Contracts Finder import beside it."""
    out = tmp_path / "cf.ttl"
    real = ROOT / "tests" / "fixtures" / "realdata" / "cf2025_it-related_releases_array.json"
    assert runner.invoke(cli, ["ingest", "ocds", str(real), "--out", str(out)]).exit_code == 0
    for data in ([], ["--data", str(ROOT / "data" / "triples.ttl"), "--data", str(out)]):
        stats = json.loads(runner.invoke(cli, [*data, "stats", "--format", "json"]).stdout)["gaps"]
        gaps = json.loads(runner.invoke(cli, [*data, "report", "--format", "json", "--include-inactive"]).stdout)[
            "data_gaps"]
        rows = json.loads(runner.invoke(cli, [*data, "query", "data-gaps", "--format", "json"]).stdout)
        query = {key: {b["contract"]["value"] for b in rows["results"]["bindings"] if b[col]["value"] == "true"}
                 for key, col in (("no_value", "noValue"), ("no_date", "noEnd"), ("no_tower", "noTower"))}
        for key in ("no_value", "no_date", "no_tower"):
            assert {c["iri"] for c in stats[key]} == {c["iri"] for c in gaps[key]} == query[key], key


def test_the_markdown_contents_link_to_its_headings(report):
    md = render_markdown(report)
    slugs = {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in re.findall(r"^## (.+)$", md, re.M)}
    links = re.findall(r"^\d+\. \[[^\]]+\]\(#([^)]+)\)$", md, re.M)
    assert len(links) == 10 and set(links) <= slugs
