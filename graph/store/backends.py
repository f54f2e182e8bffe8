"""Opening the graph a command reads: in memory, an on-disk Oxigraph store, or a remote
SPARQL endpoint. Above the three stores, so that none of them needs another."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable

from .endpoint import EndpointStore
from ..errors import InputError
from ..model.rdffiles import data_paths
from .local import OxigraphStore
from .base import Store

__all__ = ["open_store"]


def open_store(data: Iterable[str | os.PathLike] | None = None, *, store: str | None = None,
               endpoint: str | None = None, endpoint_max_rows: int | None = None) -> Store:
    """Open the graph to query.

    - ``endpoint``: a remote SPARQL 1.1 endpoint (``data`` is ignored), which returns at
      most ``endpoint_max_rows`` rows in one answer, if it caps them
      (:class:`~graph.store.endpoint.EndpointStore`);
    - ``store="oxigraph:DIR"``: a persistent Oxigraph store, loaded from ``data`` (default:
      the bundled graph) the first time and read as is afterwards, opened read-only so
      that other commands may read it at the same time;
    - otherwise ``data`` plus the ontology, in an in-memory Oxigraph store.
    """
    if endpoint:
        return EndpointStore(endpoint, max_rows=endpoint_max_rows)
    if store and store != "memory":
        kind, _, path = store.partition(":")
        if kind != "oxigraph" or not path:
            raise InputError(f"unknown store {store!r}; use memory or oxigraph:DIR")
        if (Path(path) / "CURRENT").is_file():  # a store already (RocksDB's marker): read it
            ox = OxigraphStore(path, read_only=True)
            if not ox.is_empty():
                return ox
            ox.close()
        ox = OxigraphStore(path)
        if ox.is_empty():
            ox.load(data_paths(data))
        return ox
    memory = OxigraphStore(None)
    memory.load(data_paths(data))
    return memory
