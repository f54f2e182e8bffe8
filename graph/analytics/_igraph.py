"""igraph, loaded for computing only, and networkx graphs handed to it.

igraph imports ``matplotlib.pyplot`` when it can, for its plotting functions, which this
project never calls: half a second on every command that computes betweenness or lays out
a large page. :func:`load` imports it with matplotlib out of sight (only when matplotlib is
not loaded already), so igraph's own plotting is unavailable in that process.
"""

from __future__ import annotations

import random
import sys
from contextlib import contextmanager

__all__ = ["load", "convert", "seeded"]


def load():
    """The igraph module."""
    if "igraph" in sys.modules:
        return sys.modules["igraph"]
    hide = "matplotlib" not in sys.modules
    if hide:
        sys.modules["matplotlib"] = None  # `import matplotlib` raises ImportError
    try:
        import igraph
    finally:
        if hide:
            del sys.modules["matplotlib"]
    return igraph


def convert(g, nodes: list, weight: str | None = None):
    """``g`` as an undirected igraph graph with vertex ``i`` for ``nodes[i]``, and the edge
    attribute ``weight`` as a list (1.0 where missing; None if ``weight`` is None)."""
    igraph = load()
    index = {v: i for i, v in enumerate(nodes)}
    # a comprehension, not list(): list() asks an EdgeDataView its length first, and it
    # counts by walking every edge (3.5 of a national report's seconds)
    edges = [e for e in g.edges(data=weight or "weight", default=1.0)]
    h = igraph.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b, _ in edges], directed=False)
    return h, ([float(w) for _, _, w in edges] if weight else None)


@contextmanager
def seeded(seed: int):
    """igraph's random numbers (layouts) drawn from ``random.Random(seed)``, then back to
    the ``random`` module, igraph's default."""
    igraph = load()
    igraph.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        igraph.set_random_number_generator(random)
