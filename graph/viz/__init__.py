"""Graph pages (vis-network, offline) and the projections exported as files."""
