"""`claimflow serve` as a real process on a free port, with tokens made by `claimflow token create`."""

from __future__ import annotations

import json
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.openai_server import FakeModelServer, Reply, document_run_replies
from tests.integration._batches import wait_until
from tests.integration._docs import invoice_text, json_lines, mismatch_invoice_text, run_cli
from tests.integration._forked import ForkedProcess
from tests.integration._serving import serving

pytestmark = pytest.mark.slow


def _token(data_dir: Path, name: str, role: str, *more: str) -> str:
    made = run_cli("token", "create", "--name", name, "--role", role, *more, "--data-dir", data_dir)
    assert made.returncode == 0, made.stderr
    assert "shown only now" in made.stderr
    return made.stdout.strip()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path, ForkedProcess]]:
    data_dir = tmp_path / "data"
    with serving(data_dir) as (base, server):
        yield base, data_dir, server


def test_upload_follow_decide_and_revoke_over_http(served: tuple[str, Path, ForkedProcess]) -> None:
    base, data_dir, server = served
    submitter = {"Authorization": f"Bearer {_token(data_dir, 'intake', 'submitter')}"}
    reviewer = {"Authorization": f"Bearer {_token(data_dir, 'kim', 'reviewer', '--types', 'invoice')}"}

    with httpx.Client(base_url=base, timeout=30) as client:
        upload = client.post(
            "/v1/documents", files={"file": ("m.txt", mismatch_invoice_text().encode())}, headers=submitter
        )
        assert upload.status_code == 201
        run_id = upload.json()["run_id"]

        # Events arrive as the run moves, in order, and the stream ends when it pauses for review.
        ids, types = [], []
        with client.stream("GET", f"/v1/runs/{run_id}/events/stream", headers=submitter) as stream:
            assert stream.headers["content-type"].startswith("text/event-stream")
            for line in stream.iter_lines():
                if line.startswith("id: "):
                    ids.append(int(line[4:]))
                elif line.startswith("event: "):
                    types.append(line[7:])
        assert types[0] == "run.started" and types[-1] == "end"
        assert "review.requested" in types
        assert ids == sorted(set(ids))
        listed = client.get(f"/v1/runs/{run_id}/events", headers=submitter).json()
        assert [event["seq"] for event in listed] == ids

        review = client.get(f"/v1/reviews/{run_id}", headers=reviewer).json()
        decided = client.post(
            f"/v1/reviews/{run_id}/decision",
            json={"interrupt_id": review["interrupt_id"], "action": "edit", "edits": {"total_amount": ["180.00"]}},
            headers=reviewer,
        )
        assert decided.status_code == 200 and decided.json()["status"] == "completed"

        revoked = run_cli("token", "revoke", "kim", "--data-dir", data_dir)
        assert revoked.returncode == 0, revoked.stderr
        assert client.get("/v1/reviews", headers=reviewer).status_code == 401

    listed_tokens = json_lines(run_cli("token", "list", "--json", "--data-dir", data_dir).stdout)
    assert [(t["name"], t["role"], t["types"], t["revoked_at"] is not None) for t in listed_tokens] == [
        ("intake", "submitter", None, False),
        ("kim", "reviewer", ["invoice"], True),
    ]
    assert all("token" not in entry for entry in listed_tokens)
    shown = json.loads(run_cli("show", run_id, "--json", "--data-dir", data_dir).stdout)
    assert shown["status"] == "completed"

    # SIGTERM shuts down gracefully: the engine closes (uvicorn then ends by the signal it caught).
    server.send_signal(signal.SIGTERM)
    _, stderr = server.communicate(timeout=30)
    assert "Application shutdown complete" in stderr
    assert server.returncode in (0, -signal.SIGTERM)


