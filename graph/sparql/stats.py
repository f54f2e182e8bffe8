"""What is in the graph: entities by kind, contracts by status, the sources and how many
facts each supports, and the gaps (contracts with no known value, end or tower)."""

from __future__ import annotations

from ..model.namespaces import internal_query, sparql_prefixes
from ..store.base import QueryBatch, Store
from ..tables import ROWS

__all__ = ["graph_stats", "format_stats", "source_listing", "COUNTED_CLASSES"]

#: (key, class) pairs counted by ``stats``, subclasses included.
COUNTED_CLASSES = [
    ("public bodies", "sg:PublicBody"), ("local authorities", "sg:LocalAuthority"),
    ("police forces", "sg:PoliceForce"), ("suppliers", "sg:Supplier"),
    ("partnerships", "sg:Partnership"), ("frameworks", "sg:Framework"),
    ("contracts", "sg:Contract"), ("call-offs", "sg:CallOff"),
    ("procurement notices", "sg:ProcurementNotice"), ("programmes", "sg:Programme"),
    ("service towers", "sg:ServiceTower"), ("money figures", "epo:MonetaryValue"),
    ("claims", "sg:Claim"), ("people quoted", "prov:Person"), ("quotes", "sg:Quote"),
    ("sources", "sg:SourceDocument"),
]

_COUNTS = internal_query("stats-counts")

_SOURCES = internal_query("stats-sources")


def _sources(rows) -> list[dict]:
    # one row per source, kept in the query's order: Virtuoso's DISTINCT lets through the
    # row of each of a source's types (a reference source is a source document too)
    rows = list(dict.fromkeys(rows))
    return [{"iri": src, "title": title, "publisher": publisher, "reference_data": ref == "true",
             "facts": int(facts), "issued": issued, "page": page}
            for src, title, publisher, ref, facts, issued, page in rows]


def source_listing(store: Store) -> list[dict]:
    """Every source document: title, publisher, whether it is reference data, how many
    entities cite it, its date of publication and its address, where known."""
    return _sources(store.select_strings(sparql_prefixes() + _SOURCES))


def graph_stats(store: Store) -> dict:
    """Counts by kind, contracts by status, sources, and data gaps, as plain data."""
    from ..model.namespaces import PREFIXES
    pre = sparql_prefixes()
    # the longest first, so that the others run beside them; each gap is a question of its
    # own, so that two run at once where the store answers concurrently
    gaps = ("stats-no-date", "stats-no-value", "stats-no-tower")
    batch = QueryBatch(store, {**{g: pre + internal_query(g, store.engine) for g in gaps},
                               "status": pre + internal_query("stats-status", store.engine), "sources": pre + _SOURCES,
                               "counts": pre + _COUNTS % " ".join(c for _, c in COUNTED_CLASSES)})
    try:
        count_rows, status_rows, source_rows = (batch[k] for k in ("counts", "status", "sources"))
        gap_rows = [r for g in gaps for r in batch[g]]
    finally:
        batch.close()
    by_class = {cls: int(n) for cls, n in count_rows}
    counts = {}
    for key, curie in COUNTED_CLASSES:
        prefix, local = curie.split(":")
        counts[key] = by_class.get(PREFIXES[prefix] + local, 0)
    status = {label: int(float(n)) for label, n in status_rows}
    sources = _sources(source_rows)
    labels: dict[str, str] = {}
    missing: dict[str, set] = {"no_value": set(), "no_date": set(), "no_tower": set()}
    for what, iri, label in gap_rows:
        missing[what].add(iri)
        if label is not None:  # two labels: the first in order
            labels[iri] = min(label, labels.get(iri, label))
    gaps = {key: [{"iri": iri, "label": labels.get(iri, iri)}
                  for iri in sorted(iris, key=lambda i: (labels.get(i, i), i))] for key, iris in missing.items()}
    return {"counts": counts, "contracts_by_status": status, "sources": sources, "gaps": gaps}


def format_stats(stats: dict, rows: int | None = ROWS) -> str:
    """The table form of :func:`graph_stats`; with ``rows``, each listing shows at most that
    many items and says how many more there are: the sources behind the most entities (in
    order of title, as in full) and the first contracts of each gap.

    >>> st = {"counts": {"contracts": 3}, "contracts_by_status": {"live": 3},
    ...       "sources": [{"title": t, "publisher": "P", "reference_data": False, "facts": n}
    ...                   for t, n in (("A", 1), ("B", 5), ("C", 2))],
    ...       "gaps": {"no_value": [{"label": "k1"}, {"label": "k2"}], "no_date": [], "no_tower": []}}
    >>> print(format_stats(st, rows=1))  # doctest: +NORMALIZE_WHITESPACE
    entities
      contracts       3
    <BLANKLINE>
    contracts by status
      live            3
    <BLANKLINE>
    sources (entities citing each): the 1 behind the most entities, of 3
         5  B \u2014 P
    <BLANKLINE>
    contracts with no known value (total, award or annual): 2
      k1
      …and 1 more
    <BLANKLINE>
    contracts with no known end (stated, derived or bounded): 0
    <BLANKLINE>
    contracts with no service tower (scope given in words): 0
    """
    width = max(len(k) for k in stats["counts"])
    lines = ["entities"]
    lines += [f"  {k:<{width}}  {v:>6}" for k, v in stats["counts"].items()]
    lines += ["", "contracts by status"]
    lines += [f"  {k:<{width}}  {v:>6}" for k, v in stats["contracts_by_status"].items()]
    sources = stats["sources"]
    if rows and len(sources) > rows:  # the sources behind the most entities, kept in order of title
        most = sorted(range(len(sources)), key=lambda i: (-sources[i]["facts"], i))[:rows]
        shown = [sources[i] for i in sorted(most)]
        lines += ["", f"sources (entities citing each): the {rows:,} behind the most entities, of {len(sources):,}"]
    else:
        shown = sources
        lines += ["", "sources (entities citing each)"]
    for s in shown:
        tag = "  [reference data]" if s["reference_data"] else ""
        lines.append(f"  {s['facts']:>4}  {s['title']} \u2014 {s['publisher']}{tag}")
    g = stats["gaps"]
    for key, title in (("no_value", "contracts with no known value (total, award or annual)"),
                       ("no_date", "contracts with no known end (stated, derived or bounded)"),
                       ("no_tower", "contracts with no service tower (scope given in words)")):
        listed = g[key][:rows] if rows else g[key]
        lines += ["", f"{title}: {len(g[key])}"]
        lines += [f"  {c['label']}" for c in listed]
        if len(listed) < len(g[key]):
            lines.append(f"  …and {len(g[key]) - len(listed):,} more")
    return "\n".join(lines)
