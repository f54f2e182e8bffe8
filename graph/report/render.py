"""The report for people: abridged listings, Markdown with footnotes, and self-contained
HTML (autoescaped, charts as inline SVG, no network requests)."""

from __future__ import annotations

from ..dates import say_duration
from ..tables import ROWS, money

__all__ = ["abridge", "render_markdown", "render_html"]


def abridge(report: dict, rows: int | None = ROWS) -> dict:
    """The report as Markdown and HTML show it: each listing cut to ``rows`` items (None or
    0: nothing is cut), a count of what each leaves out beside it.

    On a national graph the full listings are no reading matter: a hundred thousand
    contracts make a page of tens of megabytes that a browser takes half a minute to open. So the
    renderings show the buyers with the most counted contracts (in alphabetical order,
    as in the full report), the most central suppliers, and the first items of every
    other listing, and say how many more there are. The summary and the charts are of
    everything; the JSON report lists everything. Only the sources cited by what is
    shown are listed, under the numbers the JSON report gives them.

    The copy shares what it does not cut with ``report``. Counts left out: ``omitted``
    (buyers, suppliers, frameworks, each data gap, sources); ``more_contracts`` on a
    buyer; ``more`` on a status group; ``more_towers_lost`` on a supplier's impact;
    ``more`` (suppliers, open_to, call_offs) on a framework. Where nothing is cut, the
    report is returned as it is.

    >>> r = {"buyers": [{"label": "A", "contracts": [{"sources": [1], "figures": []}] * 3}], "suppliers": [],
    ...      "contracts_by_status": [], "frameworks": [], "sources": [{"n": 1}, {"n": 2}],
    ...      "data_gaps": {"no_value": [], "no_date": [], "no_tower": [], "disagreements": []}}
    >>> short = abridge(r, 2)
    >>> len(short["buyers"][0]["contracts"]), short["buyers"][0]["more_contracts"], short["omitted"]["sources"]
    (2, 1, 1)
    >>> abridge(r, 3) is r, abridge(r, None) is r
    (True, True)
    """
    if not rows:
        return report
    left_out = 0  # items left out of every listing

    def cut(items: list) -> tuple[list, int]:
        nonlocal left_out
        more = max(len(items) - rows, 0)
        left_out += more
        return items[:rows], more

    out = dict(report)
    omitted: dict[str, int] = {}
    buyers = report["buyers"]
    if len(buyers) > rows:  # the largest buyers, kept in the report's order
        largest = sorted(range(len(buyers)), key=lambda i: (-len(buyers[i]["contracts"]), i))[:rows]
        buyers = [buyers[i] for i in sorted(largest)]
    omitted["buyers"] = len(report["buyers"]) - len(buyers)
    left_out += omitted["buyers"]
    out["buyers"] = []
    for b in buyers:
        contracts, more = cut(b["contracts"])
        out["buyers"].append({**b, "contracts": contracts, "more_contracts": more})
    suppliers, omitted["suppliers"] = cut(report["suppliers"])  # already ranked: the most central
    out["suppliers"] = []
    for s in suppliers:
        lost, more = cut(s["impact"]["towers_lost"])
        out["suppliers"].append({**s, "impact": {**s["impact"], "towers_lost": lost, "more_towers_lost": more}})
    out["contracts_by_status"] = []
    for g in report["contracts_by_status"]:
        contracts, more = cut(g["contracts"])
        out["contracts_by_status"].append({**g, "contracts": contracts, "more": more})
    frameworks, omitted["frameworks"] = cut(report["frameworks"])
    out["frameworks"] = []
    for f in frameworks:
        kept, more = {}, {}
        for key in ("suppliers", "open_to", "call_offs"):
            kept[key], more[key] = cut(f[key])
        out["frameworks"].append({**f, **kept, "more": more})
    gaps = {}
    for key in ("no_value", "no_date", "no_tower", "disagreements"):
        gaps[key], omitted[key] = cut(report["data_gaps"][key])
    out["data_gaps"] = gaps
    if not left_out:
        return report
    cited = {n for b in out["buyers"] for c in b["contracts"]
             for n in [*c["sources"], *(m for f in c["figures"] for m in f["sources"])]}
    cited.update(n for f in out["frameworks"] for n in f["sources"])
    cited.update(n for d in gaps["disagreements"] for c in d["claims"] for n in c["sources"])
    out["sources"] = [s for s in report["sources"] if s["n"] in cited]
    omitted["sources"] = len(report["sources"]) - len(out["sources"])
    out["omitted"] = omitted
    out["rows"] = rows
    return out


