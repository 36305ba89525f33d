"""`python -m runtime.cli` runs the claimflow command line."""

from runtime.cli import main

main()
