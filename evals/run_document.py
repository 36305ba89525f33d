"""The document runner: a generated file through the real engine, `rules` backend, in a temporary data directory."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from claimflow.evals.generators import GENERATORS
from claimflow.evals.golden import TODAY, DocumentCase
from claimflow.evals.result import CaseResult, differences, result
from claimflow.runtime.engine import Run, open_engine
from claimflow.runtime.gateway import RulesGateway
from claimflow.runtime.settings import Settings
from claimflow.state.schema import DocumentTypes


async def _process(case: DocumentCase, directory: Path, path: Path, types: DocumentTypes) -> Run:
    settings = Settings(data_dir=directory / "data", policy=case.policy)
    async with open_engine(settings, gateway=RulesGateway(), types=tuple(types), today=TODAY) as engine:
        return await engine.process(path)


async def run_document(case: DocumentCase, types: DocumentTypes) -> CaseResult:
    """Generate the case's document, process it with `types` active, and compare status, type, values, reasons."""
    if case.generator not in GENERATORS:
        known = ", ".join(GENERATORS)
        return result(case.id, case.kind, case.step, None, None, [f"no generator {case.generator!r}; known: {known}"])
    with tempfile.TemporaryDirectory(prefix="claimflow-golden-") as directory:
        try:
            path = GENERATORS[case.generator](Path(directory), **case.params)
        except Exception as error:  # a case's parameters, or what its generator needs: this case fails, not the suite
            problem = f"its document could not be made by {case.generator!r}: {type(error).__name__}: {error}"
            return result(case.id, case.kind, case.step, None, None, [problem])
        run = await _process(case, Path(directory), path, types)
    expected = case.expected
    got: dict[str, Any] = {
        "status": run.status,
        "doc_type": run.doc_type,
        "fields": {name: run.fields[name].value if name in run.fields else None for name in expected.fields},
        "review_reasons": [reason.split(":", 1)[0] for reason in run.review_reasons],
    }
    wanted = expected.model_dump()
    problems = differences(wanted, got)
    if run.error and problems:
        problems.append(f"run error: {run.error}")
    return result(case.id, case.kind, case.step, wanted, got, problems)
