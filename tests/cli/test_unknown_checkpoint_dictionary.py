"""A checkpoint compressed with a dictionary this claimflow lacks (a newer one wrote it) is told, not a traceback.

The commands that read the run's checkpoints end with exit code 1 and the message naming the dictionary, as a run
of a workflow version not installed here does, and the run is left paused for a claimflow that has it. (A list of
runs goes on with the others: tests/integration/test_listings_with_an_unreadable_run.py.)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from claimflow.runtime.data_dir import CHECKPOINT_FILE
from tests.integration._docs import run_cli
from tests.integration._newer_dictionary import NEWER, compressed_by_a_newer_claimflow

EXAMPLES = Path(__file__).parents[2] / "examples" / "documents"


def test_commands_on_a_run_a_newer_claimflow_wrote_name_the_dictionary(tmp_path: Path) -> None:
    data = tmp_path / "data"
    document = shutil.copy(EXAMPLES / "contract-nda.txt", tmp_path / "contract-nda.txt")
    ran = run_cli("run", document, "--json", "--data-dir", data)
    assert ran.returncode == 0, ran.stderr
    run_id = json.loads(ran.stdout)["run_id"]
    assert json.loads(ran.stdout)["status"] == "needs_review"
    assert compressed_by_a_newer_claimflow(data / CHECKPOINT_FILE) > 0

    for command in (
        ("explain", run_id),
        ("review", "show", run_id),
        ("review", "decide", run_id, "--reviewer", "ana", "--approve"),
    ):
        told = run_cli(*command, "--data-dir", data)
        assert told.returncode == 1, (command, told.stderr)
        assert "Traceback" not in told.stderr, command
        said = " ".join(told.stderr.split())
        assert f"compressed with dictionary {NEWER}, which this claimflow does not have" in said, command
        assert "upgrade to read it" in said, command

    listed = run_cli("runs", "--data-dir", data)
    assert listed.returncode == 0, listed.stderr
    assert f"{run_id[:12]} │ contract-nda.txt │ needs_review" in listed.stdout
