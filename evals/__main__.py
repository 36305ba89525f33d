"""`python -m evals [--live MODEL] [--update-baseline]`: run the golden cases and gate regressions."""

from __future__ import annotations

import argparse
import sys

from claimflow.evals.evaluation import evaluate_goldens, gate_lines
from claimflow.evals.runner import REPLAY
from claimflow.nodes.ports import ModelUnavailableError
from claimflow.runtime.errors import SetupError
from claimflow.runtime.gateway import make_gateway
from claimflow.runtime.settings import Settings
from claimflow.state.redaction import redact


def main(argv: list[str] | None = None) -> int:
    """Print one line per case and a summary; exit 1 on a regression against the baseline (as `claimflow eval`)."""
    parser = argparse.ArgumentParser(prog="python -m evals", description=__doc__)
    parser.add_argument("--live", metavar="MODEL", help="ask this backend for fresh claims (e.g. rules)")
    parser.add_argument("--update-baseline", action="store_true", help="write the results as the new baseline")
    args = parser.parse_args(argv)
    model = args.live or REPLAY
    try:
        # A live model is configured as `claimflow eval` configures it: keys and endpoints from the settings.
        gateway = None if model == REPLAY else make_gateway(model, Settings.load(model=model).gateway)
        evaluation = evaluate_goldens(model=model, gateway=gateway, update_baseline=args.update_baseline)
    except SetupError as error:
        sys.stderr.write(f"error: {redact(str(error))}\n")
        return 2
    except ModelUnavailableError as error:
        sys.stderr.write(f"error: the model {model} did not answer: {redact(str(error))}\n")
        return 2
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
