"""One run whose state this claimflow cannot read (a newer one compressed it with a dictionary this one lacks)
stops nothing beyond itself: the review sweep (`review sweep` and the server's own) acts on every other review and
names that run, `export` writes every other record and names it, and the API's and review page's answers about
that one run say why, never a 500.

Real `claimflow` processes on a real data directory, and a served API; each test works on a copy of it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import time
from pathlib import Path

import httpx
import pytest

from claimflow.runtime.data_dir import CHECKPOINT_FILE
from tests.integration._docs import flat, invoice_text, json_lines, mismatch_invoice_text, run_cli, write
from tests.integration._newer_dictionary import NEWER, compressed_by_a_newer_claimflow
from tests.integration._serving import serving
from tests.web.test_review_pages import form_of

SAID = (
    f"its state cannot be read here: it was compressed with dictionary {NEWER}, which this claimflow does not have "
    "(a newer claimflow wrote it); upgrade to read it"
)
"""How that run is told about, as the lists tell it: never with the server's dictionaries folder."""
FOLDER = "checkpoint_dictionaries"
"""The server's folder of dictionaries, which an answer over HTTP must not name."""
POLICY = {"review": {"due": {"*": "0s"}}}
"""Every review is due the moment it opens: a sweep acts on each at once (marks it overdue)."""


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """A data directory, its policy, and run ids by name: two completed runs and two paused, one of each a newer
    claimflow's (only their checkpoint values are relabelled). The paused one it cannot read is the older: a sweep
    meets it first.
    """
    root = tmp_path_factory.mktemp("unreadable")
    inbox, data, policy = root / "inbox", root / "data", root / "policy.json"
    policy.write_text(json.dumps(POLICY), encoding="utf-8")
    write(inbox, "1-done.txt", invoice_text("NW-2024-0800"))
    write(inbox, "2-newer-paused.txt", mismatch_invoice_text("NW-2024-0801"))
    write(inbox, "3-paused.txt", mismatch_invoice_text("NW-2024-0802"))
    write(inbox, "4-newer-done.txt", invoice_text("NW-2024-0803"))
    ran = run_cli("run", inbox, "--json", "--data-dir", data, timeout=240, CLAIMFLOW_POLICY=str(policy))
    assert ran.returncode == 0, ran.stderr
    views = {view["document"][2:-4]: view for view in json_lines(ran.stdout)}  # "2-newer-paused.txt": newer-paused
    ids = {name: str(view["run_id"]) for name, view in views.items()}
    assert {name: view["status"] for name, view in views.items()} == {
        "done": "completed",
        "newer-paused": "needs_review",
        "paused": "needs_review",
        "newer-done": "completed",
    }
    for newer in ("newer-paused", "newer-done"):
        assert compressed_by_a_newer_claimflow(data / CHECKPOINT_FILE, ids[newer]) > 0
    return data, policy, ids


