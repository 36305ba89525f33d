"""A decision taken before its caps were set still loads: caps refuse what comes in, never what was kept.

A reason or comment is capped at 5,000 characters, an edit at 100 fields of 100 values (state/review.py), since
a release after runs were decided. A finished run's state is kept as JSON in the registry (read once its
checkpoints are pruned) and its decisions are replayed from the registry: validated again under today's caps,
a run rejected with a longer reason could no longer be shown, explained, exported or replayed.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.replay.reviews import applied_decisions
from claimflow.runtime.settings import Settings
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.lengths import MAX_QUOTE_CHARS, STORED
from claimflow.state.review import MAX_REVIEW_TEXT_CHARS, ReviewDecision
from tests.integration._docs import mismatch_invoice_text, run_cli, write

LONG_REASON = "The totals do not add up; " * (MAX_REVIEW_TEXT_CHARS // 20)
"""A reason over today's cap, as an earlier release accepted it."""


async def _rejected_then_pruned(tmp_path: Path) -> tuple[Settings, str]:
    """A run rejected with a short reason whose kept final state now holds one over the cap."""
    settings = Settings(data_dir=tmp_path / "data")
    document = write(tmp_path / "docs", "mismatch.txt", mismatch_invoice_text())
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        view = await engine.process(document)
        assert view.status == "needs_review"
        await engine.decide(view.run_id, ReviewDecision(reviewer="ann", action="reject", reason="short"))
        done = await engine.prune(timedelta(0))
        assert view.run_id in done.runs
        kept = await engine.registry.final_state(view.run_id)
        assert kept is not None and '"short"' in kept
        # What a release before the cap kept: the same state with the reviewer's longer reason.
        await engine.registry.save_final(view.run_id, kept.replace('"short"', json.dumps(LONG_REASON)))
    return settings, view.run_id


async def test_a_final_state_kept_with_a_reason_over_the_cap_still_loads(tmp_path: Path) -> None:
    settings, run_id = await _rejected_then_pruned(tmp_path)
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        state = await engine.state(run_id)
    assert state is not None and state.review_decision is not None
    assert state.review_decision.reason == LONG_REASON

    data_dir = str(settings.data_dir)
    records = tmp_path / "records.jsonl"
    for command in (["show", run_id], ["explain", run_id], ["export", str(records), "--status", "rejected"]):
        done = run_cli(*command, "--data-dir", data_dir)
        assert done.returncode == 0, (command, done.stderr)
        assert "String should have at most" not in done.stdout + done.stderr
    assert [json.loads(line)["run_id"] for line in records.read_text().splitlines()] == [run_id]


def test_a_stored_decision_over_the_caps_replays_but_a_new_one_is_refused() -> None:
    stored = {
        "reviewer": "ann",
        "action": "edit",
        "edits": {f"field_{i}": ["v" * 3_000] for i in range(120)},
        "comment": LONG_REASON,
    }
    (decision,) = applied_decisions([{"outcome": "applied", "decision": json.dumps(stored)}])
    assert len(decision.edits) == 120 and decision.comment == LONG_REASON

    refused = ReviewDecision.model_json_schema()["properties"]
    assert refused["edits"]["maxProperties"] == 100, "the schema still shows the caps"
    with pytest.raises(ValidationError) as refused_now:
        ReviewDecision.model_validate_json(json.dumps(stored))
    problems = {(error["loc"][0], error["type"]) for error in refused_now.value.errors()}
    assert {("edits", "string_too_long"), ("comment", "string_too_long")} <= problems
    many = {"reviewer": "ann", "action": "edit", "edits": {f"field_{i}": ["v"] for i in range(120)}}
    with pytest.raises(ValidationError) as refused_now:
        ReviewDecision.model_validate_json(json.dumps(many))
    assert [(error["loc"], error["type"]) for error in refused_now.value.errors()] == [(("edits",), "too_long")]


def test_a_claims_quote_over_its_cap_loads_from_storage_only() -> None:
    quote = "q" * (MAX_QUOTE_CHARS + 1)
    assert ClaimedEvidence.model_validate({"quote": quote}, context=STORED).quote == quote
    with pytest.raises(ValidationError, match="at most 5,000 are accepted"):
        ClaimedEvidence.model_validate({"quote": quote})
