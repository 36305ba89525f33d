"""LangGraph's own server runs claimflow: the real `langgraph dev`, driven by the official `langgraph_sdk`.

One server for the module, started from the virtualenv in a temporary working directory (its in-memory
runtime writes `.langgraph_api/` there) with an isolated data directory and the offline `rules` model; it
is killed with its process group at the end. Every run made through it must be a claimflow run like any
other: in the registry, in `claimflow runs`, `show` and `explain`.
"""

from __future__ import annotations

import base64
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client
from langgraph_sdk.client import LangGraphClient
from langgraph_sdk.errors import ConflictError

from tests.fakes.tcp_proxy import closed_port
from tests.integration._docs import cli_env, invoice_text, json_lines, mismatch_invoice_text, run_cli, text_pdf, write

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class Server:
    """A running `langgraph dev`: where it answers, its data directory and its log."""

    url: str
    data_dir: Path
    docs: Path
    log: Path

    def logged(self) -> str:
        """Everything the server wrote so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")


def _wait_for(process: subprocess.Popen[bytes], log: Path) -> str:
    """The URL the server announces (it moves to another port when the asked one is taken), once it answers."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"langgraph dev exited with {process.returncode}:\n{log.read_text()[-4000:]}")
        found = re.search(r"API: \S*?(http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"))
        if found:
            try:
                if httpx.get(f"{found.group(1)}/ok", timeout=2.0).status_code == 200:
                    return found.group(1)
            except httpx.HTTPError:
                pass
        time.sleep(0.25)
    pytest.fail(f"langgraph dev did not answer within {STARTUP_SECONDS:g} s:\n{log.read_text()[-4000:]}")


