"""`claimflow replay` on runs recorded through a real HTTP model server: reuse, diffs, refusals, no writes."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from dataclasses import replace
from pathlib import Path
from typing import Any

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.discovery import load_target
from claimflow.state.schema import DocumentType
from tests.fakes.openai_server import (
    FakeModelServer,
    ReceivedRequest,
    Reply,
    document_run_replies,
    overlapping,
)
from tests.integration._docs import invoice_text, json_lines, run_cli, write
from tests.integration._expense_type import expense_claim_module
from tests.integration._receiver import webhook_receiver

MODEL = "openai:fake-model"


CLAIM = "EXPENSE CLAIM\nClaim No.: EC-7\nApproved budget: 100.00\nAmount claimed: 105.00\n"


def _types(path: Path, *, slack: str = "1", guidance: str = "", version: str = "1") -> Path:
    path.write_text(expense_claim_module(slack=slack, guidance=guidance, version=version))
    return path


def _declared(path: Path) -> DocumentType:
    """The type the file declares, loaded as `--types FILE` loads it."""
    [active] = load_target(f"{path}:EXPENSE_CLAIM", "--types", path.parent)
    return active.doc_type


def _stored(data: Path) -> dict[str, str]:
    """sha256 of every row of every table of the registry and the checkpoints, and of every stored blob."""
    digests = {}
    for database in sorted(data.glob("*.db")):  # the registry and the checkpoints
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
            tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")]
            for table in tables:
                rows = connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall()  # noqa: S608
                digests[f"{database.name}:{table}"] = hashlib.sha256(repr(rows).encode()).hexdigest()
    for blob in sorted(path for path in data.rglob("*") if path.is_file() and "blobs" in path.parts):
        digests[str(blob.relative_to(data))] = hashlib.sha256(blob.read_bytes()).hexdigest()
    return digests


def _record(tmp_path: Path, server: FakeModelServer, types: Path) -> tuple[dict[str, Any], list[str]]:
    """One run of the expense claim through the fake server, recorded; its view and the data options."""
    doc = write(tmp_path / "docs", "claim.txt", CLAIM)
    server.script(*document_run_replies(types=[_declared(types)]))
    data = ["--data-dir", str(tmp_path / "data"), "--types", str(types)]
    live = run_cli(
        "run", doc, "--json", "--model", MODEL, "--base-url", server.base_url, "--record", tmp_path / "rec", *data,
        OPENAI_API_KEY="",
    )  # fmt: skip
    assert live.returncode == 0, live.stderr
    (view,) = json_lines(live.stdout)
    assert len(server.requests) == 2
    return view, data


def _replay(server: FakeModelServer, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    done = run_cli("replay", *args, "--json", "--base-url", server.base_url, timeout=120, OPENAI_API_KEY="")
    return done.returncode, json_lines(done.stdout), done.stderr


def test_an_unchanged_run_replays_from_its_recordings_with_no_diff_no_model_call_and_nothing_stored_changed(
    tmp_path: Path, server: FakeModelServer
) -> None:
    types = _types(tmp_path / "expense_types.py")
    view, data = _record(tmp_path, server, types)
    before = _stored(tmp_path / "data")
    assert any(key.endswith(":events") for key in before) and any("checkpoint" in key for key in before)

    code, lines, stderr = _replay(server, view["run_id"], *data)

    assert code == 0, stderr
    [replayed, summary] = lines
    assert len(server.requests) == 2, "no model was called"
    assert replayed["run_id"] == view["run_id"] and replayed["replay_id"] != view["run_id"]
    assert (replayed["before"], replayed["after"], replayed["changed"]) == ("needs_review", "needs_review", False)
    assert replayed["changes"] == []
    assert [(s["prompt"], s["source"], s["reason"], s["verified"]) for s in replayed["steps"]] == [
        ("classify@3", "recorded", "unchanged", True),
        ("extract_expense_claim@1", "recorded", "unchanged", True),
    ]
    assert summary == {"summary": {"runs": 1, "changed": 0, "refused": 0, "model_calls": 0, "changes": {}}}
    assert _stored(tmp_path / "data") == before, "the stored run is unchanged, byte for byte"


def test_a_changed_business_rule_shows_in_the_diff_and_calls_no_model(tmp_path: Path, server: FakeModelServer) -> None:
    types = _types(tmp_path / "expense_types.py")
    view, data = _record(tmp_path, server, types)
    assert view["status"] == "needs_review"  # 105.00 claimed against a budget of 100.00
    _types(types, slack="1.1")  # the rule now allows 10 % over budget

    code, [replayed, summary], stderr = _replay(server, "--status", "needs_review", *data)

    assert code == 0, stderr
    assert len(server.requests) == 2, "unchanged steps reuse their recordings"
    assert [s["source"] for s in replayed["steps"]] == ["recorded", "recorded"]
    changes = {c["key"]: (c["before"], c["after"]) for c in replayed["changes"]}
    assert changes["rule validate_expense_claim amount_within_budget(amount,budget)"] == (
        "failed: claimed against budget",
        "passed",
    )
    assert changes["run status"] == ("needs_review", "completed")
    assert changes["route route_validation"][1].startswith("finalize")
    assert not any(key.startswith(("claim ", "field ")) for key in changes), "the claims themselves did not change"
    assert replayed["changed"] is True
    assert summary["summary"]["changed"] == 1 and summary["summary"]["changes"]["run status"] == 1


def test_a_changed_prompt_calls_the_model_for_that_step_only(tmp_path: Path, server: FakeModelServer) -> None:
    types = _types(tmp_path / "expense_types.py")
    view, data = _record(tmp_path, server, types)
    _types(types, guidance="The amount claimed is the figure after 'Amount claimed'.", version="2")
    server.script(document_run_replies(types=[_declared(types)])[1])  # the extraction's answer only

    code, [replayed, summary], stderr = _replay(server, view["run_id"], *data)

    assert code == 0, stderr
    assert len(server.requests) == 3, "exactly one new call"
    assert "fields from a document of type expense_claim." in server.requests[-1].text_of("system")
    assert [(s["prompt"], s["source"], s["reason"]) for s in replayed["steps"]] == [
        ("classify@3", "recorded", "unchanged"),
        ("extract_expense_claim@2", "called", "prompt changed"),
    ]
    assert summary["summary"]["model_calls"] == 1


def test_a_changed_step_whose_model_cannot_be_built_refuses_the_replay_rather_than_failing_the_run(
    tmp_path: Path, server: FakeModelServer
) -> None:
    types = _types(tmp_path / "expense_types.py")
    view, data = _record(tmp_path, server, types)
    _types(types, guidance="The amount claimed is the figure after 'Amount claimed'.", version="2")

    done = run_cli(
        "replay", view["run_id"], *data, "--json", "--model", "anthropic:fake-claude", timeout=120,
        ANTHROPIC_API_KEY="",
    )  # fmt: skip

    assert done.returncode == 1
    [replayed, summary] = json_lines(done.stdout)
    assert replayed["refused"] and replayed["changes"] == [], "a replay that could not ask is not a changed outcome"
    assert [s["source"] for s in replayed["steps"]] == ["recorded"], "the changed step was never called"
    assert summary["summary"] | {"changes": {}} == {
        "runs": 1, "changed": 0, "refused": 1, "model_calls": 0, "changes": {},
    }  # fmt: skip
    message = " ".join(done.stderr.split())
    assert (
        f"run {view['run_id']}: step extract_expense_claim (extract_expense_claim@2, prompt changed) cannot be "
        "asked: anthropic:fake-claude needs an API key: set ANTHROPIC_API_KEY"
    ) in message
    assert len(server.requests) == 2


def test_an_answer_edited_by_hand_after_recording_is_refused_naming_the_run_step_and_recording(
    tmp_path: Path, server: FakeModelServer
) -> None:
    types = _types(tmp_path / "expense_types.py")
    view, data = _record(tmp_path, server, types)
    [recording] = (tmp_path / "rec" / "extract_expense_claim").glob("*.json")
    edited = json.loads(recording.read_text(encoding="utf-8"))
    edited["raw"] = edited["raw"].replace("105.00", "95.00")
    recording.write_text(json.dumps(edited, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    code, [replayed, _], stderr = _replay(server, view["run_id"], *data)

    assert code == 1
    assert len(server.requests) == 2, "the edited answer is neither served nor asked again"
    assert replayed["refused"] and replayed["changes"] == []
    message = " ".join(stderr.split())
    assert view["run_id"] in message and "step extract_expense_claim" in message and recording.name in message
    assert "edited after it was recorded" in message

    served = run_cli(
        "run", tmp_path / "docs" / "claim.txt", "--json", "--model", f"replay:{tmp_path / 'rec'}",
        "--data-dir", tmp_path / "replayed", "--types", types,
    )  # fmt: skip
    (failed,) = json_lines(served.stdout)
    assert failed["status"] == "failed"
    assert "edited after it was recorded" in failed["error"] and recording.name in failed["error"]


def test_a_recording_without_its_answer_hash_replays_reported_unverified(
    tmp_path: Path, server: FakeModelServer
) -> None:
    types = _types(tmp_path / "expense_types.py")
    view, data = _record(tmp_path, server, types)
    [recording] = (tmp_path / "rec" / "classify").glob("*.json")
    older = json.loads(recording.read_text(encoding="utf-8"))
    del older["answer_sha256"]  # as recorded before answers were hashed
    recording.write_text(json.dumps(older, indent=2, sort_keys=True) + "\n", encoding="utf-8")

    code, [replayed, _], stderr = _replay(server, view["run_id"], *data)

    assert code == 0, stderr
    assert [(s["prompt"], s["verified"]) for s in replayed["steps"]] == [
        ("classify@3", False),
        ("extract_expense_claim@1", True),
    ]
    text = run_cli("replay", view["run_id"], "--base-url", server.base_url, *data, OPENAI_API_KEY="")
    assert "classify@3: recorded answer reused (unverified" in text.stdout


def test_a_changed_policy_threshold_shows_in_the_diff_and_calls_no_model(
    tmp_path: Path, server: FakeModelServer
) -> None:
    doc = write(tmp_path / "docs", "invoice.txt", invoice_text())
    server.script(*document_run_replies(types=BUILTIN_TYPES))
    data = ["--data-dir", str(tmp_path / "data")]
    live = run_cli(
        "run", doc, "--json", "--model", MODEL, "--base-url", server.base_url, "--record", tmp_path / "rec", *data,
        OPENAI_API_KEY="",
    )  # fmt: skip
    (view,) = json_lines(live.stdout)
    assert view["status"] == "completed", view

    done = run_cli(
        "replay", view["run_id"], "--json", *data, OPENAI_API_KEY="", CLAIMFLOW_HIGH_RISK_TOTAL="100"
    )  # a total of 180.00 is now high-risk: a mandatory review

    assert done.returncode == 0, done.stderr
    [replayed, summary] = json_lines(done.stdout)
    assert len(server.requests) == 2 and summary["summary"]["model_calls"] == 0
    changes = {c["key"]: (c["before"], c["after"]) for c in replayed["changes"]}
    assert changes["run status"] == ("completed", "needs_review")
    assert not any(key.startswith("claim ") for key in changes), "the claims themselves did not change"


def test_runs_replayed_concurrently_give_the_diffs_of_one_at_a_time_in_the_runs_order(
    tmp_path: Path, server: FakeModelServer
) -> None:
    types = _types(tmp_path / "expense_types.py")
    first, data = _record(tmp_path, server, types)
    second_doc = write(tmp_path / "docs2", "claim.txt", CLAIM.replace("105.00", "250.00").replace("EC-7", "EC-8"))
    server.script(*document_run_replies(types=[_declared(types)]))
    live = run_cli(
        "run", second_doc, "--json", "--model", MODEL, "--base-url", server.base_url, "--record", tmp_path / "rec",
        *data, OPENAI_API_KEY="",
    )  # fmt: skip
    assert live.returncode == 0, live.stderr
    (second,) = json_lines(live.stdout)
    # A looser budget rule changes the first run's outcome only; a new prompt version makes every
    # extraction a real call.
    _types(types, slack="1.1", guidance="The amount claimed is the figure after 'Amount claimed'.", version="2")
    extract = document_run_replies(types=[_declared(types)])[1]

    def slow(request: ReceivedRequest) -> Reply:
        return replace(extract(request), delay_s=0.3)

    runs = [first["run_id"], second["run_id"]]
    outcomes = {}
    for concurrency in (1, 2):
        # Two at once are answered together once both arrived; one at a time, each after a short delay.
        waiting = len(server.requests) + 2
        paced = overlapping(server, slow, requests=waiting) if concurrency == 2 else slow
        server.script(paced, paced)
        server.max_in_flight = 0
        code, lines, stderr = _replay(server, *runs, "--concurrency", str(concurrency), *data)
        assert code == 0, stderr
        assert server.max_in_flight == concurrency
        *replayed, summary = lines
        assert [r["run_id"] for r in replayed] == runs
        assert summary["summary"]["model_calls"] == 2
        outcomes[concurrency] = [(r["before"], r["after"], r["changes"], r["steps"]) for r in replayed]
    assert outcomes[2] == outcomes[1]
    first_changes = {change["key"] for change in outcomes[1][0][2]}
    assert "run status" in first_changes, outcomes[1][0][2]
    assert "run status" not in {change["key"] for change in outcomes[1][1][2]}


def test_a_reviewed_run_replays_its_reviewers_decision_and_reads_unchanged(
    tmp_path: Path, server: FakeModelServer
) -> None:
    types = _types(tmp_path / "expense_types.py")
    view, data = _record(tmp_path, server, types)
    decided = run_cli("review", "decide", view["run_id"], "--reviewer", "ana", "--set", "amount=100.00", *data)
    assert decided.returncode == 0, decided.stderr
    assert json_lines(decided.stdout)[0]["status"] == "completed"

    code, [replayed, summary], stderr = _replay(server, "--status", "completed", *data)

    assert code == 0, stderr
    assert len(server.requests) == 2, "no model was called"
    assert (replayed["before"], replayed["after"], replayed["changed"]) == ("completed", "completed", False)
    assert replayed["changes"] == []
    assert replayed["reviews"] == [{"reviewer": "ana", "action": "edit", "outcome": "replayed", "message": None}]
    shown = run_cli("replay", view["run_id"], "--base-url", server.base_url, *data, OPENAI_API_KEY="")
    assert "  review 1: ana's edit replayed" in shown.stdout.splitlines()

    # Once the rule lets the claim through, the replay never pauses: the decision is reported as not reached,
    # and the diff shows the run completing by the machine's own judgement.
    _types(types, slack="1.1")
    code, [replayed, summary], stderr = _replay(server, "--status", "completed", *data)

    assert code == 0, stderr
    assert replayed["reviews"] == [
        {
            "reviewer": "ana",
            "action": "edit",
            "outcome": "not reached",
            "message": "the replay ended completed without pausing for review",
        }
    ]
    changes = {c["key"]: (c["before"], c["after"]) for c in replayed["changes"]}
    assert changes["field amount"] == ("100.00 (edited)", "105.00 (accepted)")


def test_a_duplicate_replays_unchanged_seeing_the_runs_completed_before_it_and_no_later_one(
    tmp_path: Path, server: FakeModelServer
) -> None:
    """The replay's duplicate rule sees the stored runs as the original did, and nothing stored changes."""
    docs = tmp_path / "docs"
    first, copy = write(docs, "a.txt", invoice_text()), write(docs, "b.txt", invoice_text() + "\n")
    server.script(*document_run_replies(), *document_run_replies())
    data = ["--data-dir", str(tmp_path / "data")]
    live = run_cli(
        "run", first, copy, "--json", "--model", MODEL, "--base-url", server.base_url, "--record", tmp_path / "rec",
        *data, OPENAI_API_KEY="",
    )  # fmt: skip
    assert live.returncode == 0, live.stderr
    original, duplicate = json_lines(live.stdout)
    assert (original["status"], duplicate["status"]) == ("completed", "needs_review")
    before = _stored(tmp_path / "data")

    code, [replayed, _], stderr = _replay(server, "--status", "needs_review", *data)

    assert code == 0, stderr
    assert replayed["run_id"] == duplicate["run_id"]
    assert (replayed["before"], replayed["after"], replayed["changes"]) == ("needs_review", "needs_review", [])
    assert len(server.requests) == 4, "no model was called"
    assert _stored(tmp_path / "data") == before

    # The copy approved completes later: the first run, which validated before that, still sees no duplicate.
    decided = run_cli("review", "decide", duplicate["run_id"], "--reviewer", "ana", "--approve", *data)
    assert decided.returncode == 0, decided.stderr
    code, lines, stderr = _replay(server, "--status", "completed", *data)

    assert code == 0, stderr
    assert [(r["run_id"], r["before"], r["after"], r["changes"]) for r in lines[:-1]] == [
        (original["run_id"], "completed", "completed", []),
        (duplicate["run_id"], "completed", "completed", []),
    ]
    assert len(server.requests) == 4, "no model was called"


