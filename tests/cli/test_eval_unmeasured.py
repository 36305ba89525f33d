"""Replay cannot measure a prompt its cases' claims did not answer: such cases are named and the gate does not pass.

A case's recorded claim answered one prompt (`prompt`, `prompt_sha256`); once the type's guidance changes, the
replay still serves the old answer, which says nothing of what the new prompt makes a model answer.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from typer.testing import Result

from claimflow.prompts import extract_prompt
from claimflow.runtime.discovery import load_target
from tests.evals._expense_claim import RULE, declaration

Invoke = Callable[..., Result]

PAGE = "EXPENSE CLAIM\nEmployee: Jane Roe\nAmount: 80.00\nBudget: 100.00\n"


def _type_file(path: Path, *, version: str, guidance: str = "") -> Path:
    source = RULE + declaration(titles=True, version=version)
    if guidance:
        source = source.replace(
            f'    version="{version}",\n', f'    version="{version}",\n    guidance="{guidance}",\n'
        )
    path.write_text(source, encoding="utf-8")
    return path


def _prompt_hash(path: Path) -> str:
    """The extraction prompt's hash of the type the file declares, loaded as `--types FILE` loads it."""
    [active] = load_target(f"{path}:EXPENSE", "--types", path.parent)
    return extract_prompt(active.doc_type).content_hash


def _case(goldens: Path, **extra: Any) -> None:
    start = PAGE.index("Jane Roe")
    claim = {
        "fields": [
            {"field": "employee", "value": "Jane Roe", "confidence": 0.9,
             "evidence": {"quote": "Jane Roe", "page": 1, "start": start, "end": start + 8}},
        ],
        "rows": [],
    }  # fmt: skip
    case = {
        "kind": "model_step", "name": "jane", "step": "extract_expense_claim", "prompt": "extract_expense_claim@1",
        "pages": [PAGE], "doc_type": "expense_claim", "recorded_claim": claim,
        "expected": {"fields": {"employee": {"value": "Jane Roe"}}, "route": "arbitrate_expense_claim"},
        **extra,
    }  # fmt: skip
    folder = goldens / "extract_expense_claim"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "jane.json").write_text(json.dumps(case), encoding="utf-8")


def test_a_bumped_prompt_version_is_not_measured_by_replay_and_the_gate_does_not_pass(
    claimflow: Invoke, tmp_path: Path
) -> None:
    types, goldens = _type_file(tmp_path / "expense.py", version="1"), tmp_path / "goldens"
    _case(goldens)
    written = claimflow("eval", "--goldens", goldens, "--types", types, "--update-baseline")
    assert written.exit_code == 0, written.output

    _type_file(types, version="2", guidance="Amounts are in the claimant's currency.")
    for how in ([], ["--changed"]):
        gated = claimflow("eval", "--goldens", goldens, "--types", types, *how)

        assert gated.exit_code == 3, gated.output
        assert (
            "not measured extract_expense_claim-jane: recorded under extract_expense_claim@1, the prompt is now @2: "
            "run with --model M to measure it, then --model M --update-baseline"
        ) in gated.stdout
        assert "not measured: 1 case(s)" in gated.stderr
        # Which models can measure it: an offline team's `--model rules` cannot, and was not told so.
        assert "the offline `rules` backend reads no prompt, so it cannot measure one" in gated.stderr
    as_json = claimflow("eval", "--goldens", goldens, "--types", types, "--changed", "--json")
    gate = json.loads(as_json.stdout)["gate"]
    assert (as_json.exit_code, gate["failed"], gate["regressed"]) == (3, True, False)
    assert [(u["id"], u["recorded"], u["now"]) for u in gate["unmeasured"]] == [
        ("extract_expense_claim-jane", "extract_expense_claim@1", "extract_expense_claim@2")
    ]
    reported = claimflow("eval", "--goldens", goldens, "--types", types, "--report", tmp_path / "report.md")
    assert reported.exit_code == 3
    assert "## Not measured: recorded under another prompt" in (tmp_path / "report.md").read_text()
    # Rewriting the replay baseline measures nothing: it still does not pass.
    rewritten = claimflow("eval", "--goldens", goldens, "--types", types, "--update-baseline")
    assert rewritten.exit_code == 3, rewritten.output


def test_a_live_baseline_that_measured_the_prompt_in_force_lets_the_replay_pass(
    claimflow: Invoke, tmp_path: Path
) -> None:
    types, goldens = _type_file(tmp_path / "expense.py", version="2"), tmp_path / "goldens"
    _case(goldens)
    live = {"model": "openai:fake-model", "prompts": {"extract_expense_claim@2": _prompt_hash(types)},
            "cases": {"extract_expense_claim-jane": True}}  # fmt: skip
    (goldens / "baseline.openai-fake-model.json").write_text(json.dumps(live), encoding="utf-8")

    gated = claimflow("eval", "--goldens", goldens, "--types", types, "--update-baseline")

    assert gated.exit_code == 0, gated.output
    assert "not measured" not in gated.output


