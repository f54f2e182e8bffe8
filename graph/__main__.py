"""``python -m graph`` runs the command line."""

from .cli import main

main()
