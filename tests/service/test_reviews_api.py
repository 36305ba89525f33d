"""The review queue and decisions over HTTP: stale, second and invalid decisions leave the run paused."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import datetime
from typing import Any

from claimflow.runtime.registry.runs import MAX_DECISION_MESSAGE_CHARS
from claimflow.runtime.service.body_limit import MAX_REQUEST_BYTES, too_large
from claimflow.runtime.settings import Settings
from claimflow.state.policy import Policy
from claimflow.state.review_policy import ReviewPolicy
from tests.integration._docs import MEMO, invoice_text, mismatch_invoice_text
from tests.service._api import Api, serving


async def _paused(api: Api) -> tuple[str, dict[str, Any]]:
    done = await api.processed("mismatch.txt", mismatch_invoice_text())
    assert done["status"] == "needs_review"
    review = await api.client.get(f"/v1/reviews/{done['run_id']}", headers=api.auth("reviewer"))
    assert review.status_code == 200
    return str(done["run_id"]), review.json()


async def _decide(api: Api, run_id: str, who: str = "reviewer", **body: Any) -> Any:
    return await api.client.post(f"/v1/reviews/{run_id}/decision", json=body, headers=api.auth(who))


async def test_the_queue_lists_waiting_runs_with_reasons_type_and_age(api: Api) -> None:
    await api.processed("clean.txt", invoice_text())
    paused = await api.processed("mismatch.txt", mismatch_invoice_text())
    memo = await api.processed("memo.txt", MEMO)

    queue = (await api.client.get("/v1/reviews", headers=api.auth("reviewer"))).json()
    invoices = (await api.client.get("/v1/reviews", params={"type": "invoice"}, headers=api.auth("reviewer"))).json()
    assigned = (await api.client.get("/v1/reviews", params={"assignee": "kim"}, headers=api.auth("reviewer"))).json()

    assert [item["run_id"] for item in queue] == [paused["run_id"], memo["run_id"]]
    first = queue[0]
    assert first["doc_type"] == "invoice" and first["document"] == "mismatch.txt"
    assert any(reason.startswith("validation_failed: net_plus_tax_equals_total") for reason in first["reasons"])
    assert first["age_seconds"] >= 0 and first["opened_at"] is not None
    assert first["interrupt_id"] == (await api.engine.pending_review(paused["run_id"])).interrupt_id  # type: ignore[union-attr]
    assert (first["due_at"], first["overdue"], first["assignee"], first["priority"]) == (None, False, None, "normal")
    assert queue[1]["doc_type"] == "unknown"
    assert [item["run_id"] for item in invoices] == [paused["run_id"]]
    assert assigned == []


async def test_due_times_and_assignees_come_from_the_review_queue(settings: Settings) -> None:
    policy = Policy(review=ReviewPolicy(due={"invoice": "1h"}))
    async with serving(replace(settings, policy=policy)) as api:
        paused = await api.processed("mismatch.txt", mismatch_invoice_text())
        memo = await api.processed("memo.txt", MEMO)
        await api.engine.assign_review(paused["run_id"], "kim")

        queue = (await api.client.get("/v1/reviews", headers=api.auth("reviewer"))).json()
        kims = (await api.client.get("/v1/reviews", params={"assignee": "kim"}, headers=api.auth("reviewer"))).json()
        review = (await api.client.get(f"/v1/reviews/{paused['run_id']}", headers=api.auth("reviewer"))).json()

    by_run = {item["run_id"]: item for item in queue}
    due = datetime.fromisoformat(by_run[paused["run_id"]]["due_at"])
    opened = datetime.fromisoformat(by_run[paused["run_id"]]["opened_at"])
    assert abs((due - opened).total_seconds() - 3600) < 5
    assert by_run[paused["run_id"]]["overdue"] is False and by_run[paused["run_id"]]["assignee"] == "kim"
    assert by_run[memo["run_id"]]["due_at"] is None and by_run[memo["run_id"]]["assignee"] is None
    assert [item["run_id"] for item in kims] == [paused["run_id"]]
    assert (review["assignee"], review["due_at"], review["priority"]) == (
        "kim",
        by_run[paused["run_id"]]["due_at"],
        "normal",
    )


async def test_a_review_shows_fields_with_evidence_reasons_and_broken_rules(api: Api) -> None:
    run_id, review = await _paused(api)

    pending = await api.engine.pending_review(run_id)
    assert pending is not None and review["interrupt_id"] == pending.interrupt_id
    fields = {field["name"]: field for field in review["fields"]}
    total = fields["total_amount"]
    assert total["value"] == "190.00" and 0 < total["confidence"] <= 1
    assert total["evidence"][0]["quote"] in mismatch_invoice_text().splitlines()[-1]
    assert total["evidence"][0]["page"] == 1
    assert total["candidates"] == [{"value": "190.00", "quote": total["evidence"][0]["quote"], "page": 1}]
    assert [rule["rule"] for rule in review["broken_rules"]] == ["net_plus_tax_equals_total"]
    assert review["allowed_actions"] == ["approve", "edit", "reject"]
    assert "total_amount" in review["editable_fields"]
    assert (review["due_at"], review["assignee"], review["priority"], review["overdue"]) == (
        None,
        None,
        "normal",
        False,
    )


async def test_an_invalid_edit_is_422_with_field_errors_and_the_run_stays_paused(api: Api) -> None:
    run_id, review = await _paused(api)
    interrupt = review["interrupt_id"]

    bad_value = await _decide(api, run_id, interrupt_id=interrupt, action="edit", edits={"total_amount": ["lots"]})
    unknown = await _decide(api, run_id, interrupt_id=interrupt, action="edit", edits={"colour": ["red"]})
    no_reason = await _decide(api, run_id, interrupt_id=interrupt, action="reject")

    assert bad_value.status_code == 422
    assert bad_value.json()["errors"] == [
        "body.edits.total_amount: value 'lots' cannot be read as an amount; give one such as '12.50'"
    ]
    assert unknown.status_code == 422 and "unknown field 'colour'" in unknown.json()["errors"][0]
    assert no_reason.status_code == 422 and "a rejection needs a reason" in no_reason.json()["message"]
    row = await api.engine.registry.get_run(run_id)
    assert row.status == "needs_review" and row.interrupt_id == interrupt
    # The review says why the last decision was refused, as the queue does: what a 202'd decider reads later.
    again = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()
    assert review["note"] is None
    assert again["note"].startswith("the decision of reviewer was refused: unknown field 'colour'"), again["note"]
    [queued] = (await api.client.get("/v1/reviews", headers=api.auth("reviewer"))).json()
    assert queued["note"] == again["note"]

    good = await _decide(api, run_id, interrupt_id=interrupt, action="edit", edits={"total_amount": ["180.00"]})

    assert good.status_code == 200, good.text
    assert good.json()["status"] == "completed"
    assert good.json()["fields"]["total_amount"]["value"] == "180.00"
    assert good.json()["fields"]["total_amount"]["status"] == "edited"


async def test_the_review_says_which_fields_an_edit_carries_to_and_the_decision_does_so(api: Api) -> None:
    # The invoice prints only its total: its amount due was read from the total's line, so it follows the total.
    run_id, review = await _paused(api)
    follows = {field["name"]: field["follows"] for field in review["fields"]}
    assert follows["amount_due"] == ["total_amount"]
    assert {name for name, leaders in follows.items() if leaders} == {"amount_due"}

    done = await _decide(
        api, run_id, interrupt_id=review["interrupt_id"], action="edit", edits={"total_amount": ["180.00"]}
    )

    assert done.status_code == 200, done.text
    due = done.json()["fields"]["amount_due"]
    assert (due["value"], due["status"]) == ("180.00", "edited")


async def test_a_stale_or_second_decision_is_409_with_the_runs_state(api: Api) -> None:
    run_id, review = await _paused(api)

    stale = await _decide(api, run_id, interrupt_id="not-the-open-review", action="approve")

    assert stale.status_code == 409
    assert "not-the-open-review" in stale.json()["message"]
    # Said for a client of the API: the request that shows the review again, not the CLI's command.
    assert stale.json()["message"].endswith(f"look at it again with `GET /v1/reviews/{run_id}`")
    assert stale.json()["run"]["status"] == "needs_review" and stale.json()["run"]["run_id"] == run_id
    assert (await api.engine.registry.get_run(run_id)).status == "needs_review"

    first = await _decide(api, run_id, interrupt_id=review["interrupt_id"], action="approve", comment="ok")
    second = await _decide(api, run_id, interrupt_id=review["interrupt_id"], action="reject", reason="no")

    assert first.status_code == 200 and first.json()["status"] == "completed"
    assert second.status_code == 409
    assert second.json()["run"]["status"] == "completed"
    decisions = await api.engine.registry.decisions(run_id)
    assert [(d["reviewer"], d["outcome"]) for d in decisions] == [
        ("reviewer", "refused"),
        ("reviewer", "applied"),
        ("reviewer", "refused"),
    ]


async def test_the_token_name_is_recorded_as_the_reviewer(api: Api) -> None:
    await api.token("kim.reviewer", "reviewer", ["invoice"])
    run_id, review = await _paused(api)

    rejected = await _decide(
        api, run_id, "kim.reviewer", interrupt_id=review["interrupt_id"], action="reject", reason="not ours"
    )

    assert rejected.status_code == 200 and rejected.json()["status"] == "failed"
    [decision] = await api.engine.registry.decisions(run_id)
    assert decision["reviewer"] == "kim.reviewer" and decision["outcome"] == "applied"
    events = await api.engine.registry.events(run_id)
    assert any(e["type"] == "review.decided" and e["data"].get("reviewer") == "kim.reviewer" for e in events)


async def test_a_decision_body_with_a_reviewer_or_unknown_keys_is_422(api: Api) -> None:
    run_id, review = await _paused(api)

    spoofed = await _decide(api, run_id, interrupt_id=review["interrupt_id"], action="approve", reviewer="boss")

    assert spoofed.status_code == 422
    assert (await api.engine.registry.get_run(run_id)).status == "needs_review"


async def test_a_review_of_a_run_that_waits_for_none_is_404_saying_so(api: Api) -> None:
    done = await api.processed("clean.txt", invoice_text())

    response = await api.client.get(f"/v1/reviews/{done['run_id']}", headers=api.auth("reviewer"))

    assert response.status_code == 404
    assert "has no open review" in response.json()["message"] and "completed" in response.json()["message"]


async def test_cited_evidence_is_checked_like_a_claim(api: Api) -> None:
    run_id, review = await _paused(api)
    edit = {"interrupt_id": review["interrupt_id"], "action": "edit", "edits": {"total_amount": ["180.00"]}}

    invented = await _decide(api, run_id, **edit, evidence={"total_amount": {"quote": "Grand total 180.00"}})

    assert invented.status_code == 422
    assert any("total_amount" in error for error in invented.json()["errors"])
    assert (await api.engine.registry.get_run(run_id)).status == "needs_review"

    cited = await _decide(api, run_id, **edit, evidence={"total_amount": {"quote": "10 x 18.00 = 180.00"}})

    assert cited.status_code == 200, cited.text
    [evidence] = cited.json()["fields"]["total_amount"]["evidence"]
    assert evidence["quote"] == "10 x 18.00 = 180.00"


async def test_a_type_correction_re_extracts_and_opens_a_new_review(api: Api) -> None:
    memo = await api.processed("memo.txt", MEMO)
    first = (await api.client.get(f"/v1/reviews/{memo['run_id']}", headers=api.auth("reviewer"))).json()
    assert first["doc_type"] == "unknown" and first["editable_fields"] == []

    corrected = await _decide(
        api, memo["run_id"], interrupt_id=first["interrupt_id"], action="edit", doc_type="receipt"
    )

    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["status"] == "needs_review" and corrected.json()["doc_type"] == "receipt"
    second = (await api.client.get(f"/v1/reviews/{memo['run_id']}", headers=api.auth("reviewer"))).json()
    assert second["interrupt_id"] != first["interrupt_id"] and second["doc_type"] == "receipt"
    assert "total_amount" in second["editable_fields"]
    # The first review is answered: deciding it again is stale.
    again = await _decide(api, memo["run_id"], interrupt_id=first["interrupt_id"], action="approve")
    assert again.status_code == 409 and again.json()["run"]["doc_type"] == "receipt"


async def test_a_reviewer_limited_to_some_types_may_not_move_a_run_to_another(api: Api) -> None:
    await api.token("ivy", "reviewer", ["invoice"])
    run_id, _ = await _paused(api)
    offered = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("ivy"))).json()
    assert offered["doc_type"] == "invoice" and offered["doc_types"] == ["invoice"]
    everything = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()["doc_types"]
    assert "receipt" in everything

    moved = await _decide(api, run_id, "ivy", interrupt_id=offered["interrupt_id"], action="edit", doc_type="receipt")

    assert moved.status_code == 422, moved.text
    assert moved.json()["errors"] == [
        "body.doc_type: the token 'ivy' may review only invoice, not 'receipt'; choose one of those types,"
        " or leave the correction to a reviewer of that type"
    ]
    still = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("ivy"))).json()
    assert still["interrupt_id"] == offered["interrupt_id"] and still["doc_type"] == "invoice"
    assert (await api.engine.registry.get_run(run_id)).status == "needs_review"
    assert await api.engine.registry.decisions(run_id) == []


async def test_control_characters_in_a_decision_or_assignment_are_422_and_the_run_waits(api: Api) -> None:
    run_id, review = await _paused(api)
    answer = {"interrupt_id": review["interrupt_id"], "action": "reject"}
    edit = {**answer, "action": "edit", "edits": {"total_amount": ["180.00"]}}

    for body in [
        {**answer, "reason": "duplicate\x00"},
        {**answer, "reason": "duplicate", "comment": "see\x1bthe other"},
        {**answer, "interrupt_id": review["interrupt_id"] + "\x00"},
        {**answer, "action": "edit", "edits": {"total_amount": ["180.00\x00"]}},
        {**answer, "action": "edit", "edits": {"total\x00": ["180.00"]}},
        {**edit, "evidence": {"total_amount": {"quote": "10 x 18.00\x00"}}},
        {**answer, "action": "edit", "doc_type": "receipt\x00"},
    ]:
        refused = await _decide(api, run_id, "admin", **body)
        assert refused.status_code == 422, (body, refused.text)
        assert "control character U+00" in refused.json()["message"]
    for to in ("bob\x00", "bob\n"):
        assigned = await api.client.post(f"/v1/reviews/{run_id}/assign", json={"to": to}, headers=api.auth("admin"))
        assert assigned.status_code == 422 and "control character" in assigned.json()["message"]
    assert (await api.engine.registry.get_run(run_id)).status == "needs_review"
    assert (await api.engine.registry.get_run(run_id)).assignee is None

    lines = await _decide(api, run_id, "admin", **answer, reason="duplicate", comment="line one\n\tline two")
    assert lines.status_code == 200 and lines.json()["status"] == "failed"


async def test_an_amount_of_more_digits_than_an_amount_has_is_422_saying_so_and_the_run_waits(api: Api) -> None:
    run_id, review = await _paused(api)
    huge = "123456789012345678901234567"

    refused = await _decide(
        api, run_id, interrupt_id=review["interrupt_id"], action="edit", edits={"total_amount": [huge]}
    )

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [
        f"body.edits.total_amount: value {huge!r} cannot be read as an amount: an amount has at most 18 whole digits"
    ]
    assert (await api.engine.registry.get_run(run_id)).status == "needs_review"


async def test_a_decision_body_over_the_request_limit_is_413_and_nothing_is_kept(api: Api) -> None:
    run_id, review = await _paused(api)
    body = json.dumps({"interrupt_id": review["interrupt_id"], "action": "reject", "reason": "r" * 1_000_000})
    url, headers = f"/v1/reviews/{run_id}/decision", api.auth("reviewer") | {"Content-Type": "application/json"}

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it comes
        for start in range(0, len(body), 65_536):
            yield body[start : start + 65_536].encode()

    declared = await api.client.post(url, content=body, headers=headers)
    streamed = await api.client.post(url, content=chunks(), headers=headers)
    form = await api.client.post("/review/runs/" + run_id, data={"reason": "r" * 1_000_001})

    for answer in (declared, streamed, form):
        assert answer.status_code == 413, answer.text
        assert answer.json() == {"message": too_large(MAX_REQUEST_BYTES)}
    assert (await api.engine.registry.get_run(run_id)).status == "needs_review"
    assert await api.engine.registry.decisions(run_id) == []


async def test_a_decision_over_its_caps_is_422_naming_the_cap_and_nothing_is_kept(api: Api) -> None:
    run_id, review = await _paused(api)
    answer = {"interrupt_id": review["interrupt_id"], "action": "reject"}

    long_reason = await _decide(api, run_id, **answer, reason="r" * 5001)
    many_fields = await _decide(api, run_id, **answer | {"action": "edit"}, edits={f"f{n}": ["1"] for n in range(101)})

    assert long_reason.status_code == 422
    assert long_reason.json()["errors"] == ["body.reason: String should have at most 5000 characters"]
    assert many_fields.status_code == 422 and "edits: Dictionary should have at most 100 items" in many_fields.text
    assert await api.engine.registry.decisions(run_id) == []
    at_the_cap = await _decide(api, run_id, **answer, reason="r" * 5000)
    assert at_the_cap.status_code == 200 and at_the_cap.json()["status"] == "failed"


async def test_a_refused_edit_of_many_unknown_fields_is_said_once_and_its_note_stays_small(api: Api) -> None:
    run_id, review = await _paused(api)
    edits = {f"{n:03d}" + "f" * 197: ["1" * 2000] for n in range(100)}  # every name and value at its cap

    refused = await _decide(api, run_id, interrupt_id=review["interrupt_id"], action="edit", edits=edits)

    assert refused.status_code == 422
    [error] = refused.json()["errors"]
    assert error.startswith("body.edits: unknown fields '000fff") and "and 90 more; editable fields: " in error
    assert error.count("total_amount") == 1 and len(error) < 3_000
    note = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()["note"]
    assert note.startswith("the decision of reviewer was refused: unknown fields '000fff")
    # However long a refusal's message, the registry keeps it cut; one stored before it did is cut where shown.
    await api.engine.registry.record_decision(run_id, review["interrupt_id"], "bob", "{}", "refused", "x" * 100_000)
    kept = (await api.engine.registry.decisions(run_id))[-1]["message"]
    assert len(kept) <= MAX_DECISION_MESSAGE_CHARS and kept.endswith(" more characters)")
    with api.engine.registry.sync._write() as db:
        db.execute("UPDATE review_decisions SET message = ? WHERE reviewer = 'bob'", ("y" * 100_000,))
    [queued] = (await api.client.get("/v1/reviews", headers=api.auth("reviewer"))).json()
    assert queued["note"] == f"the decision of bob was refused: {kept.replace('x', 'y')}; decide again"


async def test_two_concurrent_decisions_in_one_server_exactly_one_applies(api: Api) -> None:
    # Both decisions reach the same process, whose engine holds the run's lease for the first while it resumes:
    # the second must still be refused, not applied on top (a second review.decided, the run finished twice).
    await api.token("frank", "reviewer")
    await api.token("grace", "reviewer")
    run_id, review = await _paused(api)
    edits = {"frank": {"total_amount": ["180.00"]}, "grace": {"net_amount": ["160.00"]}}

    answers = await asyncio.gather(
        *(
            _decide(api, run_id, who, interrupt_id=review["interrupt_id"], action="edit", edits=edit)
            for who, edit in edits.items()
        )
    )

    assert sorted(answer.status_code for answer in answers) == [200, 409], [answer.text for answer in answers]
    [won] = [who for who, answer in zip(edits, answers, strict=True) if answer.status_code == 200]
    lost = next(answer for answer in answers if answer.status_code == 409).json()
    assert run_id in lost["message"] and lost["run"]["run_id"] == run_id
    events = (await api.client.get(f"/v1/runs/{run_id}/events", headers=api.auth("admin"))).json()
    decided = [event["data"]["reviewer"] for event in events if event["type"] == "review.decided"]
    assert decided == [won]
    assert [event["type"] for event in events].count("run.completed") == 1
    decisions = await api.engine.registry.decisions(run_id)
    assert [(d["reviewer"], d["outcome"]) for d in decisions if d["outcome"] == "applied"] == [(won, "applied")]


async def test_a_decision_on_a_run_that_was_run_again_names_the_new_run(api: Api) -> None:
    run_id, review = await _paused(api)
    rerun = await api.client.post(f"/v1/runs/{run_id}/rerun", headers=api.auth("submitter"))
    assert rerun.status_code == 201, rerun.text
    new = rerun.json()["run_id"]
    assert (await api.settled(new))["status"] == "needs_review"

    late = await _decide(api, run_id, interrupt_id=review["interrupt_id"], action="approve")
    claimed = await api.client.post(f"/v1/reviews/{run_id}/claim", headers=api.auth("reviewer"))

    assert late.status_code == 409 and late.json()["superseded_by"] == new
    assert f"it was superseded: run again as {new}" in late.json()["message"]
    assert claimed.status_code == 404 and f"run again as {new}" in claimed.json()["message"]
    again = await _decide(api, new, interrupt_id=review["interrupt_id"], action="approve")  # the old run's review
    assert again.status_code == 409 and again.json()["superseded_by"] is None


async def test_a_refused_decision_names_the_decisions_json_not_the_command_lines_options(api: Api) -> None:
    # The engine's reasons say what to do as `review decide`'s options: a client of the API was told `--reject`.
    memo = await api.processed("memo.txt", MEMO)
    review = (await api.client.get(f"/v1/reviews/{memo['run_id']}", headers=api.auth("reviewer"))).json()

    approved = await _decide(api, memo["run_id"], interrupt_id=review["interrupt_id"], action="approve")

    assert approved.status_code == 422
    [problem] = approved.json()["errors"]
    assert 'set `"doc_type"` (one of invoice, receipt, contract) or reject the run (`"action": "reject"` with a' in (
        problem
    ), problem
    assert "--reject" not in approved.text and "--set" not in approved.text
    assert (await api.engine.registry.get_run(memo["run_id"])).status == "needs_review"


async def test_a_type_no_one_has_is_refused_as_unknown_even_for_a_reviewer_limited_to_some(api: Api) -> None:
    # bob, limited to invoices, was told he "may review only invoice, not 'nosuch'": as if nosuch were a type.
    await api.token("bob", "reviewer", ["invoice"])
    run_id, review = await _paused(api)

    refused = await _decide(
        api, run_id, who="bob", interrupt_id=review["interrupt_id"], action="edit", doc_type="nosuch"
    )

    assert refused.status_code == 422
    assert "may review only" not in refused.text
    assert "nosuch" in refused.text and "invoice, receipt, contract" in refused.text, refused.text
    assert (await api.engine.registry.get_run(run_id)).status == "needs_review"


async def test_a_blank_assignee_filter_is_refused_as_the_command_line_refuses_a_blank_name(api: Api) -> None:
    refused = await api.client.get("/v1/reviews", params={"assignee": "  "}, headers=api.auth("reviewer"))
    assert refused.status_code == 422
    assert refused.json()["errors"][0].startswith("query.assignee: "), refused.json()
