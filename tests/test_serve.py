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

    import graph.serve.server
    from graph.errors import GraphError
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    data = None
    if how == "bad data":
        bad = tmp_path / "bad.ttl"
        bad.write_text("@prefix : <http://example.org/> .\n:a :b\n", encoding="utf-8")
        data = [str(bad)]
    else:
        monkeypatch.setattr(graph.serve.server, "oxigraph_binary", lambda: "false")  # exits at once
    with pytest.raises(GraphError):
        graph.serve.server.start_server(data=data, port=_free_port())
    assert list(tmp_path.glob("supplier-graph-serve-*")) == []


def test_the_install_hint_names_the_extra(monkeypatch):
    import shutil

    import graph.serve.server
    from graph.errors import InputError
    monkeypatch.setattr(graph.serve.server.Path, "exists", lambda self: False)
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match=r"pip install '\.\[serve\]'"):
        graph.serve.server.oxigraph_binary()


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


def _post(url, body: bytes, content_type="application/x-www-form-urlencoded", path="/query"):
    """A raw POST: status and body text, for what SPARQLWrapper cannot send."""
    import http.client
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers={"Content-Type": content_type,
                                                       "Accept": "application/sparql-results+json"})
        reply = conn.getresponse()
        return reply.status, reply.read().decode("utf-8", "replace")
    finally:
        conn.close()


def _get(url, path):
    import http.client
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        conn.request("GET", path)  # sent as written: no client tidies the path
        reply = conn.getresponse()
        return reply.status, reply.read().decode("utf-8", "replace")
    finally:
        conn.close()


@pytest.mark.parametrize("query, reason", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "SERVICE (federated query) is refused"),
    ("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "a file: IRI in FROM is refused"),
    ("LOAD <file:///etc/passwd>", "update operations are refused"),
    ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "update operations are refused"),
])
def test_refused_queries_never_reach_the_engine(endpoint, query, reason):
    from urllib.parse import urlencode
    for body, kind in ((urlencode({"query": query}).encode(), "application/x-www-form-urlencoded"),
                       (query.encode(), "application/sparql-query")):
        status, text = _post(endpoint[0], body, kind)
        assert status == 403 and text.startswith(reason)
    status, text = _get(endpoint[0], "/query?" + urlencode({"query": query}))
    assert status == 403 and text.startswith(reason)
    s = SPARQLWrapper(endpoint[0])
    s.setQuery("ASK { <http://e/a> ?p ?o }")
    s.setReturnFormat(JSON)
    assert s.query().convert()["boolean"] is False


def test_a_body_over_the_limit_is_413(endpoint):
    from graph.serve.ui import MAX_BODY
    status, text = _post(endpoint[0], b"query=" + b"x" * MAX_BODY)
    assert status == 413 and text.startswith(f"the request body is {MAX_BODY + 6:,} bytes")
    status, _ = _post(endpoint[0], b"query=ASK%7B%7D")  # the next request is served
    assert status == 200


@pytest.mark.parametrize("path", ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                                  "/static/..%2f..%2f..%2fetc%2fpasswd", "//etc/passwd", "/index.html/../../etc/passwd"])
def test_no_path_reaches_a_file(endpoint, path):
    status, text = _get(endpoint[0], path)
    assert status == 404 and "root:" not in text


def test_it_listens_on_loopback_only(endpoint):
    """The front and the Oxigraph server behind it: every socket the endpoint listens on is
    bound to 127.0.0.1 (Linux's table of TCP sockets; state 0A is LISTEN)."""
    import re
    port = int(endpoint[0].split(":")[2].split("/")[0])
    with open("/proc/net/tcp") as f:
        listening = [line.split()[1] for line in f.readlines()[1:] if line.split()[3] == "0A"]
    ours = [local for local in listening if int(local.split(":")[1], 16) == port]
    assert ours == ["0100007F:%04X" % port]
    assert not [local for local in listening if re.match(r"00000000:", local)
                and int(local.split(":")[1], 16) in (port,)]


def test_a_runaway_query_times_out_while_others_are_served(endpoint):
    """A cartesian product of every triple three times over, against the 2 s timeout the
    fixture set: it is stopped with 503, and small queries sent meanwhile are answered."""
    from urllib.parse import urlencode
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    def timed(query):
        answer = _post(endpoint[0], urlencode({"query": query}).encode())
        return answer, time.monotonic()

    with ThreadPoolExecutor(6) as pool:
        slow = pool.submit(timed, runaway)
        time.sleep(0.2)
        small = [pool.submit(timed, "ASK { ?s ?p ?o }") for _ in range(25)]
        answers = [f.result() for f in small]
        (status, text), stopped = slow.result()
    assert [a for a, _ in answers] == [(200, '{"head":{},"boolean":true}')] * 25
    assert max(t for _, t in answers) < stopped  # all answered while the runaway still ran
    assert status == 503 and text.startswith("the query ran past the server's timeout (2 s) and was stopped")


def test_a_refused_query_is_caught_wherever_the_request_carries_it(endpoint):
    """A harmless query in the body does not let a SERVICE in the address through, and an
    update is refused as a form field or as a body of its own."""
    from urllib.parse import urlencode
    import http.client
    from urllib.parse import urlsplit
    parts = urlsplit(endpoint[0])
    service = urlencode({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }"})

    def post(path, body, kind):
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        conn.request("POST", path, body=body, headers={"Content-Type": kind})
        reply = conn.getresponse()
        return reply.status, reply.read().decode()
    assert post(f"/query?{service}", b"query=ASK%7B%7D", "application/x-www-form-urlencoded")[0] == 403
    status, text = post("/query", b"update=INSERT+DATA+%7B%3Ca%3E+%3Cb%3E+%3Cc%3E%7D", "application/x-www-form-urlencoded")
    assert status == 403 and text.startswith("update operations are refused")
    status, text = post("/query", b"INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }", "application/sparql-update")
    assert status == 403 and text.startswith("update operations are refused")