def _fmt_money(m: dict) -> str:
    return f"{money(m['amount'], m['currency'])} {m['kind']}"


def _refs(nums) -> str:
    return "".join(f"[^{n}]" for n in nums)


def _more(count: int) -> str:
    """What an abridged listing leaves out, to follow its last item.

    >>> _more(0), _more(1234)
    ('', ' …and 1,234 more')
    """
    return f" …and {count:,} more" if count else ""


def _notes(report: dict) -> dict[str, str]:
    """The sentences an abridged report (:func:`abridge`) opens its sections with."""
    omitted = report.get("omitted")
    if not omitted:
        return {}
    rows = report["rows"]
    notes = {"report": f"Abridged: each listing shows at most {rows:,} item{'s' if rows != 1 else ''}, and says "
                       f"how many more there are; the JSON report (--format json) lists everything."}
    for key, said in (("buyers", "The {} buyers with the most counted contracts"),
                      ("suppliers", "The {} most central suppliers"),
                      ("frameworks", "The first {} frameworks in alphabetical order"),
                      ("sources", "The {} sources cited above")):
        if omitted[key]:
            shown = len(report[key])
            notes[key] = said.format(f"{shown:,}") + f", of {shown + omitted[key]:,}."
    more = omitted["disagreements"]
    if more:
        notes["disagreements"] = f"…and {more:,} more fact{'s' if more != 1 else ''} described differently by different sources."
    return notes


#: The report's sections, in order: (anchor, title), for the table of contents.
SECTIONS = [("summary", "Summary"), ("buyers", "Buyers"), ("matrix", "Who holds each tower"),
            ("suppliers", "Suppliers"), ("shared", "Shared suppliers"), ("status", "Contracts by status"),
            ("cliff-edge", "Until when: the cliff edge"), ("frameworks", "Framework routes"),
            ("gaps", "Data gaps and caveats"), ("sources", "Sources")]


def _slug(title: str) -> str:
    """The anchor Markdown renderers (GitHub's, and most others) give a heading.

    >>> _slug("Until when: the cliff edge"), _slug("Who holds each tower")
    ('until-when-the-cliff-edge', 'who-holds-each-tower')
    """
    import re
    return re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")


def tower_matrix(buyers: list[dict]) -> dict:
    """Buyer × tower: who holds each tower for each buyer listed, from the buyers'
    concentration rows; a cell with one supplier is that buyer's single point of failure.

    >>> b = [{"label": "North", "concentration": {"towers": [
    ...     {"tower": "Hosting", "suppliers": [{"label": "Acme"}]},
    ...     {"tower": "Network", "suppliers": [{"label": "Acme"}, {"label": "Zeta"}]}]}}]
    >>> m = tower_matrix(b)
    >>> m["towers"], m["rows"][0]["cells"]
    (['Hosting', 'Network'], [{'suppliers': ['Acme'], 'single': True}, {'suppliers': ['Acme', 'Zeta'], 'single': False}])
    """
    towers = sorted({t["tower"] for b in buyers for t in (b["concentration"] or {}).get("towers", [])})
    rows = []
    for b in buyers:
        held = {t["tower"]: [s["label"] for s in t["suppliers"]] for t in (b["concentration"] or {}).get("towers", [])}
        rows.append({"buyer": b["label"], "cells": [{"suppliers": held.get(t, []), "single": len(held.get(t, [])) == 1}
                                                    for t in towers]})
    return {"towers": towers, "rows": rows}


