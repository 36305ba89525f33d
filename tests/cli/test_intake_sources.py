"""What `claimflow run` reads: regular files only; names as they are; every skipped entry of a folder said aloud.

Each test runs the CLI in a real process over real files, FIFOs, sockets, links and devices.
"""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.integration._batches import memory_limit, registered, spawn
from tests.integration._docs import claimflow_executable, cli_env, flat, invoice_text, json_lines, run_cli

UNDECODABLE = b"caf\xe9.txt"
"""A file name in Latin-1 on a UTF-8 system: not valid UTF-8."""


def test_an_undecodable_file_name_is_processed_and_shown_escaped(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    with open(os.path.join(os.fsencode(docs), UNDECODABLE), "w", encoding="utf-8") as handle:
        handle.write(invoice_text("NW-CAFE-1"))
    data = tmp_path / "data"

    as_json = run_cli("run", docs, "--json", "--data-dir", data)
    assert as_json.returncode == 0, as_json.stderr
    assert "Traceback" not in as_json.stderr
    [view] = json_lines(as_json.stdout)  # valid JSON, one object
    assert view["document"] == "caf\\xe9.txt" and view["status"] == "completed"
    assert '"document": "caf\\\\xe9.txt"' in as_json.stdout  # the backslash itself escaped, as JSON requires

    shown = run_cli("run", os.fsdecode(os.path.join(os.fsencode(docs), UNDECODABLE)), "--data-dir", data)
    assert shown.returncode == 0, shown.stderr
    assert "caf\\xe9.txt" in shown.stdout and "Traceback" not in shown.stderr
    [row] = registered(data)  # the same bytes at the same path: one document, one run
    assert row.filename == "caf\\xe9.txt"


def test_a_device_or_a_fifo_given_explicitly_is_refused_without_being_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # no writer ever opens it: reading it would wait forever
    child = spawn("run", "/dev/zero", fifo, "--json", "--data-dir", tmp_path / "data", preexec_fn=memory_limit(4 << 30))
    stdout, stderr = child.communicate(timeout=120)

    assert child.returncode == 1, stderr
    assert "Traceback" not in stderr
    zero, pipe = json_lines(stdout)
    assert zero["status"] == "failed" and pipe["status"] == "failed"
    assert zero["error"] == "zero is a character device, not a regular file; it was not opened"
    assert pipe["error"] == "pipe is a FIFO (named pipe), not a regular file; it was not opened"


def test_everything_skipped_in_a_folder_is_listed_with_its_reason(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "invoice.txt").write_text(invoice_text("NW-SKIP-1"), encoding="utf-8")
    (docs / ".hidden.txt").write_text(invoice_text("NW-SKIP-2"), encoding="utf-8")
    (docs / "dangling.txt").symlink_to(docs / "gone.txt")
    (docs / "loop.txt").symlink_to(docs / "loop.txt")
    (docs / "device").symlink_to("/dev/null")
    (docs / "folder-link").symlink_to(docs / "sub")
    os.mkfifo(docs / "pipe")
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(docs / "socket"))
    try:
        result = run_cli("run", docs, "--json", "--data-dir", tmp_path / "data")
        human = run_cli("run", docs, "--data-dir", tmp_path / "data")
    finally:
        listening.close()

    # The dangling link and the link loop are inputs that could not be read: the batch exits 1 for them.
    assert result.returncode == 1, result.stderr
    lines = json_lines(result.stdout)
    skipped = {Path(line["skipped"]).name: line["reason"] for line in lines if "skipped" in line}
    assert set(lines[0]) == {"skipped", "reason"}  # skipped entries come first, then the runs
    assert skipped == {
        ".hidden.txt": "hidden (its name starts with a dot)",
        "dangling.txt": "a dangling link (its target does not exist)",
        "loop.txt": "a link loop (its links lead back to themselves)",
        "device": "a character device, not a regular file; it was not opened",
        "folder-link": "a link to a folder (links to folders are not followed)",
        "pipe": "a FIFO (named pipe), not a regular file; it was not opened",
        "socket": "a socket, not a regular file; it was not opened",
    }
    [run] = [line for line in lines if "run_id" in line]
    assert run["document"] == "invoice.txt" and run["status"] == "completed"

    assert human.returncode == 1, human.stderr
    printed = flat(human.stdout)
    for name, reason in skipped.items():
        assert f"skipped {docs / name}: {reason}" in printed
    assert "registered before" in printed  # the second run found the invoice's run, and said so


