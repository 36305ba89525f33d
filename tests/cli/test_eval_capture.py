"""`claimflow eval capture`: reviewed runs become golden cases that pass on the model's recorded answers.

Three documents run through the real CLI with the `rules` backend and `--record`: an invoice whose total a
reviewer corrects (citing the line that proves it), a contract a reviewer approves, and a memo a reviewer
rejects. Their captured cases are then run by `pytest evals/ --goldens DIR` in a process of its own.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from claimflow.doctypes import INVOICE
from claimflow.evals.golden import ModelStepCase, ReviewCase, load_case, load_goldens
from claimflow.evals.run_model import evaluate
from claimflow.evals.runner import run_cases
from claimflow.prompts import extract_prompt
from tests.integration._docs import cli_env, invoice_text, json_lines, mismatch_invoice_text, run_cli, write

EXTRACT_INVOICE = extract_prompt(INVOICE)

EXAMPLES = Path(__file__).parents[2] / "examples" / "documents"
EMAIL = "jane.doe@example.com"
PROVING_LINE = "Steel brackets 10 x 18.00 = 180.00"


def _ok(*args: str | Path) -> subprocess.CompletedProcess[str]:
    done = run_cli(*args)
    assert done.returncode == 0, done.stderr
    return done


@pytest.fixture(scope="module")
def reviewed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Three reviewed runs (edit, approve, reject), recorded, in one data directory."""
    root = tmp_path_factory.mktemp("capture")
    docs = root / "docs"
    write(docs, "mismatch.txt", mismatch_invoice_text("NW-2024-0901") + f"Questions: {EMAIL}\n")
    write(docs, "nda.txt", (EXAMPLES / "contract-nda.txt").read_text(encoding="utf-8"))
    write(docs, "memo.html", (EXAMPLES / "memo-unknown.html").read_text(encoding="utf-8"))
    data = root / "data"
    views = {Path(view["document"]).stem: view for view in json_lines(_ok(
        "run", docs, "--json", "--data-dir", data, "--model", "rules", "--record", root / "rec").stdout)}  # fmt: skip
    assert {view["status"] for view in views.values()} == {"needs_review"}
    runs = {name: view["run_id"] for name, view in views.items()}
    decide = ("review", "decide", "--reviewer", "ana", "--data-dir", data)
    _ok(*decide[:2], runs["mismatch"], *decide[2:], "--set", "total_amount=180.00",
        "--evidence", f"total_amount={PROVING_LINE}")  # fmt: skip
    _ok(*decide[:2], runs["nda"], *decide[2:], "--approve")
    _ok(*decide[:2], runs["memo"], *decide[2:], "--reject", "--reason", "not a claim")
    return {"data": data, "runs": runs, "root": root}


def _capture(reviewed: dict[str, Any], out: Path, *runs: str) -> subprocess.CompletedProcess[str]:
    return run_cli("eval", "capture", *runs, "--data-dir", reviewed["data"], "--out", out, "--json")


def test_captured_cases_pass_on_the_recorded_answers(reviewed: dict[str, Any], tmp_path: Path) -> None:
    runs = reviewed["runs"]
    done = _capture(reviewed, tmp_path / "goldens", runs["mismatch"], runs["nda"], runs["memo"])
    assert done.returncode == 0, done.stderr
    written = {line["run_id"]: line["cases"] for line in json_lines(done.stdout)}
    assert written[runs["mismatch"]] == [
        str(tmp_path / "goldens" / "extract_invoice" / f"mismatch-{runs['mismatch'][:8]}.json")
    ]
    cases = {case.step: case for case in load_goldens(tmp_path / "goldens")}
    assert sorted(cases) == ["extract_contract", "extract_invoice", "review"]
    assert isinstance(cases["review"], ReviewCase) and cases["review"].decision.action == "reject"
    assert cases["review"].expected.route == "reject"
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "evals/", "--goldens", tmp_path / "goldens"],
        capture_output=True, text=True, cwd=Path(__file__).parents[2], env=cli_env(), timeout=120, check=False,
    )  # fmt: skip
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "3 passed" in tests.stdout


def test_an_edit_case_holds_the_reviewers_value_not_the_models(reviewed: dict[str, Any], tmp_path: Path) -> None:
    runs = reviewed["runs"]
    _capture(reviewed, tmp_path, runs["mismatch"])
    case = load_case(tmp_path / "extract_invoice" / f"mismatch-{runs['mismatch'][:8]}.json")
    assert isinstance(case, ModelStepCase) and case.original_claim is not None
    total = case.expected.fields["total_amount"]
    assert (total.status, total.value, total.quote) == ("accepted", "180.00", PROVING_LINE)
    assert evaluate(case, case.recorded_claim).passed
    # The model's own answer (190.00) fails the case: it encodes the reviewer's correction.
    against_model = evaluate(case, case.original_claim)
    assert not against_model.passed
    assert "total_amount: expected accepted '180.00', got accepted '190.00'" in against_model.message


