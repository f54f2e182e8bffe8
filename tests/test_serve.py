"""The endpoint as a real process on 127.0.0.1, queried with SPARQLWrapper."""

import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import rdflib
from SPARQLWrapper import JSON, SPARQLWrapper, TURTLE
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException
from urllib.error import HTTPError


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def endpoint():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--port", str(port), "--timeout", "2"],
                            stderr=subprocess.PIPE, text=True)
    line = proc.stderr.readline()
    assert "SPARQL endpoint (read-only) at" in line
    yield f"http://127.0.0.1:{port}/query", proc
    proc.terminate()
    proc.wait(15)


def test_select_json(endpoint):
    s = SPARQLWrapper(endpoint[0])
    s.setQuery("PREFIX sg: <https://w3id.org/supplier-graph/ontology#> "
               "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c sg:buyer <https://w3id.org/supplier-graph/id/met> }")
    s.setReturnFormat(JSON)
    assert s.query().convert()["results"]["bindings"][0]["n"]["value"] == "10"


def test_construct_turtle(endpoint):
    s = SPARQLWrapper(endpoint[0])
    s.setQuery("PREFIX sg: <https://w3id.org/supplier-graph/ontology#> "
               "CONSTRUCT { ?c sg:supplier ?s } WHERE { ?c sg:supplier ?s ; sg:buyer <https://w3id.org/supplier-graph/id/lewisham> }")
    s.setReturnFormat(TURTLE)
    g = rdflib.Graph().parse(data=s.query().convert(), format="turtle")
    assert len(g) == 1


def test_malformed_query_is_400_with_parser_message(endpoint):
    s = SPARQLWrapper(endpoint[0])
    s.setQuery("SELECT ?x WHERE { ?x ?p }")
    s.setReturnFormat(JSON)
    with pytest.raises(QueryBadFormed) as e:
        s.query()
    assert "error at 1:" in str(e.value)


def test_update_refused(endpoint):
    s = SPARQLWrapper(endpoint[0].replace("/query", "/update"))
    s.setMethod("POST")
    s.setQuery("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    with pytest.raises((SPARQLWrapperException, HTTPError)):
        s.query()
    check = SPARQLWrapper(endpoint[0])
    check.setQuery("ASK { <http://e/a> ?p ?o }")
    check.setReturnFormat(JSON)
    assert check.query().convert()["boolean"] is False


def test_20_concurrent_clients_50_queries_each(endpoint):
    def client(i):
        s = SPARQLWrapper(endpoint[0])
        s.setReturnFormat(JSON)
        for _ in range(50):
            s.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
            n = int(s.query().convert()["results"]["bindings"][0]["n"]["value"])
            assert n > 1000
        return True

    with ThreadPoolExecutor(20) as pool:
        assert all(pool.map(client, range(20)))


def test_port_in_use_is_a_clear_error(endpoint):
    port = endpoint[0].split(":")[2].split("/")[0]
    out = subprocess.run([sys.executable, "-m", "graph", "serve", "--port", port],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert out.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: Address already in use")


def test_sigterm_stops_cleanly(endpoint):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--port", str(port)],
                            stderr=subprocess.PIPE, text=True)
    assert "SPARQL endpoint" in proc.stderr.readline()
    proc.terminate()
    assert proc.wait(15) == 0
    time.sleep(0.2)
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=0.5)


@pytest.mark.parametrize("how", ["bad data", "server exits"])
def test_a_failed_start_leaves_no_temporary_store(tmp_path, monkeypatch, how):
    import tempfile

    import graph.serve
    from graph.errors import GraphError
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    data = None
    if how == "bad data":
        bad = tmp_path / "bad.ttl"
        bad.write_text("@prefix : <http://example.org/> .\n:a :b\n", encoding="utf-8")
        data = [str(bad)]
    else:
        monkeypatch.setattr(graph.serve, "oxigraph_binary", lambda: "false")  # exits at once
    with pytest.raises(GraphError):
        graph.serve.start_server(data=data, port=_free_port())
    assert list(tmp_path.glob("supplier-graph-serve-*")) == []


def test_the_install_hint_names_the_extra(monkeypatch):
    import shutil

    import graph.serve
    from graph.errors import InputError
    monkeypatch.setattr(graph.serve.Path, "exists", lambda self: False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match=r"pip install '\.\[serve\]'"):
        graph.serve.oxigraph_binary()


def test_the_query_page_declares_the_prefixes_and_fetches_nothing_outside(endpoint):
    from playwright.sync_api import sync_playwright

    from browser import CHROMIUM, FLAGS
    base = endpoint[0][:-len("query")]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        try:
            page = browser.new_page()
            requests, errors = [], []
            page.on("request", lambda r: requests.append(r.url))
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(base)
            text = page.input_value("#query")
            assert "PREFIX sg: <https://w3id.org/supplier-graph/ontology#>" in text
            prefixes = text[:text.index("SELECT")]
            page.fill("#query", prefixes + "SELECT ?label WHERE { :bt rdfs:label ?label }")
            page.click("button[type=submit]")
            page.wait_for_selector("#results table")
            assert page.locator("#results td").all_inner_texts() == ["BT"]
            assert errors == [] and all(r.startswith(base) for r in requests)
        finally:
            browser.close()
