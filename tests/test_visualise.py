"""Graph pages in a real headless Chromium from file://: offline, complete, searchable, safe."""

import copy
import re

import networkx as nx
import pytest

from graph.viz import pages as visualise
from graph.cli.main import cli
from graph.projection.views import project
from graph.model.rdffiles import load_graph, ontology_paths
from graph.store.local import MemoryStore

from analytics_fixture import ANALYTICS
from browser import open_page

ID = "https://w3id.org/supplier-graph/id/"
TOWER = "https://w3id.org/supplier-graph/tower/"


def _open_and_check(path, tmp_path, expected_nodes, expected_edges, search=None):
    with open_page(path) as (page, requests, errors, dialogs):
        page.wait_for_function("window.graphView && window.graphView.ready", timeout=30000)
        assert [r for r in requests if not r.startswith("file://")] == []
        assert errors == [] and dialogs == []
        assert page.evaluate("graphView.nodes.length") == expected_nodes
        assert page.evaluate("graphView.edges.length") == expected_edges
        if search:
            label, iri = search
            page.fill("#search", label)
            page.press("#search", "Enter")
            assert page.evaluate("graphView.focused") == iri
            assert page.evaluate("graphView.network.getSelectedNodes()") == [iri]
        shot = tmp_path / (path.stem + ".png")
        page.screenshot(path=str(shot))
    assert shot.stat().st_size > 5_000


@pytest.fixture(scope="module")
def network(store):
    return project(store, "network")


def test_whole_graph_view(runner, tmp_path, network):
    out = tmp_path / "whole.html"
    assert runner.invoke(cli, ["viz", "--out", str(out)]).exit_code == 0
    _open_and_check(out, tmp_path, network.number_of_nodes(), network.number_of_edges(),
                    search=("Keysource", ID + "keysource"))


def test_focus_view(runner, tmp_path, network):
    out = tmp_path / "focus.html"
    assert runner.invoke(cli, ["viz", "--focus", "the Met", "--depth", "1", "--out", str(out)]).exit_code == 0
    ego = nx.ego_graph(network, ID + "met", radius=1)
    assert ego.number_of_nodes() == 11  # the Met, 7 suppliers, a framework, 2 programmes
    _open_and_check(out, tmp_path, ego.number_of_nodes(), ego.number_of_edges(), search=("atos", ID + "atos"))


def test_path_view_highlights_the_path(runner, tmp_path, network):
    out = tmp_path / "path.html"
    assert runner.invoke(cli, ["viz", "--path", "Lewisham", "Westminster", "--out", str(out)]).exit_code == 0
    _open_and_check(out, tmp_path, network.number_of_nodes(), network.number_of_edges())
    html = out.read_text()
    assert html.count(visualise.HIGHLIGHT_EDGE) >= 4  # Lewisham-SunGard-Bromley-BT-Westminster


def test_impact_view(runner, tmp_path, network):
    out = tmp_path / "impact.html"
    assert runner.invoke(cli, ["viz", "--impact", "CSC", "--out", str(out)]).exit_code == 0
    _open_and_check(out, tmp_path, network.number_of_nodes(), network.number_of_edges())
    assert "1 buyer(s) affected; 2 buyer\u2013tower pair(s) left without a supplier." in out.read_text()


def test_tower_view(runner, tmp_path):
    out = tmp_path / "tower.html"
    assert runner.invoke(cli, ["viz", "--tower", "Data centre services", "--out", str(out)]).exit_code == 0
    # Bromley, Westminster, Hammersmith and Fulham, the Met; BT and Keysource
    _open_and_check(out, tmp_path, 7, 6, search=("Keysource", ID + "keysource"))


def test_no_network_reference_anywhere(tmp_path, network):
    page = visualise.graph_html(network, title="t")
    assert re.findall(r'(?:src|href)\s*=\s*["\']?https?:', page, re.I) == []
    assert "<link" not in page and "<script src" not in page


def test_caller_graph_is_not_changed(network):
    before = copy.deepcopy(nx.node_link_data(network, edges="links"))
    visualise.graph_html(network, title="t")
    assert nx.node_link_data(network, edges="links") == before


PAYLOADS = ['<img src=x onerror="window.__pwned=1;alert(1)">',
            '</script><script>window.__pwned=2;alert(2)</script>',
            'Acme <a href="javascript:alert(3)">href</a>']


