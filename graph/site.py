"""The main job: validate the graph and write every output into one folder, with an
``index.html`` that links them. Each file is written atomically."""

from __future__ import annotations

import html
import json
import os
from datetime import date
from pathlib import Path
from typing import Iterable

from .model.rdffiles import RDF_FORMATS, serialise_rdf
from .io import write_atomic
from .sparql.stats import format_stats, graph_stats
from .model.rdffiles import data_paths, load_graph
from .store.local import MemoryStore
from .model.validation import validate_graph

__all__ = ["build"]


def _graph_pages(store, snap, put, about: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The graph pages: the whole graph, each buyer's neighbourhood, each supplier's impact;
    each page says what data it shows (``about``)."""
    from .viz import pages as visualise
    from .projection.views import project
    from .projection.snapshot import load_contracts
    contracts, _ = load_contracts(None, snap=snap)
    network = project(None, "network", snap=snap)
    aliases = visualise.node_aliases(store, network)  # once, for every page
    put("graphs/whole.html", visualise.graph_html(network, title="supplier-graph: the whole graph",
                                                  aliases=aliases, about=about),
        "the whole graph")
    sections = [("The whole graph", [("graphs/whole.html", "buyers, suppliers, frameworks, partnerships")])]
    buyers = sorted({c.buyer for c in contracts if c.buyer in network}, key=lambda b: snap.label(b))
    pages = []
    for b in buyers:
        name = f"graphs/buyer-{visualise.page_name(b)}.html"
        put(name, visualise.focus_view(store, b, depth=1, network=network, about=about, aliases=aliases),
            f"{snap.label(b)} and its neighbours")
        pages.append((name, snap.label(b)))
    sections.append(("Each buyer and its neighbours", pages))
    suppliers = sorted({s for c in contracts for s in c.suppliers}, key=lambda s: snap.label(s))
    pages = []
    for s in suppliers:
        name = f"graphs/impact-{visualise.page_name(s)}.html"
        put(name, visualise.impact_view(store, s, group=True, snap=snap, about=about, aliases=aliases),
            f"what fails if {snap.label(s)} exits")
        pages.append((name, f"if {snap.label(s)} (and its corporate group) failed"))
    sections.append(("What fails if a supplier exits", pages))
    return sections

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>supplier-graph: build</title>
<style>
body {{ font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }}
h1 {{ font-size: 1.5rem; }} table {{ border-collapse: collapse; }}
td, th {{ padding: .2rem .8rem; border-bottom: 1px solid #ddd; text-align: left; }}
td.n {{ text-align: right; font-variant-numeric: tabular-nums; }}
.ok {{ color: #1a7f37; }} .bad {{ color: #b3261e; }}
</style></head><body>
<h1>supplier-graph</h1>
<p><a href="report.html"><strong>Read the supplier-dependency report</strong></a></p>
<p>Validation: <strong class="{vclass}">{vtext}</strong></p>
{issues}
<h2>What is in the graph</h2>
<table><tbody>{counts}</tbody></table>
<h2>Sources</h2>
<table><thead><tr><th>title</th><th>publisher</th><th>entities citing it</th></tr></thead><tbody>{sources}</tbody></table>
<h2>Interactive graphs</h2>
{graphs}
<h2>Files</h2>
<ul>{files}</ul>
</body></html>
"""


def build(out: str | os.PathLike, data: Iterable[str | os.PathLike] | None = None, as_of=None) -> dict:
    """Validate ``data`` (default: the bundled graph) and write every output to ``out``,
    statuses as of ``as_of`` (a date; default today).

    Returns a summary: the validation report, and the files written (relative names).
    The build finishes even when validation finds problems; the caller decides the exit.
    """
    out = Path(out)
    graph = load_graph(data_paths(data))
    store = MemoryStore(graph)
    report = validate_graph(graph)
    stats = graph_stats(store)
    written: list[tuple[str, str]] = []

    def put(name: str, content: str, what: str) -> None:
        write_atomic(out / name, content)
        written.append((name, what))

    put("validation.txt", report.to_text() + "\n", "SHACL validation, in plain words")
    put("validation.json", json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n",
        "SHACL validation (JSON)")
    put("stats.txt", format_stats(stats) + "\n", "counts, sources and data gaps")
    put("stats.json", json.dumps(stats, indent=2, ensure_ascii=False) + "\n",
        "counts, sources and data gaps (JSON)")
    for fmt, (_, suffix) in RDF_FORMATS.items():
        put(f"graph{suffix}", serialise_rdf(graph, fmt), f"the whole graph as {fmt}")

    from .viz.export import serialise_projection
    from .projection.views import project
    from .projection.snapshot import snapshot
    from .report.build import build_report, render_html, render_json, render_markdown
    snap = snapshot(store)
    report_data = build_report(store, snap=snap, as_of=as_of)
    from .timeline.dated import timeline
    put("timeline.json", json.dumps(timeline(store, as_of=date.fromisoformat(report_data["as_of"])), indent=2,
                                    ensure_ascii=False) + "\n",
        "contracts and frameworks by end date, each end with its basis (JSON)")
    put("report.html", render_html(report_data), "the supplier-dependency report (HTML, with charts)")
    put("report.md", render_markdown(report_data), "the supplier-dependency report (Markdown)")
    put("report.json", render_json(report_data), "the supplier-dependency report (JSON, schema v1)")
    data_said = ", ".join(str(p) for p in data) if data else "the bundled graph (data/triples.ttl)"
    graph_pages = _graph_pages(store, snap, put, f"Data: {data_said}. Statuses as the sources reported them, each on "
                                                 f"its own date; made as of {report_data['as_of']}.")
    for view in ("supply", "network"):
        g = project(None, view, snap=snap)
        put(f"projection-{view}.graphml", serialise_projection(g, "graphml"),
            f"the {view} projection for Gephi (GraphML)")
        put(f"projection-{view}.gexf", serialise_projection(g, "gexf"), f"the {view} projection for Gephi (GEXF)")

    e = html.escape
    issues = ""
    if not report.conforms:
        issues = "<ul>" + "".join(f"<li>{e(str(i))}</li>" for i in report.issues) + "</ul>"
    page = _PAGE.format(
        vclass="ok" if report.conforms else "bad",
        vtext=e("valid" if report.conforms else f"{len(report.issues)} problem(s)"),
        issues=issues,
        counts="".join(f"<tr><td>{e(k)}</td><td class=n>{v}</td></tr>" for k, v in stats["counts"].items()),
        sources="".join(f"<tr><td>{e(s['title'] or s['iri'])}</td><td>{e(s['publisher'] or '')}</td>"
                        f"<td class=n>{s['facts']}</td></tr>" for s in stats["sources"]),
        files="".join(f'<li><a href="{e(name)}">{e(name)}</a> \u2014 {e(what)}</li>' for name, what in written
                      if not name.startswith("graphs/")),
        graphs="".join(f"<h3>{e(title)}</h3><ul>" + "".join(
            f'<li><a href="{e(name)}">{e(label)}</a></li>' for name, label in pages) + "</ul>"
            for title, pages in graph_pages),
    )
    write_atomic(out / "index.html", page)
    written.append(("index.html", "this page"))
    return {"report": report, "files": [name for name, _ in written], "out": str(out)}
