"""Scale benchmarks: the tool against the naive path, on synthetic graphs.

Run: python benchmarks/run.py [--scales 1000 10000 100000] [--full] [--repeat 3] [--large-repeat 1]

For each scale, `supplier-graph synth` writes N contracts; then each step runs in a new
process (so peak memory, GNU time's maximum RSS, is the step's own) and is timed, median
of --repeat runs up to 10,000 contracts and of --large-repeat runs above (the naive path
runs once above 10,000: it takes minutes a step):

- tool, as a user runs it, on an on-disk Oxigraph store: `load` (bulk load, then
  compaction); every named query (one process, each query timed, stopped at
  --query-timeout); the projection (supply view, read through the seven grouped
  queries); projection + each analytic (centrality, the 100 pairs of buyers sharing
  most suppliers, concentration, the impact of the biggest supplier);
  `report --format json`; `viz` of the supply graph; `show` of
  the biggest supplier by its name as written, in lower case and misspelt. Each as the
  first command after a load runs it, with nothing kept beside the store (each run
  deletes the `supplier-graph-cache-*` files first); the report and the lookups of names
  not spelled exactly again as later commands run them, with the snapshot and the name
  index kept;
- naive: rdflib parses the file into memory; `rdflib_to_networkx_multidigraph`; the
  buyer–supplier graph derived from that multigraph; exact networkx betweenness on it,
  run to the end up to --naive-betweenness-limit nodes and above that estimated from 20
  sources, or every node below 20 (the time of k single-source passes times nodes / k;
  the table says so).

Writes benchmarks/RESULTS.md with the machine it ran on, atomically (a run that fails
half-way leaves --out as it was). `--full` adds 1,000,000 contracts (tool path only:
rdflib would need about 21 GB).
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
sys.path.insert(0, str(ROOT))  # the checkout's package, which the steps run (python -m graph, from ROOT)
from graph.io import write_atomic  # noqa: E402

QUERIES_STEP = """
import sys, time
from graph.errors import QueryError
from graph.sparql.run import run_query
from graph.sparql.library import list_queries
from graph.store.backends import open_store
store = open_store(store="oxigraph:" + sys.argv[1])
for q in list_queries():
    start = time.perf_counter()
    try:
        run_query(store, q.name, timeout=float(sys.argv[2]))
        print(f"QUERY {q.name} {time.perf_counter() - start:.3f}")
    except QueryError:
        print(f"QUERY {q.name} timeout")
"""

ANALYTIC_STEP = """
import sys
from graph.store.backends import open_store
from graph.projection.views import project
g = project(open_store(store="oxigraph:" + sys.argv[1]), "supply")
step = sys.argv[2]
if step == "centrality":
    from graph.analytics import centrality; centrality(g)
elif step == "shared":
    from graph.analytics.shared import top_shared_pairs; top_shared_pairs(g, limit=100)
elif step == "concentration":
    from graph.analytics import concentration; concentration(g)
elif step == "impact":
    from graph.analytics import failure_impact
    top = max((n for n, d in g.nodes(data=True) if d["kind"] == "supplier"), key=g.degree)
    failure_impact(g, top, group=True)
"""

NAIVE_STEP = """
import sys, time
import rdflib
g = rdflib.Graph()
g.parse(sys.argv[1], format="nt")
step = sys.argv[2]
if step == "parse":
    sys.exit(0)
import networkx as nx
from rdflib.extras.external_graph_libs import rdflib_to_networkx_multidigraph
m = rdflib_to_networkx_multidigraph(g)
if step == "networkx":
    sys.exit(0)
SG = "https://w3id.org/supplier-graph/ontology#"
buyer, supplier = rdflib.URIRef(SG + "buyer"), rdflib.URIRef(SG + "supplier")
supply = nx.Graph()
for c in list(m.nodes):
    out = m.out_edges(c, keys=True)
    bs = [t for _, t, k in out if k == buyer]
    ss = [t for _, t, k in out if k == supplier]
    for b in bs:
        for s in ss:
            w = supply.edges[b, s]["weight"] + 1 if supply.has_edge(b, s) else 1
            supply.add_edge(b, s, weight=w, distance=1.0 / w)
if step == "derive":
    sys.exit(0)
n = supply.number_of_nodes()
if n <= int(sys.argv[3]):
    nx.betweenness_centrality(supply, weight="distance")
    print("BETWEENNESS exact", n)
else:
    k = min(20, n)
    start = time.perf_counter()
    nx.betweenness_centrality(supply, k=k, seed=42, weight="distance")
    print("BETWEENNESS estimate", n, (time.perf_counter() - start) * n / k, k)
