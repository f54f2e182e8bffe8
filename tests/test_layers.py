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
    """The name a module goes by in the picture: ``errors`` for graph/errors.py, ``store``
    for anything in graph/store/."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _module(path: Path) -> str:
    """A module's dotted name within the package: ``store.lock``, ``errors``."""
    return ".".join(path.relative_to(PACKAGE).with_suffix("").parts)


UNITS = {_unit(p) for p in PACKAGE.rglob("*.py")}


def _layers() -> dict[str, int]:
    """Each module's line in the picture, from the top (0: the command line)."""
    rank: dict[str, int] = {}
    for i, line in enumerate(PICTURE.splitlines()):
        for name in re.findall(r"(?<![\w/])(\w+)(?:\.py|/)", line):
            if name in UNITS:
                rank.setdefault(name, i)
    return rank


def _module_imports():
    """(importing module, imported module, file, line) for every import of one of the
    package's modules by another, wherever in the file it is: ``from ..store import cache``
    imports ``store.cache``, ``from ..store.base import Store`` imports ``store.base``."""
    modules = {_module(p) for p in PACKAGE.rglob("*.py")}
    for path in sorted(PACKAGE.rglob("*.py")):
        here, rel = _module(path), path.relative_to(PACKAGE)
        package = list(rel.parent.parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = package[:len(package) - (node.level - 1)] + (node.module.split(".") if node.module else [])
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("graph."):
                base = node.module.split(".")[1:]
            else:
                continue
            for alias in node.names:
                for target in (".".join(base + [alias.name]), ".".join(base), ".".join(base + ["__init__"])):
                    if target in modules:
                        if target != here:
                            yield here, target, rel, node.lineno
                        break


def _imports():
    """(importing unit, imported unit, file, line) for every import between two units."""
    for a, b, rel, line in _module_imports():
        ua, ub = a.split(".")[0], b.split(".")[0]
        if ua != ub:
            yield ua, ub, rel, line


def test_every_module_is_in_the_picture():
    placed = _layers()
    assert sorted(UNITS - set(placed) - {"__init__", "__main__"}) == []


def test_no_import_goes_up():
    rank = _layers()
    rank["__init__"] = rank["__main__"] = -1  # the package's doors: `import graph`, `python -m graph`
    upward = [f"graph/{rel}:{line}: {a} imports {b}, a layer above it"
              for a, b, rel, line in _imports() if rank[b] < rank[a]]
    assert upward == []


def test_no_two_modules_import_each_other():
    """Neither two units (the picture's names) nor two modules, within a package too."""
    for pairs in (_imports(), _module_imports()):
        g = nx.DiGraph((a, b) for a, b, _, _ in pairs)
        assert sorted(sorted(c) for c in nx.simple_cycles(g)) == []


def test_no_process_tricks_for_speed():
    """Speed comes from data structures, not from forking, switching the garbage collector
    off or leaving without cleaning up."""
    tricks = re.compile(r"os\.fork\(|gc\.disable\(|os\._exit\(|get_context\(\s*[\"']fork")
    found = [f"graph/{p.relative_to(PACKAGE)}:{i}" for p in PACKAGE.rglob("*.py")
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if tricks.search(line)]
    assert found == []


#: What starts a thread or a process: only graph/workers.py may.
_STARTS = re.compile(r"^\s*(?:import|from)\s+(?:threading|subprocess|multiprocessing|concurrent)\b"
                     r"|ThreadingHTTPServer|\bThread\(|\bPopen\(", re.M)


def _starters(package: Path) -> list[str]:
    return sorted(f"graph/{p.relative_to(package)}" for p in package.rglob("*.py")
                  if p != package / "workers.py" and _STARTS.search(p.read_text(encoding="utf-8")))


def test_threads_and_processes_start_in_one_place():
    """graph/workers.py starts every thread and process; its callers decide when."""
    assert _starters(PACKAGE) == []


def test_the_one_place_check_sees_a_thread(tmp_path):
    (tmp_path / "workers.py").write_text("import threading\n")
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "local.py").write_text("def f():\n    import threading\n")
    (tmp_path / "io.py").write_text("from .workers import behind\n")
    assert _starters(tmp_path) == ["graph/store/local.py"]


def test_the_checks_see_a_forbidden_import(tmp_path, monkeypatch):
    """The checks are not vacuous: errors.py importing the report goes up; two modules of
    one package that import each other make a cycle."""
    import shutil
    copy = tmp_path / "graph"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "_bundled"))
    (copy / "errors.py").write_text((copy / "errors.py").read_text() + "\nfrom .report.build import build_report\n")
    base = copy / "store" / "base.py"
    base.write_text(base.read_text() + "\nfrom . import local\n")
    monkeypatch.setattr(__import__(__name__), "PACKAGE", copy)
    rank = _layers()
    upward = [(a, b) for a, b, _, _ in _imports() if rank.get(b, 0) < rank.get(a, 0)]
    assert ("errors", "report") in upward
    cycles = list(nx.simple_cycles(nx.DiGraph((a, b) for a, b, _, _ in _module_imports())))
    assert any(set(c) == {"store.base", "store.local"} for c in cycles)


def test_every_module_fits_in_a_readers_mind():
    """About 400 lines at most; 450 is the line no module crosses."""
    long = {f"graph/{p.relative_to(PACKAGE)}": n for p in PACKAGE.rglob("*.py")
            for n in [len(p.read_text(encoding="utf-8").splitlines())] if n > 450}
    assert long == {}


#: Modules that still hold SPARQL text, and why: queries composed from shared fragments
#: (the definition of a name), a server's capability probes, an example for a page.
SPARQL_IN_CODE = {"sparql/lookup.py": "names composed from names.NAMES",
                  "sparql/names.py": "the fragments NAMES is made of",
                  "store/endpoint.py": "probes of what a remote server can answer",
                  "cli/main.py": "export: every triple", "serve/ui.py": "the query page's example"}
_SPARQL_TEXT = re.compile(r"^\s*(?:PREFIX\b.*\n\s*)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_GRAPH_PATTERN = re.compile(r"(WHERE|ASK)\s*\{", re.I)  # SPARQL's, never SQL's (graph/sparql/nameindex.py)


def _sparql_in_code(package: Path) -> list[str]:
    """Each module's string constants that are SPARQL queries (docstrings left out)."""
    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                      if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                      and n.body and isinstance(n.body[0], ast.Expr)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                    and _SPARQL_TEXT.match(node.value) and _GRAPH_PATTERN.search(node.value):
                found.append(f"{path.relative_to(package)}:{node.lineno}")
    return found


def test_sparql_lives_in_graph_queries():
    """Every query the code asks is a file in graph/queries/ (the library) or
    graph/queries/internal/ (the code's own), where it can be read, diffed and run as it
    is; only the modules listed above still hold query text, each for its reason."""
    found = _sparql_in_code(PACKAGE)
    assert sorted({f.split(":")[0] for f in found} - set(SPARQL_IN_CODE)) == []
    assert {f.split(":")[0] for f in found} == set(SPARQL_IN_CODE)  # the list shrinks as they move


def test_the_sparql_check_sees_a_query_in_code(tmp_path):
    (tmp_path / "stray.py").write_text('"""A module."""\n\nQ = """\nSELECT ?s WHERE { ?s ?p ?o }"""\n')
    assert _sparql_in_code(tmp_path) == ["stray.py:3"]
