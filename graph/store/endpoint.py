"""A remote SPARQL 1.1 endpoint as a :class:`~graph.store.base.Store` (``--endpoint URL``):
Oxigraph, Fuseki, GraphDB, Neptune, ``supplier-graph serve``, or Virtuoso.

What a remote server may do to an answer, and what is done about it here:

- **Capped answers.** Virtuoso returns at most ``ResultSetMaxRows`` rows (10,000 as
  shipped), and never more than 2^20 over HTTP, and says nothing when it stops. An answer
  as long as the cap is counted again on the server (``COUNT(*)`` over the same query):
  if the server holds more rows, the command stops with an error saying how to raise the
  cap. A cut answer is never presented as whole.
- **Virtuoso's dialect** (the server says it is Virtuoso in its ``Server`` header):
  - with ORDER BY, a pattern ``?x rdf:type/rdfs:subClassOf* C`` loses rows (19 rows
    became 2 on the bundled graph); the same pattern in a subquery keeps them all, so each
    query is sent with it there;
  - booleans come back as 1 and 0: read back here as true and false;
  - ``xsd:duration`` is stored as a number, months for years and months (``P5Y`` comes
    back as ``60``), seconds for days and times: read back here as ``P5Y``, ``P30D``. A
    duration of both kinds (``P1Y2D``) loses its days inside Virtuoso: docs/virtuoso.md.
"""

from __future__ import annotations

import re

from ..errors import InputError, QueryError
from .base import Store, parse_result, timed_out

__all__ = ["EndpointStore", "for_virtuoso", "VIRTUOSO_HTTP_ROWS"]

#: Virtuoso's HTTP answers hold at most this many rows, whatever ResultSetMaxRows says
VIRTUOSO_HTTP_ROWS = 1 << 20
#: the cap Virtuoso ships with (``[SPARQL] ResultSetMaxRows``)
VIRTUOSO_DEFAULT_ROWS = 10000
_DURATION = "http://www.w3.org/2001/XMLSchema#duration"
_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_PROLOGUE = re.compile(r"^((?:\s|#[^\n]*\n|PREFIX\s+[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)*)(.*)$", re.S | re.I)
_SUBCLASS_PATH = re.compile(
    r"(?P<var>\?\w+)\s+(?P<typed>(?:rdf:type|a|<http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type>)\s*/\s*)?"
    r"(?:rdfs:subClassOf|<http://www\.w3\.org/2000/01/rdf-schema#subClassOf>)\*\s+"
    r"(?P<obj>\?\w+|[\w-]*:[\w-]*|<[^>]+>)\s*(?P<end>[;.}])")


def for_virtuoso(query: str, subclasses) -> str:
    """``query`` with each ``rdfs:subClassOf*`` pattern (``?x rdf:type/rdfs:subClassOf* C``,
    ``?k rdfs:subClassOf* C``) replaced by the classes it matches, as inline data: Virtuoso
    loses rows where such a path meets ORDER BY and OPTIONAL. ``subclasses(iri)`` gives
    the IRIs of ``iri`` and of every class below it; ``subclasses(None)`` every pair
    (class, superclass), for a pattern whose class is a variable. The rows are the same.

    >>> tree = lambda c: ["urn:A", "urn:B"] if c else [("urn:A", "urn:A"), ("urn:B", "urn:A")]
    >>> print(for_virtuoso("SELECT ?c WHERE { ?c rdf:type/rdfs:subClassOf* <urn:A> ; rdfs:label ?l }", tree))
    SELECT ?c WHERE { ?c rdf:type ?c_type . VALUES ?c_type { <urn:A> <urn:B> } ?c rdfs:label ?l }
    >>> print(for_virtuoso("SELECT ?k WHERE { ?k rdfs:subClassOf* ?super . }", tree))
    SELECT ?k WHERE { VALUES (?k ?super) { (<urn:A> <urn:A>) (<urn:B> <urn:A>) } }
    """
    prefixes = dict(re.findall(r"PREFIX\s+([\w.-]*):\s*<([^>]*)>", query, re.I))

    def iri(name: str) -> str:
        if name.startswith("<"):
            return name[1:-1]
        prefix, _, local = name.partition(":")
        return prefixes.get(prefix, prefix + ":") + local

    def sub(m):
        var, typed, obj, end = m.group("var"), m.group("typed"), m.group("obj"), m.group("end")
        target = f"{var}_type" if typed else var
        if obj.startswith("?"):
            rows = " ".join(f"(<{a}> <{b}>)" for a, b in subclasses(None))
            values = f"VALUES ({target} {obj}) {{ {rows} }}"
        else:
            values = f"VALUES {target} {{ {' '.join(f'<{c}>' for c in subclasses(iri(obj)))} }}"
        pattern = f"{var} rdf:type {target} . {values}" if typed else values
        return pattern + {";": f" {var}", ".": "", "}": " }"}[end]
    return _SUBCLASS_PATH.sub(sub, query)


