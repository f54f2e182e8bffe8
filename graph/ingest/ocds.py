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
  estimate (``sg:TenderEstimate``);
- a **republication** of another process read in the same import (its releases'
  ``links`` name that process as ``canonical``): its releases are recorded as other
  publications of the original's (``prov:alternateOf``), and nothing is counted twice.

Amounts under £100 are kept as ``sg:PlaceholderValue`` and never counted. A figure a later
release corrected stays, as ``sg:supersededValue`` with the release that gave it. Dates
(tender deadline, award date, contract period, signature) and statuses come from the
source, each status with the date of the release that reported it (``sg:statusDate``).
Every organisation the output mentions carries its type and label, so the output
validates on its own. Contact points, which name officials, are never read.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

from ..errors import InputError
from .ocds_map import IngestResult, Mapper
from .ocds_read import Process, file_kind, iter_processes, joined_republications
from .ocds_towers import TowerMapper
from .rdfout import TripleSink
from .resolve import Resolver

__all__ = ["ingest_ocds", "IngestResult", "TowerMapper"]


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
        mapper = Mapper(sink, resolver, towers, result, result.warnings.append)
        # each ocid mapped -> its first publication's latest source (its own, or its original's)
        mapped: dict[str, object] = {}
        present: Counter = Counter()
        items = iter_processes(paths, result.warnings.append, kinds, present)
        for item, original in joined_republications(items, present):
            if not isinstance(item, Process):
                rel, fname = item
                result.releases += 1
                result.skipped += 1
                rid = rel.get("id") if isinstance(rel, dict) else None
                result.warnings.append(f"{fname}: release {rid} skipped: it has no ocid")
                continue
            if original not in mapped:  # its original could not be mapped: it stands for itself
                original = None
            result.releases += len(item.releases)
            result.processes += 0 if original else 1  # one process, published twice
            result.warnings.extend(item.warnings)
            fname = item.releases[-1][2]
            try:
                if original:
                    mapper.republication(item, mapped[original])
                else:
                    mapper.process(item, fname)
                mapper.commit()
                mapped[item.ocid] = mapped[original] if original else mapper.latest_source(item)
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
