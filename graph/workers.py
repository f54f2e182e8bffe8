"""Where supplier-graph starts threads and processes: the one place it does
(``tests/test_layers.py`` fails on any other module that imports ``threading``,
``subprocess``, ``concurrent.futures`` or ``multiprocessing``). Nothing forks.

Each has one reason, and its caller decides when to use it:

- :func:`pool`: threads for queries to a store that evaluates them without Python's lock
  (Oxigraph) or on another machine (an endpoint), so that the caller works on the rows
  that have arrived while the next are read (:func:`graph.store.base.background`);
- :func:`bounded`: a call given a time limit (a query's ``--timeout``); one that overruns
  is left to finish in a daemon thread, since Oxigraph cannot cancel a query;
- :func:`behind`: a thread that writes a large output while the caller makes the rest
  (:func:`graph.io.write_chunks`);
- :func:`in_process`: a computation that holds Python's lock for seconds (betweenness of
  a national graph), in a fresh interpreter, so that it overlaps the rest of a report;
  it needs little input (pickled through a pipe) and shares nothing with the parent.
  Where that interpreter fails for any reason (killed for memory, a result that does not
  pickle), the parent computes the result itself: the answer never depends on how it
  was computed;
- :func:`program` and :func:`stop`: another program, Oxigraph's server (``serve``);
- :func:`http_server`: the endpoint's front, answering each request in a thread.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
import threading
from typing import Any, Callable

__all__ = ["pool", "bounded", "Overran", "behind", "Spawned", "in_process", "program", "stop", "http_server"]


def pool(workers: int):
    """``workers`` threads to submit calls to (a ``ThreadPoolExecutor``)."""
    from concurrent.futures import ThreadPoolExecutor
    return ThreadPoolExecutor(max_workers=workers)


class Overran(Exception):
    """A :func:`bounded` call still running when its time ran out."""


def bounded(fn: Callable[[], Any], timeout: float) -> Any:
    """``fn()`` in a daemon thread, waited for at most ``timeout`` seconds: its result, or
    its exception raised here, or :class:`Overran`.

    >>> bounded(lambda: 6 * 7, 5)
    42
    """
    box: dict = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as e:  # noqa: BLE001 - carried to the caller
            box["error"] = e

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        raise Overran(timeout)
    if "error" in box:
        raise box["error"]
    return box["value"]


def behind(fn: Callable[[], None], name: str) -> threading.Thread:
    """``fn()`` started in a daemon thread named ``name``; the caller joins it."""
    t = threading.Thread(target=fn, name=name, daemon=True)
    t.start()
    return t


def _delivered(data: bytes, status: int, fn: Callable[..., Any], args: tuple) -> Any:
    """What another process sent back, if it exited cleanly with a result that unpickles;
    otherwise the parent computes ``fn(*args)`` itself (raising its errors)."""
    if status == 0 and data:
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a result that does not unpickle is computed again
            pass
    return fn(*args)


class Spawned:
    """A computation in a fresh interpreter (``python -m graph.workers``); :meth:`result`
    waits for it. ``fn`` must be importable by its module and name; its arguments go to
    the interpreter pickled through its standard input, its result comes back through
    its standard output."""

    def __init__(self, fn: Callable[..., Any], args: tuple, spawn: bool):
        self.fn, self.args, self.proc = fn, args, None
        if spawn:
            self._start()

    def _start(self) -> None:
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", "graph.workers"], stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            pickle.dump((self.fn.__module__, self.fn.__qualname__, self.args), self.proc.stdin,
                        protocol=pickle.HIGHEST_PROTOCOL)
            self.proc.stdin.close()
        except (OSError, pickle.PicklingError, AttributeError, TypeError):  # no process, or arguments that
            self.cancel()                                                   # do not pickle: the parent computes

    def result(self) -> Any:
        """The interpreter's result, or the parent's own if it did not deliver one."""
        if self.proc is None:
            return self.fn(*self.args)
        data = self.proc.stdout.read()
        self.proc.stdout.close()
        status = self.proc.wait()
        self.proc = None
        return _delivered(data, status, self.fn, self.args)

    def cancel(self) -> None:
        """Stop the interpreter if its result was never collected."""
        if self.proc is None:
            return
        self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None and not pipe.closed:
                try:
                    pipe.close()
                except OSError:  # pragma: no cover - a pipe already broken
                    pass
        self.proc = None


def in_process(fn: Callable[..., Any], *args, spawn: bool = True) -> Spawned:
    """Start ``fn(*args)`` in a fresh interpreter (with ``spawn``); collect it with
    ``.result()`` and always ``.cancel()`` on the way out.

    >>> job = in_process(divmod, 7, 2)
    >>> job.result()
    (3, 1)
    """
    return Spawned(fn, args, spawn)


def _serve() -> None:
    """The fresh interpreter's side: read the function and its arguments, write the result."""
    import importlib
    module, name, args = pickle.load(sys.stdin.buffer)
    fn: Any = importlib.import_module(module)
    for part in name.split("."):
        fn = getattr(fn, part)
    data = pickle.dumps(fn(*args), protocol=pickle.HIGHEST_PROTOCOL)
    sys.stdout.buffer.write(data)
    sys.stdout.buffer.flush()


def program(args: list[str], pass_fds: tuple = ()) -> subprocess.Popen:
    """Another program started with ``args``, its output discarded and its errors kept for
    the caller to read (``proc.stderr``); ``pass_fds``: descriptors it inherits."""
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, pass_fds=pass_fds)


def stop(proc: subprocess.Popen, grace: float = 10) -> None:
    """Ask ``proc`` to stop, and kill it if it has not within ``grace`` seconds."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()


def http_server(address: tuple[str, int], handler, name: str):
    """An HTTP server on ``address`` that answers each request in a thread of its own, and
    the (not yet started) thread that serves it."""
    from http.server import ThreadingHTTPServer
    server = ThreadingHTTPServer(address, handler)
    server.daemon_threads = True
    return server, threading.Thread(target=server.serve_forever, name=name, daemon=True)


if __name__ == "__main__":
    _serve()
