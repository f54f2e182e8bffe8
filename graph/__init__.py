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
    "graph_stats", "serialise_rdf", "build", "Store", "MemoryStore", "OxigraphStore", "EndpointStore",
    "list_queries", "run_query", "project", "centrality", "shared_suppliers", "explained_paths",
    "concentration", "failure_impact", "build_report", "render_json", "render_markdown", "render_html",
    "graph_html", "whole_view", "focus_view", "path_view", "impact_view", "tower_view",
    "notebook_display", "ingest_ocds", "ingest_spend_csv", "Resolver", "default_data_paths",
    "contract_timeline", "read_dates",
    "GraphError", "ParseError", "InputError", "QueryError", "EntityNotFound", "AmbiguousName",
    "UnsupportedFormat", "ValidationError",
]

_WHERE = {
    "load_graph": "model.rdffiles", "default_data_paths": "model.rdffiles", "serialise_rdf": "model.rdffiles",
    "validate": "model.validation", "validate_graph": "model.validation",
    "open_store": "store.backends", "Store": "store.base", "MemoryStore": "store.local",
    "OxigraphStore": "store.local", "EndpointStore": "store.endpoint",
    "list_queries": "sparql.library", "run_query": "sparql.run", "resolve": "sparql.lookup",
    "describe": "sparql.entity", "graph_stats": "sparql.stats",
    "project": "projection.views", "read_dates": "timeline.dated",
    "centrality": "analytics.centrality", "shared_suppliers": "analytics.shared",
    "explained_paths": "analytics.paths", "concentration": "analytics.concentration",
    "failure_impact": "analytics.impact",
    **{name: "report.build" for name in ("build_report", "render_json", "render_markdown", "render_html")},
    **{name: "viz.pages" for name in ("graph_html", "whole_view", "focus_view", "path_view", "impact_view",
                                      "tower_view", "notebook_display")},
    "ingest_ocds": "ingest.ocds", "ingest_spend_csv": "ingest.spend_csv", "Resolver": "ingest.resolve",
    "build": "site",
    **{name: "errors" for name in ("GraphError", "ParseError", "InputError", "QueryError",
                                   "EntityNotFound", "AmbiguousName", "UnsupportedFormat",
                                   "ValidationError")},
}


#: Names that differ from the function's own (``graph.timeline`` is a package).
_RENAMED = {"contract_timeline": ("timeline.dated", "timeline")}


def __getattr__(name: str):
    if name in _RENAMED:
        module, attr = _RENAMED[name]
    else:
        try:
            module, attr = _WHERE[name], name
        except KeyError:
            raise AttributeError(f"module 'graph' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), attr)
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
