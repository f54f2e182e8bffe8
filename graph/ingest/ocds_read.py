"""Reading OCDS files as contracting processes: every release of one ``ocid`` together.

OCDS publishes a contracting process as a series of releases (tender, award, award
updates, contract, amendments), each restating or correcting what came before. Counting
each release again would add a corrected award to its first version, so the releases of
an ``ocid`` are gathered from every input file and compiled with ``ocdsmerge`` by the
standard's merge rules (the latest value of a field wins). The versioned release keeps
which release said what, and when: :func:`superseded` reads the earlier values of a field
from it.

Files: release packages, record packages (a record's releases, else its compiled
release), bare JSON arrays of releases, single releases, and JSON Lines of any of these;
each plain or gzipped.
Releases are streamed (ijson) twice: once to count each ``ocid``'s releases, then to
gather them, so a process is compiled as soon as its last release is read and memory
holds only the processes still incomplete.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Container, Iterable, Iterator

from ..errors import InputError, ParseError

__all__ = ["Process", "iter_processes", "file_kind", "superseded", "merger", "release_id", "canonical_ocids",
           "joined_republications"]

_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "ocds-release-schema-1.1.4.json"


@dataclass
class Process:
    """One contracting process: its compiled release, the releases it was compiled from
    (each with its package metadata and file), and, where there were several, the
    versioned release (flat: :func:`superseded`) that says which release gave which value."""

    ocid: str
    compiled: dict
    releases: list[tuple[dict, dict, str]]  # (release, package metadata, file name)
    versioned: dict | None = None
    warnings: list[str] = field(default_factory=list)


_MERGER = None


def merger():
    """The OCDS 1.1 merger, with the merge rules of the bundled release schema (never
    fetched: ocdsmerge's default reads the schema from the web)."""
    global _MERGER
    if _MERGER is None:
        import ocdsmerge
        _MERGER = ocdsmerge.Merger(schema=str(_SCHEMA))
    return _MERGER


def superseded(versioned: dict | None, path: tuple) -> list[dict]:
    """The earlier versions of one field of a versioned release (kept flat, as ocdsmerge
    builds it: path -> versions): ``[{"value", "releaseID", "releaseDate"}, ...]``, oldest
    first, the current value left out. ``path`` names objects by key and array items by
    ``("awards", "a1")`` pairs, i.e. by their id.

    >>> v = {("awards", "a1", "value", "amount"): [
    ...     {"releaseID": "r1", "releaseDate": "2025-01-01", "value": 10932000},
    ...     {"releaseID": "r2", "releaseDate": "2025-02-01", "value": 109320}]}
    >>> [(x["value"], x["releaseID"]) for x in superseded(v, (("awards", "a1"), "value", "amount"))]
    [(10932000, 'r1')]
    """
    if not versioned:
        return []
    key = tuple(part for step in path for part in (step if isinstance(step, tuple) else (step,)))
    versions = versioned.get(key)
    if not isinstance(versions, list):
        return []
    return [v for v in versions[:-1] if isinstance(v, dict) and "releaseID" in v]


# ----------------------------------------------------------------------------- files

def _open(path: Path):
    """A file to read as bytes; a gzip file (as the OCP Data Registry serves its bulk
    downloads) read through gzip, whatever its name."""
    fh = path.open("rb")
    if fh.peek(2)[:2] == b"\x1f\x8b":
        return io.BufferedReader(_Gunzipped(path, fh))
    return fh


class _Gunzipped(io.RawIOBase):
    """A gzip file's content, a cut or damaged file said so as bad input."""

    def __init__(self, path: Path, fh):
        import gzip
        self.path, self.fh, self.gz = path, fh, gzip.GzipFile(fileobj=fh, mode="rb")

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        import zlib
        try:
            data = self.gz.read(len(buffer))
        except (EOFError, OSError, zlib.error) as e:
            raise InputError(f"{self.path}: the gzip file is cut short or damaged ({e})") from e
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.gz.close()  # leaves the file it reads open
        self.fh.close()
        super().close()


def file_kind(path: Path) -> str:
    """'jsonl', 'array', 'releases', 'records' or 'release'; raises InputError otherwise."""
    import ijson
    with _open(path) as fh:
        head = fh.read(4096).lstrip()
    if not head:
        raise InputError(f"{path}: the file is empty")
    if head[:1] == b"[":
        return "array"
    if head[:1] != b"{":
        raise InputError(f"{path}: not JSON (it starts with {head[:20]!r}); OCDS files are JSON or JSON Lines")
    with _open(path) as fh:
        first = fh.readline()
        rest = fh.read(64).strip()
    try:
        json.loads(first)
        if rest.startswith(b"{"):
            return "jsonl"
    except ValueError:
        pass
    keys = set()
    try:
        with _open(path) as fh:
            for prefix, event, value in ijson.parse(fh):
                if prefix == "" and event == "map_key":
                    keys.add(value)
                    if value in ("releases", "records"):
                        return value
    except ijson.JSONError as e:
        raise ParseError(str(path), None, None, f"not valid JSON: {str(e).splitlines()[0]}") from e
    if "ocid" in keys:
        return "release"
    raise InputError(f"{path}: not OCDS: no 'releases', 'records' or 'ocid' at the top level "
                     f"(found: {', '.join(sorted(keys)) or 'nothing'})")


def _package_meta(path: Path) -> dict:
    """The package's uri, licence, publication date and publisher name (a streaming pass)."""
    import ijson
    wanted = {"uri": "uri", "license": "license", "publishedDate": "published", "publisher.name": "publisher"}
    meta: dict = {}
    try:
        with _open(path) as fh:
            for prefix, event, value in ijson.parse(fh):
                if prefix in wanted and event in ("string", "number"):
                    meta[wanted[prefix]] = str(value)
                elif prefix in ("releases", "records") and event == "start_array":
                    break  # package metadata comes first in every publisher's files seen
    except ijson.JSONError as e:
        raise ParseError(str(path), None, None, f"not valid JSON: {str(e).splitlines()[0]}") from e
    return meta


def _line_meta(obj: dict) -> dict:
    publisher = obj.get("publisher") if isinstance(obj.get("publisher"), dict) else {}
    return {"uri": obj.get("uri"), "license": obj.get("license"), "published": obj.get("publishedDate"),
            "publisher": publisher.get("name")}


def _record_releases(rec: dict) -> list[dict]:
    """A record's full releases, else its compiled release (linked releases carry no data)."""
    full = [r for r in rec.get("releases") or [] if isinstance(r, dict) and r.get("ocid") and
            any(k not in ("url", "date", "tag") for k in r)]
    if full:
        return full
    if isinstance(rec.get("compiledRelease"), dict):
        return [rec["compiledRelease"]]
    return []


def _items(path: Path, kind: str, warn: Callable[[str], None]) -> Iterator[tuple[list[dict], dict]]:
    """(releases of one item — a release, or a record's releases —, package metadata)."""
    import ijson
    if kind == "jsonl":
        with _open(path) as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line, parse_constant=float)
                except ValueError as e:
                    warn(f"{path}:{n}: skipped a line that is not JSON ({e})")
                    continue
                if not isinstance(obj, dict):
                    warn(f"{path}:{n}: skipped a line that is not a JSON object")
                elif "releases" in obj:
                    meta = _line_meta(obj)
                    for rel in obj["releases"] or []:
                        yield [rel], meta
                elif "records" in obj:
                    meta = _line_meta(obj)
                    for rec in obj["records"] or []:
                        yield _record_releases(rec) if isinstance(rec, dict) else [], meta
                else:
                    yield [obj], {}
        return
    meta = _package_meta(path)
    try:
        with _open(path) as fh:
            if kind == "release":
                yield [json.load(fh, parse_constant=float)], meta
                return
            prefix = {"array": "item", "releases": "releases.item", "records": "records.item"}[kind]
            for obj in ijson.items(fh, prefix):
                if kind == "records":
                    yield (_record_releases(obj) if isinstance(obj, dict) else []), meta
                else:
                    yield [obj], meta
    except ijson.JSONError as e:
        raise ParseError(str(path), None, None, f"not valid JSON: {str(e).splitlines()[0]}") from e


