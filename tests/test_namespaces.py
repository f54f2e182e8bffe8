"""The namespace module and the ontology agree term for term."""

import pytest
import rdflib

from graph.model.namespaces import SG, TOWER
from graph.model.rdffiles import ontology_paths


def _defined(ns: str) -> set[str]:
    g = rdflib.Graph()
    for p in ontology_paths():
        g.parse(p)
    return {str(s)[len(ns):] for s in g.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(ns)}


@pytest.mark.parametrize("namespace", [SG, TOWER], ids=["sg", "tower"])
def test_namespace_module_matches_ontology(namespace):
    ns = str(namespace._NS)
    in_module = set(namespace.__annotations__)
    assert in_module == _defined(ns)


def test_misspelt_term_is_an_error():
    with pytest.raises(AttributeError):
        SG.suplier  # noqa: B018


def test_every_sg_term_used_in_data_is_defined(bundled_graph):
    ns = str(SG._NS)
    used = {str(t)[len(ns):] for triple in bundled_graph for t in triple
            if isinstance(t, rdflib.URIRef) and str(t).startswith(ns)}
    assert used <= set(SG.__annotations__)


def test_no_public_name_is_shadowed_by_a_submodule():
    """``graph.project`` must stay the function even after ``graph/project.py`` is imported."""
    import pkgutil
    import graph
    assert set(graph.__all__) & {m.name for m in pkgutil.iter_modules(graph.__path__)} == set()
