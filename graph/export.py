"""Writing the graph out as RDF (Turtle, N-Triples, JSON-LD)."""

from __future__ import annotations

import rdflib

from .errors import UnsupportedFormat

__all__ = ["RDF_FORMATS", "serialise_rdf"]

#: format name -> (rdflib serialiser, file suffix)
RDF_FORMATS = {"turtle": ("turtle", ".ttl"), "nt": ("nt", ".nt"), "jsonld": ("json-ld", ".jsonld")}


def serialise_rdf(graph: rdflib.Graph, fmt: str) -> str:
    """The graph in ``fmt`` (``turtle``, ``nt`` or ``jsonld``), as text.

    N-Triples are sorted, so that two exports of the same graph are byte-identical.
    """
    try:
        name, _ = RDF_FORMATS[fmt]
    except KeyError:
        raise UnsupportedFormat(
            f"unknown RDF format {fmt!r}; use one of {', '.join(RDF_FORMATS)}") from None
    if name == "nt":
        lines = graph.serialize(format="nt").splitlines()
        return "\n".join(sorted(l for l in lines if l.strip())) + "\n"
    if name == "json-ld":
        from .namespaces import PREFIXES
        return graph.serialize(format="json-ld", context={k or "@vocab": v for k, v in PREFIXES.items()
                                                          if k}, indent=2)
    return graph.serialize(format=name)
