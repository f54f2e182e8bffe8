"""The architecture issue's speed goals, measured on one synthetic graph.

Run: python benchmarks/million.py [--contracts 1000000] [--skip-queries]

`supplier-graph synth` writes the contracts; `load` puts them in an on-disk Oxigraph store
(its bulk load and compaction timed apart, from what `load` prints); then each command runs
once as a new process, wall time and peak memory (GNU time's maximum resident set) taken.
The first command that needs the projection reads the store and keeps its snapshot; the
report is timed as that first command and again once the snapshot is kept. Every named
query runs once without its optional parameters (stopped at 60 s). Prints a Markdown table, each row
beside its goal.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str]) -> tuple[float, int, int, str]:
    """(wall seconds, peak kilobytes, exit code, stderr) of ``supplier-graph ARGS`` in a new process."""
    out = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", sys.executable, "-m", "graph", *args],
                         capture_output=True, text=True, cwd=ROOT)
    m = re.search(r"TIME ([\d.]+) (\d+)", out.stderr)
    return float(m.group(1)), int(m.group(2)), out.returncode, out.stderr


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--contracts", type=int, default=1_000_000)
    ap.add_argument("--skip-queries", action="store_true", help="Leave out the named queries.")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="supplier-graph-million-"))
    rows = []

    def row(what: str, goal: str, result) -> None:
        wall, kb, code, err = result
        said = [line for line in err.splitlines() if line.strip() and not line.startswith(("TIME ", "Command exited"))]
        note = "" if code == 0 else f" (exit {code}: {(said or [''])[-1][:80]})"
        rows.append(f"| {what} | {wall:.1f} s{note} | {kb / 1024 / 1024:.2f} GB | {goal} |")
        print(rows[-1], flush=True)

    try:
        nt = work / "synth.nt"
        row("`synth`", "", run(["synth", "--contracts", str(args.contracts), "--out", str(nt)]))
        store = f"oxigraph:{work / 'store'}"
        loaded = run(["load", str(nt), "--store", store])
        row("`load` (bulk load and compaction)", "≤ 150 s", loaded)
        m = re.search(r"compacted in ([\d.]+) s", loaded[3])
        if m:
            rows.append(f"| of which compaction | {float(m.group(1)):.1f} s | | the bulk load alone is the floor |")
        s = ["--store", store]
        row("`stats`", "≤ 10 s", run([*s, "stats", "--format", "json"]))
        row("`report --format json`, first after the load", "≤ 60 s", run([*s, "report", "--format", "json", "--out", str(work / "r.json")]))
        row("`report --format json`, snapshot kept", "≤ 60 s, ≤ 4 GB", run([*s, "report", "--format", "json", "--out", str(work / "r.json")]))
        one = "Synthetic Supplier 1 Ltd"
        buyer = "Synthetic Council 0"
        row(f"`show \"{one}\"`", "≤ 1.5 s", run([*s, "show", one]))
        row(f"`impact \"{one}\"`", "≤ 1.5 s", run([*s, "impact", one, "--format", "json"]))
        row(f"`paths \"{buyer}\" \"{one}\"`", "≤ 1.5 s", run([*s, "paths", buyer, one, "--format", "json"]))
        row(f"`report --buyer \"{buyer}\"`", "≤ 1.5 s", run([*s, "report", "--buyer", buyer, "--format", "json",
                                                              "--out", str(work / "b.json")]))
        row(f"`timeline --buyer \"{buyer}\"`", "≤ 1.5 s", run([*s, "timeline", "--buyer", buyer, "--format", "json"]))
        row(f"`timeline --supplier \"{one}\"`", "≤ 1.5 s", run([*s, "timeline", "--supplier", one, "--format", "json"]))
        row(f"`query suppliers-of-buyer --param buyer=\"{buyer}\"`", "≤ 1.5 s",
            run([*s, "query", "suppliers-of-buyer", "--param", f"buyer={buyer}", "--format", "json"]))
        if not args.skip_queries:
            sys.path.insert(0, str(ROOT))
            from graph.sparql.library import list_queries
            for q in list_queries():  # each without its optional parameters
                row(f"`query {q.name}`", "≤ 30 s", run([*s, "query", q.name, "--format", "json", "--timeout", "60"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{args.contracts:,} synthetic contracts; each command a new process.\n")
    print("| step | wall | peak memory | goal |\n|---|---:|---:|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
