"""`eval dataset` when a live model times out on one document: it is scored as misses, named, and fails the gate.

The set is `test_eval_dataset`'s eight invoices. A fake server over real HTTP answers every call as the rules
would, except inv-3's extraction, whose answer it holds back longer than `CLAIMFLOW_MODEL_TIMEOUT_S`.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from tests.cli.conftest import Invoke
from tests.cli.test_eval_dataset import labelled  # noqa: F401 - the fixture
from tests.fakes.openai_server import FakeModelServer, ReceivedRequest, Reply, Responder, document_run_replies
from tests.integration._docs import flat

SLOW = 3
"""The document whose extraction never comes in time."""
TIMEOUT = {"CLAIMFLOW_MODEL_TIMEOUT_S": "3", "CLAIMFLOW_MODEL_MAX_ATTEMPTS": "1"}
BASELINE = "baseline.openai-fake-model.json"


def _held(responder: Responder) -> Responder:
    def answer(request: ReceivedRequest) -> Reply:
        return replace(responder(request), delay_s=30.0)  # the server's stop cuts it short

    return answer


def _script(server: FakeModelServer, *, slow: int | None = None) -> None:
    """Each document's classify and extract answers, in the manifest's order (one document at a time)."""
    for index in range(8):
        classify, extract = document_run_replies("invoice")
        server.script(classify, _held(extract) if index == slow else extract)


def _live(server: FakeModelServer) -> tuple[str, ...]:
    return ("--model", "openai:fake-model", "--base-url", server.base_url)


def test_a_document_that_times_out_is_scored_as_misses_named_and_fails_the_gate(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
    server: FakeModelServer,
) -> None:
    _script(server)
    wrote = claimflow("eval", "dataset", labelled, *_live(server), "--update-baseline")
    assert wrote.exit_code == 0, wrote.output

    _script(server, slow=SLOW)
    done = claimflow("eval", "dataset", labelled, *_live(server), "--json", env=TIMEOUT)

    assert done.exit_code == 1, done.output
    figures = json.loads(done.stdout)
    assert figures["documents"] == 8
    [unanswered] = figures["unanswered"]
    assert unanswered["document"] == f"inv-{SLOW}" and "no answer within 3 s" in unanswered["reason"]
    # Its labelled values count as missed, and the other seven documents are scored as they ran.
    slow_misses = {miss["field"] for miss in figures["misses"] if miss["document"] == f"inv-{SLOW}"}
    assert {"invoice_number", "total_amount", "vendor_name"} <= slow_misses
    assert {miss["document"] for miss in figures["misses"]} == {"inv-2", f"inv-{SLOW}"}
    gate = figures["gate"]
    assert (gate["failed"], gate["unanswered"]) == (True, [f"inv-{SLOW}"])
    assert gate["fixed"] == []  # a document the model did not answer fixes nothing
    assert {regression["document"] for regression in gate["regressions"]} == {f"inv-{SLOW}"}
    assert "1 document(s) the model did not answer" in done.stderr

    _script(server, slow=SLOW)
    shown = claimflow("eval", "dataset", labelled, *_live(server), env=TIMEOUT)
    assert shown.exit_code == 1, shown.output
    text = " ".join(shown.stdout.split())
    assert f"not answered inv-{SLOW}: the model did not answer: " in text and "no answer within 3 s" in text


def test_a_timeout_passes_no_gate_and_is_not_written_into_the_baseline(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
    server: FakeModelServer,
) -> None:
    _script(server)
    assert claimflow("eval", "dataset", labelled, *_live(server), "--update-baseline").exit_code == 0
    baseline = labelled / BASELINE
    data = json.loads(baseline.read_text(encoding="utf-8"))
    _script(server, slow=SLOW)
    refused = claimflow("eval", "dataset", labelled, *_live(server), "--update-baseline", env=TIMEOUT)
    assert refused.exit_code == 2, refused.output
    assert f"not written: 1 document(s) the model did not answer (inv-{SLOW})" in " ".join(refused.stderr.split())
    assert json.loads(baseline.read_text(encoding="utf-8")) == data

    # A baseline in which the document missed all it misses now: nothing is worse, and still the gate fails.
    _script(server, slow=SLOW)
    baseline.unlink()  # no baseline: nothing is compared, and still a document not answered is no pass
    ungated = claimflow("eval", "dataset", labelled, *_live(server), "--json", env=TIMEOUT)
    assert ungated.exit_code == 1, ungated.output
    gate = json.loads(ungated.stdout)["gate"]
    assert (gate["baseline_model"], gate["regressions"], gate["unanswered"], gate["failed"]) == (
        None, [], [f"inv-{SLOW}"], True
    )  # fmt: skip
    assert f"the run does not pass: 1 document(s) the model did not answer (inv-{SLOW})" in flat(ungated.stderr)
    misses = json.loads(ungated.stdout)["misses"]
    # And a value it claimed then that the labels do not give: not claimed now, it is not fixed, only unanswered.
    stale = {**misses[0], "document": f"inv-{SLOW}", "field": "due_date", "wrong": ["2024-01-01"], "missed": 0}
    baseline.write_text(json.dumps({**data, "misses": [*misses, stale]}), encoding="utf-8")
    _script(server, slow=SLOW)
    again = claimflow("eval", "dataset", labelled, *_live(server), "--json", env=TIMEOUT)
    assert again.exit_code == 1, again.output
    gate = json.loads(again.stdout)["gate"]
    assert (gate["regressions"], gate["unanswered"], gate["failed"]) == ([], [f"inv-{SLOW}"], True)
    assert gate["fixed"] == []
    assert f"the gate does not pass against {BASELINE}: 1 document(s) the model did not answer" in again.stderr
