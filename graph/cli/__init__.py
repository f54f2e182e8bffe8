"""The command line: each command parses its options, calls one library function and
formats what it returns. `supplier-graph` is :func:`graph.cli.main.main`."""
