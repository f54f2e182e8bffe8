"""Commands that analyse the graph: centrality, shared suppliers, paths, failure impact,
the timeline, the report, the sources and the graph pages (registered on :data:`graph.cli.main.cli`)."""

from __future__ import annotations

import json

import click

from .base import Ctx, _date_option, _emit, _page_out, analysis_options, cli, format_option, resolve, rows_option, \
    shown_rows


@cli.command()
@analysis_options()
@click.option("--top", type=click.IntRange(min=1), default=None, help="Only the N highest-ranked nodes.")
@click.pass_obj
def centrality(obj: Ctx, view, include_inactive, fmt, out, top):
    """Degree, betweenness, PageRank and eigenvector centrality of every node.

    Example: supplier-graph centrality --view network --top 10
    """
    from ..tables import render
    result = _centrality(obj, obj.store(), view, include_inactive)
    rows = result["nodes"][:top] if top else result["nodes"]
    if fmt != "json":
        click.echo(f"betweenness: {result['betweenness_method']}", err=True)
    text = render(rows, ["rank", "label", "kind", "degree", "betweenness", "pagerank", "eigenvector"], fmt,
                  document={**result, "nodes": rows})
    if fmt == "table":
        text += "\nrank: by PageRank, 1 the highest.\n"
    _emit(text, out)


def _centrality(obj: Ctx, store, view: str, include_inactive: bool) -> dict:
    """:func:`~graph.analytics.centrality.centrality` of a view of ``store``, with
    betweenness computed in an interpreter of its own while this one computes the rest
    (on a large graph), started as soon as a kept snapshot gives the supply view's edges."""
    from ..analytics.centrality import BACKGROUND_EDGES, EarlyBetweenness, centrality, edge_list
    from ..projection.snapshot import snapshot, supply_edges
    early = EarlyBetweenness(wanted=view == "supply" and not include_inactive)
    job = None
    try:
        snap = snapshot(store, on_edges=early)
        g = obj.project(store, view, snap=snap, include_inactive=include_inactive, listing=False)
        nodes, edges = (supply_edges(None, include_inactive=include_inactive, snap=snap) if view == "supply"
                        else edge_list(g))
        if len(edges) < BACKGROUND_EDGES:  # milliseconds, from the graph itself
            return centrality(g)
        job = early.job(nodes, edges)
        result = centrality(g, between=False)
        method, scores = job.result()
    finally:
        early.cancel()
        if job is not None:
            job.cancel()
    by_node = dict(zip(nodes, scores))
    for row in result["nodes"]:
        row["betweenness"] = round(by_node[row["iri"]], 6)
    result["betweenness_method"] = method
    return result


@cli.command()
@analysis_options(view=False)
@click.option("--top", type=click.IntRange(min=1), default=None,
              help="Only the N pairs that share the most suppliers (all pairs are still counted); "
                   "needed above 1,000,000 pairs.")
@click.pass_obj
def shared(obj: Ctx, include_inactive, fmt, out, top):
    """Pairs of buyers that share suppliers, which suppliers, and in which towers.

    Example: supplier-graph shared --format csv
    """
    from ..analytics.shared import shared_suppliers, top_shared_pairs
    from ..tables import render
    g = obj.project(obj.store(), "supply", include_inactive=include_inactive)
    if top is None:
        result = shared_suppliers(g)  # above a million pairs: an error that asks for --top
    else:
        total, result = top_shared_pairs(g, limit=top)
        click.echo(f"the {len(result):,} of {total:,} pairs that share the most suppliers", err=True)
    rows = [{"buyer_a": r["buyers"][0]["label"], "buyer_b": r["buyers"][1]["label"],
             "shared": len(r["suppliers"]), "suppliers": [s["label"] for s in r["suppliers"]]} for r in result]
    _emit(render(rows, ["buyer_a", "buyer_b", "shared", "suppliers"], fmt, document=result), out)


@cli.command()
@click.argument("a")
@click.argument("b")
@click.option("-k", "k", type=click.IntRange(min=1), default=3, show_default=True, help="How many paths.")
@analysis_options(default="table", view_default="network")
@click.pass_obj
def paths(obj: Ctx, a, b, k, view, include_inactive, fmt, out):
    """The shortest explained paths between two entities, each hop with its relation
    and sources. Uses the network view unless --view says otherwise.

    Example: supplier-graph paths "Bromley Council" "the Met"
    """
    from ..analytics.paths import explained_paths
    from ..tables import render
    store = obj.store()
    source, target = resolve(store, a), resolve(store, b)
    g = obj.project(store, view, include_inactive=include_inactive)
    result = explained_paths(g, source.iri, target.iri, k=k)
    if not result:
        click.echo(f"no path between {source.label} and {target.label}", err=True)
    rows = [{"path": i, "hop": j, "from": h["from"]["label"], "relation": h["relation"], "to": h["to"]["label"],
             "sources": h["sources"]} for i, p in enumerate(result, 1) for j, h in enumerate(p["hops"], 1)]
    _emit(render(rows, ["path", "hop", "from", "relation", "to", "sources"], fmt,
                 document={"from": {"iri": source.iri, "label": source.label},
                           "to": {"iri": target.iri, "label": target.label}, "paths": result}), out)


