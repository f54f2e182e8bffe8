"""OCDS 1.1 (Contracts Finder, Find a Tender, Public Contracts Scotland, Sell2Wales...)
into RDF: one contracting process at a time, as what it is.

The releases of one ``ocid`` are compiled into one process first (:mod:`.ocds_read`). A
process then becomes (:func:`.ocds_fields.classify`):

- a **framework** or **dynamic purchasing system** (``tender.techniques``, the
  procurement method's words, or an award to several suppliers with one value): an
  ``sg:Framework`` established by the buyer, its panel as ``sg:supplier``, the award
  value as its ceiling (``sg:FrameworkCeiling``, shared by the panel and owed to none),
  one per lot where awards name lots; no contract;
- **contracts** or **call-offs**, one per contract, or per award where an award has no
  contract, each with one supplier's money: the contract's value (``sg:TotalContractValue``)
  or else the award's (``sg:AwardValue``);
- a tender with no award yet: a contract or framework in procurement, with the tender's
  estimate (``sg:TenderEstimate``).

Amounts under £100 are kept as ``sg:PlaceholderValue`` and never counted. A figure a later
release corrected stays, as ``sg:supersededValue`` with the release that gave it. Dates
(tender deadline, award date, contract period, signature) and statuses come from the
source, each status with the date of the release that reported it (``sg:statusDate``).
Every organisation the output mentions carries its type and label, so the output
validates on its own. Contact points, which name officials, are never read.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..errors import InputError
from ..namespaces import CUR, EPO, PROV, SG
from ..tables import money
from . import ocds_fields as F
from .ocds_read import Process, file_kind, iter_processes, superseded
from .ocds_towers import TowerMapper
from .rdfout import TripleSink, slug, uri
from .resolve import Resolver, normalise_org_name

__all__ = ["ingest_ocds", "IngestResult", "TowerMapper"]

ADMS = rdflib.Namespace("http://www.w3.org/ns/adms#")
PUBLISHERS = {"ocds-b5fd17": "Contracts Finder", "ocds-h6vhtk": "Find a Tender", "ocds-r6ebe6": "Public Contracts Scotland",
              "ocds-kuma6s": "Sell2Wales"}
_KIND = {"money": None, "placeholder": SG.PlaceholderValue}
_KIND_WORDS = {SG.FrameworkCeiling: "framework ceiling", SG.TotalContractValue: "contract value",
               SG.AwardValue: "award value", SG.TenderEstimate: "tender estimate", SG.PlaceholderValue: "placeholder"}
_TITLE_LIKE = re.compile(r"^(the )?(provision|supply|framework|lot\s*\d|contract for|procurement of|"
                         r"services? for|works? for|delivery of)\b", re.I)


@dataclass
class IngestResult:
    releases: int = 0
    processes: int = 0
    ingested: int = 0
    skipped: int = 0
    contracts: int = 0
    call_offs: int = 0
    frameworks: int = 0
    panel_places: int = 0
    superseded: int = 0
    figures: dict[str, int] = field(default_factory=dict)
    towers: dict[str, int] = field(default_factory=dict)
    new_organisations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    triples: int = 0
    resolution: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def _lots(awards: list[dict]) -> dict[tuple, list[dict]]:
    out: dict[tuple, list[dict]] = {}
    for a in awards:
        out.setdefault(tuple(sorted(str(x) for x in a.get("relatedLots") or [])), []).append(a)
    return out


class _Mapper:
    def __init__(self, sink: TripleSink, resolver: Resolver, towers: TowerMapper, result: IngestResult,
                 warn: Callable[[str], None]):
        self.sink, self.resolver, self.towers, self.result, self.warn = sink, resolver, towers, result, warn
        self.buffer: list[tuple] = []
        self.pending: list[tuple] = []  # new organisations, registered once their process succeeds
        self.counts: Counter = Counter()
        self.where = ""  # the file and ocid being mapped, for warnings

    def add(self, s, p, o) -> None:
        self.buffer.append((s, p, o))

    def commit(self) -> None:
        for triple in self.buffer:
            self.sink.add(*triple)
        self.result.new_organisations.extend(iri for iri, _n, _i in self.pending)
        for key, n in self.counts.items():
            if key.startswith("figure:"):
                self.result.figures[key[7:]] = self.result.figures.get(key[7:], 0) + n
            elif key.startswith("tower:"):
                self.result.towers[key[6:]] = self.result.towers.get(key[6:], 0) + n
            else:
                setattr(self.result, key, getattr(self.result, key) + n)
        self.buffer.clear(), self.pending.clear(), self.counts.clear()

    def rollback(self) -> None:
        for iri, name, ident in self.pending:
            self.resolver.forget(iri, name, ident)
        self.buffer.clear(), self.pending.clear(), self.counts.clear()

    # ------------------------------------------------------------------ sources, parties, money

    def sources(self, proc: Process, title: str) -> dict[str, rdflib.URIRef]:
        """One source document per release: release id -> its IRI."""
        out = {}
        for rel, meta, _fname in proc.releases:
            rid = str(rel.get("id") or proc.ocid)
            src = out[rid] = uri("ocds", proc.ocid, rid)
            publisher = meta.get("publisher") or PUBLISHERS.get(proc.ocid[:11]) or "unknown publisher (no package metadata)"
            self.add(src, RDF.type, SG.SourceDocument)
            self.add(src, DCTERMS.title, rdflib.Literal(f"{title} (OCDS release {rid})"))
            self.add(src, DCTERMS.publisher, rdflib.Literal(F.text(publisher)))
            self.add(src, DCTERMS.identifier, rdflib.Literal(rid))
            self.add(src, DCTERMS.isPartOf, rdflib.Literal(proc.ocid))
            if rel.get("date"):
                self.add(src, DCTERMS.date, rdflib.Literal(str(rel["date"])))
            for key, prop in (("uri", DCTERMS.source), ("license", DCTERMS.license)):
                if meta.get(key):
                    self.add(src, prop, rdflib.Literal(str(meta[key])))
        return out

    def organisation(self, party: dict, kind, srcs) -> rdflib.URIRef | None:
        name = F.text(party.get("name"))
        if not name:
            return None
        ident = F.identifier(party)
        match = self.resolver.known(name, ident)
        if match:
            iri = rdflib.URIRef(match.iri)
            known = self.resolver.labels.get(match.iri) or name
            if normalise_org_name(name) != normalise_org_name(known):
                self.add(iri, SKOS.altLabel, rdflib.Literal(name))
            name = known
        else:
            iri = uri("org", ident.replace(":", "-")) if ident else uri("org", normalise_org_name(name) or name)
            if str(iri) not in self.resolver.labels:
                self.pending.append((str(iri), name, ident))
            self.resolver.add(str(iri), name, ident)
        # the output names every organisation it mentions, so it validates on its own
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
        for src in srcs:
            self.add(iri, SG.mentionedIn, src)
        return iri

    def figure(self, subject, node, value, kind, label: str, src) -> bool:
        """A money figure of ``kind`` (a placeholder if the amount is one); False if none."""
        got = F.amount(value)
        if got is None:
            return False
        if got[0] == "invalid":
            self.warn(f"{self.where}: {label}: value {got[1]}; recorded as unknown")
            return False
        shape, number, currency = got
        kind = _KIND[shape] or kind
        self.add(subject, SG.value, node)
        self._money(node, number, currency, kind, label, src)
        self.counts["figure:" + _KIND_WORDS[kind]] += 1
        return True

    def _money(self, node, number, currency, kind, label, src) -> None:
        self.add(node, RDF.type, EPO.MonetaryValue)
        self.add(node, RDFS.label, rdflib.Literal(f"{_KIND_WORDS[kind]} of {label}"))
        self.add(node, EPO.hasAmountValue, rdflib.Literal(number, datatype=XSD.decimal))
        self.add(node, EPO.hasCurrency, CUR[currency])
        self.add(node, SG.valueKind, kind)
        self.add(node, PROV.wasDerivedFrom, src)

    def history(self, subject, node, proc: Process, path: tuple, kind, label: str, srcs: dict) -> None:
        """Earlier amounts of the field at ``path``, each kept as a superseded figure."""
        currency = "GBP"
        for n, old in enumerate(superseded(proc.versioned, path), 1):
            got = F.amount({"amount": old.get("value"), "currency": currency})
            src = srcs.get(str(old.get("releaseID")))
            if got is None or got[0] == "invalid" or src is None:
                continue
            past = rdflib.URIRef(f"{node}/superseded/{n}")
            self.add(subject, SG.supersededValue, past)
            self._money(past, got[1], got[2], _KIND[got[0]] or kind,
                        f"{label}: {money(got[1], got[2])}, superseded (release {old.get('releaseID')} of "
                        f"{F.date(old.get('releaseDate'))})", src)
            self.add(node, PROV.wasRevisionOf, past)
            self.counts["superseded"] += 1

    def common(self, node, label: str, tender: dict, awards: list[dict], srcs: dict, status, as_of) -> None:
        self.add(node, RDFS.label, rdflib.Literal(label))
        for src in srcs.values():
            self.add(node, PROV.wasDerivedFrom, src)
        if status is not None:
            self.add(node, SG.status, SG[status])
            if as_of:
                self.add(node, SG.statusDate, rdflib.Literal(as_of, datatype=XSD.date))
        method = F.text(tender.get("procurementMethodDetails")) or F.text(tender.get("procurementMethod"))
        if method:
            self.add(node, SG.procurementMethod, rdflib.Literal(method))
        deadline = F.date((tender.get("tenderPeriod") or {}).get("endDate") if isinstance(tender.get("tenderPeriod"), dict) else None)
        if deadline:
            self.add(node, SG.tenderDeadline, rdflib.Literal(deadline, datatype=XSD.date))
        dates = sorted(d for d in (F.date(a.get("date")) for a in awards) if d)
        if dates:
            self.add(node, SG.awardDate, rdflib.Literal(dates[0], datatype=XSD.date))

    def period(self, node, period) -> None:
        if isinstance(period, dict):
            for key, prop in (("startDate", SG.startDate), ("endDate", SG.endDate)):
                d = F.date(period.get(key))
                if d:
                    self.add(node, prop, rdflib.Literal(d, datatype=XSD.date))

    def scope(self, node, towers: set[str], description: str) -> None:
        for t in sorted(towers):
            self.add(node, SG.tower, rdflib.URIRef(t))
            self.counts["tower:" + t.rsplit("/", 1)[-1]] += 1
        if not towers:
            self.add(node, SG.scopeDescription, rdflib.Literal(description))

    # ------------------------------------------------------------------ one process

    def process(self, proc: Process, fname: str) -> None:
        rel = proc.compiled
        self.where = f"{fname}: {proc.ocid}"
        tender = rel.get("tender") if isinstance(rel.get("tender"), dict) else {}
        title = F.text(tender.get("title")) or proc.ocid
        srcs = self.sources(proc, title)
        latest = srcs[str(proc.releases[-1][0].get("id") or proc.ocid)]
        as_of = F.date(rel.get("date")) or F.date(proc.releases[-1][0].get("date"))
        parties = {str(p.get("id")): p for p in rel.get("parties") or [] if isinstance(p, dict)}

        def party(ref) -> dict:
            ref = ref if isinstance(ref, dict) else {}
            return {**parties.get(str(ref.get("id")), {}), **{k: v for k, v in ref.items() if v}}

        def with_role(role):
            return next((p for p in parties.values() if role in (p.get("roles") or [])), None)

        buyer_ref = rel.get("buyer") or with_role("buyer") or with_role("procuringEntity")
        buyer = self.organisation(party(buyer_ref), SG.PublicBody, srcs.values()) if buyer_ref else None
        if buyer is None:
            raise ValueError("it names no buyer or procuring entity")
        titles = {normalise_org_name(t) for t in [title] + [F.text(a.get("title")) for a in rel.get("awards") or []
                                                           if isinstance(a, dict)] if t}

        def suppliers_of(award: dict) -> list[rdflib.URIRef]:
            out = []
            for ref in award.get("suppliers") or []:
                p = party(ref)
                name = F.text(p.get("name"))
                if name and (normalise_org_name(name) in titles or _TITLE_LIKE.match(name) or len(name.split()) > 10):
                    self.warn(f"{fname}: {proc.ocid}: supplier name {name!r} looks like a project title; "
                              f"not an organisation")
                    continue
                iri = self.organisation(p, SG.Supplier, srcs.values())
                if iri is not None and iri not in out:
                    out.append(iri)
            return out

        awards = [a for a in rel.get("awards") or [] if isinstance(a, dict) and a.get("status") != "unsuccessful"]
        lots = _lots(awards)
        what, why = F.classify(rel, list(lots.values()))
        tender_towers = self.towers.of(tender)
        framework_refs = [rp for rp in rel.get("relatedProcesses") or []
                          if isinstance(rp, dict) and "framework" in (rp.get("relationship") or [])]
        where = f"{fname}: {proc.ocid}"
        if what in ("framework", "dps"):
            for lot, group in (lots or {(): []}).items():
                self.framework(proc, lot if len(lots) > 1 else (), group, what, why, buyer, tender, title,
                               tender_towers, suppliers_of, srcs, latest, as_of, where)
            return
        made = 0
        for award in awards:
            suppliers = suppliers_of(award)
            contracts = [c for c in rel.get("contracts") or []
                         if isinstance(c, dict) and str(c.get("awardID")) == str(award.get("id"))]
            for c in contracts or [None]:
                self.contract(proc, award, c, len(contracts), suppliers, what, why, framework_refs, buyer, tender,
                              title, tender_towers, srcs, latest, as_of, where)
                made += 1
        if made or awards:
            return
        status = F.TENDER_STATUS.get(str(tender.get("status")))
        if not tender or status is None:
            raise ValueError(f"it has no award, and its tender's status ({tender.get('status')!r}) says "
                             f"nothing to record (a tender complete with no award published)")
        node = uri("ocds", proc.ocid, "tender")
        self.add(node, RDF.type, SG.CallOff if what == "call-off" or framework_refs else SG.Contract)
        self.common(node, title, tender, [], srcs, status, as_of)
        self.period(node, tender.get("contractPeriod"))
        self.scope(node, tender_towers, F.text(tender.get("description")) or title)
        if self.figure(node, rdflib.URIRef(f"{node}/estimate"), tender.get("value"), SG.TenderEstimate, title, latest):
            self.history(node, rdflib.URIRef(f"{node}/estimate"), proc, ("tender", "value", "amount"),
                         SG.TenderEstimate, title, srcs)
        self.add(node, SG.buyer, buyer)
        self.link_frameworks(node, framework_refs, [], proc.ocid, latest)
        self.counts["contracts"] += 1

    def framework(self, proc, lot, group, what, why, buyer, tender, title, tender_towers, suppliers_of, srcs,
                  latest, as_of, where) -> None:
        node = uri("ocds", proc.ocid, "framework", *(["lot", *lot] if lot else []))
        label = f"{title} (lot {', '.join(lot)})" if lot else title
        self.add(node, RDF.type, SG.Framework)
        if what == "dps":
            self.add(node, RDF.type, SG.DynamicPurchasingSystem)
        members = []
        for award in group:
            members += [s for s in suppliers_of(award) if s not in members]
        status = None
        if group:
            status = F.AWARD_STATUS.get(str(group[0].get("status"))) or "Awarded"
        else:
            status = F.TENDER_STATUS.get(str(tender.get("status")))
        if not members and status not in ("InProcurement", "Planned", "Cancelled"):
            self.add(node, SG.supplierNotKnown, rdflib.Literal("the source names no supplier that is an organisation"))
            self.warn(f"{where}: framework {status and status.lower()} names no supplier; its panel is unknown")
        self.common(node, label, tender, group, srcs, status, as_of)
        self.add(node, SG.classificationBasis, rdflib.Literal(why))
        self.add(node, SG.establishedBy, buyer)
        for s in members:
            self.add(node, SG.supplier, s)
        self.counts["panel_places"] += len(members)
        towers = set(tender_towers)
        for award in group:
            towers |= self.towers.of(award)
        self.scope(node, towers, F.text(tender.get("description")) or title)
        seen = set()
        for award in group:
            got = F.amount(award.get("value"))
            if got is None or got in seen:  # lots of one framework often repeat its value
                continue
            seen.add(got)
            fig = rdflib.URIRef(f"{node}/ceiling/{slug(str(award.get('id')))}")
            if self.figure(node, fig, award.get("value"), SG.FrameworkCeiling, label, latest):
                self.history(node, fig, proc, (("awards", str(award.get("id"))), "value", "amount"),
                             SG.FrameworkCeiling, label, srcs)
            self.period(node, award.get("contractPeriod"))
        if not group:
            self.period(node, tender.get("contractPeriod"))
        if self.figure(node, rdflib.URIRef(f"{node}/estimate"), tender.get("value"), SG.TenderEstimate, label, latest):
            self.history(node, rdflib.URIRef(f"{node}/estimate"), proc, ("tender", "value", "amount"),
                         SG.TenderEstimate, label, srcs)
        self.counts["frameworks"] += 1

    def contract(self, proc, award, c, siblings, suppliers, what, why, framework_refs, buyer, tender, title,
                 tender_towers, srcs, latest, as_of, where) -> None:
        aid = str(award.get("id"))
        node = uri("ocds", proc.ocid, "contract", str(c.get("id"))) if c else uri("ocds", proc.ocid, "award", aid)
        label = F.text((c or {}).get("title")) or F.text(award.get("title")) or title
        status = F.CONTRACT_STATUS.get(str((c or {}).get("status"))) or F.AWARD_STATUS.get(str(award.get("status"))) \
            or "Awarded"
        if not suppliers and status not in ("InProcurement", "Planned", "Cancelled"):
            self.add(node, SG.supplierNotKnown, rdflib.Literal("the source names no supplier that is an organisation"))
            self.warn(f"{where}: award {aid} names no supplier that is an organisation; its supplier is unknown")
        call_off = what == "call-off" or bool(framework_refs)
        self.add(node, RDF.type, SG.CallOff if call_off else SG.Contract)
        self.common(node, label, tender, [award], srcs, status, as_of)
        if call_off and why:
            self.add(node, SG.classificationBasis, rdflib.Literal(why))
        self.add(node, SG.buyer, buyer)
        for s in suppliers:
            self.add(node, SG.supplier, s)
        self.scope(node, tender_towers | self.towers.of(award) | self.towers.of(c or {}),
                   F.text(award.get("description")) or label)
        fig = rdflib.URIRef(f"{node}/value")
        if c and self.figure(node, fig, c.get("value"), SG.TotalContractValue, label, latest):
            self.history(node, fig, proc, (("contracts", str(c.get("id"))), "value", "amount"),
                         SG.TotalContractValue, label, srcs)
        elif siblings <= 1 and self.figure(node, fig, award.get("value"), SG.AwardValue, label, latest):
            # with several contracts under one award, the award's value belongs to none alone
            self.history(node, fig, proc, (("awards", aid), "value", "amount"), SG.AwardValue, label, srcs)
        self.period(node, (c or {}).get("period") or award.get("contractPeriod"))
        if c and F.date(c.get("dateSigned")):
            self.add(node, SG.dateSigned, rdflib.Literal(F.date(c.get("dateSigned")), datatype=XSD.date))
        self.link_frameworks(node, framework_refs, suppliers, proc.ocid, latest)
        self.counts["call_offs" if call_off else "contracts"] += 1

    def link_frameworks(self, node, framework_refs, suppliers, ocid, src) -> None:
        """A call-off's framework, named by the related process: its ocid gives the IRI the
        framework's own process has, so the two join when both are imported."""
        for rp in framework_refs:
            ident = str(rp.get("identifier") or rp.get("id") or "")
            fw = uri("ocds", ident, "framework") if ident else uri("ocds", ocid, "related-framework")
            self.add(node, SG.viaFramework, fw)
            if suppliers:  # a call-off's supplier is on the framework's panel
                self.add(fw, RDF.type, SG.Framework)
                self.add(fw, RDFS.label, rdflib.Literal(F.text(rp.get("title")) or f"framework {ident}"))
                self.add(fw, PROV.wasDerivedFrom, src)
                for s in suppliers:
                    self.add(fw, SG.supplier, s)


