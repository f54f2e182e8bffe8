"""Writing the graph out as RDF (Turtle, N-Triples, JSON-LD)."""

from __future__ import annotations

import rdflib

from .errors import UnsupportedFormat

__all__ = ["RDF_FORMATS", "serialise_rdf", "serialise_projection"]

#: format name -> (rdflib serialiser, file suffix)
RDF_FORMATS = {"turtle": ("turtle", ".ttl"), "nt": ("nt", ".nt"), "jsonld": ("json-ld", ".jsonld")}


def serialise_rdf(graph: rdflib.Graph, fmt: str) -> str:
    """The graph in ``fmt`` (``turtle``, ``nt`` or ``jsonld``), as text.

    N-Triples are sorted, so that two exports of the same graph are byte-identical.
    """
    try:
        name, _ = RDF_FORMATS[fmt]
    except KeyError:
        raise UnsupportedFormat(
            f"unknown RDF format {fmt!r}; use one of {', '.join(RDF_FORMATS)}") from None
    if name == "nt":
        lines = graph.serialize(format="nt").splitlines()
        return "\n".join(sorted(l for l in lines if l.strip())) + "\n"
    if name == "json-ld":
        from .namespaces import PREFIXES
        import json
        doc = json.loads(graph.serialize(format="json-ld", context={k: v for k, v in PREFIXES.items() if k}))
        # rdflib emits nodes and values in set order; sort them so that exports are stable
        key = lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False)  # noqa: E731
        nodes = doc.get("@graph", [])
        for node in nodes:
            for k, v in node.items():
                if isinstance(v, list):
                    node[k] = sorted(v, key=key)
        doc["@graph"] = sorted(nodes, key=lambda n: str(n.get("@id")))
        return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    return graph.serialize(format=name)


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