def test_cases_are_written_from_the_masked_text(reviewed: dict[str, Any], tmp_path: Path) -> None:
    _capture(reviewed, tmp_path, reviewed["runs"]["mismatch"])
    [path] = (tmp_path / "extract_invoice").glob("*.json")
    text = path.read_text(encoding="utf-8")
    assert "Questions: [EMAIL_1]" in json.loads(text)["pages"][0]
    assert EMAIL not in text


def test_a_case_file_is_never_overwritten(reviewed: dict[str, Any], tmp_path: Path) -> None:
    run = reviewed["runs"]["nda"]
    first = json_lines(_capture(reviewed, tmp_path, run).stdout)[0]["cases"][0]
    before = Path(first).read_text(encoding="utf-8")
    second = json_lines(_capture(reviewed, tmp_path, run).stdout)[0]["cases"][0]
    assert second == first.removesuffix(".json") + "-2.json"
    assert Path(first).read_text(encoding="utf-8") == before
    assert load_case(Path(second)).name == Path(second).stem


def test_runs_that_were_not_decided_are_refused(reviewed: dict[str, Any], tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", reviewed["data"]
    write(docs, "waiting.txt", mismatch_invoice_text("NW-2024-0902"))
    write(docs, "clean.txt", invoice_text("NW-2024-0903"))
    views = {Path(view["document"]).stem: view for view in json_lines(_ok(
        "run", docs, "--json", "--data-dir", data, "--model", "rules").stdout)}  # fmt: skip
    assert views["clean"]["status"] == "completed" and views["waiting"]["status"] == "needs_review"
    for name, said in (("waiting", "is still waiting for review"), ("clean", "was never reviewed")):
        done = run_cli("eval", "capture", views[name]["run_id"], "--data-dir", data, "--out", tmp_path / "out")
        assert done.returncode == 1
        assert f"run {views[name]['run_id']} {said}" in done.stderr
    assert not (tmp_path / "out").exists()
    unknown = run_cli("eval", "capture", "feedfacefeed", "--data-dir", data, "--out", tmp_path / "out")
    assert unknown.returncode == 2 and "no run 'feedfacefeed'" in unknown.stderr


def test_a_run_made_without_recording_is_captured_from_its_claim_events(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "mismatch.txt", mismatch_invoice_text("NW-2024-0904") + f"Questions: {EMAIL}\n")
    [view] = json_lines(_ok("run", docs, "--json", "--data-dir", data, "--model", "rules").stdout)
    _ok("review", "decide", view["run_id"], "--reviewer", "ana", "--approve", "--data-dir", data)
    _ok("eval", "capture", view["run_id"], "--data-dir", data, "--out", tmp_path / "goldens")
    [case] = load_goldens(tmp_path / "goldens")
    assert isinstance(case, ModelStepCase) and case.prompt.startswith("extract_invoice@")
    # The prompt's text is kept with its version: replay measures no other text under that version.
    assert (case.prompt, case.prompt_sha256) == (EXTRACT_INVOICE.ref, EXTRACT_INVOICE.content_hash)
    claimed = {item["field"]: item["value"] for item in case.recorded_claim["fields"]}
    assert claimed["total_amount"] == "190.00"
    total = case.expected.fields["total_amount"]
    assert (total.status, total.value) == ("accepted", "190.00")
    assert evaluate(case, case.recorded_claim).passed


def test_an_edit_without_a_cited_quote_takes_the_one_its_decision_found_and_the_reviewers_word_is_not_judged(
    tmp_path: Path,
) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "mismatch.txt", mismatch_invoice_text("NW-2024-0902"))
    [view] = json_lines(_ok("run", docs, "--json", "--data-dir", data, "--model", "rules").stdout)
    # No --evidence: the decision finds 180.00 in the document itself; 2024-05-01 is printed nowhere.
    _ok("review", "decide", view["run_id"], "--reviewer", "ana", "--data-dir", data,
        "--set", "total_amount=180.00", "--set", "due_date=2024-05-01")  # fmt: skip

    done = run_cli("eval", "capture", view["run_id"], "--data-dir", data, "--out", tmp_path / "goldens", "--json")
    assert done.returncode == 0, done.stderr
    [line] = json_lines(done.stdout)
    assert line["unquoted_edits"] == ["due_date"]
    case = load_case(Path(line["cases"][0]))
    assert isinstance(case, ModelStepCase)
    total = case.expected.fields["total_amount"]
    assert (total.status, total.value, total.quote) == ("accepted", "180.00", "180.00")
    # Not expected rejected (the model's quote does not prove the reviewer's date), nor missing: not judged.
    assert "due_date" not in case.expected.fields
    assert "Not judged, no quote proves the reviewer's value: due_date." in case.description
    assert evaluate(case, case.recorded_claim).passed
    shown = " ".join(
        run_cli("eval", "capture", view["run_id"], "--data-dir", data, "--out", tmp_path / "more").stdout.split()
    )
    assert "edits the case does not judge, no quote proves them (the reviewer's word; cite one with --evidence" in shown


