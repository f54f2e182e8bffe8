"""The endpoint's front door: the project's own query page, and every other request passed
on to Oxigraph's server.

Oxigraph's built-in page (YASGUI) asks a prefix lookup site on the internet as one types,
and knows none of the project's prefixes. The front serves instead a small page of its
own at ``/``: the project's prefixes already declared, results drawn as text, nothing
fetched from anywhere but the endpoint itself. ``/query`` goes to Oxigraph unchanged,
headers and body, and its answer comes back as it is, once the front has checked it:

- a query that :func:`graph.sparql.library.refusal` refuses (SERVICE, an update, LOAD, FROM a
  ``file:`` IRI) gets 403 with the reason, and never reaches the engine;
- ``/update`` gets 403: the endpoint only reads;
- a request body over :data:`MAX_BODY` gets 413, and one of no stated length 411;
- every other path gets 404: the front serves no file, so no path (``..``, ``%2e%2e``)
  can reach one.
"""

from __future__ import annotations

import http.client
import html
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from ..model.namespaces import sparql_prefixes
from ..workers import http_server
from ..sparql.library import UPDATE_REFUSED, refusal

__all__ = ["Front", "query_page", "MAX_BODY"]

#: the largest request body passed on: a query of a megabyte is far beyond any written by
#: hand or by the library, and a larger body is more likely an attempt to tie the server up
MAX_BODY = 1 << 20
_PAGES = ("/", "/index.html")
#: what Oxigraph writes after the rows it has sent when a query runs out of time
_CANCELLED = b"operation has been cancelled"

