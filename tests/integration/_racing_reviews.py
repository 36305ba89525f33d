"""Two reviewers answering the same paused run at once, in real `claimflow review decide` processes.

Both start while the same review is open and neither names it (`--interrupt`): one edits the total to a value that
still breaks the invoice's sum rule (so, applied first, it opens a new review), the other approves. Whatever the
order, the stored decisions and events must show that no decision was applied to a review its reviewer never saw.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.integration._docs import flat, json_lines, mismatch_invoice_text, run_cli, spawn_cli, write

RACES = 20
"""How many runs are raced: reading a review late happened in about one race in five before binding."""

Query = Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]
"""Runs SQL with `?` placeholders against the registry database, returning plain rows."""


@dataclass(frozen=True)
class Race:
    """One run raced: the review open when both commands started, and what each command said."""

    run_id: str
    open_review: str
    outcomes: dict[str, tuple[int, str, str]]
    """reviewer -> (exit code, stdout, stderr)."""


def pause_runs(docs: Path, data: Path, env: dict[str, str]) -> list[str]:
    """Pause `RACES` invoices whose printed total is not net + tax, in one `claimflow run` process."""
    for index in range(RACES):
        write(docs, f"race-{index:02d}.txt", mismatch_invoice_text(f"NW-2025-{index:04d}"))
    result = run_cli("run", docs, "--json", "--data-dir", data, timeout=300, **env)
    assert result.returncode == 0, result.stderr
    views = json_lines(result.stdout)
    assert [view["status"] for view in views] == ["needs_review"] * RACES
    return [view["run_id"] for view in views]


def race(run_id: str, data: Path, env: dict[str, str], query: Query) -> Race:
    """Start an edit and an approval of the run at once and wait for both."""
    [(open_review,)] = query("SELECT interrupt_id FROM {runs} WHERE run_id = ? AND status = 'needs_review'", (run_id,))
    base = ("review", "decide", run_id, "--data-dir", data)
    processes = {
        "editor": spawn_cli(*base, "--reviewer", "editor", "--set", "total_amount=999.99", **env),
        "approver": spawn_cli(*base, "--reviewer", "approver", "--approve", **env),
    }
    outcomes = {}
    for reviewer, process in processes.items():
        stdout, stderr = process.communicate(timeout=120)
        outcomes[reviewer] = (process.returncode, stdout, stderr)
    return Race(run_id, open_review, outcomes)


def check(races: Sequence[Race], query: Query) -> None:
    """Exactly one decision applies per run, to the review open when its command started; the other is refused."""

    def decisions(raced: Race) -> list[tuple[Any, ...]]:
        return query(
            "SELECT reviewer, interrupt_id, outcome FROM {decisions} WHERE run_id = ? ORDER BY seq", (raced.run_id,)
        )

    # First, over every race: no decision was applied to a review its reviewer did not see.
    for raced in races:
        applied = [(reviewer, review) for reviewer, review, outcome in decisions(raced) if outcome == "applied"]
        assert [review for _, review in applied] == [raced.open_review], f"applied {applied} in {raced}"
        decided = query("SELECT data FROM {events} WHERE run_id = ? AND type = 'review.decided'", (raced.run_id,))
        assert len(decided) == 1, (raced, decided)
    # Then what each side was told, and where the run stands.
    for raced in races:
        stored = decisions(raced)
        [winner] = [reviewer for reviewer, _, outcome in stored if outcome == "applied"]
        [loser] = {"editor", "approver"} - {winner}
        assert [outcome for reviewer, _, outcome in stored if reviewer == loser] == ["refused"], stored
        assert sorted(code for code, _, _ in raced.outcomes.values()) == [0, 1], raced
        code, stdout, stderr = raced.outcomes[loser]
        assert code == 1 and stdout == "" and "Traceback" not in stderr, raced
        assert raced.run_id in flat(stderr), raced
        [(status,)] = query("SELECT status FROM {runs} WHERE run_id = ?", (raced.run_id,))
        # The approval completes the run as shown; the edit breaks the sum rule again and opens a new review.
        assert status == ("completed" if winner == "approver" else "needs_review"), (raced, status)
