"""One entity, whole: what it is, its relations with the other side's label, its money
figures, the claims made about it, and the sources behind each (``supplier-graph show``).
"""

from __future__ import annotations

from ..dates import say_duration
from .lookup import Entity, iri_ref, labels
from ..model.namespaces import PREFIXES, internal_query, sparql_prefixes
from ..store.base import Store, in_values
from ..tables import ROWS, money

__all__ = ["describe", "format_description", "INVERSE_LABELS"]

SG = PREFIXES["sg"]
_DURATION = "http://www.w3.org/2001/XMLSchema#duration"
_HIDDEN = {  # shown in their own sections, or noise in a listing
    "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2004/02/skos/core#altLabel", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    "http://www.w3.org/ns/prov#wasDerivedFrom", SG + "mentionedIn", SG + "evidence", SG + "value",
}
#: How an incoming relation reads from the object's side ("the Met buys under ...").
INVERSE_LABELS = {
    "buyer": "buys under", "supplier": "supplies under", "openTo": "may buy through",
    "establishedBy": "established", "owner": "owns", "viaFramework": "call-offs",
    "tower": "covered by", "succeededBy": "succeeds", "succeeds": "succeeded by",
    "predecessor": "predecessor in", "successor": "successor in", "publishedBy": "published",
    "appliesTo": "figure", "organisation": "subject of", "relatesTo": "mentioned by",
    "partOfProgramme": "includes", "procuredThrough": "procured", "announces": "announced by",
    "consolidatesTower": "consolidated by", "targetTower": "target of", "coversTower": "covered by",
    "usesSourcingModel": "used by", "claimedValue": "claimed in",
    "hasMember": "member of", "unitOf": "has unit", "memberOf": "people", "frameworkOf": "frameworks",
}

_OUT = internal_query("entity-out")
_FIGURES = internal_query("entity-figures")
_CLAIMS = internal_query("entity-claims")
_QUOTES = internal_query("entity-quotes")
_TYPES = internal_query("entity-types")
_ALT = internal_query("entity-alt")
_PROPLABELS = internal_query("entity-proplabels")
_EVIDENCE = internal_query("entity-evidence")


def _q(store: Store, template: str, **kw):
    return store.select(sparql_prefixes() + template % kw).rows


def _strings(store: Store, name: str, **kw) -> list[tuple]:
    """The rows of internal query ``name`` (in the store's variant) as strings: for the
    questions whose answers grow with the entity (a national supplier's contracts and
    their sources), where only the text of each term is read."""
    return store.select_strings(sparql_prefixes() + internal_query(name, store.engine) % kw)


def _short(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns):]}"
    return iri


