"""Writing imported triples: streamed Turtle, atomically, in bounded memory.

Triples go straight to a temporary file beside the output as they are made (one
N-Triples line each, which is also valid Turtle), duplicates dropped by a 16-byte digest;
the file is renamed over the output only when the import succeeds. The same input gives
the same file (stable IRIs, input order kept). Terms are plain strings
(:mod:`graph.ingest.terms`).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path

from ..io import atomic_writer
from ..model.namespaces import PREFIXES
from .terms import Lit

__all__ = ["TripleSink", "slug", "uri", "ID_BASE"]

ID_BASE = PREFIXES[""]
_NOT_IN_SLUG = re.compile(r"[^A-Za-z0-9]+")
_NOT_IN_IRI = re.compile(r'[<>" {}|\\^`\x00-\x20]')


@functools.lru_cache(maxsize=8192)  # a process's IRIs repeat its ocid and its parts' ids
def slug(text: str, limit: int = 80) -> str:
    """A stable IRI segment.

    >>> slug("ocds-b5fd17-2f0d1a9c/Award 1")
    'ocds-b5fd17-2f0d1a9c-award-1'
    """
    s = _NOT_IN_SLUG.sub("-", str(text)).strip("-").lower()
    if len(s) > limit:
        s = s[: limit - 9] + "-" + hashlib.sha1(s.encode()).hexdigest()[:8]
    return s or "x"


def uri(*parts: str) -> str:
    """The IRI of an imported thing, made of slugs of ``parts``.

    >>> uri("ocds", "ocds-b5fd17-1", "Award 1")
    'https://w3id.org/supplier-graph/id/ocds/ocds-b5fd17-1/award-1'
    """
    return ID_BASE + "/".join([slug(p) for p in parts])


class TripleSink:
    """``with TripleSink(out, header=...) as sink: sink.add(s, p, o)`` — renamed into place
    on success, deleted on any error. Subjects and predicates are IRIs (``str``); an object
    is an IRI or a :class:`graph.ingest.terms.Lit`."""

    def __init__(self, out: str | os.PathLike, *, header: str = ""):
        self.out = Path(out)
        self.header = header
        self.count = 0
        # digests of the lines written: a dict, not a set, because a dict that holds only
        # bytes is not tracked by the garbage collector, which would otherwise walk its
        # millions of entries at every full collection
        self._seen: dict[bytes, None] = {}
        self._forms: dict[str, str] = {}

    def __enter__(self) -> "TripleSink":
        self._writer = atomic_writer(self.out, "wb")  # bytes: each line is encoded once, for its digest
        self._fh = self._writer.__enter__()
        head = [f"# {line}\n" for line in self.header.splitlines()]
        head += [f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in PREFIXES.items()]
        self._fh.write(("".join(head) + "\n").encode("utf-8"))
        return self

    def add(self, s: str, p: str, o: str) -> None:
        self.add_all(((s, p, o),))

    def add_all(self, triples) -> None:
        forms, seen, iri, digest = self._forms, self._seen, self._iri, hashlib.blake2b
        lines = []
        for s, p, o in triples:
            line = (f"{forms.get(s) or iri(s)} {forms.get(p) or iri(p)} "
                    f"{o if type(o) is Lit else forms.get(o) or iri(o)} .\n")
            line = line.encode("utf-8")
            key = digest(line, digest_size=16).digest()
            if key not in seen:
                seen[key] = None
                lines.append(line)
        self._fh.writelines(lines)
        self.count += len(lines)

    def _iri(self, iri: str) -> str:
        """An IRI's N-Triples form, checked when first written. The forms of the last few
        thousand are kept: a process's triples repeat their subjects, and every triple
        names one of a few dozen predicates."""
        iri = str(iri)
        if _NOT_IN_IRI.search(iri):
            raise ValueError(f"{iri!r} cannot be written as an IRI (it holds a space, a control character "
                             f"or one of <>\"{{}}|\\^`)")
        if len(self._forms) > 4096:
            self._forms.clear()
        form = self._forms[iri] = f"<{iri}>"
        return form

    def __exit__(self, kind, value, tb):
        return self._writer.__exit__(kind, value, tb)
