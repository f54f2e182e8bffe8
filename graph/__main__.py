"""``python -m graph`` runs the command line."""

from .cli.main import main

main()
