"""Asking the graph questions: the stores, and loading RDF files into them.

Files are found and read by :mod:`graph.model.rdffiles`, which places every parse error as
``path:line:col``. Everything that reads the graph does so through a :class:`Store` and SPARQL, so the same
code runs on the in-memory rdflib graph (the default for the curated data) and on the
other backends (a persistent Oxigraph store, a remote SPARQL 1.1 endpoint).
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Iterable

import rdflib

from ..errors import InputError, QueryError
from ..model.rdffiles import expand_paths, has_bom, oxigraph_error, oxigraph_format, read_rdf_bytes
from .base import SelectResult, Store, parse_result, timed_out
from .lock import CACHE_PREFIX, begin_load, busy, check_complete, finish_load, store_lock

__all__ = ["MemoryStore", "OxigraphStore"]

def _serialise_result(result, form: str) -> bytes:
    if form in ("CONSTRUCT", "DESCRIBE"):
        return result.graph.serialize(format="nt", encoding="utf-8")
    return result.serialize(format="json")


@functools.lru_cache(maxsize=256)
def _prepared(query: str):
    """rdflib's parse of a query, cached: its pyparsing parser is the slow part of small queries."""
    from rdflib.plugins.sparql import prepareQuery
    return prepareQuery(query)


class MemoryStore(Store):
    """An rdflib in-memory graph: what a library caller builds itself, and what SHACL reads.

    With a timeout the query runs in a thread, and the caller gets its error when time
    runs out; rdflib cannot be interrupted, so the thread runs on to its end in the
    background (as Oxigraph's does). The command line's stores are Oxigraph's."""

    def __init__(self, graph: rdflib.Graph):
        self.graph = graph

    def execute(self, query: str, form: str, *, timeout: float | None = None):
        if timeout is None:
            return self._run(query)
        # evaluated to the end inside the limit: rdflib's results are read lazily
        return parse_result(_in_thread(lambda: _serialise_result(self._run(query), form), timeout), form)

    def _run(self, query: str):
        try:
            return self.graph.query(_prepared(query))
        except Exception as e:  # rdflib raises many kinds during evaluation
            raise QueryError(f"query failed: {e}") from e


