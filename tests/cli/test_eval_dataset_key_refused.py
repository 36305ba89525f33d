"""`eval dataset` with a live model whose key the provider refuses (HTTP 401): its lead says so, exit 2.

As `claimflow eval` says it (tests/evals/test_eval_key_refused.py): a refused key is no model that did not
answer. The set is `test_eval_dataset`'s eight invoices; the fake server answers every request with a 401, or,
for a key revoked part way, the first documents' calls as the rules would and every later one with a 401.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Invoke
from tests.cli.test_eval_dataset import labelled  # noqa: F401 - the fixture
from tests.fakes.openai_server import FakeModelServer, document_run_replies, error_reply

MODEL = "openai:fake-model"
KEY = "sk-wrong-0123456789abcdef"


def test_a_refused_key_leads_the_error_not_a_model_that_did_not_answer(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
    server: FakeModelServer,
) -> None:
    # Each run's classify call is refused, as OpenAI's API refuses a wrong key, naming it.
    server.script(*[error_reply(401, f"Incorrect API key provided: {KEY}.")] * 8)
    env = {"OPENAI_API_KEY": KEY, "CLAIMFLOW_MODEL_MAX_ATTEMPTS": "3"}
    done = claimflow("eval", "dataset", labelled, "--model", MODEL, "--base-url", server.base_url, env=env)

    assert done.exit_code == 2, done.output
    assert done.stdout == ""
    line = " ".join(done.stderr.split())
    lead = f"error: the model {MODEL} refused the key (401 Unauthorized) for 8 of 8 document(s) "
    assert line.startswith(lead), line
    assert "did not answer" not in line
    assert "HTTP 401 (Incorrect API key provided: " in line and "check OPENAI_API_KEY (the provider's key)" in line
    assert KEY not in done.output  # the key the server echoed is masked
    assert len(server.requests) == 8  # a refused key is not retried


def test_a_document_whose_key_was_refused_says_so_on_its_own_line(
    claimflow: Invoke,
    labelled: Path,  # noqa: F811 - the fixture
    server: FakeModelServer,
) -> None:
    # The key is revoked after five documents: the other three runs' classify calls are refused.
    for _ in range(5):
        server.script(*document_run_replies("invoice"))
    server.script(*[error_reply(401, f"Incorrect API key provided: {KEY}.")] * 3)
    env = {"OPENAI_API_KEY": KEY, "CLAIMFLOW_MODEL_MAX_ATTEMPTS": "3"}
    done = claimflow("eval", "dataset", labelled, "--model", MODEL, "--base-url", server.base_url, env=env)

    # Scored, three documents as misses; with no baseline to gate against, documents not answered fail the run.
    assert done.exit_code == 1, done.output
    assert "the run does not pass: 3 document(s) the model did not answer (inv-5, inv-6, inv-7)" in " ".join(
        done.stderr.split()
    )
    lines = [" ".join(line.split()) for line in done.stdout.splitlines() if line.startswith("not answered ")]
    assert [line.split(":")[0] for line in lines] == ["not answered inv-5", "not answered inv-6", "not answered inv-7"]
    for line in lines:
        assert ": the model refused the key (401 Unauthorized): " in line, line
        assert "HTTP 401 (Incorrect API key provided: " in line, line
        assert "did not answer" not in line
        assert "check OPENAI_API_KEY (the provider's key)" in line, line
    assert KEY not in done.output  # the key the server echoed is masked
    assert len(server.requests) == 5 * 2 + 3  # a refused key is not retried
