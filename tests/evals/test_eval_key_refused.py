"""`claimflow eval --model openai:...` when the provider refuses the key (HTTP 401): said as such, exit 2.

A refused key is no model that did not answer (a timeout, a server down): the error names the 401 and the
setting that holds the key, and nothing is retried. The fake server answers every request with a 401.
"""

from __future__ import annotations

import subprocess

from tests.evals.test_eval_live import _live_cases
from tests.fakes.openai_server import FakeModelServer, error_reply
from tests.integration._docs import run_cli

MODEL = "openai:fake-model"
KEY = "sk-wrong-0123456789abcdef"


def _refused_eval(server: FakeModelServer, key: str) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the classify cases against a server refusing every key; the result and how many cases asked it."""
    cases = len(_live_cases("classify"))
    # The server says which key it refused, as OpenAI's API does.
    server.script(*[error_reply(401, f"Incorrect API key provided: {key or 'not-needed'}.")] * cases)
    done = run_cli(
        "eval", "--model", MODEL, "--base-url", server.base_url, "--step", "classify", "--concurrency", "1",
        timeout=120, OPENAI_API_KEY=key, CLAIMFLOW_MODEL_MAX_ATTEMPTS="3",
    )  # fmt: skip
    return done, cases


def test_a_refused_key_is_named_as_the_cause_not_as_a_model_that_did_not_answer(server: FakeModelServer) -> None:
    done, cases = _refused_eval(server, KEY)

    assert done.returncode == 2, done.stdout + done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"error: the model {MODEL} refused the key (401 Unauthorized): "), line
    assert "did not answer" not in line
    assert "HTTP 401 (Incorrect API key provided: " in line and "after 1 attempt" in line
    assert line.endswith("check OPENAI_API_KEY (the provider's key)"), line
    assert KEY not in done.stdout + done.stderr  # the key the server echoed is masked
    assert len(server.requests) == cases  # a refused key is not retried


def test_a_local_server_that_wants_a_key_says_none_was_set(server: FakeModelServer) -> None:
    done, _ = _refused_eval(server, "")

    assert done.returncode == 2, done.stdout + done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"error: the model {MODEL} refused the key (401 Unauthorized): "), line
    assert line.endswith("OPENAI_API_KEY is not set: set it to the key the server expects"), line
