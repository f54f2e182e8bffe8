"""The endpoint under load, and Virtuoso against the Oxigraph store.

Run: python benchmarks/endpoints.py [--contracts 100000] [--clients 20] [--queries 50]

1. `supplier-graph serve` over the bundled graph: --clients threads, each a SPARQLWrapper
   client sending --queries queries one after another (a mix: a count over every triple,
   a named query's text, a lookup by label, an ASK), all at once. Reports errors and the
   latency of each query (median, 95th percentile, worst).
2. `supplier-graph synth --contracts N`, loaded into an on-disk Oxigraph store (`load`) and
   into Virtuoso (its bulk loader, as docs/virtuoso.md does it); then each command below
   run once as a new process against each, wall time measured.

Prints Markdown tables to paste into benchmarks/RESULTS.md. Needs the test extras
(SPARQLWrapper) and Debian's virtuoso-opensource for part 2 (skipped without it).
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the tests' Virtuoso helper, set up as the docs say
sys.path.insert(0, str(ROOT))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def endpoint_load(clients: int, queries: int) -> str:
    from SPARQLWrapper import JSON, SPARQLWrapper

    from graph.model.namespaces import sparql_prefixes
    from graph.sparql.library import load_query
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "graph", "serve", "--port", str(port), "--timeout", "10"],
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert "SPARQL endpoint" in proc.stderr.readline()
    url = f"http://127.0.0.1:{port}/query"
    mix = ["SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", sparql_prefixes() + load_query("suppliers-of-buyer").text,
           sparql_prefixes() + 'SELECT ?s WHERE { ?s rdfs:label "BT" }', "ASK { ?s ?p ?o }"]

    def client(i):
        s = SPARQLWrapper(url)
        s.setReturnFormat(JSON)
        times, errors = [], 0
        for k in range(queries):
            s.setQuery(mix[(i + k) % len(mix)])
            started = time.perf_counter()
            try:
                s.query().convert()
            except Exception:  # noqa: BLE001 - counted, the point of the benchmark
                errors += 1
            times.append(time.perf_counter() - started)
        return times, errors

    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            results = list(pool.map(client, range(clients)))
        wall = time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(30)
    times = sorted(t for ts, _ in results for t in ts)
    errors = sum(e for _, e in results)
    p = lambda q: times[min(len(times) - 1, int(q * len(times)))] * 1000  # noqa: E731
    return ("| clients × queries | queries | errors | p50 | p95 | worst | wall |\n|---|---|---|---|---|---|---|\n"
            f"| {clients} × {queries} | {len(times):,} | {errors} | {p(0.5):.1f} ms | {p(0.95):.1f} ms | "
            f"{times[-1] * 1000:.0f} ms | {wall:.1f} s |\n")


COMMANDS = [
    ["stats", "--format", "json"],
    ["show", "Synthetic Supplier 1 Ltd"],
    ["show", "supplier 1"],
    ["impact", "Synthetic Supplier 1 Ltd", "--format", "json"],
    ["timeline", "--buyer", "Synthetic Council 0", "--format", "json"],
    ["query", "suppliers-of-buyer", "--param", "buyer=Synthetic Council 0", "--format", "json"],
    ["query", "data-gaps", "--format", "json", "--timeout", "600"],
    ["report", "--format", "json"],
]


def _timed(args) -> tuple[float, str]:
    """Wall time, and "" or what went wrong (the exit code and the error's first line)."""
    started = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True, cwd=ROOT)
    took = time.perf_counter() - started
    error = (out.stderr.strip().splitlines() or [""])[-1][:120]
    return took, "" if out.returncode == 0 else f" (exit {out.returncode}: {error})"


def backends(contracts: int) -> str:
    import virtuoso
    if not virtuoso.available():
        return "(Virtuoso is not installed: apt-get install virtuoso-opensource)\n"
    work = Path(tempfile.mkdtemp(prefix="supplier-graph-backends-"))
    try:
        data = work / "data"
        data.mkdir()
        from graph.model.rdffiles import default_data_paths
        for path in default_data_paths()[1:]:  # the ontology; the bundled articles stay out
            shutil.copy(path, data / path.name)
        subprocess.run([sys.executable, "-m", "graph", "synth", "--contracts", str(contracts),
                        "--out", str(data / "synth.nt")], check=True, cwd=ROOT, capture_output=True)
        store = work / "store"
        ox_load, _ = _timed(["load", str(data / "synth.nt"), "--store", f"oxigraph:{store}"])
        server = virtuoso.Virtuoso(work / "virtuoso", data, max_rows=1_000_000)
        server.start()
        try:
            started = time.perf_counter()
            server.load()
            vt_load = time.perf_counter() - started
            rows = [f"| load | {ox_load:.1f} s | {vt_load:.1f} s |"]
            for args in COMMANDS:
                ox, ox_note = _timed(["--store", f"oxigraph:{store}", *args])
                vt, vt_note = _timed(["--endpoint", server.endpoint, *args])
                rows.append(f"| `{' '.join(args)}` | {ox:.1f} s{ox_note} | {vt:.1f} s{vt_note} |")
        finally:
            server.stop()
        return (f"{contracts:,} synthetic contracts; each command a new process.\n\n"
                "| step | Oxigraph store (`--store`) | Virtuoso (`--endpoint`) |\n|---|---|---|\n"
                + "\n".join(rows) + "\n")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contracts", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--queries", type=int, default=50)
    args = ap.parse_args()
    print(endpoint_load(args.clients, args.queries))
    print(backends(args.contracts))


if __name__ == "__main__":
    main()
