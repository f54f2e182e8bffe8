"""The read-only SPARQL endpoint: Oxigraph's server, with the project's query page in front."""