def test_a_file_or_subfolder_that_cannot_be_read_is_listed_with_its_reason(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "locked").mkdir(parents=True)
    (docs / "locked" / "inside.txt").write_text(invoice_text("NW-LOCK-1"), encoding="utf-8")
    (docs / "invoice.txt").write_text(invoice_text("NW-LOCK-2"), encoding="utf-8")
    (docs / "private.txt").write_text(invoice_text("NW-LOCK-3"), encoding="utf-8")
    (docs / "locked").chmod(0)
    (docs / "private.txt").chmod(0)
    # Without the capabilities that let an administrator read anything, modes hold for every user, root too.
    unprivileged = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--inh-caps", "-all"]
    try:
        result = subprocess.run(
            [*unprivileged, claimflow_executable(), "run", str(docs), "--json", "--data-dir", str(tmp_path / "data")],
            capture_output=True,
            text=True,
            timeout=120,
            env=cli_env(),
            check=False,
        )
    finally:
        (docs / "locked").chmod(0o700)

    assert result.returncode == 1, result.stderr  # inputs that could not be read: the batch does not pass
    lines = json_lines(result.stdout)
    assert [line for line in lines if "skipped" in line] == [
        {"skipped": str(docs / "locked"), "reason": "cannot be read: Permission denied"},
        {"skipped": str(docs / "private.txt"), "reason": "cannot be read: Permission denied"},
    ]
    assert [line["document"] for line in lines if "run_id" in line] == ["invoice.txt"]


