"""The sources, and what one source says (``supplier-graph sources [NAME]``).

Every fact in the graph cites the documents it was derived from. Read the other way round,
a source's page lists every entity, figure, claim and quote it supports; where the source's
text is bundled, each entity's evidence is narrowed to the quotes found in it, so that a
contract that two articles describe shows, under each, the words of that one.
"""

from __future__ import annotations

import re

from ..errors import InputError
from .lookup import Entity, iri_ref
from ..model.namespaces import internal_query, sparql_prefixes
from ..model.rdffiles import bundled_path
from ..store.base import Store
from ..tables import money

__all__ = ["list_sources", "source_facts", "format_source"]

_ONE = internal_query("sources-one")

_FIGURES = internal_query("sources-figures")

_CLAIMS = internal_query("sources-claims")

_QUOTES = internal_query("sources-quotes")

_FILE = internal_query("sources-file")


def list_sources(store: Store) -> list[dict]:
    """Every source: its title, publisher, date of publication, address, whether it is
    reference data, and how many entities cite it (the listing ``stats`` gives)."""
    from .stats import source_listing
    return source_listing(store)


def _norm(text: str) -> str:
    text = text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'}))
    return re.sub(r"\s+", " ", text)


def _text(store: Store, src: str) -> str | None:
    """The source's bundled text, normalised for finding quotes in it, or None."""
    rows = store.select(sparql_prefixes() + _FILE % {"s": iri_ref(src)}).rows
    for r in rows:
        try:
            path = bundled_path("data", *str(r["file"]).split("/"))
        except InputError:
            continue
        return _norm(path.read_text(encoding="utf-8"))
    return None


def source_facts(store: Store, source: Entity) -> dict:
    """What ``source`` says, as plain data: ``entities`` (each with its kinds and the
    evidence quoted from this source), ``figures``, ``claims`` (paraphrases) and ``quotes``
    (verbatim). Raises InputError if ``source`` is not a source document."""
    listed = {s["iri"]: s for s in list_sources(store)}
    if source.iri not in listed:
        raise InputError(f"{source.label!r} is not a source document; `supplier-graph sources` lists them")
    s = {"s": iri_ref(source.iri)}
    pre = sparql_prefixes()
    text = _text(store, source.iri)
    said = (lambda q: _norm(q) in text) if text is not None else (lambda q: True)
    entities: dict[str, dict] = {}
    for r in store.select(pre + _ONE % s).rows:
        e = entities.setdefault(str(r["x"]), {"iri": str(r["x"]), "label": str(r["label"] or r["x"]),
                                              "kinds": set(), "how": str(r["how"]), "evidence": set()})
        if r.get("kind") is not None:
            e["kinds"].add(str(r["kind"]))
        if r.get("evidence") is not None and said(str(r["evidence"])):
            e["evidence"].add(str(r["evidence"]))
    figures = {}
    for r in store.select(pre + _FIGURES % s).rows:
        f = figures.setdefault(str(r["v"]), {
            "iri": str(r["v"]), "amount": float(r["amount"].toPython()),
            "currency": str(r["cur"]).rsplit("/", 1)[-1] if r.get("cur") is not None else None,
            "kind": str(r["kind"]) if r.get("kind") is not None else None,
            "of": str(r["holderLabel"]) if r.get("holderLabel") is not None else None, "evidence": set()})
        if r.get("evidence") is not None and said(str(r["evidence"])):
            f["evidence"].add(str(r["evidence"]))
    claims: dict[str, dict] = {}
    for r in store.select(pre + _CLAIMS % s).rows:
        c = claims.setdefault(str(r["c"]), {"iri": str(r["c"]), "statement": str(r["statement"]), "about": [],
                                            "reference_data": str(r["ref"]).lower() == "true"})
        if r.get("aboutLabel") is not None and str(r["aboutLabel"]) not in c["about"]:
            c["about"] = sorted(c["about"] + [str(r["aboutLabel"])])
    quotes = sorted(({"iri": str(r["q"]), "text": str(r["text"]), "speaker": str(r["speaker"]),
                      "role": str(r["role"]) if r.get("role") is not None else None}
                     for r in store.select(pre + _QUOTES % s).rows), key=lambda q: q["iri"])
    tidy = lambda xs: sorted(xs)  # noqa: E731
    return {
        **listed[source.iri],
        "entities": sorted(({**e, "kinds": tidy(e["kinds"]), "evidence": tidy(e["evidence"])}
                            for e in entities.values()), key=lambda e: (e["how"], e["label"].lower())),
        "figures": sorted(({**f, "evidence": tidy(f["evidence"])} for f in figures.values()),
                          key=lambda f: -f["amount"]),
        "claims": sorted(claims.values(), key=lambda c: (c["about"], c["statement"])),
        "quotes": quotes,
    }


def format_source(d: dict) -> str:
    """The text form of :func:`source_facts`."""
    head = " \u2014 ".join(x for x in (d["title"], d["publisher"]) if x)
    L = [head, f"  <{d['iri']}>"]
    meta = [f"published {d['issued']}" if d["issued"] else "date of publication not known"]
    if d["page"]:
        meta.append(d["page"])
    if d["reference_data"]:
        meta.append("reference data")
    L.append("  " + "; ".join(meta))
    derived = [e for e in d["entities"] if e["how"] == "derived"]
    if derived:
        L += ["", f"facts it supports ({len(derived)}):"]
        for e in derived:
            L.append(f"  {e['label']}" + (f"  ({', '.join(e['kinds'])})" if e["kinds"] else ""))
            L += [f"    \u201c{q}\u201d" for q in e["evidence"]]
    if d["figures"]:
        L += ["", "figures:"]
        for f in d["figures"]:
            L.append(f"  {money(f['amount'], f['currency'] or 'GBP')} {f['kind'] or ''}".rstrip()
                     + (f" \u2014 {f['of']}" if f["of"] else "")
                     + "".join(f"  \u201c{q}\u201d" for q in f["evidence"]))
    if d["claims"]:
        L += ["", "claims (in paraphrase):"]
        L += [f"  {c['statement']}" + (f"  (about {'; '.join(c['about'])})" if c["about"] else "") for c in d["claims"]]
    if d["quotes"]:
        L += ["", "quotes (verbatim):"]
        L += [f"  \u201c{q['text']}\u201d \u2014 {q['speaker']}" + (f", {q['role']}" if q["role"] else "")
              for q in d["quotes"]]
    mentioned = [e["label"] for e in d["entities"] if e["how"] == "mentioned"]
    if mentioned:
        L += ["", f"names ({len(mentioned)}): " + ", ".join(mentioned)]
    return "\n".join(L) + "\n"
