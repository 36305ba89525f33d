"""`token list`, `token revoke` and `trace` read the registry alone: a broken document type does not stop them.

They opened the whole engine, which imports every configured type first: with a plugin that no longer imports
(or one slow to import), an operator could not revoke a leaked token, nor read the trail of a failed run, until
the plugin was mended.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.integration._docs import run_cli, write


def test_a_token_is_listed_and_revoked_while_a_type_module_does_not_import(tmp_path: Path) -> None:
    data = tmp_path / "data"
    made = run_cli("token", "create", "--name", "kim", "--role", "reviewer", "--data-dir", data)
    assert made.returncode == 0, made.stderr
    broken = write(tmp_path, "broken_types.py", "import no_such_module_here\n")

    listed = run_cli("token", "list", "--json", "--data-dir", data, CLAIMFLOW_TYPES=str(broken))
    assert listed.returncode == 0, listed.stderr
    assert [(row["name"], row["revoked_at"]) for row in map(json.loads, listed.stdout.splitlines())] == [("kim", None)]

    revoked = run_cli("token", "revoke", "kim", "--data-dir", data, CLAIMFLOW_TYPES=str(broken))
    assert revoked.returncode == 0, revoked.stderr
    assert "token kim revoked" in revoked.stderr
    after = run_cli("token", "list", "--json", "--data-dir", data)
    assert json.loads(after.stdout)["revoked_at"] is not None

    # A command that needs the declarations still refuses the broken module, naming it.
    runs = run_cli("review", "list", "--data-dir", data, CLAIMFLOW_TYPES=str(broken))
    assert runs.returncode == 2 and "no_such_module_here" in runs.stderr


def test_a_runs_trace_is_read_while_a_type_module_does_not_import(tmp_path: Path) -> None:
    data = tmp_path / "data"
    doc = write(tmp_path, "memo.txt", "MEMO\nPlease water the plants.\n")
    ran = run_cli("run", doc, "--json", "--data-dir", data)
    run_id = json.loads(ran.stdout.splitlines()[0])["run_id"]
    broken = write(tmp_path, "broken_types.py", "import no_such_module_here\n")

    traced = run_cli("trace", run_id[:8], "--json", "--data-dir", data, CLAIMFLOW_TYPES=str(broken))
    assert traced.returncode == 0, traced.stderr
    kinds = [event["type"] for event in map(json.loads, traced.stdout.splitlines())]
    assert kinds[0] == "run.started" and "review.requested" in kinds

    unknown = run_cli("trace", "ffffffff", "--data-dir", data, CLAIMFLOW_TYPES=str(broken))
    assert unknown.returncode == 2 and "no run 'ffffffff'" in unknown.stderr
