"""SHACL validation (pyshacl) turned into a report a person can act on.

Each violation names the focus node by its label and IRI, the property, and what is
wrong, in the words of the shape's ``sh:message``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, asdict
from typing import Iterable

import rdflib
from rdflib.namespace import RDFS, SKOS, DCTERMS, SH

from .namespaces import PREFIXES, SG
from .rdffiles import data_paths, load_graph, shapes_path

__all__ = ["Issue", "ValidationReport", "validate", "validate_graph"]


@dataclass(frozen=True)
class Issue:
    """One SHACL result, in plain words."""

    focus: str
    label: str
    path: str | None
    message: str
    severity: str = "violation"
    value: str | None = None

    def __str__(self) -> str:
        where = f"{self.label} <{self.focus}>" if self.label != self.focus else f"<{self.focus}>"
        prop = f" {self.path}:" if self.path else ""
        return f"{self.severity}: {where}:{prop} {self.message}"


@dataclass
class ValidationReport:
    """Whether the graph conforms, and every issue found."""

    conforms: bool
    issues: list[Issue] = field(default_factory=list)
    triples: int = 0

    def to_dict(self) -> dict:
        return {"conforms": self.conforms, "triples": self.triples,
                "issues": [asdict(i) for i in self.issues]}

    def to_text(self) -> str:
        if self.conforms:
            return f"valid: {self.triples} triples conform to the supplier-graph shapes"
        lines = [str(i) for i in self.issues]
        lines.append(f"{len(self.issues)} problem(s) in {self.triples} triples")
        return "\n".join(lines)


def _qname(graph: rdflib.Graph, term) -> str:
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        for prefix, ns in PREFIXES.items():
            if str(term).startswith(ns) and prefix:
                return f"{prefix}:{str(term)[len(ns):]}"
    return str(term)


def _label(graph: rdflib.Graph, node) -> str:
    for p in (RDFS.label, SKOS.prefLabel, DCTERMS.title, SG.statement):
        v = graph.value(node, p)
        if v is not None:
            return str(v)
    return str(node)


def validate_graph(data: rdflib.Graph, *, shapes: rdflib.Graph | None = None) -> ValidationReport:
    """Validate an rdflib graph (data and ontology together) against the shapes."""
    import pyshacl

    shapes = shapes if shapes is not None else rdflib.Graph().parse(shapes_path(), format="turtle")
    conforms, results, _ = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    issues = []
    for r in results.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = results.value(r, SH.focusNode)
        path = results.value(r, SH.resultPath)
        msg = results.value(r, SH.resultMessage)
        sev = results.value(r, SH.resultSeverity)
        value = results.value(r, SH.value)
        issues.append(Issue(
            focus=str(focus), label=_label(data, focus), path=_qname(data, path),
            message=str(msg) if msg is not None else "does not conform",
            severity={SH.Warning: "warning", SH.Info: "info"}.get(sev, "violation"),
            value=None if value is None else str(value)))
    issues.sort(key=lambda i: (i.label.lower(), i.path or "", i.message))
    return ValidationReport(conforms=bool(conforms), issues=issues, triples=len(data))


def validate(paths: Iterable[str | os.PathLike] | None = None) -> ValidationReport:
    """Parse ``paths`` (default: the bundled graph), add the ontology, and run SHACL.

    Raises :class:`~graph.errors.ParseError` if a file does not parse.
    """
    return validate_graph(load_graph(data_paths(paths)))