@pytest.fixture
def runs(made: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """A copy of the made data directory, for a test that changes it (a sweep marks reviews)."""
    data, policy, ids = made
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    return copy, policy, ids


def _review_events(data: Path, run_id: str) -> list[str]:
    traced = run_cli("trace", run_id, "--json", "--data-dir", data)
    assert traced.returncode == 0, traced.stderr
    return [item["type"] for item in json_lines(traced.stdout) if item["type"].startswith("review.")]


def test_review_sweep_acts_on_every_other_review_and_names_the_run_it_cannot_read(
    runs: tuple[Path, Path, dict[str, str]],
) -> None:
    data, policy, ids = runs
    swept = run_cli("review", "sweep", "--json", "--data-dir", data, CLAIMFLOW_POLICY=str(policy))
    assert "Traceback" not in swept.stderr
    assert swept.returncode == 1, swept.stderr  # as for a follow-up that could not be done
    outcomes = {item["run_id"]: item for item in json_lines(swept.stdout)}
    assert set(outcomes) == {ids["paused"], ids["newer-paused"]}
    assert outcomes[ids["paused"]]["action"] == "overdue"
    assert (outcomes[ids["newer-paused"]]["action"], outcomes[ids["newer-paused"]]["detail"]) == ("failed", SAID)
    assert _review_events(data, ids["paused"]) == ["review.requested", "review.overdue"]

    table = run_cli("review", "sweep", "--data-dir", data, CLAIMFLOW_POLICY=str(policy))
    assert table.returncode == 1 and "Traceback" not in table.stderr
    assert ids["newer-paused"][:12] in table.stdout and SAID in flat(table.stdout)  # every sweep names it, untouched


def test_the_servers_sweep_goes_on_and_logs_the_run_it_cannot_read(runs: tuple[Path, Path, dict[str, str]]) -> None:
    data, policy, ids = runs
    with serving(data, CLAIMFLOW_POLICY=str(policy), CLAIMFLOW_SWEEP_SECONDS="1") as (_, server):
        deadline = time.monotonic() + 30
        while "review.overdue" not in _review_events(data, ids["paused"]):
            assert time.monotonic() < deadline, "the server's sweep did not mark the readable overdue review"
            time.sleep(0.5)
        assert server.poll() is None
        server.terminate()
        _, logged = server.communicate(timeout=20)
    assert f"review of run {ids['newer-paused']} failed (assignee None): {SAID}" in logged
    assert "the review sweep failed" not in logged and "Traceback" not in logged


@pytest.mark.parametrize("name", ["records.jsonl", "records.csv"])
def test_export_writes_every_other_record_and_names_the_run_it_left_out(
    made: tuple[Path, Path, dict[str, str]], tmp_path: Path, name: str
) -> None:
    data, _, ids = made
    output = tmp_path / name
    exported = run_cli("export", output, "--data-dir", data)
    assert "Traceback" not in exported.stderr
    assert exported.returncode == 1, exported.stderr  # as for runs of a type not loaded: the rest is written
    said = flat(exported.stderr)
    assert "wrote 1 record(s)" in said and f"error: left out run {ids['newer-done']}: {SAID}" in said
    text = output.read_text(encoding="utf-8")
    assert ids["done"] in text and ids["newer-done"] not in text
    if name.endswith(".jsonl"):
        assert [record["run_id"] for record in json_lines(text)] == [ids["done"]]

    typed = run_cli("export", tmp_path / "contracts.jsonl", "--type", "contract", "--data-dir", data)
    assert typed.returncode == 0, typed.stderr  # d is an invoice: no part of an export of contracts


def test_the_api_and_the_review_page_answer_about_the_run_they_cannot_read(
    made: tuple[Path, Path, dict[str, str]],
) -> None:
    data, _, ids = made
    tokens = {}
    for name, role, *types in (
        ("admin", "admin"),
        ("reviewer", "reviewer"),
        ("contracts", "reviewer", "--types", "contract"),
    ):
        made_token = run_cli("token", "create", "--name", name, "--role", role, *types, "--json", "--data-dir", data)
        assert made_token.returncode == 0, made_token.stderr
        tokens[name] = {"Authorization": f"Bearer {json.loads(made_token.stdout)['token']}"}
    with (
        serving(data, CLAIMFLOW_SWEEP_SECONDS="0") as (base, server),
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        for name, status in (("newer-paused", "needs_review"), ("newer-done", "completed")):
            shown = client.get(f"/v1/runs/{ids[name]}", headers=tokens["admin"])
            assert shown.status_code == 200, shown.text
            body = shown.json()
            assert (body["status"], body["fields"], body["error"]) == (status, {}, SAID)  # as GET /v1/runs lists it

        for path, run_id, who in (
            ("/v1/runs/{}/explain", ids["newer-paused"], "admin"),
            ("/v1/runs/{}/explain", ids["newer-done"], "admin"),
            ("/v1/runs/{}/record", ids["newer-done"], "admin"),
            ("/v1/reviews/{}", ids["newer-paused"], "reviewer"),
        ):
            refused = client.get(path.format(run_id), headers=tokens[who])
            assert refused.status_code == 409, (path, refused.text)  # as for a run it cannot act on now
            assert refused.json()["message"] == f"run {run_id}: {SAID}" and FOLDER not in refused.text
        # A reviewer of other types learns nothing of it, as of any run of a type it may not review.
        assert client.get(f"/v1/reviews/{ids['newer-paused']}", headers=tokens["contracts"]).status_code == 404
        assert client.get(f"/v1/reviews/{ids['paused']}", headers=tokens["reviewer"]).status_code == 200

        signed = client.post("/review/sign-in", data={"token": tokens["reviewer"]["Authorization"].split()[1]})
        assert signed.status_code in (200, 303), signed.text
        page = client.get(f"/review/runs/{ids['newer-paused']}")
        assert page.status_code == 409, page.text
        text = " ".join(re.sub(r"<[^>]+>", " ", page.text).split())
        assert f"Run {ids['newer-paused']}: {SAID}" in text and FOLDER not in page.text
        readable_page = client.get(f"/review/runs/{ids['paused']}")
        assert readable_page.status_code == 200

        # A form loaded before a newer claimflow wrote the run's state: a page that says the edit was not saved
        # and shows back what was typed, as for any late form; not the API's JSON.
        late = client.post(
            f"/review/runs/{ids['newer-paused']}",
            data={
                **form_of(readable_page.text),
                "action": "edit",
                "field.total_amount": "180.00",
                "comment": "checked",
            },
        )
        assert late.status_code == 409 and late.headers["content-type"].startswith("text/html"), late.text
        said = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", late.text).split()))
        assert f"Your edits were NOT saved: run {ids['newer-paused']}: {SAID}." in said and FOLDER not in late.text
        typed = dict(re.findall(r"<dt>([^<]*)</dt><dd><pre>([^<]*)</pre></dd>", late.text))
        assert typed == {"total_amount": "180.00", "Comment": "checked"}
        assert server.poll() is None
