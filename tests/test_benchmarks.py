"""The benchmark command the README documents (``python benchmarks/run.py``), run on a
graph small enough to take seconds: every step is in the table beside the naive path,
the naive betweenness note counts the right graph, and a run added with ``--append``
goes below the earlier text without touching it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import rdflib

from graph.model.namespaces import SG
from graph.sparql.library import list_queries

from conftest import ROOT


def _buyer_supplier_nodes(path: Path) -> int:
    """The buyers and suppliers named together by some contract: the naive path's graph."""
    g = rdflib.Graph().parse(path, format="nt")
    nodes = set()
    for c in set(g.subjects(SG.buyer, None)):
        suppliers = set(g.objects(c, SG.supplier))
        if suppliers:
            nodes |= suppliers | set(g.objects(c, SG.buyer))
    return len(nodes)


def test_the_benchmark_tables_every_step_beside_the_naive_path(tmp_path):
    out = tmp_path / "RESULTS.md"
    earlier = "# Scale benchmarks\n\nAn earlier run, kept as it was written.\n"
    out.write_text(earlier, encoding="utf-8")
    # 10 contracts make fewer buyer-supplier nodes than the 20 sources the naive estimate
    # times: it takes them all (it used to stop the whole run with a ValueError)
    proc = subprocess.run([sys.executable, "benchmarks/run.py", "--scales", "10", "--repeat", "1",
                           "--naive-betweenness-limit", "5", "--out", str(out), "--append"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    assert text.startswith(earlier)
    added = text[len(earlier):]
    assert "## `python benchmarks/run.py --scales 10" in added and "Machine: " in added

    rows = [[cell.strip() for cell in line.split("|")[1:-1]] for line in added.splitlines()
            if line.startswith("| 10 |")]
    named = [q.name for q in list_queries()]
    assert [(r[1], r[2]) for r in rows] == [
        ("tool", "load into Oxigraph (on disk)"), ("tool", "all named queries, one process"),
        *[("tool", f"query {name}") for name in named],
        ("tool", "projection (supply view)"), ("tool", "projection + centrality"),
        ("tool", "projection + top 100 shared-supplier pairs"), ("tool", "projection + concentration"),
        ("tool", "projection + impact of the biggest supplier"), ("tool", "`report --format json`"),
        ("tool", "`report --format json`, snapshot kept"),
        ("tool", "`viz` (whole supply graph)"), ("tool", "`show` of the biggest supplier, name as written"),
        ("tool", "`show` of it, name in lower case"), ("tool", "`show` of it, name in lower case, names indexed"),
        ("tool", "`show` of a misspelt name (suggestions, exit 2)"),
        ("tool", "`show` of a misspelt name (suggestions, exit 2), names indexed"),
        ("naive", "rdflib parse (in memory)"), ("naive", "... + rdflib_to_networkx_multidigraph"),
        ("naive", "... + buyer–supplier graph derived"), ("naive", "... + exact networkx betweenness")]
    assert all(float(r[3]) >= 0 for r in rows)  # every step finished and was timed
    assert all(float(r[4]) > 0 for r in rows if not r[2].startswith("query "))  # and its memory measured
    assert [r[5] for r in rows[:-1]] == [""] * (len(rows) - 1)

    subprocess.run([sys.executable, "-m", "graph", "synth", "--contracts", "10", "--out", str(tmp_path / "s.nt")],
                   cwd=ROOT, check=True, capture_output=True)
    n = _buyer_supplier_nodes(tmp_path / "s.nt")
    assert 5 < n < 20
    assert rows[-1][5] == f"estimated: {n} nodes, {n} sources timed"


def test_the_ingest_benchmark_adds_its_run_below_the_earlier_ones(tmp_path):
    """``benchmarks/ingest_memory.py`` imports N real-shaped releases and records the run
    as a dated section below what ``--out`` held, so earlier measurements are kept."""
    out = tmp_path / "INGEST.md"
    earlier = "# Ingest of a large real-shaped file\n\nAn earlier run, kept as it was written.\n"
    out.write_text(earlier, encoding="utf-8")
    proc = subprocess.run([sys.executable, "benchmarks/ingest_memory.py", "--releases", "30", "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = out.read_text(encoding="utf-8")
    assert text.startswith(earlier)
    added = text[len(earlier):]
    assert added.lstrip().startswith("## ") and "`python benchmarks/ingest_memory.py --releases 30`" in added
    row = next(line for line in added.splitlines() if line.startswith("| 30 |"))
    assert float(row.split("|")[5].split()[0]) > 0  # its peak memory, in MB
    assert ": 30 of 30 releases ingested (0 skipped)" in added
