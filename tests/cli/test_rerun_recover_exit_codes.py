"""`rerun` and `recover` exit with 1 when a run they advanced failed, as `run` does for a batch: cron must notice.

`rerun --failed` after a model's server was down, run while it is still down, fails every run again; `recover`
after a crash continues runs that may fail in turn. Both exited with 0 whatever became of the runs, so a script
that ran them and checked the exit code saw success. A run that completes or waits for review leaves it 0.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.fakes.tcp_proxy import closed_port
from tests.integration._docs import MEMO, cli_env, invoice_text, json_lines, run_cli, write
from tests.integration._recovering import REGISTER_AND_DIE

DOWN = {"CLAIMFLOW_MODEL_MAX_ATTEMPTS": "1", "OPENAI_API_KEY": ""}


def test_rerun_exits_with_1_when_a_run_it_ran_again_failed(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "invoice.txt", invoice_text())
    down = ["--model", "openai:fake-model", "--base-url", f"http://127.0.0.1:{closed_port()}/v1"]
    batch = run_cli("run", docs, *down, "--json", "--data-dir", data, **DOWN)
    assert batch.returncode == 1 and [view["status"] for view in json_lines(batch.stdout)] == ["failed"]

    still_down = run_cli("rerun", "--failed", "--json", "--data-dir", data, **DOWN)

    assert [view["status"] for view in json_lines(still_down.stdout)] == ["failed"]
    assert still_down.returncode == 1, still_down.stderr

    back = run_cli("rerun", "--failed", "--model", "rules", "--data-dir", data)
    assert back.returncode == 0, back.stdout + back.stderr
    assert "completed" in back.stdout and "re-ran 1 run(s)" in back.stderr


def test_recover_exits_with_1_when_a_run_it_continued_failed(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "a-empty.txt", b"")
    write(docs, "b-memo.txt", MEMO)
    subprocess.run(
        [sys.executable, "-c", REGISTER_AND_DIE, str(data), str(docs)], env=cli_env(), check=True, timeout=120
    )

    recovered = run_cli("recover", "--json", "--data-dir", data)

    views = json_lines(recovered.stdout)
    assert [(view["document"], view["status"]) for view in views] == [
        ("a-empty.txt", "failed"),
        ("b-memo.txt", "needs_review"),
    ]
    assert recovered.returncode == 1, recovered.stderr

    nothing_left = run_cli("recover", "--data-dir", data)
    assert nothing_left.returncode == 0 and "recovered 0 run(s)" in nothing_left.stderr