def _months_or_seconds(value: str) -> str | None:
    """Virtuoso's number for a duration as the duration: an integer is months, a decimal
    or exponent form is seconds (how Virtuoso writes each kind back)."""
    try:
        if re.fullmatch(r"-?\d+", value):
            months = int(value)
            sign, months = ("-" if months < 0 else ""), abs(months)
            years, rest = divmod(months, 12)
            body = (f"{years}Y" if years else "") + (f"{rest}M" if rest or not years else "")
            return f"{sign}P{body}"
        seconds = float(value)
    except ValueError:
        return None
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86400)
    if rest == 0:
        return f"{sign}P{int(days)}D"
    return f"{sign}P{int(days)}DT{rest:g}S" if days else f"{sign}PT{rest:g}S"


class EndpointStore(Store):
    """A remote SPARQL 1.1 endpoint. ``max_rows`` is the most rows the server returns in
    one answer, if it caps them (Virtuoso: its ResultSetMaxRows, taken as 10,000 unless
    given); None: no cap."""

    concurrent = True

    def __init__(self, url: str, *, max_rows: int | None = None):
        if not re.match(r"^https?://", url):
            raise InputError(f"endpoint {url!r} is not an http(s) URL")
        self.url = url
        self._max_rows = max_rows
        self._server: str | None = None
        self._classes: dict[str, set[str]] | None = None

    @property
    def virtuoso(self) -> bool:
        if self._server is None:
            self._post("ASK {}", "application/sparql-results+json", None)
        return "virtuoso" in (self._server or "").lower()

    @property
    def max_rows(self) -> int | None:
        if self.virtuoso:
            return min(self._max_rows or VIRTUOSO_DEFAULT_ROWS, VIRTUOSO_HTTP_ROWS)
        return self._max_rows

    def _subclasses(self, cls: str | None):
        """The classes at or below ``cls`` in the server's class hierarchy (its
        ``rdfs:subClassOf`` triples, closed here); with None, every (class, superclass) pair."""
        if self._classes is None:
            pairs = [tuple(t["value"] for t in (b["sub"], b["super"])) for b in self._json(
                "SELECT DISTINCT ?sub ?super WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?super "
                "FILTER (isIRI(?sub) && isIRI(?super)) }")]
            typed = [b["c"]["value"] for b in self._json("SELECT DISTINCT ?c WHERE { [] a ?c FILTER isIRI(?c) }")]
            below: dict[str, set[str]] = {}
            for c in {*typed, *(a for a, _ in pairs), *(b for _, b in pairs)}:
                below.setdefault(c, {c})
            changed = True
            while changed:  # the transitive closure; the ontology has tens of classes
                changed = False
                for sub_, sup in pairs:
                    if not below[sub_] <= below[sup]:
                        below[sup] |= below[sub_]
                        changed = True
            self._classes = below
        if cls is None:
            return sorted((sub_, sup) for sup, subs in self._classes.items() for sub_ in subs)
        return sorted(self._classes.get(cls, {cls}))

    def _json(self, query: str) -> list[dict]:
        import orjson
        return orjson.loads(self._post(query, "application/sparql-results+json", None))["results"]["bindings"]

    def _post(self, query: str, accept: str, timeout: float | None) -> bytes:
        import urllib.error
        import urllib.parse
        import urllib.request

        body = urllib.parse.urlencode({"query": query}).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(request, timeout=timeout or 300) as response:
                self._server = response.headers.get("Server") or ""
                return response.read()
        except urllib.error.HTTPError as e:
            detail = e.read().decode("utf-8", "replace").strip()[:500]
            raise QueryError(f"{self.url} answered HTTP {e.code}: {detail}") from e
        except TimeoutError as e:
            raise timed_out(timeout or 300) from e
        except urllib.error.URLError as e:
            if isinstance(e.reason, TimeoutError):
                raise timed_out(timeout or 300) from e
            raise InputError(f"cannot reach {self.url}: {e.reason}") from e

    def execute(self, query: str, form: str, *, timeout: float | None = None):
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph_form else "application/sparql-results+json"
        if self.virtuoso:
            query = for_virtuoso(query, self._subclasses)
        data = self._post(query, accept, timeout)
        if not graph_form and self.virtuoso:
            data = self._canonical(data)
        try:
            result = parse_result(data, form)
        except Exception as e:
            raise QueryError(f"{self.url} sent an answer that does not parse ({e}); the server "
                             f"may have stopped the query part-way (its own timeout)") from e
        self._check_whole(query, form, result, timeout)
        return result

    def _canonical(self, data: bytes) -> bytes:
        """Virtuoso's durations (numbers) as durations, and its booleans (1, 0) in their
        canonical form, so that every engine's answer reads the same."""
        import orjson
        if _DURATION.encode() not in data and _BOOLEAN.encode() not in data:
            return data
        doc = orjson.loads(data)
        for row in doc.get("results", {}).get("bindings", []):
            for term in row.values():
                kind = term.get("datatype")
                if kind == _DURATION:
                    term["value"] = _months_or_seconds(term["value"]) or term["value"]
                elif kind == _BOOLEAN:
                    term["value"] = {"1": "true", "0": "false"}.get(term["value"], term["value"])
        return orjson.dumps(doc)

    def _check_whole(self, query: str, form: str, result, timeout) -> None:
        """Raise :class:`QueryError` if the answer is as long as the server's cap and the
        server holds more: the answer was cut."""
        cap = self.max_rows
        if cap is None or form == "ASK":
            return
        got = len(result.graph) if form in ("CONSTRUCT", "DESCRIBE") else len(result)
        if got < cap:
            return
        if form in ("CONSTRUCT", "DESCRIBE"):
            raise QueryError(self._cut(got, None))
        prologue, body = _PROLOGUE.match(query).groups()
        count = f"{prologue}SELECT (COUNT(*) AS ?rows) WHERE {{ {{ {body} }} }}"
        rows = parse_result(self._post(count, "application/sparql-results+json", timeout), "SELECT")
        held = int(next(iter(rows))[0])
        if held > got:
            raise QueryError(self._cut(got, held))

    def _cut(self, got: int, held: int | None) -> str:
        of = f" of the {held:,} the query selects" if held else ""
        where = ("raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini and restart it, "
                 "then pass --endpoint-max-rows with the new cap (docs/virtuoso.md)"
                 if self.virtuoso else "raise the server's cap on results, and pass --endpoint-max-rows")
        limit = (f"; Virtuoso never sends more than {VIRTUOSO_HTTP_ROWS:,} rows over HTTP"
                 if got >= VIRTUOSO_HTTP_ROWS else "")
        cut = "the answer was cut" if held else "the answer may have been cut (a graph's triples are not counted again)"
        return (f"{self.url} sent {got:,} rows{of}, as many as it sends in one answer: {cut}, "
                f"and is not shown as if whole; {where}{limit}")
