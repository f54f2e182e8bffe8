"""Entity resolution for imports: join an organisation to one the graph already has.

Order: an aliases file the user confirmed (name -> IRI); an identifier (GB-COH Companies
House number or another org-id scheme) already in the graph; the normalised name (case,
punctuation, HTML entities, "&"/"and", and legal suffixes ignored: cleanco's list of legal
forms, then Ltd, Limited, plc, LLP, Group, UK and the like). A name that is only *close* to a known one (e.g. "Computacentre" and
"Computacenter") is never merged: it is reported as a candidate for the aliases file.
"""

from __future__ import annotations

import csv
import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from cleanco import basename  # legal forms in many countries' spellings ("Ltd.", "S.A.", "GmbH")

from ..errors import InputError

__all__ = ["normalise_org_name", "Resolver", "Match"]

_SUFFIXES = r"(?:limited|ltd|plc|llp|lp|llc|inc|incorporated|co|company|group|holdings|uk|gb|the)"


@lru_cache(maxsize=1 << 18)  # names repeat in every release that mentions them; cleanco is slow
def normalise_org_name(name: str) -> str:
    """The form organisation names are matched in.

    >>> normalise_org_name("Ernst &amp; Young LLP")
    'ernst and young'
    >>> normalise_org_name("COMPUTACENTER (UK) LIMITED")
    'computacenter'
    >>> normalise_org_name("The Sopra Steria Group Ltd.")
    'sopra steria'
    """
    text = unicodedata.normalize("NFKC", html.unescape(html.unescape(name or ""))).strip()
    text = (basename(text) or text).casefold().replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    words = text.split()
    while words and re.fullmatch(_SUFFIXES, words[-1]):
        words.pop()
    while words and words[0] == "the":
        words.pop(0)
    return " ".join(words)


@dataclass
class Match:
    iri: str
    how: str  # "alias", "identifier", "name" or "new"


@dataclass
class Resolver:
    """Known organisations (from the graph and earlier imports) and what matched what."""

    by_identifier: dict[str, str] = field(default_factory=dict)   # "GB-COH:01234567" -> IRI
    by_name: dict[str, str] = field(default_factory=dict)         # normalised name -> IRI
    labels: dict[str, str] = field(default_factory=dict)          # IRI -> label
    aliases: dict[str, str] = field(default_factory=dict)         # normalised name -> IRI
    merged: dict[tuple[str, str], Match] = field(default_factory=dict)
    suggested: dict[str, tuple[str, str, float]] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store, *, aliases: str | Path | None = None) -> "Resolver":
        from ..namespaces import sparql_prefixes
        r = cls()
        rows = store.select(sparql_prefixes() + """
            SELECT ?org ?name ?scheme ?id WHERE {
              ?org rdf:type/rdfs:subClassOf* org:Organization .
              { ?org rdfs:label|skos:altLabel ?name }
              UNION
              { ?org adms:identifier ?i . ?i skos:notation ?id . OPTIONAL { ?i adms:schemaAgency ?scheme } }
            }""").rows
        for row in rows:
            iri = str(row["org"])
            if row.get("name") is not None:
                r.by_name.setdefault(normalise_org_name(str(row["name"])), iri)
                r.labels.setdefault(iri, str(row["name"]))
            if row.get("id") is not None:
                r.by_identifier[f"{row.get('scheme') or ''}:{row['id']}".upper()] = iri
        if aliases:
            r.aliases = read_aliases(aliases)
        return r

    def known(self, name: str, identifier: str | None = None) -> Match | None:
        """The existing entity for this organisation, if any (and remember how it matched)."""
        key = normalise_org_name(name)
        match = None
        if key in self.aliases:
            match = Match(self.aliases[key], "alias")
        elif identifier and identifier.upper() in self.by_identifier:
            match = Match(self.by_identifier[identifier.upper()], "identifier")
        elif key and key in self.by_name:
            match = Match(self.by_name[key], "name")
        if match:
            self.merged[(name, match.iri)] = match
        elif key:
            digits = re.findall(r"\d+", key)
            block = [k for k in self._blocks.get(key[:4], ())
                     if k in self.by_name and re.findall(r"\d+", k) == digits]
            from rapidfuzz import fuzz, process
            close = process.extractOne(key, block, scorer=fuzz.ratio, score_cutoff=88)
            if close:
                iri = self.by_name[close[0]]
                self.suggested[name] = (iri, self.labels.get(iri, iri), round(close[1] / 100, 3))
        return match

    @property
    def _blocks(self) -> dict[str, set[str]]:
        """Known names by their first four characters: near matches are looked for only
        within a block (names that differ in their numbers are never near matches), so
        resolution stays fast with hundreds of thousands of organisations."""
        if getattr(self, "_block_index", None) is None or self._block_size != len(self.by_name):
            index: dict[str, set[str]] = {}
            for k in self.by_name:
                index.setdefault(k[:4], set()).add(k)
            self._block_index, self._block_size = index, len(self.by_name)
        return self._block_index

    def add(self, iri: str, name: str, identifier: str | None = None) -> None:
        """Remember a new organisation, so later records in the same import join it."""
        key = normalise_org_name(name)
        if key:
            self.by_name.setdefault(key, iri)
            if getattr(self, "_block_index", None) is not None and self._block_size == len(self.by_name) - 1:
                self._block_index.setdefault(key[:4], set()).add(key)
                self._block_size += 1
        self.labels.setdefault(iri, name)
        if identifier:
            self.by_identifier.setdefault(identifier.upper(), iri)

    def forget(self, iri: str, name: str, identifier: str | None = None) -> None:
        """Undo :meth:`add` (for an import record that was then skipped)."""
        key = normalise_org_name(name)
        if self.by_name.get(key) == iri:
            del self.by_name[key]
        if self.labels.get(iri) == name:
            del self.labels[iri]
        if identifier and self.by_identifier.get(identifier.upper()) == iri:
            del self.by_identifier[identifier.upper()]

    def report(self) -> dict:
        return {
            "merged": [{"name": n, "iri": m.iri, "label": self.labels.get(m.iri, m.iri), "how": m.how}
                       for (n, _), m in sorted(self.merged.items())],
            "suggested": [{"name": n, "iri": iri, "label": label, "similarity": score}
                          for n, (iri, label, score) in sorted(self.suggested.items())],
        }


def read_aliases(path: str | Path) -> dict[str, str]:
    """An aliases file: CSV with columns ``name,iri`` (the imported name, the entity to join)."""
    path = Path(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.DictReader(fh))
    except OSError as e:
        raise InputError(f"{path}: cannot read aliases: {e.strerror}") from e
    if rows and not {"name", "iri"} <= set(rows[0]):
        raise InputError(f"{path}: an aliases file needs the columns name,iri")
    return {normalise_org_name(r["name"]): r["iri"].strip() for r in rows if r.get("name") and r.get("iri")}
