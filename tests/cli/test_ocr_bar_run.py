"""A photo read by OCR under a policy that holds scans to a stricter bar: its values wait for a human, saying why,
where the same photo completes under the default policy; a text PDF is not held by that bar."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Invoke

DOCUMENTS = Path(__file__).parents[2] / "examples" / "documents"
ALWAYS = {"CLAIMFLOW_OCR_FIELD_AUTO_ACCEPT": "always_review"}


def _run(claimflow: Invoke, data: Path, document: str, env: dict[str, str] | None = None) -> dict[str, object]:
    done = claimflow("run", DOCUMENTS / document, "--json", "--data-dir", data, env=env)
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.stdout.splitlines()[0]))


def test_a_photos_values_go_to_review_under_the_ocr_bar_and_a_text_pdfs_do_not(
    claimflow: Invoke, tmp_path: Path
) -> None:
    assert _run(claimflow, tmp_path / "default", "receipt-photo.jpg")["status"] == "completed"

    held = _run(claimflow, tmp_path / "strict", "receipt-photo.jpg", ALWAYS)
    assert held["status"] == "needs_review"
    shown = claimflow("review", "show", str(held["run_id"]), "--json", "--data-dir", tmp_path / "strict")
    assert shown.exit_code == 0, shown.output
    reasons = json.loads(shown.stdout)["reasons"]
    assert reasons and {reason["code"] for reason in reasons} == {"low_confidence_field"}
    assert all(reason["message"].endswith("always reviewed by the policy for text read by OCR") for reason in reasons)

    assert _run(claimflow, tmp_path / "strict", "invoice-clean.pdf", ALWAYS)["status"] == "completed"
