"""Framework headroom: what may still be bought from a framework's panel, as its ceiling
says, beside (never inside) the money owed under contracts.

A framework's ceiling is shared by every supplier on its panel and promises none of them
anything, so :func:`framework_headroom` reports it per framework, with the size of the
panel, for the frameworks a supplier sits on; the analyses count it nowhere else.
"""

from __future__ import annotations

from ..model.namespaces import internal_query, sparql_prefixes

__all__ = ["framework_headroom", "largest"]

_QUERY = internal_query("headroom-ceilings")


def framework_headroom(store, frameworks: list[str]) -> dict[str, dict]:
    """Each framework IRI -> ``{"panel": members, "ceilings": [{"amount", "currency",
    "kind": "ceiling"}]}`` (no ceiling stated: an empty list)."""
    out = {f: {"panel": 0, "ceilings": []} for f in frameworks}
    if not frameworks:
        return out
    from .lookup import iri_ref
    from ..store.base import in_values
    rows = [r for values in in_values([iri_ref(f) for f in frameworks])
            for r in store.select_strings(sparql_prefixes() + _QUERY % values)]
    for f, amount, currency, panel in rows:
        entry = out[f]
        entry["panel"] = max(entry["panel"], int(panel))
        if amount is not None:
            entry["ceilings"].append({"amount": float(amount), "currency": currency or "GBP", "kind": "ceiling"})
    for entry in out.values():
        entry["ceilings"].sort(key=lambda m: (m["currency"], m["amount"]))
    return out


def largest(ceilings: list[dict]) -> dict | None:
    """The headroom a framework's stated ceilings give: several restate one shared
    maximum (one per award of a lot, and the maximum its techniques state), so the
    largest counts, never their sum; one in pounds where there is one.

    >>> largest([{"amount": 6e6, "currency": "GBP"}, {"amount": 5.5e6, "currency": "GBP"}])["amount"]
    6000000.0
    """
    pool = [m for m in ceilings if m["currency"] == "GBP"] or ceilings
    return max(pool, key=lambda m: m["amount"]) if pool else None
