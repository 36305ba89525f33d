"""`claimflow run` on a folder with no document says so on stderr; stdout keeps its table or its JSON lines."""

from __future__ import annotations

from pathlib import Path

from tests.integration._docs import flat, json_lines, run_cli


def test_a_folder_with_no_document_is_said_to_have_none(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")

    result = run_cli("run", inbox, "--json", "--data-dir", tmp_path / "data")

    assert result.returncode == 0
    hidden = {"skipped": str(inbox / ".DS_Store"), "reason": "hidden (its name starts with a dot)"}
    assert json_lines(result.stdout) == [hidden]  # stdout holds JSON lines only
    assert flat(result.stderr) == f"no documents in {inbox}: nothing to run"


def test_a_folder_with_no_document_prints_no_table(tmp_path: Path) -> None:
    """An empty table above the message would only push it up the screen: the message is all there is to say."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()

    result = run_cli("run", inbox, "--data-dir", tmp_path / "data")

    assert result.returncode == 0
    assert result.stdout == ""
    assert flat(result.stderr) == f"no documents in {inbox}: nothing to run"