def test_token_commands_refuse_bad_requests_with_a_message(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    _token(data_dir, "kim", "reviewer")

    again = run_cli("token", "create", "--name", "kim", "--role", "admin", "--data-dir", data_dir)
    bad_role = run_cli("token", "create", "--name", "x", "--role", "root", "--data-dir", data_dir)
    bad_type = run_cli(
        "token", "create", "--name", "y", "--role", "reviewer", "--types", "memo", "--data-dir", data_dir
    )
    types_for_admin = run_cli(
        "token", "create", "--name", "z", "--role", "admin", "--types", "invoice", "--data-dir", data_dir
    )
    bad_name = run_cli("token", "create", "--name", "a b", "--role", "admin", "--data-dir", data_dir)
    unknown = run_cli("token", "revoke", "nobody", "--data-dir", data_dir)

    assert again.returncode == 1 and "a token named 'kim' exists" in again.stderr
    assert bad_role.returncode == 1 and "use one of submitter, reviewer, admin" in bad_role.stderr
    assert bad_type.returncode == 2 and "memo" in bad_type.stderr
    assert types_for_admin.returncode == 1 and "takes none" in types_for_admin.stderr
    assert bad_name.returncode == 1 and "token name 'a b'" in bad_name.stderr
    assert unknown.returncode == 1 and "no active token named nobody" in unknown.stderr
    for refused in (again, bad_role, bad_type, types_for_admin, bad_name):
        assert refused.stdout == ""  # no token printed
    # A revoked name may be used again, with a new token.
    assert run_cli("token", "revoke", "kim", "--data-dir", data_dir).returncode == 0
    assert _token(data_dir, "kim", "admin").startswith("cf_")


def test_a_run_of_a_killed_server_completes_when_the_server_starts_again(
    tmp_path: Path, server: FakeModelServer
) -> None:
    data_dir = tmp_path / "data"
    admin = {"Authorization": f"Bearer {_token(data_dir, 'ops', 'admin')}"}
    model = ("--model", "openai:fake-model", "--base-url", server.base_url)
    server.script(Reply(delay_s=600))  # the first classify call never answers: the server dies meanwhile
    with serving(data_dir, *model) as (base, first):
        upload = httpx.post(
            f"{base}/v1/documents", files={"file": ("m.txt", invoice_text().encode())}, headers=admin, timeout=30
        )
        run_id = upload.json()["run_id"]
        wait_until(lambda: len(server.requests) == 1, timeout=60, what="the run's first model call", alive=first)
        first.send_signal(signal.SIGKILL)
        first.communicate(timeout=30)
    assert json.loads(run_cli("show", run_id, "--json", "--data-dir", data_dir).stdout)["status"] == "running"

    server.script(*document_run_replies())
    with serving(data_dir, *model) as (base, second):
        wait_until(
            lambda: httpx.get(f"{base}/v1/runs/{run_id}", headers=admin, timeout=30).json()["status"] == "completed",
            timeout=60,
            what="the run's completion after the restart",
            alive=second,
        )
    assert len(server.requests) == 3  # the cut-off classify, then classify and extract again


def test_serve_refuses_a_broken_setting_or_type_before_it_starts(tmp_path: Path) -> None:
    bad_type = run_cli("serve", "--port", "0", "--types", "no_such_module_here", "--data-dir", tmp_path / "data")
    bad_setting = run_cli("serve", "--port", "0", "--data-dir", tmp_path / "data", CLAIMFLOW_SERVE_CONCURRENCY="0")

    assert bad_type.returncode == 2 and "no_such_module_here" in bad_type.stderr
    assert bad_setting.returncode == 2 and "CLAIMFLOW_SERVE_CONCURRENCY=0" in bad_setting.stderr
    for refused in (bad_type, bad_setting):
        assert "Traceback" not in refused.stderr and "Uvicorn running" not in refused.stderr


def test_serve_on_a_port_in_use_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    # Exit code 3 is for a data directory or database that cannot be reached; a port taken is a usage error.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = run_cli("serve", "--port", str(port), "--data-dir", tmp_path / "data")

    assert refused.returncode == 2, refused.stderr
    assert refused.stderr.splitlines() == [
        f"error: cannot listen on 127.0.0.1:{port}: Address already in use; another process listens there: stop it,"
        " or choose another --port"
    ]


def test_serve_says_what_it_serves_and_who_advances_its_runs(tmp_path: Path) -> None:
    # A server started without CLAIMFLOW_EXECUTION=queue, or on the wrong data directory, shows it in its first line.
    data_dir = tmp_path / "data"
    with serving(data_dir, CLAIMFLOW_SERVE_CONCURRENCY="3") as (_, server):
        server.terminate()
        _, errors = server.communicate(timeout=20)
    assert errors is not None
    [line] = [line for line in errors.splitlines() if line.startswith("serving ")]
    assert line == (
        f"serving data directory {data_dir}, model rules; runs advance in this process, 3 at a time"
        " (CLAIMFLOW_SERVE_CONCURRENCY)"
    ), errors
