"""What the timeline reads from a store: each framework as one row, and the dates of every
contract and framework, one row per kind of date and value
(``graph/queries/internal/timeline-*.rq``).

Asked of the whole graph, the dates are kept beside an on-disk store
(:mod:`graph.store.cache`) with the frameworks' rows, and every later command reads them
from there until the store changes: the dates of a national graph are millions of values,
and asking for them again took longer than everything the timeline does with them. A
command about a few contracts on a store with nothing kept asks for theirs alone, where
the engine has a phrasing that takes them well, and keeps nothing.

The kept file holds the rows as they were read: the holders of each row as numbers into
one sorted list of holders, in the row's order, so that each holder's values come back in
the order the engine gave them. It is mapped rather than read: the dates of a few
contracts are found by halving the list of holders and comparing arrays.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from ..model.namespaces import has_variant, internal_query, sparql_prefixes
from ..sparql.lookup import iri_ref
from ..store.base import VALUES_MAX, Store, in_values

__all__ = ["facts", "Facts", "FRAMEWORK_FIELDS"]

#: The columns of a framework's row, in the query's order.
FRAMEWORK_FIELDS = ("item", "label", "status", "buyers", "suppliers", "towers", "ceilings", "sources")
#: Dates asked of the holders by name, a VALUES block at a time, up to this many of them;
#: beyond, one question of every holder in the graph answers sooner.
_BOUND = 5 * VALUES_MAX
#: The kept file's parts in the order written (the cache key includes this module's
#: source, so a file of another layout is read again from the store).
_PARTS = ("head", "holders", "ends", "ptr", "items")

#: facet -> holder -> its values, in the order the engine gave them
Facets = dict[str, dict[str, list[str]]]


class Facts:
    """The timeline's facts of one store: :meth:`frameworks` and :meth:`dates`."""

    def frameworks(self) -> list[tuple]:  # pragma: no cover - each kind says
        raise NotImplementedError

    def dates(self, wanted: set[str] | None = None) -> Facets:  # pragma: no cover
        """The dates of the holders in ``wanted`` (IRIs of contracts and frameworks), or of all."""
        raise NotImplementedError


def facts(store: Store) -> Facts:
    """The store's facts: those kept beside it, or a reader that asks the store (and keeps
    what it asks of the whole graph, where the store has a place for it)."""
    from ..store import cache
    texts = tuple(sparql_prefixes() + internal_query(name, store.engine)
                  for name in ("timeline-frameworks", "timeline-dates"))
    file = cache.cache_file(store, "dates")
    if file is None:
        return _Asked(store, texts, None)
    key = cache.cache_key(store, cache.source("timeline.facts"), *texts)
    kept = cache.open_kept(file, key)
    if kept is not None:
        with kept:
            try:
                return _Kept(kept)
            except (ValueError, EOFError, KeyError):  # damaged: ask the store, keep it again
                pass
    return _Asked(store, texts, (file, key))


class _Asked(Facts):
    def __init__(self, store: Store, texts: tuple[str, str], keep):
        self.store, self.texts, self.keep = store, texts, keep
        self._frameworks: list[tuple] | None = None

    def frameworks(self) -> list[tuple]:
        if self._frameworks is None:
            self._frameworks = self.store.select_strings(self.texts[0])
        return self._frameworks

    def dates(self, wanted: set[str] | None = None) -> Facets:
        text = self.texts[1]
        # asked of these holders, not of the whole graph, where the engine's own phrasing
        # takes them well (Oxigraph's, in a LATERAL): joined with the dates' own VALUES, a
        # VALUES block of holders is slower than the whole question on Oxigraph and
        # Virtuoso alike
        if wanted is not None and len(wanted) <= _BOUND and has_variant("timeline-dates", self.store.engine):
            rows = [r for part in in_values(sorted(map(iri_ref, wanted)))
                    for r in self.store.select_strings(text % {"holders": f"VALUES ?holder {{ {part} }}"})]
        else:
            rows = self.store.select_strings(text % {"holders": ""})
            if self.keep is not None:
                self._keep(rows)
        return _gather((facet, value, [h for h in (holders or "").split() if wanted is None or h in wanted])
                       for facet, value, holders in rows)

    def _keep(self, rows: list[tuple]) -> None:
        from ..store import cache
        file, key = self.keep
        self.keep = None
        try:
            cache.write(file, key, _write(self.frameworks(), rows))
        except OSError:  # a directory that cannot be written to: each process asks the store
            pass


