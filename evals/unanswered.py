"""Golden cases a live model did not answer: each fails alone, and a model that answered none is a setup error.

A timeout or a server error past the gateway's retries on one case says nothing of the model's answer to it, but
it is no pass either: the case fails with the reason as its message, counts as a miss in its step's figures and
fails the gate, and a baseline is not written over it. When no case that asked the model got an answer, the
results measure the server, not the model: `answered_or_raise` raises, and `claimflow eval` exits 2. A key the
provider refused (HTTP 401) is said as such, not as a model that did not answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimflow.evals.golden import ModelStepCase
from claimflow.evals.result import CaseResult, result
from claimflow.nodes.ports import ModelUnavailableError

DID_NOT_ANSWER = "did not answer"
"""What a model that gave no answer did, as every message about it words it (`the model NAME did not answer`)."""
REFUSED_THE_KEY = "refused the key (401 Unauthorized)"
"""The same when the provider refused the key: not a model slow or down, but a key to check."""
NOT_ANSWERED = f"the model {DID_NOT_ANSWER}: "
"""How the message of a case the model did not answer starts."""
KEY_REFUSED = f"the model {REFUSED_THE_KEY}: "
"""How it starts when the provider refused the key."""


def what_the_model_did(*, key_refused: bool) -> str:
    """What kept a model from answering, worded for `the model NAME ...` (`claimflow eval`, `eval dataset`)."""
    return REFUSED_THE_KEY if key_refused else DID_NOT_ANSWER


def unanswered_lead(error: ModelUnavailableError) -> str:
    """How the message of a case the model gave no answer starts: what kept it from answering, where known."""
    return KEY_REFUSED if error.key_refused else NOT_ANSWERED


def unanswered_result(case: ModelStepCase, error: ModelUnavailableError) -> CaseResult:
    """The failed result of a case whose model call failed: its expectation, the reason, what the attempts cost."""
    why = str(error)
    spent = error.usage
    usage = {} if spent is None else {
        "input_tokens": spent.input_tokens, "output_tokens": spent.output_tokens, "cost": spent.cost,
        "latency_ms": spent.latency_ms,
    }  # fmt: skip
    expected = case.expected.model_dump(exclude_defaults=True)
    return result(case.id, case.kind, case.step, expected, {"unanswered": why}, [unanswered_lead(error) + why],
                  prompt=spent.prompt if spent else None, unanswered=why, **usage)  # fmt: skip


def answered_or_raise(results: Sequence[CaseResult]) -> None:
    """Raise the first case's error when the model answered none of the cases that asked it (and some did).

    Raises:
        ModelUnavailableError: Every case run now that called the model got no answer (`key_refused` when the
            provider refused the key for the first of them).
    """
    asked = [r for r in results if r.kind == "model_step" and not r.from_baseline]
    if asked and all(r.unanswered is not None for r in asked):
        first = asked[0]
        raise ModelUnavailableError(first.unanswered or "no answer", key_refused=first.message.startswith(KEY_REFUSED))
