"""Reading runs over HTTP: pages, filters, one run, its events (also live), explanation and record."""

from __future__ import annotations

import asyncio
import base64
import json
from datetime import UTC, datetime
from typing import Any

from claimflow.runtime.server.deletions import give_up_review
from claimflow.runtime.settings import Settings
from tests.integration._docs import MEMO, invoice_text, mismatch_invoice_text, run_cli
from tests.service._api import Api


async def _all_pages(api: Api, limit: int, **params: Any) -> tuple[list[str], int]:
    seen: list[str] = []
    pages, cursor = 0, None
    while True:
        query = {"limit": limit, **params} | ({"cursor": cursor} if cursor else {})
        page = (await api.client.get("/v1/runs", params=query, headers=api.auth("admin"))).json()
        pages += 1
        seen += [item["run_id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen, pages
        assert pages < 100


async def test_pages_show_every_run_once_in_creation_order(api: Api) -> None:
    ids = [(await api.upload(f"{n}.txt", invoice_text(f"NW-{n}"))).json()["run_id"] for n in range(7)]

    seen, pages = await _all_pages(api, 3)

    assert seen == ids
    assert pages == 3


async def test_runs_created_while_paging_are_neither_skipped_nor_shown_twice(api: Api) -> None:
    ids = [(await api.upload(f"{n}.txt", invoice_text(f"NW-{n}"))).json()["run_id"] for n in range(4)]
    first = (await api.client.get("/v1/runs", params={"limit": 2}, headers=api.auth("admin"))).json()
    ids.append((await api.upload("late.txt", invoice_text("NW-late"))).json()["run_id"])

    rest: list[str] = []
    cursor = first["next_cursor"]
    while cursor:
        page = (
            await api.client.get("/v1/runs", params={"limit": 2, "cursor": cursor}, headers=api.auth("admin"))
        ).json()
        rest += [item["run_id"] for item in page["items"]]
        cursor = page["next_cursor"]

    assert [item["run_id"] for item in first["items"]] + rest == ids


async def test_filters_by_status_type_and_time(api: Api) -> None:
    clean = await api.processed("clean.txt", invoice_text())
    paused = await api.processed("mismatch.txt", mismatch_invoice_text())
    memo = await api.processed("memo.txt", MEMO)
    assert (clean["status"], paused["status"], memo["status"]) == ("completed", "needs_review", "needs_review")

    async def ids(**params: Any) -> list[str]:
        return (await _all_pages(api, 2, **params))[0]

    assert await ids(status="needs_review") == [paused["run_id"], memo["run_id"]]
    assert await ids(status="completed") == [clean["run_id"]]
    assert await ids(type="invoice") == [clean["run_id"], paused["run_id"]]
    assert await ids(type="invoice", status="needs_review") == [paused["run_id"]]
    assert await ids(since=datetime.now(UTC).isoformat()) == []
    assert await ids(since="2000-01-01T00:00:00Z") == [clean["run_id"], paused["run_id"], memo["run_id"]]


async def test_a_malformed_cursor_or_limit_is_422_with_a_message(api: Api) -> None:
    for params in ({"cursor": "not-a-cursor"}, {"cursor": "WzEsMl0"}, {"limit": 0}, {"limit": 501}, {"since": "x"}):
        response = await api.client.get("/v1/runs", params=params, headers=api.auth("admin"))
        assert response.status_code == 422, params
        assert response.json()["message"]


async def test_a_status_no_run_can_have_is_422_naming_the_statuses(api: Api) -> None:
    # A typo would list nothing, and read as an empty queue.
    response = await api.client.get("/v1/runs", params={"status": "complete"}, headers=api.auth("admin"))
    assert response.status_code == 422
    assert "query.status: 'complete' is no run status; use one of: " in response.json()["message"]
    assert "completed" in response.json()["message"]
    for known in ("completed", "rejected", "queued"):
        good = await api.client.get("/v1/runs", params={"status": known}, headers=api.auth("admin"))
        assert good.status_code == 200, known


async def test_a_type_no_run_can_have_is_422_naming_the_active_types(api: Api) -> None:
    memo = await api.processed("memo.txt", MEMO)
    response = await api.client.get("/v1/runs", params={"type": "invoce"}, headers=api.auth("admin"))
    assert response.status_code == 422
    problem = "query.type: unknown document type 'invoce'; active: invoice, receipt, contract"
    assert response.json() == {"message": "invalid request: " + problem, "errors": [problem]}
    # `unknown` is no active type, but what a run of none of them is filed under.
    unknown = await api.client.get("/v1/runs", params={"type": "unknown"}, headers=api.auth("admin"))
    assert [item["run_id"] for item in unknown.json()["items"]] == [memo["run_id"]]


def _cursor(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


async def test_a_crafted_cursor_is_422_not_a_cursor_this_server_gave(api: Api) -> None:
    await api.processed("clean.txt", invoice_text())
    crafted = [b'[NaN,"x"]', b'[Infinity,"x"]', b'[-Infinity,"x"]', b'[1e999,"x"]']
    crafted += [b"[" + b"9" * 400 + b',"x"]', b'[1.0,"a\\u0000"]', b'[1.0,"a\\u001f"]']

    for raw in crafted:
        response = await api.client.get("/v1/runs", params={"cursor": _cursor(raw)}, headers=api.auth("admin"))
        assert response.status_code == 422, (raw, response.text)
        assert "not a cursor this server gave" in response.json()["message"]
        assert response.json()["errors"] == [
            "query.cursor: not a cursor this server gave; pass a page's `next_cursor` as is"
        ]
    good = await api.client.get("/v1/runs", params={"cursor": _cursor(b'[1.0,"a"]')}, headers=api.auth("admin"))
    assert good.status_code == 200 and len(good.json()["items"]) == 1


async def test_a_control_character_in_a_query_parameter_is_422_naming_it(api: Api) -> None:
    for path, params in [
        ("/v1/runs", {"status": "completed\x00"}),
        ("/v1/runs", {"type": "invoice\x00"}),
        ("/v1/reviews", {"type": "\x01", "assignee": "bob\x00"}),
    ]:
        response = await api.client.get(path, params=params, headers=api.auth("admin"))
        assert response.status_code == 422, (path, params, response.text)
        assert "control character U+00" in response.json()["message"]
        assert all(line.startswith("query.") for line in response.json()["errors"])


async def test_a_run_id_with_a_control_character_is_an_unknown_run(api: Api) -> None:
    done = await api.processed("mismatch.txt", mismatch_invoice_text())
    run_id = done["run_id"]

    for path in [
        f"/v1/runs/{run_id[:8]}%00",
        f"/v1/runs/{run_id}%00/events",
        f"/v1/runs/{run_id}%01/events/stream",
        f"/v1/runs/{run_id}%00/explain",
        f"/v1/documents/{run_id}%00/pages/1",
        f"/v1/reviews/{run_id}%00",
    ]:
        response = await api.client.get(path, headers=api.auth("admin"))
        assert response.status_code == 404, (path, response.text)
        assert response.json()["message"].startswith("no run ")


async def test_one_run_by_id_or_prefix_and_unknown_is_404(api: Api) -> None:
    done = await api.processed("clean.txt", invoice_text())

    by_id = await api.client.get(f"/v1/runs/{done['run_id']}", headers=api.auth("submitter"))
    by_prefix = await api.client.get(f"/v1/runs/{done['run_id'][:8]}", headers=api.auth("submitter"))
    unknown = await api.client.get("/v1/runs/0123456789", headers=api.auth("submitter"))

    assert by_id.json() == by_prefix.json() == done
    assert unknown.status_code == 404 and unknown.json() == {"message": "no run '0123456789'"}


async def test_events_are_the_registry_events_in_order(api: Api) -> None:
    done = await api.processed("clean.txt", invoice_text())

    events = (await api.client.get(f"/v1/runs/{done['run_id']}/events", headers=api.auth("admin"))).json()

    stored = await api.engine.registry.events(done["run_id"])
    assert [event["event_id"] for event in events] == [event["event_id"] for event in stored]
    assert (
        events[0]["type"] == "run.started" and events[-1]["step"] == "deliver"
    )  # the last step, even with nowhere to deliver
    assert [event["seq"] for event in events] == sorted(event["seq"] for event in events)


def _sse(text: str) -> list[dict[str, str]]:
    messages = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        messages.append(fields)
    return messages


async def test_the_event_stream_follows_a_run_from_upload_until_it_pauses(api: Api) -> None:
    run_id = (await api.upload("mismatch.txt", mismatch_invoice_text())).json()["run_id"]

    response = await api.client.get(f"/v1/runs/{run_id}/events/stream", headers=api.auth("admin"))

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    messages = _sse(response.text)
    assert messages[-1] == {"event": "end", "data": "{}"}
    events = messages[:-1]
    assert [int(m["id"]) for m in events] == sorted({int(m["id"]) for m in events})  # in order, none twice
    stored = await api.engine.registry.events(run_id)
    assert [json.loads(m["data"])["event_id"] for m in events] == [e["event_id"] for e in stored]
    assert [m["event"] for m in events] == [e["type"] for e in stored]
    assert "review.requested" in [m["event"] for m in events]
    assert (await api.engine.registry.get_run(run_id)).status == "needs_review"


async def test_the_event_stream_resumes_after_the_last_event_id(api: Api) -> None:
    done = await api.processed("clean.txt", invoice_text())
    stored = await api.engine.registry.events(done["run_id"])
    middle = stored[len(stored) // 2]["seq"]

    response = await api.client.get(
        f"/v1/runs/{done['run_id']}/events/stream", headers=api.auth("admin") | {"Last-Event-ID": str(middle)}
    )

    ids = [int(m["id"]) for m in _sse(response.text)[:-1]]
    assert ids == [e["seq"] for e in stored if e["seq"] > middle]


async def test_a_last_event_id_beyond_a_64_bit_sequence_is_422(api: Api) -> None:
    done = await api.processed("clean.txt", invoice_text())
    stream = f"/v1/runs/{done['run_id']}/events/stream"

    for last in (str(2**63), "9" * 30):
        refused = await api.client.get(stream, headers=api.auth("admin") | {"Last-Event-ID": last})
        assert refused.status_code == 422, refused.text
        assert "Last-Event-ID" in refused.json()["message"]
    largest = await api.client.get(stream, headers=api.auth("admin") | {"Last-Event-ID": str(2**63 - 1)})
    assert largest.status_code == 200 and _sse(largest.text) == [{"event": "end", "data": "{}"}]


async def test_explain_and_record(api: Api) -> None:
    done = await api.processed("clean.txt", invoice_text())

    explained = (await api.client.get(f"/v1/runs/{done['run_id']}/explain", headers=api.auth("admin"))).json()
    record = (await api.client.get(f"/v1/runs/{done['run_id']}/record", headers=api.auth("admin"))).json()

    assert explained["run_id"] == done["run_id"]
    assert "outcome: completed" in explained["text"] and "total_amount" in explained["text"]
    assert record["run_id"] == done["run_id"]
    assert record["record"]["doc_type"] == "invoice"
    assert json.dumps(record["record"]).count("180.00") >= 1


async def test_the_record_of_a_run_without_a_type_is_null(api: Api) -> None:
    memo = await api.processed("memo.txt", MEMO)

    record = (await api.client.get(f"/v1/runs/{memo['run_id']}/record", headers=api.auth("admin"))).json()

    assert record == {"run_id": memo["run_id"], "record": None}


async def test_types_lists_the_active_types_with_their_fields(api: Api) -> None:
    types = (await api.client.get("/v1/types", headers=api.auth("submitter"))).json()

    by_name = {entry["name"]: entry for entry in types}
    assert set(by_name) == {"invoice", "receipt", "contract"}
    invoice_fields = {field["name"]: field for field in by_name["invoice"]["fields"]}
    assert invoice_fields["total_amount"]["kind"] == "amount"
    assert invoice_fields["line_items"]["columns"] == ["description", "quantity", "unit_price", "amount"]


async def test_explain_lists_a_late_decision_the_run_refused(api: Api) -> None:
    paused = await api.processed("mismatch.txt", mismatch_invoice_text())
    run_id = paused["run_id"]
    review = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()
    first = {"interrupt_id": review["interrupt_id"], "action": "reject", "reason": "duplicate invoice"}
    before = (await api.client.get(f"/v1/runs/{run_id}/explain", headers=api.auth("admin"))).json()
    decided = await api.client.post(f"/v1/reviews/{run_id}/decision", json=first, headers=api.auth("reviewer"))
    assert decided.status_code < 300, decided.text
    await api.settled(run_id)
    second = {"interrupt_id": review["interrupt_id"], "action": "approve"}
    late = await api.client.post(f"/v1/reviews/{run_id}/decision", json=second, headers=api.auth("admin"))

    explained = (await api.client.get(f"/v1/runs/{run_id}/explain", headers=api.auth("admin"))).json()

    assert before["refused_decisions"] == []
    assert late.status_code == 409, late.text
    [refused] = explained["refused_decisions"]
    assert (refused["reviewer"], refused["action"]) == ("admin", "approve")
    assert refused["reason"] and refused["reason"] in late.json()["message"]
    assert explained["text"].splitlines()[-1].startswith("review: admin chose approve at ")
    assert "review: reviewer chose reject" in explained["text"]


async def test_explain_of_a_run_failed_after_a_decision_is_the_clis_with_its_then_failed_line(
    api: Api, settings: Settings
) -> None:
    paused = await api.processed("failed-later.txt", mismatch_invoice_text())
    run_id = paused["run_id"]
    review = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()
    # The edit breaks the sum: the run waits on another review, and fails from outside the workflow while it does.
    breaks_the_sum = {"interrupt_id": review["interrupt_id"], "action": "edit", "edits": {"total_amount": ["9999.00"]}}
    decided = await api.client.post(f"/v1/reviews/{run_id}/decision", json=breaks_the_sum, headers=api.auth("reviewer"))
    assert decided.status_code < 300, decided.text
    assert (await api.settled(run_id))["status"] == "needs_review"
    failed = await give_up_review(api.engine, run_id)
    assert failed is not None and failed.status == "failed"

    explained = (await api.client.get(f"/v1/runs/{run_id}/explain", headers=api.auth("admin"))).json()
    cli = await asyncio.to_thread(run_cli, "explain", run_id, CLAIMFLOW_DATA_DIR=str(settings.data_dir))
    cli_json = await asyncio.to_thread(run_cli, "explain", run_id, "--json", CLAIMFLOW_DATA_DIR=str(settings.data_dir))

    assert cli.returncode == 0, cli.stderr
    assert explained["text"] == cli.stdout.rstrip("\n")
    assert explained == json.loads(cli_json.stdout)
    assert explained["text"].splitlines()[-1] == f"then failed: {failed.error}"
    assert "review: reviewer chose edit at " in explained["text"]


async def test_the_resume_cursor_of_the_last_page_reads_only_the_runs_created_since(api: Api) -> None:
    known = [(await api.upload(f"{n}.txt", invoice_text(f"NW-{n}"))).json()["run_id"] for n in range(3)]
    empty = (await api.client.get("/v1/runs", params={"status": "failed"}, headers=api.auth("admin"))).json()
    assert empty["items"] == [] and empty["resume_cursor"] is None  # nothing shown, no position to keep
    last = (await api.client.get("/v1/runs", headers=api.auth("admin"))).json()
    assert [item["run_id"] for item in last["items"]] == known and last["next_cursor"] is None

    newer = [(await api.upload(f"new{n}.txt", invoice_text(f"NW-new{n}"))).json()["run_id"] for n in range(2)]
    since = {"cursor": last["resume_cursor"]}
    later = (await api.client.get("/v1/runs", params=since, headers=api.auth("admin"))).json()
    assert [item["run_id"] for item in later["items"]] == newer
    # Nothing newer yet: the position stays where it was, ready for the next read.
    again = {"cursor": later["resume_cursor"]}
    idle = (await api.client.get("/v1/runs", params=again, headers=api.auth("admin"))).json()
    assert idle["items"] == [] and idle["resume_cursor"] == later["resume_cursor"]
