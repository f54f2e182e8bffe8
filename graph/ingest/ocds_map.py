"""Mapping one OCDS contracting process to triples (see :mod:`graph.ingest.ocds`): what
it is — frameworks (one per lot that is a panel), contracts or call-offs (one per
contract, else per award), or a tender with no award yet — built from the parts
:class:`graph.ingest.ocds_parts.Parts` writes.
"""

from __future__ import annotations

import re

from . import ocds_fields as F
from .ocds_parts import IngestResult, Parts, Context
from .ocds_read import Process
from .privacy import withheld
from .rdfout import slug, uri
from .resolve import normalise_org_name
from .terms import PROV, RDF, RDFS, SG, lit

__all__ = ["Mapper", "IngestResult"]

_TITLE_LIKE = re.compile(r"^(the )?(provision|supply|framework|lot\s*\d|contract for|procurement of|"
                         r"services? for|works? for|delivery of)\b", re.I)


class Mapper(Parts):
    """One process at a time: :meth:`process`, then ``commit`` (or ``rollback``)."""

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

        def buyer_of(ref) -> str | None:
            return self.organisation(party(ref), SG.PublicBody, srcs.values()) if isinstance(ref, dict) else None

        buyer = buyer_of(rel.get("buyer") or with_role("buyer") or with_role("procuringEntity"))
        if buyer is None:
            raise ValueError("it names no buyer or procuring entity")
        self.notice = (proc.ocid, str(buyer), normalise_org_name(title))
        titles = {normalise_org_name(t) for t in [title] + [F.text(a.get("title")) for a in rel.get("awards") or []
                                                           if isinstance(a, dict)] if t}

        def suppliers_of(award: dict) -> list[str]:
            out = []
            for ref in award.get("suppliers") or []:
                p = party(ref)
                name = F.text(p.get("name"))
                if name and withheld(name):  # never named, and not one organisation across notices
                    self.warn(f"{self.where}: a supplier's name is withheld or is a private individual's; not named")
                    continue
                if name and (normalise_org_name(name) in titles or _TITLE_LIKE.match(name) or len(name.split()) > 10):
                    self.warn(f"{self.where}: supplier name {name!r} looks like a project title; not an organisation")
                    continue
                iri = self.organisation(p, SG.Supplier, srcs.values())
                if iri is not None and iri not in out:
                    out.append(iri)
            return out

        awards = [a for a in rel.get("awards") or [] if isinstance(a, dict) and a.get("status") != "unsuccessful"]
        lots = F.awards_by_lots(awards)
        kinds = {lot: F.classify(rel, lot, group) for lot, group in lots.items()} or {(): F.classify(rel, (), [])}
        panels = {lot for lot, (what, _why) in kinds.items() if what in ("framework", "dps")}
        what, why = next((k for lot, k in kinds.items() if lot not in panels), ("contract", ""))
        p = Context(proc, tender, title, buyer, srcs, self.latest_source(proc),
                     F.date(rel.get("date")) or F.date(proc.releases[-1][0].get("date")), self.towers.of(tender),
                     [rp for rp in rel.get("relatedProcesses") or []
                      if isinstance(rp, dict) and "framework" in (rp.get("relationship") or [])],
                     what, why, suppliers_of, buyer_of)
        if not awards:
            if panels:
                self.framework(p, (), [], *kinds[()])
            else:
                self.tender(p)
            return
        for lot, group in lots.items():
            if lot in panels:
                self.framework(p, lot if len(lots) > 1 else (), group, *kinds[lot])
                continue
            for award in group:
                contracts = [c for c in rel.get("contracts") or []
                             if isinstance(c, dict) and str(c.get("awardID")) == str(award.get("id"))]
                for c in contracts or [None]:
                    # a contract that names its own suppliers (OCDS's contract suppliers extension) is theirs
                    own = c is not None and any(isinstance(x, dict) for x in c.get("suppliers") or [])
                    self.contract(p, award, c, len(contracts), suppliers_of(c if own else award))

    def republication(self, proc: Process, original: str) -> None:
        """A process that republishes another read in the same import: its releases are
        sources of their own, each another publication of ``original`` (the first
        publication's latest release, prov:alternateOf); nothing else is written, so
        nothing is counted twice."""
        tender = proc.compiled.get("tender") if isinstance(proc.compiled.get("tender"), dict) else {}
        for src in self.sources(proc, F.text(tender.get("title")) or proc.ocid).values():
            self.add(src, PROV.alternateOf, original)
        self.counts["republished"] += 1

    def tender(self, p: "Context") -> None:
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
        self.figure(node, f"{node}/estimate", p.tender.get("value"), SG.TenderEstimate, p.title, p,
                    ("tender", "value", "amount"))
        self.add(node, SG.buyer, p.buyer)
        self.link_frameworks(node, p, [])
        self.counts["contracts"] += 1

    def framework(self, p: "Context", lot: tuple, group: list[dict], what: str, why: str) -> None:
        """A framework or DPS (one per lot where awards name lots): its buyer, its panel,
        its award value and the maximum its techniques state as the ceiling the panel
        shares, the tender's estimate."""
        node = uri("ocds", p.proc.ocid, "framework", *(["lot", *lot] if lot else []))
        label = f"{p.title} (lot {', '.join(lot)})" if lot else p.title
        self.add(node, RDF.type, SG.Framework)
        if what == "dps":
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
        self.add(node, SG.classificationBasis, lit(why))
        self.add(node, SG.establishedBy, p.buyer)
        for s in members:
            self.add(node, SG.supplier, s)
        self.counts["panel_places"] += len(members)
        towers = self.lot_towers(p, lot)
        for award in group:
            towers |= self.towers.of(award)
        self.scope(node, towers, F.text(p.tender.get("description")) or p.title)
        seen = set()
        stated = [(a.get("value"), (("awards", str(a.get("id"))), "value", "amount"), f"ceiling/{slug(str(a.get('id')))}",
                   a.get("contractPeriod")) for a in group]
        stated += [(v, path, f"ceiling/max/{n}", None)
                   for n, (v, path) in enumerate(F.framework_value(p.tender, lot or _lots_of(group)), 1)]
        for value, path, name, period in stated:
            got = F.amount(value)
            if got is None or got in seen:  # lots of one framework often repeat its value
                continue
            seen.add(got)
            self.figure(node, f"{node}/{name}", value, SG.FrameworkCeiling, label, p, path)
            self.period(node, period)
        if not group:
            self.period(node, F.planned_period(p.tender, lot))
        self.figure(node, f"{node}/estimate", p.tender.get("value"), SG.TenderEstimate, label, p,
                    ("tender", "value", "amount"))
        self.counts["frameworks"] += 1

    def contract(self, p: "Context", award: dict, c: dict | None, siblings: int, suppliers: list) -> None:
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
            self.add(node, SG.classificationBasis, lit(p.why))
        # a call-off names its own buyer where the framework serves several (multiple buyers extension)
        self.add(node, SG.buyer, (c and p.buyer_of(c.get("buyer"))) or p.buyer)
        for s in suppliers:
            self.add(node, SG.supplier, s)
        self.scope(node, self.lot_towers(p, lots) | self.towers.of(award) | self.towers.of(c or {}),
                   F.text(award.get("description")) or label)
        fig = f"{node}/value"
        if not (c and self.figure(node, fig, c.get("value"), SG.TotalContractValue, label, p,
                                  (("contracts", str(c.get("id"))), "value", "amount"))) \
                and siblings <= 1:  # with several contracts under one award, its value belongs to none alone
            self.figure(node, fig, award.get("value"), SG.AwardValue, label, p, (("awards", aid), "value", "amount"))
        self.period(node, (c or {}).get("period") or award.get("contractPeriod"))
        if c and F.date(c.get("dateSigned")):
            self.add(node, SG.dateSigned, lit(F.date(c.get("dateSigned")), "date"))
        self.link_frameworks(node, p, suppliers)
        self.counts["call_offs" if p.call_off else "contracts"] += 1

    def lot_towers(self, p: "Context", lots: tuple) -> set:
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

    def link_frameworks(self, node, p: "Context", suppliers: list) -> None:
        """A call-off's framework, named by the related process: its ocid gives the IRI the
        framework's own process has, so the two join when both are imported."""
        for rp in p.framework_refs:
            ident = str(rp.get("identifier") or rp.get("id") or "")
            fw = uri("ocds", ident, "framework") if ident else uri("ocds", p.proc.ocid, "related-framework")
            self.add(node, SG.viaFramework, fw)
            if suppliers:  # a call-off's supplier is on the framework's panel
                self.add(fw, RDF.type, SG.Framework)
                self.add(fw, RDFS.label, lit(F.text(rp.get("title")) or f"framework {ident}"))
                self.add(fw, PROV.wasDerivedFrom, p.latest)
                for s in suppliers:
                    self.add(fw, SG.supplier, s)


def _lots_of(awards: list[dict]) -> tuple:
    """The lots some awards name, for the one framework a process with one lot has."""
    return tuple(sorted({str(x) for a in awards for x in a.get("relatedLots") or []}))
