"""What a program calling the API over real HTTP reads when it sends what the API cannot take: where the problem
is and what to send, in the API's words; and one shape for a review, in the queue and on its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration._docs import mismatch_invoice_text, text_pdf
from tests.service.test_integrator_http import Served, served  # noqa: F401 - the fixture


@pytest.fixture
def paused(served: Served) -> Iterator[tuple[Served, str, dict[str, Any]]]:  # noqa: F811 - the fixture
    """The server, a PDF's run waiting for review (its mismatched total), and the review as `kim` reads it."""
    run_id = served.upload("invoice.pdf", text_pdf(mismatch_invoice_text())).json()["run_id"]
    assert served.settled(run_id)["status"] == "needs_review"
    review = served.call("GET", f"/v1/reviews/{run_id}", "kim")
    assert review.status_code == 200, review.text
    yield served, run_id, review.json()


def test_each_refusal_of_a_decision_names_the_body_field_it_is_about(
    paused: tuple[Served, str, dict[str, Any]],
) -> None:
    # `a rejection needs a reason` said nowhere where, unlike every other 422's `body.to: ...`, `query.type: ...`.
    server, run_id, review = paused
    sent = {"interrupt_id": review["interrupt_id"]}

    def refused(**body: Any) -> list[str]:
        answer = server.call("POST", f"/v1/reviews/{run_id}/decision", "kim", json=sent | body)
        assert answer.status_code == 422, answer.text
        errors: list[str] = answer.json()["errors"]
        return errors

    assert refused(action="reject") == ["body.reason: a rejection needs a reason"]
    assert refused(action="reject", reason="  ") == ["body.reason: a rejection needs a reason"]
    assert refused(action="edit") == ["body.edits: an edit needs at least one field edit, row edit or a document type"]
    assert refused(action="approve", edits={"total_amount": "180.00"}) == [
        "body.edits: approve takes no edits; use action 'edit'"
    ]
    quote = {"quote": "Total", "page": 1}
    assert refused(action="edit", edits={"due_date": []}, evidence={"net_amount": quote}) == [
        "body.evidence: evidence is cited for field(s) not edited: net_amount"
    ]
    # Checked against the review and the document: each at the field, its name not said twice.
    assert refused(action="edit", edits={"total_amount": ["lots"]}) == [
        "body.edits.total_amount: value 'lots' cannot be read as an amount; give one such as '12.50'"
    ]
    [unknown] = refused(action="edit", edits={"colour": ["red"]})
    assert unknown.startswith("body.edits: unknown field 'colour'; editable fields: vendor_name, ")
    [cited] = refused(action="edit", edits={"total_amount": ["180.00"]}, evidence={"total_amount": quote})
    assert cited.startswith("body.evidence.total_amount: cited evidence does not prove it: "), cited
    assert refused(action="edit", doc_type="invoices") == [
        "body.doc_type: document type 'invoices' is not one of invoice, receipt, contract"
    ]
    assert server.settled(run_id)["status"] == "needs_review"


def test_a_review_has_its_age_as_the_queue_lists_it(paused: tuple[Served, str, dict[str, Any]]) -> None:
    # The queue said `age_seconds`, the review itself did not: two shapes of one review.
    server, run_id, review = paused
    [queued] = server.call("GET", "/v1/reviews", "kim").json()

    assert queued["run_id"] == run_id
    assert set(queued) - set(review) == set()
    assert 0 <= review["age_seconds"] < 600 and 0 <= queued["age_seconds"] < 600
    assert review["opened_at"] == queued["opened_at"] is not None
    later = server.call("GET", f"/v1/reviews/{run_id}", "kim").json()
    assert later["age_seconds"] >= review["age_seconds"]


def test_a_page_number_under_one_or_not_a_number_is_the_requests_fault(
    paused: tuple[Served, str, dict[str, Any]],
) -> None:
    # `pages/0` was 404, as if the page might exist later; `pages/one` said "Input should be a valid integer".
    server, run_id, _ = paused
    for sent in ("0", "-1", "one", "1.5"):
        answer = server.call("GET", f"/v1/documents/{run_id}/pages/{sent}", "kim")
        assert answer.status_code == 422, (sent, answer.text)
        problem = f"path.number: {sent!r} is not a page number: pages count from 1 (send 1 for the first page)"
        assert answer.json() == {"message": f"invalid request: {problem}", "errors": [problem]}
    assert server.call("GET", f"/v1/documents/{run_id}/pages/1", "kim").status_code == 200
    beyond = server.call("GET", f"/v1/documents/{run_id}/pages/2", "kim")
    assert beyond.status_code == 404 and "there is no page 2" in beyond.json()["message"]
    # The caller is known first, as on every other route: without a token a bad page number is 401, like a good one.
    for sent in ("0", "one", "1"):
        anonymous = httpx.get(f"{server.base}/v1/documents/{run_id}/pages/{sent}", timeout=30)
        assert anonymous.status_code == 401, (sent, anonymous.text)


def test_a_bad_overdue_or_last_event_id_says_what_is_accepted(paused: tuple[Served, str, dict[str, Any]]) -> None:
    # Both answered in pydantic's words ("Input should be a valid boolean, unable to interpret input").
    server, run_id, _ = paused
    overdue = server.call("GET", "/v1/reviews?overdue=maybe", "kim")
    assert overdue.status_code == 422
    assert overdue.json()["errors"] == [
        "query.overdue: 'maybe' is not true or false: send overdue=true or overdue=false, or leave it out for every"
        " review"
    ]
    assert server.call("GET", "/v1/reviews?overdue=false", "kim").status_code == 200

    for sent in ("latest", "-1", str(2**63)):
        stream = server.call("GET", f"/v1/runs/{run_id}/events/stream", "kim", {"Last-Event-ID": sent})
        assert stream.status_code == 422, (sent, stream.text)
        assert stream.json()["errors"] == [
            f"header.Last-Event-ID: {sent!r} is not an event id: send the `id` of the last event received (a whole"
            " number from 0), or none"
        ]
