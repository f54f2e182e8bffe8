"""The vocabulary and the RDF files: namespaces, reading and writing RDF, SHACL validation."""
