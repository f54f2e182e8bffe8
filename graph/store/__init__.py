"""Where the graph lives: the Store interface, the local stores (Oxigraph, rdflib), a remote
SPARQL endpoint, who may use an on-disk store, and what is kept beside it."""
