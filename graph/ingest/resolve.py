"""Entity resolution for imports: join an organisation to one the graph already has.

Order: an aliases file the user confirmed (name -> IRI); an identifier (GB-COH Companies
House number or another org-id scheme) already in the graph; the normalised name (case,
punctuation, HTML entities, "&"/"and", and legal suffixes ignored: cleanco's list of legal
forms, then Ltd, Limited, plc, LLP, Group, UK and the like), unless the two carry
different numbers in one scheme: two companies can share a name, and that is only
suggested. A name that is only *close* to a known one (e.g. "Computacentre" and
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
    suggested: dict[str, tuple[str, str, float, str]] = field(default_factory=dict)  # iri, label, score, why
    ids_of: dict[str, set[str]] = field(default_factory=dict)     # IRI -> its identifiers

    @classmethod
    def from_store(cls, store, *, aliases: str | Path | None = None) -> "Resolver":
        from ..model.namespaces import internal_query, sparql_prefixes
        r = cls()
        rows = store.select(sparql_prefixes() + internal_query("resolve-organisations")).rows
        for row in rows:
            iri = str(row["org"])
            if row.get("name") is not None:
                r.by_name.setdefault(normalise_org_name(str(row["name"])), iri)
                r.labels.setdefault(iri, str(row["name"]))
            if row.get("id") is not None:
                ident = f"{row.get('scheme') or ''}:{row['id']}".upper()
                r.by_identifier[ident] = iri
                r.ids_of.setdefault(iri, set()).add(ident)
        if aliases:
            r.aliases = read_aliases(aliases)
        return r

    def known(self, name: str, identifier: str | list[str] | None = None) -> Match | None:
        """The existing entity for this organisation, if any (and remember how it matched):
        by an alias, by any of its identifiers, then by its normalised name."""
        key = normalise_org_name(name)
        match = None
        found = next((self.by_identifier[i.upper()] for i in _listed(identifier) if i.upper() in self.by_identifier), None)
        if key in self.aliases:
            match = Match(self.aliases[key], "alias")
        elif found:
            match = Match(found, "identifier")
        elif key and key in self.by_name:
            iri = self.by_name[key]
            if self._conflict(iri, _listed(identifier)):  # one name, two registered companies
                self.suggested[name] = (iri, self.labels.get(iri, iri), 1.0, "the same name, another "
                                        "registered number: two companies unless you know otherwise")
                return None
            match = Match(iri, "name")
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
                self.suggested[name] = (iri, self.labels.get(iri, iri), round(close[1] / 100, 3), "")
        return match

    def _conflict(self, iri: str, identifiers: list[str]) -> bool:
        """True where ``iri`` has an identifier in a scheme that one of ``identifiers`` is
        in, and none of them agree: the same name, but another registered organisation."""
        theirs = self.ids_of.get(iri) or set()
        mine = {i.upper() for i in identifiers}
        schemes = {i.split(":", 1)[0] for i in mine} & {i.split(":", 1)[0] for i in theirs}
        return bool(schemes) and not (mine & theirs)

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

    def add(self, iri: str, name: str, identifier: str | list[str] | None = None) -> None:
        """Remember a new organisation, so later records in the same import join it."""
        key = normalise_org_name(name)
        if key:
            self.by_name.setdefault(key, iri)
            if getattr(self, "_block_index", None) is not None and self._block_size == len(self.by_name) - 1:
                self._block_index.setdefault(key[:4], set()).add(key)
                self._block_size += 1
        self.labels.setdefault(iri, name)
        for i in _listed(identifier):
            self.by_identifier.setdefault(i.upper(), iri)
            self.ids_of.setdefault(iri, set()).add(i.upper())

    def identify(self, iri: str, identifiers: list[str]) -> None:
        """Remember more identifiers of a known organisation."""
        for i in identifiers:
            if i.upper() not in self.by_identifier:
                self.by_identifier[i.upper()] = iri
                self.ids_of.setdefault(iri, set()).add(i.upper())

    def forget(self, iri: str, name: str, identifier: str | list[str] | None = None) -> None:
        """Undo :meth:`add` (for an import record that was then skipped)."""
        key = normalise_org_name(name)
        if self.by_name.get(key) == iri:
            del self.by_name[key]
        if self.labels.get(iri) == name:
            del self.labels[iri]
        for i in _listed(identifier):
            if self.by_identifier.get(i.upper()) == iri:
                del self.by_identifier[i.upper()]
            self.ids_of.get(iri, set()).discard(i.upper())

    def report(self) -> dict:
        return {
            "merged": [{"name": n, "iri": m.iri, "label": self.labels.get(m.iri, m.iri), "how": m.how}
                       for (n, _), m in sorted(self.merged.items())],
            "suggested": [{"name": n, "iri": iri, "label": label, "similarity": score, "why": why}
                          for n, (iri, label, score, why) in sorted(self.suggested.items())],
        }


def _listed(identifier: str | list[str] | None) -> list[str]:
    return [identifier] if isinstance(identifier, str) else list(identifier or ())


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
