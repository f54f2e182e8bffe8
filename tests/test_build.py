"""The main job writes every output, atomically, and escapes data in HTML."""

from graph.site import build
from graph.cli.main import cli

from conftest import TINY


def test_build_writes_every_file(runner, tmp_path):
    result = runner.invoke(cli, ["build", "--out", str(tmp_path / "site")])
    assert result.exit_code == 0
    names = sorted(p.name for p in (tmp_path / "site").iterdir())
    assert names == ["graph.jsonld", "graph.nt", "graph.ttl", "graphs", "index.html",
                     "projection-network.gexf", "projection-network.graphml",
                     "projection-supply.gexf", "projection-supply.graphml",
                     "report.html", "report.json", "report.md", "stats.json", "stats.txt", "timeline.json",
                     "validation.json", "validation.txt"]
    page = (tmp_path / "site" / "index.html").read_text()
    for name in names:
        assert f'href="{name}"' in page or name in ("index.html", "graphs")
    graphs = sorted(p.name for p in (tmp_path / "site" / "graphs").iterdir())
    assert len(graphs) == 1 + 6 + 7  # the whole graph, 6 buyers, 7 suppliers
    assert all(f'href="graphs/{g}"' in page for g in graphs)
    assert "https://" not in page and "src=" not in page  # nothing loads from anywhere


def test_build_escapes_names_from_data(tmp_path):
    data = tmp_path / "x.ttl"
    data.write_text(TINY.replace('"Tiny Weekly"', '"<script>alert(1)</script>"'))
    build(tmp_path / "site", [data])
    page = (tmp_path / "site" / "index.html").read_text()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_build_with_violations_still_writes_and_exits_1(runner, tmp_path):
    data = tmp_path / "x.ttl"
    data.write_text(TINY.replace("sg:supplier :acme ; ", ""))
    result = runner.invoke(cli, ["--data", str(data), "build", "--out", str(tmp_path / "site")])
    assert result.exit_code == 1
    assert "contract has no supplier" in (tmp_path / "site" / "validation.txt").read_text()


def test_two_builds_are_byte_identical(tmp_path):
    build(tmp_path / "a")
    build(tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert len(files) == 30
    assert [f for f in files if (tmp_path / "a" / f).read_bytes() != (tmp_path / "b" / f).read_bytes()] == []
