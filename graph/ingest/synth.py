"""A synthetic procurement graph of N contracts, for scale tests and benchmarks.

Deterministic for a seed. It conforms to the ontology and the SHACL shapes and has what
the analytics look at: buyers of each kind, suppliers whose market share follows a Zipf
law, frameworks with call-offs, towers, money of each kind, dates, statuses, partnerships,
corporate lineage, and a source document behind every fact. About 15 triples a contract,
written as N-Triples (or Turtle, which N-Triples lines are) straight to the file.
"""

from __future__ import annotations

import itertools
import os
import random

from ..io import atomic_writer
from ..model.namespaces import PREFIXES

__all__ = ["synthesise"]

ID = PREFIXES[""] + "synth/"
SG = PREFIXES["sg"]
TOWER = PREFIXES["tower"]
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
EPO = PREFIXES["epo"]
XSD = PREFIXES["xsd"]
TOWERS = ["EndUserServices", "Hosting", "DataCentre", "Network", "ServiceIntegration", "ApplicationSupport",
          "ICTSupport", "Telecommunications"]
BODY_KINDS = [("LocalAuthority", "Council", 0.7), ("PoliceForce", "Police", 0.1), ("HealthBody", "NHS Trust", 0.1),
              ("TransportBody", "Transport Authority", 0.05), ("CentralGovernmentBody", "Department", 0.05)]
STATUSES = [("Live", 0.45), ("Awarded", 0.2), ("Ended", 0.2), ("Cancelled", 0.05), ("InProcurement", 0.07),
            ("Planned", 0.03)]


def _i(local: str) -> str:
    return f"<{ID}{local}>"


