"""How fast a large graph page becomes interactive in headless Chromium.

Run: python benchmarks/viz_large.py [--nodes 2000] [--out benchmarks/VIZ.md]

Builds a synthetic buyer–supplier graph (a fifth buyers, the rest suppliers, each buyer
with a handful of suppliers drawn with a Zipf-like skew), renders it with
graph.viz.pages.graph_html, opens it from file:// in Debian's chromium through Playwright,
and measures, median of 3: the time to render the page in Python, and the time from
navigation until the page reports itself ready (positions laid out, first frame drawn).
The goal (visualisation issue) is under 5 s for 2,000 nodes.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from graph.io import write_atomic  # noqa: E402
from graph.viz.pages import graph_html  # noqa: E402


def synthetic(nodes: int, seed: int = 1) -> nx.Graph:
    rng = random.Random(seed)
    g = nx.Graph()
    buyers = [f"b{i}" for i in range(nodes // 5)]
    suppliers = [f"s{i}" for i in range(nodes - len(buyers))]
    for b in buyers:
        g.add_node(b, label=f"Council {b}", kind="buyer")
    for s in suppliers:
        g.add_node(s, label=f"Supplier {s}", kind="supplier")
    weights = [1 / (i + 1) for i in range(len(suppliers))]
    for s in suppliers:  # every supplier has at least one buyer
        b = rng.choice(buyers)
        g.add_edge(b, s, relations=["buys from"], contracts=[f"{b}-{s}"], values={"total": rng.randint(1, 500) * 1e5},
                   sources=["synthetic"], weight=1.0, distance=1.0)
    for b in buyers:
        for s in rng.choices(suppliers, weights=weights, k=4):
            g.add_edge(b, s, relations=["buys from"], contracts=[f"{b}-{s}"], values={},
                       sources=["synthetic"], weight=1.0, distance=1.0)
    return g


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--out", default=str(Path(__file__).with_name("VIZ.md")))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    g = synthetic(args.nodes)
    renders, readies = [], []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_path = Path(tmp) / "big.html"
        for _ in range(3):
            t0 = time.perf_counter()
            page_path.write_text(graph_html(g, title=f"{args.nodes} nodes"), encoding="utf-8")
            renders.append(time.perf_counter() - t0)
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"])
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            t0 = time.perf_counter()
            page.goto(page_path.as_uri())
            page.wait_for_function("window.graphView && window.graphView.ready", timeout=120000)
            readies.append(time.perf_counter() - t0)
            page.evaluate("graphView.search('Council b1')")
            browser.close()
        size = page_path.stat().st_size
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"
    lines = ["# Large graph page", "",
             f"A synthetic graph of {g.number_of_nodes():,} nodes and {g.number_of_edges():,} edges "
             f"(`python benchmarks/viz_large.py --nodes {args.nodes}`), median of 3. Machine: {machine}; "
             f"headless Debian chromium. Written {time.strftime('%Y-%m-%d')}.", "",
             "| step | seconds |", "|---|---:|",
             f"| render the page in Python (layout included) | {statistics.median(renders):.2f} |",
             f"| open from file:// until interactive | {statistics.median(readies):.2f} |",
             f"| page size | {size / 1e6:.1f} MB |", ""]
    write_atomic(args.out, "\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
