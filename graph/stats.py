"""What is in the graph: entities by kind, contracts by status, the sources and how many
facts each supports, and the gaps (contracts with no known value or date)."""

from __future__ import annotations

from .namespaces import sparql_prefixes
from .store import Store

__all__ = ["graph_stats", "format_stats", "COUNTED_CLASSES"]

#: (key, class) pairs counted by ``stats``, subclasses included.
COUNTED_CLASSES = [
    ("public bodies", "sg:PublicBody"), ("local authorities", "sg:LocalAuthority"),
    ("police forces", "sg:PoliceForce"), ("suppliers", "sg:Supplier"),
    ("partnerships", "sg:Partnership"), ("frameworks", "sg:Framework"),
    ("contracts", "sg:Contract"), ("call-offs", "sg:CallOff"),
    ("procurement notices", "sg:ProcurementNotice"), ("programmes", "sg:Programme"),
    ("service towers", "sg:ServiceTower"), ("money figures", "epo:MonetaryValue"),
    ("claims", "sg:Claim"), ("sources", "sg:SourceDocument"),
]

_COUNTS = """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  VALUES ?class { %s }
  ?s rdf:type/rdfs:subClassOf* ?class .
} GROUP BY ?class"""

_STATUS = """SELECT ?status (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?c rdf:type/rdfs:subClassOf* sg:Contract .
  OPTIONAL { ?c sg:status/skos:prefLabel ?s }
  BIND(COALESCE(?s, "unknown") AS ?status)
} GROUP BY ?status ORDER BY ?status"""

_SOURCES = """SELECT ?src ?title ?publisher ?ref (COUNT(DISTINCT ?x) AS ?facts) WHERE {
  ?src rdf:type/rdfs:subClassOf* sg:SourceDocument .
  OPTIONAL { ?src dcterms:title ?title } OPTIONAL { ?src dcterms:publisher ?publisher }
  OPTIONAL { ?x prov:wasDerivedFrom|sg:mentionedIn ?src }
  BIND(EXISTS { ?src a sg:ReferenceSource } AS ?ref)
} GROUP BY ?src ?title ?publisher ?ref ORDER BY ?title"""

# OPTIONAL + COUNT rather than BIND(NOT EXISTS ...): the same answer, and it stays fast
# on hundreds of thousands of contracts in Oxigraph.
_GAPS = """SELECT ?c ?label (COUNT(?k) = 0 AS ?noValue) (COUNT(?d) = 0 AS ?noDate) (COUNT(?t) = 0 AS ?noTower)
WHERE {
  ?c rdf:type/rdfs:subClassOf* sg:Contract .
  OPTIONAL { ?c rdfs:label ?label }
  OPTIONAL { ?c sg:value/sg:valueKind ?k . FILTER(?k IN (sg:TotalContractValue, sg:AnnualValue)) }
  OPTIONAL { ?c sg:duration|sg:endDate|sg:startDate|sg:startYear|sg:awardedNotBefore|sg:awardedNotAfter ?d }
  OPTIONAL { ?c sg:tower ?t }
} GROUP BY ?c ?label ORDER BY ?label ?c"""


def _b(term) -> bool:
    return term is not None and bool(term.toPython())


def graph_stats(store: Store) -> dict:
    """Counts by kind, contracts by status, sources, and data gaps, as plain data."""
    pre = sparql_prefixes()
    rows = store.select(pre + _COUNTS % " ".join(c for _, c in COUNTED_CLASSES)).rows
    by_class = {str(r["class"]): int(r["n"].toPython()) for r in rows}
    from .namespaces import PREFIXES
    counts = {}
    for key, curie in COUNTED_CLASSES:
        prefix, local = curie.split(":")
        counts[key] = by_class.get(PREFIXES[prefix] + local, 0)
    status = {str(r["status"]): int(r["n"].toPython()) for r in store.select(pre + _STATUS).rows}
    sources = [{"iri": str(r["src"]), "title": str(r["title"]) if r.get("title") is not None else None,
                "publisher": str(r["publisher"]) if r.get("publisher") is not None else None,
                "reference_data": _b(r.get("ref")), "facts": int(r["facts"].toPython())}
               for r in store.select(pre + _SOURCES).rows]
    gaps = {"no_value": [], "no_date": [], "no_tower": []}
    for r in store.select(pre + _GAPS).rows:
        item = {"iri": str(r["c"]), "label": str(r["label"]) if r.get("label") is not None else str(r["c"])}
        for key, var in (("no_value", "noValue"), ("no_date", "noDate"), ("no_tower", "noTower")):
            if _b(r.get(var)):
                gaps[key].append(item)
    return {"counts": counts, "contracts_by_status": status, "sources": sources, "gaps": gaps}


def format_stats(stats: dict) -> str:
    """The table form of :func:`graph_stats`."""
    width = max(len(k) for k in stats["counts"])
    lines = ["entities"]
    lines += [f"  {k:<{width}}  {v:>6}" for k, v in stats["counts"].items()]
    lines += ["", "contracts by status"]
    lines += [f"  {k:<{width}}  {v:>6}" for k, v in stats["contracts_by_status"].items()]
    lines += ["", "sources (entities citing each)"]
    for s in stats["sources"]:
        tag = "  [reference data]" if s["reference_data"] else ""
        lines.append(f"  {s['facts']:>4}  {s['title']} \u2014 {s['publisher']}{tag}")
    g = stats["gaps"]
    for key, title in (("no_value", "contracts with no known value (total or annual)"),
                       ("no_date", "contracts with no known date or duration"),
                       ("no_tower", "contracts with no service tower (scope given in words)")):
        lines += ["", f"{title}: {len(g[key])}"]
        lines += [f"  {c['label']}" for c in g[key]]
    return "\n".join(lines)
