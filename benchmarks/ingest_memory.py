"""Peak memory and time of `ingest ocds` on a large real-shaped file.

Run: python benchmarks/ingest_memory.py [--releases 100000] [--out benchmarks/INGEST.md]

Writes a release package of N releases copied from the real Contracts Finder and Public
Contracts Scotland releases in tests/fixtures/realdata/ (awards, tenders, a 45-supplier
panel, a framework, DPS tenders), each copy with an ocid of its own and its buyer and
suppliers renamed from pools (so that the import resolves thousands of organisations).
One process in ten gets an awardUpdate 500 releases later, with a corrected value, so
the import merges releases of one ocid that lie apart in the file. Then it runs
`supplier-graph ingest ocds` on it in a child process and reads its peak resident memory
(ru_maxrss). The goal (real-data issue): 100,000 releases in 60 s or less, within 2 GB.
The run is added, as a dated section, below the earlier ones in ``--out``.
"""

from __future__ import annotations

import argparse
import copy
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from graph.io import write_atomic  # noqa: E402

REAL = ROOT / "tests" / "fixtures" / "realdata"


def _templates() -> list[dict]:
    out = []
    for path in sorted(REAL.glob("*.json")):
        if "corrected" in path.name:
            continue
        doc = json.loads(path.read_text())
        out += doc if isinstance(doc, list) else doc["releases"]
    return out


def _copy(template: dict, i: int, rng: random.Random, buyers: list[str], suppliers: list[str]) -> dict:
    rel = copy.deepcopy(template)
    rel["ocid"] = f"ocds-b5fd17-bench-{i:07d}"
    rel["id"] = f"{rel['ocid']}-1"
    rel["date"] = "2025-01-01T00:00:00Z"
    names = {}
    for p in rel.get("parties") or []:
        roles = p.get("roles") or []
        pool = buyers if "buyer" in roles else suppliers
        names[p.get("id")] = p["name"] = pool[min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)]
        if isinstance(p.get("identifier"), dict) and p["identifier"].get("scheme") == "GB-COH":
            p["identifier"]["id"] = f"{abs(hash(p['name'])) % 10**8:08d}"
    for ref in [rel.get("buyer") or {}] + [s for a in rel.get("awards") or [] for s in a.get("suppliers") or []]:
        if ref.get("id") in names:
            ref["name"] = names[ref["id"]]
    return rel


def write_package(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    templates = _templates()
    buyers = [f"Benchmark Council {i}" for i in range(2000)]
    suppliers = [f"Benchmark Supplier {i} Ltd" for i in range(20000)]
    later: dict[int, dict] = {}
    written, i = 0, 0
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"uri": "https://example.org/benchmark", "version": "1.1", "publishedDate": "2025-01-02T00:00:00Z",'
                 ' "publisher": {"name": "Benchmark"}, "license": "https://example.org/licence", "releases": [\n')
        while written < n:
            if written in later:
                rel = later.pop(written)
            else:
                rel = _copy(templates[i % len(templates)], i, rng, buyers, suppliers)
                i += 1
                if rel.get("awards") and rng.random() < 0.1:
                    update = copy.deepcopy(rel)
                    update["id"], update["date"], update["tag"] = f"{rel['ocid']}-2", "2025-02-01T00:00:00Z", ["awardUpdate"]
                    for a in update["awards"]:
                        if isinstance(a.get("value"), dict) and a["value"].get("amount"):
                            a["value"]["amount"] = round(float(a["value"]["amount"]) / 100, 2)
                    later[written + 500] = update
            fh.write(("," if written else "") + json.dumps(rel) + "\n")
            written += 1
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
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout
    lines = [f"## {time.strftime('%Y-%m-%d')}, at {commit.strip() or 'an unknown commit'}", "",
             f"`python benchmarks/ingest_memory.py --releases {args.releases}`; machine: {machine}.", "",
             "| releases | input | output | wall time | peak memory |", "|---:|---:|---:|---:|---:|",
             f"| {args.releases:,} | {size_in:.0f} MB | {size_out:.0f} MB | {elapsed:.0f} s | {peak_mb:.0f} MB |",
             "", "Last line of the command's report:", "", "```", proc.stderr.strip().splitlines()[-1], "```", ""]
    # each run below the earlier ones: the file is the record of every measurement
    target = Path(args.out)
    earlier = target.read_text(encoding="utf-8") if target.exists() else "# Ingest of a large real-shaped file\n"
    write_atomic(target, earlier.rstrip("\n") + "\n\n" + "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