def release_id(rel: dict, ocid: str) -> str:
    """A release's id; some publishers give none, so their releases are told apart by date.

    >>> release_id({"id": "r1"}, "o"), release_id({"date": "2019-04-26T00:00:00Z"}, "o"), release_id({}, "o")
    ('r1', 'o-2019-04-26T00:00:00Z', 'o')
    """
    if rel.get("id"):
        return str(rel["id"])
    return f"{ocid}-{rel['date']}" if rel.get("date") else ocid


def _ocids(path: Path, kind: str) -> Iterator[str | None]:
    """The ocid of every release in a file, for the first pass: for packages and arrays,
    only the ocids are read out of the stream, not whole releases."""
    import ijson
    if kind in ("array", "releases"):
        prefix = "item.ocid" if kind == "array" else "releases.item.ocid"
        try:
            with _open(path) as fh:
                for value in ijson.items(fh, prefix):
                    yield str(value) if value else None
        except ijson.JSONError as e:
            raise ParseError(str(path), None, None, f"not valid JSON: {str(e).splitlines()[0]}") from e
        return
    for releases, _meta in _items(path, kind, lambda _w: None):
        for rel in releases:
            yield _ocid(rel)


def _ocid(rel) -> str | None:
    return str(rel["ocid"]) if isinstance(rel, dict) and rel.get("ocid") else None


