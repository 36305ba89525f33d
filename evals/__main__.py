"""`python -m evals [--live MODEL] [--update-baseline]`: run the golden cases and gate regressions."""

from __future__ import annotations

import argparse
import sys

from claimflow.evals.evaluation import evaluate_goldens, gate_lines
from claimflow.evals.runner import REPLAY


def main(argv: list[str] | None = None) -> int:
    """Print one line per case and a summary; exit 1 on a regression against the baseline (as `claimflow eval`)."""
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__)
    parser.add_argument("--live", metavar="MODEL", help="ask this backend for fresh claims (e.g. rules)")
    parser.add_argument("--update-baseline", action="store_true", help="write the results as the new baseline")
    args = parser.parse_args(argv)
    evaluation = evaluate_goldens(model=args.live or REPLAY, update_baseline=args.update_baseline)
    results = evaluation.results
    for result in results:
        mark = "pass" if result.passed else "FAIL"
        sys.stdout.write(f"{mark}  {result.kind:<10} {result.prompt or '-':<20} {result.id}\n")
        for line in result.message.splitlines():
            sys.stdout.write(f"        {line}\n")
    passed = sum(r.passed for r in results)
    sys.stdout.write(f"{evaluation.model}: {passed} passed, {len(results) - passed} failed\n")
    for line in gate_lines(evaluation):
        sys.stdout.write(line + "\n")
    if args.update_baseline:
        return 0
    if evaluation.verdict.failed:
        sys.stdout.write(f"regressions against {evaluation.baseline.name}\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
