"""Peak memory and time of `ingest ocds` on many synthetic releases.

Run: python benchmarks/ingest_memory.py [--releases 100000] [--out benchmarks/INGEST.md]

Writes a Contracts-Finder-shaped JSON release package of N award releases (buyers and
suppliers drawn from pools, CPV codes from the tower scheme), then runs
`supplier-graph ingest ocds` on it in a child process and reads its peak resident memory
(ru_maxrss). The goal (import issue) is under 1 GB for 100,000 releases.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from graph.io import write_atomic  # noqa: E402

CPV = ["72253000", "72700000", "72514000", "72415000", "72267000", "72510000", "64200000", "79512000"]


def write_package(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    buyers = [f"Synthetic Council {i}" for i in range(400)]
    suppliers = [f"Synthetic Supplier {i} Ltd" for i in range(5000)]
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"uri": "https://example.org/synthetic", "version": "1.1", "publishedDate": "2024-01-01T00:00:00Z",'
                 ' "publisher": {"name": "Synthetic"}, "license": "https://example.org/licence", "releases": [\n')
        for i in range(n):
            b, s = rng.choice(buyers), suppliers[min(int(rng.paretovariate(1.2)) - 1, len(suppliers) - 1)]
            rel = {"ocid": f"ocds-b5fd17-synth-{i:07d}", "id": f"ocds-b5fd17-synth-{i:07d}-award", "date": "2024-01-01",
                   "tag": ["award"],
                   "parties": [{"id": "1", "name": b, "roles": ["buyer"]},
                               {"id": "2", "name": s, "roles": ["supplier"],
                                "identifier": {"scheme": "GB-COH", "id": f"{hash(s) % 10**8:08d}"}}],
                   "buyer": {"id": "1", "name": b},
                   "tender": {"id": f"T{i}", "title": f"Synthetic tender {i}", "status": "complete",
                              "classification": {"scheme": "CPV", "id": rng.choice(CPV)}},
                   "awards": [{"id": "1", "status": "active", "value": {"amount": rng.randint(1, 5000) * 1000,
                                                                          "currency": "GBP"},
                               "suppliers": [{"id": "2", "name": s}]}]}
            fh.write(("," if i else "") + json.dumps(rel) + "\n")
        fh.write("]}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, default=100_000)
    parser.add_argument("--out", default=str(Path(__file__).with_name("INGEST.md")))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        package, out = Path(tmp) / "releases.json", Path(tmp) / "out.ttl"
        write_package(package, args.releases)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "graph", "ingest", "ocds", str(package), "--out", str(out)],
                              capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        if proc.returncode:
            sys.exit(proc.stderr)
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        size_in, size_out = package.stat().st_size / 1e6, out.stat().st_size / 1e6
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    lines = ["# Ingest memory", "",
             f"`python benchmarks/ingest_memory.py --releases {args.releases}`; machine: {machine}; written "
             f"{time.strftime('%Y-%m-%d')}.", "",
             "| releases | input | output | wall time | peak memory |", "|---:|---:|---:|---:|---:|",
             f"| {args.releases:,} | {size_in:.0f} MB | {size_out:.0f} MB | {elapsed:.0f} s | {peak_mb:.0f} MB |",
             "", "Last line of the command's report:", "", "```", proc.stderr.strip().splitlines()[-1], "```", ""]
    write_atomic(args.out, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
