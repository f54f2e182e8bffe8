"""Work for a second core: a computation run in a fresh interpreter while the parent goes on.

Betweenness from an edge list holds Python's lock for seconds on a national graph, so a
thread cannot overlap it with the rest of the report; a fresh interpreter can
(:func:`in_process`). It needs little input (the edge list, pickled through a pipe) and
shares nothing with the parent; only the result comes back.

Where the other interpreter fails for any reason (killed for memory, a result that does
not pickle), the parent computes the result itself: the answer never depends on how it
was computed.
"""

from __future__ import annotations

import pickle
import sys
from typing import Any, Callable

__all__ = ["Spawned", "in_process"]


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
    """A computation in a fresh interpreter (``python -m graph.analytics.parallel``); :meth:`result`
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
            self.proc = subprocess.Popen([sys.executable, "-m", "graph.analytics.parallel"], stdin=subprocess.PIPE,
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
