"""Interactive graph pages: networkx projection -> one self-contained HTML file.

pyvis's :class:`~pyvis.network.Network` holds the nodes, edges and vis-network options,
but the page comes from this package's own template (``templates/viz.html``), never
pyvis's: its templates load vis-network and Bootstrap from CDNs, and switch tooltips to
``innerHTML`` when a title mentions "href". Here:

- vis-network's JS and CSS are inlined from ``graph/static`` (no ``src``/``href`` to the
  network; the page works from file:// with no connection);
- the data is embedded as JSON with ``<``, ``>`` and ``&`` escaped, so no name can close
  the script; tooltips and the legend are filled with ``textContent``, so a name like
  ``<img src=x onerror=alert(1)>`` shows as text and runs nothing;
- nodes and edges are added to pyvis's lists directly (its ``add_edge`` compares each new
  edge with every earlier one, and ``from_nx`` pops ``weight`` from the caller's graph);
  the caller's graph is only read;
- up to :data:`PHYSICS_LIMIT` nodes the browser simulates the layout and switches physics
  off once stable; larger graphs get positions computed here (a spectral start, then a
  few force-directed steps), so the page is interactive at once;
  above :data:`NODE_CAP` nodes the page keeps the best-connected ones and says so.
"""

from __future__ import annotations

import html
import json
import math
from importlib import resources

import networkx as nx

from ..errors import EntityNotFound
from ..model.namespaces import internal_query, sparql_prefixes

__all__ = ["STYLE", "graph_html", "whole_view", "focus_view", "path_view", "impact_view", "tower_view",
           "notebook_display", "InlinePage", "PHYSICS_LIMIT", "NODE_CAP", "page_name", "node_aliases"]

PHYSICS_LIMIT = 500    # up to here the browser settles the layout; above, Python lays it out
NODE_CAP = 5000
#: vis shape -> the symbol the legend draws it with
SYMBOL = {"dot": "\u25cf", "diamond": "\u25c6", "square": "\u25a0", "triangle": "\u25b2",
          "triangleDown": "\u25bc", "star": "\u2605", "hexagon": "\u2b22"}
#: kind -> (colour, vis shape, legend text)
STYLE = {
    "buyer": ("#2b6cb0", "dot", "public body (buyer)"),
    "supplier": ("#c05621", "diamond", "supplier"),
    "framework": ("#2f855a", "square", "framework"),
    "partnership": ("#6b46c1", "triangle", "partnership"),
    "group": ("#718096", "triangleDown", "group of bodies"),
    "programme": ("#b7791f", "star", "programme"),
    "tower": ("#319795", "hexagon", "service tower"),
    "organisation": ("#a0aec0", "dot", "other organisation"),
}
FADED_NODE = "rgba(160,174,192,0.35)"
FADED_EDGE = "rgba(160,174,192,0.25)"
HIGHLIGHT_EDGE = "#c53030"


def _script_json(value) -> str:
    """JSON that is safe inside <script>: nothing in it can end the element."""
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _money(amount: float) -> str:
    from ..tables import money
    return money(amount)


def _node_tooltip(g: nx.Graph, n) -> str:
    d = g.nodes[n]
    kind = d.get("kind") or "organisation"
    lines = [d.get("label", str(n)), STYLE.get(kind, STYLE["organisation"])[2], f"connections: {g.degree(n)}"]
    if kind == "supplier":
        buyers = [m for m in g[n] if g.nodes[m].get("kind") == "buyer"]
        if buyers:
            lines.append(f"buyers: {len(buyers)}")
    values: dict[str, float] = {}
    for m in g[n]:
        for k, v in g.edges[n, m].get("values", {}).items():
            values[k] = values.get(k, 0.0) + v
    for k, v in sorted(values.items()):
        lines.append(f"known {k} value: {_money(v)}")
    sources = sorted({s for m in g[n] for s in g.edges[n, m].get("sources", [])})
    if sources:
        lines.append("sources:")
        lines += [f"  {s}" for s in sources]
    return "\n".join(lines)