def test_script_payloads_in_names_run_nothing(tmp_path):
    turtle = (ANALYTICS.replace('rdfs:label "Acme"', "rdfs:label '" + PAYLOADS[0] + "'")
              .replace('rdfs:label "Zeta"', "rdfs:label '" + PAYLOADS[1] + "'")
              .replace('rdfs:label "North"', "rdfs:label '" + PAYLOADS[2] + "'")
              .replace('dcterms:title "Tiny news"', "dcterms:title '" + PAYLOADS[0] + "'"))
    path = tmp_path / "evil.ttl"
    path.write_text(turtle)
    g = project(MemoryStore(load_graph([path, *ontology_paths()])), "network")
    out = tmp_path / "evil.html"
    out.write_text(visualise.graph_html(g, title=PAYLOADS[1]))
    with open_page(out) as (page, requests, errors, dialogs):
        page.wait_for_function("window.graphView && window.graphView.ready", timeout=30000)
        assert dialogs == []
        assert page.evaluate("window.__pwned === undefined")
        assert page.evaluate("document.querySelectorAll('img').length") == 0
        title = page.evaluate("graphView.nodes.get('http://example.org/acme').title.textContent")
        assert title.startswith(PAYLOADS[0])
        assert page.evaluate("document.getElementById('heading').textContent") == PAYLOADS[1]
        assert page.title() == PAYLOADS[1]
        page.fill("#search", PAYLOADS[0])
        page.press("#search", "Enter")
        assert page.evaluate("graphView.focused") == "http://example.org/acme"
        assert page.evaluate("window.__pwned === undefined") and dialogs == []


def test_large_graphs_get_positions_and_no_physics():
    g = nx.gnm_random_graph(visualise.PHYSICS_LIMIT + 20, 900, seed=1)
    nx.set_node_attributes(g, "buyer", "kind")
    page = visualise.graph_html(g, title="big")
    assert '"physics": {"enabled": false' in page or '"enabled": false' in page
    assert re.search(r'"x": -?\d', page)


def test_notebook_display_is_an_escaped_srcdoc_iframe():
    shown = visualise.notebook_display('<p title="a&b">x</p>', height=300)._repr_html_()
    assert shown.startswith('<iframe srcdoc="&lt;p title=&quot;a&amp;b&quot;&gt;x&lt;/p&gt;"')
    assert "height:300px" in shown and 'sandbox="allow-scripts"' in shown


def test_viz_rejects_two_views(runner):
    result = runner.invoke(cli, ["viz", "--focus", "BT", "--tower", "Network services"])
    assert result.exit_code == 2 and "choose one of --focus, --path, --impact, --tower" in result.stderr


def test_a_page_finds_aliases_reads_edges_in_their_direction_and_says_what_it_shows(runner, tmp_path):
    out = tmp_path / "whole.html"
    assert runner.invoke(cli, ["--as-of", "2021-06-01", "viz", "--out", str(out)]).exit_code == 0
    with open_page(out) as (page, requests, errors, dialogs):
        page.wait_for_function("window.graphView && window.graphView.ready", timeout=30000)
        assert errors == [] and [r for r in requests if not r.startswith("file://")] == []
        # "MPS" and "the Met" are aliases of the Metropolitan Police Service
        for alias in ("MPS", "the Met"):
            page.fill("#search", alias)
            page.press("#search", "Enter")
            assert page.evaluate("graphView.focused") == ID + "met"
        # the edge between BT and Bromley reads from the supplier to the buyer
        tip = page.evaluate(f"""graphView.edges.get().find(e => [e.from, e.to].sort().join(' ') ==
            ['{ID}bromley', '{ID}bt'].sort().join(' ')).title.textContent""")
        assert tip.startswith("BT supplies London Borough of Bromley")
        legend = page.inner_text("#legend")
        assert "\u25c6supplier" in legend.replace(" ", "") and "a contract (solid)" in legend \
            and "another relation (dashed)" in legend
        assert page.inner_text("#about") == ("Data: the bundled graph (data/triples.ttl). Statuses as the sources "
                                             "reported them, each on its own date; made as of 2021-06-01.")
        # the group of 33 boroughs is drawn small, not as the biggest node
        assert page.evaluate(f"graphView.nodes.get('{ID}london-boroughs').size") == 10


def test_the_tower_view_puts_the_tower_between_buyers_and_suppliers(store):
    import json as _json
    page = visualise.tower_view(store, TOWER + "EndUserServices")
    data = _json.loads(re.search(r"const DATA = (\{.*?\});\n", page, re.S).group(1))
    x = {k: {n["x"] for n in data["nodes"] if n["kind"] == k} for k in ("buyer", "tower", "supplier")}
    assert max(x["buyer"]) < min(x["tower"]) and max(x["tower"]) < min(x["supplier"])
    assert len(x["buyer"]) == len(x["tower"]) == len(x["supplier"]) == 1  # one column each
