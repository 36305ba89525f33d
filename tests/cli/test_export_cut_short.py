"""An export the file system cuts short (a full disk, a quota) leaves the earlier export whole, and no part file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.integration._docs import cli_env, invoice_text, run_cli, write

WRITER = """
import resource, signal, sys
from pathlib import Path

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.export import write_records
from claimflow.state.records import DocumentRecord
from claimflow.state.schema import DocumentTypes

source, output, limit = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
records = [DocumentRecord.model_validate_json(line)  # their common fields: longer than the limit all the same
           for line in source.read_text(encoding="utf-8").splitlines()]
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))  # as a nearly full disk, or a quota, allows
write_records(records, output, DocumentTypes(BUILTIN_TYPES))
"""


def test_an_export_that_cannot_be_written_whole_leaves_the_earlier_one_as_it_was(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for number in ("NW-1", "NW-2", "NW-3"):
        invoice = write(tmp_path / "inbox", f"{number}.txt", invoice_text(number))
        assert run_cli("run", invoice, "--data-dir", data).returncode == 0
    output = tmp_path / "out" / "records.jsonl"
    earlier = tmp_path / "earlier.jsonl"
    assert run_cli("export", earlier, "--data-dir", data).returncode == 0
    output.parent.mkdir()
    output.write_bytes(earlier.read_bytes())

    cut = subprocess.run(
        [sys.executable, "-c", WRITER, str(earlier), str(output), "256"],
        capture_output=True, text=True, timeout=60, env=cli_env(), check=False,
    )  # fmt: skip

    assert cut.returncode != 0
    assert "File too large" in cut.stderr
    assert output.read_bytes() == earlier.read_bytes(), "the earlier export was cut to what fitted"
    assert sorted(path.name for path in output.parent.iterdir()) == ["records.jsonl"]
