"""Every read command gives the same output through --endpoint as in memory."""

import pytest

from graph.cli.main import cli

COMMANDS = [
    ["stats", "--format", "json"],
    ["show", "the Met", "--format", "json"],
    ["query", "suppliers-of-buyer", "--param", "buyer=Bromley", "--format", "csv"],
    ["centrality", "--format", "json"],
    ["centrality", "--view", "network", "--format", "csv"],
    ["shared", "--format", "json"],
    ["paths", "Bromley Council", "the Met", "--format", "json"],
    ["impact", "DXC", "--group", "--format", "json"],
    ["report", "--format", "json"],
    ["report", "--format", "md", "--buyer", "the Met"],
    ["export", "--format", "graphml"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_same_output_in_memory_and_through_the_endpoint(runner, server, args):
    local = runner.invoke(cli, args)
    remote = runner.invoke(cli, ["--endpoint", server, *args])
    assert local.exit_code == remote.exit_code == 0, remote.stderr
    assert remote.stdout == local.stdout


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("store") / "oxigraph"


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) for a in COMMANDS])
def test_same_output_in_memory_and_from_a_persistent_store(runner, store_dir, args):
    local = runner.invoke(cli, args)
    stored = runner.invoke(cli, ["--store", f"oxigraph:{store_dir}", *args])
    assert local.exit_code == stored.exit_code == 0, stored.stderr
    assert stored.stdout == local.stdout