"""


LAST_STDOUT = {"text": ""}


class StepFailed(Exception):
    """A step that did not finish: ``str()`` says how (out of memory, an error)."""


MEMORY_LIMIT = {"bytes": None}


def _limit_memory():  # pragma: no cover - runs in the child before exec
    import resource
    if MEMORY_LIMIT["bytes"]:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT["bytes"], MEMORY_LIMIT["bytes"]))


def measure_argv(argv: list[str], repeat: int, expect: int = 0, before=None) -> tuple[float, float]:
    """Median wall time (s) and peak memory (MB, GNU time's maximum RSS) of running
    ``argv`` in new processes, each limited to --memory-limit of address space; a run
    that exits with another code than ``expect`` fails the step. ``before`` is called
    before each run (untimed)."""
    times, peaks = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        proc = subprocess.run(["/usr/bin/time", "-f", "MAXRSS %M", *argv], cwd=ROOT, capture_output=True,
                              text=True, preexec_fn=_limit_memory)
        elapsed = time.perf_counter() - start
        if proc.returncode != expect:
            tail = [x for x in proc.stderr.strip().splitlines()  # without GNU time's own lines
                    if not x.startswith(("MAXRSS", "Command exited", "Command terminated"))] or [""]
            memory = "MemoryError" in proc.stderr or "bad_alloc" in proc.stderr
            raise StepFailed(f"{'out of memory' if memory else 'failed'} after {elapsed:.0f} s: {tail[-1][:120]}")
        times.append(elapsed)
        peaks.append(int(proc.stderr.rsplit("MAXRSS ", 1)[1].split()[0]) / 1024)
        LAST_STDOUT["text"] = proc.stdout
    return statistics.median(times), max(peaks)


def measure_code(code: str, args: list[str], repeat: int, before=None) -> tuple[float, float]:
    return measure_argv([sys.executable, "-c", code, *args], repeat, before=before)


def forget(store: Path):
    """What deletes what commands keep beside ``store`` (graph.store.cache): a step measured
    after it reads the store as the first command after a load does."""
    from graph.store.lock import CACHE_PREFIX

    def drop():
        for kept in store.glob(CACHE_PREFIX + "*"):
            kept.unlink()
    return drop


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--full", action="store_true", help="add 1,000,000 contracts (tool path only)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--large-repeat", type=int, default=1,
                        help="runs of each tool step above 10,000 contracts (the median is reported)")
    parser.add_argument("--naive-betweenness-limit", type=int, default=1000,
                        help="run naive exact betweenness to the end up to this many nodes; estimate above")
    parser.add_argument("--query-timeout", type=float, default=60.0, help="per named query, seconds")
    parser.add_argument("--memory-limit", type=float, default=20.0,
                        help="GB of address space each step may take; a step that needs more is reported as such")
    parser.add_argument("--out", default=str(Path(__file__).with_name("RESULTS.md")))
    parser.add_argument("--append", action="store_true", help="add this run's table below the one in --out")
    args = parser.parse_args()
    MEMORY_LIMIT["bytes"] = int(args.memory_limit * 2**30)
    scales = args.scales + ([1_000_000] if args.full else [])
    rows = []
    cli = [sys.executable, "-m", "graph"]

    def attempt(n, path, label, fn, *fn_args):
        try:
            t, m = fn(*fn_args)
        except StepFailed as e:
            record(n, path, label, None, None, str(e))
            return False
        record(n, path, label, t, m)
        return True

    def record(n, path, label, t, m, note=""):
        rows.append((n, path, label, t, m, note))
        cell = "—" if t is None else f"{t:8.2f} s"
        print(f"{n:>9,} {path:<5} {label:<48} {cell} {'' if m is None else f'{m:8.0f} MB'} {note}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        for n in scales:
            nt = Path(tmp) / f"synth-{n}.nt"
            subprocess.run([*cli, "synth", "--contracts", str(n), "--out", str(nt)], cwd=ROOT, check=True,
                           capture_output=True)
            repeat = args.repeat if n <= 10000 else args.large_repeat
            naive_repeat = args.repeat if n <= 10000 else 1
            store = Path(tmp) / f"store-{n}"
            load = ("import shutil, subprocess, sys\nshutil.rmtree(sys.argv[2], ignore_errors=True)\n"
                    "subprocess.run([sys.executable, '-m', 'graph', 'load', sys.argv[1], '--store', "
                    "'oxigraph:' + sys.argv[2]], check=True, capture_output=True)")
            t, m = measure_code(load, [str(nt), str(store)], repeat)
            record(n, "tool", "load into Oxigraph (on disk)", t, m)
            t, m = measure_code(QUERIES_STEP, [str(store), str(args.query_timeout)], 1)
            record(n, "tool", "all named queries, one process", t, m)
            for line in LAST_STDOUT["text"].splitlines():
                if line.startswith("QUERY "):
                    _, name, secs = line.split()
                    if secs == "timeout":
                        record(n, "tool", f"query {name}", None, None, f"stopped at {args.query_timeout:.0f} s")
                    else:
                        record(n, "tool", f"query {name}", float(secs), None)
            # each step first as the first command after a load runs it (nothing kept beside
            # the store), then, for the report and the lookups, as every later one does
            cold = forget(store)
            attempt(n, "tool", "projection (supply view)", measure_code, ANALYTIC_STEP, [str(store), "projection"],
                    repeat, cold)
            for step, label in [("centrality", "projection + centrality"),
                                ("shared", "projection + top 100 shared-supplier pairs"),
                                ("concentration", "projection + concentration"),
                                ("impact", "projection + impact of the biggest supplier")]:
                attempt(n, "tool", label, measure_code, ANALYTIC_STEP, [str(store), step], repeat, cold)
            out = Path(tmp) / "out"
            report = [*cli, "--store", f"oxigraph:{store}", "report", "--format", "json", "--out", str(out)]
            attempt(n, "tool", "`report --format json`", measure_argv, report, repeat, 0, cold)
            attempt(n, "tool", "`report --format json`, snapshot kept", measure_argv, report, repeat)
            attempt(n, "tool", "`viz` (whole supply graph)", measure_argv,
                    [*cli, "--store", f"oxigraph:{store}", "viz", "--out", str(out)], repeat, 0, cold)
            # finding an entity by name: supplier 0 has the largest share (Zipf), so the most relations
            for name, label, code in [("Synthetic Supplier 0 Ltd", "`show` of the biggest supplier, name as written", 0),
                                      ("synthetic supplier 0 ltd", "`show` of it, name in lower case", 0),
                                      ("Synthetic Suplier 0 Ltd", "`show` of a misspelt name (suggestions, exit 2)", 2)]:
                show = [*cli, "--store", f"oxigraph:{store}", "show", name]
                attempt(n, "tool", label, measure_argv, show, repeat, code, cold)
                if name.islower() or code:  # found through the name index
                    attempt(n, "tool", label + ", names indexed", measure_argv, show,
                            repeat, code)
            if n > 100_000:
                record(n, "naive", "rdflib parse (in memory)", None, None, "not run: about 21 GB")
                continue
            for step, label in [("parse", "rdflib parse (in memory)"),
                                ("networkx", "... + rdflib_to_networkx_multidigraph"),
                                ("derive", "... + buyer–supplier graph derived")]:
                t, m = measure_code(NAIVE_STEP, [str(nt), step, "0"], naive_repeat)
                record(n, "naive", label, t, m)
            t, m = measure_code(NAIVE_STEP, [str(nt), "betweenness", str(args.naive_betweenness_limit)], 1)
            out_line = next(x for x in LAST_STDOUT["text"].splitlines() if x.startswith("BETWEENNESS"))
            parts = out_line.split()
            if parts[1] == "exact":
                record(n, "naive", "... + exact networkx betweenness", t, m, f"{parts[2]} nodes")
            else:
                derive = next(r[3] for r in rows if r[0] == n and r[2].startswith("... + buyer"))
                record(n, "naive", "... + exact networkx betweenness", derive + float(parts[3]), m,
                       f"estimated: {parts[2]} nodes, {parts[4]} sources timed")
    machine = (f"{platform.machine()}, {os.cpu_count()} cores, "
               f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GB, "
               f"Python {platform.python_version()}, {platform.system()}")
    lines = ["# Scale benchmarks", "",
             f"`python benchmarks/run.py {' '.join(sys.argv[1:])}`. Machine: {machine}. "
             f"Written {time.strftime('%Y-%m-%d')}.", "",
             "Each step is a new process, interpreter start included; wall time is the median of "
             f"{args.repeat} runs up to 10,000 contracts and of {args.large_repeat} above (naive steps: one run "
             "above 10,000); peak memory is the maximum RSS of the step's process or of a process it starts "
             "(the report computes its supplier side in a forked child, which shares the parent's memory "
             "until either writes to it, and betweenness in an interpreter of its own). Tool steps read an "
             "on-disk Oxigraph store built by the load step.", "",
             "| contracts | path | step | seconds | peak MB | note |", "|---:|---|---|---:|---:|---|"]
    for n, path, label, t, m, note in rows:
        cell = "—" if t is None else f"{t:.2f}"
        lines.append(f"| {n:,} | {path} | {label} | {cell} | {'' if m is None else f'{m:.0f}'} | {note} |")
    target = Path(args.out)
    if args.append and target.exists():  # a later run (1e6, say) below an earlier one
        lines = ["", f"## `python benchmarks/run.py {' '.join(sys.argv[1:])}`", "",
                 f"Machine: {machine}. Written {time.strftime('%Y-%m-%d')}.", "", *lines[-len(rows) - 2:]]
        write_atomic(target, target.read_text(encoding="utf-8") + "\n".join(lines) + "\n")
    else:
        write_atomic(target, "\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
