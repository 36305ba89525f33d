"""`claimflow check`: what would stop a run, told before the first document finds out, and nothing written.

Each check names what it found or what to set; exit code 1 if any failed. A check sends no model request and
registers no run, so it may run before every start.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.conftest import Invoke
from tests.integration._docs import json_lines

EXAMPLES = Path(__file__).parents[2] / "examples" / "documents"

TICKET = """
from claimflow import DocumentType, Field

TICKET = DocumentType(
    name="ticket",
    description="A travel ticket with its booking reference.",
    fields=[Field("booking_reference", "identifier", required=True, labels=["Booking Ref"])],
    guidance={guidance!r},
    version="1",
)
"""


def _checks(
    claimflow: Invoke, *args: str | Path, env: dict[str, str] | None = None
) -> tuple[int, dict[str, dict[str, str]]]:
    result = claimflow("check", "--json", *args, env=env)
    found = json_lines(result.stdout)
    return result.exit_code, {item.pop("check"): item for item in found}


def test_a_fresh_data_directory_passes_every_check_and_is_not_created(claimflow: Invoke, tmp_path: Path) -> None:
    data = tmp_path / "data"
    code, found = _checks(claimflow, "--data-dir", data)

    assert code == 0, found
    assert list(found) == ["settings", "types", "storage", "model", "ocr", "delivery", "retention"]
    assert {check: item["outcome"] for check, item in found.items()} == dict.fromkeys(found, "ok")
    assert found["types"]["detail"] == "invoice@4, receipt@2, contract@2"
    assert "no runs yet" in found["storage"]["detail"]
    assert found["model"]["detail"].startswith("rules: ")
    assert not data.exists()


def test_production_mode_without_a_database_fails_the_queue_check(claimflow: Invoke, tmp_path: Path) -> None:
    """`run` would stop at once ("the queue lives in Postgres"): check says so first, not that all is ok."""
    code, found = _checks(claimflow, "--data-dir", tmp_path / "data", env={"CLAIMFLOW_EXECUTION": "queue"})

    assert code == 1, found
    assert found["queue"]["outcome"] == "failed"
    assert "CLAIMFLOW_EXECUTION=queue" in found["queue"]["detail"]
    assert "set CLAIMFLOW_DATABASE_URL" in found["queue"]["detail"]


def test_a_provider_without_its_key_fails_the_model_check_naming_the_variable(
    claimflow: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    code, found = _checks(claimflow, "--data-dir", tmp_path / "data", "--model", "anthropic:claude-sonnet-4-5")
    shown = claimflow("check", "--data-dir", tmp_path / "data", "--model", "anthropic:claude-sonnet-4-5")

    assert code == 1
    assert found["model"]["outcome"] == "failed" and "ANTHROPIC_API_KEY" in found["model"]["detail"]
    assert found["storage"]["outcome"] == "ok"  # the other checks still ran
    assert shown.exit_code == 1 and "failed: model" in shown.stderr


def test_a_type_file_that_does_not_load_fails_the_types_check(claimflow: Invoke, tmp_path: Path) -> None:
    broken = tmp_path / "broken.py"
    broken.write_text("from claimflow import DocumentType\nTICKET = DocumentType(\n", encoding="utf-8")

    code, found = _checks(claimflow, "--data-dir", tmp_path / "data", "--types", broken)

    assert code == 1
    assert found["types"]["outcome"] == "failed" and "broken.py" in found["types"]["detail"]


def test_a_prompt_changed_under_its_version_fails_before_any_run_and_pins_nothing(
    claimflow: Invoke, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first, changed = tmp_path / "ticket.py", tmp_path / "ticket_edited.py"
    first.write_text(TICKET.format(guidance="Quote the booking reference."), encoding="utf-8")
    changed.write_text(TICKET.format(guidance="Quote the booking reference and nothing else."), encoding="utf-8")
    ran = claimflow("run", EXAMPLES / "contract-nda.txt", "--json", "--data-dir", data, "--types", first)
    assert ran.exit_code == 0, ran.output

    code, found = _checks(claimflow, "--data-dir", data, "--types", changed)
    again, unchanged = _checks(claimflow, "--data-dir", data, "--types", first)

    assert code == 1
    assert found["prompts"]["outcome"] == "failed"
    assert "extract_ticket@1 (first used as " in found["prompts"]["detail"]
    assert "needs_review 1" in found["storage"]["detail"]
    # The check pinned nothing: the first text is still the one pinned, and no run was added.
    assert again == 0 and unchanged["prompts"]["outcome"] == "ok", unchanged
    assert "used by earlier runs" in unchanged["prompts"]["detail"]
    assert unchanged["storage"]["detail"].endswith(": needs_review 1")


def test_a_database_out_of_reach_fails_the_storage_check(claimflow: Invoke, tmp_path: Path) -> None:
    url = "postgresql://claimflow:secret@127.0.0.1:1/claimflow"
    code, found = _checks(claimflow, env={"CLAIMFLOW_DATABASE_URL": url})

    assert code == 1
    assert found["storage"]["outcome"] == "failed" and "cannot be reached" in found["storage"]["detail"]
    assert "prompts" not in found  # nothing to compare the prompts with
    assert "secret" not in "".join(item["detail"] for item in found.values())


def test_a_data_directory_under_a_file_fails_the_storage_check(claimflow: Invoke, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("not a folder", encoding="utf-8")

    code, found = _checks(claimflow, "--data-dir", taken / "data")

    assert code == 1
    assert found["storage"] == {
        "outcome": "failed",
        # As `run` would say it (`error: stopped: ...`), naming the file in the way.
        "detail": f"cannot use the data directory {taken / 'data'}: Not a directory ({taken})",
    }


def test_a_table_to_deliver_to_without_a_database_fails_the_delivery_check(claimflow: Invoke, tmp_path: Path) -> None:
    env = {"CLAIMFLOW_DELIVER": "postgres-table:records"}
    code, found = _checks(claimflow, "--data-dir", tmp_path / "data", env=env)
    ran = claimflow("run", EXAMPLES / "contract-nda.txt", "--data-dir", tmp_path / "data", env=env)

    assert code == 1
    assert found["delivery"]["outcome"] == "failed" and "CLAIMFLOW_DATABASE_URL" in found["delivery"]["detail"]
    assert ran.exit_code == 2 and found["delivery"]["detail"] in ran.stderr.replace("\n", "")  # what `run` says


def test_a_second_opinion_is_checked_as_a_model_of_its_own(
    claimflow: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    env = {"CLAIMFLOW_SECOND_OPINION": "openai:gpt-4o-mini"}
    code, found = _checks(claimflow, "--data-dir", tmp_path / "data", env=env)

    assert code == 1
    assert found["model"]["outcome"] == "ok"  # rules
    assert found["second_opinion"]["outcome"] == "failed" and "OPENAI_API_KEY" in found["second_opinion"]["detail"]


def test_a_retention_age_set_in_local_mode_is_a_warning_that_nothing_prunes_by_itself(
    claimflow: Invoke, tmp_path: Path
) -> None:
    # Only `claimflow worker` reads CLAIMFLOW_PRUNE_AFTER: set for a server or a cron'd `run`, it did nothing, unsaid.
    code, found = _checks(claimflow, "--data-dir", tmp_path / "data", env={"CLAIMFLOW_PRUNE_AFTER": "30d"})

    assert code == 0, found  # a warning: the runs are kept, nothing is lost
    assert found["retention"]["outcome"] == "warning"
    assert "read by `claimflow worker` only" in found["retention"]["detail"]
    assert "claimflow prune --finished-older-than 30d" in found["retention"]["detail"]


def test_the_retention_row_names_the_workers_age_and_schedule_in_production_mode(
    claimflow: Invoke, tmp_path: Path
) -> None:
    env = {"CLAIMFLOW_EXECUTION": "queue", "CLAIMFLOW_PRUNE_AFTER": "2w", "CLAIMFLOW_PRUNE_CRON": "17 3 * * *"}
    _, found = _checks(claimflow, "--data-dir", tmp_path / "data", env=env)

    assert found["retention"] == {
        "outcome": "ok",
        "detail": "workers prune runs finished over 2w ago, at `17 3 * * *` (UTC)",
    }


def test_without_a_retention_age_the_row_says_how_to_prune(claimflow: Invoke, tmp_path: Path) -> None:
    _, found = _checks(claimflow, "--data-dir", tmp_path / "data")

    assert found["retention"]["outcome"] == "ok"
    assert "CLAIMFLOW_PRUNE_AFTER unset" in found["retention"]["detail"]
    assert "claimflow prune --finished-older-than AGE" in found["retention"]["detail"]
