"""Step-level golden evaluations: recorded claims replayed through apply and routing, or re-asked live."""

from claimflow.evals.case import GoldenCase, load_cases
from claimflow.evals.runner import CaseResult, evaluate, regressions, run_cases

__all__ = ["CaseResult", "GoldenCase", "evaluate", "load_cases", "regressions", "run_cases"]