def _edge_tooltip(g: nx.Graph, a, b) -> str:
    """An edge's tooltip, read in the direction of its relation: "BT supplies London
    Borough of Bromley", whichever way round the edge is stored."""
    d = g.edges[a, b]
    kind = lambda n: g.nodes[n].get("kind")  # noqa: E731
    if kind(a) == "buyer" and kind(b) == "supplier":
        a, b = b, a
    la, lb = g.nodes[a].get("label", str(a)), g.nodes[b].get("label", str(b))
    if kind(a) == "supplier" and kind(b) == "buyer":
        lines = [f"{la} supplies {lb}"]
    else:
        lines = [f"{la} \u2014 {lb}", " / ".join(d.get("relations", []))]
    for label in d.get("contract_labels", []):
        lines.append(f"contract: {label}")
    if d.get("towers"):
        lines.append("towers: " + ", ".join(d["towers"]))
    if d.get("statuses"):
        lines.append("status: " + ", ".join(d["statuses"]))
    for k, v in sorted(d.get("values", {}).items()):
        lines.append(f"{k}: {_money(v)}")
    if d.get("sources"):
        lines.append("sources:")
        lines += [f"  {s}" for s in d["sources"]]
    return "\n".join(lines)


def _cap(g: nx.Graph, keep: set) -> tuple[nx.Graph, str | None]:
    if g.number_of_nodes() <= NODE_CAP:
        return g, None
    ranked = sorted(g.nodes, key=lambda n: (n not in keep, -g.degree(n), str(n)))
    sub = g.subgraph(ranked[:NODE_CAP])
    return sub, (f"Showing the {NODE_CAP:,} best-connected of {g.number_of_nodes():,} nodes; "
                 f"narrow the view with --focus, --path, --impact or --tower to see the rest.")


