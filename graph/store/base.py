"""What every reader of the graph relies on: the :class:`Store` interface, its results,
and :class:`QueryBatch`, which runs several queries at once where a store can.

Three stores implement it: :class:`~graph.store.local.MemoryStore` (rdflib),
:class:`~graph.store.local.OxigraphStore` (in memory or on disk) and
:class:`~graph.store.endpoint.EndpointStore` (a remote SPARQL 1.1 server).
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import rdflib

from ..errors import QueryError

__all__ = ["Store", "SelectResult", "QueryBatch", "background", "parse_result", "timed_out", "VALUES_MAX", "in_values"]


@dataclass
class SelectResult:
    """Rows of a SELECT: ``vars`` in order, each row a dict of rdflib terms (or None)."""

    vars: list[str]
    rows: list[dict]

    def values(self, var: str) -> list:
        return [r.get(var) for r in self.rows]


class Store:
    """What every reader of the graph needs: run a SPARQL query, get an rdflib result.

    Subclasses implement :meth:`execute`; ``timeout`` (seconds) bounds one query and
    raises :class:`~graph.errors.QueryError` when it runs out. ``concurrent`` says whether
    queries from several threads run at the same time (rdflib's do not).
    """

    concurrent = False
    #: a callable given messages for the person running a command (a slow step beginning),
    #: set by the command line; None: say nothing
    notice = None
    #: picks engine-specific variants of the library's queries (graph/queries/<engine>/)
    engine: str | None = None
    #: the directory of an on-disk store; None for one in memory or on a server
    path = None
    #: an on-disk store opened for reading only: the one kind whose derived state (the
    #: snapshot, the name index) may be kept beside it, since nothing changes it meanwhile
    read_only = False

    @property
    def kept(self) -> dict:
        """What this process derived from the store and keeps for its later questions
        (``"names"``: the name index in memory; ``"name_table"``: the one on disk)."""
        return self.__dict__.setdefault("_kept", {})

    def execute(self, query: str, form: str, *, timeout: float | None = None):  # pragma: no cover
        raise NotImplementedError

    def select(self, query: str, *, timeout: float | None = None) -> SelectResult:
        result = self.execute(query, "SELECT", timeout=timeout)
        names = [str(v) for v in result.vars]
        rows = [{n: row[i] for i, n in enumerate(names)} for row in result]
        return SelectResult(names, rows)

    def select_strings(self, query: str, *, timeout: float | None = None) -> list[tuple]:
        """Rows of a SELECT as tuples of plain strings (IRIs, lexical forms; None if
        unbound), in the order of the query's variables: what bulk readers such as the
        projection need, without building an rdflib term per value."""
        result = self.select(query, timeout=timeout)
        return [tuple(None if r[n] is None else str(r[n]) for n in result.vars) for r in result.rows]

    def iter_strings(self, query: str):
        """The rows of :meth:`select_strings`, one at a time, for a reader of millions of
        rows that keeps little of each (the name index)."""
        return iter(self.select_strings(query))

    def ask(self, query: str, *, timeout: float | None = None) -> bool:
        return bool(self.execute(query, "ASK", timeout=timeout).askAnswer)

    def construct(self, query: str, *, timeout: float | None = None) -> rdflib.Graph:
        return self.execute(query, "CONSTRUCT", timeout=timeout).graph

    def close(self) -> None:
        pass


def timed_out(timeout: float) -> QueryError:
    return QueryError(f"query stopped after {timeout:g} s (--timeout); narrow it or raise the limit")


def parse_result(data: bytes, form: str):
    from rdflib.query import Result
    if form in ("CONSTRUCT", "DESCRIBE"):
        g = rdflib.Graph()
        g.parse(data=data, format="nt")
        r = Result("CONSTRUCT")
        r.graph = g
        return r
    return Result.parse(io.BytesIO(data), format="json")


def background(store: "Store", workers: int = 1):
    """A pool of ``workers`` threads for queries to ``store`` where it answers them
    concurrently (Oxigraph evaluates a query without holding Python's lock; an endpoint
    is a server); None otherwise, where each query is run when its rows are asked for.
    The one place readers of a store ask for threads (:func:`graph.workers.pool`)."""
    if not store.concurrent:
        return None
    from ..workers import pool
    return pool(workers)


class QueryBatch:
    """Several SELECT queries' rows as strings (:meth:`Store.select_strings`), by key.
    Where the store answers concurrently (Oxigraph evaluates a query without holding
    Python's lock; an endpoint is a server), two run at a time in the background, in the
    order given, while the caller works on the rows that have arrived; otherwise each runs
    when asked for. :meth:`close` drops those not yet started."""

    def __init__(self, store: "Store", queries: dict[str, str]):
        self.store, self.queries, self.futures = store, queries, {}
        self.pool = background(store, workers=2)
        if self.pool:
            self.futures = {k: self.pool.submit(store.select_strings, q) for k, q in queries.items()}

    def __getitem__(self, key: str) -> list[tuple]:
        return self.futures[key].result() if self.pool else self.store.select_strings(self.queries[key])

    def close(self) -> None:
        if self.pool:
            self.pool.shutdown(cancel_futures=True)


#: The most terms one query's VALUES lists: Virtuoso refuses a query whose VALUES it
#: compiles into too long an IN() (a few thousand terms), and no engine is slower for
#: answering a long list a part at a time.
VALUES_MAX = 2000


def in_values(terms: list[str]):
    """``terms`` (already written as SPARQL terms, ``<iri>``) in parts of at most
    :data:`VALUES_MAX`, each joined for a VALUES clause: one query per part.

    >>> [len(part.split()) for part in in_values([f"<urn:{i}>" for i in range(4500)])]
    [2000, 2000, 500]
    """
    for start in range(0, len(terms), VALUES_MAX):
        yield " ".join(terms[start:start + VALUES_MAX])
