"""The projection's snapshot kept beside an on-disk store, as columns.

One file (kept by :mod:`graph.store.cache` under the store's key) of numpy arrays, one per
field of the contracts, in the order of their IRIs, and a few JSON blocks:

- a string contracts repeat (a buyer, a supplier, a status, a tower, a currency, a kind of
  figure, a duration, a date) is numbered once, and a contract holds its number: read
  back, a string a million contracts repeat is one object, as the queries give it;
- a list (a contract's suppliers, towers, figures and sources; a figure's sources) is two
  arrays, as in a sparse matrix: where each contract's items start, and the items;
- the supply view's edges (node numbers and distance) come first, so that betweenness can
  start on them before the contracts are read;
- the sources of what is not a contract, the relations, the nodes' labels and kinds are
  JSON, parsed when first asked for.

:func:`write` keeps a :class:`~graph.projection.snapshot.Snapshot`; :class:`Columns` reads
it back, whole (the same contracts the queries give) or only the rows of one buyer,
supplier or tower, found by comparing arrays rather than by building every contract.
"""

from __future__ import annotations

import functools

import numpy as np
import orjson

from ..store.cache import mapped_arrays, offsets, packed_lists, packed_texts, saved
from .contract import Contract

__all__ = ["Columns", "write"]

#: The arrays in the order written; changing them changes the format (the cache key
#: includes this module's source, so an older file is read again from the store).
_ARRAYS = ("head", "edge_i", "edge_j", "edge_d", "strings", "titles", "iri_blob", "iri_ends", "label_blob",
           "label_ends", "buyer", "status", "duration", "end_date", "sup_ptr", "sup", "tow_ptr", "tow",
           "val_ptr", "val_amount", "val_cur", "val_kind", "cite_ptr", "cite", "src_ptr", "src",
           "sources", "relations", "labels", "kinds", "end")
_JSON = {"head", "strings", "titles", "sources", "relations", "labels", "kinds"}


def write(snap, nodes: int, edges: list):
    """The bytes of ``snap`` kept as columns; ``nodes``, ``edges``: the supply view's
    (:func:`~graph.projection.snapshot.supply_edges`, default options)."""
    contracts = list(snap.contracts.values())
    number: dict[str, int] = {}  # each document title, numbered: those of sources, then of figures
    for ts in snap.sources.values():
        for t in ts:
            number.setdefault(t, len(number))
    for c in contracts:
        for *_, own in c.values:
            for t in own:
                number.setdefault(t, len(number))
    strings: dict[str | None, int] = {None: 0}  # 0: an absent string

    def code(x: str | None) -> int:
        n = strings.get(x)
        if n is None:
            n = strings[x] = len(strings)
        return n

    values = [v for c in contracts for v in c.values]
    iri_blob, iri_ends, iri_split = packed_texts([c.iri for c in contracts])
    label_blob, label_ends, label_split = packed_texts([c.label for c in contracts])
    sup_ptr, sup = packed_lists([[code(s) for s in c.suppliers] for c in contracts])
    tow_ptr, tow = packed_lists([[code(t) for t in c.towers] for c in contracts])
    cite_ptr, cite = packed_lists([[number[t] for t in own] for *_, own in values])
    src_ptr, src = packed_lists([[number[t] for t in c.sources] for c in contracts])
    held = set(snap.contracts)
    arrays = {
        "head": {"format": 1, "contracts": len(contracts), "nodes": nodes, "split": [iri_split, label_split]},
        "edge_i": np.array([e[0] for e in edges], dtype=np.int32),
        "edge_j": np.array([e[1] for e in edges], dtype=np.int32),
        "edge_d": np.array([e[2] for e in edges], dtype=np.float64),
        "buyer": np.array([code(c.buyer) for c in contracts], dtype=np.int32),
        "status": np.array([code(c.status) for c in contracts], dtype=np.int32),
        "duration": np.array([code(c.duration) for c in contracts], dtype=np.int32),
        "end_date": np.array([code(c.end_date) for c in contracts], dtype=np.int32),
        "iri_blob": iri_blob, "iri_ends": iri_ends, "label_blob": label_blob, "label_ends": label_ends,
        "sup_ptr": sup_ptr, "sup": sup, "tow_ptr": tow_ptr, "tow": tow,
        "val_ptr": offsets([len(c.values) for c in contracts]),
        "val_amount": np.array([a for a, *_ in values], dtype=np.float64),  # NaN and infinity too
        "val_cur": np.array([code(cur) for _, cur, _, _ in values], dtype=np.int32),
        "val_kind": np.array([code(k) for _, _, k, _ in values], dtype=np.int32),
        "cite_ptr": cite_ptr, "cite": cite, "src_ptr": src_ptr, "src": src,
        "strings": list(strings), "titles": list(number),  # after every code() above
        "sources": [[h, [number[t] for t in ts]] for h, ts in snap.sources.items() if h not in held],
        "relations": snap.relations, "labels": snap.labels,
        "kinds": [[iri, sorted(k)] for iri, k in snap.kinds.items()],
        "end": np.zeros(1, dtype=np.int8),
    }
    return saved(np.frombuffer(orjson.dumps(arrays[name]), dtype=np.uint8) if name in _JSON else arrays[name]
                 for name in _ARRAYS)


