"""`review decide --set FIELD=` clears a field only alone: beside values for the same field it is refused.

`--set parties=A --set parties=` used to drop the empty value and set the one party, where the reviewer may have
meant to clear the field; the refusal names the field and the run stays paused on the same review.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.integration._docs import flat, json_lines

Invoke = Callable[..., Result]

CONTRACT = Path(__file__).parents[2] / "examples" / "documents" / "contract-nda.txt"
PARTY = "Bluefin Analytics, Inc."


@pytest.fixture
def paused(claimflow: Invoke, tmp_path: Path) -> tuple[Invoke, str]:
    """A contract waiting for review in its own data directory: (cli bound to it, run id)."""
    data = tmp_path / "data"
    [view] = json_lines(claimflow("run", CONTRACT, "--json", "--data-dir", data).stdout)
    assert view["status"] == "needs_review" and len(view["fields"]["parties"]["value"]) == 2, view

    def cli(*args: str) -> Result:
        return claimflow(*args, "--data-dir", data)

    return cli, view["run_id"]


@pytest.mark.parametrize(
    "sets",
    [
        (f"parties={PARTY}", "parties="),
        ("parties=", f"parties={PARTY}", "parties=Cedar Ridge Robotics LLC"),
        ("parties=  ", f"parties={PARTY}", "term=3 years"),
    ],
    ids=["empty-last", "empty-first", "blank-beside-another-field"],
)
def test_an_empty_value_beside_values_of_the_same_field_is_refused_naming_it(
    paused: tuple[Invoke, str], sets: tuple[str, ...]
) -> None:
    cli, run_id = paused
    before = cli("review", "show", run_id, "--json").stdout
    options = [arg for item in sets for arg in ("--set", item)]
    result = cli("review", "decide", run_id, "--reviewer", "alice", *options)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert (
        "Invalid value for --set: parties is given no value (parties=, which clears it) beside values: "
        "give only the values, or parties= alone to clear it"
    ) in flat(result.stderr)
    assert "term" not in flat(result.stderr)  # only the field given both is named
    [view] = json_lines(cli("show", run_id, "--json").stdout)
    assert view["status"] == "needs_review"
    assert cli("review", "show", run_id, "--json").stdout == before  # the same open request, nothing applied


def test_an_empty_value_alone_still_asks_to_clear_the_field(paused: tuple[Invoke, str]) -> None:
    cli, run_id = paused
    # Alone (even twice) it is a clearing, checked as one: parties is required, so it is refused as such.
    result = cli("review", "decide", run_id, "--reviewer", "alice", "--set", "parties=", "--set", "parties=")
    assert result.exit_code == 1, result.output
    assert "parties is required: it cannot be cleared" in flat(result.stderr)
    [view] = json_lines(cli("show", run_id, "--json").stdout)
    assert view["status"] == "needs_review"
