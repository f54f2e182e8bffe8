"""Bring your own data: OCDS releases and records (Contracts Finder, Find a Tender) and
council "spending over £500" CSVs, into RDF that joins the graph's existing entities.

Both importers stream their input, write Turtle atomically (nothing is written when the
input is unusable), give stable IRIs (re-ingesting a file gives the same triples), and
resolve organisations against the graph: identifiers first, then normalised names; near
matches are only suggested (see :mod:`graph.ingest.resolve`).
"""

from .ocds import ingest_ocds
from .resolve import Resolver
from .spend_csv import ingest_spend_csv

__all__ = ["ingest_ocds", "ingest_spend_csv", "Resolver"]