class Columns:
    """A kept snapshot read back from ``f`` (open after its key). ``on_edges(n, edges)``
    is called with the supply view's nodes and edges as soon as they are read."""

    def __init__(self, f, on_edges=None):
        a: dict = {}
        for name, value in zip(_ARRAYS, mapped_arrays(f)):
            a[name] = value.data if name in _JSON else value
            if name == "edge_d" and on_edges is not None:
                on_edges(orjson.loads(a["head"])["nodes"],
                         list(zip(a["edge_i"].tolist(), a["edge_j"].tolist(), value.tolist())))
        head = orjson.loads(a["head"])
        if head.get("format") != 1 or len(a["buyer"]) != head["contracts"]:
            raise ValueError("the kept snapshot is not one this version reads")
        self.n = head["contracts"]
        self._split = head["split"]
        self._a = a
        self.strings: list[str | None] = orjson.loads(a["strings"])
        self.titles: list[str] = orjson.loads(a["titles"])

    def json(self, name: str):
        """One of the JSON blocks (sources, relations, labels, kinds), parsed."""
        return orjson.loads(self._a[name])

    def rows(self, *, buyer: str | None = None, supplier: str | None = None, tower: str | None = None) -> np.ndarray:
        """The rows (in IRI order) of the contracts of ``buyer`` and ``supplier`` and
        covering ``tower``: each given one holds."""
        a, code = self._a, self._code
        keep = np.ones(self.n, dtype=bool)
        if buyer is not None:
            keep &= a["buyer"] == code.get(buyer, -1)
        for value, ptr, items in ((supplier, "sup_ptr", "sup"), (tower, "tow_ptr", "tow")):
            if value is not None:
                mask = np.zeros(self.n, dtype=bool)
                mask[self._item_rows(ptr)[a[items] == code.get(value, -1)]] = True
                keep &= mask
        return np.flatnonzero(keep)

    @functools.cached_property
    def _code(self) -> dict[str | None, int]:
        """Each string's number."""
        return {s: n for n, s in enumerate(self.strings)}

    def _item_rows(self, ptr: str) -> np.ndarray:
        """The row of each item of a list column (``sup_ptr``: of each supplier named)."""
        return np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self._a[ptr]))

    def near(self, nodes) -> np.ndarray:
        """The rows the supply view around ``nodes`` (IRIs) is built from, as the whole
        graph's view has it: every contract of theirs and of their counterparts; and every
        contract of a counterpart that is a buyer in some contract and a supplier in
        another, whose kind in the view (buyer or supplier: its first appearance, in IRI
        order) then comes out as in the whole graph."""
        a, code = self._a, self._code
        item_row = self._item_rows("sup_ptr")

        def touching(codes) -> np.ndarray:
            mask = np.isin(a["buyer"], codes)
            mask[item_row[np.isin(a["sup"], codes)]] = True
            return np.flatnonzero(mask)

        def nodes_of(rows) -> np.ndarray:
            inside = np.zeros(self.n, dtype=bool)
            inside[rows] = True
            return np.union1d(a["buyer"][rows], a["sup"][inside[item_row]])

        first = touching(np.array([code[x] for x in nodes if x in code], dtype=np.int32))
        rows = touching(nodes_of(first))
        # the kinds the view gives the counterparts' counterparts are read too (whether a
        # buyer's other supplier is one): those that are buyers somewhere and suppliers
        # elsewhere bring every contract of theirs
        both = np.intersect1d(np.intersect1d(a["buyer"], a["sup"]), nodes_of(rows))
        return np.union1d(rows, touching(both))

    def _texts(self, name: str, rows) -> list[str]:
        blob, ends = self._a[name + "_blob"], self._a[name + "_ends"]
        if rows is None and self._split[("iri", "label").index(name)]:
            return blob.tobytes().decode().split("\x00") if self.n else []
        rows = range(self.n) if rows is None else rows
        if len(rows) * 8 < self.n:  # a few rows: their bytes alone, not the whole column
            his = [int(ends[r]) for r in rows]
            los = [int(ends[r - 1]) + 1 if r else 0 for r in rows]
            return [blob[lo:hi].tobytes().decode() for lo, hi in zip(los, his)]
        data, every = blob.tobytes(), ends.tolist()
        return [data[every[r - 1] + 1 if r else 0:every[r]].decode() for r in rows]

    def contracts(self, rows=None) -> dict[str, Contract]:
        """The contracts of ``rows`` (all if None), by IRI in IRI order, as the queries give them."""
        a, strings, titles = self._a, self.strings, self.titles
        whole = rows is None
        picked = range(self.n) if whole else [int(r) for r in rows]

        def column(name) -> list:
            return (a[name] if whole else a[name][np.asarray(picked, dtype=np.int64)]).tolist()

        def spans(ptr) -> list[tuple[int, int]]:
            p = a[ptr].tolist() if whole else a[ptr]
            return [(int(p[r]), int(p[r + 1])) for r in picked]

        def items(name):  # whole: every item as a list, sliced per row; else the array, sliced
            return a[name].tolist() if whole else a[name]

        def listed(ptr, name) -> list[list[int]]:
            it = items(name)
            return [list(it[lo:hi]) if whole else it[lo:hi].tolist() for lo, hi in spans(ptr)]

        iris = self._texts("iri", None if whole else picked)
        labels = self._texts("label", None if whole else picked)
        buyer, status, duration, end_date = column("buyer"), column("status"), column("duration"), column("end_date")
        suppliers, towers, sources = listed("sup_ptr", "sup"), listed("tow_ptr", "tow"), listed("src_ptr", "src")
        amount, cur, kind = items("val_amount"), items("val_cur"), items("val_kind")
        cite_ptr, cite = items("cite_ptr"), items("cite")
        cited: dict[tuple, tuple] = {}  # a few thousand sets of titles among a million figures

        def own(v: int) -> tuple:
            ns = tuple(cite[cite_ptr[v]:cite_ptr[v + 1]])
            t = cited.get(ns)
            if t is None:
                t = cited[ns] = tuple(titles[int(n)] for n in ns)
            return t
        out: dict[str, Contract] = {}
        for k, (lo, hi) in enumerate(spans("val_ptr")):
            values = [(float(amount[v]), strings[cur[v]], strings[kind[v]], own(v)) for v in range(lo, hi)]
            out[iris[k]] = Contract(iris[k], labels[k], strings[buyer[k]], [strings[n] for n in suppliers[k]],
                                    strings[status[k]], [strings[n] for n in towers[k]], values,
                                    [titles[n] for n in sources[k]], strings[duration[k]], strings[end_date[k]])
        return out
