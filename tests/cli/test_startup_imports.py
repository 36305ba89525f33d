"""Commands that need no model never load a model client: `--model rules`, `runs`, `review list`, `show`, `--help`.

The provider SDKs and Instructor are more than half of the CLI's start-up when imported; they load only when a
command builds an `openai:` or `anthropic:` gateway. Nor does a command on a SQLite data directory load psycopg,
which only Postgres needs. Each command runs in a fresh interpreter, which reports the watched modules it ended
up with.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from claimflow.prompts import CLASSIFY
from tests.integration._docs import cli_env, invoice_text, json_lines, write

MODEL_CLIENTS = ("openai", "anthropic", "instructor")
WATCHED = (*MODEL_CLIENTS, "langgraph", "psycopg")
"""psycopg is for Postgres alone: no command on a SQLite data directory loads it."""

_SCRIPT = """
import gc, json, sys
from claimflow.runtime.cli import app

watched = json.loads(sys.argv[2])
sys.argv = ["claimflow", *json.loads(sys.argv[1])]
try:
    app()
except SystemExit as done:
    code = done.code
else:
    code = 0
loaded = sorted(name for name in watched if name in sys.modules)
frozen = gc.get_freeze_count()
sys.stderr.write("\\nLOADED " + json.dumps({"code": code, "loaded": loaded, "frozen": frozen}) + "\\n")
"""


def _run(*args: str | Path, **env: str) -> tuple[str, dict[str, Any]]:
    """Run `claimflow ARGS` in a fresh interpreter: its stdout and its report (exit code, watched packages it
    imported, objects frozen out of the garbage collector's sight)."""
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, json.dumps([str(arg) for arg in args]), json.dumps(WATCHED)],
        capture_output=True,
        text=True,
        timeout=120,
        env=cli_env(**env),
        check=False,
    )
    marker = [line for line in done.stderr.splitlines() if line.startswith("LOADED ")]
    assert marker, done.stderr
    return done.stdout, json.loads(marker[-1].removeprefix("LOADED "))


def _command(*args: str | Path, **env: str) -> tuple[str, int, list[str]]:
    """Run `claimflow ARGS` in a fresh interpreter: its stdout, exit code and the watched packages it imported."""
    stdout, report = _run(*args, **env)
    return stdout, report["code"], report["loaded"]


@pytest.mark.slow
def test_commands_without_a_model_never_import_a_model_client(tmp_path: Path) -> None:
    data = tmp_path / "data"
    document = write(tmp_path, "invoice.txt", invoice_text())

    stdout, code, loaded = _command("run", document, "--json", "--model", "rules", "--data-dir", data)
    assert (code, loaded) == (0, ["langgraph"])
    [view] = json_lines(stdout)
    assert view["status"] == "completed"

    for args in (
        ("runs", "--data-dir", data),
        ("review", "list", "--data-dir", data),
        ("show", view["run_id"], "--data-dir", data),
        ("--help",),
    ):
        _, code, loaded = _command(*args)
        assert code == 0, args
        assert not set(loaded) & set(MODEL_CLIENTS), args


def test_listing_runs_reads_the_registry_without_loading_langgraph(tmp_path: Path) -> None:
    """`claimflow runs` prints the registry's rows; LangGraph (the larger half of an engine's start-up) and the
    Postgres driver stay out."""
    data = tmp_path / "data"
    stdout, code, _ = _command("run", write(tmp_path, "invoice.txt", invoice_text()), "--json", "--data-dir", data)
    [view] = json_lines(stdout)

    table, code, loaded = _command("runs", "--data-dir", data, COLUMNS="200")
    assert (code, loaded) == (0, [])
    assert view["run_id"][:12] in table and "invoice.txt" in table and "completed" in table

    table, code, loaded = _command("runs", "--status", "needs_review", "--data-dir", data, COLUMNS="200")
    assert (code, loaded) == (0, [])
    assert view["run_id"][:12] not in table

    listed, code, loaded = _command("runs", "--json", "--data-dir", data)  # views need the run's state
    assert code == 0 and "langgraph" in loaded
    assert [row["run_id"] for row in json_lines(listed)] == [view["run_id"]]


@pytest.mark.slow
def test_a_model_command_imports_only_what_it_needs(tmp_path: Path) -> None:
    """An openai: gateway is built at start-up (keys are checked first), so its SDK loads; Anthropic's does not."""
    document = write(tmp_path, "invoice.txt", invoice_text())
    _, code, loaded = _command(
        "run", document, "--model", "openai:m", "--base-url", "http://127.0.0.1:9/v1", "--data-dir", tmp_path / "d",
        CLAIMFLOW_MODEL_MAX_ATTEMPTS="1",
    )  # fmt: skip
    assert code == 1  # nothing listens on port 9: the document fails, the command ran
    assert loaded == ["instructor", "langgraph", "openai"]


def test_showing_a_types_prompt_loads_no_model_client(tmp_path: Path) -> None:
    """`types prompt` prints what a gateway sends, rendered by the gateway's own code but never its SDKs."""
    document = write(tmp_path, "invoice.txt", invoice_text())
    for step in ("classify", "extract"):
        stdout, code, loaded = _command("types", "prompt", "invoice", "--step", step, "--document", document, "--json")
        assert code == 0, step
        assert json_lines(stdout)[0]["input_hash"] is not None
        assert not set(loaded) & set(MODEL_CLIENTS), step


def test_a_command_with_an_engine_freezes_what_start_up_built(tmp_path: Path) -> None:
    """Modules, the graph and a provider's SDK live as long as the process: once the engine is open they are out
    of the collector's sight, so full collections during a batch do not walk them again. A command that opens
    no engine (`runs`) leaves the collector alone."""
    data = tmp_path / "data"
    stdout, report = _run("run", write(tmp_path, "invoice.txt", invoice_text()), "--json", "--data-dir", data)
    assert report["code"] == 0 and json_lines(stdout)[0]["status"] == "completed"
    assert report["frozen"] > 10_000  # the modules LangGraph and claimflow bring: far more than a handful

    _, report = _run("runs", "--data-dir", data)
    assert (report["code"], report["frozen"]) == (0, 0)


def test_the_prompt_hash_is_computed_once() -> None:
    spec = CLASSIFY.__class__(**{name: getattr(CLASSIFY, name) for name in CLASSIFY.__dataclass_fields__})
    first = spec.content_hash
    assert spec.__dict__["content_hash"] == first  # cached on the instance: no schema rebuilt per call
    assert spec.content_hash is first