def graph_html(g: nx.Graph, *, title: str, highlight_nodes=None, highlight_edges=None,
               note: str | None = None, aliases: dict | None = None, about: str | None = None,
               columns: tuple[str, ...] | None = None) -> str:
    """The page for ``g``: every node and edge of ``g`` (up to :data:`NODE_CAP` nodes).

    ``highlight_nodes`` / ``highlight_edges`` (iterables of nodes and of node pairs) are
    drawn in colour and everything else faded; by default nothing is faded. ``aliases``
    maps a node to its other names, which the page's search finds too; ``about`` says what
    data the page shows, and as of when. ``columns`` (kinds of node, left to right) lays
    the nodes out in those columns, in order of label, instead of by simulation.
    """
    from jinja2 import Environment, PackageLoader, select_autoescape
    from markupsafe import Markup
    from pyvis.network import Network

    hn = set(highlight_nodes) if highlight_nodes is not None else None
    he = {frozenset(e) for e in highlight_edges} if highlight_edges is not None else None
    g, cap_note = _cap(g, hn or set())
    note = " ".join(x for x in (note, cap_note) if x) or None

    n = g.number_of_nodes()
    if n:
        from ..analytics.centrality import pagerank
        try:
            rank = pagerank(g)
        except Exception:  # pragma: no cover - degenerate weights
            rank = {v: g.degree(v) for v in g}
    else:
        rank = {}
    top = max(rank.values(), default=1.0) or 1.0

    positions = None
    if columns:
        # buyers | towers | suppliers: each kind a column, each column centred
        by_kind = {k: sorted((v for v in g if g.nodes[v].get("kind") == k), key=lambda v: g.nodes[v].get("label", ""))
                   for k in columns}
        tallest = max((len(vs) for vs in by_kind.values()), default=1) or 1
        positions = {v: ((i - (len(columns) - 1) / 2) / max(1, len(columns) - 1), (j - (len(vs) - 1) / 2) / tallest)
                     for i, k in enumerate(columns) for vs in [by_kind[k]] for j, v in enumerate(vs)}
        scale = 60.0 * max(6, tallest)
    elif n > PHYSICS_LIMIT:
        # beyond what the browser settles quickly: lay the graph out here (igraph's
        # Fruchterman-Reingold, a quarter of a second for 2,000 nodes, the same for the
        # same graph) and switch physics off
        from ..analytics._igraph import convert, seeded
        order = sorted(g.nodes, key=str)
        h, _ = convert(g, order)
        with seeded(7):
            coords = h.layout_fruchterman_reingold().coords
        extent = max((abs(c) for xy in coords for c in xy), default=1.0) or 1.0
        positions = {v: (x / extent, y / extent) for v, (x, y) in zip(order, coords)}
        scale = 40.0 * math.sqrt(n)

    net = Network(height="100%", width="100%", directed=False)
    for v in sorted(g.nodes, key=str):
        d = g.nodes[v]
        kind = d.get("kind") or "organisation"
        colour, shape, _ = STYLE.get(kind, STYLE["organisation"])
        # a group of bodies ("London boroughs", 33 members) is a hub of membership, not of
        # supply: drawn small, so that it does not swamp the layout
        size = 10 if kind == "group" else round(10 + 28 * math.sqrt(rank[v] / top), 2)
        node = {"id": str(v), "label": str(d.get("label", v)), "shape": shape,
                "color": colour if hn is None or v in hn else FADED_NODE,
                "size": size, "kind": kind, "aliases": sorted((aliases or {}).get(v, [])),
                "tooltip": _node_tooltip(g, v), "font": {"size": 14}}
        if hn is not None and v not in hn:
            node["font"] = {"color": "rgba(74,85,104,0.5)", "size": 12}
        if positions is not None and v in positions:
            node["x"], node["y"] = round(float(positions[v][0]) * scale, 1), round(float(positions[v][1]) * scale, 1)
        net.nodes.append(node)
        net.node_ids.append(str(v))

    totals = [sum(d.get("values", {}).values()) for _, _, d in g.edges(data=True)]
    biggest = max(totals, default=0.0)
    # each edge read in one orientation and order, so the same graph gives the same page
    ordered = sorted(((a, b, d) if str(a) <= str(b) else (b, a, d) for a, b, d in g.edges(data=True)),
                     key=lambda e: (str(e[0]), str(e[1])))
    for i, (a, b, d) in enumerate(ordered):
        value = sum(d.get("values", {}).values())
        width = 1.5 + (5.0 * math.log1p(value / 1e6) / math.log1p(biggest / 1e6) if biggest and value else 0.0)
        on = he is None or frozenset((a, b)) in he
        net.edges.append({"id": f"e{i}", "from": str(a), "to": str(b), "width": round(width, 2),
                          "color": ("#718096" if he is None else HIGHLIGHT_EDGE) if on else FADED_EDGE,
                          "dashes": not d.get("contracts") and "buys from" not in d.get("relations", []),
                          "tooltip": _edge_tooltip(g, a, b)})

    if positions is None:
        net.barnes_hut(gravity=-4000, spring_length=140)
        net.options.physics.stabilization = {"enabled": True, "iterations": 300, "fit": True}
    else:
        net.toggle_physics(False)
    options = json.loads(net.options.to_json())
    # vis-network's "improved layout" runs Kamada-Kawai on the whole graph first: too slow
    # for large graphs, unnecessary for small ones once physics settles them
    options["layout"] = {"improvedLayout": n <= 100, "randomSeed": 7}
    options["interaction"] = {"hover": True, "tooltipDelay": 120, "navigationButtons": False}
    options["edges"] = {"smooth": False, "color": {"inherit": False}}

    kinds = sorted({nd["kind"] for nd in net.nodes}, key=list(STYLE).index)
    lines = [{"label": "a contract (solid)", "dashes": False}, {"label": "another relation (dashed)", "dashes": True}]
    data = {"title": title, "note": note, "about": about, "nodes": net.nodes, "edges": net.edges,
            "legend": [{"label": STYLE[k][2], "color": STYLE[k][0], "symbol": SYMBOL.get(STYLE[k][1], "\u25cf")}
                       for k in kinds],
            "edge_legend": lines}
    static = resources.files("graph") / "static"
    env = Environment(loader=PackageLoader("graph", "templates"), autoescape=select_autoescape(["html"]))
    return env.get_template("viz.html").render(
        title=title, data=Markup(_script_json(data)), options=Markup(_script_json(options)),
        vis_js=Markup(static.joinpath("vis-network.min.js").read_text(encoding="utf-8")),
        vis_css=Markup(static.joinpath("vis-network.css").read_text(encoding="utf-8")))


def page_name(iri: str) -> str:
    """A file-name-safe slug for an entity's page.

    >>> page_name("https://w3id.org/supplier-graph/id/contract-met-hosting")
    'contract-met-hosting'
    """
    import re
    local = iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_-]+", "-", local).strip("-")[:80] or "entity"


# ----------------------------------------------------------------------------- views

def _graph(store, view: str):
    from ..projection.views import project
    return project(store, view)


_ALIASES = internal_query("visualise-aliases")


def node_aliases(store, nodes) -> dict:
    """Each node's other names (skos:altLabel), for the page's search."""
    from ..sparql.lookup import iri_ref
    iris = [str(n) for n in nodes if str(n).startswith("http")]
    out: dict[str, list[str]] = {}
    from ..store.base import in_values
    for values in in_values([iri_ref(x) for x in iris]):
        for r in store.select(sparql_prefixes() + _ALIASES % values).rows:
            out.setdefault(str(r["s"]), []).append(str(r["alt"]))
    return out


def whole_view(store, *, about: str | None = None) -> str:
    """Everything: buyers, suppliers, frameworks, partnerships, groups, lineage."""
    g = _graph(store, "network")
    return graph_html(g, title="supplier-graph: the whole graph", aliases=node_aliases(store, g), about=about)