def test_the_files_a_system_keeps_beside_documents_are_skipped_not_failed(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "2024").mkdir(parents=True)
    (docs / "2024" / "invoice.txt").write_text(invoice_text("NW-SYS-1"), encoding="utf-8")
    (docs / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0 thumbnails")  # Windows, in every folder with pictures
    (docs / "2024" / "desktop.ini").write_text("[.ShellClassInfo]\n", encoding="utf-8")
    (docs / "~$voice.docx").write_bytes(b"\x05someone")  # Word's owner file while invoice.docx is open
    (docs / "Icon\r").write_bytes(b"")  # macOS's custom folder icon

    result = run_cli("run", docs, "--json", "--data-dir", tmp_path / "data")

    assert result.returncode == 0, result.stdout  # a synced inbox's batch does not fail for them
    lines = json_lines(result.stdout)
    skipped = {os.path.basename(line["skipped"]) for line in lines if "skipped" in line}
    assert skipped == {"Thumbs.db", "desktop.ini", "~$voice.docx", "Icon\r"}
    assert [line["document"] for line in lines if "run_id" in line] == ["invoice.txt"]


def test_a_file_a_folder_holds_under_two_names_is_one_document(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    invoice = docs / "invoice.txt"
    docs.mkdir()
    invoice.write_text(invoice_text("NW-TWICE-1"), encoding="utf-8")
    (docs / "0-latest.txt").symlink_to(invoice)  # sorted before the file it leads to
    os.link(invoice, docs / "z-hard-link.txt")
    (docs / "zz-copy.txt").write_text(invoice_text("NW-TWICE-1"), encoding="utf-8")  # a copy is a document of its own

    result = run_cli("run", docs, "--json", "--data-dir", tmp_path / "data")

    assert result.returncode == 0, result.stderr
    lines = json_lines(result.stdout)
    assert {(os.path.basename(line["skipped"]), line["reason"]) for line in lines if "skipped" in line} == {
        ("0-latest.txt", f"the same file as {invoice}"),
        ("z-hard-link.txt", f"the same file as {invoice}"),
    }
    views = {line["document"]: line for line in lines if "run_id" in line}
    assert views["invoice.txt"]["status"] == "completed"  # not held for review as a duplicate of itself
    assert sorted(views) == ["invoice.txt", "zz-copy.txt"]
    assert views["zz-copy.txt"]["status"] == "needs_review"  # the duplicate rule still sees a real copy


def test_a_folder_nested_deeper_than_pythons_recursion_limit_is_walked(tmp_path: Path) -> None:
    deepest = docs = tmp_path / "docs"
    for _ in range(1200):  # a copy into itself, an archive unpacked into its own folder
        deepest = deepest / "d"
        deepest.mkdir(parents=True)
    (deepest / "invoice.txt").write_text(invoice_text("NW-DEEP-1"), encoding="utf-8")

    try:
        result = run_cli("run", docs, "--json", "--data-dir", tmp_path / "data")
    finally:  # shutil.rmtree, and pytest's clean-up with it, recurse as deep as the folder: rm does not
        subprocess.run(["rm", "-rf", str(docs)], check=True)

    assert "Traceback" not in result.stderr and result.returncode == 0, result.stderr[-2000:]
    [view] = json_lines(result.stdout)
    assert view["document"] == "invoice.txt" and view["status"] == "completed"


def test_a_data_directory_inside_the_folder_run_is_not_read_as_documents(tmp_path: Path) -> None:
    docs = tmp_path / "inbox"
    docs.mkdir()
    (docs / "invoice.txt").write_text(invoice_text("NW-OWN-1"), encoding="utf-8")
    data = docs / "claimflow-data"  # `claimflow run . --data-dir claimflow-data`
    assert run_cli("run", docs, "--data-dir", data).returncode == 0

    again = run_cli("run", docs, "--json", "--data-dir", data)

    assert again.returncode == 0, again.stdout  # its databases are not failed documents, again at every run
    skipped, view = json_lines(again.stdout)
    assert skipped == {
        "skipped": str(data),
        "reason": "claimflow's data directory (--data-dir): its databases are no documents",
    }
    assert view["document"] == "invoice.txt" and view["status"] == "completed"
    assert len(json_lines(run_cli("runs", "--json", "--data-dir", data).stdout)) == 1


def test_a_file_system_without_inode_numbers_loses_no_document(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import claimflow.runtime.sources as sources

    for number in range(3):
        (tmp_path / f"invoice-{number}.txt").write_text(invoice_text(f"NW-INO-{number}"), encoding="utf-8")
    real_stat = os.stat

    def without_inodes(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        known = real_stat(path, *args, **kwargs)
        return os.stat_result((known.st_mode, 0, *tuple(known)[2:]))  # some FUSE and SMB mounts say 0

    monkeypatch.setattr(os, "stat", without_inodes)
    found = sources.expand([tmp_path])
    assert [path.name for path in found.files] == ["invoice-0.txt", "invoice-1.txt", "invoice-2.txt"]
    assert found.skipped == []


def test_a_file_named_twice_or_also_inside_a_folder_named_is_one_document(tmp_path: Path) -> None:
    docs, elsewhere = tmp_path / "docs", tmp_path / "elsewhere"
    docs.mkdir()
    elsewhere.mkdir()
    invoice = docs / "invoice.txt"
    invoice.write_text(invoice_text("NW-NAMED-1"), encoding="utf-8")
    os.link(invoice, elsewhere / "hard-link.txt")

    result = run_cli("run", docs, invoice, elsewhere / "hard-link.txt", "--json", "--data-dir", tmp_path / "data")

    assert result.returncode == 0, result.stderr
    lines = json_lines(result.stdout)
    assert [(line["skipped"], line["reason"]) for line in lines if "skipped" in line] == [
        (str(invoice), f"the same file as {invoice}"),
        (str(elsewhere / "hard-link.txt"), f"the same file as {invoice}"),
    ]
    [view] = [line for line in lines if "run_id" in line]  # one row, not the same run listed twice
    assert view["status"] == "completed"  # not held for review as a duplicate of itself


def test_a_file_reached_by_another_spelling_of_its_path_keeps_its_run(tmp_path: Path) -> None:
    """`inbox/../inbox/a.txt`, a link to the folder, another working directory: one file, registered once."""
    docs, data = tmp_path / "inbox", tmp_path / "data"
    docs.mkdir()
    (docs / "invoice.txt").write_text(invoice_text("NW-SPELT-1"), encoding="utf-8")
    (tmp_path / "inbox-link").symlink_to(docs)

    first = run_cli("run", docs, "--json", "--data-dir", data)
    again = [
        run_cli("run", tmp_path / "inbox-link", "--json", "--data-dir", data),
        run_cli("run", docs / ".." / "inbox" / "invoice.txt", "--json", "--data-dir", data),
    ]

    assert first.returncode == 0, first.stderr
    [view] = json_lines(first.stdout)
    assert view["status"] == "completed"
    for result in again:
        assert result.returncode == 0, result.stderr
        [same] = json_lines(result.stdout)
        # The same run, reported as it stands: not a second run held for review as a duplicate of the first.
        assert (same["run_id"], same["status"], same["new"]) == (view["run_id"], "completed", False)
    assert [row.run_id for row in registered(data)] == [view["run_id"]]
