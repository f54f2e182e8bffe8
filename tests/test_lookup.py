"""Names people use find the one entity they mean."""

import pytest

from graph.errors import AmbiguousName, EntityNotFound
from graph.sparql.lookup import resolve

from conftest import outcome

ID = "https://w3id.org/supplier-graph/id/"

# Every organisation the documents name, under every name they use for it.
NAMES = {
    "met": ["the Met", "MPS", "Metropolitan Police Service", "Met Police", "Metropolitan Police",
            "the Met Police", "London's Metropolitan Police Service", "mps"],
    "bromley": ["Bromley Council", "Bromley", "Borough of Bromley", "London Borough of Bromley"],
    "lewisham": ["Lewisham", "Lewisham Council", "Borough of Lewisham"],
    "westminster": ["Westminster City Council", "Westminster"],
    "kensington-chelsea": ["Royal Borough of Kensington and Chelsea", "Kensington and Chelsea"],
    "hammersmith-fulham": ["Borough of Hammersmith", "Hammersmith and Fulham", "Hammersmith & Fulham",
                           "London Borough of Hammersmith and Fulham", "Hammersmith and Fulham council"],
    "islington": ["London Borough of Islington", "Islington"],
    "greenwich": ["Greenwich"], "bexley": ["Bexley"], "croydon": ["Croydon"],
    "nhs": ["NHS"], "tfl": ["Transport for London", "TfL"], "london-schools": ["schools"],
    "london-boroughs": ["all 33 London boroughs", "London boroughs"],
    "cabinet-office": ["Cabinet Office"], "ministry-of-justice": ["Ministry of Justice"],
    "london-assembly": ["London Assembly"],
    "bt": ["BT", "the telco"], "bt-global-services": ["BT Global Services"],
    "sungard": ["SunGard", "SunGard Public Sector Ltd"], "atos": ["Atos", "French outsourcer Atos"],
    "keysource": ["Keysource"], "dxc": ["DXC", "DXC Technology"], "accenture": ["Accenture"],
    "csc": ["CSC"], "northrop-grumman": ["Northrop Grumman"],
    "sopra-steria": ["Sopra Steria", "Steria"], "g4s": ["G4S"], "serco": ["Serco"],
    "techmarketview": ["TechMarketView"],
    "tri-borough": ["tri-borough partnership", "tri-borough"],
    "pegasus": ["Pegasus", "Pegasus Programme"], "met-total-technology": ["Total Technology"],
    "nhs-npfit": ["National Programme for IT", "NHS National Programme for IT"],
}


@pytest.mark.parametrize("local, name", [(k, n) for k, names in NAMES.items() for n in names])
def test_every_name_the_documents_use(store, local, name):
    assert resolve(store, name).iri == ID + local


@pytest.mark.parametrize("name", [":met", ID + "met", f"<{ID}met>", "met"])
def test_ids_and_iris(store, name):
    assert resolve(store, name).iri == ID + "met"


def test_ambiguous_name_lists_candidates(store):
    # three partnerships and a source, none of them the one organisation among the matches
    with pytest.raises(AmbiguousName) as e:
        resolve(store, "Bromley and")
    assert [iri for _, iri in e.value.candidates] == [
        ID + "bromley-bexley-sen-transport", ID + "bromley-greenwich-fraud", ID + "bromley-lewisham-ict",
        ID + "src-conhome-bromley-lewisham"]


@pytest.mark.parametrize("name, org, others", [
    ("Sopra", "sopra-steria", ["contract-met-sopra-steria"]),
    ("Hammersmith", "hammersmith-fulham", ["contract-hammersmith-fulham-bt"]),
])
def test_an_organisation_wins_over_things_named_after_it(store, name, org, others):
    found = resolve(store, name)
    assert found.iri == ID + org
    assert [iri for _, iri in found.also] == [ID + o for o in others]


def test_unknown_name_suggests(store):
    with pytest.raises(EntityNotFound) as e:
        resolve(store, "Keysorce")
    assert e.value.suggestions == ["Keysource"]
    assert str(e.value) == "no entity named 'Keysorce'; did you mean: 'Keysource'?"


def test_unknown_iri(store):
    with pytest.raises(EntityNotFound):
        resolve(store, ID + "nobody")


