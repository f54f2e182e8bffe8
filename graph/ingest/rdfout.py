"""Writing imported triples: streamed Turtle, atomically, in bounded memory.

Triples go straight to a temporary file beside the output as they are made (one line
each, valid Turtle), duplicates dropped by a 16-byte digest; the file is renamed over the
output only when the import succeeds. The same input gives the same file (stable IRIs,
input order kept).
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import rdflib

from ..io import atomic_writer
from ..namespaces import PREFIXES

__all__ = ["TripleSink", "slug", "uri", "ID_BASE"]

ID_BASE = PREFIXES[""]


def slug(text: str, limit: int = 80) -> str:
    """A stable IRI segment.

    >>> slug("ocds-b5fd17-2f0d1a9c/Award 1")
    'ocds-b5fd17-2f0d1a9c-award-1'
    """
    s = re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-").lower()
    if len(s) > limit:
        s = s[: limit - 9] + "-" + hashlib.sha1(s.encode()).hexdigest()[:8]
    return s or "x"


def uri(*parts: str) -> rdflib.URIRef:
    return rdflib.URIRef(ID_BASE + "/".join(slug(p) for p in parts))


class TripleSink:
    """``with TripleSink(out, header=...) as sink: sink.add(s, p, o)`` — renamed into place
    on success, deleted on any error."""

    def __init__(self, out: str | os.PathLike, *, header: str = ""):
        self.out = Path(out)
        self.header = header
        self.count = 0
        self._seen: set[bytes] = set()
        self._forms: dict = {}

    def __enter__(self) -> "TripleSink":
        self._writer = atomic_writer(self.out)
        self._fh = self._writer.__enter__()
        for line in self.header.splitlines():
            self._fh.write(f"# {line}\n")
        for prefix, iri in PREFIXES.items():
            self._fh.write(f"@prefix {prefix}: <{iri}> .\n")
        self._fh.write("\n")
        return self

    def add(self, s, p, o) -> None:
        line = f"{self._iri(s)} {self._iri(p)} {self._iri(o) if type(o) is rdflib.URIRef else o.n3()} .\n"
        key = hashlib.blake2b(line.encode("utf-8"), digest_size=16).digest()
        if key not in self._seen:
            self._seen.add(key)
            self._fh.write(line)
            self.count += 1

    def _iri(self, term) -> str:
        """An IRI's N-Triples form, checked (by rdflib's ``n3()``) when first written. The
        forms of the last few thousand are kept: ``n3()`` checks an IRI again at every
        call, and a process's triples repeat their subjects while every triple names one
        of a few dozen predicates."""
        key = str(term)  # a plain string: rdflib compares its terms in Python, a str in C
        got = self._forms.get(key)
        if got is None:
            if len(self._forms) > 4096:
                self._forms.clear()
            got = self._forms[key] = term.n3()
        return got

    def __exit__(self, kind, value, tb):
        return self._writer.__exit__(kind, value, tb)