def iter_processes(paths: Iterable[str | Path], warn: Callable[[str], None],
                   kinds: dict | None = None, expected: Counter | None = None) -> Iterator[Process | tuple[dict, str]]:
    """Every contracting process in ``paths``, its releases from every file compiled into
    one; a release that has no ``ocid`` is yielded as ``(release, file name)`` for the
    caller to report. ``expected``, if given, is filled with each ocid's number of
    releases before the first process is yielded."""
    paths = [Path(p) for p in paths]
    kinds = kinds or {p: file_kind(p) for p in paths}
    expected = Counter() if expected is None else expected
    for p in paths:  # first pass: how many releases each process has
        expected.update(ocid for ocid in _ocids(p, kinds[p]) if ocid)
    pending: dict[str, list] = {}
    for p in paths:
        for releases, meta in _items(p, kinds[p], warn):
            for rel in releases:
                ocid = _ocid(rel)
                if ocid is None:
                    yield rel, str(p)
                    continue
                if expected[ocid] == 1:
                    yield Process(ocid, rel, [(rel, meta, str(p))])
                    continue
                group = pending.setdefault(ocid, [])
                group.append((rel, meta, str(p)))
                if len(group) == expected[ocid]:
                    del pending[ocid]
                    yield _compile(ocid, group)


def _compile(ocid: str, group: list[tuple[dict, dict, str]]) -> Process:
    """The releases of one process merged by the OCDS merge rules; identical releases
    (the same id, as when one file is given twice) count once."""
    warnings = []
    unique: dict = {}
    for rel, meta, fname in group:
        unique.setdefault(release_id(rel, ocid), (rel, meta, fname))
    group = sorted(unique.values(), key=lambda g: str(g[0].get("date") or ""))  # oldest first
    if len(group) == 1:
        return Process(ocid, group[0][0], group)
    releases = []
    for rel, meta, fname in group:
        if not rel.get("date"):
            when = "as of its package's publication date" if meta.get("published") else "before the dated ones"
            warnings.append(f"{fname}: release {rel.get('id')} ({ocid}) has no date; merged {when}")
            rel = {**rel, "date": meta.get("published") or ""}
        releases.append(rel)
    from ocdsmerge.exceptions import OCDSMergeError
    try:
        compiled, versioned = _merged(releases)
    except OCDSMergeError as e:  # e.g. an id repeated within one release's list
        warnings.append(f"{ocid}: its releases could not be merged ({e}); the latest, "
                        f"{group[-1][0].get('id')}, is used")
        return Process(ocid, group[-1][0], group, None, warnings)
    return Process(ocid, compiled, group, versioned, warnings)


