"""The stored run's decisions given again to its replay: each applied, refused or not reached, on a real engine.

The contract example pauses for review (its term below the confidence bar) under the offline rules backend.
"""

from __future__ import annotations

from pathlib import Path

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.replay.reviews import ReplayedDecision, applied_decisions, decide_as_stored
from claimflow.runtime.settings import Settings
from claimflow.state.review import ReviewDecision

CONTRACT = Path(__file__).parents[2] / "examples" / "documents" / "contract-nda.txt"


async def test_a_decision_the_replay_refuses_leaves_it_paused_and_the_next_not_reached(tmp_path: Path) -> None:
    unknown = ReviewDecision(reviewer="ana", action="edit", edits={"fee": ["10"]})
    approve = ReviewDecision(reviewer="bo", action="approve")
    async with open_engine(Settings(data_dir=tmp_path / "data"), types=BUILTIN_TYPES) as engine:
        row = await engine.process(CONTRACT)
        assert row.status == "needs_review"

        after, fates = await decide_as_stored(engine, await engine.registry.get_run(row.run_id), [unknown, approve])

        assert after.status == "needs_review"
        assert [(fate.reviewer, fate.outcome) for fate in fates] == [("ana", "refused"), ("bo", "not reached")]
        assert fates[0].message is not None and "unknown field 'fee'" in fates[0].message
        assert fates[1].message == "an earlier decision was refused"
        assert await engine.pending_review(row.run_id) is not None  # still waiting for a reviewer


async def test_decisions_go_to_the_replays_reviews_in_order_until_it_stops_pausing(tmp_path: Path) -> None:
    edit = ReviewDecision(reviewer="ana", action="edit", edits={"term": ["2 years"]})
    approve = ReviewDecision(reviewer="bo", action="approve")
    async with open_engine(Settings(data_dir=tmp_path / "data"), types=BUILTIN_TYPES) as engine:
        row = await engine.process(CONTRACT)

        after, fates = await decide_as_stored(engine, await engine.registry.get_run(row.run_id), [edit, approve])

        assert after.status == "completed"
        assert fates == [
            ReplayedDecision("ana", "edit", "replayed"),
            ReplayedDecision("bo", "approve", "not reached", "the replay ended completed without pausing for review"),
        ]
        view = await engine.view(row.run_id)
        assert (view.fields["term"].value, view.fields["term"].status) == ("2 years", "edited")


def test_only_the_decisions_the_stored_run_applied_are_given_again() -> None:
    stored = [
        {"outcome": "refused", "decision": ReviewDecision(reviewer="x", action="approve").model_dump_json()},
        {"outcome": "applied", "decision": ReviewDecision(reviewer="ana", action="approve").model_dump_json()},
        {"outcome": "abandoned", "decision": ReviewDecision(reviewer="y", action="approve").model_dump_json()},
    ]

    assert [decision.reviewer for decision in applied_decisions(stored)] == ["ana"]