_PASSED_ON = ("Accept", "Content-Type", "Content-Length", "Accept-Encoding")
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
               "proxy-authenticate", "proxy-authorization"}

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>supplier-graph SPARQL endpoint</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; margin: 1.5rem; color: #1a202c; }
  textarea { width: 100%%; height: 18rem; font: 13px/1.4 ui-monospace, monospace; }
  table { border-collapse: collapse; margin-top: 1rem; font-size: .9rem; }
  th, td { border-bottom: 1px solid #e2e8f0; padding: .25rem .5rem; text-align: left; vertical-align: top; }
  #status { color: #4a5568; margin-left: .5rem; }
</style></head>
<body>
<h1>supplier-graph: read-only SPARQL endpoint</h1>
<p>The project's prefixes are declared below; <code>POST</code> or <code>GET</code> <code>/query</code> from any
SPARQL 1.1 client. Nothing on this page is fetched from the internet.</p>
<form id="form"><textarea id="query" name="query" spellcheck="false">%(text)s</textarea><br>
<button type="submit">Run</button><span id="status"></span></form>
<div id="results"></div>
<script>
"use strict";
// Results are drawn with textContent: nothing from the data becomes HTML.
document.getElementById("form").addEventListener("submit", async function (ev) {
  ev.preventDefault();
  const status = document.getElementById("status"), out = document.getElementById("results");
  out.textContent = ""; status.textContent = "running…";
  const body = new URLSearchParams({ query: document.getElementById("query").value });
  const reply = await fetch("query", { method: "POST", body: body,
    headers: { "Accept": "application/sparql-results+json, text/turtle;q=0.5" } });
  const text = await reply.text();
  if (!reply.ok) { status.textContent = "error " + reply.status; const pre = document.createElement("pre");
    pre.textContent = text; out.appendChild(pre); return; }
  let data;
  try { data = JSON.parse(text); } catch (e) { const pre = document.createElement("pre"); pre.textContent = text;
    out.appendChild(pre); status.textContent = "done"; return; }
  if ("boolean" in data) { status.textContent = "answer: " + data.boolean; return; }
  const vars = data.head.vars, rows = data.results.bindings, table = document.createElement("table");
  const head = table.insertRow();
  for (const v of vars) { const th = document.createElement("th"); th.textContent = v; head.appendChild(th); }
  for (const b of rows) { const tr = table.insertRow();
    for (const v of vars) { tr.insertCell().textContent = b[v] ? b[v].value : ""; } }
  out.appendChild(table);
  status.textContent = rows.length + " row" + (rows.length === 1 ? "" : "s");
});
</script>
</body></html>
"""

_EXAMPLE = "SELECT ?buyer ?supplier ?contract WHERE {\n  ?contract sg:buyer/rdfs:label ?buyer ; " \
           "sg:supplier/rdfs:label ?supplier .\n}\nLIMIT 20\n"


def query_page() -> bytes:
    """The page at ``/``: a query box with the project's prefixes and an example."""
    return (_PAGE % {"text": html.escape(sparql_prefixes() + "\n" + _EXAMPLE)}).encode("utf-8")


class Front:
    """A threaded HTTP server on ``host:port`` in front of Oxigraph's at ``backend``
    (``host:port``): the query page at ``/``, checked queries at ``/query`` passed on."""

    def __init__(self, host: str, port: int, backend: tuple[str, int], timeout: float = 30):
        page = query_page()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # requests are not logged on the terminal
                pass

            def _page(self, head_only: bool) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                if not head_only:
                    self.wfile.write(page)

            def _refuse(self, status: int, reason: str) -> None:
                data = (reason + "\n").encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                if status == 413 or status == 411:  # the body was not read: start afresh
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)

            def _body(self) -> bytes | None:
                """The request body, or None once a refusal has been sent."""
                if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
                    self._refuse(411, "send the query with a Content-Length")
                    return None
                try:
                    length = int(self.headers.get("Content-Length") or 0)
                except ValueError:
                    length = -1
                if length < 0:
                    self._refuse(400, "Content-Length is not a number")
                    return None
                if length > MAX_BODY:
                    if length <= 8 * MAX_BODY:  # read it, so that the client hears the answer
                        left = length
                        while left > 0:
                            chunk = self.rfile.read(min(1 << 16, left))
                            if not chunk:  # the client stopped sending
                                break
                            left -= len(chunk)
                    self._refuse(413, f"the request body is {length:,} bytes; the limit is {MAX_BODY:,}")
                    return None
                return self.rfile.read(length) if length else b""

            def _refusal(self, body: bytes) -> str | None:
                """Why the request may not reach the engine, or None: every query it carries,
                wherever it carries it (the address, a form, the body), is checked, and an
                update is refused however it is sent."""
                kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                forms = [parse_qs(urlsplit(self.path).query)]
                queries = []
                if self.command == "POST" and kind == "application/sparql-update":
                    return UPDATE_REFUSED
                if self.command == "POST" and kind == "application/sparql-query":
                    queries.append(body.decode("utf-8", "replace"))
                elif self.command == "POST":
                    forms.append(parse_qs(body.decode("utf-8", "replace")))
                if any("update" in form for form in forms):
                    return UPDATE_REFUSED
                queries += [q for form in forms for q in form.get("query", [])]
                return next(filter(None, (refusal(q) for q in queries)), None)

            def _pass_on(self, body: bytes) -> None:
                headers = {k: v for k, v in self.headers.items() if k in _PASSED_ON}
                conn = http.client.HTTPConnection(*backend, timeout=600)
                try:
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    reply = conn.getresponse()
                    data = reply.read()
                    if _CANCELLED in data[-200:]:
                        # Oxigraph streams results: past its timeout it has already sent 200
                        # and part of them, then says so in the body. Passed on, a client
                        # would read a cut answer as an error at best, as whole at worst.
                        self._refuse(503, f"the query ran past the server's timeout ({timeout:g} s) "
                                          f"and was stopped; narrow it, or restart serve with a "
                                          f"longer --timeout")
                        return
                    self.send_response(reply.status, reply.reason)
                    for k, v in reply.getheaders():
                        if k.lower() not in _HOP_BY_HOP and k.lower() != "content-length":
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(data)
                except OSError as e:
                    self.send_error(502, f"the SPARQL server did not answer: {e}")
                finally:
                    conn.close()

            def _route(self) -> None:
                path = urlsplit(self.path).path
                if path in _PAGES and self.command in ("GET", "HEAD"):
                    self._page(self.command == "HEAD")
                    return
                body = self._body()
                if body is None:
                    return
                if path == "/update":
                    self._refuse(403, "this endpoint is read-only: updates are refused")
                elif path != "/query":
                    self._refuse(404, "not found: the endpoint is /query, its page /")
                else:
                    why = self._refusal(body)
                    if why:
                        self._refuse(403, why)
                    else:
                        self._pass_on(body)

            do_GET = do_HEAD = do_POST = _route

        self.server, self.thread = http_server((host, port), Handler, "sparql-front")

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
