"""One run whose state this claimflow cannot read (a newer one compressed it with a dictionary this one lacks)
does not stop a list of runs: every list shows the other runs as before, and that run with a note naming the
dictionary, exit code 0 and no traceback.

Real `claimflow` processes on a real data directory: the CLI's lists, and a served API and review page.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from claimflow.runtime.data_dir import CHECKPOINT_FILE
from tests.integration._docs import invoice_text, json_lines, mismatch_invoice_text, run_cli, write
from tests.integration._newer_dictionary import NEWER, compressed_by_a_newer_claimflow
from tests.integration._serving import serving

EXAMPLES = Path(__file__).parents[2] / "examples" / "documents"
SAID = (
    f"its state cannot be read here: it was compressed with dictionary {NEWER}, which this claimflow does not have "
    "(a newer claimflow wrote it); upgrade to read it"
)
"""How each list marks the run: never with the server's paths (the dictionaries' folder), which a list over HTTP
would hand its callers."""


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A data directory with a completed run, a paused one, and a paused one a newer claimflow wrote: run ids by name.

    Only that run's checkpoint values are relabelled; the others are as this claimflow wrote them.
    """
    root = tmp_path_factory.mktemp("listings")
    inbox, data = root / "inbox", root / "data"
    write(inbox, "a-clean.txt", invoice_text("NW-2024-0700"))
    write(inbox, "b-mismatch.txt", mismatch_invoice_text("NW-2024-0701"))
    shutil.copy(EXAMPLES / "contract-nda.txt", inbox / "c-newer.txt")
    ran = run_cli("run", inbox, "--json", "--data-dir", data, timeout=240)
    assert ran.returncode == 0, ran.stderr
    views = {view["document"]: view for view in json_lines(ran.stdout)}
    assert [views[name]["status"] for name in ("a-clean.txt", "b-mismatch.txt", "c-newer.txt")] == [
        "completed",
        "needs_review",
        "needs_review",
    ]
    ids = {name.split("-")[0]: str(view["run_id"]) for name, view in views.items()}
    assert compressed_by_a_newer_claimflow(data / CHECKPOINT_FILE, ids["c"]) > 0
    assert run_cli("show", ids["c"], "--data-dir", data).returncode == 1  # as the run's own commands refuse it
    return data, ids


def _listed(data: Path, *command: str) -> str:
    done = run_cli(*command, "--data-dir", data)
    assert done.returncode == 0, (command, done.stderr)
    assert "Traceback" not in done.stderr, command
    return done.stdout


def _by_run(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {str(item["run_id"]): item for item in items}


def test_runs_json_lists_every_run_and_says_which_cannot_be_read(runs: tuple[Path, dict[str, str]]) -> None:
    data, ids = runs
    listed = _by_run(json_lines(_listed(data, "runs", "--json")))
    assert set(listed) == set(ids.values())
    assert listed[ids["a"]]["status"] == "completed" and listed[ids["a"]]["fields"]["total_amount"]["value"]
    assert listed[ids["a"]]["error"] is None
    assert listed[ids["b"]]["review_reasons"] and listed[ids["b"]]["error"] is None
    newer = listed[ids["c"]]
    assert newer["status"] == "needs_review" and newer["document"] == "c-newer.txt"
    assert newer["fields"] == {} and newer["error"] == SAID


def test_review_list_lists_every_waiting_run_with_a_note_on_the_one_it_cannot_read(
    runs: tuple[Path, dict[str, str]],
) -> None:
    data, ids = runs
    waiting = _by_run(json_lines(_listed(data, "review", "list", "--json")))
    assert set(waiting) == {ids["b"], ids["c"]}
    assert waiting[ids["b"]]["interrupt_id"] and waiting[ids["b"]]["note"] is None
    assert waiting[ids["b"]]["review_reasons"]
    assert waiting[ids["c"]]["interrupt_id"] is None and waiting[ids["c"]]["note"] == SAID

    table = " ".join(_listed(data, "review", "list").split())
    assert ids["b"][:12] in table and "validation_failed" in table
    assert ids["c"][:12] in table and SAID in table

    assert "needs_review 2" in _listed(data, "status")
    assert ids["c"][:12] in _listed(data, "runs")


def test_the_api_and_the_review_page_list_every_run_and_mark_the_one_they_cannot_read(
    runs: tuple[Path, dict[str, str]],
) -> None:
    data, ids = runs
    tokens = {}
    for role in ("admin", "reviewer"):
        made = run_cli("token", "create", "--name", role, "--role", role, "--json", "--data-dir", data)
        assert made.returncode == 0, made.stderr
        tokens[role] = {"Authorization": f"Bearer {json.loads(made.stdout)['token']}"}
    with serving(data) as (base, server), httpx.Client(base_url=base, timeout=30) as client:
        page = client.get("/v1/runs", headers=tokens["admin"])
        assert page.status_code == 200, page.text
        listed = _by_run(page.json()["items"])
        assert set(listed) == set(ids.values()) and listed[ids["a"]]["status"] == "completed"
        assert listed[ids["c"]]["fields"] == {} and listed[ids["c"]]["error"] == SAID

        queue = client.get("/v1/reviews", headers=tokens["reviewer"])
        assert queue.status_code == 200, queue.text
        waiting = _by_run(queue.json())
        assert set(waiting) == {ids["b"], ids["c"]} and waiting[ids["b"]]["interrupt_id"]
        assert waiting[ids["c"]]["interrupt_id"] is None and waiting[ids["c"]]["note"] == SAID

        metrics = client.get("/metrics", headers=tokens["admin"])
        assert metrics.status_code == 200, metrics.text
        assert "claimflow_reviews_waiting 2" in metrics.text

        signed = client.post("/review/sign-in", data={"token": tokens["reviewer"]["Authorization"].split()[1]})
        assert signed.status_code in (200, 303), signed.text
        shown = client.get("/review")
        assert shown.status_code == 200, shown.text
        text = " ".join(re.sub(r"<[^>]+>", " ", shown.text).split())
        assert "c-newer.txt" in text and "b-mismatch.txt" in text and SAID in text
        assert server.poll() is None