def test_an_edit_of_an_earlier_decision_is_kept_when_a_later_one_approves(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "mismatch.txt", mismatch_invoice_text("NW-2024-0903"))
    [view] = json_lines(_ok("run", docs, "--json", "--data-dir", data, "--model", "rules").stdout)
    decide = ("review", "decide", view["run_id"], "--reviewer", "ana", "--data-dir", data)
    # The edit leaves the totals' rule failing: the run asks again, and the second decision approves.
    [edited] = json_lines(_ok(*decide, "--set", "due_date=2024-05-01").stdout)
    assert edited["status"] == "needs_review"
    [approved] = json_lines(_ok(*decide, "--approve").stdout)
    assert approved["fields"]["due_date"]["value"] == "2024-05-01"

    done = run_cli("eval", "capture", view["run_id"], "--data-dir", data, "--out", tmp_path / "goldens", "--json")
    assert done.returncode == 0, done.stderr
    [line] = json_lines(done.stdout)
    # The reviewer's date is no model's claim: the case leaves it unjudged, as after one decision that edits it.
    assert line["unquoted_edits"] == ["due_date"]
    case = load_case(Path(line["cases"][0]))
    assert isinstance(case, ModelStepCase)
    assert "due_date" not in case.expected.fields
    assert "edited (due_date)" in case.description


IBAN = "DE89 3704 0044 0532 0130 00"
BUYER_EMAIL = "john.smith@private.org"


def test_a_case_captured_from_claim_events_holds_placeholders_never_the_originals(tmp_path: Path) -> None:
    """Claim events and state hold what apply unmasked; the case masks it again, approved or rejected."""
    docs, data = tmp_path / "docs", tmp_path / "data"
    personal = f"Customer: John Smith, {BUYER_EMAIL}\nIBAN: {IBAN}\n"
    write(docs, "kept.txt", mismatch_invoice_text("NW-2024-0911") + personal)
    write(docs, "refused.txt", mismatch_invoice_text("NW-2024-0912") + personal)
    runs = {Path(view["document"]).stem: view["run_id"] for view in json_lines(
        _ok("run", docs, "--json", "--data-dir", data, "--model", "rules").stdout)}  # fmt: skip
    _ok("review", "decide", runs["kept"], "--reviewer", "ana", "--approve", "--data-dir", data)
    _ok("review", "decide", runs["refused"], "--reviewer", "ana", "--reject", "--reason", f"paid to {IBAN}",
        "--data-dir", data)  # fmt: skip

    _ok("eval", "capture", runs["kept"], runs["refused"], "--data-dir", data, "--out", tmp_path / "goldens")

    kept = load_case(next((tmp_path / "goldens" / "extract_invoice").glob("*.json")))
    refused = load_case(next((tmp_path / "goldens" / "review").glob("*.json")))
    for case in (kept, refused):
        text = case.model_dump_json()
        assert IBAN not in text and BUYER_EMAIL not in text and "[IBAN_1]" in text
    assert isinstance(kept, ModelStepCase)
    claimed = {item["field"]: item for item in kept.recorded_claim["fields"]}
    assert claimed["iban"]["value"] == "[IBAN_1]"
    quote = claimed["iban"]["evidence"]
    assert kept.pages[quote["page"] - 1][quote["start"] : quote["end"]] == quote["quote"] == "IBAN: [IBAN_1]"
    assert evaluate(kept, kept.recorded_claim).passed
    assert isinstance(refused, ReviewCase) and refused.decision.reason == "paid to [IBAN_1]"
    assert refused.facts.fields["iban"] == "[IBAN_1]"


def test_a_rejected_runs_case_names_the_rules_that_sent_it_to_review(tmp_path: Path) -> None:
    # The case said `failed_rules: []` beside `reasons: ["validation_failed"]`: a reader of the case could not
    # tell which check the reviewer rejected the document over.
    docs, data = tmp_path / "docs", tmp_path / "data"
    write(docs, "mismatch.txt", mismatch_invoice_text("NW-2024-0905"))
    [view] = json_lines(_ok("run", docs, "--json", "--data-dir", data, "--model", "rules").stdout)
    assert any(reason.startswith("validation_failed: net_plus_tax_equals_total") for reason in view["review_reasons"])
    _ok(
        "review", "decide", view["run_id"], "--reviewer", "ana", "--reject", "--reason", "wrong sum", "--data-dir", data
    )
    _ok("eval", "capture", view["run_id"], "--data-dir", data, "--out", tmp_path / "goldens")
    [case] = load_goldens(tmp_path / "goldens")
    assert isinstance(case, ReviewCase) and "validation_failed" in case.reasons
    assert case.facts.failed_rules == ["net_plus_tax_equals_total"]
    [result] = run_cases([case])
    assert result.passed, result.message
