"""The notebooks run top to bottom, offline, and their cells assert the numbers they show;
they are committed with outputs cleared."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_three_notebooks():
    assert [p.name for p in NOTEBOOKS] == ["01-explore-the-graph.ipynb", "02-supplier-dependency.ipynb",
                                           "03-bring-your-own-data.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_without_outputs(path: Path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []


def test_notebooks_use_only_the_public_api():
    import re
    import graph
    for path in NOTEBOOKS:
        text = path.read_text(encoding="utf-8")
        used = set(re.findall(r"graph\.(\w+)", text))
        assert used <= set(graph.__all__), f"{path.name}: {sorted(used - set(graph.__all__))}"
        assert "from graph." not in text and "import graph." not in text


def test_the_concentration_chart_renders_once():
    path = ROOT / "notebooks" / "02-supplier-dependency.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=180, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and "plt.subplots" in c.source]
    assert sum("image/png" in o.get("data", {}) for o in cell.outputs) == 1


def test_notebook_03_runs_on_a_users_own_files(tmp_path, monkeypatch):
    # a real Contracts Finder file and a real council spend file, as a user's download would be
    real = ROOT.parent / "shared" / "realdata"
    if not real.is_dir():
        real = ROOT / "tests" / "fixtures" / "realdata"
    monkeypatch.setenv("SUPPLIER_GRAPH_OCDS", str(real / "cf2025_it-related_releases_array.json"))
    monkeypatch.setenv("SUPPLIER_GRAPH_SPEND", str(real / "oxford-city-council_expenditure-over-500_2018-jan-mar.csv"))
    monkeypatch.setenv("SUPPLIER_GRAPH_SPEND_BUYER", "Oxford City Council")
    monkeypatch.setenv("SUPPLIER_GRAPH_STORE", f"oxigraph:{tmp_path / 'store'}")
    path = ROOT / "notebooks" / "03-bring-your-own-data.ipynb"
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "31 of 31 releases ingested" in printed
    assert (tmp_path / "store").is_dir()  # the combined graph was kept where the variable said
