"""supplier-graph: a knowledge graph of public-sector IT supplier relationships.

The public API, importable from ``graph``. Nothing is loaded at import time: each name is
imported from its module on first use.

>>> import graph
>>> report = graph.validate()
>>> report.conforms
True
"""

from __future__ import annotations

import importlib

__all__ = [
    "load_graph", "open_store", "validate", "validate_graph", "resolve", "describe",
    "graph_stats", "serialise_rdf", "build", "Store", "MemoryStore",
    "GraphError", "ParseError", "InputError", "QueryError", "EntityNotFound", "AmbiguousName",
    "UnsupportedFormat", "ValidationError",
]

_WHERE = {
    "load_graph": "store", "open_store": "store", "Store": "store", "MemoryStore": "store",
    "validate": "validation", "validate_graph": "validation",
    "resolve": "lookup", "describe": "entity", "graph_stats": "stats",
    "serialise_rdf": "export", "build": "site",
    **{name: "errors" for name in ("GraphError", "ParseError", "InputError", "QueryError",
                                   "EntityNotFound", "AmbiguousName", "UnsupportedFormat",
                                   "ValidationError")},
}


def __getattr__(name: str):
    try:
        module = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module 'graph' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
