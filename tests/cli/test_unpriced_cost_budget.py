"""A cost budget for a model with no price is refused before any run: its calls would count 0 and never reach it.

It was kept silently: every call of an unlisted model counts 0 in the run's usage, so `--max-cost 0.50` let a run
make as many calls as it liked. With the model listed in `CLAIMFLOW_PRICES` the same command runs and is limited.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke
from tests.fakes.openai_server import FakeModelServer, document_run_replies

INVOICE = Path(__file__).parents[2] / "examples" / "documents" / "invoice-clean.pdf"
MODEL = "openai:fake-model"


def test_max_cost_for_an_unpriced_model_is_refused_and_nothing_is_recorded(
    claimflow: Invoke, tmp_path: Path, server: FakeModelServer
) -> None:
    data = tmp_path / "data"
    live = ("--model", MODEL, "--base-url", server.base_url, "--data-dir", data)

    refused = claimflow("run", INVOICE, *live, "--max-cost", "0.5")

    assert refused.exit_code == 2, refused.output
    said = " ".join(refused.stderr.split())
    assert (
        f"a cost budget of 0.5 (--max-cost, CLAIMFLOW_MAX_COST or the policy's budget) cannot be kept: {MODEL}" in said
    )
    assert "list it in CLAIMFLOW_PRICES" in said and "--max-tokens or --max-calls" in said
    assert server.requests == []  # not one call
    assert claimflow("runs", "--json", "--data-dir", data).stdout.strip() == ""  # no run registered
    # The variable, as the option.
    assert claimflow("run", INVOICE, *live, env={"CLAIMFLOW_MAX_COST": "1"}).exit_code == 2

    # Listed at a price, the budget can be kept: the run goes ahead.
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({MODEL: {"input": 1.0, "output": 2.0}}), encoding="utf-8")
    server.script(*document_run_replies("invoice"))
    ran = claimflow("run", INVOICE, *live, "--max-cost", "0.5", "--json", env={"CLAIMFLOW_PRICES": str(prices)})
    assert ran.exit_code in (0, 1), ran.output
    assert len(server.requests) == 2
    # And a budget of calls or tokens, which an unpriced model's calls do count, needs no price.
    server.script(*document_run_replies("invoice"))
    other = tmp_path / "other.txt"
    other.write_text("Invoice INV-77\nTotal: EUR 12.00\n", encoding="utf-8")
    assert claimflow("run", other, *live, "--max-calls", "5").exit_code in (0, 1)