def ingest_ocds(paths: Iterable[str | Path], out: str | Path, *, resolver: Resolver,
                progress: Callable[[int], None] | None = None) -> IngestResult:
    """Map OCDS files to Turtle at ``out`` (written atomically). Raises InputError or
    ParseError, writing nothing, when a file is not JSON or not OCDS."""
    result = IngestResult()
    towers = TowerMapper.from_ontology()
    paths = [Path(p) for p in paths]
    kinds = {}
    for p in paths:  # check every file before writing anything
        if not p.is_file():
            raise InputError(f"{p}: no such file")
        kinds[p] = file_kind(p)
    with TripleSink(out, header="supplier-graph ingest ocds " + " ".join(map(str, paths))) as sink:
        mapper = _Mapper(sink, resolver, towers, result, result.warnings.append)
        for item in iter_processes(paths, result.warnings.append, kinds):
            if not isinstance(item, Process):
                rel, fname = item
                result.releases += 1
                result.skipped += 1
                rid = rel.get("id") if isinstance(rel, dict) else None
                result.warnings.append(f"{fname}: release {rid} skipped: it has no ocid")
                continue
            result.releases += len(item.releases)
            result.processes += 1
            result.warnings.extend(item.warnings)
            fname = item.releases[-1][2]
            try:
                mapper.process(item, fname)
                mapper.commit()
                result.ingested += len(item.releases)
            except Exception as e:  # one bad process does not stop the others
                mapper.rollback()
                result.warnings.append(f"{fname}: {item.ocid} ({len(item.releases)} release(s)) skipped: {e}")
                result.skipped += len(item.releases)
            if progress and result.processes % 1000 == 0:
                progress(result.releases)
        if result.ingested == 0:
            raise InputError(f"{', '.join(map(str, paths))}: no release could be ingested"
                             + (f" ({result.warnings[-1]})" if result.warnings else ""))
        result.triples = sink.count
    result.resolution = resolver.report()
    return result
