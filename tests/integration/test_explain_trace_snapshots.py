"""`explain` and `trace` tell every sample document's run as they always have (a snapshot per document).

The events a step writes now leave the checkpoint once the journal has stored them; these snapshots were taken
before that change and must not move. Ids, times, durations, hashes and the date-dependent plausibility
window are normalised away; keys whose value is null are left out.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from claimflow.runtime.cli import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "examples" / "documents"
SNAPSHOTS = Path(__file__).parent / "snapshots" / "examples"
VOLATILE = {
    "duration_ms", "latency_ms", "event_id", "at", "run_id", "document_id", "workflow_version", "text_id",
    "mapping_id", "model_seconds", "policy", "usage", "prompt_hash",
}  # fmt: skip
runner = CliRunner()


def normalise_explain(text: str) -> str:
    text = re.sub(r"run [0-9a-f]{32}", "run RUN", text)
    text = re.sub(r"\(document [0-9a-f]{12}\)", "(document DOC)", text)
    text = re.sub(r"[0-9.]+ s in model calls", "S s in model calls", text)
    text = re.sub(r" at \d{4}-\d\d-\d\dT[0-9:.+]+", " at TIME", text)
    return re.sub(r"between 1970-01-01 and \d{4}-\d\d-\d\d", "between 1970-01-01 and TODAY+1Y", text)


def _clean(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in sorted(value.items()) if k not in VOLATILE and v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, str):
        value = re.sub(r"\d{4}-\d\d-\d\d \(between 1970-01-01 and \d{4}-\d\d-\d\d\)", "D", value)
        return re.sub(r"between 1970-01-01 and \d{4}-\d\d-\d\d", "between 1970-01-01 and TODAY+1Y", value)
    return value


def normalise_trace(text: str) -> str:
    lines = [json.loads(line) for line in text.splitlines()]
    return "".join(
        json.dumps({"type": e["type"], "step": e["step"], "data": _clean(e["data"])}, sort_keys=True) + "\n"
        for e in lines
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, Path]]:
    data = tmp_path_factory.mktemp("data")
    cwd = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))  # discovery sees the built-ins only
    try:
        result = runner.invoke(app, ["run", str(SAMPLES), "--json", "--data-dir", str(data)])
    finally:
        os.chdir(cwd)
    return {view["document"]: (view["run_id"], data) for view in map(json.loads, result.stdout.splitlines())}


@pytest.mark.slow
@pytest.mark.ocr
@pytest.mark.parametrize("document", sorted(path.name for path in SAMPLES.iterdir()))
def test_explain_and_trace_match_their_snapshots(runs: dict[str, tuple[str, Path]], document: str) -> None:
    run_id, data = runs[document]
    explained = runner.invoke(app, ["explain", run_id, "--data-dir", str(data)])
    traced = runner.invoke(app, ["trace", run_id, "--json", "--data-dir", str(data)])
    assert explained.exit_code == 0 and traced.exit_code == 0, explained.output + traced.output
    expected_explain = (SNAPSHOTS / f"{document}.explain").read_text(encoding="utf-8")
    expected_trace = (SNAPSHOTS / f"{document}.trace").read_text(encoding="utf-8")
    assert normalise_explain(explained.stdout) == expected_explain
    assert normalise_trace(traced.stdout) == expected_trace
