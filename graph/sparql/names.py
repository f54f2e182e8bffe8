"""Every name in the graph, for looking entities up: labels, aliases and local ids, in the
normalised form names are compared in.

:func:`read_names` reads them from a store; :func:`name_index` keeps them on the store
object for the process's later lookups; :mod:`graph.sparql.nameindex` keeps them beside an
on-disk store. :mod:`graph.sparql.lookup` finds an entity by name in them.
"""

from __future__ import annotations

import re
import unicodedata

from ..model.namespaces import PREFIXES, sparql_prefixes
from ..store.base import QueryBatch, Store

__all__ = ["normalise_name", "name_index", "read_names", "add_name", "MINOR", "MINOR_CLASSES",
           "SCHEMA_CLASSES", "NAMES"]

#: Classes whose members are never looked up by name (the ontology's own terms), and
#: those that are, but are left out of partial matches (figures and claims).
SCHEMA_CLASSES = ("owl:Class", "owl:ObjectProperty", "owl:DatatypeProperty", "owl:Ontology",
                   "owl:FunctionalProperty")
MINOR_CLASSES = ("epo:MonetaryValue", "sg:Claim")
_MINOR_TYPES = {PREFIXES[c.split(":")[0]] + c.split(":")[1] for c in MINOR_CLASSES}

# Every name ?name of every ?s: its labels, and its local id if it has a type.
_LABELLED = "{ ?s rdfs:label|skos:prefLabel|skos:altLabel|dcterms:title ?name }"
_LOCAL = """{ ?s a ?anyType . BIND(STRAFTER(STR(?s), STR(:)) AS ?name) FILTER(?name != "") }"""
NAMES = f"{_LABELLED}\n  UNION\n  {_LOCAL}"

#: The index's names: the labels, and what has a type (its local id is worked out here, as
#: _LOCAL does, rather than written out beside its IRI).
_LABELLED_QUERY = "SELECT ?s ?name WHERE { %s FILTER(isIRI(?s)) }" % _LABELLED
_TYPED_QUERY = "SELECT ?s WHERE { ?s a ?anyType FILTER(isIRI(?s)) }"

# Kept apart from the index query (a FILTER NOT EXISTS per name is slow on large graphs).
_SCHEMA_QUERY = """
SELECT DISTINCT ?s ?t WHERE {
  VALUES ?t { %s }
  ?s a ?t .
}
""" % " ".join(SCHEMA_CLASSES + MINOR_CLASSES)

MINOR = "\x00minor"  # index key holding figures and claims, left out of partial matches


_NON_WORD = re.compile(r"[^\w£$]+")


def normalise_name(name: str) -> str:
    """The form names are compared in.

    >>> normalise_name("  The  Met ")
    'met'
    >>> normalise_name("Hammersmith & Fulham")
    'hammersmith and fulham'
    >>> normalise_name("London Borough of Kensington-and-Chelsea")
    'london borough of kensington and chelsea'
    """
    text = unicodedata.normalize("NFKC", name).casefold()
    text = text.replace("&", " and ")
    text = _NON_WORD.sub(" ", text).strip()  # whitespace is not a word character: runs become one space
    if text.startswith("the "):
        text = text[4:]
    return text


def name_index(store: Store) -> dict[str, dict[str, str]]:
    """Map each normalised name to ``{iri: the name as written}``, read into memory (kept
    on the store object for the process's later lookups). Figures' and claims' IRIs are
    under a key of their own, left out of partial matches."""
    if "names" not in store.kept:
        store.kept["names"] = read_names(store)
    return store.kept["names"]


def read_names(store: Store) -> dict[str, dict[str, str]]:
    """:func:`name_index`'s index, read from the store every time."""
    index: dict[str, dict[str, str]] = {}
    schema: set[str] = set()
    minor: set[str] = set()
    for iri, t in store.select_strings(sparql_prefixes() + _SCHEMA_QUERY):
        (minor if t in _MINOR_TYPES else schema).add(iri)
    # what has a type is read (where the store answers queries at once) while the labels,
    # millions on a national graph, are taken one by one
    typed = QueryBatch(store, {"typed": sparql_prefixes() + _TYPED_QUERY})
    try:
        _add_names(index, schema, store.iter_strings(sparql_prefixes() + _LABELLED_QUERY))
        typed_rows = typed["typed"]
    finally:
        typed.close()
    ns = PREFIXES[""]
    # STRAFTER(STR(?s), STR(:)): what follows the first occurrence, or nothing
    _add_names(index, schema, ((iri, local) for (iri,) in typed_rows for local in [iri.partition(ns)[2]] if local))
    index[MINOR] = {i: "" for i in minor}
    return index


def _add_names(index: dict[str, dict[str, str]], schema: set[str], rows) -> None:
    for iri, name in rows:
        if iri not in schema:
            add_name(index, iri, name)


def add_name(index: dict[str, dict[str, str]], iri: str, name: str) -> None:
    """Index ``name`` of ``iri``; of two names of one entity that read the same, the first
    in order is kept (whatever order the engine gave them in), to suggest it."""
    written = index.setdefault(normalise_name(name), {})
    if iri not in written or name < written[iri]:
        written[iri] = name
