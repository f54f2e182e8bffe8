"""OCDS 1.1 (Contracts Finder ``ocds-b5fd17``, Find a Tender ``ocds-h6vhtk``) into RDF.

Reads release packages, record packages (each record's ``compiledRelease``, or its
releases merged in date order), JSON Lines of either, bare JSON arrays of releases and
single releases, streaming with ijson. Maps:

- parties by role: ``buyer`` (else ``procuringEntity``) to a public body, award
  suppliers to suppliers, joined to existing entities by :mod:`.resolve`;
- awards and contracts to ``sg:Contract`` (one per contract, or per award when an award
  has no contracts), with value (kind total), period, status; a tender with no award to a
  contract in procurement; a tender with ``techniques.hasFrameworkAgreement`` to a
  ``sg:Framework`` (its awards name the framework's suppliers; its value is the ceiling);
  ``relatedProcesses`` with relationship ``framework`` make the contracts call-offs;
- CPV codes (tender, items) to service towers through the ontology's tower -> CPV mapping
  (prefix match, most specific wins);
- provenance per release: ocid, release id, date, package URI, publisher and licence.

Publisher quirks survived: HTML entities in names, empty identifier schemes, local party
ids, extension fields, awards without contracts, amounts of 0, implausibly small or
non-finite (``1e9999``), and supplier "names" that are project titles (not turned into
organisations, with a warning). A release that cannot be mapped is skipped with a warning
naming it; the others are ingested.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..errors import InputError, ParseError
from ..namespaces import CUR, EPO, PROV, SG
from .rdfout import TripleSink, uri
from .resolve import Resolver, normalise_org_name

__all__ = ["ingest_ocds", "iter_releases", "TowerMapper", "IngestResult"]

ADMS = rdflib.Namespace("http://www.w3.org/ns/adms#")
PUBLISHERS = {"ocds-b5fd17": "Contracts Finder", "ocds-h6vhtk": "Find a Tender"}
MIN_PLAUSIBLE = 100.0  # GBP; smaller contract values are publisher placeholders
CONTRACT_STATUS = {"active": SG.Live, "terminated": SG.Ended, "cancelled": SG.Cancelled, "pending": SG.Awarded}
AWARD_STATUS = {"active": SG.Awarded, "pending": SG.InProcurement, "cancelled": SG.Cancelled}
TENDER_STATUS = {"planning": SG.Planned, "planned": SG.Planned, "active": SG.InProcurement,
                 "cancelled": SG.Cancelled}
_TITLE_LIKE = re.compile(r"^(the )?(provision|supply|framework|lot\s*\d|contract for|procurement of|"
                         r"services? for|works? for|delivery of)\b", re.I)


@dataclass
class IngestResult:
    releases: int = 0
    ingested: int = 0
    skipped: int = 0
    contracts: int = 0
    frameworks: int = 0
    towers: dict[str, int] = field(default_factory=dict)
    new_organisations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    triples: int = 0
    resolution: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


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

    @classmethod
    def from_ontology(cls) -> "TowerMapper":
        from ..store import bundled_path
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
        digits = re.sub(r"\D", "", str(code))[:8]
        best = None
        for prefix, tower in self.prefixes.items():
            if digits.startswith(prefix) and (best is None or len(prefix) > len(best[0])):
                best = (prefix, tower)
        return best[1] if best else None


# ----------------------------------------------------------------------------- reading

def _merge_releases(releases: list[dict]) -> dict:
    """A record's releases merged in date order: later values win; parties, awards and
    contracts are merged by id."""
    merged: dict = {}
    for rel in sorted(releases, key=lambda r: str(r.get("date", ""))):
        for key, value in rel.items():
            if key in ("parties", "awards", "contracts") and isinstance(value, list):
                by_id = {str(x.get("id")): x for x in merged.get(key, []) if isinstance(x, dict)}
                for item in value:
                    if isinstance(item, dict):
                        by_id[str(item.get("id"))] = {**by_id.get(str(item.get("id")), {}), **item}
                merged[key] = list(by_id.values())
            elif key == "tender" and isinstance(value, dict):
                merged[key] = {**merged.get(key, {}), **value}
            else:
                merged[key] = value
    return merged


def _package_meta(path: Path) -> dict:
    """The package's uri, licence, publication date and publisher name (a streaming pass).

    ijson yields numbers as Decimal, so values such as ``1e9999`` parse (and the mapping
    records them as unknown)."""
    import ijson
    wanted = {"uri": "uri", "license": "license", "publishedDate": "published", "publisher.name": "publisher"}
    meta: dict = {}
    try:
        with path.open("rb") as fh:
            for prefix, event, value in ijson.parse(fh):
                if prefix in wanted and event in ("string", "number"):
                    meta[wanted[prefix]] = str(value)
    except ijson.JSONError as e:
        raise ParseError(str(path), None, None, f"not valid JSON: {str(e).splitlines()[0]}") from e
    return meta


def _from_document(path: Path, obj_kind: str) -> Iterator[tuple[dict, dict]]:
    import ijson
    meta = _package_meta(path)
    with path.open("rb") as fh:
        if obj_kind == "array":
            for rel in ijson.items(fh, "item"):
                yield rel, meta
        elif obj_kind == "releases":
            for rel in ijson.items(fh, "releases.item"):
                yield rel, meta
        elif obj_kind == "records":
            for rec in ijson.items(fh, "records.item"):
                yield _record(rec), meta
        else:  # a single release
            yield json.load(fh), meta


def _record(rec: dict) -> dict:
    if isinstance(rec.get("compiledRelease"), dict):
        return rec["compiledRelease"]
    releases = [r for r in rec.get("releases", []) if isinstance(r, dict) and r.get("ocid")]
    if not releases:  # linked releases only: nothing to map
        return {"ocid": rec.get("ocid"), "id": f"{rec.get('ocid')}-record"}
    rel = _merge_releases(releases)
    rel["id"] = f"{rec.get('ocid')}-merged"
    return rel


def _kind(path: Path) -> str:
    """'jsonl', 'array', 'releases', 'records' or 'release'; raises InputError otherwise."""
    import ijson
    with path.open("rb") as fh:
        head = fh.read(4096).lstrip()
    if not head:
        raise InputError(f"{path}: the file is empty")
    if head[:1] == b"[":
        return "array"
    if head[:1] != b"{":
        raise InputError(f"{path}: not JSON (it starts with {head[:20]!r}); OCDS files are JSON or JSON Lines")
    with path.open("rb") as fh:
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
        with path.open("rb") as fh:
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


def iter_releases(paths: Iterable[str | Path], warn: Callable[[str], None]) -> Iterator[tuple[dict, dict, str]]:
    """(release, package metadata, file name) for every release in every file."""
    for p in paths:
        path = Path(p)
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        kind = _kind(path)
        if kind == "jsonl":
            with path.open("rb") as fh:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        obj = json.loads(line, parse_constant=lambda c: float(c))
                    except ValueError as e:
                        warn(f"{path}:{n}: skipped a line that is not JSON ({e})")
                        continue
                    meta = {k: obj.get(k) for k in ("uri", "license")} | {
                        "publisher": (obj.get("publisher") or {}).get("name")} if "releases" in obj or "records" in obj else {}
                    if "releases" in obj:
                        for rel in obj["releases"]:
                            yield rel, meta, str(path)
                    elif "records" in obj:
                        for rec in obj["records"]:
                            yield _record(rec), meta, str(path)
                    else:
                        yield obj, {}, str(path)
        else:
            try:
                for rel, meta in _from_document(path, kind):
                    yield rel, meta, str(path)
            except Exception as e:  # ijson errors part-way through a file
                if e.__class__.__name__ in ("JSONError", "IncompleteJSONError"):
                    raise ParseError(str(path), None, None, f"not valid JSON: {e}") from e
                raise


# ----------------------------------------------------------------------------- mapping

def _text(value) -> str:
    return re.sub(r"\s+", " ", html.unescape(html.unescape(str(value or "")))).strip()


def _amount(value, warn, where: str) -> tuple[float, str] | None:
    if not isinstance(value, dict) or value.get("amount") is None:
        return None
    try:
        amount = float(value["amount"])
    except (TypeError, ValueError):
        warn(f"{where}: value {value.get('amount')!r} is not a number; recorded as unknown")
        return None
    if not math.isfinite(amount):
        warn(f"{where}: value {value.get('amount')!r} is not finite; recorded as unknown")
        return None
    if amount < MIN_PLAUSIBLE:
        warn(f"{where}: value {amount:g} is implausibly small (a placeholder?); recorded as unknown")
        return None
    currency = str(value.get("currency") or "GBP").upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        warn(f"{where}: currency {currency!r} is not an ISO 4217 code; value recorded as unknown")
        return None
    return amount, currency


def _date(value) -> rdflib.Literal | None:
    m = re.match(r"(\d{4}-\d{2}-\d{2})", str(value or ""))
    return rdflib.Literal(m.group(1), datatype=XSD.date) if m else None


def _identifier(party: dict) -> str | None:
    ident = party.get("identifier") if isinstance(party.get("identifier"), dict) else {}
    scheme, value = str(ident.get("scheme") or "").strip(), str(ident.get("id") or "").strip()
    if not scheme or not value:
        return None
    if scheme.upper() == "GB-COH":
        value = value.upper()
        if value.isdigit():
            value = value.zfill(8)
    return f"{scheme.upper()}:{value}"


class _Mapper:
    def __init__(self, sink: TripleSink, resolver: Resolver, towers: TowerMapper, result: IngestResult,
                 warn: Callable[[str], None]):
        self.sink, self.resolver, self.towers, self.result, self.warn = sink, resolver, towers, result, warn
        self.buffer: list[tuple] = []
        self.pending: list[tuple] = []  # new organisations, registered once their release succeeds

    def add(self, s, p, o) -> None:
        self.buffer.append((s, p, o))

    def commit(self) -> None:
        for triple in self.buffer:
            self.sink.add(*triple)
        for iri, name, ident in self.pending:
            self.result.new_organisations.append(iri)
        self.buffer.clear()
        self.pending.clear()

    def rollback(self) -> None:
        for iri, name, ident in self.pending:
            self.resolver.forget(iri, name, ident)
        self.buffer.clear()
        self.pending.clear()

    def source(self, rel: dict, meta: dict, title: str) -> rdflib.URIRef:
        ocid, rid = str(rel["ocid"]), str(rel.get("id") or rel["ocid"])
        src = uri("ocds", ocid, rid)
        publisher = meta.get("publisher") or PUBLISHERS.get(ocid[:11]) or "unknown publisher (no package metadata)"
        self.add(src, RDF.type, SG.SourceDocument)
        self.add(src, DCTERMS.title, rdflib.Literal(f"{title} (OCDS release {rid})"))
        self.add(src, DCTERMS.publisher, rdflib.Literal(publisher))
        self.add(src, DCTERMS.identifier, rdflib.Literal(rid))
        self.add(src, DCTERMS.isPartOf, rdflib.Literal(ocid))
        if rel.get("date"):
            self.add(src, DCTERMS.date, rdflib.Literal(str(rel["date"])))
        if meta.get("uri"):
            self.add(src, DCTERMS.source, rdflib.Literal(str(meta["uri"])))
        if meta.get("license"):
            self.add(src, DCTERMS.license, rdflib.Literal(str(meta["license"])))
        return src

    def organisation(self, party: dict, kind: rdflib.URIRef, src) -> rdflib.URIRef | None:
        name = _text(party.get("name"))
        if not name:
            return None
        ident = _identifier(party)
        match = self.resolver.known(name, ident)
        if match:
            iri = rdflib.URIRef(match.iri)
            if normalise_org_name(name) != normalise_org_name(self.resolver.labels.get(match.iri, "")):
                self.add(iri, SKOS.altLabel, rdflib.Literal(name))
        else:
            iri = uri("org", ident.replace(":", "-")) if ident else uri("org", normalise_org_name(name))
            if str(iri) not in self.resolver.labels:
                self.pending.append((str(iri), name, ident))
            self.resolver.add(str(iri), name, ident)
            self.add(iri, RDF.type, kind)
            self.add(iri, RDFS.label, rdflib.Literal(name))
        if ident:
            scheme, value = ident.split(":", 1)
            node = uri("identifier", scheme, value)
            self.add(node, RDF.type, ADMS.Identifier)
            self.add(node, RDFS.label, rdflib.Literal(f"{scheme} {value}"))
            self.add(node, SKOS.notation, rdflib.Literal(value))
            self.add(node, ADMS.schemaAgency, rdflib.Literal(scheme))
            self.add(iri, ADMS.identifier, node)
        self.add(iri, SG.mentionedIn, src)
        return iri

    def money(self, subject, amount: float, currency: str, kind, label: str, src) -> None:
        node = rdflib.URIRef(f"{subject}/value")
        self.add(subject, SG.value, node)
        self.add(node, RDF.type, EPO.MonetaryValue)
        self.add(node, RDFS.label, rdflib.Literal(label))
        self.add(node, EPO.hasAmountValue, rdflib.Literal(amount, datatype=XSD.decimal))
        self.add(node, EPO.hasCurrency, CUR[currency])
        self.add(node, SG.valueKind, kind)
        self.add(node, PROV.wasDerivedFrom, src)

    def cpv_towers(self, *objects) -> set[str]:
        found = set()
        for obj in objects:
            if not isinstance(obj, dict):
                continue
            classes = [obj.get("classification")] + [i.get("classification") for i in obj.get("items") or []
                                                     if isinstance(i, dict)]
            classes += [c for i in obj.get("items") or [] if isinstance(i, dict)
                        for c in (i.get("additionalClassifications") or [])]
            for c in classes:
                if isinstance(c, dict) and str(c.get("scheme", "")).upper() == "CPV" and c.get("id"):
                    tower = self.towers.tower(str(c["id"]))
                    if tower:
                        found.add(tower)
        return found

    def release(self, rel: dict, meta: dict, fname: str) -> None:
        if not isinstance(rel, dict) or not rel.get("ocid"):
            raise ValueError("it has no ocid")
        ocid, rid = str(rel["ocid"]), str(rel.get("id") or rel["ocid"])
        where = f"{fname}: release {rid} ({ocid})"
        tender = rel.get("tender") if isinstance(rel.get("tender"), dict) else {}
        title = _text(tender.get("title")) or ocid
        src = self.source(rel, meta, title)
        parties = {str(p.get("id")): p for p in rel.get("parties") or [] if isinstance(p, dict)}

        def party(ref) -> dict:
            ref = ref if isinstance(ref, dict) else {}
            return {**parties.get(str(ref.get("id")), {}), **{k: v for k, v in ref.items() if v}}

        buyer_ref = rel.get("buyer") or next((p for p in parties.values() if "buyer" in (p.get("roles") or [])), None) \
            or next((p for p in parties.values() if "procuringEntity" in (p.get("roles") or [])), None)
        buyer = self.organisation(party(buyer_ref), SG.PublicBody, src) if buyer_ref else None
        if buyer is None:
            raise ValueError("it names no buyer or procuring entity")
        tender_towers = self.cpv_towers(tender)
        titles = {normalise_org_name(t) for t in [title] + [_text(a.get("title")) for a in rel.get("awards") or []
                                                           if isinstance(a, dict)] if t}

        def suppliers_of(award: dict) -> list[rdflib.URIRef]:
            out = []
            for ref in award.get("suppliers") or []:
                p = party(ref)
                name = _text(p.get("name"))
                if name and (normalise_org_name(name) in titles or _TITLE_LIKE.match(name) or len(name.split()) > 10):
                    self.warn(f"{where}: supplier name {name!r} looks like a project title; not an organisation")
                    continue
                iri = self.organisation(p, SG.Supplier, src)
                if iri is not None:
                    out.append(iri)
            return out

        framework_refs = [rp for rp in rel.get("relatedProcesses") or []
                          if isinstance(rp, dict) and "framework" in (rp.get("relationship") or [])]
        techniques = tender.get("techniques") if isinstance(tender.get("techniques"), dict) else {}
        awards = [a for a in rel.get("awards") or [] if isinstance(a, dict)]

        if techniques.get("hasFrameworkAgreement") is True:
            fw = uri("ocds", ocid, "framework")
            self.add(fw, RDF.type, SG.Framework)
            self.add(fw, RDFS.label, rdflib.Literal(title))
            self.add(fw, SG.establishedBy, buyer)
            self.add(fw, PROV.wasDerivedFrom, src)
            for t in tender_towers:
                self.add(fw, SG.tower, rdflib.URIRef(t))
            suppliers = [s for a in awards if a.get("status") != "unsuccessful" for s in suppliers_of(a)]
            for s in suppliers:
                self.add(fw, SG.supplier, s)
            if not suppliers:
                self.add(fw, SG.scopeDescription, rdflib.Literal(_text(tender.get("description")) or title))
                self.warn(f"{where}: framework has no named supplier yet")
            money = _amount(tender.get("value"), self.warn, where)
            if money:
                self.money(fw, money[0], money[1], SG.FrameworkCeiling, f"framework ceiling of {title}", src)
            self.result.frameworks += 1
            return

        made = 0
        for award in awards:
            status = str(award.get("status") or "")
            if status == "unsuccessful":
                continue
            suppliers = suppliers_of(award)
            contracts = [c for c in rel.get("contracts") or []
                         if isinstance(c, dict) and str(c.get("awardID")) == str(award.get("id"))]
            for c in contracts or [None]:
                node = uri("ocds", ocid, "contract", str(c.get("id"))) if c else uri("ocds", ocid, "award", str(award.get("id")))
                label = _text((c or {}).get("title")) or _text(award.get("title")) or title
                state = CONTRACT_STATUS.get(str((c or {}).get("status"))) or AWARD_STATUS.get(status) or SG.Awarded
                if not suppliers and state not in (SG.InProcurement, SG.Planned):
                    self.warn(f"{where}: award {award.get('id')} names no supplier; recorded as in procurement")
                    state = SG.InProcurement
                money = _amount((c or {}).get("value") or award.get("value"), self.warn,
                                f"{where}: award {award.get('id')}")
                period = (c or {}).get("period") or award.get("contractPeriod") or {}
                self.contract(node, label, buyer, suppliers, state, money, period,
                              tender_towers | self.cpv_towers(award, c or {}), framework_refs, ocid, src,
                              _text(award.get("description")) or label)
                made += 1
        if not made and tender and not awards:
            state = TENDER_STATUS.get(str(tender.get("status")))
            if state is not None:
                money = _amount(tender.get("value"), self.warn, where)
                self.contract(uri("ocds", ocid, "tender"), title, buyer, [], state, money,
                              tender.get("contractPeriod") or {}, tender_towers, framework_refs, ocid, src,
                              _text(tender.get("description")) or title)

    def contract(self, node, label, buyer, suppliers, state, money, period, towers, framework_refs, ocid, src,
                 scope) -> None:
        add = self.add
        add(node, RDF.type, SG.CallOff if framework_refs else SG.Contract)
        add(node, RDFS.label, rdflib.Literal(label))
        add(node, SG.buyer, buyer)
        for s in suppliers:
            add(node, SG.supplier, s)
        add(node, SG.status, state)
        add(node, PROV.wasDerivedFrom, src)
        for t in sorted(towers):
            add(node, SG.tower, rdflib.URIRef(t))
            name = t.rsplit("/", 1)[-1]
            self.result.towers[name] = self.result.towers.get(name, 0) + 1
        if not towers:
            add(node, SG.scopeDescription, rdflib.Literal(scope))
        if money:
            self.money(node, money[0], money[1], SG.TotalContractValue, f"total value of {label}", src)
        if isinstance(period, dict):
            for key, prop in (("startDate", SG.startDate), ("endDate", SG.endDate)):
                d = _date(period.get(key))
                if d is not None:
                    add(node, prop, d)
        for rp in framework_refs:
            ident = str(rp.get("identifier") or rp.get("id") or "")
            fw = uri("ocds", ident, "framework") if ident else uri("ocds", ocid, "related-framework")
            add(node, SG.viaFramework, fw)
            add(fw, RDF.type, SG.Framework)
            add(fw, RDFS.label, rdflib.Literal(_text(rp.get("title")) or f"framework {ident}"))
            add(fw, PROV.wasDerivedFrom, src)
            for s in suppliers:  # a call-off's supplier is on the framework
                add(fw, SG.supplier, s)
            if not suppliers:
                add(fw, SG.scopeDescription, rdflib.Literal(_text(rp.get("title")) or "framework"))
        self.result.contracts += 1


def ingest_ocds(paths: Iterable[str | Path], out: str | Path, *, resolver: Resolver,
                progress: Callable[[int], None] | None = None) -> IngestResult:
    """Map OCDS files to Turtle at ``out`` (written atomically). Raises InputError or
    ParseError, writing nothing, when a file is not JSON or not OCDS."""
    result = IngestResult()
    towers = TowerMapper.from_ontology()
    paths = list(paths)
    for p in paths:  # check every file before writing anything
        if not Path(p).is_file():
            raise InputError(f"{p}: no such file")
        _kind(Path(p))
    with TripleSink(out, header="supplier-graph ingest ocds " + " ".join(map(str, paths))) as sink:
        mapper = _Mapper(sink, resolver, towers, result, result.warnings.append)
        for rel, meta, fname in iter_releases(paths, result.warnings.append):
            result.releases += 1
            try:
                mapper.release(rel, meta, fname)
                mapper.commit()
                result.ingested += 1
            except Exception as e:  # one bad release does not stop the others
                mapper.rollback()
                rid = rel.get("id") if isinstance(rel, dict) else None
                ocid = rel.get("ocid") if isinstance(rel, dict) else None
                result.warnings.append(f"{fname}: release {rid} ({ocid}) skipped: {e}")
                result.skipped += 1
            if progress and result.releases % 1000 == 0:
                progress(result.releases)
        if result.ingested == 0:
            raise InputError(f"{', '.join(map(str, paths))}: no release could be ingested"
                             + (f" ({result.warnings[-1]})" if result.warnings else ""))
        result.triples = sink.count
    result.resolution = resolver.report()
    return result
