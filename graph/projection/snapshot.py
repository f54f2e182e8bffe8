"""What every analytic reads: the graph's contracts, names and relations, read once through
seven grouped SPARQL queries (``graph/queries/internal/projection-*.rq``) into plain Python
structures, and kept beside an on-disk store (:mod:`graph.store.cache`), as columns
(:mod:`graph.projection.columns`), until the store changes.

:func:`snapshot` reads it, whole or (from a kept one) only the contracts of one buyer,
supplier or tower; :func:`load_contracts` gives the contracts the analytics count
(cancelled and ended ones left out unless asked for; a contract naming both a supplier
and its corporate successor held by the successor only), :func:`supply_pairs` and
:func:`supply_edges` the buyer–supplier pairs they make. :mod:`graph.projection.views` turns
them into networkx graphs; the report and the timeline read the contracts directly.
"""

from __future__ import annotations

from collections import defaultdict
from ..model.namespaces import internal_query, sparql_prefixes
from ..store.base import QueryBatch, Store
from .contract import INACTIVE, KINDS, STATUS_LABELS, Contract

__all__ = ["Contract", "Snapshot", "snapshot", "load_contracts", "supply_pairs", "supply_edges", "KINDS",
           "STATUS_LABELS"]

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
        #: True for a snapshot of some contracts only (:func:`snapshot`'s ``of`` and ``near``)
        self.partial = False
        self._keep = kept  # where to keep the snapshot once read whole: (file, key), or None
        self._cols = None  # kept columns, from which the parts not yet asked for are parsed
        self._nodes: QueryBatch | None = None
        if store is None:  # filled in by Snapshot.from_columns
            return
        rows = QueryBatch(store, queries or _texts(store))
        try:
            self._read(rows)
        except BaseException:
            rows.close()
            raise
        # the nodes' labels and kinds are read when first asked for: the contracts, their
        # pairs and betweenness's edge list need none, and are worked out meanwhile
        self._nodes = rows

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

    # -- kept beside an on-disk store (graph.store.cache) as columns (graph.projection.columns):
    # every later process reads that file instead of asking the seven queries (seconds
    # instead of minutes on a national graph)

    def _save(self, file, key) -> None:
        from ..store import cache
        from .columns import write
        self._keep = None
        nodes, edges = supply_edges(None, snap=self)  # as the report counts them by default
        try:
            cache.write(file, key, write(self, len(nodes), edges))
        except OSError:  # a directory that cannot be written to: each process reads the store
            pass

    @classmethod
    def from_columns(cls, cols, rows=None) -> "Snapshot":
        """The snapshot kept as ``cols`` (:class:`~graph.projection.columns.Columns`):
        whole, or (``rows``) some contracts only; the other parts parsed when asked for."""
        snap = cls(None)
        snap._cols = cols
        snap.partial = rows is not None
        snap.contracts = cols.contracts(rows)
        return snap

    def _parsed(self, name: str):
        """A part of the kept columns, parsed when first asked for."""
        cols = self._cols
        if name == "sources":
            value = defaultdict(list, ((c.iri, c.sources) for c in self.contracts.values() if c.sources))
            value.update((h, [cols.titles[n] for n in ns]) for h, ns in cols.json("sources"))
        elif name == "relations":
            value = [tuple(r) for r in cols.json("relations")]
        elif name == "labels":
            value = cols.json("labels")
        else:
            value = defaultdict(set, ((iri, set(k)) for iri, k in cols.json("kinds")))
        setattr(self, "_" + name, value)
        return value

    def _part(self, name: str):
        if self._nodes is not None and name in ("labels", "kinds"):
            self._read_nodes()
        found = self.__dict__.get("_" + name)
        return found if found is not None else self._parsed(name)

    @property
    def sources(self) -> dict[str, list[str]]:
        """The titles of the documents behind each holder: contract, framework, relation,
        organisation (a figure's are in its contract's values; a partial snapshot holds its
        own contracts and every holder that is not a contract)."""
        return self._part("sources")

    @property
    def relations(self) -> list[tuple]:
        """(a, relation, b, holder) of every relation other than supply, sorted."""
        return self._part("relations")

    @property
    def successor(self) -> dict[str, str]:
        """Each supplier's corporate successor (``succeeded by``)."""
        found = self.__dict__.get("_successor")
        if found is None:
            found = self._successor = {f: t for f, rel, t, _ in self.relations if rel == "succeeded by"}
        return found

    @property
    def labels(self) -> dict[str, str]:
        """Each node's label (its rdfs:label or skos:prefLabel)."""
        return self._part("labels")

    @property
    def kinds(self) -> dict[str, set]:
        """Each node's kinds (buyer, supplier, framework, ...), from its classes."""
        return self._part("kinds")

    def _read(self, rows: QueryBatch) -> None:
        from urllib.parse import unquote
        sources: dict[str, list[str]] = defaultdict(list)
        self._sources = sources
        # in order of title, so that most holders (one source each) need no sorting after
        for _source, title, holders in sorted(rows["projection-sources"], key=lambda r: r[1]):
            for holder in set((holders or "").split()):
                sources[holder].append(title)
        for holder, titles in sources.items():
            if len(titles) > 1:
                sources[holder] = list(dict.fromkeys(titles))  # two documents may share a title
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
            iri: Contract(iri, label, buyer, sources=list(sources.get(iri, [])))
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
        figures = set()
        for kind, currency, packed in rows["projection-values"]:
            currency = currency or "GBP"
            items = packed.split(" ") if packed else []
            for iri, figure, amount in zip(items[0::3], items[1::3], items[2::3]):
                c = contracts.get(iri)
                figures.add(figure)
                if c is not None:
                    c.values.append((float(amount), currency, kind, tuple(sources.get(figure, ()))))
        for figure in figures:  # each figure's titles are in its contract's values: not kept twice
            sources.pop(figure, None)
        for c in contracts.values():
            c.suppliers.sort()
            c.towers.sort()
            c.values.sort()
        # sorted, so that every backend builds the same graph in the same order
        self._relations = sorted(set(rows["projection-relations"]))

    def kind(self, iri: str) -> str:
        kinds = self.kinds.get(iri, set())
        for k in ("supplier", "framework", "partnership", "programme", "tower", "group", "buyer"):
            if k in kinds:
                return k
        return "organisation"

    def label(self, iri: str) -> str:
        labels = self.__dict__.get("_labels")  # asked millions of times: not through the property
        if labels is None:
            labels = self.labels
        label = labels.get(iri)
        return iri if label is None else label