def _launch(root: Path) -> tuple[subprocess.Popen[bytes], Server]:
    """`langgraph dev --no-browser --port P` on langgraph.json, in `root` as its working directory, once it answers."""
    log = root / "server.log"
    env = cli_env(
        LANGSMITH_TRACING="false",
        CLAIMFLOW_DATA_DIR=str(root / "data"),
        CLAIMFLOW_MODEL="rules",
        # The code under test, wherever the virtualenv's editable install points.
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    command = [str(Path(sys.executable).parent / "langgraph"), "dev", "--no-browser", "--no-reload"]
    command += ["--port", str(closed_port()), "--config", str(ROOT / "langgraph.json")]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=root, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        return process, Server(_wait_for(process, log), root / "data", root / "docs", log)
    except BaseException:
        _stop(process, signal.SIGKILL)
        raise


def _stop(process: subprocess.Popen[bytes], signum: int) -> int:
    """Send `signum` to the server's process group; its exit code, once it exited (killed after 15 s: -9)."""
    os.killpg(process.pid, signum)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.wait()


@pytest.fixture(scope="module")
def dev_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the module, in a scratch working directory."""
    process, server = _launch(tmp_path_factory.mktemp("langgraph-dev"))
    try:
        yield server
    finally:
        _stop(process, signal.SIGTERM)
    assert not (ROOT / ".langgraph_api").exists(), "the server wrote into the repository"


@pytest.fixture
async def client(dev_server: Server) -> AsyncIterator[LangGraphClient]:
    """The official SDK's client for the server, closed after the test."""
    async with get_client(url=dev_server.url) as opened:
        yield opened


async def _stream(client: LangGraphClient, thread_id: str, **run: Any) -> list[tuple[str, Any]]:
    return [
        (part.event, part.data)
        async for part in client.runs.stream(thread_id, "documents", stream_mode="updates", **run)
    ]


def _errors(parts: list[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [data for event, data in parts if event == "error"]


def _claimflow(server: Server, *args: str) -> subprocess.CompletedProcess[str]:
    result = run_cli(*args, CLAIMFLOW_DATA_DIR=str(server.data_dir))
    assert result.returncode == 0, result.stderr
    return result


def _clean_log(server: Server) -> None:
    logged = server.logged()
    assert "BlockingError" not in logged and "Blocking call" not in logged
    assert "unregistered type" not in logged


async def test_studio_can_describe_the_graph(client: LangGraphClient) -> None:
    (assistant,) = await client.assistants.search(graph_id="documents")
    schemas = await client.assistants.get_schemas(assistant["assistant_id"])
    assert set(schemas["input_schema"]["properties"]) == {"path", "content_base64", "filename"}
    assert set(schemas["context_schema"]["properties"]) == {"model"}
    assert {"run", "review", "record"} <= set(schemas["state_schema"]["properties"])


async def test_a_review_through_the_server_refuses_bad_decisions_and_applies_a_good_one(
    dev_server: Server, client: LangGraphClient
) -> None:
    path = write(dev_server.docs, "mismatch.txt", mismatch_invoice_text("NW-2024-0301"))
    thread_id = (await client.threads.create())["thread_id"]

    parts = await _stream(client, thread_id, input={"path": str(path)})
    assert not _errors(parts)
    (interrupt,) = [data for event, data in parts if event == "updates" and "__interrupt__" in data]
    request = interrupt["__interrupt__"][0]["value"]
    assert request["run_id"] == thread_id and request["doc_type"] == "invoice"
    assert any(reason["code"] == "validation_failed" for reason in request["reasons"])
    waiting = await client.threads.get_state(thread_id)
    (open_review,) = waiting["interrupts"]
    assert waiting["values"]["run"]["status"] == "needs_review"

    for bad, said in [
        ({"reviewer": "kim", "action": "edit", "edits": {"colour": ["red"]}}, "unknown field 'colour'"),
        ({"reviewer": "kim", "action": "edit", "edits": {"total_amount": ["lots"]}}, "cannot be read as an amount"),
        ({"reviewer": "kim", "action": "maybe"}, "action"),
    ]:
        (error,) = _errors(await _stream(client, thread_id, command={"resume": bad}))
        assert error["error"] == "InvalidDecisionError"
        assert error["message"].startswith("decision refused, the review stays open: ") and said in error["message"]
        still = await client.threads.get_state(thread_id)
        assert [item["id"] for item in still["interrupts"]] == [open_review["id"]]

    good = {"reviewer": "kim", "action": "edit", "edits": {"total_amount": ["180.00"]}}
    assert not _errors(await _stream(client, thread_id, command={"resume": good}))
    final = await client.threads.get_state(thread_id)
    assert final["interrupts"] == [] and final["next"] == []
    assert final["values"]["run"]["status"] == "completed"
    record = final["values"]["record"]
    assert record["run_id"] == thread_id and record["doc_type"] == "invoice"
    assert json.dumps(record).count("180.00") >= 1

    # The same run, through claimflow's own registry: the thread id is the run id.
    listed = {view["run_id"]: view for view in json_lines(_claimflow(dev_server, "runs", "--json").stdout)}
    assert listed[thread_id]["status"] == "completed" and listed[thread_id]["document"] == "mismatch.txt"
    shown = json.loads(_claimflow(dev_server, "show", thread_id, "--json").stdout)
    assert shown["fields"]["total_amount"] == {**shown["fields"]["total_amount"], "value": "180.00", "status": "edited"}
    explained = _claimflow(dev_server, "explain", thread_id).stdout
    assert "reviewer kim" in explained
    _clean_log(dev_server)


async def test_a_document_sent_as_base64_is_stored_and_completes(dev_server: Server, client: LangGraphClient) -> None:
    data = text_pdf(invoice_text("NW-2024-0302"))
    thread_id = (await client.threads.create())["thread_id"]
    document = {"content_base64": base64.b64encode(data).decode(), "filename": "sent.pdf"}
    assert not _errors(await _stream(client, thread_id, input=document))
    state = await client.threads.get_state(thread_id)
    assert state["values"]["content_base64"] is None  # the bytes went to the store, not into checkpoints
    # LangGraph keeps the input as sent in the checkpoints before intake (README): in none after it.
    history = await client.threads.get_history(thread_id)
    holding = [checkpoint["next"] for checkpoint in history if document["content_base64"] in json.dumps(checkpoint)]
    assert holding == [["intake"], ["__start__"]]  # newest first
    assert state["values"]["run"]["status"] == "completed"
    assert state["values"]["record"]["filename"] == "sent.pdf"
    shown = json.loads(_claimflow(dev_server, "show", thread_id, "--json").stdout)
    assert shown["document"] == "sent.pdf" and shown["status"] == "completed"
    assert shown["fields"]["invoice_number"]["value"] == "NW-2024-0302"
    _clean_log(dev_server)


async def test_bad_input_is_refused_with_its_reason(dev_server: Server, client: LangGraphClient) -> None:
    for document, said in [
        ({}, "send one document"),
        ({"content_base64": "not base64!", "filename": "x.pdf"}, "not valid base64"),
        ({"content_base64": base64.b64encode(b"x").decode()}, 'needs a "filename"'),
    ]:
        thread_id = (await client.threads.create())["thread_id"]
        (error,) = _errors(await _stream(client, thread_id, input=document))
        assert said in error["message"]
    # A path the server cannot read is a failed run with the reason, as `claimflow run` records it.
    thread_id = (await client.threads.create())["thread_id"]
    assert not _errors(await _stream(client, thread_id, input={"path": str(dev_server.docs / "missing.pdf")}))
    run = (await client.threads.get_state(thread_id))["values"]["run"]
    assert run["status"] == "failed" and "missing.pdf cannot be read" in run["error"]
    assert json.loads(_claimflow(dev_server, "show", thread_id, "--json").stdout)["status"] == "failed"


async def test_a_review_decided_with_the_cli_reaches_the_thread_when_it_is_next_resumed(
    dev_server: Server, client: LangGraphClient
) -> None:
    path = write(dev_server.docs, "decided-elsewhere.txt", mismatch_invoice_text("NW-2024-0303"))
    thread_id = (await client.threads.create())["thread_id"]
    assert not _errors(await _stream(client, thread_id, input={"path": str(path)}))
    assert (await client.threads.get_state(thread_id))["interrupts"]
    _claimflow(dev_server, "review", "decide", thread_id, "--reviewer", "ann", "--approve")
    # The resume's value was meant for the review ann answered: it is not applied, and the thread says so.
    assert not _errors(await _stream(client, thread_id, command={"resume": {"reviewer": "bob", "action": "approve"}}))
    state = await client.threads.get_state(thread_id)
    assert state["interrupts"] == [] and state["values"]["run"]["status"] == "completed"
    assert "was answered elsewhere; this resume applied nothing" in state["values"]["refused"]
    explained = _claimflow(dev_server, "explain", thread_id).stdout
    assert "approved by reviewer ann" in explained and "bob" not in explained


async def test_another_document_on_a_thread_that_holds_a_run_is_refused(
    dev_server: Server, client: LangGraphClient
) -> None:
    first = write(dev_server.docs, "first-on-thread.txt", invoice_text("NW-2024-0304"))
    other = write(dev_server.docs, "second-on-thread.txt", invoice_text("NW-2024-0305"))
    thread_id = (await client.threads.create())["thread_id"]
    assert not _errors(await _stream(client, thread_id, input={"path": str(first)}))

    # A thread holds one run: the second document is not silently ignored, with the first run shown as its result.
    (error,) = _errors(await _stream(client, thread_id, input={"path": str(other)}))
    assert "a thread holds one run" in error["message"] and "first-on-thread.txt" in error["message"]
    # The same document again goes on with the thread's run.
    assert not _errors(await _stream(client, thread_id, input={"path": str(first)}))
    state = await client.threads.get_state(thread_id)
    assert state["values"]["run"]["document"] == "first-on-thread.txt"
    assert state["values"]["run"]["status"] == "completed"
    listed = json_lines(_claimflow(dev_server, "runs", "--json").stdout)
    assert not [view for view in listed if view["document"] == "second-on-thread.txt"]


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _one_line(reason: str) -> None:
    assert "\n" not in reason.strip() and "errors.pydantic.dev" not in reason and "validation error" not in reason


async def _readable(client: LangGraphClient, thread_id: str) -> dict[str, Any]:
    """The thread's state, after checking that its history reads too."""
    assert await client.threads.get_history(thread_id)
    return dict(await client.threads.get_state(thread_id))


async def test_a_thread_paused_for_review_refuses_any_other_input_and_keeps_its_review(
    dev_server: Server, client: LangGraphClient
) -> None:
    path = write(dev_server.docs, "paused-then-sent.txt", mismatch_invoice_text("NW-2024-0306"))
    other = write(dev_server.docs, "not-this-one.txt", invoice_text("NW-2024-0307"))
    thread_id = (await client.threads.create())["thread_id"]
    assert not _errors(await _stream(client, thread_id, input={"path": str(path)}))
    paused = await client.threads.get_state(thread_id)
    request, review_id = paused["values"]["review"], paused["values"]["review_id"]

    holds = f"this thread holds run {thread_id} of paused-then-sent.txt, and a thread holds one run"
    for document, said in [
        ({"content_base64": _b64(b"hello"), "filename": "x.txt"}, holds),  # the integrator's case
        ({"path": str(other)}, holds),
        ({}, "send one document"),
        ({"foo": 1}, "send one document"),
        ({"path": ""}, "path: String should have at least 1 character"),
        ({"path": str(path), "content_base64": _b64(b"hello"), "filename": "x.txt"}, "send one document"),
        ({"path": 5}, "path: Input should be a valid string"),
    ]:
        result = await client.runs.wait(thread_id, "documents", input=document)
        assert said in result["refused"], (document, result["refused"])
        _one_line(result["refused"])
        state = await _readable(client, thread_id)
        # The same review waits: its request is the interrupt's value, and claimflow's review id has not moved.
        (waiting,) = state["interrupts"]
        assert waiting["value"] == request and state["values"]["review_id"] == review_id
        assert state["values"]["run"]["status"] == "needs_review" and state["values"]["refused"] == result["refused"]
        assert state["values"]["content_base64"] is None and state["values"]["path"] is None

    good = {"reviewer": "kim", "action": "edit", "edits": {"total_amount": ["180.00"]}}
    done = await client.runs.wait(thread_id, "documents", command={"resume": good})
    assert done["run"]["status"] == "completed" and done["refused"] is None
    final = await _readable(client, thread_id)
    assert final["interrupts"] == [] and final["values"]["record"]["run_id"] == thread_id
    shown = json.loads(_claimflow(dev_server, "show", thread_id, "--json").stdout)
    assert shown["document"] == "paused-then-sent.txt" and shown["status"] == "completed"
    assert shown["fields"]["total_amount"]["value"] == "180.00"
    _clean_log(dev_server)


async def test_a_completed_thread_refuses_another_document_and_keeps_its_record(
    dev_server: Server, client: LangGraphClient
) -> None:
    data = text_pdf(invoice_text("NW-2024-0308"))
    other = write(dev_server.docs, "after-the-bytes.txt", invoice_text("NW-2024-0309"))
    thread_id = (await client.threads.create())["thread_id"]
    sent = {"content_base64": _b64(data), "filename": "sent-first.pdf"}
    assert not _errors(await _stream(client, thread_id, input=sent))
    record = (await client.threads.get_state(thread_id))["values"]["record"]

    for document, said in [
        ({"path": str(other)}, f"this thread holds run {thread_id} of sent-first.pdf, and a thread holds one run"),
        ({"content_base64": _b64(b"hello")}, '"content_base64" needs a "filename"'),
        ({"foo": 1}, "send one document"),
    ]:
        (error,) = _errors(await _stream(client, thread_id, input=document))
        assert error["error"] == "RunRefusedError" and said in error["message"]
        _one_line(error["message"])
        state = await _readable(client, thread_id)
        assert state["values"]["record"] == record and state["values"]["run"]["status"] == "completed"
        assert state["values"]["refused"] == error["message"] and state["values"]["content_base64"] is None

    # The same bytes again go on with the thread's run, which is done.
    assert not _errors(await _stream(client, thread_id, input=sent))
    state = await _readable(client, thread_id)
    assert state["values"]["record"] == record and state["values"]["refused"] is None and state["next"] == []


async def test_a_fresh_thread_refused_an_input_takes_a_valid_one_next(
    dev_server: Server, client: LangGraphClient
) -> None:
    some = _b64(b"hello")
    refusals = [
        ({}, "send one document"),
        ({"foo": 1}, "send one document"),
        ({"path": ""}, "path: String should have at least 1 character"),
        ({"path": str(dev_server.docs / "a.txt"), "content_base64": some, "filename": "both.txt"}, "send one document"),
        ({"content_base64": "not base64!", "filename": "x.pdf"}, "not valid base64"),
        ({"path": str(dev_server.docs / "a.txt"), "filename": "named.pdf"}, '"filename" goes with "content_base64"'),
    ]
    for number, (document, said) in enumerate(refusals):
        # Each valid input sends the keys the refused one did not, and the other way round.
        text = invoice_text(f"NW-2024-{number + 312:04d}")
        path = write(dev_server.docs, f"after-refusal-{number}.txt", text)
        bytes_sent = {"content_base64": _b64(text_pdf(text.replace("NW-", "NB-"))), "filename": f"sent-{number}.pdf"}
        for valid, named in [(bytes_sent, f"sent-{number}.pdf"), ({"path": str(path)}, path.name)]:
            thread_id = (await client.threads.create())["thread_id"]
            (error,) = _errors(await _stream(client, thread_id, input=document))
            assert error["error"] == "RunRefusedError" and said in error["message"], (document, error)
            _one_line(error["message"])
            state = await _readable(client, thread_id)
            assert state["values"].get("run") is None and state["values"]["refused"] == error["message"]
            # What the refused input sent is gone: the valid input is read alone, not merged with it.
            assert not _errors(await _stream(client, thread_id, input=valid))
            state = await _readable(client, thread_id)
            assert state["values"]["run"]["document"] == named and state["values"]["refused"] is None
            assert state["values"]["run"]["status"] == "completed"


async def test_a_decision_sent_before_the_review_it_meets_opened_is_refused(
    dev_server: Server, client: LangGraphClient
) -> None:
    path = write(dev_server.docs, "two-decisions.txt", mismatch_invoice_text("NW-2024-0310"))
    thread_id = (await client.threads.create())["thread_id"]
    assert not _errors(await _stream(client, thread_id, input={"path": str(path)}))
    first_review = (await client.threads.get_state(thread_id))["values"]["review_id"]

    # Two reviewers answer the review they both saw, one right after the other: the first edit breaks the sum, so
    # the run pauses on a new review when the second decision's run starts. That review is not the one ana saw.
    breaks_the_sum = {"reviewer": "kim", "action": "edit", "edits": {"total_amount": ["9999.00"]}}
    approves = {"reviewer": "ana", "action": "approve"}
    runs = [
        await client.runs.create(thread_id, "documents", command={"resume": decision}, multitask_strategy="enqueue")
        for decision in (breaks_the_sum, approves)
    ]
    for run in runs:
        await client.runs.join(thread_id, run["run_id"])

    state = await client.threads.get_state(thread_id)
    values = state["values"]
    assert values["run"]["status"] == "needs_review", values["run"]
    assert values["review_id"] != first_review, "kim's edit was applied and opened another review"
    assert "opened after this decision was made" in values["refused"], values["refused"]
    assert [item["value"]["run_id"] for item in state["interrupts"]] == [thread_id]
    shown = json.loads(_claimflow(dev_server, "show", thread_id, "--json").stdout)
    assert shown["status"] == "needs_review" and shown["fields"]["total_amount"]["value"] == "9999.00"

    # Sent now, after the new review opened, ana's answer is taken.
    fixed = {"reviewer": "ana", "action": "edit", "edits": {"total_amount": ["180.00"]}}
    done = await client.runs.wait(thread_id, "documents", command={"resume": fixed})
    assert done["run"]["status"] == "completed" and done["refused"] is None
    _clean_log(dev_server)


async def test_the_review_shows_the_tables_an_approval_approves_and_says_what_a_decision_is(
    dev_server: Server, client: LangGraphClient
) -> None:
    path = write(dev_server.docs, "tables-shown.txt", mismatch_invoice_text("NW-2024-0311"))
    thread_id = (await client.threads.create())["thread_id"]
    parts = await _stream(client, thread_id, input={"path": str(path)})
    (interrupt,) = [data for event, data in parts if event == "updates" and "__interrupt__" in data]
    request = interrupt["__interrupt__"][0]["value"]
    shown = json.loads(_claimflow(dev_server, "review", "show", thread_id, "--json").stdout)
    assert request["tables"] == shown["tables"], "the server's reviewer sees the rows the CLI's reviewer sees"
    assert [table["name"] for table in request["tables"]] == ["line_items"]

    for bad, said in [
        (["approve"], 'a decision is an object: {"reviewer": NAME'),
        ("approve", 'a decision is an object: {"reviewer": NAME'),
        ({"reviewer": "kim", "action": "reject"}, "a rejection needs a reason"),
    ]:
        (error,) = _errors(await _stream(client, thread_id, command={"resume": bad}))
        assert error["error"] == "InvalidDecisionError" and said in error["message"], error
        assert "Value error" not in error["message"] and "ReviewDecision" not in error["message"]


async def _refused_resume(client: LangGraphClient, thread_id: str, resume: Any) -> dict[str, Any]:
    """Send `resume` on the thread three ways (stream, wait, create): each is refused with 409; the body once."""
    before = len(await client.runs.list(thread_id))
    with pytest.raises(ConflictError) as streamed:
        await _stream(client, thread_id, command={"resume": resume})
    with pytest.raises(httpx.HTTPStatusError) as waited:  # runs.wait raises httpx's own, the body in a note
        await client.runs.wait(thread_id, "documents", command={"resume": resume})
    with pytest.raises(ConflictError) as created:
        await client.runs.create(thread_id, "documents", command={"resume": resume})
    assert waited.value.response.status_code == 409
    body = streamed.value.body
    assert (
        isinstance(body, dict)
        and created.value.body == body
        and [json.loads(note) for note in waited.value.__notes__] == [body]
    )
    assert len(await client.runs.list(thread_id)) == before, "a refused resume starts no run"
    return body


async def test_a_decision_with_no_open_review_to_answer_is_refused_saying_where_the_run_stands(
    dev_server: Server, client: LangGraphClient
) -> None:
    # A decision for a run that completed without review: LangGraph would take it and do nothing.
    done = write(dev_server.docs, "late-after-completion.txt", invoice_text("NW-2024-0323"))
    thread_id = (await client.threads.create())["thread_id"]
    assert not _errors(await _stream(client, thread_id, input={"path": str(done)}))
    refused = await _refused_resume(client, thread_id, {"reviewer": "kim", "action": "approve"})
    assert refused["message"] == (
        f"decision refused: run {thread_id} is completed, not waiting for review. "
        "The thread's state shows where it stands (`threads.get_state`)."
    )
    assert refused["run"]["run_id"] == thread_id and refused["run"]["status"] == "completed"
    assert refused["review_id"] is None and refused["interrupts"] == []

    # The same decision twice (a client's retry, a second reviewer): the second names the one that came first.
    twice = write(dev_server.docs, "decided-twice.txt", mismatch_invoice_text("NW-2024-0324"))
    thread_id = (await client.threads.create())["thread_id"]
    assert not _errors(await _stream(client, thread_id, input={"path": str(twice)}))
    good = {"reviewer": "kim", "action": "edit", "edits": {"total_amount": ["180.00"]}}
    assert (await client.runs.wait(thread_id, "documents", command={"resume": good}))["run"]["status"] == "completed"
    second = {"reviewer": "ana", "action": "reject", "reason": "duplicate"}
    for decision in (good, second):
        refused = await _refused_resume(client, thread_id, decision)
        message = refused["message"]
        # Who came first, as `review decide` and the REST API say it: the review, the reviewer, when, and what.
        assert re.match(
            rf"decision refused: run {thread_id} is completed, not waiting for review; review \S+ was already decided"
            r" by kim at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[.\d]*\+00:00: edited total_amount\. The thread's state",
            message,
        ), message
    shown = json.loads(_claimflow(dev_server, "show", thread_id, "--json").stdout)
    assert shown["status"] == "completed" and shown["fields"]["total_amount"]["value"] == "180.00"
    _clean_log(dev_server)


async def test_a_decision_keyed_by_an_interrupt_the_thread_does_not_wait_on_is_refused_and_the_review_stays_open(
    dev_server: Server, client: LangGraphClient
) -> None:
    path = write(dev_server.docs, "keyed-decisions.txt", mismatch_invoice_text("NW-2024-0325"))
    thread_id = (await client.threads.create())["thread_id"]
    assert not _errors(await _stream(client, thread_id, input={"path": str(path)}))
    (first,) = (await client.threads.get_state(thread_id))["interrupts"]

    # Keyed by its interrupt id, a decision answers that interrupt: this edit breaks the sum, and opens another.
    breaks_the_sum = {"reviewer": "kim", "action": "edit", "edits": {"total_amount": ["9999.00"]}}
    paused = await client.runs.wait(thread_id, "documents", command={"resume": {first["id"]: breaks_the_sum}})
    assert paused["run"]["status"] == "needs_review" and paused["refused"] is None
    waiting = await client.threads.get_state(thread_id)
    (second,) = waiting["interrupts"]
    assert second["id"] != first["id"]
    review_id = waiting["values"]["review_id"]

    # Sent again for the interrupt it answered, or for one never this thread's: refused, the new review still open.
    approves = {"reviewer": "ana", "action": "approve"}
    for stale in (first["id"], "0" * 32):
        refused = await _refused_resume(client, thread_id, {stale: approves})
        assert refused["message"] == (
            f"decision refused, the review stays open: it answers interrupt {stale}, which thread {thread_id} "
            f"does not wait on; it waits on {second['id']} (review {review_id} of run {thread_id}): read it again "
            "(`threads.get_state`) and answer that one"
        )
        assert refused["review_id"] == review_id and refused["interrupts"] == [second["id"]]
        assert refused["run"]["status"] == "needs_review"
        still = await client.threads.get_state(thread_id)
        assert [item["id"] for item in still["interrupts"]] == [second["id"]]
        assert still["values"]["review_id"] == review_id

    # The pending interrupt's decision is taken.
    fixed = {"reviewer": "ana", "action": "edit", "edits": {"total_amount": ["180.00"]}}
    done = await client.runs.wait(thread_id, "documents", command={"resume": {second["id"]: fixed}})
    assert done["run"]["status"] == "completed" and done["refused"] is None
    explained = _claimflow(dev_server, "explain", thread_id).stdout
    assert "approved" not in explained  # ana's stale approval never reached the run
    _clean_log(dev_server)


def _decisions(server: Server, run_id: str) -> list[dict[str, Any]]:
    """The run's decision history, as the registry keeps it."""
    with sqlite3.connect(server.data_dir / "claimflow.db") as db:
        db.row_factory = sqlite3.Row
        found = db.execute(
            "SELECT interrupt_id, reviewer, decision, outcome, message FROM review_decisions"
            " WHERE run_id = ? ORDER BY seq",
            (run_id,),
        )
        return [dict(row) for row in found]


async def test_a_decision_the_server_refuses_is_kept_in_the_runs_decision_history_as_the_cli_keeps_one(
    dev_server: Server, client: LangGraphClient
) -> None:
    path = write(dev_server.docs, "refusals-kept.txt", mismatch_invoice_text("NW-2024-0326"))
    thread_id = (await client.threads.create())["thread_id"]
    assert not _errors(await _stream(client, thread_id, input={"path": str(path)}))
    good = {"reviewer": "kim", "action": "edit", "edits": {"total_amount": ["180.00"]}}
    assert (await client.runs.wait(thread_id, "documents", command={"resume": good}))["run"]["status"] == "completed"

    # The same late approval, once through the CLI and once through the server: both refused, both kept alike.
    late = run_cli(
        "review", "decide", thread_id, "--reviewer", "ana", "--approve", CLAIMFLOW_DATA_DIR=str(dev_server.data_dir)
    )
    assert late.returncode == 1, late.stderr
    (cli_kept,) = _decisions(dev_server, thread_id)[1:]
    said = (await _refused_resume(client, thread_id, {"reviewer": "ana", "action": "approve"}))["message"]
    history = _decisions(dev_server, thread_id)
    assert [(kept["reviewer"], kept["outcome"]) for kept in history] == [("kim", "applied")] + [("ana", "refused")] * 4
    for kept in history[2:]:  # the refusal sent three ways is kept three times
        assert {**kept, "message": cli_kept["message"]} == cli_kept
        assert kept["message"] == said.removeprefix("decision refused: ").removesuffix(
            " The thread's state shows where it stands (`threads.get_state`)."
        )
        assert kept["message"].startswith(f"run {thread_id} is completed, not waiting for review; review ")
        assert "was already decided by kim at " in kept["message"]  # in the words `review decide` prints

    # A resume that names no reviewer, or is no decision at all, is kept as sent, its reviewer not named.
    await _refused_resume(client, thread_id, {"action": "approve"})
    await _refused_resume(client, thread_id, "yes")
    unnamed = _decisions(dev_server, thread_id)[5:]
    assert [(kept["reviewer"], json.loads(kept["decision"])) for kept in unnamed] == [
        ("(not named)", {"action": "approve"})
    ] * 3 + [("(not named)", "yes")] * 3
    assert all(kept["outcome"] == "refused" for kept in unnamed)

    # Keyed by an interrupt the thread does not wait on: the reviewer, the reason, and the interrupt it named.
    await _refused_resume(client, thread_id, {"0" * 32: {"reviewer": "lee", "action": "approve"}})
    keyed = _decisions(dev_server, thread_id)[-1]
    assert (keyed["reviewer"], keyed["interrupt_id"], keyed["outcome"]) == ("lee", "0" * 32, "refused")
    assert keyed["message"].startswith(f"run {thread_id} is completed, not waiting for review")

    # explain says which interrupt each refused answer was for, and that a plain resume on the done run named none.
    told = [line for line in _claimflow(dev_server, "explain", thread_id).stdout.splitlines() if ", refused" in line]
    assert len(told) == 13  # ana's by the CLI, then each of the four resumes above sent three ways
    assert all(" (no interrupt named), refused - " in line for line in told[:-3]), told
    for line in told[-3:]:
        assert line.startswith("review: lee chose approve at ") and f" for interrupt {'0' * 32}, refused - " in line
    refused = json.loads(_claimflow(dev_server, "explain", thread_id, "--json").stdout)["refused_decisions"]
    assert [entry["interrupt_id"] for entry in refused] == [None] * 10 + ["0" * 32] * 3
    _clean_log(dev_server)


async def test_a_decision_that_fails_its_checks_through_the_server_is_kept_as_refused_as_the_cli_keeps_one(
    dev_server: Server, client: LangGraphClient
) -> None:
    path = write(dev_server.docs, "invalid-kept.txt", mismatch_invoice_text("NW-2024-0327"))
    thread_id = (await client.threads.create())["thread_id"]
    assert not _errors(await _stream(client, thread_id, input={"path": str(path)}))
    waiting = await client.threads.get_state(thread_id)
    (open_interrupt,) = waiting["interrupts"]
    review_id = waiting["values"]["review_id"]

    # The same amount that cannot be read, once through the CLI and once through the server: both kept alike.
    by_cli = run_cli(
        "review", "decide", thread_id, "--reviewer", "kim", "--set", "total_amount=lots",
        CLAIMFLOW_DATA_DIR=str(dev_server.data_dir),
    )  # fmt: skip
    assert by_cli.returncode == 1, by_cli.stderr
    (cli_kept,) = _decisions(dev_server, thread_id)
    lots = {"reviewer": "kim", "action": "edit", "edits": {"total_amount": ["lots"]}}
    (error,) = _errors(await _stream(client, thread_id, command={"resume": lots}))
    assert error["error"] == "InvalidDecisionError"
    (_, server_kept) = _decisions(dev_server, thread_id)
    assert server_kept == cli_kept
    assert (server_kept["interrupt_id"], server_kept["outcome"]) == (review_id, "refused")
    assert error["message"] == f"decision refused, the review stays open: {server_kept['message']}"
    assert "cannot be read as an amount" in server_kept["message"]

    # An unknown field, an action the review does not offer, no decision at all: each kept as sent, with why.
    sent: list[Any] = [
        {"reviewer": "ana", "action": "edit", "edits": {"colour": ["red"]}},
        {"reviewer": "ana", "action": "maybe"},
        "approve",
    ]
    for bad in sent:
        (error,) = _errors(await _stream(client, thread_id, command={"resume": bad}))
        assert error["error"] == "InvalidDecisionError"
        kept = _decisions(dev_server, thread_id)[-1]
        assert (kept["interrupt_id"], kept["outcome"]) == (review_id, "refused")
        assert error["message"] == f"decision refused, the review stays open: {kept['message']}"
    kept_sent = _decisions(dev_server, thread_id)[2:]
    assert [kept["reviewer"] for kept in kept_sent] == ["ana", "ana", "(not named)"]
    assert [json.loads(kept["decision"]) for kept in kept_sent][1:] == sent[1:]
    assert "unknown field 'colour'" in kept_sent[0]["message"] and "action" in kept_sent[1]["message"]

    # The review stays open, and explain lists every refusal with who, when, why and the review it answered.
    still = await client.threads.get_state(thread_id)
    assert [item["id"] for item in still["interrupts"]] == [open_interrupt["id"]]
    told = [line for line in _claimflow(dev_server, "explain", thread_id).stdout.splitlines() if ", refused" in line]
    reasons = [kept["message"] for kept in _decisions(dev_server, thread_id)]
    who = ["kim", "kim", "ana", "ana", "(not named)"]
    assert len(told) == 5
    for line, name, reason in zip(told, who, reasons, strict=True):
        assert line.startswith(f"review: {name} chose ") and line.endswith(
            f" for interrupt {review_id}, refused - {reason}"
        ), line
    refused = json.loads(_claimflow(dev_server, "explain", thread_id, "--json").stdout)["refused_decisions"]
    assert [(entry["reviewer"], entry["interrupt_id"], entry["reason"]) for entry in refused] == list(
        zip(who, [review_id] * 5, reasons, strict=True)
    )
    _clean_log(dev_server)


async def test_a_decision_on_a_thread_without_a_run_is_refused(client: LangGraphClient) -> None:
    thread_id = (await client.threads.create())["thread_id"]
    refused = await _refused_resume(client, thread_id, {"reviewer": "kim", "action": "approve"})
    assert refused["message"] == (
        f"decision refused: thread {thread_id} holds no claimflow run, so no review waits for a decision; "
        'send a document first (`{"path": ...}`)'
    )
    assert refused["run"] is None


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
async def test_a_stopped_server_closes_claimflows_engines_and_its_runs_stand_as_written(
    tmp_path: Path, signum: int
) -> None:
    process, server = _launch(tmp_path)
    try:
        path = write(server.docs, "before-the-stop.txt", mismatch_invoice_text("NW-2024-0320"))
        async with get_client(url=server.url) as client:
            thread_id = (await client.threads.create())["thread_id"]
            assert not _errors(await _stream(client, thread_id, input={"path": str(path)}))
            review_id = (await client.threads.get_state(thread_id))["values"]["review_id"]
    finally:
        code = _stop(process, signum)

    assert code in (0, -signum), f"langgraph dev exited with {code}"
    logged = re.sub(r"\x1b\[[0-9;]*m", "", server.logged())
    for said in ("Traceback", "[error", "asynchronous generator"):
        assert said not in logged, logged[-4000:]
    assert "claimflow engines closed" in logged
    # What the server wrote stands: the paused run and its review, which the CLI then answers.
    with sqlite3.connect(server.data_dir / "claimflow.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    shown = json.loads(_claimflow(server, "review", "show", thread_id, "--json").stdout)
    assert shown["interrupt_id"] == review_id
    _claimflow(server, "review", "decide", thread_id, "--reviewer", "ann", "--approve")
    assert json.loads(_claimflow(server, "show", thread_id, "--json").stdout)["status"] == "completed"


async def test_a_thread_deleted_while_its_run_waits_for_review_fails_the_run_saying_so(
    dev_server: Server, client: LangGraphClient
) -> None:
    waiting = write(dev_server.docs, "deleted-while-waiting.txt", mismatch_invoice_text("NW-2024-0321"))
    done = write(dev_server.docs, "deleted-when-done.txt", invoice_text("NW-2024-0322"))
    thread_id, done_thread = [(await client.threads.create())["thread_id"] for _ in range(2)]
    assert not _errors(await _stream(client, thread_id, input={"path": str(waiting)}))
    review_id = (await client.threads.get_state(thread_id))["values"]["review_id"]
    assert not _errors(await _stream(client, done_thread, input={"path": str(done)}))

    await client.threads.delete(thread_id)
    await client.threads.delete(done_thread)

    # No client can reach the review any more: the run no longer waits on it, and says why and what to do.
    shown = json.loads(_claimflow(dev_server, "show", thread_id, "--json").stdout)
    assert shown["status"] == "failed"
    assert shown["error"] == (
        f"its LangGraph thread was deleted while it waited for review {review_id}; "
        f"`claimflow rerun {thread_id}` runs its document again"
    )
    assert thread_id not in {
        view["run_id"] for view in json_lines(_claimflow(dev_server, "review", "list", "--json").stdout)
    }
    assert "LangGraph thread was deleted" in _claimflow(dev_server, "explain", thread_id).stdout
    # A completed run keeps its record: deleting its thread deletes the server's copy only.
    assert json.loads(_claimflow(dev_server, "show", done_thread, "--json").stdout)["status"] == "completed"
    # The way out it names works: the document runs again, and waits for a review the CLI can answer.
    (again,) = json_lines(_claimflow(dev_server, "rerun", thread_id, "--json").stdout)
    assert again["status"] == "needs_review" and again["document"] == "deleted-while-waiting.txt"
    _clean_log(dev_server)