def test_a_duplicate_of_a_run_in_review_replays_unchanged(tmp_path: Path, server: FakeModelServer) -> None:
    """The run it copies held the key first, in review, not completed: the replay sees it as the original did."""
    docs = tmp_path / "docs"
    first, copy = write(docs, "a.txt", invoice_text()), write(docs, "b.txt", invoice_text() + "\n")
    server.script(*document_run_replies(), *document_run_replies())
    data = ["--data-dir", str(tmp_path / "data")]
    live = [
        run_cli(
            "run",
            path,
            "--json",
            "--model",
            MODEL,
            "--base-url",
            server.base_url,
            "--record",
            tmp_path / "rec",
            *data,
            OPENAI_API_KEY="",
            **env,
        )  # fmt: skip
        for path, env in ((first, {"CLAIMFLOW_FIELD_AUTO_ACCEPT": "0.99"}), (copy, {}))
    ]
    assert all(done.returncode == 0 for done in live), [done.stderr for done in live]
    (original,), (duplicate,) = (json_lines(done.stdout) for done in live)
    assert (original["status"], duplicate["status"]) == ("needs_review", "needs_review")

    code, lines, stderr = _replay(server, duplicate["run_id"], *data)

    assert code == 0, stderr
    assert [(r["before"], r["after"], r["changes"]) for r in lines[:1]] == [("needs_review", "needs_review", [])]
    assert len(server.requests) == 4, "no model was called"


def test_a_replay_that_completes_a_run_delivers_nothing(tmp_path: Path, server: FakeModelServer) -> None:
    # The replay ran with production's delivery settings: a replayed record went to the real target.
    types = _types(tmp_path / "expense_types.py")
    view, data = _record(tmp_path, server, types)
    assert view["status"] == "needs_review"
    _types(types, slack="1.1")  # replayed, the run completes

    with webhook_receiver("secret") as receiver:
        env = {"CLAIMFLOW_DELIVER": f"webhook:{receiver.url}", "CLAIMFLOW_DELIVER_SECRET": "secret"}
        done = run_cli("replay", view["run_id"], "--json", *data, timeout=120, OPENAI_API_KEY="", **env)

    assert done.returncode == 0, done.stderr
    [replayed, _] = json_lines(done.stdout)
    assert (replayed["before"], replayed["after"]) == ("needs_review", "completed")
    assert receiver.received == []
