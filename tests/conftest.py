"""Shared fixtures: the bundled graph, a tiny hand-countable graph, and a CLI runner."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from graph.model.namespaces import sparql_prefixes
from graph.model.rdffiles import load_graph, ontology_paths
from graph.store.local import MemoryStore

_NATIVE = {rdflib.URIRef("http://www.w3.org/2001/XMLSchema#" + t)
           for t in ("integer", "decimal", "double", "boolean", "string", "int", "float")}
ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "triples.ttl"

#: A tiny graph: two councils, two suppliers, one framework, three contracts.
TINY = textwrap.dedent("""\
    @prefix :     <http://example.org/> .
    @prefix sg:   <https://w3id.org/supplier-graph/ontology#> .
    @prefix tower: <https://w3id.org/supplier-graph/tower/> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
    @prefix prov: <http://www.w3.org/ns/prov#> .
    @prefix dcterms: <http://purl.org/dc/terms/> .
    @prefix epo:  <http://data.europa.eu/a4g/ontology#> .
    @prefix cur:  <http://publications.europa.eu/resource/authority/currency/> .

    :src a sg:SourceDocument ; dcterms:title "Tiny news" ; dcterms:publisher "Tiny Weekly" .
    :north a sg:LocalAuthority ; rdfs:label "North Council" .
    :south a sg:LocalAuthority ; rdfs:label "South Council" .
    :acme a sg:Supplier ; rdfs:label "Acme IT" .
    :zeta a sg:Supplier ; rdfs:label "Zeta Networks" .
    :c1 a sg:Contract ; rdfs:label "Tiny contract" ;
        sg:buyer :north ; sg:supplier :acme ; sg:tower tower:EndUserServices ;
        sg:status sg:Live ; sg:value :v1 ; prov:wasDerivedFrom :src .
    :v1 a epo:MonetaryValue ; rdfs:label "£4m" ; epo:hasAmountValue 4000000.0 ;
        epo:hasCurrency cur:GBP ; sg:valueKind sg:TotalContractValue ; prov:wasDerivedFrom :src .
    :c2 a sg:Contract ; rdfs:label "South network contract" ;
        sg:buyer :south ; sg:supplier :zeta ; sg:tower tower:Network ;
        sg:status sg:Awarded ; prov:wasDerivedFrom :src .
    :c3 a sg:Contract ; rdfs:label "South hosting tender" ;
        sg:buyer :south ; sg:tower tower:Hosting ;
        sg:status sg:InProcurement ; prov:wasDerivedFrom :src .
    """)


@pytest.fixture(scope="session")
def bundled_graph():
    return load_graph()


@pytest.fixture(scope="session")
def store(bundled_graph):
    return MemoryStore(bundled_graph)


@pytest.fixture
def tiny_path(tmp_path) -> Path:
    path = tmp_path / "tiny.ttl"
    path.write_text(TINY, encoding="utf-8")
    return path


@pytest.fixture
def tiny_store(tiny_path):
    return MemoryStore(load_graph([tiny_path, *ontology_paths()]))


def store_of(tmp_path: Path, turtle: str, engine: str):
    """``turtle`` and the ontology in a store of one engine: rdflib in memory ("memory") or
    Oxigraph in memory ("oxigraph"), for a test that runs its queries on both."""
    from graph.store.local import OxigraphStore
    path = tmp_path / "data.ttl"
    path.write_text(turtle, encoding="utf-8")
    if engine == "memory":
        return MemoryStore(load_graph([path, *ontology_paths()]))
    store = OxigraphStore()
    store.load([path, *ontology_paths()])
    return store


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture(scope="session")
def sparql(store):
    """Run a SELECT on the bundled graph; rows as dicts of Python values."""
    def value(term):
        if term is None:
            return None
        if isinstance(term, rdflib.Literal) and (term.datatype in _NATIVE or term.datatype is None):
            return term.toPython()
        return str(term)

    def run(query: str) -> list[dict]:
        res = store.select(sparql_prefixes() + query)
        return [{k: value(v) for k, v in r.items()} for r in res.rows]
    return run


@pytest.fixture(scope="session")
def server():
    """A real Oxigraph endpoint over the bundled data on a free 127.0.0.1 port (2 s timeout)."""
    import shutil
    from graph.serve.server import start_server
    proc, url, tmp = start_server(port=0, timeout=2)
    yield url
    proc.terminate()
    proc.wait(10)
    shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture()
def disk(tmp_path):
    """The bundled graph in an on-disk Oxigraph store, as a new one; returns its directory."""
    from graph.model.rdffiles import default_data_paths
    from graph.store.local import OxigraphStore
    path = tmp_path / "store"
    writing = OxigraphStore(path)
    writing.load(default_data_paths())
    writing.close()
    return path


def outcome(store, name):
    """What looking ``name`` up answers: an IRI, or ("ambiguous", candidates), or
    ("not found", suggestions)."""
    from graph.errors import AmbiguousName, EntityNotFound
    from graph.sparql.lookup import resolve
    try:
        return resolve(store, name).iri
    except AmbiguousName as e:
        return ("ambiguous", e.candidates)
    except EntityNotFound as e:
        return ("not found", e.suggestions)
