"""The code keeps the shape docs/architecture.md draws: each module imports only from its
own layer and those below, no two modules import each other (at the top of a file or
inside a function), and nothing in the package plays process tricks for speed."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "graph"
PICTURE = re.search(r"```\n(.*?)\n```", (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8"), re.S).group(1)


def _unit(path: Path) -> str:
    """The name a module goes by in the picture: ``store`` for graph/store.py, ``ingest``
    for anything in graph/ingest/."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


UNITS = {_unit(p) for p in PACKAGE.rglob("*.py")}


def _layers() -> dict[str, int]:
    """Each module's line in the picture, from the top (0: the command line)."""
    rank: dict[str, int] = {}
    for i, line in enumerate(PICTURE.splitlines()):
        for name in re.findall(r"(?<![\w/])(\w+)(?:\.py|/)", line):
            if name in UNITS:
                rank.setdefault(name, i)
    return rank


def _imports():
    """(importing unit, imported unit, file, line) for every import of one of the
    package's modules by another, wherever in the file it is."""
    for path in sorted(PACKAGE.rglob("*.py")):
        unit, rel = _unit(path), path.relative_to(PACKAGE)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                inside = len(rel.parts) > 1 and node.level == 1  # within its own package
                if inside:
                    continue
                if node.module:
                    targets = [node.module.split(".")[0]]
                else:
                    targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("graph."):
                targets = [node.module.split(".")[1]]
            else:
                continue
            for target in targets:
                if target in UNITS and target != unit:
                    yield unit, target, rel, node.lineno


def test_every_module_is_in_the_picture():
    placed = _layers()
    assert sorted(UNITS - set(placed) - {"_igraph", "__init__", "__main__"}) == []


def test_no_import_goes_up():
    rank = _layers()
    rank["_igraph"] = max(rank.values())  # a shim around a library, importing nothing of ours
    rank["__init__"] = rank["__main__"] = -1  # the package's doors: `import graph`, `python -m graph`
    upward = [f"graph/{rel}:{line}: {a} imports {b}, a layer above it"
              for a, b, rel, line in _imports() if rank[b] < rank[a]]
    assert upward == []


def test_no_two_modules_import_each_other():
    g = nx.DiGraph((a, b) for a, b, _, _ in _imports())
    assert sorted(sorted(c) for c in nx.simple_cycles(g)) == []


def test_no_process_tricks_for_speed():
    """Speed comes from data structures, not from forking, switching the garbage collector
    off or leaving without cleaning up."""
    tricks = re.compile(r"os\.fork\(|gc\.disable\(|os\._exit\(|get_context\(\s*[\"']fork")
    found = [f"graph/{p.relative_to(PACKAGE)}:{i}" for p in PACKAGE.rglob("*.py")
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if tricks.search(line)]
    assert found == []


def test_the_checks_see_a_forbidden_import(tmp_path, monkeypatch):
    """The layer check is not vacuous: errors.py importing the report is caught."""
    import shutil
    copy = tmp_path / "graph"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "_bundled"))
    (copy / "errors.py").write_text((copy / "errors.py").read_text() + "\nfrom .report import build_report\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", copy)
    rank = _layers()
    upward = [(a, b) for a, b, _, _ in _imports() if rank.get(b, 0) < rank.get(a, 0)]
    assert ("errors", "report") in upward


def test_every_module_fits_in_a_readers_mind():
    """About 400 lines at most; 450 is the line no module crosses."""
    long = {f"graph/{p.relative_to(PACKAGE)}": n for p in PACKAGE.rglob("*.py")
            for n in [len(p.read_text(encoding="utf-8").splitlines())] if n > 450}
    assert long == {}
