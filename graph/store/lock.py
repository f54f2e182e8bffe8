"""Who may use an on-disk store, and whether its last load finished.

- :data:`LOCK_FILE` is locked by every supplier-graph process that opens a store: shared
  by those that read it, exclusive for one that writes to it. RocksDB's own lock lets one
  process at a time open a store at all, and reading a store while another process
  writes to it is undefined behaviour; this lets any number of readers in, or one writer.
  A process refused says which processes hold the store (from the kernel's table of
  locks, where the system has one).
- :data:`LOADING_FILE` is written before a load begins and removed once it is flushed. A
  bulk load is not one transaction: a load killed half-way (``kill -9``, a power cut)
  leaves part of its files stored, and the marker says so to every later reader.
"""

from __future__ import annotations

import datetime
import json
import os
import shlex
from pathlib import Path

from ..errors import InputError

__all__ = ["LOCK_FILE", "LOADING_FILE", "CACHE_PREFIX", "store_lock", "begin_load", "finish_load",
           "check_complete"]

LOCK_FILE = "supplier-graph.lock"
LOADING_FILE = "supplier-graph-loading.json"

#: Files in a store's directory whose names start so hold what supplier-graph worked out
#: from the store (:mod:`graph.store.cache`: the projection's snapshot; :mod:`graph.sparql.nameindex`),
#: each recording the store's state it was worked out from. Opening the store for
#: writing deletes them.
CACHE_PREFIX = "supplier-graph-cache-"


def store_lock(path: str | os.PathLike, *, shared: bool) -> int:
    """Lock the on-disk store in ``path`` for reading (``shared``) or writing, without
    waiting; returns the file descriptor that holds the lock (closing it releases it).
    Raises :class:`InputError` if another process holds a lock that excludes this one."""
    import fcntl
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise InputError(f"{path}: cannot open the store: {e.strerror or e}") from e
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BlockingIOError:
        holders = _holders(fd)
        os.close(fd)
        raise InputError(busy(path, shared, holders)) from None
    return fd


def busy(path: Path, shared: bool, holders: list[str] | None = None) -> str:
    who = "; ".join(holders or [])
    if shared:
        by = who or "another supplier-graph process"
        return f"{path}: the store is being loaded by {by}; try again when it has finished"
    by = f" ({who})" if who else ""
    return (f"{path}: the store is in use by another process{by}, reading it or loading it; "
            f"try again when it has finished")


def _holders(fd: int) -> list[str]:
    """The processes that hold a lock on the file open as ``fd``, each as ``process PID
    (command)``, from Linux's ``/proc/locks``; empty where the system keeps no such table."""
    st = os.fstat(fd)
    inode = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    found = []
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as table:
            for line in table:
                fields = line.split()
                if "->" in fields:  # a process waiting for the lock, not holding it
                    continue
                if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == inode:
                    found.append(fields[4])
    except OSError:
        return []
    return [f"process {pid}{_command(pid)}" for pid in sorted(set(found), key=int)]


def _command(pid: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = [a.decode("utf-8", "replace") for a in f.read().split(b"\0") if a]
    except OSError:
        return ""
    if len(argv) > 1 and Path(argv[0]).name.startswith("python") and argv[1:2] == ["-m"]:
        argv = argv[2:]
    elif len(argv) > 1 and Path(argv[0]).name.startswith("python"):
        argv = argv[1:]
    if argv:
        argv[0] = Path(argv[0]).name
    return f": {shlex.join(argv)[:160]}" if argv else ""


def begin_load(path: Path, files: list[Path]) -> None:
    """Mark the store as being loaded with ``files``. The caller holds the writer's lock.

    A store that a load left incomplete may be loaded again with at least the same files
    (what is already there is stored once); with other files it would stay incomplete
    without saying so, and is refused."""
    marker = path / LOADING_FILE
    names = [str(Path(f).resolve()) for f in files]
    earlier = _read_marker(marker)
    if earlier is not None:
        missing = [f for f in earlier.get("files", []) if f not in names]
        if missing:
            raise InputError(
                f"{path}: an earlier load did not finish, and left part of "
                f"{', '.join(missing)} in the store; load the same files again to complete it, "
                f"or load into a new directory")
    record = {"pid": os.getpid(), "started": datetime.datetime.now().isoformat(timespec="seconds"),
              "files": sorted(set(names) | set(earlier.get("files", []) if earlier else []))}
    tmp = marker.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=1), encoding="utf-8")
    os.replace(tmp, marker)


def finish_load(path: Path) -> None:
    (path / LOADING_FILE).unlink(missing_ok=True)


def check_complete(path: Path) -> None:
    """Raise :class:`InputError` if the last load into the store did not finish. The
    caller holds a lock, so no load is running: a marker left is a load that stopped."""
    record = _read_marker(path / LOADING_FILE)
    if record is None:
        return
    from ..model.rdffiles import ontology_paths
    ontology = {str(p.resolve()) for p in ontology_paths()}  # `load` adds them itself
    files = " ".join(shlex.quote(f) for f in record.get("files", []) if f not in ontology) or "FILES"
    raise InputError(
        f"{path}: the store is incomplete: a load begun {record.get('started', 'earlier')} did "
        f"not finish, so it holds only part of its data; complete it with: "
        f"supplier-graph load {files} --store oxigraph:{path}")


def _read_marker(marker: Path) -> dict | None:
    try:
        text = marker.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        record = json.loads(text)
    except ValueError:
        record = {}
    return record if isinstance(record, dict) else {}
