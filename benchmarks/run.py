"""Scale benchmarks: the tool against the naive path, on synthetic graphs.

Run: python benchmarks/run.py [--scales 1000 10000 100000] [--full] [--repeat 3]

For each scale, `supplier-graph synth` writes N contracts; then each step runs in a new
process (so peak memory, ru_maxrss, is the step's own) and is timed, median of --repeat
runs:

- tool: bulk load into an on-disk Oxigraph store (`load`); every named query on that
  store; the projection; centrality, shared suppliers, concentration, impact of the
  biggest supplier; the JSON report; a viz page of the supply projection;
- naive: rdflib parse of the same file into memory; `rdflib_to_networkx_multidigraph`;
  exact networkx betweenness on that graph (skipped above --naive-betweenness-limit nodes,
  where it takes many minutes; the table says so).

Writes benchmarks/RESULTS.md with the machine it ran on. `--full` adds 1e6 contracts.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

TOOL_STEP = """
import sys, time
from graph.store import open_store
store = open_store(store="oxigraph:" + sys.argv[1])
step = sys.argv[2]
if step == "queries":
    from graph.errors import QueryError
    from graph.sparql import list_queries, run_query
    for q in list_queries():
        if not q.name.startswith("projection-"):
            start = time.perf_counter()
            try:
                run_query(store, q.name, timeout=float(sys.argv[3]))
                print(f"QUERY {q.name} {time.perf_counter() - start:.3f}")
            except QueryError:
                print(f"QUERY {q.name} timeout")
else:
    from graph.projection import project
    g = project(store, "supply")
    if step == "centrality":
        from graph.analytics import centrality; centrality(g)
    elif step == "shared":
        from graph.analytics import shared_suppliers; shared_suppliers(g)
    elif step == "concentration":
        from graph.analytics import concentration; concentration(g)
    elif step == "impact":
        from graph.analytics import failure_impact
        top = max((n for n, d in g.nodes(data=True) if d["kind"] == "supplier"), key=g.degree)
        failure_impact(g, top, group=True)
    elif step == "report":
        from graph.report import build_report, render_json; render_json(build_report(store))
    elif step == "viz":
        from graph.visualise import graph_html; graph_html(g, title="bench")
"""

NAIVE_STEP = """
import sys
import rdflib
g = rdflib.Graph()
g.parse(sys.argv[1], format="nt")
step = sys.argv[2]
if step in ("networkx", "betweenness"):
    from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph
    import networkx as nx
    nxg = rdflib_to_networkx_multidigraph(g)
    print(nxg.number_of_nodes(), file=sys.stderr)
    if step == "betweenness":
        nx.betweenness_centrality(nx.Graph(nxg))
"""


LAST_STDOUT = {"text": ""}


def measure(code: str, args: list[str], repeat: int) -> tuple[float, float]:
    """Median wall time (s) and peak memory (MB, GNU time's maximum RSS) of running
    ``code`` in new processes."""
    times, peaks = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", sys.executable, "-c", code, *args],
                              cwd=ROOT, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if proc.returncode:
            raise RuntimeError(proc.stderr[-2000:])
        peaks.append(int(proc.stderr.rsplit("MAXRSS ", 1)[1].split()[0]) / 1024)
        LAST_STDOUT["text"] = proc.stdout
    return statistics.median(times), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--full", action="store_true", help="add 1,000,000 contracts")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-betweenness-limit", type=int, default=3000,
                        help="skip naive exact betweenness above this many networkx nodes")
    parser.add_argument("--query-timeout", type=float, default=120.0, help="per named query, seconds")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    args = parser.parse_args()
    scales = args.scales + ([1_000_000] if args.full else [])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in scales:
            nt = Path(tmp) / f"synth-{n}.nt"
            subprocess.run([sys.executable, "-m", "graph", "synth", "--contracts", str(n), "--out", str(nt)],
                           cwd=ROOT, check=True, capture_output=True)
            repeat = args.repeat if n <= 10000 else 1
            store = Path(tmp) / f"store-{n}"

            def load_code():
                return ("import shutil, sys; shutil.rmtree(sys.argv[2], ignore_errors=True)\n"
                        "from graph.store import OxigraphStore, data_paths\n"
                        "OxigraphStore(sys.argv[2]).load(data_paths([sys.argv[1]]))")
            t, m = measure(load_code(), [str(nt), str(store)], repeat)
            rows.append((n, "tool", "load into Oxigraph (on disk)", t, m))
            t, m = measure(TOOL_STEP, [str(store), "queries", str(args.query_timeout)], 1)
            rows.append((n, "tool", "all named queries, one process", t, m))
            for line in LAST_STDOUT["text"].splitlines():
                if line.startswith("QUERY "):
                    _, name, secs = line.split()
                    rows.append((n, "tool", f"query {name}", None if secs == "timeout" else float(secs),
                                 "timeout" if secs == "timeout" else None))
            for step, label in [("projection", "projection (supply view)"),
                                ("centrality", "projection + centrality"), ("shared", "projection + shared suppliers"),
                                ("concentration", "projection + concentration"), ("impact", "projection + impact"),
                                ("report", "full report (JSON)"), ("viz", "projection + viz page")]:
                t, m = measure(TOOL_STEP, [str(store), step], repeat)
                rows.append((n, "tool", label, t, m))
                print(f"{n:>9,} tool  {label:<34} {t:8.2f} s {m:8.0f} MB", flush=True)
            for step, label in [("parse", "rdflib parse (in memory)"),
                                ("networkx", "rdflib parse + rdflib_to_networkx_multidigraph")]:
                t, m = measure(NAIVE_STEP, [str(nt), step], repeat)
                rows.append((n, "naive", label, t, m))
                print(f"{n:>9,} naive {label:<34} {t:8.2f} s {m:8.0f} MB", flush=True)
            naive_nodes = n * 7  # the multidigraph has about 7 nodes a contract (literals, classes included)
            if naive_nodes <= args.naive_betweenness_limit:
                t, m = measure(NAIVE_STEP, [str(nt), "betweenness"], 1)
                rows.append((n, "naive", "... + exact betweenness", t, m))
            else:
                rows.append((n, "naive", "... + exact betweenness", None, None))
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, "
               f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB, "
               f"Python {platform.python_version()}, {platform.system()}")
    lines = ["# Scale benchmarks", "",
             f"`python benchmarks/run.py {' '.join(sys.argv[1:])}`. Machine: {machine}. Written {time.strftime('%Y-%m-%d')}.",
             "Each step is a new process; wall time is the median of "
             f"{args.repeat} runs up to 10,000 contracts and one run above; peak memory is the process's maximum RSS.",
             "Tool steps read an on-disk Oxigraph store built by the load step.", "",
             "| contracts | path | step | seconds | peak MB |", "|---:|---|---|---:|---:|"]
    for n, path, label, t, m in rows:
        if m == "timeout":
            cell, m = f"over {args.query_timeout:.0f} (stopped)", None
        else:
            cell = "skipped (too slow)" if t is None else f"{t:.2f}"
        lines.append(f"| {n:,} | {path} | {label} | {cell} | {'' if m is None else f'{m:.0f}'} |")
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
