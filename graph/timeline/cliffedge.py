"""The cliff edge: what ends when, and what each buyer is left without.

Built on :mod:`graph.timeline.dated`. A contract whose end is known only to lie in a window is
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

from .dated import Dated

__all__ = ["cliff_edge", "market_hhi_by_year"]

_COUNTED = ("total", "award", "annual")


def _end_year(d: Dated) -> int | None:
    last = d.end.latest()
    return last.year if last else None


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
    # per buyer-tower market: the latest day any of its contracts may end, and whether one
    # has no known end (so may run on): a contract ending in a year leaves its buyer without
    # the tower if no other runs past that year
    last_day: dict[tuple[str, str], date] = {}
    open_ended: set[tuple[str, str]] = set()
    for d in contracts:
        latest = d.end.latest()
        for b in d.buyers:
            for t in d.towers:
                if latest is None:
                    open_ended.add((b, t))
                elif latest > last_day.get((b, t), date.min):
                    last_day[(b, t)] = latest

    periods = []
    for year in sorted(by_year):
        ending = sorted(by_year[year], key=lambda d: (d.end.latest(), d.label))
        values: dict[tuple[str, str], float] = defaultdict(float)
        for d in ending:
            v = d.value()
            if v and v[2] in _COUNTED:
                values[(v[2], v[1])] += v[0]
        left, seen = [], set()
        year_end = date(year, 12, 31)
        for d in ending:
            for b in d.buyers:
                for t in d.towers:
                    market = (b, t)
                    if market in seen or market in open_ended or last_day[market] > year_end:
                        continue
                    seen.add(market)
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
            "contracts": [{"iri": d.iri, "label": d.label, "end": d.end.say(), "end_basis": d.end_basis}
                          for d in ending],
            "value": [{"amount": a, "currency": cur, "kind": k} for (k, cur), a in sorted(values.items())],
            "left_without": left,
            "flags": flags,
        })
    return {"as_of": as_of.isoformat(), "basis": "latest possible end", "periods": periods,
            "unknown_end": [{"iri": d.iri, "label": d.label} for d in sorted(contracts, key=lambda d: d.label)
                            if _end_year(d) is None],
            "concentration": market_hhi_by_year(contracts, label=label, successor=successor)}


def market_hhi_by_year(contracts: list[Dated], *, label=lambda iri: iri, successor: dict | None = None) -> dict:
    """The HHI of each buyer–tower market in each year its dated contracts may run in.

    A contract may be running in a year from the year its start (or award) may be earliest
    to the year its end may be latest. Shares are by value where every running contract has
    one, else by number of contracts, one supplier's contracts together. One supplier in a
    market is not a market: "single supplier", not 10,000. Years that read the same run
    together (``{"from", "to", "hhi", "note"}``); only the markets with more than one
    supplier in some year are listed, the others counted."""
    successor = successor or {}
    markets: dict[tuple[str, str], list[Dated]] = defaultdict(list)
    for d in contracts:
        if d.start.lo is None or d.end.hi is None:
            continue
        for b in d.buyers:
            for t in d.towers:
                markets[(b, t)].append(d)
    listed = []
    for (b, t), ds in markets.items():
        spans = [(d.start.earliest().year, d.end.latest().year, _weight(d), _suppliers(d, successor)) for d in ds]
        if len({s for *_, named in spans for s in named} or {None}) < 2:
            continue  # one supplier throughout (or none known): no year can have two
        runs: list[dict] = []
        for y in range(min(x[0] for x in spans), max(x[1] for x in spans) + 1):
            running = [x for x in spans if x[0] <= y <= x[1]]
            hhi, note = _hhi(running)
            if runs and runs[-1]["hhi"] == hhi and runs[-1]["note"] == note and runs[-1]["to"] == y - 1:
                runs[-1]["to"] = y
            else:
                runs.append({"from": y, "to": y, "hhi": hhi, "note": note})
        listed.append({"buyer": {"iri": b, "label": label(b)}, "tower": {"iri": t, "label": label(t)}, "years": runs})
    listed.sort(key=lambda m: (m["buyer"]["label"], m["tower"]["label"]))
    return {"markets": len(markets), "single_supplier_throughout": len(markets) - len(listed), "several": listed}


def _weight(d: Dated) -> float | None:
    v = d.value()
    return v[0] if v and v[2] in _COUNTED else None


def _hhi(running: list[tuple]) -> tuple[float | None, str]:
    """HHI and how it was counted, of the (start year, end year, value, suppliers) running."""
    if not running:
        return None, "no contract"
    valued = all(w is not None for _, _, w, _ in running)
    shares: dict[str, float] = defaultdict(float)
    for _, _, w, named in running:
        named = named or ["(supplier not known)"]
        for s in named:
            shares[s] += (w if valued else 1.0) / len(named)
    if len(shares) == 1:
        return None, "single supplier"
    total = sum(shares.values())
    if not total:
        return None, "no known value"
    return round(sum((v / total * 100) ** 2 for v in shares.values()), 1), "by value" if valued else "by number of contracts"
