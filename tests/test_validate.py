"""SHACL validation in plain words, on a tiny graph whose problems are known."""

from graph.model.rdffiles import load_graph, ontology_paths
from graph.model.validation import validate, validate_graph

from conftest import TINY


def _report(tmp_path, turtle):
    path = tmp_path / "t.ttl"
    path.write_text(turtle)
    return validate([path])


def test_bundled_graph_conforms():
    report = validate()
    assert report.conforms and report.issues == []


def test_tiny_graph_conforms_and_a_tender_may_lack_a_supplier(tmp_path):
    assert _report(tmp_path, TINY).conforms


def test_contract_missing_its_supplier_is_named(tmp_path):
    report = _report(tmp_path, TINY.replace("sg:supplier :acme ; ", ""))
    assert [str(i) for i in report.issues] == [
        "violation: Tiny contract <http://example.org/c1>: contract has no supplier "
        "(only a contract still in procurement, planned, cancelled before award, or with sg:supplierNotKnown saying why, may lack one)"]


def test_money_without_kind_or_currency(tmp_path):
    report = _report(tmp_path, TINY.replace(
        "epo:hasCurrency cur:GBP ; sg:valueKind sg:TotalContractValue ; ", ""))
    assert sorted((i.label, i.path, i.message) for i in report.issues) == [
        ("£4m", "epo:hasCurrency", "a money value needs exactly one currency"),
        ("£4m", "sg:valueKind", "a money value needs exactly one kind: total, annual, ceiling, "
                                "saving, write-off, expenditure, award, estimate, placeholder or reported"),
    ]


def test_source_without_publisher_and_contract_without_source(tmp_path):
    turtle = TINY.replace('; dcterms:publisher "Tiny Weekly" ', "").replace(
        "sg:status sg:Awarded ; prov:wasDerivedFrom :src .", "sg:status sg:Awarded .")
    issues = {(i.label, i.message) for i in _report(tmp_path, turtle).issues}
    assert issues == {
        ("Tiny news", "source document has no publisher (add dcterms:publisher)"),
        ("South network contract", "has no source (add prov:wasDerivedFrom a source document)"),
    }


def test_unlabelled_node_and_unscoped_contract(tmp_path):
    turtle = TINY.replace(':c2 a sg:Contract ; rdfs:label "South network contract" ;', ":c2 a sg:Contract ;")
    turtle = turtle.replace("sg:supplier :zeta ; sg:tower tower:Network ;", "sg:supplier :zeta ;")
    issues = {(i.focus, i.message) for i in _report(tmp_path, turtle).issues}
    assert issues == {
        ("http://example.org/c2", "has no label (add rdfs:label or skos:prefLabel)"),
        ("http://example.org/c2", "contract has neither a service tower nor a description of its "
                                  "scope (add sg:tower or sg:scopeDescription)"),
    }


def test_bad_status_is_refused(tmp_path):
    report = _report(tmp_path, TINY.replace("sg:status sg:Live", "sg:status sg:Finished"))
    assert [(i.label, i.path) for i in report.issues] == [("Tiny contract", "sg:status")]


def test_report_json_shape(tmp_path, tiny_path):
    report = validate_graph(load_graph([tiny_path, *ontology_paths()]))
    assert report.to_dict()["conforms"] is True
    assert report.to_dict()["triples"] == report.triples > 0
