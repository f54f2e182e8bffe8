"""The cliff edge: what ends when, and what each buyer is left without.

Built on :mod:`graph.timeline`. A contract whose end is known only to lie in a window is
placed in the year its window closes: by the end of that year it will have ended. The
year each one may end *earliest* is kept beside it, so a reader sees how wide the window is.

For each year: the contracts that end, their value by kind (never added across kinds),
the buyer–tower pairs left with no other contract running past that year, and flags where
one buyer loses several towers at once or one supplier's contracts with several buyers end
together. Concentration over time: the HHI of each buyer–tower market, year by year, from
the contracts that may be running in it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from .timeline import Dated

__all__ = ["cliff_edge", "market_hhi_by_year"]

_COUNTED = ("total", "award", "annual")


def _end_year(d: Dated) -> int | None:
    last = d.end.latest()
    return last.year if last else None


def _runs_past(d: Dated, year: int) -> bool | None:
    """Whether ``d`` runs past the end of ``year``: True, False, or None if its end is unknown."""
    last = d.end.latest()
    if last is None:
        return None
    return last > date(year, 12, 31)


def _suppliers(d: Dated, successor: dict[str, str]) -> list[str]:
    """A contract's suppliers, a predecessor left out where its successor is named too
    (CSC and DXC Technology on one contract, from two articles, are one supplier)."""
    return [s for s in d.suppliers if successor.get(s) not in d.suppliers]


def cliff_edge(items: list[Dated], *, as_of: date, label=lambda iri: iri, successor: dict | None = None,
               several: int = 2) -> dict:
    """The cliff edge of the contracts in ``items`` (frameworks and cancelled contracts left
    out), as plain data for the report. ``label`` names an IRI; ``successor`` maps a
    supplier to its corporate successor."""
    successor = successor or {}
    contracts = [d for d in items if not d.framework and d.reported != "cancelled"]
    dated = [d for d in contracts if _end_year(d) is not None]
    by_year: dict[int, list[Dated]] = defaultdict(list)
    for d in dated:
        by_year[_end_year(d)].append(d)
    holders: dict[tuple[str, str], list[Dated]] = defaultdict(list)  # (buyer, tower) -> contracts
    for d in contracts:
        for b in d.buyers:
            for t in d.towers:
                holders[(b, t)].append(d)

    periods = []
    for year in sorted(by_year):
        ending = sorted(by_year[year], key=lambda d: (d.end.latest(), d.label))
        values: dict[tuple[str, str], float] = defaultdict(float)
        for d in ending:
            v = d.value()
            if v and v[2] in _COUNTED:
                values[(v[2], v[1])] += v[0]
        left = []
        for d in ending:
            for b in d.buyers:
                for t in d.towers:
                    others = [o for o in holders[(b, t)] if o is not d and _runs_past(o, year) is not False]
                    if not others and (b, t) not in {(x["buyer"]["iri"], x["tower"]["iri"]) for x in left}:
                        left.append({"buyer": {"iri": b, "label": label(b)}, "tower": {"iri": t, "label": label(t)}})
        flags = []
        lost = defaultdict(list)
        for x in left:
            lost[x["buyer"]["iri"]].append(x["tower"]["label"])
        for b, towers in sorted(lost.items(), key=lambda kv: label(kv[0])):
            if len(towers) >= several:
                flags.append(f"{label(b)} loses {len(towers)} towers by the end of {year}: {', '.join(sorted(towers))}.")
        buyers_of = defaultdict(set)
        for d in ending:
            for s in _suppliers(d, successor):
                buyers_of[s].update(d.buyers)
        for s, buyers in sorted(buyers_of.items(), key=lambda kv: label(kv[0])):
            if len(buyers) >= several:
                flags.append(f"{label(s)}'s contracts with {len(buyers)} buyers end by the end of {year}: "
                             f"{', '.join(sorted(label(b) for b in buyers))}.")
        periods.append({
            "period": str(year),
            "contracts": [{"iri": d.iri, "label": d.label, "end": d.end.say(), "end_basis": d.end_basis,
                           "earliest_year": d.end.earliest().year if d.end.lo else None,
                           "status": d.status(as_of)} for d in ending],
            "value": [{"amount": a, "currency": cur, "kind": k} for (k, cur), a in sorted(values.items())],
            "left_without": left,
            "flags": flags,
        })
    return {"as_of": as_of.isoformat(), "basis": "latest possible end", "periods": periods,
            "unknown_end": [{"iri": d.iri, "label": d.label} for d in sorted(contracts, key=lambda d: d.label)
                            if _end_year(d) is None],
            "concentration": market_hhi_by_year(contracts, label=label, successor=successor)}


def market_hhi_by_year(contracts: list[Dated], *, label=lambda iri: iri, successor: dict | None = None) -> list[dict]:
    """The HHI of each buyer–tower market in each year that its dated contracts may run in.

    A contract may be running in a year from the year its start (or award) may be earliest
    to the year its end may be latest. Shares are by value where every running contract has
    one, else by number of contracts, one supplier's contracts together. One supplier in a
    market is not a market: "single supplier", not 10,000."""
    successor = successor or {}
    markets: dict[tuple[str, str], list[Dated]] = defaultdict(list)
    for d in contracts:
        if d.start.lo is None or d.end.hi is None:
            continue
        for b in d.buyers:
            for t in d.towers:
                markets[(b, t)].append(d)
    out = []
    for (b, t), ds in sorted(markets.items(), key=lambda kv: (label(kv[0][0]), label(kv[0][1]))):
        first = min(d.start.earliest().year for d in ds)
        last = max(d.end.latest().year for d in ds)
        years = []
        for y in range(first, last + 1):
            running = [d for d in ds if d.start.earliest().year <= y <= d.end.latest().year]
            shares: dict[str, float] = defaultdict(float)
            valued = all(d.value() and d.value()[2] in _COUNTED for d in running)
            for d in running:
                weight = d.value()[0] if valued else 1.0
                named = _suppliers(d, successor) or ["(supplier not known)"]
                for s in named:
                    shares[s] += weight / len(named)
            total = sum(shares.values())
            if not running:
                years.append({"year": y, "contracts": 0, "hhi": None, "note": "no contract"})
            elif len(shares) == 1:
                years.append({"year": y, "contracts": len(running), "hhi": None, "note": "single supplier"})
            else:
                hhi = sum((v / total * 100) ** 2 for v in shares.values())
                years.append({"year": y, "contracts": len(running), "hhi": round(hhi, 1),
                              "note": "by value" if valued else "by number of contracts"})
        out.append({"buyer": {"iri": b, "label": label(b)}, "tower": {"iri": t, "label": label(t)}, "years": years})
    return out
