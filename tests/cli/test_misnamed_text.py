"""A text saved under a PDF or image name is read as the text it is; a damaged PDF or image still fails as one.

PDF, JPEG, PNG and TIFF files always open with their format's signature. A file named `invoice.pdf` without it,
whose bytes are text all through (an e-mail body or a plain-text export saved under the wrong name), is misnamed:
it was refused as a damaged PDF ("Data format error") or image ("the file is damaged") while the same bytes
named `.txt` complete. Binary bytes under such a name, without the signature, are still damaged files.
"""

from __future__ import annotations

import random
from pathlib import Path

from tests.cli.conftest import Invoke
from tests.integration._docs import invoice_text, json_lines, write


def test_a_text_named_as_a_pdf_or_an_image_completes(claimflow: Invoke, tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    names = ["invoice.pdf", "scan.jpg", "photo.PNG", "fax.tiff"]
    for index, name in enumerate(names):
        write(docs, name, invoice_text(f"NW-2024-{index:04}"))
    write(docs, "latin1.pdf", invoice_text("NW-2024-0100", vendor="Müller Widgets Ltd").encode("cp1252"))

    result = claimflow("run", docs, "--json", "--data-dir", data)

    views = {view["document"]: view for view in json_lines(result.stdout)}
    assert set(views) == {*names, "latin1.pdf"}
    for name, view in views.items():
        assert (view["status"], view["doc_type"], view["error"]) == ("completed", "invoice", None), name
    assert views["latin1.pdf"]["fields"]["vendor_name"]["value"] == "Müller Widgets Ltd"
    assert result.exit_code == 0, (result.stdout, result.stderr)


def test_binary_bytes_under_such_a_name_still_fail_as_damaged(claimflow: Invoke, tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    noise = random.Random(3).randbytes(20_000)
    write(docs, "headless.pdf", noise)  # a PDF cut off at its start: no `%PDF-` header left
    write(docs, "headless.jpg", noise)

    result = claimflow("run", docs, "--json", "--data-dir", data)

    views = {view["document"]: view for view in json_lines(result.stdout)}
    assert views["headless.pdf"]["status"] == "failed"
    assert views["headless.pdf"]["error"].startswith("The PDF could not be read: it is damaged"), views
    assert views["headless.jpg"]["status"] == "failed"
    assert views["headless.jpg"]["error"] == "The image could not be decoded: the file is damaged.", views
    assert result.exit_code == 1
