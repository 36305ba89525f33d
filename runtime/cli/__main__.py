"""`python -m claimflow.runtime.cli` runs the claimflow command line."""

from claimflow.runtime.cli import main

main()