def _merged(releases: list[dict]) -> tuple[dict, dict]:
    """The compiled release of ``releases``, as ocdsmerge's ``create_compiled_release``
    makes it, and the versioned release, as ``create_versioned_release`` makes it but kept
    flat (field path -> versions, which is how :func:`superseded` reads it). Each release
    is flattened once for both: flattening is most of a merge's time."""
    from ocdsmerge import CompiledRelease, VersionedRelease
    from ocdsmerge.flatten import flatten
    from ocdsmerge.util import sorted_releases
    m = merger()
    compiled = CompiledRelease(merge_rules=m.merge_rules, rule_overrides=m.rule_overrides)
    versioned = VersionedRelease(merge_rules=m.merge_rules, rule_overrides=m.rule_overrides)
    for release in sorted_releases(releases):
        release = dict(release)
        tag = release.pop("tag", None)  # "omitWhenMerged" since OCDS 1.1.4
        flat = flatten(release, m.merge_rules, m.rule_overrides, flattened={})
        args = (release.get("ocid"), release.get("id"), release.get("date"), tag)
        compiled.flat_append(dict(flat), *args)
        versioned.flat_append(flat, *args)
    return compiled.asdict(), versioned.data


# ----------------------------------------------------------------------------- republications

_OCID = re.compile(r"ocds-[a-z0-9]{6}-[A-Za-z0-9][A-Za-z0-9._-]*")


def canonical_ocids(proc: Process) -> set[str]:
    """The processes that ``proc`` republishes: the ocids its releases' ``links`` name with
    the ``canonical`` relation, as OCDS asks a publication derived from another to do (Find
    a Tender, for the notices it takes from Public Contracts Scotland).

    >>> canonical_ocids(Process("ocds-h6vhtk-0395de", {}, [({"links": [{"rel": "canonical",
    ...     "href": "https://api.publiccontractsscotland.gov.uk/v1/Notice?id=ocds-r6ebe6-0000710562"}]}, {}, "f")]))
    {'ocds-r6ebe6-0000710562'}
    """
    out = set()
    for rel, _meta, _fname in proc.releases:
        for link in rel.get("links") or [] if isinstance(rel.get("links"), list) else []:
            if isinstance(link, dict) and str(link.get("rel") or "").lower() == "canonical":
                out.update(_OCID.findall(str(link.get("href") or "")))
    out.discard(proc.ocid)
    return out


def joined_republications(items: Iterable, present: Container[str]) -> Iterator[tuple[object, str | None]]:
    """``(item, None)`` for each item of :func:`iter_processes`, and ``(process, ocid)``
    for a process that republishes one read too (``present``: the ocids of the input, as
    :func:`iter_processes` counts them): it is the same contracting process, to be recorded
    as another publication of it and not counted again. A republication whose original is
    among the files waits for it, and only then; one whose original is not is yielded at
    once as a process of its own."""
    seen: set[str] = set()
    waiting: dict[str, list[Process]] = {}
    for item in items:
        if isinstance(item, Process):
            originals = sorted(o for o in canonical_ocids(item) if o in present)
            done = [o for o in originals if o in seen]
            if originals and not done:
                waiting.setdefault(originals[0], []).append(item)
                continue
            yield item, (done[0] if done else None)
            seen.add(item.ocid)
            ready = [(copy, item.ocid) for copy in waiting.pop(item.ocid, ())]
            while ready:  # a copy of a copy is the same process too
                copy, original = ready.pop(0)
                yield copy, original
                seen.add(copy.ocid)
                ready += [(c, copy.ocid) for c in waiting.pop(copy.ocid, ())]
        else:
            yield item, None
    for copies in waiting.values():  # an original that never came (no release could be read)
        for copy in copies:
            yield copy, None
