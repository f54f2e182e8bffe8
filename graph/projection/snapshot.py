"""What every analytic reads: the graph's contracts, names and relations, read once through
seven grouped SPARQL queries (``graph/queries/internal/projection-*.rq``) into plain Python
structures, and kept beside an on-disk store (:mod:`graph.store.cache`) until the store changes.

:func:`snapshot` reads it; :func:`load_contracts` gives the contracts the analytics count
(cancelled and ended ones left out unless asked for; a contract naming both a supplier
and its corporate successor held by the successor only), :func:`supply_pairs` and
:func:`supply_edges` the buyer–supplier pairs they make. :mod:`graph.projection.views` turns
them into networkx graphs; the report and the timeline read the contracts directly.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ..model.namespaces import PREFIXES, internal_query, sparql_prefixes
from ..store.base import QueryBatch, Store

__all__ = ["Contract", "Snapshot", "snapshot", "load_contracts", "supply_pairs", "supply_edges", "KINDS",
           "STATUS_LABELS"]

SG = PREFIXES["sg"]
KINDS = {SG + "PublicBody": "buyer", SG + "PublicBodyGroup": "group", SG + "Supplier": "supplier",
         SG + "Framework": "framework", SG + "Partnership": "partnership",
         SG + "Programme": "programme", SG + "ServiceTower": "tower"}
_INACTIVE = ("cancelled", "ended")  # a contract's status as the analytics read it
#: A contract status as the analytics and the timeline read it, from its concept.
STATUS_LABELS = {SG + "Awarded": "awarded", SG + "Live": "live", SG + "Ended": "ended",
           SG + "Cancelled": "cancelled", SG + "InProcurement": "in procurement", SG + "Planned": "planned"}


@dataclass
class Contract:
    """One contract as the analytics see it."""

    iri: str
    label: str
    buyer: str
    suppliers: list[str] = field(default_factory=list)
    status: str | None = None
    towers: list[str] = field(default_factory=list)
    #: (amount, currency, kind, titles of the figure's own sources; empty if it names none)
    values: list[tuple[float, str, str, tuple[str, ...]]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    duration: str | None = None
    end_date: str | None = None

    @property
    def active(self) -> bool:
        return self.status not in _INACTIVE

    def value(self, kind: str, currency: str = "GBP") -> float | None:
        """Sum of this contract's figures of one kind and currency, or None if unknown.

        A contract's ``total`` is its total contract value or, where the source publishes
        none, the value of its award to its supplier (an OCDS award with no contract
        block). Estimates, ceilings and placeholders are never a total.

        >>> c = Contract("c", "C", "b", values=[(1.0, "GBP", "annual", ()), (2.0, "GBP", "total", ()),
        ...                                     (3.0, "GBP", "total", ("A notice",))])
        >>> c.value("total"), c.value("annual"), c.value("saving")
        (5.0, 1.0, None)
        >>> one = Contract("d", "D", "b", values=[(4.0, "EUR", "total", ())])
        >>> one.value("total"), one.value("total", "EUR"), one.value("annual", "EUR")
        (None, 4.0, None)
        >>> Contract("e", "E", "b", values=[(5.0, "GBP", "award", ()), (9.0, "GBP", "estimate", ())]).value("total")
        5.0
        """
        if not self.values:
            return None
        if len(self.values) == 1:  # most contracts: one figure, nothing to add up
            amount, cur, k, _ = self.values[0]
            return amount if cur == currency and (k == kind or (kind == "total" and k == "award")) else None
        amounts = [a for a, c, k, _ in self.values if k == kind and c == currency]
        if not amounts and kind == "total":
            amounts = [a for a, c, k, _ in self.values if k == "award" and c == currency]
        return sum(amounts) if amounts else None


#: The snapshot's queries in the order it reads them, which is the order they are asked in:
#: while the next ones run, the snapshot puts together those that have arrived.
_QUERIES = ("projection-sources", "projection-contracts", "projection-suppliers", "projection-facets",
            "projection-values", "projection-relations", "projection-nodes")


class Snapshot:
    """Everything the projection needs, read with seven SPARQL queries.

    The queries group by buyer, supplier, status, tower, kind of figure and source
    document, so a graph of 100,000 contracts comes back in a few thousand rows rather
    than one row per fact; the contracts are put together here.
    """

    def __init__(self, store: Store | None, *, kept=None, queries: dict[str, str] | None = None):
        self.counted: dict[tuple, list] = {}  # load_contracts's answers by options
        self.paired: dict[tuple, tuple] = {}  # supply_pairs's answers by options
        self._keep = kept  # where to keep the snapshot once read whole: (file, key), or None
        if store is None:  # filled in by Snapshot.load
            return
        rows = QueryBatch(store, queries or _texts(store))
        try:
            self._read(rows)
        except BaseException:
            rows.close()
            raise
        # the nodes' labels and kinds are read when first asked for: the contracts, their
        # pairs and betweenness's edge list need none, and are worked out meanwhile
        self._nodes: QueryBatch | None = rows

    def _read_nodes(self) -> None:
        rows, self._nodes = self._nodes, None
        self._labels: dict[str, str] = {}
        self._kinds: dict[str, set] = defaultdict(set)
        try:
            for iri, label, cls in rows["projection-nodes"]:
                self._labels.setdefault(iri, label)
                self._kinds[iri].add(KINDS[cls])
        finally:
            rows.close()
        if self._keep is not None:
            self._save(*self._keep)

    # -- kept beside an on-disk store (graph.store.cache): every later process reads this file
    # instead of asking the seven queries (seconds instead of minutes on a national graph).
    # JSON lines, each a [part, items] pair: the document titles first, then the
    # contracts a block at a time, so that neither writing nor reading holds the whole
    # file in memory. The strings contracts repeat (buyers, suppliers, statuses, towers,
    # currencies, kinds of figure, durations and dates) are numbered, each block preceded
    # by those it is the first to cite: read back, a string a million contracts repeat is
    # one object, as the queries give it, not a million (less memory, and one hash worked
    # out for the dictionaries the analytics look it up in).

    _BLOCK = 50_000

    def _save(self, file, key) -> None:
        import math

        import orjson

        from ..store import cache
        self._keep = None
        number = {t: n for n, t in enumerate(dict.fromkeys(t for ts in self.sources.values() for t in ts))}
        contracts = list(self.contracts.values())
        strings: dict[str | None, int] = {None: 0}  # each string's number; 0 is an absent one
        table: list[str | None] = [None]

        def code(x: str | None) -> int:
            n = strings.get(x)
            if n is None:
                n = strings[x] = len(table)
                table.append(x)
            return n

        def cite(ts) -> list[int]:
            return [number[t] for t in ts]

        def amount(a: float):  # JSON has no NaN or infinity (orjson writes null): kept as text
            return a if math.isfinite(a) else repr(a)

        nodes, edges = supply_edges(None, snap=self)  # as the report counts them by default

        def lines():
            yield orjson.dumps(["titles", list(number)]) + b"\n"
            yield orjson.dumps(["edges", [len(nodes), [x for edge in edges for x in edge]]]) + b"\n"
            for start in range(0, len(contracts), self._BLOCK):
                known = len(table)
                rows = [[c.iri, c.label, code(c.buyer), [code(x) for x in c.suppliers], code(c.status),
                         [code(x) for x in c.towers],
                         [[amount(a), code(cur), code(k), cite(own)] for a, cur, k, own in c.values],
                         code(c.duration), code(c.end_date)] for c in contracts[start:start + self._BLOCK]]
                # the strings these contracts are the first to cite, then the contracts
                yield orjson.dumps(["strings", table[known:]]) + b"\n"
                yield orjson.dumps(["contracts", rows]) + b"\n"
            holders = list(self.sources.items())
            for start in range(0, len(holders), self._BLOCK * 4):
                yield orjson.dumps(["sources", [[h, cite(ts)] for h, ts in holders[start:start + self._BLOCK * 4]]]) + b"\n"
            yield orjson.dumps(["relations", self.relations]) + b"\n"
            yield orjson.dumps(["labels", self._labels]) + b"\n"
            yield orjson.dumps(["kinds", [[iri, sorted(k)] for iri, k in self._kinds.items()]]) + b"\n"
            yield b'["end", null]\n'
        try:
            cache.write(file, key, lines())
        except OSError:  # a directory that cannot be written to: each process reads the store
            pass

    @classmethod
    def load(cls, f, on_edges=None) -> "Snapshot":
        """The snapshot :meth:`_save` kept, from ``f`` (open after the key).

        ``on_edges(n, edges)``: called with :func:`supply_edges`'s numbers of nodes and
        edges (default options) as soon as they are read, before the contracts."""
        import orjson
        snap = cls(None)
        snap.contracts, snap.sources = {}, defaultdict(list)
        snap._kinds = defaultdict(set)
        titles: list[str] = []
        strings: list[str | None] = [None]  # number 0: an absent string
        parts = set()
        for line in f:
            part, items = orjson.loads(line)
            parts.add(part)
            if part == "titles":
                titles = items
            elif part == "edges":
                if on_edges is not None:
                    n, flat = items
                    on_edges(n, list(zip(flat[0::3], flat[1::3], flat[2::3])))
            elif part == "strings":
                strings += items
            elif part == "contracts":
                contracts = snap.contracts
                for iri, label, buyer, suppliers, status, towers, values, duration, end_date in items:
                    contracts[iri] = Contract(
                        iri, label, strings[buyer], [strings[n] for n in suppliers], strings[status],
                        [strings[n] for n in towers],
                        [(float(a), strings[cur], strings[k], tuple([titles[n] for n in own]))
                         for a, cur, k, own in values],
                        [], strings[duration], strings[end_date])
            elif part == "sources":
                snap.sources.update((h, [titles[n] for n in ns]) for h, ns in items)
            elif part == "relations":
                snap.relations = [tuple(r) for r in items]
            elif part == "labels":
                snap._labels = items
            elif part == "kinds":
                snap._kinds.update((iri, set(k)) for iri, k in items)
        if "end" not in parts:
            raise ValueError("the kept snapshot is not whole")
        for c in snap.contracts.values():
            c.sources = list(snap.sources.get(c.iri, ()))
        snap.successor = {f: t for f, rel, t, _ in snap.relations if rel == "succeeded by"}
        snap._nodes = None
        return snap

    @property
    def labels(self) -> dict[str, str]:
        """Each node's label (its rdfs:label or skos:prefLabel)."""
        if self._nodes is not None:
            self._read_nodes()
        return self._labels

    @property
    def kinds(self) -> dict[str, set]:
        """Each node's kinds (buyer, supplier, framework, ...), from its classes."""
        if self._nodes is not None:
            self._read_nodes()
        return self._kinds

    def _read(self, rows: QueryBatch) -> None:
        from urllib.parse import unquote
        self.sources: dict[str, list[str]] = defaultdict(list)
        # in order of title, so that most holders (one source each) need no sorting after
        for _source, title, holders in sorted(rows["projection-sources"], key=lambda r: r[1]):
            for holder in set((holders or "").split()):
                self.sources[holder].append(title)
        for holder, titles in self.sources.items():
            if len(titles) > 1:
                self.sources[holder] = list(dict.fromkeys(titles))  # two documents may share a title
        found: dict[str, tuple[str, str]] = {}  # contract -> (label, buyer)
        for buyer, packed in sorted(rows["projection-contracts"]):
            items = packed.split(" ") if packed else []
            iris, encoded = items[0::2], items[1::2]
            # one unquote for all of a buyer's labels (unless a label holds the joining
            # character), and none where spaces are all there is to decode: a "%" in
            # ENCODE_FOR_URI's output always starts an escape, so "%20" is always a space
            joined = "\x00".join(encoded).replace("%20", " ")
            labels = (unquote(joined) if "%" in joined else joined).split("\x00")
            if len(labels) != len(encoded):
                labels = [unquote(x) for x in encoded]
            for iri, label in zip(iris, labels):
                if not iri:  # not an IRI: the Oxigraph variant packs it empty rather than filter every row
                    continue
                seen = found.get(iri)
                if seen is None:  # a second buyer of one contract: the first in order of IRI counts
                    found[iri] = (label, buyer)
                elif seen[1] == buyer and label < seen[0]:  # two labels: the first in order, whatever
                    found[iri] = (label, buyer)              # order the engine returns them in
        # made in order of IRI, the order load_contracts counts them in: read in the order
        # they lie in memory, and kept so (sorting a kept snapshot again is one pass over it)
        self.contracts: dict[str, Contract] = {
            iri: Contract(iri, label, buyer, sources=list(self.sources.get(iri, [])))
            for iri, (label, buyer) in sorted(found.items())}
        del found
        contracts = self.contracts
        for supplier, holders in rows["projection-suppliers"]:
            for iri in (holders or "").split():
                c = contracts.get(iri)
                if c is not None and supplier not in c.suppliers:
                    c.suppliers.append(supplier)
        for facet, value, holders in sorted(rows["projection-facets"], key=lambda r: (r[0], r[1] or "")):
            for iri in (holders or "").split():
                c = contracts.get(iri)
                if c is None:
                    continue
                if facet == "status":
                    c.status = c.status or STATUS_LABELS.get(value)
                elif facet == "tower":
                    if value not in c.towers:
                        c.towers.append(value)
                elif facet == "duration":
                    c.duration = c.duration or value
                else:
                    c.end_date = c.end_date or value
        for kind, currency, packed in rows["projection-values"]:
            currency = currency or "GBP"
            items = packed.split(" ") if packed else []
            for iri, figure, amount in zip(items[0::3], items[1::3], items[2::3]):
                c = contracts.get(iri)
                if c is not None:
                    c.values.append((float(amount), currency, kind, tuple(self.sources.get(figure, ()))))
        for c in contracts.values():
            c.suppliers.sort()
            c.towers.sort()
            c.values.sort()
        # sorted, so that every backend builds the same graph in the same order
        self.relations = sorted(set(rows["projection-relations"]))
        self.successor = {f: t for f, rel, t, _ in self.relations if rel == "succeeded by"}

    def kind(self, iri: str) -> str:
        kinds = self.kinds.get(iri, set())
        for k in ("supplier", "framework", "partnership", "programme", "tower", "group", "buyer"):
            if k in kinds:
                return k
        return "organisation"

    def label(self, iri: str) -> str:
        if self._nodes is not None:  # asked millions of times: not through the property
            self._read_nodes()
        label = self._labels.get(iri)
        return iri if label is None else label


