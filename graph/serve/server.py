"""A read-only SPARQL 1.1 Protocol endpoint over the graph, served by Oxigraph.

The data is loaded into an Oxigraph store (a temporary one, or ``--store oxigraph:DIR``),
then ``oxigraph serve-read-only`` answers GET and POST queries with content negotiation
(JSON, XML, CSV, TSV results; Turtle, N-Triples graphs), a per-query timeout, and no
update endpoint. ``supplier-graph serve`` puts :mod:`graph.serve.ui` in front of it, for
a query page of the project's own.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterable

from ..errors import GraphError, InputError
from ..workers import program, stop

__all__ = ["oxigraph_binary", "serve", "start_server"]


def oxigraph_binary() -> str:
    """The ``oxigraph`` server executable (PyPI package ``oxigraph``)."""
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.exists() else shutil.which("oxigraph")
    if not found:
        raise InputError("the oxigraph server is not installed: from the repository, "
                         ".venv/bin/pip install '.[serve]' (or '.[test]', which includes it)")
    return found


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, port))
        except OSError as e:
            raise GraphError(f"cannot listen on {host}:{port}: {e.strerror}; "
                             f"choose another --port") from None


def _free_port(host: str) -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def start_server(*, data: Iterable[str] | None = None, store: str | None = None,
                 host: str = "127.0.0.1", port: int = 7878, timeout: float = 30):
    """Load the data and start the server; returns (process, url, temporary dir or None)."""
    if port == 0:
        port = _free_port(host)
    _check_port(host, port)
    tmp = None
    if store and store != "memory":
        kind, _, location = store.partition(":")
        if kind != "oxigraph" or not location:
            raise InputError(f"unknown store {store!r}; use memory or oxigraph:DIR")
    else:
        tmp = tempfile.mkdtemp(prefix="supplier-graph-serve-")
        location = tmp
    try:
        return _start(data, location, host, port, timeout) + (tmp,)
    except BaseException:  # a failed start leaves no temporary store behind
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
        raise


def _start(data, location: str, host: str, port: int, timeout: float):
    """Load ``location`` if it is new and start the server on it: (process, url)."""
    from ..store.backends import open_store
    from ..store.lock import store_lock
    ox = open_store(data, store=f"oxigraph:{location}")  # loaded if new or empty
    ox.close()
    # the server reads the store for as long as it runs: it holds the readers' lock
    # (passed to it), so that no supplier-graph process loads into the store meanwhile
    lock = store_lock(location, shared=True)
    try:
        proc = program([oxigraph_binary(), "serve-read-only", "--location", location,
                        "--bind", f"{host}:{port}", "--timeout-s", str(max(1, int(round(timeout))))],
                       pass_fds=(lock,))
    finally:
        os.close(lock)
    url = f"http://{host}:{port}/query"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode("utf-8", "replace").strip()
            raise GraphError(f"the SPARQL server stopped at start: {err}")
        try:
            with socket.create_connection((host, port), timeout=0.2):
                return proc, url
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise GraphError("the SPARQL server did not start within 30 s")


def serve(*, data=None, store=None, host="127.0.0.1", port=7878, timeout=30.0,
          announce: Callable[[str], None] = print) -> None:
    """Run the endpoint until Ctrl-C (or SIGTERM), then stop it and clean up.

    Oxigraph's server listens on a free port of 127.0.0.1; the front (:mod:`graph.serve.ui`)
    listens on ``host:port``, serves the project's query page at ``/`` and passes every
    other request on."""
    from urllib.parse import urlsplit
    from .ui import Front

    def interrupt(*_):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
    _check_port(host, port)
    proc, backend, tmp = start_server(data=data, store=store, host="127.0.0.1", port=0, timeout=timeout)
    front = None
    try:
        try:
            front = Front(host, port, ("127.0.0.1", urlsplit(backend).port), timeout=timeout)
        except OSError as e:
            raise GraphError(f"cannot listen on {host}:{port}: {e.strerror}; choose another --port") from None
        front.start()
        announce(f"SPARQL endpoint (read-only) at http://{host}:{port}/query, its query page at "
                 f"http://{host}:{port}/ \u2014 Ctrl-C to stop")
        proc.wait()
    except KeyboardInterrupt:
        announce("stopping")
    finally:
        if front is not None:
            front.stop()
        stop(proc)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