def focus_view(store, iri: str, *, depth: int = 1, network: nx.Graph | None = None,
               about: str | None = None, aliases: dict | None = None) -> str:
    """The ego graph of one entity: everything within ``depth`` hops (of ``network``, the
    network projection, when the caller already has it)."""
    g = network if network is not None else _graph(store, "network")
    if iri not in g:
        raise EntityNotFound(iri)
    ego = nx.ego_graph(g, iri, radius=depth)
    label = g.nodes[iri].get("label", iri)
    return graph_html(ego, title=f"{label}: {depth} hop{'s' if depth != 1 else ''} around it",
                      highlight_nodes=None, aliases=node_aliases(store, ego) if aliases is None else aliases,
                      about=about)


def path_view(store, source: str, target: str, *, k: int = 3, about: str | None = None) -> str:
    """The whole network with the k shortest explained paths highlighted."""
    from ..analytics.paths import explained_paths
    g = _graph(store, "network")
    paths = explained_paths(g, source, target, k=k)
    nodes = {h[end]["iri"] for p in paths for h in p["hops"] for end in ("from", "to")} | {source, target}
    edges = {(h["from"]["iri"], h["to"]["iri"]) for p in paths for h in p["hops"]}
    la, lb = g.nodes[source].get("label", source), g.nodes[target].get("label", target)
    note = None if paths else f"No path connects {la} and {lb}."
    return graph_html(g, title=f"Paths from {la} to {lb}", highlight_nodes=nodes, highlight_edges=edges,
                      note=note, aliases=node_aliases(store, g), about=about)


def impact_view(store, supplier: str, *, group: bool = True, snap=None, about: str | None = None,
                aliases: dict | None = None) -> str:
    """Who loses what if the supplier (and its corporate group) exits, highlighted.
    ``snap`` (:func:`graph.projection.snapshot.snapshot`) and ``aliases`` (:func:`node_aliases`)
    save re-reading the store for each page of a build."""
    from ..analytics.impact import failure_impact
    from ..projection.views import project
    from ..projection.snapshot import snapshot
    snap = snap if snap is not None else snapshot(store)
    supply = project(None, "supply", snap=snap)
    g = project(None, "network", snap=snap)
    result = failure_impact(supply, supplier, group=group)
    exiting = {s["iri"] for s in result["suppliers"]}
    buyers = {b["iri"] for b in result["buyers"]}
    frameworks = {f["iri"] for f in result["frameworks"]}
    edges = {(s, b) for s in exiting for b in buyers if g.has_edge(s, b)}
    edges |= {(s, f) for s in exiting for f in frameworks if g.has_edge(s, f)}
    edges |= {(s, t) for s in exiting for t in exiting if s != t and g.has_edge(s, t)}
    names = ", ".join(s["label"] for s in result["suppliers"])
    lost = sum(len(b["towers_lost"]) for b in result["buyers"])
    note = (f"{len(buyers)} buyer(s) affected; {lost} buyer–tower pair(s) left without a supplier."
            + ("" if result["buyers"] else " " + " ".join(result["notes"])))
    return graph_html(g, title=f"If {names} failed", highlight_nodes=exiting | buyers | frameworks,
                      highlight_edges=edges, note=note, aliases=node_aliases(store, g) if aliases is None else aliases,
                      about=about)


def tower_view(store, tower: str, *, about: str | None = None) -> str:
    """Who supplies one service tower to whom (the buyer–tower–supplier projection)."""
    g = _graph(store, "towers")
    if tower not in g:
        from ..errors import GraphError
        raise GraphError(f"no counted contract covers the tower <{tower}>")
    sub = g.subgraph({tower, *g[tower]})
    return graph_html(sub, title=f"Who supplies {g.nodes[tower].get('label', tower)} to whom",
                      aliases=node_aliases(store, sub), about=about, columns=("buyer", "tower", "supplier"))


class InlinePage:
    """A graph page that Jupyter shows inline (``_repr_html_``): an ``<iframe srcdoc>``, so
    the page's scripts run in their own sandboxed frame and need no server or file."""

    def __init__(self, page: str, *, height: int = 600):
        self.page, self.height = page, int(height)

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.page, quote=True)}" style="width:100%;'
                f'height:{self.height}px;border:1px solid #e2e8f0" sandbox="allow-scripts"></iframe>')


def notebook_display(page: str, *, height: int = 600) -> InlinePage:
    """Wrap a page for inline display in Jupyter (the last expression of a cell)."""
    return InlinePage(page, height=height)