def snapshot(store: Store, *, on_edges=None) -> "Snapshot":
    """Read everything the projection needs (seven grouped queries); reuse it across views.

    An on-disk store's snapshot is kept beside it (:mod:`graph.store.cache`) once read whole,
    and read from there until the store changes. Reading a kept snapshot calls
    ``on_edges(n, edges)`` with :func:`supply_edges` (default options) first, for a
    caller that starts work on them (betweenness, in another process) while the rest is
    read."""
    from ..store import cache
    file = cache.cache_file(store, "snapshot.json")
    if file is None:
        return Snapshot(store)
    # the code that builds the snapshot from the queries' answers, and the queries
    queries = _texts(store)
    key = cache.cache_key(store, cache.source("projection.snapshot"), *queries.values())
    kept = cache.open_kept(file, key)
    if kept is not None:
        with kept:
            try:
                return Snapshot.load(kept, on_edges)
            except (ValueError, TypeError, KeyError, IndexError):  # damaged: read the store, keep it again
                pass
    return Snapshot(store, kept=(file, key), queries=queries)


def _texts(store: Store) -> dict[str, str]:
    """The snapshot's queries, in the store's engine's variants, in the order read."""
    return {name: sparql_prefixes() + internal_query(name, store.engine) for name in _QUERIES}


