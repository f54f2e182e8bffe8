"""Writing output files atomically: a temporary file beside the target, then a rename.

A failure half-way (a full disk, an exception while rendering) never leaves a truncated
file where a good one was.
"""

from __future__ import annotations

import glob
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

__all__ = ["atomic_writer", "write_atomic", "write_chunks"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_writer(path: str | os.PathLike, mode: str = "w") -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; on success it is fsynced and
    renamed over ``path``, on any error it is deleted and ``path`` is left as it was.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> with atomic_writer(target) as fh:
    ...     _ = fh.write("hello")
    >>> target.read_text()
    'hello'
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _clear_dead(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # what open() would give; mkstemp makes 0600
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _clear_dead(path: Path) -> None:
    """Delete the temporary files that writers of ``path`` killed before the end (SIGKILL,
    a power cut) left beside it: each names its writer's process, which no longer runs."""
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        pid = tmp.name[len(path.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            tmp.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def write_atomic(path: str | os.PathLike, content: str | bytes) -> Path:
    """Write ``content`` to ``path`` atomically and return the path.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_atomic(d / "a.txt", "hello").read_text()
    'hello'
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_writer(path, "wb") as fh:
        fh.write(data)
    return Path(path)


#: :func:`write_chunks` has the disk take what it has written every this many bytes.
SYNC_EVERY = 64 << 20
_datasync = getattr(os, "fdatasync", os.fsync)  # macOS and Windows have fsync only


def write_chunks(path: str | os.PathLike, chunks, *, batch: int = 4 << 20) -> Path:
    """Write an iterable of byte chunks to ``path`` atomically, writing behind: a thread
    writes each ``batch`` bytes gathered while the next are being made, and has the disk
    take them every :data:`SYNC_EVERY` bytes.

    Making a national report (encoding it) and writing it (the system copying gigabytes
    into the file and flushing them to disk) each take seconds; overlapped, only the longer
    of the two is waited for. The rename waits for the file to be on disk: flushed as it
    is written, only its last part is left to wait for.
    A failure on either side (an error while making a chunk, a full disk) stops both and
    leaves ``path`` as it was.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_chunks(d / "a.txt", [b"a", b"b", b"c"], batch=2).read_bytes()
    b'abc'
    """
    with atomic_writer(path, "wb") as fh:
        _write_behind(fh, chunks, batch)
    return Path(path)


def _write_behind(fh, chunks, batch: int) -> None:
    import queue
    from .workers import behind
    pending: queue.Queue = queue.Queue(maxsize=4)  # at most a few batches wait in memory
    failed: list[BaseException] = []

    def drain() -> None:
        unsynced = 0
        while True:
            data = pending.get()
            if data is None:
                return
            if not failed:  # after a failure, keep taking batches so the maker never waits forever
                try:
                    fh.write(data)
                    unsynced += len(data)
                    if unsynced >= SYNC_EVERY:  # to disk while the next are made, not all at the end
                        fh.flush()
                        _datasync(fh.fileno())
                        unsynced = 0
                except BaseException as e:  # noqa: BLE001 - raised in the caller's thread below
                    failed.append(e)

    writer = behind(drain, "write-behind")
    try:
        gathered, size = [], 0
        for chunk in chunks:
            gathered.append(chunk)
            size += len(chunk)
            if size >= batch:
                if failed:
                    break
                pending.put(b"".join(gathered))
                gathered, size = [], 0
        if gathered and not failed:
            pending.put(b"".join(gathered))
    finally:
        pending.put(None)
        writer.join()
    if failed:
        raise failed[0]
