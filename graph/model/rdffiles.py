"""RDF files: which ones a command reads, and reading them with errors a person can act on.

This is the one place input files are parsed, so the one place parse errors are
wrapped. Every failure names the file and, where the file has one, ``line:col``:

- rdflib's Turtle ``BadSyntax`` counts lines from 0 and is no rdflib error class; on a
  truncated file its parser fails instead with a bare ``IndexError`` or ``AssertionError``
  that says nothing of where. Oxigraph's parser, read again over the same bytes, says
  where, so a failure rdflib cannot place is placed by Oxigraph.
- A UTF-8 byte-order mark, which Windows editors write, is skipped. A file in another
  encoding (UTF-16, Windows-1252) is named as such, with the command that converts it.
- An empty file, or a directory with no RDF file in it, named as the data to read, is an
  error: a command never quietly answers from no data, or from other data than named.

Written out (:func:`serialise_rdf`), a graph reads the same every time: N-Triples and
JSON-LD sorted, so that two exports of one graph are byte-identical.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Iterable

from ..errors import InputError, ParseError, UnsupportedFormat

__all__ = [
    "bundled_path", "default_data_paths", "data_paths", "ontology_paths", "shapes_path",
    "expand_paths", "rdf_format", "load_graph", "read_rdf_bytes", "has_bom", "located",
    "RDF_FORMATS", "serialise_rdf",
]

_FORMATS = {
    ".ttl": "turtle", ".turtle": "turtle", ".nt": "nt", ".ntriples": "nt",
    ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld", ".json": "json-ld",
    ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".n3": "n3",
}
#: the formats Oxigraph reads, by rdflib's names
_OXIGRAPH = {"turtle": "TURTLE", "nt": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG",
             "json-ld": "JSON_LD", "xml": "RDF_XML", "n3": "N3"}
UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = {b"\xff\xfe": "UTF-16", b"\xfe\xff": "UTF-16"}


def bundled_path(*parts: str) -> Path:
    """Path of a bundled file (``data/triples.ttl``, ``ontology/...``).

    Works from a source checkout and from an installed wheel, which carries the files
    under ``graph/_bundled``.
    """
    here = Path(__file__).resolve().parent.parent  # the package: graph/
    for root in (here / "_bundled", here.parent):
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
    raise InputError(f"bundled file {'/'.join(parts)} is missing from this installation")


def ontology_paths() -> list[Path]:
    """The ontology and the service-tower scheme (not the shapes)."""
    return [bundled_path("ontology", "supplier-graph.ttl"), bundled_path("ontology", "towers.ttl")]


def shapes_path() -> Path:
    return bundled_path("ontology", "shapes.ttl")


def default_data_paths() -> list[Path]:
    """The curated graph plus the ontology: what every command reads by default."""
    return [bundled_path("data", "triples.ttl"), *ontology_paths()]


def data_paths(data: Iterable[str | os.PathLike] | None = None) -> list[Path]:
    """What a command reads: ``data`` (default: the bundled graph) plus the ontology.

    The ontology always comes along, so a user's own file needs no vocabulary of its own.
    A file named in ``data`` that is empty, or a directory with no RDF file, is an
    :class:`InputError`.
    """
    if data is None:
        return default_data_paths()
    files = []
    for named in data:
        found = expand_paths([named])
        if not found:
            raise InputError(f"{named}: the directory holds no RDF file "
                             f"({', '.join(sorted(_FORMATS))})")
        for f in found:
            if _is_blank(f):
                raise InputError(f"{f}: the file is empty; name a file with data in it "
                                 f"(supplier-graph reads no other data in its place)")
        files += found
    seen = {f.resolve() for f in files}
    return files + [p for p in ontology_paths() if p.resolve() not in seen]


def _is_blank(path: Path) -> bool:
    """Nothing but white space (and a byte-order mark): read no further than the first
    character that is not."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
            while head:
                if head.removeprefix(UTF8_BOM).strip():
                    return False
                head = f.read(4096)
    except OSError as e:
        raise InputError(f"{path}: cannot read: {e.strerror}") from e
    return True


def rdf_format(path: str | os.PathLike) -> str:
    """The rdflib parser name for a file, from its suffix.

    >>> rdf_format("data/triples.ttl"), rdf_format("x.nt"), rdf_format("x.jsonld")
    ('turtle', 'nt', 'json-ld')
    """
    suffix = Path(path).suffix.lower()
    try:
        return _FORMATS[suffix]
    except KeyError:
        known = ", ".join(sorted(_FORMATS))
        raise InputError(f"{path}: cannot tell the RDF format from {suffix or 'no suffix'!r}; "
                         f"use one of {known}") from None


def oxigraph_format(path: str | os.PathLike):
    import pyoxigraph
    return getattr(pyoxigraph.RdfFormat, _OXIGRAPH[rdf_format(path)])


def expand_paths(paths: Iterable[str | os.PathLike]) -> list[Path]:
    """Files named, with directories expanded to the RDF files in them (sorted)."""
    out: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.suffix.lower() in _FORMATS))
        elif p.exists():
            out.append(p)
        else:
            raise InputError(f"{p}: no such file or directory")
    return out


