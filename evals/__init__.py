"""Golden cases as data, and their runners: model steps, apply, routers, rules, review and whole documents."""

from claimflow.evals.golden import GOLDENS, GoldenCase, load_case, load_goldens
from claimflow.evals.result import CaseResult
from claimflow.evals.runner import baseline_of, regressions, run_case, run_cases

__all__ = [
    "GOLDENS",
    "CaseResult",
    "GoldenCase",
    "baseline_of",
    "load_case",
    "load_goldens",
    "regressions",
    "run_case",
    "run_cases",
]