def _write(frameworks: list[tuple], rows: list[tuple]):
    """The kept file's bytes after its key: the rows as :class:`_Kept` reads them."""
    import numpy as np
    import orjson
    from ..store.cache import packed_lists, packed_texts, saved
    lists = [(holders or "").split() for _, _, holders in rows]
    holders = sorted({h for hs in lists for h in hs})  # in the order of their text: UTF-8 keeps it
    number = {h: n for n, h in enumerate(holders)}
    blob, ends, _ = packed_texts(holders)  # an IRI holds no NUL
    ptr, items = packed_lists([[number[h] for h in hs] for hs in lists])
    head = orjson.dumps({"frameworks": frameworks, "rows": [[f, v] for f, v, _ in rows]})
    return saved((np.frombuffer(head, dtype=np.uint8), blob, ends, ptr, items))


class _Kept(Facts):
    def __init__(self, f):
        import orjson
        from ..store.cache import mapped_arrays
        head, self.blob, self.ends, self.ptr, self.items = (a for _, a in zip(_PARTS, mapped_arrays(f)))
        head = orjson.loads(head.data)
        self._frameworks = [tuple(r) for r in head["frameworks"]]
        self.rows: list[list[str]] = head["rows"]
        if len(self.ptr) != len(self.rows) + 1 or len(self.items) != self.ptr[-1]:
            raise ValueError("the kept dates are not whole")

    def frameworks(self) -> list[tuple]:
        return self._frameworks

    def _holder(self, n: int) -> bytes:
        return self.blob[int(self.ends[n - 1]) + 1 if n else 0:int(self.ends[n])].tobytes()

    def _number(self, iri: str) -> int | None:
        """The number of holder ``iri``, found by halving (the holders are in order); None if it has no date."""
        key, lo, hi = iri.encode(), 0, len(self.ends)
        while lo < hi:
            mid = (lo + hi) // 2
            if self._holder(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(self.ends) and self._holder(lo) == key else None

    def dates(self, wanted: set[str] | None = None) -> Facets:
        import numpy as np
        rows = self.rows
        if wanted is None:
            holders = self.blob.tobytes().decode().split("\x00") if len(self.ends) else []
            ptr, items = self.ptr.tolist(), self.items.tolist()
            groups = ((r, items[ptr[r]:ptr[r + 1]]) for r in range(len(rows)))
        else:  # the items of the holders wanted, found in the arrays, in the order kept
            holders = {n: w for w in wanted if (n := self._number(w)) is not None}
            at = np.flatnonzero(np.isin(self.items, np.array(sorted(holders), dtype=np.int32)))
            of_row = (np.searchsorted(self.ptr, at, side="right") - 1).tolist()
            groups = ((r, [h for _, h in hs]) for r, hs in groupby(zip(of_row, self.items[at].tolist()),
                                                                    key=itemgetter(0)))
        return _gather(((*rows[r], [holders[h] for h in hs]) for r, hs in groups),
                       {facet: {} for facet, _ in rows})


def _gather(rows, facets: Facets | None = None) -> Facets:
    """facet -> holder -> its values, from ``(facet, value, holders)`` in the order given."""
    facets = {} if facets is None else facets
    for facet, value, holders in rows:
        bucket = facets.setdefault(facet, {})
        for h in holders:
            held = bucket.get(h)
            if held is None:
                bucket[h] = [value]
            else:
                held.append(value)
    return facets
