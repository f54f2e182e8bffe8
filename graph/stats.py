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

# Which contracts have a value, a date and a tower, one row per question (the contracts
# packed as space-separated IRIs): a row per contract with three OPTIONALs took 36 s on
# 100,000 contracts in an on-disk store; this takes a few.
_HAVE = """SELECT ?what (GROUP_CONCAT(STR(?c); separator=" ") AS ?contracts) WHERE {
  { ?c rdf:type/rdfs:subClassOf* sg:Contract . BIND("contract" AS ?what) }
  UNION { ?c sg:value/sg:valueKind ?k . FILTER(?k IN (sg:TotalContractValue, sg:AnnualValue)) BIND("value" AS ?what) }
  UNION { ?c sg:duration|sg:endDate|sg:startDate|sg:startYear|sg:awardedNotBefore|sg:awardedNotAfter ?d
          BIND("date" AS ?what) }
  UNION { ?c sg:tower ?t . BIND("tower" AS ?what) }
  FILTER(isIRI(?c))
} GROUP BY ?what"""

_LABELS = """SELECT ?c ?label WHERE { VALUES ?c { %s } ?c rdfs:label ?label }"""


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
    have = {what: set((packed or "").split()) for what, packed in store.select_strings(pre + _HAVE)}
    contracts = have.get("contract", set())
    missing = {key: contracts - have.get(what, set())
               for key, what in (("no_value", "value"), ("no_date", "date"), ("no_tower", "tower"))}
    labels: dict[str, str] = {}
    wanted = sorted(set().union(*missing.values()))
    for start in range(0, len(wanted), 2000):  # labels of the contracts listed, a batch at a time
        values = " ".join(f"<{iri}>" for iri in wanted[start:start + 2000])
        for iri, label in store.select_strings(pre + _LABELS % values):
            labels[iri] = min(label, labels.get(iri, label))
    gaps = {key: [{"iri": iri, "label": labels.get(iri, iri)}
                  for iri in sorted(iris, key=lambda i: (labels.get(i, i), i))] for key, iris in missing.items()}
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
