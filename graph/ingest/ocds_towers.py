"""CPV codes (OCDS ``classification`` and ``additionalClassifications``) -> service towers,
through the tower scheme's CPV mapping (``ontology/towers.ttl``)."""

from __future__ import annotations

import re

import rdflib
from rdflib.namespace import RDF, SKOS

from ..model.namespaces import SG

__all__ = ["TowerMapper"]

_NOT_DIGIT = re.compile(r"\D")


class TowerMapper:
    """CPV code -> service tower, from the tower scheme's closeMatch/broadMatch codes.

    A code matches a tower's CPV code when it starts with that code's significant digits
    (its trailing zeros dropped); the longest match wins. Consolidated towers (which cover
    other towers) are left out: they are one buyer's programme, not a CPV category.

    >>> m = TowerMapper.from_ontology()
    >>> [m.tower(c).rsplit("/", 1)[-1] for c in ("72514100", "72253000-3", "72700000", "64210000")]
    ['DataCentre', 'ICTSupport', 'Network', 'Telecommunications']
    >>> m.tower("45000000") is None
    True
    """

    def __init__(self, prefixes: dict[str, str]):
        self.prefixes = prefixes  # significant prefix -> tower IRI
        self._memo: dict[str, str | None] = {}

    @classmethod
    def from_ontology(cls) -> "TowerMapper":
        from ..model.rdffiles import bundled_path
        g = rdflib.Graph().parse(bundled_path("ontology", "towers.ttl"), format="turtle")
        prefixes: dict[str, str] = {}
        for tower in g.subjects(RDF.type, SG.ServiceTower):
            if (tower, SG.coversTower, None) in g:
                continue
            for p in (SKOS.closeMatch, SKOS.broadMatch):
                for cpv in g.objects(tower, p):
                    code = str(cpv).rsplit("/", 1)[-1].rstrip("0")
                    # a closeMatch outranks a broadMatch with the same prefix
                    if code not in prefixes or p == SKOS.closeMatch:
                        prefixes[code] = str(tower)
        return cls(prefixes)

    def tower(self, code: str) -> str | None:
        digits = _NOT_DIGIT.sub("", str(code))[:8]
        if digits not in self._memo:
            best = None
            for prefix, tower in self.prefixes.items():
                if digits.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                    best = (prefix, tower)
            self._memo[digits] = best[1] if best else None
        return self._memo[digits]

    def of(self, obj: dict) -> set[str]:
        """The towers of an OCDS tender, award or contract: its classification and its
        items' classifications and additional classifications, where the scheme is CPV."""
        if not isinstance(obj, dict):
            return set()
        items = [i for i in obj.get("items") or [] if isinstance(i, dict)]
        classes = [obj.get("classification")] + [i.get("classification") for i in items]
        classes += [c for i in items for c in (i.get("additionalClassifications") or [])]
        found = set()
        for c in classes:
            if isinstance(c, dict) and str(c.get("scheme", "")).upper() == "CPV" and c.get("id"):
                tower = self.tower(str(c["id"]))
                if tower:
                    found.add(tower)
        return found