def describe(store: Store, entity: Entity) -> dict:
    """Everything the graph says about ``entity``, as plain data (the JSON of ``show``)."""
    e = iri_ref(entity.iri)
    types = _q(store, _TYPES, e=e)
    kinds = sorted({str(r["label"]) for r in types if r.get("label") is not None})
    alt = sorted({str(r["alt"]) for r in _q(store, _ALT, e=e)}, key=str.lower)
    out_rows = [r for r in _q(store, _OUT, e=e) if str(r["p"]) not in _HIDDEN]
    in_rows = _strings(store, "entity-in", e=e)  # (subject, property)
    figures = _q(store, _FIGURES, e=e)
    claims = _q(store, _CLAIMS, e=e)
    quotes = _q(store, _QUOTES, e=e)

    others = {str(r["o"]) for r in out_rows if r["o"].__class__.__name__ == "URIRef"}
    others |= {s for s, _ in in_rows}
    others |= {str(r["applies"]) for r in figures if r.get("applies") is not None}
    names = labels(store, sorted(others))
    props = {str(r["p"]) for r in out_rows} | {p for _, p in in_rows}
    plabels = {str(r["p"]): str(r["label"]) for r in
               [r for ps in in_values([iri_ref(p) for p in props]) for r in _q(store, _PROPLABELS, ps=ps)]} if props else {}

    holders = {entity.iri} | {s for s, _ in in_rows} | {str(r["v"]) for r in figures} \
        | {str(r["c"]) for r in claims} | {str(r["q"]) for r in quotes}
    src_rows = [r for xs in in_values([iri_ref(h) for h in sorted(holders)])
                for r in _strings(store, "entity-sources", xs=xs)]
    sources: dict[str, dict] = {}
    cited: dict[str, list[str]] = {}
    for x, src, title, publisher, ref in src_rows:
        sources.setdefault(src, {"iri": src, "title": title, "publisher": publisher,
                                 "reference_data": ref in ("true", "1")})  # xsd:boolean's two spellings
        cited.setdefault(x, [])
        if src not in cited[x]:
            cited[x].append(src)

    for key in cited:
        cited[key].sort()

    def plabel(p: str) -> str:
        return plabels.get(p) or _short(p)

    # a relation a claim states (CSC succeeded by DXC, as reference data) cites the claim's
    # sources, not those of the entity it is about
    claimed: dict[tuple[str, str], list[str]] = {}
    for r in claims:
        if r.get("prop") is not None and r.get("val") is not None:
            claimed.setdefault((str(r["prop"]), str(r["val"])), []).extend(cited.get(str(r["c"]), []))
    attributes, relations = [], []
    for r in sorted(out_rows, key=lambda r: (plabel(str(r["p"])), str(r["o"]))):
        p, o = str(r["p"]), r["o"]
        if o.__class__.__name__ == "URIRef":
            relations.append({"direction": "out", "property": p, "relation": plabel(p),
                              "iri": str(o), "label": names.get(str(o), str(o)),
                              "sources": sorted(set(claimed.get((p, str(o)), []))) or cited.get(entity.iri, [])})
        else:
            attributes.append({"property": p, "name": plabel(p), "value": str(o),
                               "datatype": str(o.datatype) if getattr(o, "datatype", None) else None})
    for s, p in sorted(in_rows, key=lambda r: (r[1], names.get(r[0], ""))):
        local = p.rsplit("#", 1)[-1] if "#" in p else None
        relations.append({"direction": "in", "property": p,
                          "relation": INVERSE_LABELS.get(local) or f"{plabel(p)} of",
                          "iri": s, "label": names.get(s, s), "sources": cited.get(s, [])})

    seen, unique = set(), []
    for r in relations:
        key = (r["relation"], r["iri"])
        if key not in seen:
            seen.add(key)
            unique.append(r)
    relations = unique

    figs = []
    for r in sorted(figures, key=lambda r: (-float(r["amount"].toPython()), str(r["v"]))):
        currency = str(r["currency"]).rsplit("/", 1)[-1] if r.get("currency") is not None else None
        figs.append({"iri": str(r["v"]), "amount": float(r["amount"].toPython()),
                     "currency": currency, "kind": str(r["kind"]) if r.get("kind") is not None else None,
                     "qualifier": str(r["qualifier"]) if r.get("qualifier") is not None else None,
                     "applies_to": names.get(str(r["applies"])) if r.get("applies") is not None else None,
                     "sources": cited.get(str(r["v"]), [])})
    cls = [{"iri": str(r["c"]), "statement": str(r["statement"]), "sources": cited.get(str(r["c"]), [])}
           for r in sorted({str(r["c"]): r for r in claims}.values(), key=lambda r: str(r["c"]))]
    said = [{"iri": str(r["q"]), "text": str(r["text"]), "speaker": str(r["speaker"]),
             "role": str(r["role"]) if r.get("role") is not None else None, "sources": cited.get(str(r["q"]), [])}
            for r in sorted(quotes, key=lambda r: str(r["q"]))]
    evidence = sorted(str(r["o"]) for r in _q(store, _EVIDENCE, e=e))
    used = {s for lst in cited.values() for s in lst}
    return {
        "iri": entity.iri, "label": entity.label, "kinds": kinds, "alt_labels": alt,
        "attributes": attributes, "relations": relations, "figures": figs, "claims": cls,
        "quotes": said, "evidence": evidence,
        "own_sources": cited.get(entity.iri, []),
        "sources": [sources[s] for s in sorted(used, key=lambda s: (sources[s]["title"] or s))],
    }


