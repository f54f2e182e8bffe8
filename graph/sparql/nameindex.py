"""The name index of an on-disk store, kept beside it in SQLite.

A name not spelled exactly as the graph spells it ("the met", "synthetic supplier 0
ltd", a misspelling) is found among all the store's names: SPARQL has no index of a
name's words, and Oxigraph reads each name from its dictionary, so on a national graph
such a lookup took minutes.
:func:`graph.sparql.names.name_index` reads the names into memory, for one process. For an
on-disk store (``--store oxigraph:DIR``) this module writes the same index to
``DIR/supplier-graph-cache-names.sqlite`` the first time a process needs it; every later
process finds a name in it through SQLite's B-tree (the names that read the same) and
its FTS5 index of words (the names that contain it), in milliseconds, and reads only its
keys for suggestions.

The index is of the store as it was when the index was built: it records the store's
state (:meth:`graph.store.local.OxigraphStore.state`, which any write to the store changes and
reading does not) and is built again when the state differs. supplier-graph deletes it
when it opens the store for writing. It is written to a temporary file and renamed, so
two processes building it at once each leave a whole index, and a failure none.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from urllib.parse import quote

from ..store.cache import cache_file, cache_key, replacing, source
from .names import MINOR, read_names
from ..store.lock import CACHE_PREFIX

__all__ = ["FILE", "NameTable", "for_store", "build"]

NAME = "names.sqlite"
FILE = CACHE_PREFIX + NAME

FORMAT = "supplier-graph name index 1"


def _key(store) -> str:
    """What an index records: the store's state and the code that indexes names (another
    way of normalising them, say, builds the index again)."""
    return cache_key(store, FORMAT, source("sparql.names", "sparql.nameindex"))


_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE keys (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE TABLE names (key INTEGER NOT NULL, iri TEXT NOT NULL, name TEXT NOT NULL, minor INTEGER NOT NULL);
CREATE VIRTUAL TABLE words USING fts5(key, content='', columnsize=0, tokenize='unicode61 remove_diacritics 0');
"""

#: SQLite allows this many parameters in a statement, and more on newer versions.
_PARAMS = 900


class NameTable(Mapping):
    """The index as :func:`graph.sparql.names.name_index` gives it (normalised name ->
    ``{iri: the name as written}``, in the order the store gave them), read from SQLite
    a key at a time. Figures and claims are marked rather than kept under a key of their
    own; :meth:`containing` leaves them out."""

    def __init__(self, path: Path):
        # immutable: the file is only ever replaced whole (renamed over), never written to
        self.db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True,
                                  check_same_thread=False)
        self.path = path

    def __getitem__(self, key: str) -> dict[str, str]:
        rows = self.db.execute("SELECT n.iri, n.name FROM keys k JOIN names n ON n.key = k.id "
                               "WHERE k.key = ? ORDER BY n.rowid", (key,)).fetchall()
        if not rows:
            raise KeyError(key)
        return dict(rows)

    def __iter__(self) -> Iterator[str]:
        return (k for (k,) in self.db.execute("SELECT key FROM keys ORDER BY id"))

    def __len__(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM keys").fetchone()[0]

    def containing(self, key: str, pattern) -> set[str]:
        """The entities, figures and claims left out, with a name ``pattern`` finds:
        ``pattern`` matches the normalised names that hold ``key`` as whole words.

        The FTS5 index finds the names holding ``key``'s words in a row (its tokenizer
        splits both as it splits every name, so these include every name ``pattern``
        finds); ``pattern`` then decides. A key with no letter or digit, which FTS5 has
        no word for, is compared with every name."""
        if any(ch.isalnum() for ch in key):
            found = self.db.execute("SELECT k.id, k.key FROM words JOIN keys k ON k.id = words.rowid "
                                    "WHERE words MATCH ?", ('"' + key.replace('"', '""') + '"',))
        else:
            found = self.db.execute("SELECT id, key FROM keys")
        ids = [i for i, k in found if pattern.search(k)]
        out: set[str] = set()
        for start in range(0, len(ids), _PARAMS):
            part = ids[start:start + _PARAMS]
            out.update(iri for (iri,) in self.db.execute(
                f"SELECT iri FROM names WHERE minor = 0 AND key IN ({','.join('?' * len(part))})", part))
        return out

    def close(self) -> None:
        self.db.close()


def _open(path: Path, key: str) -> NameTable | None:
    """The index in ``path`` if it was written under ``key`` (:func:`_key`)."""
    if not path.is_file():
        return None
    table = None
    try:
        table = NameTable(path)
        meta = dict(table.db.execute("SELECT key, value FROM meta"))
    except sqlite3.Error:  # not an index (or a damaged one): built again
        if table is not None:
            table.close()
        return None
    if meta.get("key") != key:
        table.close()
        return None
    return table


def build(index: dict[str, dict[str, str]], minor: set[str], path: Path, key: str) -> None:
    """Write ``index`` (:func:`graph.sparql.names.name_index`'s, without its figures and claims
    key) and the IRIs of the figures and claims (``minor``) to the SQLite file ``path``,
    under ``key``: to a temporary file first, renamed over ``path``."""
    with replacing(path) as tmp:
        db = sqlite3.connect(tmp)
        try:
            db.execute("PRAGMA journal_mode = OFF")  # a new file, renamed into place when whole
            db.execute("PRAGMA synchronous = OFF")
            db.executescript(_SCHEMA)
            db.executemany("INSERT INTO meta VALUES (?, ?)", [("key", key)])
            db.executemany("INSERT INTO keys VALUES (?, ?)", enumerate(index, 1))
            db.executemany("INSERT INTO names VALUES (?, ?, ?, ?)",
                           ((n, iri, name, iri in minor)
                            for n, written in enumerate(index.values(), 1) for iri, name in written.items()))
            db.execute("CREATE INDEX names_key ON names (key)")
            db.executemany("INSERT INTO words (rowid, key) VALUES (?, ?)", enumerate(index, 1))
            db.execute("INSERT INTO words (words) VALUES ('optimize')")
            db.commit()
        finally:
            db.close()


def for_store(store) -> NameTable | None:
    """The on-disk name index of ``store``, built first if it has none of its current
    state; None for a store that is not an on-disk Oxigraph store opened for reading, or
    whose directory cannot be written to (the caller reads the names into memory)."""
    table = store.kept.get("name_table")
    if table is not None:
        return table
    file = cache_file(store, NAME)
    if file is None:
        return None
    path, key = file.parent, _key(store)
    table = _open(file, key)
    if table is None:
        notice = store.notice
        if notice:
            notice(f"indexing the names in {path} for lookups (once: the index is kept until the store changes)")
        started = time.perf_counter()
        index = read_names(store)
        minor = set(index.pop(MINOR, {}))
        try:
            build(index, minor, file, key)
        except (OSError, sqlite3.Error) as e:
            if notice:
                notice(f"cannot keep the name index in {path} ({e}); names are read into memory instead")
            store.kept["names"] = {**index, MINOR: dict.fromkeys(minor, "")}
            return None
        if notice:
            notice(f"indexed {len(index):,} names in {time.perf_counter() - started:.1f} s")
        table = _open(file, key)
    store.kept["name_table"] = table
    return table
