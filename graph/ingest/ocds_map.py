"""Mapping one OCDS contracting process to triples (see :mod:`graph.ingest.ocds`).

:class:`Mapper` buffers a process's triples and counts, and writes them only when the
whole process has mapped, so a process that fails leaves nothing behind.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

import rdflib
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..namespaces import CUR, EPO, PROV, SG
from ..tables import money
from . import ocds_fields as F
from .ocds_read import Process, release_id, superseded
from .ocds_towers import TowerMapper
from .rdfout import TripleSink, slug, uri
from .resolve import Resolver, normalise_org_name

__all__ = ["Mapper", "IngestResult"]

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


class Mapper:
    def __init__(self, sink: TripleSink, resolver: Resolver, towers: TowerMapper, result: IngestResult,
                 warn: Callable[[str], None]):
        self.sink, self.resolver, self.towers, self.result, self.warn = sink, resolver, towers, result, warn
        self.buffer: list[tuple] = []
        self.pending: list[tuple] = []  # new organisations, registered once their process succeeds
        self.counts: Counter = Counter()        # IngestResult's counters
        self.figures: Counter = Counter()       # money figures by kind
        self.tower_counts: Counter = Counter()  # contracts and frameworks by tower
        self.where = ""  # the file and ocid being mapped, for warnings

    def add(self, s, p, o) -> None:
        self.buffer.append((s, p, o))

    def commit(self) -> None:
        for triple in self.buffer:
            self.sink.add(*triple)
        self.result.new_organisations.extend(iri for iri, _n, _i in self.pending)
        for key, n in self.counts.items():
            setattr(self.result, key, getattr(self.result, key) + n)
        for total, counts in ((self.result.figures, self.figures), (self.result.towers, self.tower_counts)):
            for key, n in counts.items():
                total[key] = total.get(key, 0) + n
        self.clear()

    def rollback(self) -> None:
        for iri, name, ident in self.pending:
            self.resolver.forget(iri, name, ident)
        self.clear()

    def clear(self) -> None:
        for pending in (self.buffer, self.pending, self.counts, self.figures, self.tower_counts):
            pending.clear()

    # ------------------------------------------------------------------ sources, parties, money

    def sources(self, proc: Process, title: str) -> dict[str, rdflib.URIRef]:
        """One source document per release: release id -> its IRI."""
        out = {}
        for rel, meta, _fname in proc.releases:
            rid = release_id(rel, proc.ocid)
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

    def figure(self, subject, node, value, kind, label: str, p: "_Process", path: tuple) -> bool:
        """A money figure of ``kind`` (a placeholder if the amount is one) from the latest
        release; the earlier amounts of the field at ``path`` (in the versioned release)
        each kept as a superseded figure with the release that gave it. False if the value
        is missing or not a figure."""
        got = F.amount(value)
        if got is None:
            return False
        if got[0] == "invalid":
            self.warn(f"{self.where}: {label}: value {got[1]}; recorded as unknown")
            return False
        shape, number, currency = got
        now = _KIND[shape] or kind
        self.add(subject, SG.value, node)
        self._money(node, number, currency, now, f"{_KIND_WORDS[now]} of {label}", p.latest)
        self.figures[_KIND_WORDS[now]] += 1
        for n, old in enumerate(superseded(p.proc.versioned, path), 1):
            was = F.amount({"amount": old.get("value"), "currency": currency})
            src = p.srcs.get(str(old.get("releaseID")))
            if was is None or was[0] == "invalid" or src is None:
                continue
            past = rdflib.URIRef(f"{node}/superseded/{n}")
            self.add(subject, SG.supersededValue, past)
            then = _KIND[was[0]] or kind
            self._money(past, was[1], was[2], then,
                        f"{_KIND_WORDS[then]} of {label}: {money(was[1], was[2])}, superseded (release "
                        f"{old.get('releaseID')} of {F.date(old.get('releaseDate'))})", src)
            self.add(node, PROV.wasRevisionOf, past)
            self.counts["superseded"] += 1
        return True

    def _money(self, node, number, currency, kind, label: str, src) -> None:
        self.add(node, RDF.type, EPO.MonetaryValue)
        self.add(node, RDFS.label, rdflib.Literal(label))
        self.add(node, EPO.hasAmountValue, rdflib.Literal(number, datatype=XSD.decimal))
        self.add(node, EPO.hasCurrency, CUR[currency])
        self.add(node, SG.valueKind, kind)
        self.add(node, PROV.wasDerivedFrom, src)

    def common(self, node, label: str, p: "_Process", awards: list[dict], status) -> None:
        """What a framework, a contract and a tender share: label, sources, status with its
        date, procurement method, tender deadline, award date."""
        tender = p.tender
        self.add(node, RDFS.label, rdflib.Literal(label))
        for src in p.srcs.values():
            self.add(node, PROV.wasDerivedFrom, src)
        if status is not None:
            self.add(node, SG.status, SG[status])
            if p.as_of:
                self.add(node, SG.statusDate, rdflib.Literal(p.as_of, datatype=XSD.date))
        method = F.text(tender.get("procurementMethodDetails")) or F.text(tender.get("procurementMethod"))
        if method:
            self.add(node, SG.procurementMethod, rdflib.Literal(method))
        period = tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
        if F.date(period.get("endDate")):
            self.add(node, SG.tenderDeadline, rdflib.Literal(F.date(period.get("endDate")), datatype=XSD.date))
        dates = sorted(d for d in (F.date(a.get("date")) for a in awards) if d)
        if dates:
            self.add(node, SG.awardDate, rdflib.Literal(dates[0], datatype=XSD.date))

    def period(self, node, period) -> None:
        """An OCDS period: its start and end dates, the date it cannot be extended beyond,
        and its length in days where no end is given."""
        if isinstance(period, dict):
            for key, prop in (("startDate", SG.startDate), ("endDate", SG.endDate), ("maxExtentDate", SG.maxExtentDate)):
                d = F.date(period.get(key))
                if d:
                    self.add(node, prop, rdflib.Literal(d, datatype=XSD.date))
            days = period.get("durationInDays")
            if isinstance(days, (int, float)) and days > 0 and float(days).is_integer() and not F.date(period.get("endDate")):
                self.add(node, SG.duration, rdflib.Literal(f"P{int(days)}D", datatype=XSD.duration))

    def scope(self, node, towers: set[str], description: str) -> None:
        for t in sorted(towers):
            self.add(node, SG.tower, rdflib.URIRef(t))
            self.tower_counts[t.rsplit("/", 1)[-1]] += 1
        if not towers:
            self.add(node, SG.scopeDescription, rdflib.Literal(description))

    def unknown_supplier(self, node, status, what: str) -> None:
        """Past its tender, a framework or contract with no supplier says why, instead of
        being given a stage it is not at."""
        if status not in ("InProcurement", "Planned", "Cancelled"):
            self.add(node, SG.supplierNotKnown, rdflib.Literal("the source names no supplier that is an organisation"))
            self.warn(f"{self.where}: {what} names no supplier that is an organisation; its supplier is unknown")

    # ------------------------------------------------------------------ one process

    def process(self, proc: Process, fname: str) -> None:
        rel = proc.compiled
        self.where = f"{fname}: {proc.ocid}"
        tender = rel.get("tender") if isinstance(rel.get("tender"), dict) else {}
        title = F.text(tender.get("title")) or proc.ocid
        srcs = self.sources(proc, title)
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
                    self.warn(f"{self.where}: supplier name {name!r} looks like a project title; not an organisation")
                    continue
                iri = self.organisation(p, SG.Supplier, srcs.values())
                if iri is not None and iri not in out:
                    out.append(iri)
            return out

        awards = [a for a in rel.get("awards") or [] if isinstance(a, dict) and a.get("status") != "unsuccessful"]
        lots = F.awards_by_lots(awards)
        what, why = F.classify(rel, list(lots.values()))
        p = _Process(proc, tender, title, buyer, srcs, srcs[release_id(proc.releases[-1][0], proc.ocid)],
                     F.date(rel.get("date")) or F.date(proc.releases[-1][0].get("date")), self.towers.of(tender),
                     [rp for rp in rel.get("relatedProcesses") or []
                      if isinstance(rp, dict) and "framework" in (rp.get("relationship") or [])],
                     what, why, suppliers_of)
        if what in ("framework", "dps"):
            for lot, group in (lots or {(): []}).items():
                self.framework(p, lot if len(lots) > 1 else (), group)
        elif awards:
            for award in awards:
                suppliers = suppliers_of(award)
                contracts = [c for c in rel.get("contracts") or []
                             if isinstance(c, dict) and str(c.get("awardID")) == str(award.get("id"))]
                for c in contracts or [None]:
                    self.contract(p, award, c, len(contracts), suppliers)
        else:
            self.tender(p)

    def tender(self, p: "_Process") -> None:
        """A tender with no award yet: a contract in procurement (or planned, or cancelled)."""
        status = F.TENDER_STATUS.get(str(p.tender.get("status")))
        if not p.tender or status is None:
            raise ValueError(f"it has no award, and its tender's status ({p.tender.get('status')!r}) says "
                             f"nothing to record (a tender complete with no award published)")
        node = uri("ocds", p.proc.ocid, "tender")
        self.add(node, RDF.type, SG.CallOff if p.call_off else SG.Contract)
        self.common(node, p.title, p, [], status)
        self.period(node, F.planned_period(p.tender))
        self.scope(node, p.tender_towers, F.text(p.tender.get("description")) or p.title)
        self.figure(node, rdflib.URIRef(f"{node}/estimate"), p.tender.get("value"), SG.TenderEstimate, p.title, p,
                    ("tender", "value", "amount"))
        self.add(node, SG.buyer, p.buyer)
        self.link_frameworks(node, p, [])
        self.counts["contracts"] += 1

    def framework(self, p: "_Process", lot: tuple, group: list[dict]) -> None:
        """A framework or DPS (one per lot where awards name lots): its buyer, its panel,
        its award value as the ceiling the panel shares, the tender's estimate."""
        node = uri("ocds", p.proc.ocid, "framework", *(["lot", *lot] if lot else []))
        label = f"{p.title} (lot {', '.join(lot)})" if lot else p.title
        self.add(node, RDF.type, SG.Framework)
        if p.what == "dps":
            self.add(node, RDF.type, SG.DynamicPurchasingSystem)
        members = []
        for award in group:
            members += [s for s in p.suppliers_of(award) if s not in members]
        if group:
            status = F.AWARD_STATUS.get(str(group[0].get("status"))) or "Awarded"
        else:
            status = F.TENDER_STATUS.get(str(p.tender.get("status")))
        if not members:
            self.unknown_supplier(node, status, "framework")
        self.common(node, label, p, group, status)
        self.add(node, SG.classificationBasis, rdflib.Literal(p.why))
        self.add(node, SG.establishedBy, p.buyer)
        for s in members:
            self.add(node, SG.supplier, s)
        self.counts["panel_places"] += len(members)
        towers = self.lot_towers(p, lot)
        for award in group:
            towers |= self.towers.of(award)
        self.scope(node, towers, F.text(p.tender.get("description")) or p.title)
        seen = set()
        for award in group:
            got = F.amount(award.get("value"))
            if got is None or got in seen:  # lots of one framework often repeat its value
                continue
            seen.add(got)
            self.figure(node, rdflib.URIRef(f"{node}/ceiling/{slug(str(award.get('id')))}"), award.get("value"),
                        SG.FrameworkCeiling, label, p, (("awards", str(award.get("id"))), "value", "amount"))
            self.period(node, award.get("contractPeriod"))
        if not group:
            self.period(node, F.planned_period(p.tender, lot))
        self.figure(node, rdflib.URIRef(f"{node}/estimate"), p.tender.get("value"), SG.TenderEstimate, label, p,
                    ("tender", "value", "amount"))
        self.counts["frameworks"] += 1

    def contract(self, p: "_Process", award: dict, c: dict | None, siblings: int, suppliers: list) -> None:
        """One contract (or call-off) of an award to one supplier: the contract's value, or
        else the award's."""
        aid = str(award.get("id"))
        node = uri("ocds", p.proc.ocid, "contract", str(c.get("id"))) if c else uri("ocds", p.proc.ocid, "award", aid)
        lots = tuple(str(x) for x in award.get("relatedLots") or [])
        label = F.text((c or {}).get("title")) or F.text(award.get("title")) or F.lot_title(p.tender, p.title, lots)
        status = F.CONTRACT_STATUS.get(str((c or {}).get("status"))) or F.AWARD_STATUS.get(str(award.get("status"))) \
            or "Awarded"
        if not suppliers:
            self.unknown_supplier(node, status, f"award {aid}")
        self.add(node, RDF.type, SG.CallOff if p.call_off else SG.Contract)
        self.common(node, label, p, [award], status)
        if p.call_off and p.why:
            self.add(node, SG.classificationBasis, rdflib.Literal(p.why))
        self.add(node, SG.buyer, p.buyer)
        for s in suppliers:
            self.add(node, SG.supplier, s)
        self.scope(node, self.lot_towers(p, lots) | self.towers.of(award) | self.towers.of(c or {}),
                   F.text(award.get("description")) or label)
        fig = rdflib.URIRef(f"{node}/value")
        if not (c and self.figure(node, fig, c.get("value"), SG.TotalContractValue, label, p,
                                  (("contracts", str(c.get("id"))), "value", "amount"))) \
                and siblings <= 1:  # with several contracts under one award, its value belongs to none alone
            self.figure(node, fig, award.get("value"), SG.AwardValue, label, p, (("awards", aid), "value", "amount"))
        self.period(node, (c or {}).get("period") or award.get("contractPeriod"))
        if c and F.date(c.get("dateSigned")):
            self.add(node, SG.dateSigned, rdflib.Literal(F.date(c.get("dateSigned")), datatype=XSD.date))
        self.link_frameworks(node, p, suppliers)
        self.counts["call_offs" if p.call_off else "contracts"] += 1

    def lot_towers(self, p: "_Process", lots: tuple) -> set:
        """The towers of the tender's lots ``lots`` (their classification, and the items that
        name them as their lot), else, where those give none or no lot is named, the
        tender's: an award for one lot is not for every lot's services."""
        if lots:
            chosen = [x for x in p.tender.get("lots") or [] if isinstance(x, dict) and str(x.get("id")) in lots]
            items = [i for i in p.tender.get("items") or [] if isinstance(i, dict) and str(i.get("relatedLot")) in lots]
            found = set().union(*(self.towers.of(x) for x in chosen)) | self.towers.of({"items": items})
            if found:
                return found
        return set(p.tender_towers)

    def link_frameworks(self, node, p: "_Process", suppliers: list) -> None:
        """A call-off's framework, named by the related process: its ocid gives the IRI the
        framework's own process has, so the two join when both are imported."""
        for rp in p.framework_refs:
            ident = str(rp.get("identifier") or rp.get("id") or "")
            fw = uri("ocds", ident, "framework") if ident else uri("ocds", p.proc.ocid, "related-framework")
            self.add(node, SG.viaFramework, fw)
            if suppliers:  # a call-off's supplier is on the framework's panel
                self.add(fw, RDF.type, SG.Framework)
                self.add(fw, RDFS.label, rdflib.Literal(F.text(rp.get("title")) or f"framework {ident}"))
                self.add(fw, PROV.wasDerivedFrom, p.latest)
                for s in suppliers:
                    self.add(fw, SG.supplier, s)


@dataclass
class _Process:
    """What the parts of one process's mapping share."""

    proc: Process
    tender: dict
    title: str
    buyer: rdflib.URIRef
    srcs: dict             # release id -> its source document
    latest: rdflib.URIRef  # the latest release's source: current figures come from it
    as_of: str | None      # the date the compiled release's statuses were reported on
    tender_towers: set
    framework_refs: list   # relatedProcesses naming a framework
    what: str              # framework, dps, call-off or contract (ocds_fields.classify)
    why: str
    suppliers_of: Callable

    @property
    def call_off(self) -> bool:
        return self.what == "call-off" or bool(self.framework_refs)
