"""Golden cases as data, and their runners: model steps, apply, routers, rules, review and whole documents."""

from claimflow.evals.errors import BaselineError, CaseFileError, GoldenError, InactiveTypeError, NoCasesError
from claimflow.evals.evaluation import Evaluation, evaluate_goldens
from claimflow.evals.golden import GOLDENS, GoldenCase, load_case, load_goldens
from claimflow.evals.metrics import step_metrics
from claimflow.evals.result import CaseResult
from claimflow.evals.runner import regressions, run_case, run_cases

__all__ = [
    "GOLDENS",
    "BaselineError",
    "CaseFileError",
    "CaseResult",
    "Evaluation",
    "GoldenCase",
    "GoldenError",
    "InactiveTypeError",
    "NoCasesError",
    "evaluate_goldens",
    "load_case",
    "load_goldens",
    "regressions",
    "run_case",
    "run_cases",
    "step_metrics",
]