class OxigraphStore(Store):
    """An Oxigraph store: in memory (``path=None``, what commands query by default) or
    persistent on disk (``--store oxigraph:DIR``).

    Oxigraph parses and answers SPARQL in Rust, so a command on the bundled data spends
    milliseconds, not seconds, in queries; rdflib stays the engine for SHACL and for
    graphs a library caller builds itself (:class:`MemoryStore`).

    On disk, ``read_only=True`` opens an existing store for reading, beside any number of
    other readers (a report running, a ``show`` in another terminal, ``serve``); otherwise
    the store is opened for writing, by one process at a time and with no reader. The
    process holds :data:`LOCK_FILE` accordingly until :meth:`close`; a store held
    otherwise raises :class:`InputError` saying so.
    """

    concurrent = True
    engine = "oxigraph"

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        self._lock: int | None = None
        import pyoxigraph
        self.path = Path(path) if path is not None else None
        self.read_only = read_only
        self._ox = pyoxigraph
        if self.path is None:
            self.store = pyoxigraph.Store()
            return
        self._lock = store_lock(self.path, shared=read_only)
        if read_only:
            try:
                check_complete(self.path)
            except InputError:
                self.close()
                raise
        else:  # what was worked out from the store is about to be out of date
            for cached in self.path.glob(CACHE_PREFIX + "*"):
                cached.unlink(missing_ok=True)
        try:
            self.store = pyoxigraph.Store.read_only(str(self.path)) if read_only else pyoxigraph.Store(str(self.path))
        except OSError as e:
            self.close()
            if "lock" in str(e).lower():  # RocksDB's: a process that does not take ours (an older version)
                raise InputError(busy(self.path, read_only)) from e
            raise InputError(f"{self.path}: cannot open the store: {e}") from e

    def close(self) -> None:
        """Close the store and release its lock (also done when the store is garbage
        collected, or the process ends)."""
        self.store = None
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    __del__ = close

    def state(self) -> str:
        """What identifies the contents of the on-disk store: a digest of its RocksDB
        files' names, sizes and modification times. A process that opens the store for
        writing changes them (RocksDB writes a new log and manifest, even if nothing is
        added); reading the store, read-only, changes none."""
        import hashlib
        files = sorted((e.name, st.st_size, st.st_mtime_ns) for e in os.scandir(self.path)
                       if e.is_file() and not e.name.startswith(("LOG", "LOCK", "supplier-graph"))
                       for st in [e.stat()])
        return hashlib.sha256(repr(files).encode()).hexdigest()

    def is_empty(self) -> bool:
        # len() counts every quad; one is enough
        return next(iter(self.store.quads_for_pattern(None, None, None)), None) is None

    def load(self, files: Iterable[str | os.PathLike], *, progress=None, compact: bool = True) -> int:
        """Bulk-load RDF files with Oxigraph's own parsers; returns the triples stored.
        On disk the store is then compacted (:meth:`compact`), unless ``compact`` is false.

        A bulk load is not one transaction: a process killed half-way leaves part of the
        files stored. So on disk a marker (:data:`LOADING_FILE`, naming the files) is
        written first and removed only once the load is flushed; readers refuse a store
        that still has it (:func:`check_complete`). Loading the same files again completes
        such a store, since a triple stored twice is stored once.
        """
        files = expand_paths(files)
        load = self.store.bulk_load if self.path is not None else self.store.load
        if self.path is not None:
            begin_load(self.path, files)
        for f in files:
            base = Path(f).resolve().as_uri()
            try:
                bom = has_bom(Path(f))
                if progress is None and not bom:  # Oxigraph reads the file itself, without Python
                    load(path=str(f), format=oxigraph_format(f), base_iri=base)
                    continue
                with open(f, "rb") as raw:
                    raw.seek(3 if bom else 0)
                    source = raw if progress is None else _Counting(raw, progress)
                    load(input=source, format=oxigraph_format(f), base_iri=base)
                    if progress is not None:
                        source._count(0)
            except SyntaxError as e:
                if "UTF-8" in str(e):  # say which encoding the file is in, and how to convert it
                    read_rdf_bytes(Path(f))
                raise oxigraph_error(str(f), e) from e
            except OSError as e:
                raise InputError(f"{f}: cannot read: {e}") from e
        if self.path is not None:
            self.store.flush()
            if compact:
                self.compact()
            finish_load(self.path)
        return len(self.store)

    def compact(self) -> None:
        """Merge the files of the on-disk store (Oxigraph's ``optimize()``, a full RocksDB
        compaction). A bulk load of a national graph leaves files that overlap, and every
        lookup then searches each of them: a query reading every contract's supplier ran
        several times slower before compaction (benchmarks/RESULTS.md). Readers open the
        store read-only and never compact it, so loading does."""
        if self.path is not None:
            self.store.optimize()

    def _term(self, t):
        ox = self._ox
        if t is None:
            return None
        if isinstance(t, ox.NamedNode):
            return rdflib.URIRef(t.value)
        if isinstance(t, ox.BlankNode):
            return rdflib.BNode(t.value)
        if t.language:
            return rdflib.Literal(t.value, lang=t.language)
        return rdflib.Literal(t.value, datatype=rdflib.URIRef(t.datatype.value))

    def select(self, query: str, *, timeout: float | None = None) -> SelectResult:
        """Rows converted term by term: no round trip through a results format."""
        def run():
            solutions = self.store.query(query)
            names = [v.value for v in solutions.variables]
            return SelectResult(names, [{n: self._term(sol[n]) for n in names} for sol in solutions])
        return _in_thread(run, timeout)

    def select_strings(self, query: str, *, timeout: float | None = None) -> list[tuple]:
        """Oxigraph evaluates the query and writes its results as SPARQL JSON in one call,
        without Python's lock; orjson reads them. Taken solution by solution instead, each
        row needs the lock back: a query read in a thread beside busy Python code waited
        for it on every row, minutes for the projection's rows of a national graph."""
        def run():
            import orjson
            data = orjson.loads(self.store.query(query).serialize(format=self._ox.QueryResultsFormat.JSON))
            names = data["head"]["vars"]
            return [tuple(b[n]["value"] if n in b else None for n in names) for b in data["results"]["bindings"]]
        return _in_thread(run, timeout)

    def iter_strings(self, query: str):
        """Oxigraph's solutions read one by one in this thread, so the rows are never all in
        memory at once: read as one block of JSON, the names of a national graph took
        gigabytes. Each row takes Python's lock back, so this is for a
        reader with nothing else running (see :meth:`select_strings`)."""
        for solution in self.store.query(query):
            yield tuple(None if term is None else term.value for term in solution)

    def execute(self, query: str, form: str, *, timeout: float | None = None):
        ox = self._ox

        def run() -> bytes:
            result = self.store.query(query)
            if form in ("CONSTRUCT", "DESCRIBE"):
                return result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
            return result.serialize(format=ox.QueryResultsFormat.JSON) or b""

        return parse_result(_in_thread(run, timeout), form)


class _Counting:
    """A binary file that reports how many bytes have been read (for a progress bar), a
    mebibyte at a time: the parser reads a few kilobytes per call, a million calls on a
    national file, and a bar redrawn on each cost seconds."""

    STEP = 1 << 20

    def __init__(self, raw, report):
        self.raw, self.report, self.pending = raw, report, 0

    def _count(self, n: int) -> None:
        self.pending += n
        if self.pending >= self.STEP or (n == 0 and self.pending):
            self.report(self.pending)
            self.pending = 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self._count(len(data))
        return data

    def readinto(self, buffer):
        n = self.raw.readinto(buffer) or 0
        self._count(n)
        return n


def _in_thread(fn, timeout: float | None):
    """Run ``fn``; with ``timeout``, in a thread waited for at most that many seconds
    (:func:`graph.workers.bounded`)."""
    if timeout is None:
        try:
            return fn()
        except SyntaxError as e:
            raise QueryError(f"query failed: {e}") from e
    from ..workers import Overran, bounded
    try:
        return bounded(fn, timeout)
    except Overran:
        raise timed_out(timeout) from None
    except Exception as e:  # noqa: BLE001 - whatever the engine raised, said as a failed query
        raise QueryError(f"query failed: {e}") from e
