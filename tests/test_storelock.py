"""Faults around an on-disk store: a load killed half-way, and two loads at once.

The loads are real processes, as a user's would be: one is killed with SIGKILL while it
loads, the other started beside it.
"""

import os
import signal
import subprocess
import sys
import time

import pytest

from graph.store.lock import LOADING_FILE


def _cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True,
                          timeout=300, **kw)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """A graph large enough that loading it takes seconds (60,000 contracts)."""
    path = tmp_path_factory.mktemp("big") / "synth.nt"
    assert _cli("synth", "--contracts", "60000", "--out", str(path)).returncode == 0
    return path


def _wait_for(path, proc, seconds=60):
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.005)


def test_a_load_killed_half_way_is_never_read_as_whole(tmp_path, big):
    store = tmp_path / "store"
    first = subprocess.Popen([sys.executable, "-m", "graph", "load", str(big), "--store", f"oxigraph:{store}"],
                             stderr=subprocess.PIPE, text=True)
    _wait_for(store / LOADING_FILE, first)

    # a second load beside it is refused, naming the process that holds the store
    other = tmp_path / "other.ttl"
    other.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    second = _cli("load", str(other), "--store", f"oxigraph:{store}")
    assert second.returncode == 2
    assert f"the store is in use by another process (process {first.pid}: graph load {big} " in second.stderr

    first.send_signal(signal.SIGKILL)
    first.wait(30)

    # every reader says the store is incomplete, and how to complete it
    for command in (["stats"], ["show", "BT"], ["query", "contracts-by-supplier"]):
        result = _cli("--store", f"oxigraph:{store}", *command)
        assert (result.returncode, result.stdout) == (2, "")
        assert result.stderr.startswith(f"error: {store}: the store is incomplete: a load begun ")
        assert f"supplier-graph load {big}" in result.stderr

    # loading other files on top would leave it incomplete without saying so
    result = _cli("load", str(other), "--store", f"oxigraph:{store}")
    assert result.returncode == 2 and "an earlier load did not finish" in result.stderr

    # the same file again completes it: the same graph as a load that was never stopped
    assert _cli("load", str(big), "--store", f"oxigraph:{store}").returncode == 0
    clean = tmp_path / "clean"
    assert _cli("load", str(big), "--store", f"oxigraph:{clean}").returncode == 0
    recovered = _cli("--store", f"oxigraph:{store}", "stats", "--format", "json")
    assert recovered.returncode == 0
    assert recovered.stdout == _cli("--store", f"oxigraph:{clean}", "stats", "--format", "json").stdout
    assert not (store / LOADING_FILE).exists()


def test_a_finished_load_leaves_no_marker(tmp_path, runner):
    from graph.cli.main import cli
    path = tmp_path / "one.ttl"
    path.write_text("<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    assert runner.invoke(cli, ["load", str(path), "--store", f"oxigraph:{tmp_path / 's'}"]).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "s").glob("supplier-graph*")) == ["supplier-graph.lock"]


def test_an_ingest_killed_half_way_leaves_the_old_output_and_no_litter(tmp_path):
    """ingest --out writes a temporary file beside the output and renames it at the end;
    killed before, the output is as it was, and the next run clears the dead one's file."""
    import json
    releases = [{"ocid": f"ocds-test-{i}", "id": f"r{i}", "date": "2024-01-01T00:00:00Z", "tag": ["award"],
                 "buyer": {"id": "B", "name": "North Council"},
                 "parties": [{"id": "B", "name": "North Council", "roles": ["buyer"]},
                             {"id": f"S{i % 500}", "name": f"Supplier {i % 500} Ltd", "roles": ["supplier"]}],
                 "awards": [{"id": "a", "status": "active", "value": {"amount": 1000 + i, "currency": "GBP"},
                             "suppliers": [{"id": f"S{i % 500}", "name": f"Supplier {i % 500} Ltd"}]}]}
                for i in range(60000)]
    src = tmp_path / "big.json"
    src.write_text(json.dumps({"releases": releases}))
    out = tmp_path / "out.ttl"
    out.write_text("# the previous import\n")
    proc = subprocess.Popen([sys.executable, "-m", "graph", "ingest", "ocds", str(src), "--out", str(out)],
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".out.ttl.*")):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)
    assert out.read_text() == "# the previous import\n"
    assert list(tmp_path.glob(".out.ttl.*"))  # the killed process's own file, as it left it

    small = tmp_path / "small.json"
    small.write_text(json.dumps({"releases": releases[:3]}))
    assert _cli("ingest", "ocds", str(small), "--out", str(out)).returncode == 0
    assert "Supplier 2 Ltd" in out.read_text()
    assert list(tmp_path.glob(".out.ttl.*")) == []
