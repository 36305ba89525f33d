"""The worker's log lines: what a failed run's reason may show, the `key=value` form, job arguments kept out."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest

from claimflow.runtime.queue.logs import LOGGER, emit, failing_rule, failure_kind, log_to_stderr


@pytest.fixture
def stderr() -> Iterator[io.StringIO]:
    """`log_to_stderr` on a buffer; the loggers it set up put back as they were."""
    loggers = [logging.getLogger(name) for name in ("claimflow", "procrastinate")]
    levels = [logger.level for logger in loggers]
    buffer = io.StringIO()
    handler = log_to_stderr(buffer)
    try:
        yield buffer
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


@pytest.mark.parametrize(
    ("reason", "rule", "shown"),
    [
        ("ModelUnavailableError: the server at http://model:8000/v1 did not answer", None, "ModelUnavailableError"),
        ("The PDF could not be opened: Failed to load document", "document_unreadable", "document_unreadable"),
        ("budget exceeded: max_cost 0.50 reached", "budget_exceeded_fail", "budget_exceeded_fail"),
        ("the document took longer than 600 s, the wall time one document may take", None, "wall_time_exceeded"),
        ("The PDF could not be opened: Failed to load document", None, None),
        ("'jane-doe-medical.pdf' is empty (0 bytes).", None, None),
        ("Jane: owes 100", None, None),
        ("totals_match: net 150.00 is not 190.00", None, None),
        (None, None, None),
    ],
)
def test_a_failed_runs_reason_shows_only_its_failing_rule_error_type_or_kind(
    reason: str | None, rule: str | None, shown: str | None
) -> None:
    assert failure_kind(reason, rule) == shown


def test_the_failing_rule_is_the_last_routes_when_it_went_to_fail() -> None:
    def route(target: str, rule: str) -> dict[str, object]:
        return {"type": "route.decided", "data": {"target": target, "rule": rule, "detail": "Jane Doe"}}

    parsed = route("mask", "text_extracted")
    assert failing_rule([parsed, {"type": "run.failed", "data": {}}, route("fail", "model_unavailable")]) == (
        "model_unavailable"
    )
    assert failing_rule([route("fail", "document_unreadable"), parsed]) is None
    assert failing_rule([{"type": "run.failed", "data": {"reason": "x"}}]) is None


def test_lines_are_an_event_then_fields_with_spaced_values_quoted(stderr: io.StringIO) -> None:
    emit(logging.WARNING, "job.retry", job=7, run="abc", retry_in_s=4, reason='run abc is "busy"', empty=None)

    line = stderr.getvalue().strip()
    assert line.endswith(f' WARNING {LOGGER}: job.retry job=7 run=abc retry_in_s=4 reason="run abc is \\"busy\\""')


def test_procrastinate_lines_name_a_job_without_its_arguments(stderr: io.StringIO) -> None:
    call = "claimflow.resume_run[12](run_id='abc', decision={'edits': {'name': ['Jane Doe']}})"
    job = {"id": 12, "task_name": "claimflow.resume_run", "call_string": call}

    logging.getLogger("procrastinate.worker").error(f"Job {call} ended with status: Error", extra={"job": job})
    logging.getLogger("procrastinate.worker").info(f"Starting job {call}", extra={"job": job})

    assert stderr.getvalue().strip().endswith("Job claimflow.resume_run[12] ended with status: Error")
    assert "Jane Doe" not in stderr.getvalue() and "Starting" not in stderr.getvalue()
