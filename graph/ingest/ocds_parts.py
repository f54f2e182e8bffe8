"""The parts of an OCDS contracting process as triples: sources, organisations, money
figures with their kinds and superseded versions, dates, scope and status.

:class:`Parts` buffers a process's triples and counts, and writes them only when the
whole process has mapped, so a process that fails leaves nothing behind;
:mod:`graph.ingest.ocds_map` decides what the process is (a framework, contracts, a
tender) and builds it from these parts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from ..tables import money
from . import ocds_fields as F
from .ocds_read import Process, release_id, superseded
from .ocds_towers import TowerMapper
from .rdfout import TripleSink, uri
from .resolve import Resolver, normalise_org_name
from .terms import ADMS, CUR, DCTERMS, EPO, PROV, RDF, RDFS, SG, SKOS, lit

__all__ = ["Parts", "Context", "IngestResult", "PUBLISHERS"]

PUBLISHERS = {"ocds-b5fd17": "Contracts Finder", "ocds-h6vhtk": "Find a Tender", "ocds-r6ebe6": "Public Contracts Scotland",
              "ocds-kuma6s": "Sell2Wales"}
_KIND = {"money": None, "placeholder": SG.PlaceholderValue}
_KIND_WORDS = {SG.FrameworkCeiling: "framework ceiling", SG.TotalContractValue: "contract value",
               SG.AwardValue: "award value", SG.TenderEstimate: "tender estimate", SG.PlaceholderValue: "placeholder"}


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
    republished: int = 0  # processes that republish another read in the same import
    same_notice: list[tuple[str, str]] = field(default_factory=list)  # (ocid, ocid) of two publishers, unlinked
    figures: dict[str, int] = field(default_factory=dict)
    towers: dict[str, int] = field(default_factory=dict)
    new_organisations: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    triples: int = 0
    resolution: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


class Parts:
    """Writing the parts of one process: its sources, organisations, money figures,
    dates, scope and status; buffered, and committed only when the whole process has
    mapped (:class:`graph.ingest.ocds_map.Mapper` says what the process is)."""

    def __init__(self, sink: TripleSink, resolver: Resolver, towers: TowerMapper, result: IngestResult,
                 warn: Callable[[str], None]):
        self.sink, self.resolver, self.towers, self.result, self.warn = sink, resolver, towers, result, warn
        self.buffer: list[tuple] = []
        self.pending: list[tuple] = []  # new organisations, registered once their process succeeds
        # organisations described (type, label, identifiers) by a committed process, and by this one: an
        # organisation is in hundreds of processes, and its description needs writing once
        self.described: set[tuple] = set()
        self.describing: list[tuple] = []
        self.counts: Counter = Counter()        # IngestResult's counters
        self.figures: Counter = Counter()       # money figures by kind
        self.tower_counts: Counter = Counter()  # contracts and frameworks by tower
        self.where = ""  # the file and ocid being mapped, for warnings
        self.notices: dict[tuple, dict[str, str]] = {}  # (buyer, normalised title) -> {ocid prefix: first ocid}
        self.notice: tuple | None = None     # (ocid, buyer, normalised title) of the process being mapped

    def add(self, s, p, o) -> None:
        self.buffer.append((s, p, o))

    def commit(self) -> None:
        if self.notice:
            self._same_notice(*self.notice)
        self.sink.add_all(self.buffer)
        self.described.update(self.describing)
        self.result.new_organisations.extend(iri for iri, _n, _i in self.pending)
        for key, n in self.counts.items():
            setattr(self.result, key, getattr(self.result, key) + n)
        for total, counts in ((self.result.figures, self.figures), (self.result.towers, self.tower_counts)):
            for key, n in counts.items():
                total[key] = total.get(key, 0) + n
        self.clear()

    def _same_notice(self, ocid: str, buyer: str, title: str) -> None:
        """List a process that another publisher's (an ocid of another prefix) shares its
        buyer and title with: perhaps one notice published twice, as Contracts Finder and
        Find a Tender do, but where nothing in the data says so it is only listed
        (``--report``), never joined: a buyer can run one procurement twice."""
        seen = self.notices.setdefault((buyer, title), {})
        prefix = ocid[:11]
        if prefix not in seen:
            self.result.same_notice.extend((first, ocid) for first in seen.values())
            seen[prefix] = ocid

    def rollback(self) -> None:
        for iri, name, ident in self.pending:
            self.resolver.forget(iri, name, ident)
        self.clear()

    def clear(self) -> None:
        self.notice = None
        for pending in (self.buffer, self.pending, self.describing, self.counts, self.figures, self.tower_counts):
            pending.clear()

    # ------------------------------------------------------------------ sources, parties, money

    @staticmethod
    def source(proc: Process, rel: dict) -> str:
        """The IRI of the source document that is the release ``rel`` of ``proc``."""
        return uri("ocds", proc.ocid, release_id(rel, proc.ocid))

    @staticmethod
    def latest_source(proc: Process) -> str:
        """The source document of a process's latest release: its current figures' source."""
        return Parts.source(proc, proc.releases[-1][0])

    def sources(self, proc: Process, title: str) -> dict[str, str]:
        """One source document per release: release id -> its IRI."""
        out = {}
        for rel, meta, _fname in proc.releases:
            rid = release_id(rel, proc.ocid)
            src = out[rid] = self.source(proc, rel)
            publisher = meta.get("publisher") or PUBLISHERS.get(proc.ocid[:11]) or "unknown publisher (no package metadata)"
            self.add(src, RDF.type, SG.SourceDocument)
            self.add(src, DCTERMS.title, lit(f"{title} (OCDS release {rid})"))
            self.add(src, DCTERMS.publisher, lit(F.text(publisher)))
            self.add(src, DCTERMS.identifier, lit(rid))
            self.add(src, DCTERMS.isPartOf, lit(proc.ocid))
            if rel.get("date"):
                self.add(src, DCTERMS.date, lit(str(rel["date"])))
            for key, prop in (("uri", DCTERMS.source), ("license", DCTERMS.license)):
                if meta.get(key):
                    self.add(src, prop, lit(str(meta[key])))
        return out

    def organisation(self, party: dict, kind, srcs) -> str | None:
        name = F.text(party.get("name"))
        if not name:
            return None
        idents = F.identifiers(party)
        match = self.resolver.known(name, idents)
        given = name
        if match:
            iri = match.iri
            name = self.resolver.labels.get(match.iri) or name
            self.resolver.identify(match.iri, idents)  # its other identifiers join it too
        else:
            iri = uri("org", idents[0].replace(":", "-")) if idents else uri("org", normalise_org_name(name) or name)
            if iri not in self.resolver.labels:
                self.pending.append((iri, name, idents))
            self.resolver.add(iri, name, idents)
        description = (iri, kind, name, given, *idents)
        if description not in self.described:
            self.describe(iri, kind, name, given, idents)
            self.describing.append(description)
        for src in srcs:
            self.add(iri, SG.mentionedIn, src)
        return iri

    def describe(self, iri: str, kind: str, name: str, given: str, idents: list[str]) -> None:
        """What the output says of an organisation it mentions, so that it validates on its
        own: its type and label, the name the source ``given`` where it is another, its
        identifiers."""
        if normalise_org_name(given) != normalise_org_name(name):
            self.add(iri, SKOS.altLabel, lit(given))
        self.add(iri, RDF.type, kind)
        self.add(iri, RDFS.label, lit(name))
        for ident in idents:
            scheme, value = ident.split(":", 1)
            node = uri("identifier", scheme, value)
            self.add(node, RDF.type, ADMS.Identifier)
            self.add(node, RDFS.label, lit(f"{scheme} {value}"))
            self.add(node, SKOS.notation, lit(value))
            self.add(node, ADMS.schemaAgency, lit(scheme))
            self.add(iri, ADMS.identifier, node)

    def figure(self, subject, node, value, kind, label: str, p: "Context", path: tuple) -> bool:
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
            past = f"{node}/superseded/{n}"
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
        self.add(node, RDFS.label, lit(label))
        self.add(node, EPO.hasAmountValue, lit(number, "decimal"))
        self.add(node, EPO.hasCurrency, CUR[currency])
        self.add(node, SG.valueKind, kind)
        self.add(node, PROV.wasDerivedFrom, src)

    def common(self, node, label: str, p: "Context", awards: list[dict], status) -> None:
        """What a framework, a contract and a tender share: label, sources, status with its
        date, procurement method, tender deadline, award date."""
        tender = p.tender
        self.add(node, RDFS.label, lit(label))
        for src in p.srcs.values():
            self.add(node, PROV.wasDerivedFrom, src)
        if status is not None:
            self.add(node, SG.status, SG[status])
            if p.as_of:
                self.add(node, SG.statusDate, lit(p.as_of, "date"))
        method = F.text(tender.get("procurementMethodDetails")) or F.text(tender.get("procurementMethod"))
        if method:
            self.add(node, SG.procurementMethod, lit(method))
        period = tender.get("tenderPeriod") if isinstance(tender.get("tenderPeriod"), dict) else {}
        if F.date(period.get("endDate")):
            self.add(node, SG.tenderDeadline, lit(F.date(period.get("endDate")), "date"))
        dates = sorted(d for d in (F.date(a.get("date")) for a in awards) if d)
        if dates:
            self.add(node, SG.awardDate, lit(dates[0], "date"))

    def period(self, node, period) -> None:
        """An OCDS period: its start and end dates, the date it cannot be extended beyond,
        and its length in days where no end is given."""
        if isinstance(period, dict):
            for key, prop in (("startDate", SG.startDate), ("endDate", SG.endDate), ("maxExtentDate", SG.maxExtentDate)):
                d = F.date(period.get(key))
                if d:
                    self.add(node, prop, lit(d, "date"))
            days = period.get("durationInDays")
            if isinstance(days, (int, float)) and days > 0 and float(days).is_integer() and not F.date(period.get("endDate")):
                self.add(node, SG.duration, lit(f"P{int(days)}D", "duration"))

    def scope(self, node, towers: set[str], description: str) -> None:
        for t in sorted(towers):
            self.add(node, SG.tower, t)
            self.tower_counts[t.rsplit("/", 1)[-1]] += 1
        if not towers:
            self.add(node, SG.scopeDescription, lit(description))

    def unknown_supplier(self, node, status, what: str) -> None:
        """Past its tender, a framework or contract with no supplier says why, instead of
        being given a stage it is not at."""
        if status not in ("InProcurement", "Planned", "Cancelled"):
            self.add(node, SG.supplierNotKnown, lit("the source names no supplier that is an organisation"))
            self.warn(f"{self.where}: {what} names no supplier that is an organisation; its supplier is unknown")


@dataclass
class Context:
    """What the parts of one process's mapping share."""

    proc: Process
    tender: dict
    title: str
    buyer: str
    srcs: dict             # release id -> its source document
    latest: str            # the latest release's source: current figures come from it
    as_of: str | None      # the date the compiled release's statuses were reported on
    tender_towers: set
    framework_refs: list   # relatedProcesses naming a framework
    what: str              # call-off or contract: what its lots that are not panels are (ocds_fields.classify)
    why: str
    suppliers_of: Callable
    buyer_of: Callable

    @property
    def call_off(self) -> bool:
        return self.what == "call-off" or bool(self.framework_refs)
