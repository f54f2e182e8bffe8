"""The README stays true: every command documented, the two commands match CI."""

import re

import pytest

from graph.cli.main import cli

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_readme(name):
    assert f"](docs/commands/{name}.md)" in README, f"README's table of commands does not link `{name}`"


def test_the_readme_is_short():
    assert len(README.splitlines()) <= 300


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_ends_with_an_example(name):
    help_text = cli.commands[name].help or ""
    assert help_text.strip().splitlines()[-1].strip().startswith(f"Example: supplier-graph {name}")


def _sh_blocks(text: str) -> list[str]:
    return re.findall(r"```sh\n(.*?)\n```", text, re.S)


def test_readme_has_the_two_commands_and_ci_runs_the_second():
    install_and_build, install_and_test = _sh_blocks(README)[:2]
    assert "supplier-graph build" in install_and_build
    assert "pytest" in install_and_test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci.splitlines()


# -- docs/: a page per command, and every example still gives the documented output

DOCS = ROOT / "docs"


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_a_docs_page(name):
    page = DOCS / "commands" / f"{name}.md"
    assert page.is_file(), f"docs/commands/{name}.md is missing (python docs/regenerate.py)"
    assert page.read_text(encoding="utf-8").startswith(f"# `supplier-graph {name}`")


def _examples():
    for page in sorted((DOCS / "commands").glob("*.md")):
        text = page.read_text(encoding="utf-8")
        for block, code in re.findall(r"```console\n(.*?)\n```\n\(exit (\d+)\)", text, re.S):
            lines = block.splitlines()
            yield pytest.param(lines[0][len("$ supplier-graph "):], lines[1:], int(code),
                               id=f"{page.stem}: {lines[0][2:60]}")


@pytest.mark.parametrize("args, expected, code", list(_examples()))
def test_documented_example_still_holds(args, expected, code, monkeypatch):
    import shlex
    from click.testing import CliRunner
    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(cli, shlex.split(args), prog_name="supplier-graph")
    got = result.output.rstrip("\n").splitlines()
    if "..." in expected:
        cut = expected.index("...")
        got = got[:cut] + ["..."] + got[len(got) - (len(expected) - cut - 1):]
    assert (result.exit_code, got) == (code, expected)


def test_docs_pages_exist():
    for name in ("ontology.md", "report-schema.md", "sparql-server.md", "README.md"):
        assert (DOCS / name).is_file()


def test_the_docs_count_the_named_queries_query_list_shows(runner):
    listed = runner.invoke(cli, ["query", "--list"]).output.strip().splitlines()
    text = README + "".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))
    claimed = re.findall(r"(?:shows the|All) (\d+) named queries", text)
    assert claimed and {int(n) for n in claimed} == {len(listed)}


def _tour():
    """The README's console blocks: each a list of (command, expected output lines)."""
    for block in re.findall(r"```console\n(.*?)\n```", README, re.S):
        steps: list = []
        for line in block.splitlines():
            if line.startswith("$ supplier-graph "):
                steps.append((line[len("$ supplier-graph "):], []))
            elif steps:
                steps[-1][1].append(line)
        yield pytest.param(steps, id=steps[0][0][:50])


@pytest.mark.parametrize("steps", list(_tour()))
def test_the_readme_tour_gives_what_it_shows(steps, tmp_path, monkeypatch):
    """Every command of the README, run as a reader would from the repository (here a
    folder that sees its tests/ and writes elsewhere), gives the output shown ("..."
    standing for lines left out)."""
    import shlex
    from click.testing import CliRunner
    (tmp_path / "tests").symlink_to(ROOT / "tests")
    monkeypatch.chdir(tmp_path)
    for args, expected in steps:
        result = CliRunner().invoke(cli, shlex.split(args), prog_name="supplier-graph")
        got = result.output.rstrip("\n").splitlines()
        if "..." in expected:
            cut = expected.index("...")
            got = got[:cut] + ["..."] + (got[len(got) - (len(expected) - cut - 1):] if len(expected) > cut + 1 else [])
        assert (result.exit_code, got) == (0, expected), args


def test_a_fresh_copy_the_first_command_then_the_tour(tmp_path):
    """As a new user would: a copy of the repository, the README's first command as written
    (a virtual environment, the package installed, the main job run), then every command of
    the tour through the installed `supplier-graph`, each giving the output the README shows."""
    import shutil
    import subprocess
    copy = tmp_path / "supplier-graph"
    skip = shutil.ignore_patterns(".venv", ".git", "build", "__pycache__", "*.egg-info")
    # what a reader's own run of the tour leaves at the top of the repository
    outputs = {"mine.ttl", "panel.ttl", "report.html", "csc.html"}
    shutil.copytree(ROOT, copy, ignore=lambda d, names: set(skip(d, names)) | (outputs & set(names) if d == str(ROOT)
                                                                                 else set()))
    first = _sh_blocks(README)[0]
    done = subprocess.run(["bash", "-c", first], cwd=copy, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (copy / "build" / "index.html").is_file() and (copy / "build" / "report.html").is_file()
    import shlex
    for param in _tour():
        for args, expected in param.values[0]:
            run = subprocess.run([str(copy / ".venv" / "bin" / "supplier-graph"), *shlex.split(args)], cwd=copy,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=300)
            got = run.stdout.rstrip("\n").splitlines()
            if "..." in expected:
                cut = expected.index("...")
                got = got[:cut] + ["..."] + (got[len(got) - (len(expected) - cut - 1):] if len(expected) > cut + 1 else [])
            assert (run.returncode, got) == (0, expected), args
