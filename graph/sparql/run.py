"""Running a query of the library, a ``.rq`` file or SPARQL text: its parameters bound
(an entity found by name, as ``show`` finds it), the text checked, the store's variant
picked, then the query run. It stands above :mod:`graph.sparql.library` (the texts and their
checks) and :mod:`graph.sparql.lookup` (names), which it joins.
"""

from __future__ import annotations

import re

from ..errors import QueryError
from .lookup import resolve
from ..model.namespaces import sparql_prefixes
from .library import bind_params, load_query, prepare_query, variant_text

__all__ = ["run_query"]


def run_query(store, spec: str, params: dict[str, str] | None = None, *, timeout: float | None = 30,
              allow_service: bool = False):
    """Run a named query, a ``.rq`` file or SPARQL text on ``store``.

    ``params`` maps parameter names to values; a value for an entity parameter is resolved
    like ``show`` does (label, alias or IRI). Returns (form, rdflib result).
    """
    query = load_query(spec)
    bound: dict[str, tuple[str, str]] = {}
    for name, value in (params or {}).items():
        kind = query.params.get(name, ("entity", ""))[0]
        if query.params and name not in query.params:
            raise QueryError(f"query {query.name!r} has no parameter {name!r}; it takes: "
                             + (", ".join(query.params) or "none"))
        if not re.search(rf"\?{re.escape(name)}\b", query.text):
            raise QueryError(f"query {query.name!r} has no variable ?{name}")
        bound[name] = (resolve(store, value).iri, "entity") if kind == "entity" else (value, kind)
    form, text = prepare_query(query.text, allow_service=allow_service)
    # a library query may be phrased for the store's engine (tests check both agree); the
    # portable text is the one checked, since the variant may use the engine's extensions
    variant = variant_text(query.name, store.engine) if spec == query.name else None
    if variant is not None:
        text = sparql_prefixes() + variant
    text = bind_params(text, bound)
    return form, store.execute(text, form, timeout=timeout)