@cli.command()
@click.argument("supplier")
@click.option("--group", is_flag=True, help="Take the supplier's corporate predecessors and successors with it.")
@analysis_options(view=False)
@click.pass_obj
def impact(obj: Ctx, supplier, group, include_inactive, fmt, out):
    """What fails if a supplier exits: buyers affected, the towers each is left
    without, value at risk by kind, frameworks affected.

    Example: supplier-graph impact DXC --group
    """
    from ..analytics.failure import summary_line, supplier_failure
    from ..projection.snapshot import snapshot
    from ..tables import money, render
    store = obj.store()
    who = resolve(store, supplier, "supplier")
    snap = snapshot(store, near=who.iri)  # from a kept snapshot, the contracts around it only
    g = obj.project(store, "supply", snap=snap, include_inactive=include_inactive)
    result = supplier_failure(store, g, snap, who.iri, group=group, as_of=obj.as_of)
    # for people, money as money; CSV keeps the numbers, and the answer's summary goes to
    # stdout above a table, to stderr beside CSV, whose stdout is data only
    fig = (lambda v: money(v) if v is not None else None) if fmt == "table" else (lambda v: v)
    head = "\n".join([summary_line(result)] + [f"note: {n}" for n in result["notes"]]) + "\n"
    if fmt == "csv":
        click.echo(head, err=True, nl=False)
    rows = [{"buyer": b["label"], "contracts": len(b["contracts"]), "towers_lost": b["towers_lost"],
             "towers_with_alternative": b["towers_with_alternative"],
             "total_at_risk": fig(b["value_at_risk"].get("total")), "annual_at_risk": fig(b["value_at_risk"].get("annual")),
             "contracts_without_value": b["contracts_without_value"],
             "depends_until": b["until"]["text"]} for b in result["buyers"]]
    rows += [{"buyer": f"(framework) {f['label']}", "contracts": 0,
              "towers_lost": [], "towers_with_alternative": [],
              "contracts_without_value": 0,
              "framework_headroom": ", ".join(f"{money(m['amount'], m['currency'])} ceiling, shared by a panel of "
                                              f"{f['panel']}" for m in f["ceilings"]) or None}
             for f in result["frameworks"]]
    text = render(rows, ["buyer", "contracts", "towers_lost", "towers_with_alternative", "total_at_risk",
                         "annual_at_risk", "contracts_without_value", "depends_until", "framework_headroom"], fmt,
                  document=result)
    if fmt == "table":
        text = head + text + f"\nstatuses as of {obj.as_of.isoformat()}; 'depends until' is the latest end of the buyer's contracts " \
                f"with it (see `timeline`).\n"
    _emit(text, out)


@cli.command()
@click.argument("name", required=False)
@format_option(["text", "json"], "text")
@click.pass_obj
def sources(obj: Ctx, name, fmt):
    """The sources, with their publishers, dates and how many entities cite each; with
    NAME (a title, its label or an IRI), everything one source says: the facts it
    supports with its own words as evidence, its figures, its claims (in paraphrase) and
    the quotes it prints (verbatim).

    Example: supplier-graph sources "Met Police hands £250m to CSC"
    """
    from ..sparql.sources import format_source, list_sources, source_facts
    store = obj.store()
    if name is None:
        listed = list_sources(store)
        if fmt == "json":
            click.echo(json.dumps(listed, indent=2, ensure_ascii=False))
            return
        for s in listed:
            when = s["issued"] or "date not known"
            tag = "  [reference data]" if s["reference_data"] else ""
            click.echo(f"{s['facts']:>4}  {s['title']} \u2014 {s['publisher'] or 'publisher unknown'} ({when}){tag}")
        return
    d = source_facts(store, resolve(store, name))
    click.echo(json.dumps(d, indent=2, ensure_ascii=False) if fmt == "json" else format_source(d), nl=fmt == "json")


@cli.command()
@_date_option("--from", "from_", "Keep what may end on or after this date.")
@_date_option("--to", "to", "Keep what may end on or before this date.")
@click.option("--buyer", default=None, help="Keep the contracts of this buyer (a name, alias or IRI).")
@click.option("--supplier", default=None, help="Keep the contracts of this supplier.")
@click.option("--tower", default=None, help="Keep the contracts covering this service tower.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True,
              help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="Write to this file (atomically).")
@click.pass_obj
def timeline(obj: Ctx, from_, to, buyer, supplier, tower, fmt, out):
    """Contracts and frameworks by end date: when each ends, on what basis (stated,
    derived from a start and a duration, or bounded by a source), and its status as of
    --as-of.

    Example: supplier-graph timeline --buyer "the Met" --from 2021-01-01
    """
    from ..tables import render
    from ..timeline.dated import timeline as build
    store = obj.store()
    pick = {key: resolve(store, name).iri if name else None
            for key, name in (("buyer", buyer), ("supplier", supplier), ("tower", tower))}
    result = build(store, as_of=obj.as_of, start=from_, end=to, **pick)
    if fmt == "json":
        _emit(render([], [], "json", document=result), out)
        return
    columns = ["end", "label", "buyer", "towers", "suppliers", "value", "basis", "status"]
    rows = [_timeline_row(r) for r in result["rows"]]
    if fmt == "csv":
        _emit(render(rows, columns, fmt), out)
        return
    # one line per contract, its parts joined: a table of seven wide columns fits no terminal
    known = sum(1 for r in result["rows"] if r["end"])
    lines = [" · ".join(row[c] for c in columns) for row in rows]
    lines += ["", f"{len(rows)} contract(s) and framework(s), {known} with a known or bounded end; "
                  f"statuses as of {obj.as_of.isoformat()}."]
    _emit("\n".join(lines) + "\n", out)