def snapshot(store: Store, *, on_edges=None, of: dict[str, str] | None = None,
             near: str | None = None) -> "Snapshot":
    """Read everything the projection needs (seven grouped queries); reuse it across views.

    An on-disk store's snapshot is kept beside it (:mod:`graph.store.cache`) once read whole,
    and read from there until the store changes. Reading a kept snapshot calls
    ``on_edges(n, edges)`` with :func:`supply_edges` (default options) first, for a
    caller that starts work on them (betweenness, in another process) while the rest is
    read.

    ``of``: ``{"buyer": iri, "supplier": iri, "tower": iri}`` (any of them), for a caller
    that reads only the contracts of which each given one holds: from a kept snapshot only
    those are built (:attr:`Snapshot.partial`), in a moment on a national graph; otherwise
    the snapshot is read whole. ``near``: a supplier (IRI), for a caller that reads the
    supply view around it and its corporate group only (``impact``): from a kept snapshot,
    only the contracts :meth:`~graph.projection.columns.Columns.near` finds are built."""
    from ..store import cache
    file = cache.cache_file(store, "snapshot.columns")
    if file is None:
        return Snapshot(store)
    # the code that builds the snapshot from the queries' answers and keeps it, and the queries
    queries = _texts(store)
    code = cache.source("projection.snapshot", "projection.columns", "projection.contract")
    key = cache.cache_key(store, code, *queries.values())
    kept = cache.open_kept(file, key)
    if kept is not None:
        from .columns import Columns
        with kept:
            try:
                cols = Columns(kept, on_edges)
            except (ValueError, EOFError, KeyError):  # damaged: read the store, keep it again
                cols = None
        if cols is not None:
            if near is None:
                return Snapshot.from_columns(cols, cols.rows(**of) if of else None)
            relations = [tuple(r) for r in cols.json("relations")]
            snap = Snapshot.from_columns(cols, cols.near(_lineage(relations, near)))
            snap._relations = relations
            return snap
    return Snapshot(store, kept=(file, key), queries=queries)


def _lineage(relations: list[tuple], iri: str) -> set[str]:
    """``iri`` with every predecessor and successor, however far (``succeeded by``)."""
    links: dict[str, set] = defaultdict(set)
    for a, relation, b, _ in relations:
        if relation == "succeeded by":
            links[a].add(b)
            links[b].add(a)
    group, todo = {iri}, [iri]
    while todo:
        for other in links[todo.pop()] - group:
            group.add(other)
            todo.append(other)
    return group


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
        if not include_inactive and c.status in INACTIVE:
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