def when(c: dict, as_of: str) -> str:
    """A contract's end and its status as of the report's date, for people."""
    if not c.get("end"):
        end = f"lasts {say_duration(c['duration'])}, end unknown" if c.get("duration") else "end unknown"
    else:
        end = f"ends {c['end']['text']}, {c['end_basis']}"
    return f"{end} \u2014 {c.get('status_as_of') or 'unknown'} as of {as_of}"


def _runs(runs: list[dict]) -> str:
    """A market's HHI over the years, for people: "2015–2019: single supplier; 2020: HHI 5,000
    (by value)".

    >>> _runs([{"from": 2015, "to": 2016, "hhi": None, "note": "single supplier"},
    ...        {"from": 2017, "to": 2017, "hhi": 5000.0, "note": "by value"}])
    '2015–2016: single supplier; 2017: HHI 5,000 (by value)'
    """
    return "; ".join((f"{r['from']}" if r["from"] == r["to"] else f"{r['from']}\u2013{r['to']}") + ": "
                     + (f"HHI {r['hhi']:,.0f} ({r['note']})" if r["hhi"] is not None else r["note"]) for r in runs)


def cliff_lines(cliff: dict, rows: int | None = ROWS) -> list[str]:
    """The cliff-edge section as Markdown lines (plain text: the caller escapes)."""
    L = [f"What ends in each year, placed by the latest date each contract's end may fall on, with its "
         f"window (statuses as of {cliff['as_of']}).", ""]
    if not cliff["periods"]:
        L.append("No counted contract has a known end.")
    for p in cliff["periods"]:
        shown = p["contracts"][:rows] if rows else p["contracts"]
        value = ", ".join(f"{money(v['amount'], v['currency'])} {v['kind']}" for v in p["value"]) or "value unknown"
        L.append(f"- **{p['period']}**: {len(p['contracts'])} contract(s), {value}: " + "; ".join(
            f"{c['label']} ({c['end']}, {c['end_basis']})" for c in shown) + _more(len(p["contracts"]) - len(shown)))
        if p["left_without"]:
            left = p["left_without"][:rows] if rows else p["left_without"]
            L.append("  - left without a contract for the tower: " + "; ".join(
                f"{x['buyer']['label']} · {x['tower']['label']}" for x in left)
                + _more(len(p["left_without"]) - len(left)))
        L += [f"  - \u26a0 {f}" for f in p["flags"]]
    if cliff["unknown_end"]:
        L += ["", f"{len(cliff['unknown_end'])} contract(s) have no known end and are not placed: "
                  + "; ".join(c["label"] for c in (cliff["unknown_end"][:rows] if rows else cliff["unknown_end"]))
                  + _more(len(cliff["unknown_end"]) - (min(rows, len(cliff["unknown_end"])) if rows else
                                                       len(cliff["unknown_end"]))) + "."]
    conc = cliff["concentration"]
    L += ["", "Concentration over time (HHI of each buyer–tower market, from the contracts that may be running "
              "each year):", ""]
    if not conc["markets"]:
        L.append("- no buyer–tower market has a contract with both a start and an end known.")
    elif conc["single_supplier_throughout"]:
        L.append(f"- {conc['single_supplier_throughout']:,} of the {conc['markets']:,} dated buyer–tower markets "
                 f"have a single supplier in every year they have a contract.")
    shown = conc["several"][:rows] if rows else conc["several"]
    L += [f"- {m['buyer']['label']} · {m['tower']['label']}: {_runs(m['years'])}" for m in shown]
    if len(shown) < len(conc["several"]):
        L.append(f"- …and {len(conc['several']) - len(shown):,} more markets.")
    return L


