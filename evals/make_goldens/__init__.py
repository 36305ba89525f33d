"""Write the generated golden cases under evals/goldens/ (`python -m claimflow.evals.make_goldens`).

Expectations are written out by hand in the modules here, one per kind of step; only the recorded claims of
clean extraction cases are taken from the `rules` backend, as a model's answer would be recorded. The committed
JSON files are the cases: review them like code. Cases not written here (e.g. hand-made ones) are left alone.
"""

from __future__ import annotations

from claimflow.evals.golden import write_schema
from claimflow.evals.make_goldens.applies import applies
from claimflow.evals.make_goldens.business_rules import business_rules
from claimflow.evals.make_goldens.documents import documents
from claimflow.evals.make_goldens.model_steps import model_steps
from claimflow.evals.make_goldens.reviews import reviews
from claimflow.evals.make_goldens.routers import routers


def main() -> None:
    """Write every generated case and the schema."""
    model_steps()
    applies()
    routers()
    business_rules()
    reviews()
    documents()
    write_schema()


__all__ = ["main"]
