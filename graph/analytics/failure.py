"""What fails if a supplier exits, from a store: :func:`graph.analytics.impact.failure_impact`
on the supply projection, with each framework's headroom and, for each buyer, until when
it depends on the supplier (``supplier-graph impact``)."""

from __future__ import annotations

from datetime import date

from .impact import failure_impact
from ..sparql.headroom import framework_headroom, largest
from ..store.base import Store
from ..tables import money
from ..timeline.dated import read_dates, until

__all__ = ["supplier_failure", "summary_line"]


def supplier_failure(store: Store, g, snap, supplier: str, *, group: bool, as_of: date) -> dict:
    """The impact of ``supplier`` (an IRI) failing, on the supply projection ``g`` built from
    ``snap``, as plain data: :func:`failure_impact`'s, each framework with its ceilings
    (headroom, never value at risk), each buyer with ``until``, and ``as_of``."""
    result = failure_impact(g, supplier, group=group)
    headroom = framework_headroom(store, [f["iri"] for f in result["frameworks"]])
    for f in result["frameworks"]:
        f.update(headroom[f["iri"]])
    result["as_of"] = as_of.isoformat()
    wanted = {c["iri"] for b in result["buyers"] for c in b["contracts"]}
    dated = {d.iri: d for d in read_dates(store, snap, only=wanted)}
    for b in result["buyers"]:
        b["until"] = until([dated[c["iri"]] for c in b["contracts"] if c["iri"] in dated], as_of)
    if result["frameworks"]:
        n = len(result["suppliers"])
        stated = [top["amount"] for f in result["frameworks"]
                  if (top := largest(f["ceilings"])) and top["currency"] == "GBP"]
        result["notes"].append(
            f"{_names(result)} sit{'s' if n == 1 else ''} on {len(result['frameworks'])} framework panel"
            f"{'s' if len(result['frameworks']) != 1 else ''}"
            + (f" with {money(sum(stated))} of framework headroom in their stated ceilings" if stated else "")
            + ": a ceiling is shared by the whole panel and owed to no supplier, so it is not value at risk.")
    return result


def _names(result: dict) -> str:
    return ", ".join(s["label"] for s in result["suppliers"])


def summary_line(result: dict) -> str:
    """The answer in one line: "if BT exits: 5 buyers affected; value at risk: £9m total"."""
    n = len(result["suppliers"])
    at_risk = ", ".join(f"{money(v)} {k}" for k, v in sorted(result["value_at_risk"].items()))
    buyers = len(result["buyers"])
    return (f"if {_names(result)} exit{'s' if n == 1 else ''}: {buyers} buyer{'s' if buyers != 1 else ''} affected; "
            f"value at risk: " + (at_risk or ("unknown" if buyers else "none (no counted contract names it)")))
