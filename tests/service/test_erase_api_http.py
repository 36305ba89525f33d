"""`POST /v1/runs/{id}/erase` and `POST /v1/runs/erase` over real HTTP on SQLite: what they answer and refuse,
what is left, what they show.

And the refusals that protect other runs: a run held by a `rerun` under way (the erase would take the new run's
document from under it), a run whose document another run shares; and a page image a running server kept in
memory, once another process erased its run.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.registry.runs import close_owner, engine_owner
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, text_pdf
from tests.integration._erasing import Cli
from tests.service._erasing_http import erase, erased_over_http, served_with_a_monitor


def test_an_admin_erases_a_finished_run_over_http_and_every_view_of_it_says_erased(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with served_with_a_monitor(settings) as served:
        erased_over_http(served, Cli(tmp_path, None).stored_bytes)
        listed = served.call("GET", "/openapi.json", "root").json()["paths"]["/v1/runs/{run_id}/erase"]["post"]
    assert set(listed["responses"]) >= {"200", "403", "404", "409", "422"}


def test_a_run_a_rerun_holds_or_whose_document_another_run_shares_is_not_erased(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with served_with_a_monitor(settings) as served:
        first = served.upload("a.txt", invoice_text("NW-2024-0771").encode()).json()["run_id"]
        second = served.upload("b.txt", invoice_text("NW-2024-0772").encode()).json()["run_id"]
        copy = served.upload("copy-of-a.txt", invoice_text("NW-2024-0771").encode()).json()["run_id"]
        for run_id in (first, second, copy):
            assert served.settled(run_id)["status"] in ("completed", "needs_review", "rejected")

        shared = erase(served, first)
        assert shared.status_code == 409, shared.text
        assert shared.json()["message"] == (
            f"run {first} shares its document with run(s) {copy}: erase them together "
            f"(claimflow erase {first} {copy} --reason ...); nothing was erased"
        )

        # As `rerun` holds a run, from another process, while it makes the new run of the same document.
        async def hold() -> str:
            async with open_engine(settings, types=BUILTIN_TYPES) as other:
                row = await other.registry.get_run(second)
                owner = engine_owner()
                await other.registry.claim(second, owner=owner, allowed=(row.status,), status=row.status)
                return owner

        owner = asyncio.run(hold())
        try:
            held = erase(served, second)
        finally:
            close_owner(owner)
        assert held.status_code == 409, held.text
        assert f"run {second} is being processed by {owner}" in held.json()["message"]
        for run_id in (first, second):
            assert served.call("GET", f"/v1/runs/{run_id}", "root").json()["document"] != "[erased]"
        assert erase(served, second).status_code == 200, "once given back, it is erased"


def test_a_page_image_a_server_showed_is_not_shown_once_another_process_erased_its_run(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with served_with_a_monitor(settings) as served:
        run_id = served.upload("invoice.pdf", text_pdf(invoice_text("NW-2024-0881"))).json()["run_id"]
        assert served.settled(run_id)["status"] == "completed"
        page = served.call("GET", f"/v1/documents/{run_id}/pages/1", "kim")
        assert page.status_code == 200 and page.headers["content-type"] == "image/png"

        async def erase_elsewhere() -> None:  # as `claimflow erase` does, beside the server
            async with open_engine(settings, types=BUILTIN_TYPES) as other:
                await other.erase([run_id], reason="request DS-22")

        asyncio.run(erase_elsewhere())
        after = served.call("GET", f"/v1/documents/{run_id}/pages/1", "kim")
    assert after.status_code == 404, (after.status_code, after.headers.get("content-type"))
    assert after.json()["message"] == f"run {run_id} was erased: its document is no longer stored"


def test_runs_that_share_a_document_are_erased_together_in_one_request(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data")
    with served_with_a_monitor(settings) as served:
        first = served.upload("a.txt", invoice_text("NW-2024-0991").encode()).json()["run_id"]
        copy = served.upload("copy-of-a.txt", invoice_text("NW-2024-0991").encode()).json()["run_id"]
        other = served.upload("b.txt", invoice_text("NW-2024-0992").encode()).json()["run_id"]
        for run_id in (first, copy, other):  # the copy waits for review as a duplicate: finished by rejecting it
            if served.settled(run_id)["status"] == "needs_review":
                review = served.call("GET", f"/v1/reviews/{run_id}", "root").json()
                decision = {"interrupt_id": review["interrupt_id"], "action": "reject", "reason": "a duplicate"}
                rejected = served.call("POST", f"/v1/reviews/{run_id}/decision", "root", json=decision)
                assert rejected.status_code == 200, rejected.text
            assert served.settled(run_id)["status"] in ("completed", "failed")
        alone = erase(served, first)
        assert alone.status_code == 409 and copy in alone.json()["message"], alone.text  # its copy shares it

        def together(who: str, **body: object) -> httpx.Response:
            return served.call("POST", "/v1/runs/erase", who, json=body)

        assert together("watch", runs=[first, copy], reason="DS-31").status_code == 403
        assert together("kim", runs=[first, copy], reason="DS-31").status_code == 403
        assert together("root", runs=[], reason="DS-31").status_code == 422
        assert together("root", runs=[first, copy], reason=" ").status_code == 422
        unknown = together("root", runs=[first, "f" * 32], reason="DS-31")
        assert unknown.status_code == 404, unknown.text
        partial = together("root", runs=[first, other], reason="DS-31")  # the copy not named: refused, all of it
        assert partial.status_code == 409, partial.text
        assert f"shares its document with run(s) {copy}" in partial.json()["message"]
        for run_id in (first, copy, other):
            assert served.call("GET", f"/v1/runs/{run_id}", "root").json()["document"] != "[erased]"

        done = together("root", runs=[first[:8], copy, first], reason="DS-31")
        assert done.status_code == 200, done.text
        assert [run["run_id"] for run in done.json()["runs"]] == [first, copy]
        assert all(not run["already"] and run["events"] > 0 for run in done.json()["runs"])
        for run_id in (first, copy):
            assert served.call("GET", f"/v1/runs/{run_id}", "root").json()["document"] == "[erased]"
        assert served.call("GET", f"/v1/runs/{other}", "root").json()["document"] == "b.txt"
        again = together("root", runs=[first, copy], reason="DS-31")
        assert [run["already"] for run in again.json()["runs"]] == [True, True]
        listed = served.call("GET", "/openapi.json", "root").json()["paths"]["/v1/runs/erase"]["post"]
    assert set(listed["responses"]) >= {"200", "403", "404", "409", "422"}