def has_bom(path: Path) -> bool:
    """Whether the file starts with a UTF-8 byte-order mark; an error if it is UTF-16."""
    with open(path, "rb") as f:
        head = f.read(4)
    for mark, name in _UTF16_BOMS.items():
        if head.startswith(mark):
            raise _not_utf8(str(path), name)
    return head.startswith(UTF8_BOM)


def read_rdf_bytes(path: Path, display: str | None = None) -> bytes:
    """The file's bytes, without a UTF-8 byte-order mark; an :class:`InputError` naming
    the encoding if a text format is not UTF-8."""
    display = display or str(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{display}: cannot read: {e.strerror}") from e
    if rdf_format(path) == "xml":  # XML declares its own encoding
        return data
    for mark, name in _UTF16_BOMS.items():
        if data.startswith(mark):
            raise _not_utf8(display, name)
    data = data.removeprefix(UTF8_BOM)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise _bad_byte(display, data, e.start) from None
    return data


def _not_utf8(display: str, encoding: str) -> InputError:
    stem = Path(display)
    converted = stem.with_name(f"{stem.stem}-utf8{stem.suffix}")
    return InputError(f"{display}: the file is {encoding}, not UTF-8 as RDF text formats are; "
                      f"convert it with: iconv -f {encoding} -t UTF-8 {display} > {converted}")


def _bad_byte(display: str, data: bytes, offset: int) -> ParseError:
    line = data.count(b"\n", 0, offset) + 1
    col = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    if data[:200].count(b"\x00") > 20:  # every other byte zero: UTF-16 without its mark
        encoding = "UTF-16"
    else:
        encoding = "Windows-1252 (Latin-1)"
    source = "UTF-16" if encoding == "UTF-16" else "CP1252"
    stem = Path(display)
    converted = stem.with_name(f"{stem.stem}-utf8{stem.suffix}")
    return ParseError(display, line, col,
                      f"byte 0x{data[offset]:02x} is not UTF-8; the file looks like {encoding}: "
                      f"convert it with: iconv -f {source} -t UTF-8 {display} > {converted}")


def located(display: str, data: bytes, fmt: str, reason: str) -> ParseError:
    """A parse error placed by Oxigraph's parser over ``data``, or, if it finds none (the
    two parsers disagree), ``reason`` with no place."""
    import pyoxigraph
    if fmt in _OXIGRAPH and fmt != "xml":
        try:
            for _ in pyoxigraph.parse(data, format=getattr(pyoxigraph.RdfFormat, _OXIGRAPH[fmt]),
                                      base_iri="http://localhost/"):
                pass
        except SyntaxError as e:
            return oxigraph_error(display, e)
    return ParseError(display, None, None, reason)


def oxigraph_error(display: str, e: SyntaxError) -> ParseError:
    """Oxigraph's ``SyntaxError`` as ``path:line:col: reason``."""
    reason = e.msg or str(e)
    if reason.startswith("Parser error at line"):  # the place comes separately
        reason = reason.split(": ", 1)[-1]
    if " (line " in reason:
        reason = reason.rsplit(" (line ", 1)[0]
    return ParseError(display, e.lineno, e.offset, reason.strip())


def _parse_into(graph, path: Path, display: str) -> None:
    from rdflib.plugins.parsers.notation3 import BadSyntax
    fmt = rdf_format(path)
    data = read_rdf_bytes(path, display)
    try:
        graph.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except BadSyntax as e:
        text = e._str if isinstance(e._str, bytes) else str(e._str).encode()
        col = e._i - (text.rfind(b"\n", 0, e._i) + 1) + 1
        if col < 1:  # rdflib lost its place (seen on a file cut inside an IRI)
            raise located(display, data, fmt, e._why) from e
        raise ParseError(display, e.lines + 1, col, e._why) from e
    except json.JSONDecodeError as e:
        raise ParseError(display, e.lineno, e.colno, e.msg) from e
    except Exception as e:  # every other parser, and rdflib's own failures on truncated input
        line = getattr(e, "getLineNumber", lambda: None)()
        col = getattr(e, "getColumnNumber", lambda: None)()
        reason = getattr(e, "getMessage", lambda: None)() or (str(e).strip().splitlines() or [type(e).__name__])[0]
        if line is not None:
            raise ParseError(display, line, col, reason) from e
        raise located(display, data, fmt, reason) from e


def load_graph(paths: Iterable[str | os.PathLike] | None = None):
    """Parse RDF files into one in-memory rdflib graph.

    ``paths`` defaults to :func:`default_data_paths`. Directories are expanded. Raises
    :class:`ParseError` (``path:line:col: reason``) on a syntax error and
    :class:`InputError` on a missing or unreadable file.
    """
    import rdflib

    from .namespaces import PREFIXES
    files = default_data_paths() if paths is None else expand_paths(paths)
    graph = rdflib.Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
    for f in files:
        _parse_into(graph, Path(f), str(f))
    return graph


#: format name -> (rdflib serialiser, file suffix)
RDF_FORMATS = {"turtle": ("turtle", ".ttl"), "nt": ("nt", ".nt"), "jsonld": ("json-ld", ".jsonld")}


def serialise_rdf(graph, fmt: str) -> str:
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
