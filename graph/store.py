"""Loading RDF and asking it questions.

This is the one place input files are parsed, so the one place parse errors are
wrapped: rdflib's Turtle ``BadSyntax`` (which counts lines from 0 and is not an rdflib
error class) becomes :class:`~graph.errors.ParseError` with ``path:line:col``.

Everything that reads the graph does so through a :class:`Store` and SPARQL, so the same
code runs on the in-memory rdflib graph (the default for the curated data) and on the
other backends (a persistent Oxigraph store, a remote SPARQL 1.1 endpoint).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import rdflib
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import InputError, ParseError
from .namespaces import PREFIXES

__all__ = [
    "bundled_path", "default_data_paths", "data_paths", "ontology_paths", "shapes_path", "expand_paths",
    "rdf_format", "load_graph", "Store", "MemoryStore", "SelectResult", "open_store",
]

_FORMATS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt",
    ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld",
    ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".n3": "n3",
}


def bundled_path(*parts: str) -> Path:
    """Path of a bundled file (``data/triples.ttl``, ``ontology/...``).

    Works from a source checkout and from an installed wheel, which carries the files
    under ``graph/_bundled``.
    """
    here = Path(__file__).resolve().parent
    for root in (here / "_bundled", here.parent):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise InputError(f"bundled file {'/'.join(parts)} is missing from this installation")


def ontology_paths() -> list[Path]:
    """The ontology and the service-tower scheme (not the shapes)."""
    return [bundled_path("ontology", "supplier-graph.ttl"), bundled_path("ontology", "towers.ttl")]


def shapes_path() -> Path:
    return bundled_path("ontology", "shapes.ttl")


def default_data_paths() -> list[Path]:
    """The curated graph plus the ontology: what every command reads by default."""
    return [bundled_path("data", "triples.ttl"), *ontology_paths()]


def data_paths(data: Iterable[str | os.PathLike] | None = None) -> list[Path]:
    """What a command reads: ``data`` (default: the bundled graph) plus the ontology.

    The ontology always comes along, so a user's own file needs no vocabulary of its own.
    """
    if data is None:
        return default_data_paths()
    files = expand_paths(data)
    seen = {f.resolve() for f in files}
    return files + [p for p in ontology_paths() if p.resolve() not in seen]


def rdf_format(path: str | os.PathLike) -> str:
    """The rdflib parser name for a file, from its suffix.

    >>> rdf_format("data/triples.ttl"), rdf_format("x.nt"), rdf_format("x.jsonld")
    ('turtle', 'nt', 'json-ld')
    """
    suffix = Path(path).suffix.lower()
    try:
        return _FORMATS[suffix]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(f"{path}: cannot tell the RDF format from {suffix or 'no suffix'!r}; "
                         f"use one of {known}") from None


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files named, with directories expanded to the RDF files in them (sorted)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.suffix.lower() in _FORMATS))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or directory")
    return out


def _column(text: bytes, offset: int) -> int:
    return offset - (text.rfind(b"\n", 0, offset) + 1) + 1


def _parse_into(graph: rdflib.Graph, path: Path, display: str) -> None:
    fmt = rdf_format(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{display}: cannot read: {e.strerror}") from e
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as e:
        text = e._str if isinstance(e._str, bytes) else str(e._str).encode()
        line = e.lines + 1
        col = _column(text, e._i)
        raise ParseError(display, line, col, e._why) from e
    except json.JSONDecodeError as e:
        raise ParseError(display, e.lineno, e.colno, e.msg) from e
    except Exception as e:  # every other parser: keep the file and the parser's words
        line = getattr(e, "getLineNumber", lambda: None)()
        col = getattr(e, "getColumnNumber", lambda: None)()
        reason = getattr(e, "getMessage", lambda: None)() or str(e).strip().splitlines()[0]
        raise ParseError(display, line, col, reason) from e


def load_graph(paths: Iterable[str | os.PathLike] | None = None) -> rdflib.Graph:
    """Parse RDF files into one in-memory graph.

    ``paths`` defaults to :func:`default_data_paths`. Directories are expanded. Raises
    :class:`ParseError` (``path:line:col: reason``) on a syntax error and
    :class:`InputError` on a missing or unreadable file.
    """
    files = default_data_paths() if paths is None else expand_paths(paths)
    graph = rdflib.Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    for f in files:
        _parse_into(graph, Path(f), str(f))
    return graph


@dataclass
class SelectResult:
    """Rows of a SELECT: ``vars`` in order, each row a dict of rdflib terms (or None)."""

    vars: list[str]
    rows: list[dict]

    def values(self, var: str) -> list:
        return [r.get(var) for r in self.rows]


class Store:
    """What every reader of the graph needs: SELECT rows, ASK, and CONSTRUCT graphs."""

    def select(self, query: str) -> SelectResult:  # pragma: no cover - interface
        raise NotImplementedError

    def ask(self, query: str) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def construct(self, query: str) -> rdflib.Graph:  # pragma: no cover - interface
        raise NotImplementedError


class MemoryStore(Store):
    """An rdflib in-memory graph: the embedded default for the curated data."""

    def __init__(self, graph: rdflib.Graph):
        self.graph = graph

    def _run(self, query: str):
        return self.graph.query(query)

    def select(self, query: str) -> SelectResult:
        result = self._run(query)
        names = [str(v) for v in result.vars]
        rows = [{n: row[i] for i, n in enumerate(names)} for row in result]
        return SelectResult(names, rows)

    def ask(self, query: str) -> bool:
        return bool(self._run(query).askAnswer)

    def construct(self, query: str) -> rdflib.Graph:
        return self._run(query).graph


def open_store(data: Iterable[str | os.PathLike] | None = None) -> Store:
    """Open the graph to query: ``data`` files (default: the bundled graph) plus the
    ontology, in memory."""
    return MemoryStore(load_graph(data_paths(data)))
