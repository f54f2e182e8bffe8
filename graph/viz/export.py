"""Writing the graph's projections out for Gephi and other tools (GraphML, GEXF); the
graph itself as RDF is :func:`graph.model.rdffiles.serialise_rdf`."""

from __future__ import annotations

from ..errors import UnsupportedFormat

__all__ = ["serialise_projection"]


def serialise_projection(g, fmt: str) -> str:
    """A networkx projection as GraphML or GEXF (Gephi). List and dict attributes are
    flattened to text (GraphML has no list type); the caller's graph is not changed.
    """
    import io
    import json

    import networkx as nx

    flat = nx.Graph()
    for n, d in sorted(g.nodes(data=True), key=lambda nd: str(nd[0])):
        flat.add_node(n, label=d.get("label", str(n)), kind=d.get("kind") or "")
    for a, b, d in sorted(g.edges(data=True), key=lambda e: tuple(sorted((str(e[0]), str(e[1]))))):
        attrs = {}
        for k, v in d.items():
            if k in ("oriented", "details"):
                continue
            if isinstance(v, (list, tuple)):
                attrs[k] = "; ".join(map(str, v))
            elif isinstance(v, dict):
                attrs[k] = json.dumps(v, ensure_ascii=False, sort_keys=True)
            else:
                attrs[k] = v
        flat.add_edge(a, b, **attrs)
    buf = io.BytesIO()
    if fmt == "graphml":
        nx.write_graphml(flat, buf, encoding="utf-8")
    elif fmt == "gexf":
        nx.write_gexf(flat, buf, encoding="utf-8")
    else:
        raise UnsupportedFormat(f"unknown projection format {fmt!r}; use graphml or gexf")
    return buf.getvalue().decode("utf-8")
