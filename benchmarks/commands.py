"""Wall time of every command on the bundled data (median of 3 runs, new process each).

Run: python benchmarks/commands.py [--out benchmarks/COMMANDS.md]

Each command runs as a user runs it, in a new process, so import time counts. The
goal (issue: analytics and report) is under a second per command; the table says which
commands meet it.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from graph.io import write_atomic  # noqa: E402

COMMANDS = [
    ["--help"],
    ["validate"],
    ["stats"],
    ["show", "the Met"],
    ["query", "suppliers-of-buyer", "--param", "buyer=Bromley"],
    ["centrality"],
    ["shared"],
    ["paths", "Bromley Council", "the Met"],
    ["impact", "DXC", "--group"],
    ["report", "--format", "json"],
    ["report", "--format", "md"],
    ["report", "--format", "html"],
    ["export", "--format", "graphml"],
    ["viz", "--out", "/tmp/supplier-graph-bench-viz.html"],
    ["viz", "--impact", "DXC", "--out", "/tmp/supplier-graph-bench-viz.html"],
]


def run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "graph", *args], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).with_name("COMMANDS.md")))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for cmd in COMMANDS:
        times = [run(cmd) for _ in range(args.repeat)]
        rows.append((" ".join(cmd), statistics.median(times)))
        print(f"{rows[-1][1]:7.2f} s  supplier-graph {rows[-1][0]}", flush=True)
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    lines = ["# Command timings on the bundled data", "",
             f"Median of {args.repeat} runs, each a new process (imports included). Machine: {machine}.",
             f"Run with `python benchmarks/commands.py`; written {time.strftime('%Y-%m-%d')}.", "",
             "| command | seconds | under 1 s |", "|---|---:|:---:|"]
    lines += [f"| `supplier-graph {c}` | {t:.2f} | {'yes' if t < 1 else 'no'} |" for c, t in rows]
    write_atomic(args.out, "\n".join(lines) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
