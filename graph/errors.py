"""Every error supplier-graph raises on purpose.

::

    GraphError                  base; carries the CLI exit code
    ├── InputError              a file is missing or unreadable            (exit 2)
    │   └── ParseError          RDF/JSON syntax, as path:line:col: reason  (exit 2)
    ├── QueryError              bad SPARQL, refused or timed-out query     (exit 2)
    ├── EntityNotFound          a name matches no entity (did-you-mean)    (exit 2)
    ├── AmbiguousName           a name matches several entities            (exit 2)
    ├── UnsupportedFormat       an output or input format we do not write  (exit 2)
    └── ValidationError         the graph breaks the SHACL shapes          (exit 1)

The CLI turns each into a message on stderr and ``exit_code``; library callers catch
``GraphError`` or a subclass.
"""

from __future__ import annotations

__all__ = [
    "GraphError", "InputError", "ParseError", "QueryError", "EntityNotFound",
    "AmbiguousName", "UnsupportedFormat", "ValidationError",
]


class GraphError(Exception):
    """Base class of every supplier-graph error."""

    exit_code = 2


class InputError(GraphError):
    """An input file is missing, unreadable, or of a kind we cannot read."""


class ParseError(InputError):
    """A syntax error in an input file, located as ``path:line:col``.

    >>> str(ParseError("data/triples.ttl", 4, 12, "expected '.'"))
    "data/triples.ttl:4:12: expected '.'"
    """

    def __init__(self, path: str, line: int | None, col: int | None, reason: str):
        self.path, self.line, self.col, self.reason = str(path), line, col, reason
        where = self.path
        if line is not None:
            where += f":{line}"
            if col is not None:
                where += f":{col}"
        super().__init__(f"{where}: {reason}")


class QueryError(GraphError):
    """A SPARQL query is malformed, refused (update, SERVICE) or timed out."""


class EntityNotFound(GraphError):
    """No entity has this name; ``suggestions`` holds the nearest names."""

    def __init__(self, name: str, suggestions: list[str] | None = None):
        self.name, self.suggestions = name, list(suggestions or [])
        msg = f"no entity named {name!r}"
        if self.suggestions:
            msg += "; did you mean: " + ", ".join(repr(s) for s in self.suggestions) + "?"
        super().__init__(msg)


class AmbiguousName(GraphError):
    """Several entities answer to this name; ``candidates`` is a list of (label, iri)."""

    def __init__(self, name: str, candidates: list[tuple[str, str]]):
        self.name, self.candidates = name, list(candidates)
        lines = "\n".join(f"  {label}  <{iri}>" for label, iri in self.candidates)
        super().__init__(
            f"{name!r} matches {len(self.candidates)} entities; use one of these names "
            f"or IRIs:\n{lines}")


class UnsupportedFormat(GraphError):
    """A format name we do not read or write."""


class ValidationError(GraphError):
    """The graph does not conform to the SHACL shapes; ``report`` says where."""

    exit_code = 1

    def __init__(self, report):
        self.report = report
        super().__init__(f"{len(report.issues)} SHACL violation(s)")
