"""Finding an entity by the name a person uses for it.

A name is a label, an alias (``skos:altLabel``), a local id (``met``), a prefixed name
(``:met``, ``tower:Hosting``) or a full IRI. Matching ignores case, punctuation, "&" vs
"and" and a leading "the", so "the Met", "MPS" and "Metropolitan Police Service" all find
the same node; a name spelled exactly as one of the graph's names (or as a local id) is taken
to mean what that spelling names, which one indexed lookup finds on a graph of any size.
Any other spelling is looked for among the graph's names: on an on-disk store, in the
index of them kept beside it (:mod:`graph.sparql.nameindex`); otherwise read from the store. A
name that matches several entities raises
:class:`~graph.errors.AmbiguousName` with the candidates; a name that matches none raises
:class:`~graph.errors.EntityNotFound` with did-you-mean suggestions.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from ..errors import AmbiguousName, EntityNotFound
from .names import MINOR, MINOR_CLASSES, NAMES, SCHEMA_CLASSES, add_name, name_index, normalise_name
from ..model.namespaces import PREFIXES, internal_query, sparql_prefixes
from .library import string_literal
from ..store.base import Store, in_values

__all__ = ["Entity", "resolve", "iri_ref", "labels", "kind_of"]

_LABEL_RANK = {"http://www.w3.org/2000/01/rdf-schema#label": 0,
               "http://www.w3.org/2004/02/skos/core#prefLabel": 1,
               "http://purl.org/dc/terms/title": 2}


@dataclass(frozen=True)
class Entity:
    """A resolved entity: its IRI and its preferred label; ``also``, the (label, IRI) of the
    things the name matched too, where an organisation won over things named after it."""

    iri: str
    label: str
    also: tuple = field(default=(), compare=False)


_NOT_IN_IRI = re.compile(r'[\s<>"{}|\\^`]')


def iri_ref(iri: str) -> str:
    """``<iri>`` for a SPARQL query, refusing characters that would break out of it.

    >>> iri_ref("https://w3id.org/supplier-graph/id/met")
    '<https://w3id.org/supplier-graph/id/met>'
    """
    if _NOT_IN_IRI.search(iri):
        raise EntityNotFound(iri)
    return f"<{iri}>"


def _on_disk(store: Store):
    """The name index kept beside an on-disk store (:mod:`graph.sparql.nameindex`), unless the
    process has read the names into memory already; None for other stores."""
    if store.path is None or "names" in store.kept:
        return None
    from .nameindex import for_store
    return for_store(store)


def _whole_index(store: Store):
    """Every name: the on-disk index of an on-disk store, otherwise :func:`name_index`."""
    table = _on_disk(store)
    return table if table is not None else name_index(store)


def _partial(index, key: str) -> set[str]:
    """The entities (not figures or claims) with a name that holds ``key`` as whole words."""
    pattern = re.compile(rf"(^| ){re.escape(key)}( |$)")
    if hasattr(index, "containing"):
        return index.containing(key, pattern)
    minor = index.get(MINOR, {})
    return {i for n, iris in index.items() if pattern.search(n) for i in iris if i not in minor}


def labels(store: Store, iris: list[str]) -> dict[str, str]:
    """Preferred labels for IRIs (the IRI itself where none is known)."""
    if not iris:
        return {}
    text = sparql_prefixes() + internal_query("lookup-labels", store.engine)
    rows = [r for values in in_values([iri_ref(i) for i in iris]) for r in store.select_strings(text % values)]
    best: dict[str, tuple[int, str]] = {}
    for s, p, label in rows:
        rank = (_LABEL_RANK[p], label)
        if s not in best or rank < best[s]:
            best[s] = rank
    return {i: best[i][1] if i in best else i for i in iris}


def _expand(name: str) -> str | None:
    text = name.strip()
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^[a-z][a-z0-9+.-]*://", text):
        return text
    m = re.match(r"^([A-Za-z][\w-]*)?:([\w-]+)$", text)
    if m and (m.group(1) or "") in PREFIXES:
        return PREFIXES[m.group(1) or ""] + m.group(2)
    return None


def resolve(store: Store, name: str) -> Entity:
    """Find the one entity ``name`` refers to.

    Raises :class:`AmbiguousName` or :class:`EntityNotFound` (with suggestions).
    """
    # an IRI or a name spelled exactly is looked up in the store's indexes; the forms that
    # read the same and the names that contain it are among the names holding all its
    # words, which one query finds; suggestions need every name, read into the name index
    iri = _expand(name)
    if iri is not None:
        if _known(store, iri):
            return Entity(iri, labels(store, [iri])[iri])
        raise EntityNotFound(name, _suggest(_whole_index(store), normalise_name(iri.rsplit("/", 1)[-1])))

    key = normalise_name(name)
    if not key:
        raise EntityNotFound(name)
    exact = _spelled(store, name.strip())
    index: dict[str, dict[str, str]] = {}
    if not exact:
        # an on-disk store's index (built the first time) answers at once; otherwise the
        # names holding the name's words, or all names if none holds them
        index = _on_disk(store)
        if index is None:
            index = store.kept.get("names") or _containing(store, key) or name_index(store)
        exact = index.get(key, {})
    if len(exact) == 1:
        iri = next(iter(exact))
        return Entity(iri, labels(store, [iri])[iri])
    if len(exact) > 1:
        return _one_of(store, name, set(exact))

    partial = _partial(index, key)
    if len(partial) == 1:
        iri = partial.pop()
        return Entity(iri, labels(store, [iri])[iri])
    if partial:
        return _one_of(store, name, partial)
    raise EntityNotFound(name, _suggest(_whole_index(store), key))


_KIND = internal_query("lookup-kind")


def kind_of(store: Store, iri: str) -> set[str]:
    """Whether ``iri`` is a buyer (a public body, or named as a contract's buyer), a supplier
    (likewise), both, or neither."""
    return {str(r["kind"]) for r in store.select(sparql_prefixes() + _KIND % {"e": iri_ref(iri)}).rows}


_ORGANISATIONS = internal_query("lookup-organisations")


def _one_of(store: Store, name: str, iris: set[str]) -> Entity:
    """The one organisation among the things ``name`` matches (Hammersmith and Fulham
    council, not the contract named after it), with the others in ``also``; ambiguous if
    none or several are organisations."""
    found = labels(store, sorted(iris))
    candidates = sorted(((l, i) for i, l in found.items()), key=lambda c: c[0].lower())
    orgs = {str(r["s"]) for values in in_values([iri_ref(i) for i in sorted(iris)])
            for r in store.select(sparql_prefixes() + _ORGANISATIONS % values).rows}
    if len(orgs) == 1:
        (iri,) = orgs
        return Entity(iri, found[iri], also=tuple(c for c in candidates if c[1] != iri))
    raise AmbiguousName(name, candidates)


# The schema's classes in FILTER NOT EXISTS as a FILTER, not VALUES: with VALUES, Oxigraph
# joined each candidate to every typed thing in the store.
_SCHEMA_TYPES = ", ".join(SCHEMA_CLASSES)

_KNOWN_QUERY = internal_query("lookup-known")

_SPELLED_QUERY = internal_query("lookup-spelled")
_SPELLED_LOCAL = """UNION { VALUES ?s { %s } ?s a ?anyType . BIND(STRAFTER(STR(?s), STR(:)) AS ?name) }"""

# The names holding every plain word of a name (a superset of the names that read the same
# and of those that contain it), each with whether it names a figure or a claim.
_CONTAINING_QUERY = """
SELECT ?s ?name ?minor WHERE {
  %s
  FILTER(isIRI(?s) && %%(words)s)
  FILTER NOT EXISTS { ?s a ?t . FILTER(?t IN (%%(schema)s)) }
  BIND(xsd:boolean(EXISTS { ?s a ?m . FILTER(?m IN (%s)) }) AS ?minor)
}
""" % (NAMES, ", ".join(MINOR_CLASSES))


def _known(store: Store, iri: str) -> bool:
    """Whether the index would hold ``iri``: it has a name and is not part of the schema."""
    if "names" in store.kept:
        return any(iri in iris for iris in store.kept["names"].values())
    return store.ask(sparql_prefixes() + _KNOWN_QUERY % {"s": iri_ref(iri), "schema": _SCHEMA_TYPES})


def _spelled(store: Store, text: str) -> dict[str, str]:
    """``{iri: name}`` for the entities with a name or local id spelled exactly ``text``.

    >>> from graph.store.backends import open_store
    >>> store = open_store()
    >>> _spelled(store, "Bromley Council")
    {'https://w3id.org/supplier-graph/id/bromley': 'Bromley Council'}
    >>> _spelled(store, "bromley"), _spelled(store, "bromley council")
    ({'https://w3id.org/supplier-graph/id/bromley': 'bromley'}, {})
    """
    literal = string_literal(text)
    local = "" if _NOT_IN_IRI.search(text) else _SPELLED_LOCAL % f"<{PREFIXES['']}{text}>"
    found: dict[str, str] = {}
    for iri, name in store.select_strings(sparql_prefixes() + _SPELLED_QUERY % {
            "names": f"{literal} {literal}@en", "local": local, "schema": _SCHEMA_TYPES}):
        found.setdefault(iri, name)
    return found


def _containing(store: Store, key: str) -> dict[str, dict[str, str]]:
    """The part of the name index (:func:`name_index`) whose names hold every plain word
    of ``key``, read without reading every name into Python: it answers the names that
    normalise to ``key`` and those that contain it. Empty if no name holds them all, or if
    ``key`` has no plain word to look for (the caller then reads the whole index).
    """
    words = sorted({w for w in key.split() if re.fullmatch(r"[a-z0-9]+", w) and w != "and"})
    if not words:
        return {}
    test = " && ".join(f'CONTAINS(LCASE(STR(?name)), "{w}")' for w in words)
    index: dict[str, dict[str, str]] = {}
    minor: dict[str, str] = {}
    for iri, name, is_minor in store.select_strings(
            sparql_prefixes() + _CONTAINING_QUERY % {"words": test, "schema": _SCHEMA_TYPES}):
        add_name(index, iri, name)
        if is_minor == "true":
            minor[iri] = ""
    if index:
        index[MINOR] = minor
    return index


def _suggest(index: dict[str, dict[str, str]], key: str, n: int = 5, cutoff: float = 0.6) -> list[str]:
    """The written names of the ``n`` keys closest to ``key``: exactly
    ``difflib.get_close_matches(key, keys, n, cutoff)``, found without comparing ``key``
    with every key in difflib.

    difflib's ratio counts the characters of a common subsequence, so it is never above
    the Indel similarity (2 × the longest common subsequence / both lengths), which
    RapidFuzz computes in C for every key at once. Keys are taken in order of that bound,
    and the search stops when the bound falls below the cutoff or below the n-th best
    ratio found: no key left can make the list. difflib alone, comparing every name in
    Python, took most of a minute on a large graph.
    """
    import heapq

    import numpy as np
    from rapidfuzz import process
    from rapidfuzz.distance import Indel
    keys = [k for k in index if k != MINOR]
    # every score, then the cut: RapidFuzz's own score_cutoff dropped a key scoring exactly 0.6
    bounds = process.cdist([key], keys, scorer=Indel.normalized_similarity, dtype=np.float64)[0]
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(key)
    found: list[tuple[float, str]] = []  # the best n so far, a heap: the n-th best first
    for i in np.argsort(-bounds, kind="stable"):
        bound = bounds[i] + 1e-9  # the two are computed differently: allow for rounding
        if bound < cutoff or (len(found) == n and bound < found[0][0]):
            break
        matcher.set_seq1(keys[i])  # difflib's own tests, in its order
        if matcher.real_quick_ratio() >= cutoff and matcher.quick_ratio() >= cutoff and matcher.ratio() >= cutoff:
            item = (matcher.ratio(), keys[i])
            if len(found) < n:
                heapq.heappush(found, item)
            elif item > found[0]:
                heapq.heapreplace(found, item)
    close = [k for _score, k in sorted(found, reverse=True)]
    out: list[str] = []
    for c in close:
        for written in index[c].values():
            if written not in out:
                out.append(written)
                break
    return out[:n]
