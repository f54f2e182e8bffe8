"""Analytics: plain functions of a networkx projection (see :mod:`graph.project`)."""

from .centrality import centrality
from .concentration import concentration, hhi
from .impact import failure_impact
from .paths import explained_paths
from .shared import shared_suppliers

__all__ = ["centrality", "concentration", "hhi", "failure_impact", "explained_paths",
           "shared_suppliers"]