def _timeline_row(r: dict) -> dict:
    """One timeline row for people: money as money, the basis with its rule, and a
    reported status beside the computed one where they differ."""
    from ..tables import money
    v = r["value"]
    rep = r["reported_status"]
    status = r["status"]
    if rep and rep["status"] != status:
        status += f" (reported {rep['status']}" + (f" on {rep['on']})" if rep["on"] else ")")
    from ..dates import say_duration
    basis = (f"{r['end_basis']} ({r['end_rule']})" if r["end_basis"] != "stated" else "stated") \
        if r["end_basis"] else "end unknown" + (f" (lasts {say_duration(r['duration'])})" if r["duration"] else "")
    return {"end": r["end"]["text"] if r["end"] else "unknown", "label": r["label"],
            "buyer": ", ".join(b["label"] for b in r["buyers"]) or "not stated",
            "towers": ", ".join(r["towers"]) or "—",
            "suppliers": ", ".join(s["label"] for s in r["suppliers"]) or "not known",
            "value": f"{money(v['amount'], v['currency'])} {v['kind']}" if v else "unknown",
            "basis": basis, "status": status}


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["json", "md", "html"]), default="md", show_default=True,
              help="json (a documented schema), md (Markdown) or html (self-contained, with charts).")
@click.option("--buyer", default=None, help="Narrow the report to one buyer (a name, alias or IRI).")
@click.option("--include-inactive", is_flag=True, help="Count cancelled and ended contracts too.")
@rows_option("md and html", "the largest buyers, the most central suppliers, the first of the rest")
@click.option("--out", type=click.Path(dir_okay=False), help="Write to this file (atomically).")
@click.pass_obj
def report(obj: Ctx, fmt, buyer, include_inactive, rows, out):
    """The supplier-dependency report: summary, buyers, suppliers, shared suppliers,
    contracts by status, the cliff edge (what ends when), framework routes, data gaps and
    sources; statuses as of --as-of.

    Example: supplier-graph report --format html --out report.html
    """
    rows = shown_rows(fmt, rows, "md and html reports")
    from ..report.build import build_report, iter_json, render_html, render_markdown
    store = obj.store()
    data = build_report(store, buyer=resolve(store, buyer, "buyer") if buyer else None, include_inactive=include_inactive,
                        as_of=obj.as_of)
    if fmt == "json":
        _emit(iter_json(data), out)
    else:
        render = {"md": render_markdown, "html": render_html}[fmt]
        _emit(render(data, rows), _page_out(out, "supplier-graph-report.html") if fmt == "html" else out)


@cli.command()
@click.option("--out", type=click.Path(dir_okay=False), help="Write the page here (atomically); default stdout.")
@click.option("--focus", default=None, help="Show only what lies within --depth hops of this entity.")
@click.option("--depth", type=click.IntRange(min=1), default=1, show_default=True, help="Hops for --focus.")
@click.option("--path", "path_", nargs=2, default=None, metavar="A B",
              help="Highlight the shortest explained paths between A and B.")
@click.option("--impact", default=None, metavar="SUPPLIER", help="Highlight what fails if SUPPLIER exits.")
@click.option("--no-group", is_flag=True, help="With --impact: leave the supplier's corporate group out.")
@click.option("--tower", default=None, help="Who supplies this service tower to whom.")
@click.pass_obj
def viz(obj: Ctx, out, focus, depth, path_, impact, no_group, tower):
    """An interactive graph page (vis-network, self-contained, works offline): the whole
    graph, or one of --focus, --path, --impact, --tower.

    Example: supplier-graph viz --impact DXC --out dxc.html
    """
    from ..viz import pages as visualise
    chosen = [x for x in (focus, path_, impact, tower) if x]
    if len(chosen) > 1:
        raise click.UsageError("choose one of --focus, --path, --impact, --tower")
    store = obj.store()
    about = obj.about()
    if focus:
        page = visualise.focus_view(store, resolve(store, focus).iri, depth=depth, about=about)
    elif path_:
        page = visualise.path_view(store, resolve(store, path_[0]).iri, resolve(store, path_[1]).iri, about=about)
    elif impact:
        page = visualise.impact_view(store, resolve(store, impact).iri, group=not no_group, about=about)
    elif tower:
        page = visualise.tower_view(store, resolve(store, tower).iri, about=about)
    else:
        page = visualise.whole_view(store, about=about)
    _emit(page, _page_out(out, "supplier-graph-viz.html"))
