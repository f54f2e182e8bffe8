"""The endpoint's front door: the project's own query page, and every other request passed
on to Oxigraph's server.

Oxigraph's built-in page (YASGUI) asks a prefix lookup site on the internet as one types,
and knows none of the project's prefixes. The front serves instead a small page of its
own at ``/``: the project's prefixes already declared, results drawn as text, nothing
fetched from anywhere but the endpoint itself. Every other path (``/query``, ``/sparql``,
``/update``, which the read-only server refuses) goes to Oxigraph unchanged, headers and
body, and its answer comes back as it is.
"""

from __future__ import annotations

import http.client
import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .namespaces import sparql_prefixes

__all__ = ["Front", "query_page"]

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
    (``host:port``): the query page at ``/``, everything else passed on."""

    def __init__(self, host: str, port: int, backend: tuple[str, int]):
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

            def _pass_on(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k in _PASSED_ON}
                conn = http.client.HTTPConnection(*backend, timeout=600)
                try:
                    conn.request(self.command, self.path, body=body, headers=headers)
                    reply = conn.getresponse()
                    data = reply.read()
                    self.send_response(reply.status, reply.reason)
                    for k, v in reply.getheaders():
                        if k.lower() not in _HOP_BY_HOP and k.lower() != "content-length":
                            self.send_header(k, v)
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError as e:
                    self.send_error(502, f"the SPARQL server did not answer: {e}")
                finally:
                    conn.close()

            def do_GET(self):
                if self.path in ("/", "/index.html"):
                    self._page(False)
                else:
                    self._pass_on()

            def do_HEAD(self):
                if self.path in ("/", "/index.html"):
                    self._page(True)
                else:
                    self._pass_on()

            def do_POST(self):
                self._pass_on()

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="sparql-front", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
