"""A program that turns logging on sees its webhook's URL in the HTTP client's lines with the credentials masked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.integration._delivery import SECRET
from tests.integration._docs import cli_env, invoice_text, write
from tests.integration._receiver import webhook_receiver

PROGRAM = """
import asyncio, logging, sys
from pathlib import Path

import claimflow

logging.basicConfig(level=logging.DEBUG, stream=sys.stderr, format="%(name)s %(levelname)s %(message)s")


async def main() -> None:
    async with claimflow.open_engine(data_dir=sys.argv[1]) as engine:
        run = await engine.process(Path(sys.argv[2]))
        print(run.status)


asyncio.run(main())
"""


def test_a_webhooks_password_and_token_stay_out_of_the_http_clients_log(tmp_path: Path) -> None:
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    with webhook_receiver(SECRET) as receiver:
        # A receiver behind Basic auth and a token in its query: both are credentials the log must not show.
        url = receiver.url.replace("http://", "http://deliverer:hunter2-pass@") + "?token=tok-5f3a9c"
        env = cli_env(CLAIMFLOW_DELIVER=f"webhook:{url}", CLAIMFLOW_DELIVER_SECRET=SECRET)
        done = subprocess.run(
            [sys.executable, "-c", PROGRAM, str(tmp_path / "data"), str(document)],
            capture_output=True, text=True, timeout=120, env=env, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "completed"
        assert len(receiver.delivered) == 1
    requests = [line for line in done.stderr.splitlines() if "HTTP Request: POST" in line]
    assert requests, f"the HTTP client logged no request:\n{done.stderr}"
    assert "hunter2-pass" not in done.stderr and "tok-5f3a9c" not in done.stderr
    assert "http://deliverer:***@127.0.0.1" in requests[0] and "?token=***" in requests[0]
