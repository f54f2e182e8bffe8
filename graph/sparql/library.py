"""SPARQL: the library of named queries, parameters, safety checks and result formats.

A named query is a ``graph/queries/NAME.rq`` file whose header comment gives its
``title``, the ``question`` it answers and its ``param`` lines. A parameter is a variable
of the query; binding it adds ``VALUES ?param { ... }`` at the start of the WHERE clause,
so the same text runs unchanged on rdflib, Oxigraph and any SPARQL 1.1 endpoint.

Queries are checked before they run: a syntax error becomes a
:class:`~graph.errors.QueryError` with line and column; updates are refused; ``SERVICE``
(which would make this process fetch arbitrary URLs) is refused unless allowed.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..errors import QueryError, UnsupportedFormat
from ..model.namespaces import sparql_prefixes

__all__ = ["NamedQuery", "list_queries", "load_query", "bind_params", "check_query",
           "prepare_query", "format_result", "RESULT_FORMATS", "GRAPH_FORMATS"]

RESULT_FORMATS = ["table", "csv", "tsv", "json"]
GRAPH_FORMATS = ["turtle", "nt", "jsonld"]
_PARAM = re.compile(r"^#\s*param:\s*(\w+)(?:\s*\((\w+)\))?\s*-\s*(.*)$")


@dataclass
class NamedQuery:
    name: str
    title: str
    question: str
    text: str
    params: dict[str, tuple[str, str]] = field(default_factory=dict)  # name -> (type, help)


def _parse_header(name: str, text: str) -> NamedQuery:
    title = question = ""
    params: dict[str, tuple[str, str]] = {}
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if line.startswith("# title:"):
            title = line.split(":", 1)[1].strip()
        elif line.startswith("# question:"):
            question = line.split(":", 1)[1].strip()
        elif m := _PARAM.match(line):
            params[m.group(1)] = (m.group(2) or "entity", m.group(3).strip())
    return NamedQuery(name, title, question, text, params)


@functools.lru_cache(maxsize=1)
def list_queries() -> tuple[NamedQuery, ...]:
    """Every named query, sorted by name."""
    folder = resources.files("graph") / "queries"
    return tuple(_parse_header(f.name[:-3], f.read_text(encoding="utf-8"))
            for f in sorted(folder.iterdir(), key=lambda f: f.name) if f.name.endswith(".rq"))


def load_query(spec: str) -> NamedQuery:
    """A library name, a path to a ``.rq`` file, or SPARQL text."""
    names = {q.name: q for q in list_queries()}
    if spec in names:
        return names[spec]
    if spec.endswith(".rq") or (len(spec) < 300 and "\n" not in spec and Path(spec).is_file()):
        path = Path(spec)
        if not path.is_file():
            raise QueryError(f"{spec}: no such query file")
        return _parse_header(path.stem, path.read_text(encoding="utf-8"))
    if re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|LOAD|CLEAR|DROP|CREATE)\b", spec, re.I):
        return _parse_header("query", spec)
    import difflib
    close = difflib.get_close_matches(spec, list(names), n=3)
    hint = f"; did you mean: {', '.join(close)}?" if close else "; see `supplier-graph query --list`"
    raise QueryError(f"no named query {spec!r}{hint}")


def string_literal(value: str) -> str:
    r"""``value`` as a SPARQL string literal. JSON's escapes are SPARQL's, as long as
    characters outside ASCII stay as they are: a character beyond the Basic Multilingual
    Plane escaped by JSON is a pair of ``\u`` surrogates, which Oxigraph refuses and rdflib
    misreads.

    >>> print(string_literal('say "hi" 😀'))
    "say \"hi\" 😀"
    """
    return json.dumps(value, ensure_ascii=False)


def _term(value: str, kind: str) -> str:
    if kind == "integer":
        if not re.fullmatch(r"-?\d+", value):
            raise QueryError(f"parameter value {value!r} is not an integer")
        return value
    if kind == "literal":
        return string_literal(value)
    return f"<{value}>"


def bind_params(text: str, values: dict[str, tuple[str, str]]) -> str:
    """Add ``VALUES ?name { term }`` for each bound parameter at the start of WHERE.

    ``values`` maps a parameter name to (value, kind) where kind is entity (an IRI),
    literal or integer.

    >>> bind_params("SELECT ?x WHERE { ?x ?p ?o }", {"x": ("http://e/a", "entity")})
    'SELECT ?x WHERE { VALUES ?x { <http://e/a> }  ?x ?p ?o }'
    """
    if not values:
        return text
    clause = " ".join(f"VALUES ?{n} {{ {_term(v, k)} }} " for n, (v, k) in values.items())
    m = re.search(r"\bWHERE\s*\{", text, re.I)
    if not m:
        raise QueryError("parameters need a query with a WHERE clause")
    return text[:m.end()] + " " + clause + text[m.end():]


def _strip(text: str) -> str:
    """Query text without comments, strings and IRIs (``<>``, or ``<file:>`` for a file
    IRI), for keyword checks."""
    text = re.sub(r'"""(?:.|\n)*?"""|\'\'\'(?:.|\n)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'', '""', text)
    text = re.sub(r"<([^<>\s]*)>", lambda m: "<file:>" if m.group(1).lower().startswith("file:") else "<>", text)
    return re.sub(r"#[^\n]*", "", text)


_UPDATE = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


#: why an update is refused, wherever it is sent (the command line, the endpoint's front)
UPDATE_REFUSED = "update operations are refused: this tool only reads the graph"


def _after_prologue(stripped: str) -> str:
    """A stripped query (:func:`_strip`) from its first keyword after PREFIX and BASE."""
    return re.sub(r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*<(?:file:)?>|BASE\s*<(?:file:)?>)\s*)*", "", stripped, flags=re.I)


def refusal(text: str, *, allow_service: bool = False) -> str | None:
    """Why the query must not run here, or None: an update (``INSERT``, ``LOAD`` ...); a
    ``SERVICE`` clause unless ``allow_service``; a ``FROM`` or ``FROM NAMED`` naming a
    ``file:`` IRI, which asks the engine to read a local file. Checked on the text without
    its comments and strings, so a keyword inside a literal is no refusal.

    >>> refusal("SELECT * WHERE { ?s ?p 'SERVICE' }") is None
    True
    >>> refusal("SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    'a file: IRI in FROM is refused: it would make the server read a local file'
    """
    stripped = _strip(text)
    if re.search(r"\bFROM\s+(?:NAMED\s+)?<file:>", stripped, re.I):
        return "a file: IRI in FROM is refused: it would make the server read a local file"
    if not allow_service and re.search(r"\bSERVICE\b", stripped, re.I):
        return ("SERVICE (federated query) is refused: it would make this process "
                "fetch other URLs; pass --allow-service to allow it")
    body = _after_prologue(stripped)
    m = re.match(r"(" + "|".join(_UPDATE) + r")\b", body, re.I)
    if m or re.search(r";\s*(?:" + "|".join(_UPDATE) + r")\b", body, re.I):
        return UPDATE_REFUSED
    return None


def check_query(text: str, *, allow_service: bool = False) -> str:
    """Check ``text`` and return its form (SELECT, ASK, CONSTRUCT, DESCRIBE).

    Raises :class:`QueryError` for a syntax error (with line and column), or for a query
    :func:`refusal` refuses. Nothing is evaluated against the data.

    >>> check_query("SELECT * WHERE { ?s ?p ?o }")
    'SELECT'
    >>> check_query("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    graph.errors.QueryError: SERVICE (federated query) is refused: it would make this process fetch other URLs; pass --allow-service to allow it
    """
    refused = refusal(text, allow_service=allow_service)
    if refused:
        raise QueryError(refused)
    body = _after_prologue(_strip(text))
    m = re.match(r"(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.I)
    if not allow_service or not m:
        import pyoxigraph
        try:
            pyoxigraph.Store().query(text)  # an empty store: parses, evaluates nothing
        except SyntaxError as e:
            raise QueryError(_syntax_message(text, str(e))) from None
    if not m:  # pragma: no cover - a query Oxigraph accepts always starts with a form
        raise QueryError("not a SELECT, ASK, CONSTRUCT or DESCRIBE query")
    return m.group(1).upper()


def _syntax_message(text: str, error: str) -> str:
    """'SPARQL syntax error at line L, column C: reason' with the line and a caret."""
    m = re.match(r"error at (\d+):(\d+): (.*)", error, re.S)
    line, col, reason = (int(m.group(1)), max(1, int(m.group(2))), m.group(3).strip()) if m else (1, 1, error)
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    return (f"SPARQL syntax error at line {line}, column {col}: {reason}\n"
            f"  {source}\n  {' ' * (col - 1)}^")


def prepare_query(text: str, *, allow_service: bool = False) -> tuple[str, str]:
    """Add the project's prefixes (where the query does not declare them) and check it.

    Returns (form, full text).
    """
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w-]*):", text, re.I)}
    lines = [l for l in sparql_prefixes().splitlines(keepends=True)
             if l.split()[1][:-1].lower() not in declared]
    full = "".join(lines) + text
    try:
        form = check_query(full, allow_service=allow_service)
    except QueryError as e:
        # report positions in the user's own text, not in the prefixed one
        msg = str(e)
        m = re.match(r"SPARQL syntax error at line (\d+)", msg)
        if m:
            msg = msg.replace(f"line {m.group(1)}", f"line {int(m.group(1)) - len(lines)}", 1)
        raise QueryError(msg) from None
    return form, full


def variant_text(name: str, engine: str | None) -> str | None:
    """The text of ``graph/queries/<engine>/<name>.rq``, or None if there is none."""
    if not engine:
        return None
    path = resources.files("graph") / "queries" / engine / f"{name}.rq"
    return path.read_text(encoding="utf-8") if path.is_file() else None


_DECIMAL = "http://www.w3.org/2001/XMLSchema#decimal"


def _cell(term) -> str:
    """A term as text; decimals in canonical form, so every backend prints the same."""
    if term is None:
        return ""
    if getattr(term, "datatype", None) is not None and str(term.datatype) == _DECIMAL:
        from decimal import Decimal, InvalidOperation
        try:
            d = Decimal(str(term)).normalize()
            return format(d, "f")
        except InvalidOperation:
            return str(term)
    return str(term)


#: Query columns that hold money, drawn as money in tables (raw in CSV, TSV and JSON).
_MONEY_COLUMNS = {"amount", "total", "ceiling", "value", "totalValue", "annualValue"}
_DURATION_COLUMNS = {"duration", "extensionOption", "dueToEndWithin"}


def format_result(result, form: str, fmt: str, *, iri: bool = False) -> str:
    """Serialise an rdflib query ``result``: tables for SELECT/ASK, RDF for graphs.

    A table is for people: a column of IRIs beside a column of their labels (``?buyer``
    beside ``?buyerLabel``) is left out, unless ``iri``, and amounts read as money; CSV,
    TSV and JSON keep every column, and the numbers."""
    if form in ("CONSTRUCT", "DESCRIBE"):
        if fmt not in GRAPH_FORMATS:
            raise UnsupportedFormat(f"a {form} query gives a graph; use --format {'|'.join(GRAPH_FORMATS)}")
        from ..model.rdffiles import serialise_rdf
        return serialise_rdf(result.graph, fmt)
    if fmt not in RESULT_FORMATS:
        raise UnsupportedFormat(f"a {form} query gives results; use --format {'|'.join(RESULT_FORMATS)}")
    if fmt == "json":
        return result.serialize(format="json").decode("utf-8") + "\n"
    if form == "ASK":
        return ("true" if result.askAnswer else "false") + "\n"
    from ..tables import render, spreadsheet_safe
    names = [str(v) for v in result.vars]
    rows = [[_cell(r[i]) for i in range(len(names))] for r in result]
    if fmt == "tsv":
        lines = ["\t".join(f"?{n}" for n in names)]
        lines += ["\t".join(spreadsheet_safe(" ".join(c.split("\t")).replace("\r", " ").replace("\n", " "))
                            for c in r) for r in rows]
        return "\n".join(lines) + "\n"
    shown = names
    if fmt == "table" and not iri:
        kinds = [[getattr(r[i], "__class__", type(None)).__name__ for r in result] for i in range(len(names))]
        shown = [n for i, n in enumerate(names)
                 if not (f"{n}Label" in names and kinds[i] and all(k in ("URIRef", "NoneType") for k in kinds[i]))]
    table_rows = [dict(zip(names, r)) for r in rows]
    if fmt == "table":  # for people, an amount beside its currency reads as money (£155m), P5Y as 5 years
        from ..dates import say_duration
        from ..tables import money
        for row in table_rows:
            for name in names:
                if name in _MONEY_COLUMNS and row[name]:
                    try:
                        row[name] = money(float(row[name]), row.get("currency") or "GBP")
                    except ValueError:
                        pass
                elif name in _DURATION_COLUMNS and row[name]:
                    row[name] = say_duration(row[name])
    text = render(table_rows, shown, fmt)
    if fmt == "table":
        hidden = len(names) - len(shown)
        text += f"({len(rows)} row{'s' if len(rows) != 1 else ''}" + (
            f"; {hidden} column{'s' if hidden != 1 else ''} of IRIs left out: --iri shows them" if hidden else "") + ")\n"
    return text
