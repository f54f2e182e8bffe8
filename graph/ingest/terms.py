"""The terms the importers write, as plain strings instead of rdflib terms.

An IRI is a ``str``; a literal is a :class:`Lit`, a ``str`` holding its N-Triples form;
a vocabulary's terms come from :class:`Terms`. An import writes millions of terms, and
making each an rdflib object (whose constructor parses and normalises a literal's value
and checks an IRI at every call) cost more than all the mapping besides.
:class:`graph.ingest.rdfout.TripleSink` writes them.
"""

from __future__ import annotations

from decimal import Decimal

import rdflib
from rdflib import namespace as _rdf

from ..model import namespaces as _ns

__all__ = ["Lit", "lit", "Terms", "SG", "PROV", "EPO", "CUR", "ADMS", "RDF", "RDFS", "SKOS", "DCTERMS"]

XSD = _ns.PREFIXES["xsd"]
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


class Lit(str):
    """A literal, as its N-Triples form; a ``str`` of its own type, so that a triple's
    object is told from an IRI."""

    __slots__ = ()


def lit(value, datatype: str | None = None) -> Lit:
    """A literal: ``value`` as text, or typed with the XML Schema datatype ``datatype``
    (``"decimal"``, ``"date"``...). A number is written in full, never with an exponent,
    since xsd:decimal has none.

    >>> print(lit('say "hi"\\n'), lit(109320.0, "decimal"), lit(1e21, "decimal"))
    "say \\"hi\\"\\n" "109320.0"^^<http://www.w3.org/2001/XMLSchema#decimal> "1000000000000000000000"^^<http://www.w3.org/2001/XMLSchema#decimal>
    """
    if isinstance(value, float):
        text = repr(value)
        if "e" in text:  # 1e+21: amounts are checked finite, so never inf or nan
            text = format(Decimal(text), "f")
    elif isinstance(value, Decimal):
        text = format(value, "f")
    else:
        text = str(value)
    if '"' in text or "\\" in text or "\n" in text or "\r" in text:  # rare; each `in` is a C scan
        text = text.translate(_ESCAPES)
    text = '"' + text + '"'
    return Lit(text if datatype is None else f"{text}^^<{XSD}{datatype}>")


class Terms:
    """A vocabulary's terms as plain strings: ``Terms(namespaces.SG).supplier``. Each is
    looked up once in the rdflib namespace (which, for the project's own, refuses a
    misspelt term), then kept as an attribute."""

    def __init__(self, namespace):
        self._namespace = namespace
        self._items: dict[str, str] = {}

    def __getattr__(self, name: str) -> str:
        if name.startswith("_"):
            raise AttributeError(name)
        term = str(getattr(self._namespace, name))
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> str:
        term = self._items.get(name)
        if term is None:
            term = self._items[name] = str(self._namespace[name])
        return term


SG, PROV, EPO, CUR = Terms(_ns.SG), Terms(_ns.PROV), Terms(_ns.EPO), Terms(_ns.CUR)
ADMS = Terms(rdflib.Namespace("http://www.w3.org/ns/adms#"))
RDF, RDFS, SKOS, DCTERMS = Terms(_rdf.RDF), Terms(_rdf.RDFS), Terms(_rdf.SKOS), Terms(_rdf.DCTERMS)
