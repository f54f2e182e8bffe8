"""The graph as the analytics read it: the snapshot of contracts, names and relations,
and its networkx views."""
