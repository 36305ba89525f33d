"""The claimflow command line. The JSON shapes and exit codes here are a contract other tools build on.

One module per group of commands; importing them registers their commands on the app.
"""

from claimflow.runtime.cli import doctypes, documents, inspect, review
from claimflow.runtime.cli._common import app, review_app


def main() -> None:
    """Console entry point."""
    app()


__all__ = ["app", "doctypes", "documents", "inspect", "main", "review", "review_app"]