def format_description(d: dict, rows: int | None = ROWS) -> str:
    """The text form of :func:`describe`, with numbered source references. Each relation,
    and the figures, claims and evidence, show at most ``rows`` items (None: all) and say
    how many more there are; the sources listed are then those the shown lines cite,
    under the numbers the full listing gives them.

    >>> d = {"label": "Acme", "iri": "http://example.org/acme", "kinds": [], "alt_labels": [],
    ...      "attributes": [], "figures": [], "claims": [], "evidence": [], "own_sources": [],
    ...      "relations": [{"relation": "supplies under", "label": f"c{i}", "sources": [f"s{i}"]} for i in (1, 2, 3)],
    ...      "sources": [{"iri": f"s{i}", "title": f"Notice {i}", "publisher": "P", "reference_data": False}
    ...                  for i in (1, 2, 3)]}
    >>> print(format_description(d, rows=2))
    Acme
      <http://example.org/acme>
    <BLANKLINE>
    supplies under:
      c1  [1]
      c2  [2]
      …and 1 more
    <BLANKLINE>
    sources (the 2 cited above, of 3):
      [1] Notice 1 — P
      [2] Notice 2 — P
    """
    order = {s["iri"]: n for n, s in enumerate(d["sources"], 1)}
    cited: set[str] = set()

    def refs(srcs: list[str]) -> str:
        cited.update(srcs)
        nums = sorted({order[s] for s in srcs if s in order})
        return ("  [" + ", ".join(map(str, nums)) + "]") if nums else ""

    def listed(items: list) -> list:
        return items[:rows] if rows else items

    def more(items: list) -> list[str]:
        return [f"  …and {len(items) - rows:,} more"] if rows and len(items) > rows else []

    lines = [d["label"], f"  <{d['iri']}>"]
    if d["kinds"]:
        lines.append("  a " + ", ".join(d["kinds"]))
    if d["alt_labels"]:
        lines.append("  also called: " + ", ".join(d["alt_labels"]))
    attrs = d["attributes"]
    if attrs:
        lines.append("")
        for a in attrs:
            value = say_duration(a["value"]) if a.get("datatype") == _DURATION else a["value"]
            lines.append(f"  {a['name']}: {value}")
    groups: dict[str, list[dict]] = {}
    for r in d["relations"]:
        groups.setdefault(r["relation"], []).append(r)
    for rel, items in groups.items():
        lines.append("")
        lines.append(f"{rel}:")
        for r in listed(items):
            lines.append(f"  {r['label']}{refs(r['sources'])}")
        lines += more(items)
    if d["figures"]:
        lines.append("")
        lines.append("figures:")
        for f in listed(d["figures"]):
            extra = "; ".join(x for x in (f["qualifier"], f["applies_to"] and f"for {f['applies_to']}") if x)
            lines.append(f"  {money(f['amount'], f['currency'] or 'GBP')} {f['kind'] or ''}"
                         + (f" ({extra})" if extra else "") + refs(f["sources"]))
        lines += more(d["figures"])
    if d["claims"]:
        lines.append("")
        lines.append("claims (in paraphrase):")
        for c in listed(d["claims"]):
            lines.append(f"  {c['statement']}{refs(c['sources'])}")
        lines += more(d["claims"])
    quotes = d.get("quotes", [])
    if quotes:
        lines.append("")
        lines.append("quotes (verbatim):")
        for q in listed(quotes):
            who = q["speaker"] + (f", {q['role']}" if q["role"] else "")
            lines.append(f"  \u201c{q['text']}\u201d \u2014 {who}{refs(q['sources'])}")
        lines += more(quotes)
    if d["evidence"]:
        lines.append("")
        lines.append("evidence:")
        for q in listed(d["evidence"]):
            lines.append(f"  \u201c{q}\u201d{refs(d['own_sources'])}")
        lines += more(d["evidence"])
    abridged = any(rows and len(x) > rows for x in [*groups.values(), d["figures"], d["claims"], quotes,
                                                     d["evidence"]])
    sources = [s for s in d["sources"] if s["iri"] in cited] if abridged else d["sources"]
    if sources:
        lines.append("")
        lines.append(f"sources (the {len(sources):,} cited above, of {len(d['sources']):,}):"
                     if len(sources) < len(d["sources"]) else "sources:")
        for s in sources:
            tag = " (reference data)" if s["reference_data"] else ""
            lines.append(f"  [{order[s['iri']]}] {s['title'] or s['iri']} \u2014 {s['publisher'] or 'publisher unknown'}{tag}")
    return "\n".join(lines)
