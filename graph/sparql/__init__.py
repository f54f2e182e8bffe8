"""Questions answered with SPARQL: the library of named queries, names and the entities
they stand for, an entity's description, statistics, sources and framework headroom."""
