"""The monitor role over real HTTP: `/metrics` and the probes, and a 403 naming the roles that may everywhere else.

Shared by the SQLite test (`test_monitor_role`) and the Postgres one (`tests/postgres`): tokens are stored in each.
"""

from __future__ import annotations

import time
from typing import Any

import httpx

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.service import create_app
from claimflow.runtime.settings import Settings
from claimflow.runtime.web.session import COOKIE
from tests.integration._docs import json_lines, mismatch_invoice_text, run_cli, text_pdf
from tests.service._live import live_server

SAMPLE = {"run_id": "{run}", "number": "1"}
"""What each path parameter of the OpenAPI document is filled with: a run that exists, its first page."""


def cli(settings: Settings, *args: str) -> Any:
    """`claimflow ARGS...` over the settings' data directory and database; its completed process."""
    env = {"CLAIMFLOW_DATABASE_URL": settings.database_url} if settings.database_url else {}
    return run_cli(*args, "--data-dir", settings.data_dir, **env)


def _settled(client: httpx.Client, run_id: str, admin: dict[str, str]) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while (view := client.get(f"/v1/runs/{run_id}", headers=admin).json())["status"] in ("queued", "running"):
        assert time.monotonic() < deadline, view
        time.sleep(0.05)
    return dict(view)


def check_monitor_role(settings: Settings) -> None:
    """Make a monitor token with `claimflow token create`, use it over HTTP, list and revoke it."""
    made = {
        role: cli(settings, "token", "create", "--name", name, "--role", role)
        for name, role in (("root", "admin"), ("scraper", "monitor"))
    }
    for done in made.values():
        assert done.returncode == 0, done.stderr
    admin = {"Authorization": f"Bearer {made['admin'].stdout.strip()}"}
    monitor = {"Authorization": f"Bearer {made['monitor'].stdout.strip()}"}

    with (
        live_server(create_app(settings, types=BUILTIN_TYPES)) as base,
        httpx.Client(base_url=base, timeout=30) as client,
    ):
        upload = client.post(
            "/v1/documents", files={"file": ("m.pdf", text_pdf(mismatch_invoice_text()))}, headers=admin
        )
        assert upload.status_code == 201, upload.text
        run_id = upload.json()["run_id"]
        assert _settled(client, run_id, admin)["status"] == "needs_review"

        metrics = client.get("/metrics", headers=monitor)
        assert metrics.status_code == 200, metrics.text
        assert 'claimflow_runs{status="needs_review"} 1' in metrics.text
        assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200

        # Every other operation the API documents, whatever its method: refused for the role, naming who may.
        schema = client.get("/openapi.json").json()
        refused = []
        for path, operations in schema["paths"].items():
            if path in ("/metrics", "/healthz", "/readyz"):
                continue
            url = path.format(**SAMPLE).format(run=run_id)
            for method in operations:
                answer = client.request(method.upper(), url, headers=monitor, json={})
                refused.append((method.upper(), path, answer.status_code, answer.json()["message"]))
        assert len(refused) >= 15, refused
        for method, path, status, message in refused:
            assert status == 403, (method, path, message)
            assert message.startswith("this needs the role "), (method, path, message)
            assert message.endswith("; the token 'scraper' has the role monitor"), (method, path, message)
            assert "monitor" not in message.removesuffix("has the role monitor"), (method, path, message)
        said = {(method, path): message for method, path, _, message in refused}
        assert said[("GET", "/v1/runs")] == (
            "this needs the role submitter or reviewer or admin; the token 'scraper' has the role monitor"
        )
        assert said[("POST", "/v1/documents")].startswith("this needs the role submitter or admin;")
        assert (_settled(client, run_id, admin))["status"] == "needs_review"  # nothing the monitor sent changed it

        # Nor may a review be given to it: its holder could neither see nor decide it.
        assigned = client.post(f"/v1/reviews/{run_id}/assign", json={"to": "scraper"}, headers=admin)
        assert assigned.status_code == 409 and "scraper is a monitor's token: it may not review" in assigned.text

        # The review page refuses it at sign-in, as it refuses a submitter's token, and keeps no session.
        signed = client.post("/review/sign-in", data={"token": made["monitor"].stdout.strip()})
        assert signed.status_code == 303 and COOKIE not in signed.headers.get("set-cookie", "")
        page = client.get(signed.headers["location"])
        assert page.status_code == 403
        assert "That token has the role monitor; reviewing needs reviewer or admin." in page.text

        listed = json_lines(cli(settings, "token", "list", "--json").stdout)
        assert [(t["name"], t["role"], t["revoked_at"] is None) for t in listed] == [
            ("root", "admin", True),
            ("scraper", "monitor", True),
        ]
        assert cli(settings, "token", "revoke", "scraper").returncode == 0
        assert client.get("/metrics", headers=monitor).status_code == 401
    assert [t["revoked_at"] is None for t in json_lines(cli(settings, "token", "list", "--json").stdout)] == [
        True,
        False,
    ]
