"""Every fact is traceable: evidence quotes are verbatim, every sourced kind has a source."""

import re

import pytest

from conftest import ROOT


def _norm(text: str) -> str:
    text = text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}))
    return re.sub(r"\s+", " ", text)


def test_every_evidence_quote_is_verbatim_in_one_of_its_sources(sparql):
    rows = sparql("""SELECT ?x ?evidence ?file WHERE { ?x sg:evidence ?evidence ;
        prov:wasDerivedFrom ?src . OPTIONAL { ?src sg:sourceFile ?file } }""")
    found: dict[tuple, bool] = {}
    for r in rows:
        key = (r["x"], r["evidence"])
        text = _norm((ROOT / "data" / r["file"]).read_text(encoding="utf-8")) if r["file"] else ""
        found[key] = found.get(key, False) or _norm(r["evidence"]) in text
    missing = [k for k, ok in found.items() if not ok]
    assert len(found) > 80
    assert missing == []


@pytest.mark.parametrize("cls", ["sg:Contract", "sg:Framework", "sg:Partnership", "epo:MonetaryValue",
                                 "sg:Programme", "sg:Claim"])
def test_every_fact_bearing_node_has_a_source_document(sparql, cls):
    rows = sparql(f"""SELECT ?x WHERE {{ ?x rdf:type/rdfs:subClassOf* {cls}
        FILTER NOT EXISTS {{ ?x prov:wasDerivedFrom ?s . ?s rdf:type/rdfs:subClassOf* sg:SourceDocument }} }}""")
    assert rows == []


def test_seed_sources_have_their_text_bundled(sparql):
    rows = sparql("SELECT ?file WHERE { ?s a sg:SourceDocument ; sg:sourceFile ?file }")
    assert len(rows) == 5
    assert all((ROOT / "data" / r["file"]).is_file() for r in rows)


def test_reference_data_comes_only_from_reference_sources(sparql):
    rows = sparql("""SELECT ?x WHERE { ?x sg:referenceData true ;
        prov:wasDerivedFrom|sg:mentionedIn ?s FILTER NOT EXISTS { ?s a sg:ReferenceSource } }""")
    assert rows == []


def test_every_quote_is_verbatim_in_its_source(sparql):
    rows = sparql("""SELECT ?q ?text ?file WHERE { ?q a sg:Quote ; sg:quotedText ?text ;
        prov:wasDerivedFrom/sg:sourceFile ?file }""")
    assert len(rows) == 10
    missing = [r["q"] for r in rows
               if _norm(r["text"]) not in _norm((ROOT / "data" / r["file"]).read_text(encoding="utf-8"))]
    assert missing == []