def _two_spellings():
    """Two entities whose names differ only in case: "Acme Ltd" and "ACME LTD"."""
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import RDF, RDFS, SKOS

    from graph.model.namespaces import SG
    from graph.store.local import MemoryStore
    g = Graph()
    g.add((URIRef(ID + "acme"), RDFS.label, Literal("Acme Ltd")))
    g.add((URIRef(ID + "acme-holdings"), SKOS.altLabel, Literal("ACME LTD")))
    g.add((URIRef(ID + "acme-holdings"), RDF.type, SG.Supplier))
    return MemoryStore(g)


def test_a_name_spelled_exactly_means_what_it_names():
    store = _two_spellings()
    assert resolve(store, "Acme Ltd").iri == ID + "acme"
    assert resolve(store, " ACME LTD ").iri == ID + "acme-holdings"
    assert resolve(store, "acme-holdings").iri == ID + "acme-holdings"  # a local id, spelled exactly


def test_a_name_spelled_otherwise_matches_both_spellings():
    with pytest.raises(AmbiguousName) as e:
        resolve(_two_spellings(), "acme ltd")
    assert sorted(iri for _, iri in e.value.candidates) == [ID + "acme", ID + "acme-holdings"]


def test_suggestions_are_difflibs_own(store):
    """The RapidFuzz prefilter leaves difflib's suggestions as they were: typos of 100 of
    the graph's names (a letter dropped, two swapped, one changed) get the same five."""
    import difflib
    import random

    from graph.sparql.lookup import _suggest
    from graph.sparql.names import MINOR, name_index
    index = name_index(store)
    keys = [k for k in index if k != MINOR]
    rng = random.Random(3)
    typos = []
    for k in rng.sample(keys, 100):
        i = rng.randrange(len(k))
        typos += [k[:i] + k[i + 1:], k[:i] + k[i + 1:i + 2] + k[i:i + 1] + k[i + 2:], k[:i] + "x" + k[i + 1:]]
    suggested = 0
    for typo in typos:
        close = difflib.get_close_matches(typo, keys, n=5, cutoff=0.6)
        assert _suggest(index, typo) == [next(iter(index[c].values())) for c in close], typo
        suggested += bool(close)
    assert suggested > len(typos) // 2  # the typos are close enough to be suggested for



def test_lookups_without_the_index_answer_as_the_index_does(bundled_graph):
    """Without the name index, the names that read the same or contain the name come from
    one query for the names holding its words: 150 words and phrases of the graph's own
    names, in other cases, get the answer the whole index gives (one, several, none), in
    Oxigraph as in rdflib."""
    import random
    import re

    from graph.sparql.names import MINOR, name_index, normalise_name
    from graph.model.rdffiles import default_data_paths
    from graph.store.local import MemoryStore, OxigraphStore
    indexed = MemoryStore(bundled_graph)
    keys = [k for k in name_index(indexed) if k != MINOR]
    rng = random.Random(5)
    phrases = set()
    for k in rng.sample(keys, 150):
        words = k.split()
        i = rng.randrange(len(words))
        phrases.add(" ".join(words[i:i + rng.choice([1, 2])]).upper())
    fresh = OxigraphStore()
    fresh.load(default_data_paths())
    outcomes = []
    for phrase in sorted(phrases):
        fresh.kept.pop("names", None)  # no index built yet
        outcomes.append(outcome(fresh, phrase))
        assert outcomes[-1] == outcome(indexed, phrase), phrase
        plain = [w for w in normalise_name(phrase).split() if re.fullmatch("[a-z0-9]+", w) and w != "and"]
        if plain and outcomes[-1][0] != "not found":  # found without reading every name
            assert "names" not in fresh.kept, phrase
    kinds = {o if isinstance(o, str) else o[0] for o in outcomes}
    assert {"ambiguous"} < kinds and any(isinstance(o, str) for o in outcomes)  # each kind of answer


def test_labels_of_many_things_are_asked_a_part_at_a_time(tiny_store):
    """A VALUES of thousands of IRIs is more than Virtuoso compiles: labels() asks for
    2,000 at a time, and answers for all of them."""
    from graph.sparql.lookup import labels
    from graph.store.base import VALUES_MAX
    sent = []
    real = tiny_store.select
    tiny_store.select = lambda q, **kw: (sent.append(q.count("<http://example.org/")), real(q, **kw))[1]
    iris = ["http://example.org/north", "http://example.org/acme"] + [f"http://example.org/none/{i}" for i in range(4500)]
    found = labels(tiny_store, iris)
    assert (found["http://example.org/north"], found["http://example.org/acme"]) == ("North Council", "Acme IT")
    assert found["http://example.org/none/4499"] == "http://example.org/none/4499" and len(found) == 4502
    assert max(sent) <= VALUES_MAX and len(sent) == 3