def render_markdown(report: dict, rows: int | None = ROWS) -> str:
    """The report as Markdown, every figure footnoted to its sources; each listing shows at
    most ``rows`` items (see :func:`abridge`; None: everything)."""
    esc = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    report = abridge(report, rows)
    notes = _notes(report)
    lead = lambda key: [notes[key], ""] if key in notes else []  # noqa: E731
    L = [f"# {report['title']}", "", f"Statuses as of {report['as_of']}.", "", *lead("report"), "## Contents", ""]
    L += [f"{i}. [{title}](#{_slug(title)})" for i, (_, title) in enumerate(SECTIONS, 1)]
    L += ["", "## Summary", ""]
    L += [f"- {s}" for s in report["summary"]]
    L += ["", "## Buyers", "", *lead("buyers")]
    for b in report["buyers"]:
        L += [f"### {esc(b['label'])}", "", "| contract | supplier(s) | towers | status | figures |",
              "|---|---|---|---|---|"]
        for c in b["contracts"]:
            figs = "; ".join(_fmt_money(f) + _refs(f["sources"]) for f in c["figures"]) or "unknown"
            L.append(f"| {esc(c['label'])}{_refs(c['sources'])} | {esc(', '.join(s['label'] for s in c['suppliers']))} "
                     f"| {esc(', '.join(c['towers']) or '—')} | {c['status'] or 'unknown'} | {esc(figs)} |")
        if b.get("more_contracts"):
            L += ["", f"…and {b['more_contracts']:,} more contracts."]
        cc = b["concentration"]
        if cc:
            L += ["", "Concentration: a single contract, not a market." if cc["hhi"] is None else
                  f"Concentration ({cc['basis']}): HHI {cc['hhi']:,.0f}, {cc['band']}; largest share "
                  f"{cc['top1_share']:.0%}."]
        if b["single_points_of_failure"]:
            L += ["", "Single points of failure: " + "; ".join(
                f"{esc(p['tower'])} ({esc(p['supplier']['label'])})" for p in b["single_points_of_failure"]) + "."]
        L.append("")
    matrix = tower_matrix(report["buyers"])
    L += ["## Who holds each tower", "", "Each buyer listed above, each tower: its suppliers; \u25cf marks a tower "
          "that rests on a single supplier.", ""]
    if matrix["towers"]:
        L += ["| buyer | " + " | ".join(esc(t) for t in matrix["towers"]) + " |",
              "|---|" + "---|" * len(matrix["towers"])]
        L += [f"| {esc(r['buyer'])} | " + " | ".join(
            (esc(", ".join(c["suppliers"])) + (" \u25cf" if c["single"] else "")) or "—" for c in r["cells"]) + " |"
            for r in matrix["rows"]]
    else:
        L.append("No counted contract names a tower.")
    L += ["", "## Suppliers", "", *lead("suppliers"),
          "| rank (PageRank) | supplier | buyers | contracts | towers | known value | if it failed |", "|---|---|---|---|---|---|---|"]
    for s in report["suppliers"]:
        imp = s["impact"]
        lost = "; ".join(f"{t['buyer']['label']}: {', '.join(t['towers'])}" for t in imp["towers_lost"]) or "no tower left uncovered"
        lost += _more(imp.get("more_towers_lost", 0))
        risk = ", ".join(_fmt_money(m) for m in imp["value_at_risk"]) or "value unknown"
        L.append(f"| {s['centrality']['rank']} | {esc(s['label'])} | {len(s['buyers'])} | {s['contracts']} | "
                 f"{esc(', '.join(s['towers']) or '—')} | {esc(', '.join(_fmt_money(m) for m in s['known_value']) or 'unknown')} "
                 f"| {esc(lost)}; {esc(risk)} at risk |")
    L += ["", "## Shared suppliers", ""]
    if report["shared_supplier_pairs"] > len(report["shared_suppliers"]):
        L += [f"The {len(report['shared_suppliers'])} pairs of buyers that share the most suppliers, of "
              f"{report['shared_supplier_pairs']:,} pairs that share at least one.", ""]
    L += [f"- {esc(r['buyers'][0]['label'])} and {esc(r['buyers'][1]['label'])}: "
          f"{esc(', '.join(s['label'] for s in r['suppliers']))}" for r in report["shared_suppliers"]] or ["- none"]
    L += ["", "## Contracts by status", "", "As the sources reported them; in brackets, the end and the status "
          "worked out from the dates.", ""]
    for group in report["contracts_by_status"]:
        L.append(f"- **{group['status']}**: " + "; ".join(
            esc(c["label"]) + f" ({when(c, report['as_of'])})" for c in group["contracts"]) + _more(group.get("more", 0)))
    L += ["", "## Until when: the cliff edge", ""] + [esc(x) for x in cliff_lines(report["timeline"], rows)]
    L += ["", "## Framework routes", "", *lead("frameworks")]
    for f in report["frameworks"]:
        ceiling = f" — {money(f['ceiling']['amount'], f['ceiling']['currency'])} framework headroom (ceiling)" \
            if f["ceiling"] else ""
        more = f.get("more", {})
        listed = {key: esc(", ".join(x["label"] for x in f[key]) or none) + _more(more.get(key, 0))
                  for key, none in (("suppliers", "not stated"), ("open_to", "not stated"), ("call_offs", "none recorded"))}
        L.append(f"- {esc(f['label'])}{_refs(f['sources'])}{ceiling}; suppliers: {listed['suppliers']}; "
                 f"open to: {listed['open_to']}; call-offs: {listed['call_offs']}")
    gaps = report["data_gaps"]
    left = report.get("omitted", {})
    L += ["", "## Data gaps and caveats", ""]
    for key, what in (("no_value", "No known value"), ("no_date", "No known end (stated, derived or bounded)"),
                      ("no_tower", "No service tower")):
        L.append(f"- {what}: {esc(', '.join(c['label'] for c in gaps[key]) or 'none')}{_more(left.get(key, 0))}")
    for d in gaps["disagreements"]:
        L.append(f"- Sources differ on {esc(d['label'])} (in paraphrase): " + " / ".join(
            f"{esc(c['statement'])}{_refs(c['sources'])}" for c in d["claims"]))
    if "disagreements" in notes:
        L.append(f"- {notes['disagreements']}")
    L += [f"- {c}" for c in report["caveats"]]
    L += ["", "## Sources", "", *lead("sources")]
    L += [f"[^{s['n']}]: {esc(s['title'])} — {esc(s['publisher'] or 'publisher unknown')}"
          + (" (reference data)" if s["reference_data"] else "") for s in report["sources"]]
    return "\n".join(L) + "\n"