def test_a_prompt_text_changed_under_the_same_version_is_not_measured(claimflow: Invoke, tmp_path: Path) -> None:
    types, goldens = _type_file(tmp_path / "expense.py", version="1"), tmp_path / "goldens"
    _case(goldens, prompt_sha256=_prompt_hash(types))
    assert claimflow("eval", "--goldens", goldens, "--types", types, "--update-baseline").exit_code == 0

    _type_file(types, version="1", guidance="Amounts are in the claimant's currency.")
    gated = claimflow("eval", "--goldens", goldens, "--types", types, "--changed")

    assert gated.exit_code == 3, gated.output
    assert "not measured extract_expense_claim-jane: recorded under extract_expense_claim@1 with sha256" in gated.stdout
    # `claimflow run` refuses a text changed under a version a data directory ran: the advice says to bump it.
    assert (
        "(its text changed under the same version): bump the expense_claim type's `version` (a data directory that"
        " ran extract_expense_claim@1 refuses a changed text under it); run with --model M to measure it"
    ) in " ".join(gated.stdout.split())


def test_a_hand_written_case_is_not_measured_once_its_prompt_text_changed_under_the_same_version(
    claimflow: Invoke, tmp_path: Path
) -> None:
    # A case written by hand keeps no prompt_sha256: the text its claim answered is the one the replay baseline
    # recorded. It passed (exit 0) after the guidance changed under the same version.
    types, goldens = _type_file(tmp_path / "expense.py", version="1"), tmp_path / "goldens"
    _case(goldens)
    assert claimflow("eval", "--goldens", goldens, "--types", types, "--update-baseline").exit_code == 0
    recorded = _prompt_hash(types)

    _type_file(types, version="1", guidance="Amounts are in the claimant's currency.")
    for how in ([], ["--changed"]):
        gated = claimflow("eval", "--goldens", goldens, "--types", types, *how)

        assert gated.exit_code == 3, gated.output
        assert (
            f"not measured extract_expense_claim-jane: recorded under extract_expense_claim@1 with sha256 "
            f"{recorded[:12]} (as the replay baseline recorded it), the prompt in force has {_prompt_hash(types)[:12]}"
        ) in gated.stdout
    # Rewriting the replay baseline measures nothing: it keeps the recorded text's hash, and still does not pass.
    for _ in range(2):
        rewritten = claimflow("eval", "--goldens", goldens, "--types", types, "--update-baseline")
        assert rewritten.exit_code == 3, rewritten.output
    baseline = json.loads((goldens / "baseline.replay.json").read_text(encoding="utf-8"))
    assert baseline["prompts"]["extract_expense_claim@1"] == recorded


def _classify_case(goldens: Path) -> None:
    case = {
        "kind": "model_step", "name": "expense", "step": "classify", "prompt": "classify@3", "pages": [PAGE],
        "recorded_claim": {"doc_type": "expense_claim", "confidence": 0.9, "evidence": [{"quote": "EXPENSE CLAIM"}]},
        "expected": {"doc_type": "expense_claim", "accepted": True, "route": "extract_expense_claim"},
    }  # fmt: skip
    folder = goldens / "classify"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "expense.json").write_text(json.dumps(case), encoding="utf-8")


def test_a_classify_case_is_not_measured_once_the_types_it_lists_changed(claimflow: Invoke, tmp_path: Path) -> None:
    # Classify's text lists every active type, filled in as it is sent: describing a type otherwise (or adding
    # one) changes what a model reads under classify@3, and the replay passed on the old answer.
    types, goldens = _type_file(tmp_path / "expense.py", version="1"), tmp_path / "goldens"
    _classify_case(goldens)
    written = claimflow("eval", "--goldens", goldens, "--types", types, "--step", "classify", "--update-baseline")
    assert written.exit_code == 0, written.output
    unchanged = claimflow("eval", "--goldens", goldens, "--types", types, "--step", "classify")
    assert unchanged.exit_code == 0, unchanged.output

    types.write_text(
        types.read_text(encoding="utf-8").replace("An employee's expense claim", "A claim for travel costs"),
        encoding="utf-8",
    )
    gated = claimflow("eval", "--goldens", goldens, "--types", types, "--step", "classify")

    assert gated.exit_code == 3, gated.output
    said = " ".join(gated.stdout.split())
    assert (
        "not measured classify-expense: recorded while classify@3 listed other document types than the active ones"
        " (one added, removed or described otherwise), or read another text, as the replay baseline recorded it:"
        " run with --model M"
    ) in said
    assert "bump" not in said  # the list is not pinned: a data directory takes a new type under the same version