def load_contracts(store: Store | None, *, include_inactive: bool = False, collapse_lineage: bool = True,
                   snap: "Snapshot | None" = None) -> tuple[list[Contract], "Snapshot"]:
    """The contracts the analytics count, and the snapshot they came from.

    Worked out once per snapshot and options (the report and :func:`project` both ask):
    the list is shared, so do not change it."""
    import copy
    snap = snap or snapshot(store)
    out = snap.counted.get((include_inactive, collapse_lineage))
    if out is not None:
        return out, snap
    successor = snap.successor if collapse_lineage else {}
    out = []
    for c in sorted(snap.contracts.values(), key=lambda c: c.iri):
        if not include_inactive and c.status in _INACTIVE:
            continue
        if successor and not successor.keys().isdisjoint(c.suppliers) \
                and any(successor.get(s) in c.suppliers for s in c.suppliers):
            c = copy.copy(c)  # the snapshot's contract stays as the sources say it
            c.suppliers = [s for s in c.suppliers if successor.get(s) not in c.suppliers]
        out.append(c)
    snap.counted[include_inactive, collapse_lineage] = out
    return out, snap


def supply_pairs(store: Store | None, *, include_inactive: bool = False, collapse_lineage: bool = True,
                 snap: "Snapshot | None" = None) -> tuple[dict[str, str], dict[tuple[str, str], list[Contract]]]:
    """The supply view without the graph: its nodes (node -> kind, in the graph's order)
    and its pairs ((buyer, supplier) -> their contracts in IRI order, in the order of the
    graph's edges). Worked out once per snapshot and options, like :func:`load_contracts`
    (the report asks for betweenness from the pairs before :func:`project` asks)."""
    contracts, snap = load_contracts(store, include_inactive=include_inactive,
                                     collapse_lineage=collapse_lineage, snap=snap)
    out = snap.paired.get((include_inactive, collapse_lineage))
    if out is None:
        pairs: dict[tuple, list] = defaultdict(list)
        for c in contracts:
            for s in c.suppliers:
                pairs[c.buyer, s].append(c)
        kinds: dict[str, str] = {}  # each node once, in order of first appearance
        for b, s in pairs:
            kinds.setdefault(b, "buyer")
            kinds.setdefault(s, "supplier")
        out = snap.paired[include_inactive, collapse_lineage] = (kinds, pairs)
    return out


def supply_edges(store: Store | None, *, include_inactive: bool = False,
                 snap: "Snapshot | None" = None) -> tuple[list, list]:
    """The supply view's nodes in order, and its edges ``(i, j, distance)`` (node numbers)
    in order, without building it (:func:`supply_pairs`): what
    :func:`~graph.analytics.centrality.betweenness_of_edges` reads, in another process."""
    kinds, pairs = supply_pairs(store, include_inactive=include_inactive, snap=snap)
    nodes = list(kinds)
    index = {n: i for i, n in enumerate(nodes)}
    return nodes, [(index[b], index[s], 1.0 / len(cs)) for (b, s), cs in pairs.items()]