def _ticks(top: float) -> list[float]:
    """Round axis ticks from 0 to at least ``top``: steps of 1, 2 or 5 times a power of ten.

    >>> _ticks(7), _ticks(230)
    ([0, 2, 4, 6, 8], [0, 50, 100, 150, 200, 250])
    """
    import math
    if top <= 0:
        return [0, 1]
    raw = top / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    count = math.ceil(top / step - 1e-9)
    return [round(i * step, 10) if step < 1 else int(i * step) for i in range(count + 1)]


def _number(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() or abs(v) >= 100 else f"{v:,.1f}"


def _svg_bar(labels: list[str], values: list[float], title: str, xlabel: str) -> str:
    """A horizontal bar chart as inline SVG: text kept as text (escaped), no external
    references, the same bytes for the same data.

    Drawn directly rather than through matplotlib, whose import alone took half of the
    one second a command on the bundled data may take."""
    from html import escape
    bar, gap, top_margin, bottom = 18, 6, 34, 44
    shown = [x if len(x) <= 42 else x[:41] + "…" for x in labels]
    left = 12 + 7 * max((len(x) for x in shown), default=0)
    width, plot = 760, 760 - left - 70
    ticks = _ticks(max(values, default=0))
    scale = plot / ticks[-1] if ticks[-1] else 0
    height = top_margin + len(labels) * (bar + gap) + bottom
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
           f'height="{height}" role="img" aria-label="{escape(title)}" font-family="sans-serif" font-size="12">',
           f'<title>{escape(title)}</title>',
           f'<text x="0" y="16" font-size="14">{escape(title)}</text>']
    axis_y = top_margin + len(labels) * (bar + gap)
    for t in ticks:
        x = left + t * scale
        out.append(f'<line x1="{x:.1f}" y1="{top_margin - 4}" x2="{x:.1f}" y2="{axis_y}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle">{_number(t)}</text>')
    for i, (name, full, v) in enumerate(zip(shown, labels, values)):
        y = top_margin + i * (bar + gap)
        w = v * scale
        out.append(f'<text x="{left - 6}" y="{y + bar - 5}" text-anchor="end"><title>{escape(full)}</title>'
                   f'{escape(name)}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="#2b6cb0">'
                   f'<title>{escape(full)}: {_number(v)}</title></rect>')
        out.append(f'<text x="{left + w + 4:.1f}" y="{y + bar - 5}">{_number(v)}</text>')
    out.append(f'<line x1="{left}" y1="{top_margin - 4}" x2="{left}" y2="{axis_y}" stroke="#333"/>')
    out.append(f'<text x="{left + plot / 2:.1f}" y="{axis_y + 36}" text-anchor="middle">{escape(xlabel)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _group_values(suppliers: list[dict]) -> list[tuple[str, float]]:
    """Each corporate group's known total value at risk, largest first, one bar per group:
    named by its member that ranks highest, with its size (every member of a group of
    eight would otherwise fill the chart with one bar eight times).

    >>> imp = lambda group, v: {"group": [{"iri": g} for g in group],
    ...                         "value_at_risk": [{"amount": v, "kind": "total"}, {"amount": 1.0, "kind": "annual"}]}
    >>> _group_values([{"label": "DXC", "impact": imp("abc", 250.0)}, {"label": "BT", "impact": imp("d", 9.0)},
    ...                {"label": "CSC", "impact": imp("abc", 250.0)}, {"label": "Idle", "impact": imp("e", 0.0)}])
    [("DXC's group of 3", 250.0), ('BT', 9.0)]
    """
    seen: set[tuple] = set()
    out = []
    for s in suppliers:  # in order of rank
        group = tuple(x["iri"] for x in s["impact"]["group"])
        total = sum(m["amount"] for m in s["impact"]["value_at_risk"] if m["kind"] == "total")
        if group in seen or not total:
            continue
        seen.add(group)
        out.append((f"{s['label']}'s group of {len(group)}" if len(group) > 1 else s["label"], total))
    return sorted(out, key=lambda v: -v[1])


def render_html(report: dict, rows: int | None = ROWS) -> str:
    """Self-contained HTML: autoescaped, charts as inline SVG, readable printed; each
    listing shows at most ``rows`` items (see :func:`abridge`; None: everything), the
    charts are of every supplier."""
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup

    charts = []
    top = [s for s in report["suppliers"] if s["buyers"]][:15]
    if top:
        charts.append(Markup(_svg_bar([s["label"] for s in top], [len(s["buyers"]) for s in top],
                                      "Buyers per supplier", "number of buyers")))
    valued = _group_values(report["suppliers"])[:15]
    if valued:
        charts.append(Markup(_svg_bar([v[0] for v in valued], [v[1] / 1e6 for v in valued],
                                      "Known total contract value at risk if a corporate group failed",
                                      "£ million")))
    periods = report["timeline"]["periods"]
    cliff_charts = []
    if periods:
        cliff_charts.append(Markup(_svg_bar([p["period"] for p in periods], [len(p["contracts"]) for p in periods],
                                            "Contracts ending each year (by the latest date each may end)",
                                            "number of contracts")))
        valued = [(p["period"], sum(v["amount"] for v in p["value"] if v["kind"] == "total"
                                    and v["currency"] == "GBP") / 1e6) for p in periods]
        valued = [(year, v) for year, v in valued if v]  # a year with no known value is not £0
        if valued:
            cliff_charts.append(Markup(_svg_bar([y for y, _ in valued], [v for _, v in valued],
                                                "Known total contract value ending each year (years with one)",
                                                "£ million")))
    env = Environment(loader=PackageLoader("graph", "templates"), autoescape=select_autoescape(["html"]))
    env.filters["money"] = _fmt_money
    env.filters["money_only"] = lambda m: money(m["amount"], m["currency"])
    env.filters["pct"] = lambda v: f"{v:.0%}"
    env.filters["more"] = _more
    env.filters["when"] = lambda c: when(c, report["as_of"])
    env.globals["runs"] = _runs
    report = abridge(report, rows)
    return env.get_template("report.html").render(report=report, charts=charts, notes=_notes(report),
                                                  left=report.get("omitted", {}), cliff_charts=cliff_charts,
                                                  rows=rows, sections=SECTIONS, matrix=tower_matrix(report["buyers"]))
