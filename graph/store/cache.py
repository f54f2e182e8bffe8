"""What supplier-graph works out from an on-disk store, kept beside it until the store changes.

Reading a national store is mostly Oxigraph decoding strings: the projection's seven
queries take minutes on a national graph, every time, for every command that
analyses the graph. What a command works out from them depends only on the store's
contents and on this version of the code, so it is kept in the store's directory
(``supplier-graph-cache-<name>``) under a key made of both: the store's
:meth:`~graph.store.local.OxigraphStore.state` (which any write to the store changes, and
reading does not) and a digest of the code and queries that worked it out. A file whose
key differs is ignored and replaced; supplier-graph deletes them all when it opens the
store for writing; deleting them by hand is always safe.

Only a store opened for reading on disk has a cache: the in-memory store is read afresh
by each process, and an endpoint's state cannot be seen.
"""

from __future__ import annotations

import hashlib
import os
from contextlib import contextmanager
from pathlib import Path

from .lock import CACHE_PREFIX

__all__ = ["cache_file", "cache_key", "source", "open_kept", "write", "replacing", "temporary", "mapped_arrays",
           "saved", "offsets", "packed_lists", "packed_texts"]


def cache_file(store, name: str) -> Path | None:
    """The file in which ``store`` keeps ``name``; None for a store without a cache."""
    if store.path is None or not store.read_only:
        return None
    return Path(store.path) / (CACHE_PREFIX + name)


def cache_key(store, *parts: str | bytes) -> str:
    """A digest of the store's state and ``parts`` (the code and queries that work out
    what is kept)."""
    h = hashlib.sha256(store.state().encode())
    for part in parts:
        h.update(b"\x00" + (part if isinstance(part, bytes) else part.encode()))
    return h.hexdigest()


def source(*modules: str) -> bytes:
    """The source of ``graph`` modules (``"projection.snapshot"``), for :func:`cache_key`:
    what is kept is worked out again when the code that worked it out changes."""
    package = Path(__file__).resolve().parent.parent
    return b"\x00".join(package.joinpath(*m.split(".")).with_suffix(".py").read_bytes() for m in modules)


def open_kept(file: Path, key: str):
    """``file`` open for reading what it keeps, if it was kept under ``key``; else None."""
    try:
        f = open(file, "rb")
    except OSError:
        return None
    if f.readline().rstrip(b"\n") != key.encode():
        f.close()
        return None
    return f


def temporary(file: Path) -> Path:
    """A file beside ``file`` for this process to write before renaming it to ``file``.
    Those that processes no longer running left (killed while writing) are deleted."""
    for left in file.parent.glob(f"{file.name}.*.tmp"):
        try:
            os.kill(int(left.name.rsplit(".", 2)[1]), 0)
        except ProcessLookupError:
            left.unlink(missing_ok=True)
        except (ValueError, OSError):  # not one of ours, or a process of another user's
            pass
    return file.with_name(f"{file.name}.{os.getpid()}.tmp")


@contextmanager
def replacing(file: Path):
    """A temporary file beside ``file`` (:func:`temporary`) for the caller to write; when
    the block ends it is synced and renamed over ``file``, so that a reader sees a whole
    file or none, or deleted if the block raised.

    Not :func:`graph.io.atomic_writer`: a kept file's temporary is named after ``file``
    and the writer's process, so that opening the store for writing deletes it with the
    rest, :meth:`~graph.store.local.OxigraphStore.state` leaves it out, and a later writer can
    tell that its writer was killed."""
    tmp = temporary(file)
    tmp.unlink(missing_ok=True)
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, file)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write(file: Path, key: str, chunks) -> None:
    """Keep ``chunks`` (bytes) in ``file`` under ``key`` (:func:`replacing`). Raises OSError."""
    with replacing(file) as tmp, open(tmp, "wb") as f:
        f.write(key.encode() + b"\n")
        for chunk in chunks:
            f.write(chunk)


def mapped_arrays(f):
    """The numpy arrays kept in ``f`` (open after its key; written with ``numpy.save``),
    in turn, mapped rather than read: a command about a few contracts reads the pages
    of their rows, not the whole file. The map outlives ``f``, and a kept file is only
    ever replaced (:func:`replacing`), never changed in place. Raises ValueError or
    EOFError where the file ends before an array does."""
    import mmap
    import numpy as np
    fmt = np.lib.format
    data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    pos = f.tell()
    while True:
        f.seek(pos)
        version = fmt.read_magic(f)
        if version not in ((1, 0), (2, 0)):
            raise ValueError(f"a kept file has arrays of format {version}")
        read = fmt.read_array_header_1_0 if version == (1, 0) else fmt.read_array_header_2_0
        shape, _fortran, dtype = read(f)
        count, offset = int(np.prod(shape)), f.tell()
        pos = offset + count * dtype.itemsize
        yield np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(shape)


# -- numpy arrays in a kept file: written with numpy.save one after another, read back
# mapped (mapped_arrays); a list of lists and a list of strings each as two arrays

def saved(arrays):
    """The bytes of each of ``arrays`` as ``numpy.save`` writes it, in turn."""
    import io
    import numpy as np
    for a in arrays:
        out = io.BytesIO()
        np.save(out, a, allow_pickle=False)
        yield out.getvalue()


def offsets(lengths: list[int]):
    """Where each of lists of these lengths starts among their items, and where the last ends."""
    import numpy as np
    ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=ptr[1:])
    return ptr


def packed_lists(lists):
    """A list of lists of ints as offsets (one more than lists) and items."""
    import numpy as np
    ptr = offsets([len(x) for x in lists])
    return ptr, np.fromiter((i for x in lists for i in x), dtype=np.int32, count=int(ptr[-1]))


def packed_texts(texts: list[str]):
    """Strings as one UTF-8 array joined by NUL, the end of each, and whether splitting at
    NUL gives them back (no string holds one)."""
    import numpy as np
    encoded = [t.encode() for t in texts]
    ends = np.cumsum([len(e) + 1 for e in encoded], dtype=np.int64) - 1 if encoded else np.zeros(0, np.int64)
    return np.frombuffer(b"\x00".join(encoded), dtype=np.uint8), ends, not any(b"\x00" in e for e in encoded)
