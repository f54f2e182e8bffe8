"""Work for a second core: a computation run in a forked child while the parent goes on.

The report's supplier side (igraph betweenness, PageRank, the failure impact of every
corporate group) holds Python's lock, so a thread cannot overlap it with the rest of the
report; a forked child can, and shares the parent's projection without copying or
pickling it. Only the result comes back, pickled through a pipe.

Where there is no ``fork`` (Windows), or the child fails for any reason (killed for
memory, a result that does not pickle), the parent computes the result itself: the answer
never depends on how it was computed.
"""

from __future__ import annotations

import os
import pickle
from typing import Any, Callable

__all__ = ["Background", "in_background"]


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
        if status == 0 and data:
            try:
                return pickle.loads(data)
            except Exception:  # noqa: BLE001 - a result that does not unpickle is computed again
                pass
        return self.fn(*self.args)

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
