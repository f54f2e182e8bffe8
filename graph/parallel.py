"""Work for a second core: a computation run in another process while the parent goes on.

The report's supplier side (PageRank, the failure impact of every corporate group) holds
Python's lock, so a thread cannot overlap it with the rest of the report; a forked child
can (:func:`in_background`), and shares the parent's projection without copying or
pickling it. Only the result comes back, pickled through a pipe.

A fork has a price: each page the parent writes to after it is copied first (Python
writes to an object whenever it counts a reference to it), seconds of the system's time
on a national graph. Work that needs little input, such as betweenness from an edge list,
runs in a fresh interpreter instead (:func:`in_process`), which shares nothing.

Where there is no ``fork`` (Windows), or the other process fails for any reason (killed
for memory, a result that does not pickle), the parent computes the result itself: the
answer never depends on how it was computed.
"""

from __future__ import annotations

import os
import pickle
import sys
from typing import Any, Callable

__all__ = ["Background", "in_background", "Spawned", "in_process"]


def _delivered(data: bytes, status: int, fn: Callable[..., Any], args: tuple) -> Any:
    """What another process sent back, if it exited cleanly with a result that unpickles;
    otherwise the parent computes ``fn(*args)`` itself (raising its errors)."""
    if status == 0 and data:
        try:
            return pickle.loads(data)
        except Exception:  # noqa: BLE001 - a result that does not unpickle is computed again
            pass
    return fn(*args)


class Background:
    """A computation running in a forked child; :meth:`result` waits for it."""

    def __init__(self, fn: Callable[..., Any], args: tuple, fork: bool):
        self.fn, self.args, self.pid, self.fd = fn, args, None, None
        if fork and hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        import warnings
        read, write = os.pipe()
        try:
            with warnings.catch_warnings():
                # Python 3.12+ warns when a process with threads forks (Oxigraph's store keeps
                # RocksDB threads): the child here only computes on Python objects it owns a
                # copy of, touches no lock those threads take, and leaves with os._exit
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:  # no memory or process slot for a child: compute in the parent
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: compute, send, leave without running the parent's exit handlers
            status = 1
            try:
                os.close(read)
                data = pickle.dumps(self.fn(*self.args), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self.pid, self.fd = pid, read

    def result(self) -> Any:
        """The child's result, or the parent's own if the child did not deliver one."""
        if self.pid is None:
            return self.fn(*self.args)
        with os.fdopen(self.fd, "rb") as pipe:
            data = pipe.read()
        self.fd = None
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        return _delivered(data, status, self.fn, self.args)

    def cancel(self) -> None:
        """Stop and reap the child if its result was never collected."""
        if self.pid is None:
            return
        import signal
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:  # pragma: no cover - already gone
            pass
        os.waitpid(self.pid, 0)
        os.close(self.fd)
        self.pid = self.fd = None


def in_background(fn: Callable[..., Any], *args, fork: bool = True) -> Background:
    """Start ``fn(*args)`` in a forked child (with ``fork`` and where the platform can);
    collect it with ``.result()`` and always ``.cancel()`` on the way out.

    >>> job = in_background(sum, [1, 2, 3])
    >>> job.result()
    6
    """
    return Background(fn, args, fork)


class Spawned:
    """A computation in a fresh interpreter (``python -m graph.parallel``); :meth:`result`
    waits for it. ``fn`` must be importable by its module and name; its arguments go to
    the interpreter pickled through its standard input, its result comes back through
    its standard output."""

    def __init__(self, fn: Callable[..., Any], args: tuple, spawn: bool):
        self.fn, self.args, self.proc = fn, args, None
        if spawn:
            self._start()

    def _start(self) -> None:
        import subprocess
        try:
            self.proc = subprocess.Popen([sys.executable, "-m", "graph.parallel"], stdin=subprocess.PIPE,
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


if __name__ == "__main__":
    _serve()
