"""The README stays true: every command documented, the two commands match CI."""

import re

import pytest

from graph.cli import cli

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_readme(name):
    assert re.search(rf"^### `{name}\b", README, re.M), f"README has no section for `{name}`"


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
