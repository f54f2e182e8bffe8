"""Supplier concentration per buyer and per buyer × tower: shares, the
Herfindahl–Hirschman Index (HHI) and single-supplier towers.

Shares are by known total contract value where every counted contract has one, else by
number of contracts; each result says which (``basis``). HHI is the sum of squared
percentage shares (0–10,000). The bands are heuristics borrowed from merger control, not
thresholds for public procurement: above 1,800 is "highly concentrated" in the US 2023
Merger Guidelines; below 1,000 the EU horizontal merger guidelines call a market unlikely
to raise concerns.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

__all__ = ["hhi", "band", "concentration"]


def hhi(shares) -> float:
    """Herfindahl–Hirschman Index of shares given as fractions.

    >>> hhi([0.5, 0.5])
    5000.0
    >>> hhi([1.0])
    10000.0
    >>> round(hhi([0.6, 0.2, 0.2]), 1)
    4400.0
    """
    return round(sum((100.0 * s) ** 2 for s in shares), 1)


def band(index: float) -> str:
    """The heuristic band an HHI falls in.

    >>> band(2500), band(1400), band(600)
    ('highly concentrated (US 2023 guidelines: above 1,800)', 'moderate (between 1,000 and 1,800)', 'unconcentrated (EU guidelines: below 1,000)')
    """
    if index > 1800:
        return "highly concentrated (US 2023 guidelines: above 1,800)"
    if index < 1000:
        return "unconcentrated (EU guidelines: below 1,000)"
    return "moderate (between 1,000 and 1,800)"


def _shares(weights: dict, labels: dict, basis: str, with_weight: bool = True, contracts: int = 2) -> dict:
    total = sum(weights.values())
    shares = {s: w / total for s, w in weights.items()} if total else {}
    if with_weight:
        rows = [{"iri": s, "label": labels[s], "weight": weights[s], "share": round(v, 6)} for s, v in shares.items()]
    else:
        rows = [{"iri": s, "label": labels[s], "share": round(v, 6)} for s, v in shares.items()]
    rows.sort(key=lambda r: (-r["share"], r["label"]))
    # one contract is not a market: its 10,000 would read as the most concentrated there is
    index = hhi(shares.values()) if contracts > 1 else None
    return {"basis": basis, "suppliers": rows, "hhi": index, "band": band(index) if contracts > 1 else "single contract",
            "top1_share": rows[0]["share"] if rows else 0.0, "supplier_count": len(rows)}


def _measure(items: list[tuple], labels: dict, with_weight: bool = True) -> dict:
    """items: (supplier, contract IRI, total or None); value basis only if every total is known."""
    by_value = bool(items) and all(total is not None for _, _, total in items)
    weights: dict[str, float] = defaultdict(float)
    seen = set()
    for s, iri, total in items:
        if (s, iri) in seen:
            continue
        seen.add((s, iri))
        weights[s] += total if by_value else 1.0
    return _shares(dict(weights), labels, "known total value (GBP)" if by_value else "number of contracts",
                   with_weight, contracts=len({iri for _, iri, _ in items}))


def concentration(g: nx.Graph, *, weights: bool = True) -> list[dict]:
    """Concentration for every buyer of a ``supply`` projection.

    A contract that covers several towers counts in each of them; in a tower its value
    is not split (a source never says how), so tower shares use value only where each of
    the tower's contracts covers that tower alone and has a known value.

    With ``weights=False`` a supplier's row leaves out its ``weight`` (the value or the
    number of contracts behind its share), for a caller that shows shares only.

    Returns
    -------
    list of dict
        One row per buyer: ``iri``, ``label``, the overall measure (``basis``,
        ``suppliers`` with shares, ``hhi``, ``band``, ``top1_share``), ``towers`` (the same
        per tower) and ``single_supplier_towers``.

    Examples
    --------
    North buys £3m from A and £1m from B: shares 0.75 / 0.25, HHI 6,250.

    >>> import networkx as nx
    >>> g = nx.Graph()
    >>> g.add_node("n", label="North", kind="buyer")
    >>> g.add_node("a", label="A", kind="supplier"); g.add_node("b", label="B", kind="supplier")
    >>> g.add_edge("n", "a", details=[{"iri": "c1", "towers": ["Hosting"], "total": 3e6}])
    >>> g.add_edge("n", "b", details=[{"iri": "c2", "towers": ["Network"], "total": 1e6}])
    >>> r = concentration(g)[0]
    >>> r["basis"], [s["share"] for s in r["suppliers"]], r["hhi"], r["single_supplier_towers"]
    ('known total value (GBP)', [0.75, 0.25], 6250.0, ['Hosting', 'Network'])

    One contract is not a market: no HHI, and the band says why.

    >>> (r["towers"][0]["hhi"], r["towers"][0]["band"])
    (None, 'single contract')
    """
    labels = {n: d.get("label", str(n)) for n, d in g.nodes(data=True)}
    out = []
    buyers = sorted((n for n, d in g.nodes(data=True) if d.get("kind") == "buyer"), key=lambda n: labels[n])
    suppliers = {n for n, d in g.nodes(data=True) if d.get("kind") == "supplier"}
    for b in buyers:
        held = [(s, d) for s, e in g[b].items() if s in suppliers for d in e.get("details", [])]
        if not held:
            continue
        row = {"iri": b, "label": labels[b],
               **_measure([(s, d["iri"], d.get("total")) for s, d in held], labels, weights)}
        by_tower: dict[str, list] = defaultdict(list)
        for s, d in held:
            towers = d.get("towers", [])
            total = d.get("total") if len(towers) == 1 else None  # a value over several towers is not split
            for t in towers:
                by_tower[t].append((s, d["iri"], total))
        row["towers"] = [{"tower": t, **_measure(by_tower[t], labels, weights)} for t in sorted(by_tower)]
        row["single_supplier_towers"] = [t["tower"] for t in row["towers"] if t["supplier_count"] == 1]
        out.append(row)
    return out