def _s(term: str) -> str:
    return f"<{SG}{term}>"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _typed(value, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def synthesise(contracts: int, out: str | os.PathLike, *, seed: int = 1) -> dict:
    """Write a synthetic graph of ``contracts`` contracts to ``out``; return its counts."""
    rng = random.Random(seed)
    n_buyers = max(10, contracts // 20)
    n_suppliers = max(20, contracts // 10)
    n_sources = max(5, contracts // 50)
    n_frameworks = max(2, contracts // 500)
    n_partnerships = max(2, contracts // 200)
    supplier_weights = [1.0 / (rank + 1) for rank in range(n_suppliers)]  # Zipf, s = 1
    # cumulative once: choices() with plain weights sums them on every call (what it does
    # with these is the same draw), which made a national graph take most of an hour
    supplier_cum = list(itertools.accumulate(supplier_weights))
    counts = {"contracts": contracts, "buyers": n_buyers, "suppliers": n_suppliers, "frameworks": n_frameworks,
              "partnerships": n_partnerships, "sources": n_sources, "triples": 0}
    with atomic_writer(out) as fh:
        def t(s, p, o):
            fh.write(f"{s} {p} {o} .\n")
            counts["triples"] += 1

        for k in range(n_sources):
            src = _i(f"source/{k}")
            t(src, RDF_TYPE, _s("SourceDocument"))
            t(src, "<http://purl.org/dc/terms/title>", _lit(f"Synthetic procurement notice {k}"))
            t(src, "<http://purl.org/dc/terms/publisher>", _lit(f"Synthetic Publisher {k % 7}"))

        def source() -> str:
            return _i(f"source/{rng.randrange(n_sources)}")

        kinds = [k for k, _, _ in BODY_KINDS]
        kind_w = [w for _, _, w in BODY_KINDS]
        names = {k: n for k, n, _ in BODY_KINDS}
        for b in range(n_buyers):
            kind = rng.choices(kinds, kind_w)[0]
            t(_i(f"buyer/{b}"), RDF_TYPE, _s(kind))
            t(_i(f"buyer/{b}"), LABEL, _lit(f"Synthetic {names[kind]} {b}"))
        for s in range(n_suppliers):
            t(_i(f"supplier/{s}"), RDF_TYPE, _s("Supplier"))
            t(_i(f"supplier/{s}"), LABEL, _lit(f"Synthetic Supplier {s} Ltd"))
        # corporate lineage: a few takeovers, each of a smaller supplier by one of the 20 largest,
        # and no company taken over twice. Drawn with replacement, the 19 companies a million
        # contracts drew twice each joined two acquirers' groups, chaining 15 of the 20 largest
        # into one corporate group of 1,487 companies
        acquired = rng.sample(range(20, n_suppliers), n_suppliers // 50) if n_suppliers > 20 else []
        for s, old in enumerate(acquired):
            new = rng.randrange(20)
            t(_i(f"supplier/{old}"), _s("succeededBy"), _i(f"supplier/{new}"))
            ev = _i(f"event/{s}")
            t(ev, RDF_TYPE, _s("CorporateEvent"))
            t(ev, LABEL, _lit(f"Synthetic takeover {s}"))
            t(ev, _s("predecessor"), _i(f"supplier/{old}"))
            t(ev, _s("successor"), _i(f"supplier/{new}"))
            t(ev, DERIVED, source())
        for p in range(n_partnerships):
            node = _i(f"partnership/{p}")
            t(node, RDF_TYPE, _s(rng.choice(["JointProcurement", "SharedServicePartnership"])))
            t(node, LABEL, _lit(f"Synthetic partnership {p}"))
            for b in rng.sample(range(n_buyers), 2 + rng.randrange(3)):
                t(node, "<http://www.w3.org/ns/org#hasMember>", _i(f"buyer/{b}"))
            t(node, DERIVED, source())
        framework_suppliers = []
        for f in range(n_frameworks):
            node = _i(f"framework/{f}")
            t(node, RDF_TYPE, _s("Framework"))
            t(node, LABEL, _lit(f"Synthetic framework {f}"))
            members = rng.choices(range(n_suppliers), cum_weights=supplier_cum, k=3 + rng.randrange(5))
            framework_suppliers.append(sorted(set(members)))
            for s in framework_suppliers[-1]:
                t(node, _s("supplier"), _i(f"supplier/{s}"))
            t(node, _s("tower"), f"<{TOWER}{rng.choice(TOWERS)}>")
            t(node, DERIVED, source())
            _money(t, f"framework/{f}", rng.randrange(50, 2000) * 1_000_000, "FrameworkCeiling", source())

        statuses = [s for s, _ in STATUSES]
        status_w = [w for _, w in STATUSES]
        for c in range(contracts):
            node = _i(f"contract/{c}")
            status = rng.choices(statuses, status_w)[0]
            call_off = rng.random() < 0.3
            t(node, RDF_TYPE, _s("CallOff" if call_off else "Contract"))
            t(node, LABEL, _lit(f"Synthetic contract {c}"))
            t(node, _s("buyer"), _i(f"buyer/{rng.randrange(n_buyers)}"))
            if call_off:
                f = rng.randrange(n_frameworks)
                t(node, _s("viaFramework"), _i(f"framework/{f}"))
                supplier = rng.choice(framework_suppliers[f])
            else:
                supplier = rng.choices(range(n_suppliers), cum_weights=supplier_cum)[0]
            if status not in ("InProcurement", "Planned"):
                t(node, _s("supplier"), _i(f"supplier/{supplier}"))
            t(node, _s("status"), _s(status))
            t(node, _s("tower"), f"<{TOWER}{rng.choice(TOWERS)}>")
            start = 2012 + rng.randrange(12)
            years = rng.choice([2, 3, 5, 7, 10])
            t(node, _s("startDate"), _typed(f"{start}-{1 + rng.randrange(12):02d}-01", "date"))
            t(node, _s("duration"), _typed(f"P{years}Y", "duration"))
            t(node, DERIVED, source())
            if rng.random() < 0.8:
                _money(t, f"contract/{c}", rng.randrange(1, 5000) * 10_000, "TotalContractValue", source())
            elif rng.random() < 0.5:
                _money(t, f"contract/{c}", rng.randrange(1, 500) * 10_000, "AnnualValue", source())
    return counts


def _money(t, owner: str, amount: int, kind: str, src: str) -> None:
    node = _i(f"{owner}/value")
    t(_i(owner), _s("value"), node)
    t(node, RDF_TYPE, f"<{EPO}MonetaryValue>")
    t(node, LABEL, _lit(f"£{amount:,}"))
    t(node, f"<{EPO}hasAmountValue>", _typed(amount, "decimal"))
    t(node, f"<{EPO}hasCurrency>", f"<{PREFIXES['cur']}GBP>")
    t(node, _s("valueKind"), _s(kind))
    t(node, DERIVED, src)
