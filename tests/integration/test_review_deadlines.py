"""Review deadlines, escalation, the default decision and assignment, on the embedded SQLite registry."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration import _deadlines


async def test_due_times_follow_the_type_and_the_sweep_escalates_each_overdue_review_once(
    data_dir: Path, docs_dir: Path
) -> None:
    await _deadlines.check_due_times_and_escalation_once(data_dir, docs_dir, None)


async def test_the_default_decision_rejects_an_overdue_run_as_the_sweep(data_dir: Path, docs_dir: Path) -> None:
    await _deadlines.check_reject_by_policy(data_dir, docs_dir, None)


async def test_a_reject_that_cannot_be_done_is_tried_again_by_the_next_sweep(data_dir: Path, docs_dir: Path) -> None:
    await _deadlines.check_failed_reject_is_tried_again(data_dir, docs_dir, None)


async def test_a_decision_that_opens_another_review_starts_its_clock_again(data_dir: Path, docs_dir: Path) -> None:
    await _deadlines.check_a_new_review_starts_again(data_dir, docs_dir, None)


async def test_a_claim_takes_only_a_free_own_or_group_review(data_dir: Path, docs_dir: Path) -> None:
    await _deadlines.check_assign_and_claim(data_dir, docs_dir, None)


@pytest.mark.slow
async def test_two_sweep_processes_at_once_act_on_each_review_once(data_dir: Path, docs_dir: Path) -> None:
    await _deadlines.check_concurrent_sweeps(data_dir, docs_dir, None, runs=16)
